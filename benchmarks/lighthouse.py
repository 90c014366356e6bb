"""Lighthouse (npm lighthouse, pinned in package.json) for the home page, a topic page and the calculator.

    python -m benchmarks.lighthouse --site SITE_DIR [--runs 3] [--plain-runs 1] [--pages index.html ...]

Lighthouse's default settings (a mid-range phone on a throttled mobile connection, simulated),
Debian's Chromium (CHROME_PATH) with the tests' closed-network flags, categories performance,
accessibility and best practices. Each page is scored as the stdlib server sends it (no
compression) and from a server that gzips text files as most static hosts do, so that what the
compression is worth shows. Scores move by several points from run to run on a small machine, so the
content pages are scored `--runs` times from the compressing server (`--plain-runs` from the other)
and the median kept; the calculator, which has no goal, once.
Goal: ≥ 95 in each category for the content pages (home, topic). Writes build/benchmarks/lighthouse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import NODE_MODULES, RESULTS_DIR, chromium_launch_options, log, median, serve, write_result
from benchmarks.goals import GOALS

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
CONTENT_PAGES = ("index.html", "topics/medical.html")
CALCULATOR_PAGE = "calculator.html"
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
TIMEOUT_SECONDS = 180


def lighthouse_version() -> str:
    manifest = NODE_MODULES / "lighthouse" / "package.json"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"]) if manifest.is_file() else "not installed"


def run_lighthouse(url: str) -> dict[str, Any]:
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run `npm ci` (it is a devDependency in package.json)")
    options = chromium_launch_options()
    flags = " ".join(["--headless=new", *options["args"]])
    env = dict(os.environ, CHROME_PATH=str(options["executable_path"]))
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        report = Path(folder) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={flags}",
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=TIMEOUT_SECONDS, check=False
        )
        if completed.returncode != 0 or not report.is_file():
            raise RuntimeError(f"lighthouse failed for {url}:\n{completed.stderr[-3000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {data['runtimeError']}")
    return summarise(data)


def summarise(data: dict[str, Any]) -> dict[str, Any]:
    """Scores (0–100), the main metrics, and the audits that cost points, worst first."""
    audits = data["audits"]
    weights = {
        ref["id"]: ref.get("weight", 0)
        for category in data["categories"].values()
        for ref in category.get("auditRefs", [])
    }
    failing = [
        {"id": key, "title": audit["title"], "score": audit["score"], "value": audit.get("displayValue")}
        for key, audit in audits.items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
    ]
    failing.sort(key=lambda audit: (-weights.get(audit["id"], 0), audit["score"]))
    return {
        "scores": {key: round(data["categories"][key]["score"] * 100) for key in CATEGORIES},
        "metrics": {key: audits[key].get("displayValue") for key in METRICS if key in audits},
        "failing_audits": failing[:8],
        "benchmark_index": data.get("environment", {}).get("benchmarkIndex"),
        "form_factor": data.get("configSettings", {}).get("formFactor"),
        "throttling": data.get("configSettings", {}).get("throttlingMethod"),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose performance score is the median, with the median of each score."""
    ordered = sorted(runs, key=lambda run: run["scores"]["performance"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["scores"] = {key: round(median([run["scores"][key] for run in runs])) for key in CATEGORIES}
    chosen["runs"] = [run["scores"] for run in runs]
    return chosen


SERVERS = {"plain": False, "gzip": True}


def measure(
    site: Path,
    pages: list[str],
    runs: int,
    servers: tuple[str, ...] = tuple(SERVERS),
    *,
    plain_runs: int = 1,
) -> dict[str, Any]:
    results: dict[str, dict[str, Any]] = {server: {} for server in servers}
    for server in servers:
        with serve(site, compress=SERVERS[server]) as base:
            for page in pages:
                times = 1 if page == CALCULATOR_PAGE else (runs if SERVERS[server] else plain_runs)
                log(f"lighthouse: {page} ({server}, {times} run{'s' if times > 1 else ''})")
                results[server][page] = median_run([run_lighthouse(base + page) for _ in range(times)])
    goal = GOALS["lighthouse"]
    content = [page for page in pages if page != CALCULATOR_PAGE]

    def met(server: str) -> bool:
        return all(score >= goal.limit for page in content for score in results[server][page]["scores"].values())

    return {
        **results,
        "lighthouse": lighthouse_version(),
        "settings": "Lighthouse defaults: mobile form factor, simulated throttling (slow 4G, 4× CPU slowdown)",
        "runs": runs,
        "plain_runs": plain_runs,
        "pages": pages,
        "content_pages": content,
        "servers": list(servers),
        "goal_met": {server: met(server) for server in servers},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True, help="a built site (python -m scripts.build --site-dir)")
    parser.add_argument("--pages", nargs="*", default=[*CONTENT_PAGES, CALCULATOR_PAGE])
    parser.add_argument("--runs", type=int, default=3, help="runs per content page from the gzip server")
    parser.add_argument("--plain-runs", type=int, default=1, help="runs per content page from the plain server")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    result = measure(args.site, args.pages, args.runs, plain_runs=args.plain_runs)
    target = write_result("lighthouse", result, args.output_dir)
    for server in result["servers"]:
        for page, figures in result[server].items():
            print(f"{server:>5} {page:<22} {figures['scores']}  {figures['metrics']}")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
