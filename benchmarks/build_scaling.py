"""How the build grows with the number of regions: time, peak memory and bytes per stage and size.

    python -m benchmarks.build_scaling [--sizes 50 300 3000] [--full-up-to 3000] [--repeat 3]
                                       [--budget SECONDS] [--full-build-runs 2] [--overlay DIR]

Real data: the whole build (`python -m scripts.build`: validate → compile → calculator wheel →
vendoring → pages → ProperDocs → search index → CSP) of a scratch copy of the project,
`--full-build-runs` times (median). Synthetic data: N region files made from the real ones (national
once, then copies of the other regions in turn, each with its own region id, name and document ids;
the figures, quotes and source files stay those of the original, so the provenance check still runs
against the seed texts when they are at hand). Each size is built in its own scratch copy: the Python
stages (validate, compile, render pages) in one child process that times each stage (median of
`--repeat` runs for quick sizes; peak RSS of that child), then, for sizes up to `--full-up-to`, the
whole build as `make build` runs it, timed per stage by the build's own `--timings` (peak RSS of its
largest process). For each site built: where its bytes go (search index, topic column scripts, pages
by kind, theme), and the offline copy's zip (the files scripts/offline_zip.py packs, compressed the
same way) with its size per region. With `--budget`, a size whose time, predicted from the sizes
already measured, would not fit in what is left is skipped and its prediction recorded. `--overlay
DIR` lays DIR's files over each scratch copy, to time a proposed change before making it.
Goals: 3,000 regions build in under 10 × the time of 300 (Python stages); the whole build of 3,000
regions within 10 minutes and 4 GB.
Writes build/benchmarks/build_scaling.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import (
    RESULTS_DIR,
    ROOT,
    Measured,
    TimedOut,
    build_site,
    log,
    make_scratch_project,
    median,
    project_env,
    run_measured,
    write_result,
)
from benchmarks.goals import GOALS
from scripts.policy_loader import CATALOG_FILE

NATIONAL = "national"
DEFAULT_SIZES = (50, 300, 3000)
STAGES = ("validate", "compile", "render")


# --- synthetic region files -----------------------------------------------------------------------


def _id_pattern(ids: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_])({alternatives})(?![A-Za-z0-9_])")


def write_synthetic_data(source: Path, target: Path, regions: int) -> list[str]:
    """`regions` region files in `target` (national plus copies of the others); returns the ids."""
    if regions < 2:
        raise ValueError("synthetic data needs at least 2 regions (national and one more)")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / f"{NATIONAL}.yaml", target / f"{NATIONAL}.yaml")
    shutil.copyfile(source / CATALOG_FILE, target / CATALOG_FILE)  # the parameter catalog, shared by all
    templates: list[tuple[str, str, re.Pattern[str] | None]] = []
    for path in sorted(source.glob("*.yaml")):
        if path.stem == NATIONAL or path.name == CATALOG_FILE:
            continue
        text = path.read_text(encoding="utf-8")
        document_ids = list((yaml.safe_load(text).get("documents") or {}).keys())
        templates.append((path.stem, text, _id_pattern(document_ids) if document_ids else None))
    if not templates:
        raise ValueError(f"{source} has no region besides {NATIONAL} to copy")
    ids = [NATIONAL]
    for number in range(1, regions):
        stem, text, documents = templates[(number - 1) % len(templates)]
        suffix = f"_s{number:04d}"
        new_id = stem + suffix
        text, found = re.subn(rf"^(  id: ){re.escape(stem)}$", rf"\g<1>{new_id}", text, count=1, flags=re.M)
        if not found:
            raise ValueError(f"{stem}.yaml: no `  id: {stem}` line under region")
        text = re.sub(r"^(  name: )(.+)$", rf"\g<1>\g<2>（样本{number}）", text, count=1, flags=re.M)
        if documents is not None:
            text = documents.sub(rf"\g<1>{suffix}", text)
        (target / f"{new_id}.yaml").write_text(text, encoding="utf-8")
        ids.append(new_id)
    return ids


# --- the Python stages, timed inside a scratch project (child process) ----------------------------


def stage_timings(repeat: int) -> dict[str, Any]:
    """Run in the scratch project: the build's own Python part (`scripts.build.build` without the
    calculator and mkdocs) `repeat` times, each stage clocked by wrapping the function the build calls
    for it; medians. Going through build() keeps whatever the build sets up around its stages."""
    import scripts.render_pages as pages_module
    from scripts import build as site_build
    from scripts import policy_loader

    if not Path(site_build.__file__).resolve().is_relative_to(Path.cwd().resolve()):
        raise SystemExit(f"stage timings must import the scratch project, not {site_build.__file__}")
    # Without the source texts (a bare clone) the build still runs, but checks no evidence: recorded.
    evidence_checked = any(policy_loader.DEFAULT_SEEDS_DIR.glob("*.txt"))
    spans: dict[str, float] = {}
    written: list[Path] = []

    def clocked(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spans[stage] = spans.get(stage, 0.0) + time.perf_counter() - started

        return wrapper

    def keep_written(function: Callable[..., list[Path]]) -> Callable[..., list[Path]]:
        def wrapper(*args: Any, **kwargs: Any) -> list[Path]:
            written[:] = function(*args, **kwargs)
            return written

        return wrapper

    # The names scripts.build imported from the loader: the build calls them through its own module.
    site_build.load_policy_data = clocked("validate", policy_loader.load_policy_data)  # type: ignore[attr-defined]
    site_build.write_compiled = clocked("compile", policy_loader.write_compiled)  # type: ignore[attr-defined]
    pages_module.render_pages = clocked("render", keep_written(pages_module.render_pages))
    times: dict[str, list[float]] = {stage: [] for stage in (*STAGES, "other")}
    with tempfile.TemporaryDirectory(prefix="no-site-") as unused_site, contextlib.redirect_stdout(sys.stderr):
        for _ in range(repeat):
            spans.clear()
            started = time.perf_counter()
            compiled: dict[str, Any] = site_build.build(Path(unused_site), with_calculator=False, with_mkdocs=False)
            total = time.perf_counter() - started
            for stage in STAGES:
                times[stage].append(spans[stage])
            times["other"].append(total - sum(spans.values()))
    pages = [path for path in written if path.suffix == ".md"]
    return {
        "regions": len(compiled["regions"]),
        "evidence_checked": evidence_checked,
        "documents": len(compiled["documents"]),
        "parameters": sum(len(parameters) for parameters in compiled["parameters"].values()),
        "seconds": {stage: round(median(times[stage]), 3) for stage in STAGES},
        "other_seconds": round(median(times["other"]), 3),
        "runs": {stage: [round(value, 3) for value in values] for stage, values in times.items()},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pages": len(pages),
        "markdown_mb": round(sum(path.stat().st_size for path in pages) / 1e6, 2),
        "compiled_json_mb": round(site_build.COMPILED_JSON.stat().st_size / 1e6, 2),
    }


def run_stages(project: Path, repeat: int, timeout: float | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.build_scaling", "--stages-only", "--repeat", str(repeat)]
    measured = run_measured(command, project, project_env(project), timeout=timeout)
    result: dict[str, Any] = json.loads(measured.output.strip().splitlines()[-1])
    result["python_seconds"] = round(sum(result["seconds"].values()) + result["other_seconds"], 3)
    return result


# Where the built site's bytes go: the first matching prefix names the part.
SITE_PARTS = (
    ("search/", "search"),
    ("topics/columns/", "topic_columns"),
    ("topics/", "topic_pages"),
    ("regions/", "region_pages"),
    ("sources/", "source_pages"),
    ("downloads/", "downloads"),
    ("assets/", "theme"),
    ("vendor/", "vendor"),
)


def site_part(relative: str) -> str:
    return next((name for prefix, name in SITE_PARTS if relative.startswith(prefix)), "other")


def offline_zip_bytes(site: Path) -> tuple[int, float]:
    """Size and time of the offline copy's zip (scripts/offline_zip.py's file selection and
    compression, without its guide file), written to a temporary file and removed."""
    from scripts.offline_zip import offline_files

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zip-") as folder:
        target = Path(folder) / "offline.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in offline_files(site):
                archive.write(path, path.relative_to(site).as_posix())
        return target.stat().st_size, time.perf_counter() - started


def site_figures(site: Path, regions: int | None = None) -> dict[str, Any]:
    pages = list(site.rglob("*.html"))
    largest = max(pages, key=lambda page: page.stat().st_size)
    search = search_index_figures(site)
    parts: dict[str, int] = {}
    files = [path for path in site.rglob("*") if path.is_file()]
    for path in files:
        part = site_part(path.relative_to(site).as_posix())
        parts[part] = parts.get(part, 0) + path.stat().st_size
    figures: dict[str, Any] = {
        "html_pages": len(pages),
        "files": len(files),
        "site_mb": round(sum(parts.values()) / 1e6, 1),
        "parts_mb": {name: round(size / 1e6, 2) for name, size in sorted(parts.items(), key=lambda kv: -kv[1])},
        "largest_page": largest.relative_to(site).as_posix(),
        "largest_page_kb": round(largest.stat().st_size / 1024),
        **search,
    }
    if regions:
        zip_size, zip_seconds = offline_zip_bytes(site)
        figures.update(
            zip_mb=round(zip_size / 1e6, 1),
            zip_kb_per_region=round(zip_size / 1024 / regions, 1),
            zip_seconds=round(zip_seconds, 1),
        )
    return figures


def search_index_figures(site: Path) -> dict[str, Any]:
    """The sharded search index of a built site: its size and its largest shard (what one query term
    reads at most)."""
    folder = site / "search"
    shards = list((folder / "t").glob("*.js"))
    if not shards:
        return {"search_index_kb": None, "largest_shard_kb": None}
    total = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    return {
        "search_index_kb": round(total / 1024),
        "largest_shard_kb": round(max(path.stat().st_size for path in shards) / 1024, 1),
    }


# The build's log lines (scripts/build.py) → the stage they start, for the page.
BUILD_STAGES = (
    ("validating", "data"),
    ("note:", "data"),
    ("packaging", "calculator"),
    ("vendoring", "calculator"),
    ("trimming", "calculator"),
    ("writing the calculator", "calculator"),
    ("embedding", "calculator"),
    ("rendering the calculator", "calculator"),
    ("rendering pages", "pages"),
    ("properdocs", "generator"),
    ("sharding", "search"),
    ("search index", "search"),
    ("writing the Content-Security-Policy", "finishing"),
    ("Content-Security-Policy", "finishing"),
    ("writing the service worker", "finishing"),
)


def build_stage(message: str) -> str:
    return next((stage for prefix, stage in BUILD_STAGES if message.startswith(prefix)), "other")


def run_full_build(
    project: Path, site: Path, timeout: float | None = None, regions: int | None = None
) -> dict[str, Any]:
    """The whole build (`python -m scripts.build`: data, calculator, pages, the site generator, search
    index, CSP) of a scratch project: wall time, peak memory of the largest process, seconds per stage
    (from the build's own --timings) and, with `regions`, the offline zip. The runtime cache of the
    checkout seeds the project's, as a second build on the same machine would find it."""
    cache = ROOT / "build" / "runtime-cache"
    if cache.is_dir() and not (project / "build" / "runtime-cache").exists():
        shutil.copytree(cache, project / "build" / "runtime-cache")
    timings = project / "build" / "timings.json"
    command = [sys.executable, "-m", "scripts.build", "--site-dir", str(site), "--timings", str(timings)]
    try:
        measured = run_measured(command, project, project_env(project), timeout=timeout)
        figures = site_figures(site, regions)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    stages: dict[str, float] = {}
    for entry in json.loads(timings.read_text(encoding="utf-8")):
        stage = build_stage(entry["stage"])
        stages[stage] = round(stages.get(stage, 0.0) + entry["seconds"], 2)
    return {
        "seconds": round(measured.seconds, 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "stages": stages,
        # The generator's own share, as the columns named after it show it.
        "generator_seconds": stages.get("generator", 0.0),
        **figures,
    }


def prepare_size(scratch: Path, regions: int | None, overlay: Path | None = None) -> Path:
    """A scratch copy for one size (`regions=None`: the real data); returns its project folder.
    Files under `overlay` replace the project's (to time a proposed change before making it)."""
    parent = scratch / (f"synthetic-{regions}" if regions else "real")
    parent.mkdir()
    project = make_scratch_project(parent)
    if overlay is not None:
        shutil.copytree(overlay, project, dirs_exist_ok=True)
    if regions is not None:
        shutil.rmtree(project / "policy_data")
        write_synthetic_data(ROOT / "policy_data", project / "policy_data", regions)
    return project


def full_real_build(scratch: Path, repeat: int) -> dict[str, Any]:
    """The whole build of the real data (`python -m scripts.build`, calculator included)."""
    parent = scratch / "full"
    parent.mkdir()
    project = make_scratch_project(parent)
    runs = []
    for number in range(repeat):
        log(f"full build of the real data ({number + 1}/{repeat})")
        runs.append(build_site(project, parent / "site"))
    figures = site_figures(parent / "site")
    shutil.rmtree(parent, ignore_errors=True)
    return full_build_figures(runs, figures)


def full_build_figures(runs: list[Measured], figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "seconds": round(median([run.seconds for run in runs]), 2),
        "runs": [round(run.seconds, 2) for run in runs],
        "peak_rss_mb": round(max(run.peak_rss_mb for run in runs), 1),
        **figures,
    }


# --- predictions, so that a size that cannot finish in the time left is not started -------------


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Growth exponent between the two largest sizes measured (1 = linear, 2 = quadratic)."""
    if len(points) < 2:
        return None
    (small, small_time), (large, large_time) = sorted(points)[-2:]
    if large <= small or small_time <= 0 or large_time <= 0:
        return None
    return math.log(large_time / small_time) / math.log(large / small)


def predict(points: list[tuple[int, float]], regions: int) -> float:
    """Seconds for `regions`, on the power law through the two largest sizes measured (never below
    linear: fixed costs make small sizes look cheaper than they scale)."""
    largest, largest_time = max(points)
    power = max(1.0, exponent(points) or 1.0)
    return float(largest_time * (regions / largest) ** power)


def predict_stages(measured: list[dict[str, Any]], regions: int) -> float:
    return sum(predict([(size["regions"], size["seconds"][stage]) for size in measured], regions) for stage in STAGES)


class Budget:
    """Seconds left for the whole scaling benchmark (None: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def allows(self, predicted: float) -> bool:
        left = self.left()
        return left is None or predicted <= left


def measure(
    sizes: list[int],
    *,
    full_up_to: int,
    repeat: int,
    budget_seconds: float | None = None,
    full_build: dict[str, Any] | None = None,
    full_build_runs: int = 0,
    overlay: Path | None = None,
) -> dict[str, Any]:
    """The real data (Python stages, then a whole build), then the Python stages of each size
    (ascending; its whole build at once when it is cheap), then the whole build for the remaining
    sizes up to `full_up_to`. A step predicted not to finish within the budget is skipped with its
    prediction; one that overruns it is stopped and recorded with the time it had run."""
    budget = Budget(budget_seconds)
    skipped: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="shebao-scaling-") as folder:
        scratch = Path(folder)
        if full_build is None and full_build_runs:
            full_build = full_real_build(scratch, full_build_runs)
        projects = {0: prepare_size(scratch, None, overlay)}
        log("build stages: real data")
        real = run_stages(projects[0], repeat)
        real["data"] = "real"
        log("whole build: real data")
        real["full"] = run_full_build(projects[0], scratch / "site", regions=real["regions"])
        real["total_seconds"] = real["full"]["seconds"]
        real["peak_mb"] = max(real["peak_rss_mb"], real["full"]["peak_rss_mb"])
        measured = [real]
        synthetic: list[dict[str, Any]] = []
        full_points = [(real["regions"], real["full"]["seconds"])]
        growing_points = [(real["regions"], growing_seconds(real["full"]))]

        def try_full(result: dict[str, Any]) -> bool:
            """The whole build of one size if it is predicted to fit; False once the budget has run out."""
            size = result["regions"]
            predicted = predict(full_points, size)
            if not budget.allows(predicted):
                skipped.append({"regions": size, "stage": "full", "predicted_seconds": round(predicted)})
                return True
            log(f"whole build: {size} regions (predicted {predicted:.0f} s)")
            try:
                result["full"] = run_full_build(projects[size], scratch / "site", timeout=budget.left(), regions=size)
            except TimedOut as stopped:
                skipped.append({"regions": size, "stage": "full", "stopped_after_seconds": round(stopped.seconds)})
                return False
            result["total_seconds"] = result["full"]["seconds"]
            result["peak_mb"] = max(result["peak_rss_mb"], result["full"]["peak_rss_mb"])
            full_points.append((size, result["full"]["seconds"]))
            growing_points.append((size, growing_seconds(result["full"])))
            # Done with this size: its scratch copy (thousands of generated pages) goes.
            shutil.rmtree(projects[size].parent, ignore_errors=True)
            return True

        for size in sorted(sizes):
            predicted = predict_stages(measured, size)
            if not budget.allows(predicted):
                skipped.append({"regions": size, "stage": "python", "predicted_seconds": round(predicted, 1)})
                continue
            projects[size] = prepare_size(scratch, size, overlay)
            log(f"build stages: {size} regions (predicted {predicted:.0f} s)")
            try:
                result = run_stages(projects[size], repeat if predicted * repeat < 30 else 1, timeout=budget.left())
            except TimedOut as stopped:
                skipped.append({"regions": size, "stage": "python", "stopped_after_seconds": round(stopped.seconds)})
                break
            result["data"] = "synthetic"
            result["predicted_seconds"] = round(predicted, 1)
            measured.append(result)
            synthetic.append(result)
            # A cheap whole build right away; dearer ones wait until every size's Python stages ran,
            # which the goal compares.
            left = budget.left()
            if size <= full_up_to and (left is None or predict(full_points, size) <= left / 5):
                try_full(result)
        for result in synthetic:
            if result["regions"] <= full_up_to and "full" not in result and not try_full(result):
                break
    return {
        "full_build": full_build,
        "real": real,
        "synthetic": synthetic,
        "skipped": skipped,
        "full_up_to": full_up_to,
        "budget_seconds": budget_seconds,
        "overlay": None
        if overlay is None
        else sorted(p.relative_to(overlay).as_posix() for p in overlay.rglob("*.py")),
        "exponents": {
            **{stage: rounded(exponent([(m["regions"], m["seconds"][stage]) for m in measured])) for stage in STAGES},
            "full": rounded(exponent(growing_points)),
        },
        **goal_ratio(measured, skipped),
    }


def growing_seconds(full: dict[str, Any]) -> float:
    """A whole build's time without the calculator's stages, which do not depend on the regions."""
    return float(full["seconds"]) - float(full["stages"].get("calculator", 0.0))


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def goal_ratio(measured: list[dict[str, Any]], skipped: list[dict[str, Any]]) -> dict[str, Any]:
    """Python stages at the goal's larger size over its smaller one: measured when both sizes ran,
    else estimated from the power law (and marked so); a size stopped at the budget counts at least
    for the time it had run."""
    goal = GOALS["build_scaling"]
    small, large = goal.sizes
    times = {size["regions"]: size["python_seconds"] for size in measured}
    stopped = {
        item["regions"]: item["stopped_after_seconds"]
        for item in skipped
        if item["stage"] == "python" and "stopped_after_seconds" in item
    }
    if small in times and large in times:
        ratio, estimated = times[large] / times[small], False
    elif len(measured) >= 2:
        small_time = times.get(small) or predict_stages(measured, small)
        ratio, estimated = max(predict_stages(measured, large), stopped.get(large, 0.0)) / small_time, True
    else:
        return {"ratio": None, "ratio_estimated": None, "ratio_at_least": None, "goal_met": None}
    at_least = large in stopped and stopped[large] >= predict_stages(measured, large)
    return {
        "ratio": round(ratio, 1),
        "ratio_estimated": estimated and not at_least,
        "ratio_at_least": at_least,
        "goal_met": ratio < goal.limit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES), help="synthetic region counts")
    parser.add_argument(
        "--full-up-to", type=int, default=max(DEFAULT_SIZES), help="whole builds for sizes up to this many regions"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage for quick sizes (median)")
    parser.add_argument("--budget", type=float, help="seconds for everything; sizes predicted to overrun are skipped")
    parser.add_argument("--full-build-runs", type=int, default=2, help="whole builds of the real data (0: none)")
    parser.add_argument("--overlay", type=Path, help="folder of files laid over each scratch copy (a proposed change)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--stages-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages_only:
        print(json.dumps(stage_timings(args.repeat)))
        return 0
    result = measure(
        args.sizes,
        full_up_to=args.full_up_to,
        repeat=args.repeat,
        budget_seconds=args.budget,
        full_build_runs=args.full_build_runs,
        overlay=args.overlay,
    )
    target = write_result("build_scaling", result, args.output_dir)
    for size in [result["real"], *result["synthetic"]]:
        full = size.get("full")
        print(
            f"{size['regions']:>5} regions  python {size['python_seconds']:7.2f} s"
            f"  ({', '.join(f'{k} {v:.2f}' for k, v in size['seconds'].items())})  peak {size['peak_rss_mb']} MB"
            + (f"  whole build {full['seconds']:.1f} s {full['stages']}, peak {full['peak_rss_mb']} MB" if full else "")
        )
    for item in result["skipped"]:
        print(f"skipped: {item}")
    small, large = GOALS["build_scaling"].sizes
    estimated = " (at least)" if result["ratio_at_least"] else " (estimated)" if result["ratio_estimated"] else ""
    print(f"{large} vs {small} regions: {result['ratio']}×{estimated}, goal < {GOALS['build_scaling'].limit}×")
    print(f"growth exponents: {result['exponents']}; written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
