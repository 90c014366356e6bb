"""First result: from navigation to the first calculator result, against a bare Pyodide start.

    python -m benchmarks.first_result --site SITE_DIR [--runs 7] [--throttled-runs 3]

Headless Chromium (Debian's, as in the tests), a fresh context for every run (cold cache). The
calculator page opens a shared link for the benchmark household (every benefit, every region) and
the clock stops when the results table appears. The bare page (written into SITE_DIR) only calls
loadPyodide() from the vendored package (stock stdlib) and runs one line of Python. Runs alternate
between the pages; medians are reported.

* Unthrottled, from the stdlib http server: the calculator as it chooses (the memory snapshot on a
  fast link), the calculator forced to start without the snapshot (?python-start=bare, the trimmed
  stdlib), and bare Pyodide. From disk (file://): the calculator (snapshot) and without it. Bare
  Pyodide cannot start from disk, so the file:// figures are compared with bare Pyodide over http.
* Throttled (Chromium's network emulation, 10 Mbit/s down and up, 40 ms latency; the server gzips
  text and wasm as most hosts do): the calculator as it chooses, forced with and without the
  snapshot, and bare Pyodide. The page should take whichever path is sooner.
* Second visit: the calculator page opened again in the same context (the runtime then comes from
  the browser's Cache Storage); the runtime requests that reached the network are counted.
* Bytes before the first result: every site file the page (and its workers) asked for, as stored and
  as a gzip-compressing host sends it (zip, gzip and wheel files as they are).

Goal: calculator / bare ≤ 0.8 (http and file://); on the throttled link, the page left to choose
takes (in most runs) the path that is faster when forced; what deciding costs is reported beside
it. Writes build/benchmarks/first_result.json.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path
from typing import Any

from benchmarks.browser import (
    CALCULATOR_CLOCK,
    CALCULATOR_PAGE,
    chromium,
    fresh_page,
    household_fragment,
    write_bare_pyodide_page,
)
from benchmarks.common import COMPRESSIBLE, RESULTS_DIR, file_for_url, log, median, serve, spread, write_result
from benchmarks.goals import GOALS

TIMEOUT_MS = 180_000
# How long the bare page is given from disk before it counts as failed (it fails within a second).
BARE_FILE_TIMEOUT_MS = 15_000
THROTTLE = {"label": "10 Mbit/s、40 毫秒延迟", "bits_per_second": 10e6, "latency_ms": 40}
RUNTIME_PREFIXES = (
    "vendor/pyodide/",
    "vendor/runtime/",
    "vendor/calculator/",
    "vendor/calculator-data/",
    "vendor/offline/",
)
KB = 1024


def throttle(page: Any) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = THROTTLE["bits_per_second"] / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": THROTTLE["latency_ms"], "downloadThroughput": rate, "uploadThroughput": rate},
    )


def clock_run(page: Any, url: str) -> dict[str, Any]:
    """Open the calculator in `page` and read its clock; the URLs it asked for are returned too."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.add_init_script(CALCULATOR_CLOCK)
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__benchCalc && window.__benchCalc.first !== null", timeout=TIMEOUT_MS)
    page.wait_for_function("() => window.__benchCalc.ready !== null", timeout=TIMEOUT_MS)
    clock = page.evaluate("window.__benchCalc")
    if page.locator("#calc-runtime.calc-runtime-failed").count():
        raise RuntimeError("the calculator page could not start Python")
    return {
        "first_result_ms": float(clock["first"]),
        "python_ready_ms": float(clock["ready"]),
        "start": page.get_attribute("#calculator", "data-python-start"),
        "asked": list(asked),
    }


def calculator_run(browser: Any, url: str, page_errors: set[str], *, slow: bool = False) -> dict[str, Any]:
    with fresh_page(browser) as page:
        if slow:
            throttle(page)
        run = clock_run(page, url)
        page_errors.update(page.bench_errors)
        return run


def second_visit_run(browser: Any, url: str, page_errors: set[str]) -> dict[str, Any]:
    """Two visits in one context; the second one's clock and runtime requests."""
    with fresh_page(browser) as page:
        clock_run(page, url)
        second = page.context.new_page()
        second.on("pageerror", lambda error: page_errors.add(str(error)))
        run = clock_run(second, url)
        page_errors.update(page.bench_errors)
        return run


def bare_run(browser: Any, url: str, timeout_ms: int = TIMEOUT_MS, *, slow: bool = False) -> dict[str, Any]:
    with fresh_page(browser) as page:
        if slow:
            throttle(page)
        page.goto(url, wait_until="commit")
        try:
            page.wait_for_function("() => window.__benchBare !== undefined", timeout=timeout_ms)
        except Exception as error:  # playwright's TimeoutError: the page never finished
            return {"error": f"no answer within {timeout_ms / 1000:.0f} s ({type(error).__name__})"}
        state: dict[str, Any] = page.evaluate("window.__benchBare")
        if "error" in state:
            return {"error": state["error"]}
        if state.get("value") != "45":
            raise RuntimeError(f"bare Pyodide answered {state!r}")
        return {"ready_ms": float(state["done"])}


def sent_size(path: Path) -> int:
    """What a gzip-compressing host sends: text and wasm compressed; zip, gzip and wheels as they are."""
    data = path.read_bytes()
    if path.suffix in COMPRESSIBLE or path.suffix == ".wasm":
        return len(gzip.compress(data, compresslevel=6))
    return len(data)


def bytes_before_first_result(asked: list[str], site: Path, base_url: str) -> dict[str, Any]:
    files = {}
    for url in asked:
        path = file_for_url(url, site, base_url)
        if path is not None:
            files[path.relative_to(site).as_posix()] = path
    runtime = {name: path for name, path in files.items() if name.startswith(RUNTIME_PREFIXES)}
    search = {name: path for name, path in files.items() if name.startswith("search/")}
    return {
        "kb": round(sum(path.stat().st_size for path in files.values()) / KB, 1),
        "gzip_kb": round(sum(sent_size(path) for path in files.values()) / KB, 1),
        "runtime_gzip_kb": round(sum(sent_size(path) for path in runtime.values()) / KB, 1),
        "search_index_gzip_kb": round(sum(sent_size(path) for path in search.values()) / KB, 1),
        "runtime_files": {
            name: {"kb": round(path.stat().st_size / KB, 1), "gzip_kb": round(sent_size(path) / KB, 1)}
            for name, path in sorted(runtime.items())
        },
    }


def megabytes(kb: float) -> float:
    """KB (of 1024 bytes) as MB of 10⁶ bytes, the unit of the runtime-bytes goal."""
    return round(kb * KB / 1e6, 2)


def starts(runs: list[dict[str, Any]]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for run in runs:
        counted[str(run["start"])] = counted.get(str(run["start"]), 0) + 1
    return counted


def first_ms(runs: list[dict[str, Any]]) -> list[float]:
    return [run["first_result_ms"] for run in runs]


def judge_choice(throttled: dict[str, Any]) -> dict[str, Any]:
    """Whether the page, left to choose, took the path that was faster when forced (in most runs),
    and what deciding cost: its median against the faster path's (it measures the link first)."""
    with_snapshot = throttled["with_snapshot_ms"]["median"]
    without = throttled["without_snapshot_ms"]["median"]
    faster = "snapshot" if with_snapshot < without else "bare"
    starts = throttled["calculator"]["starts"]
    chosen = max(starts, key=lambda name: starts[name])
    return {
        "faster_path": faster,
        "chosen_path": chosen,
        "chose_the_faster_path": chosen == faster,
        "deciding_cost_ms": round(throttled["calculator"]["first_result_ms"]["median"] - min(with_snapshot, without)),
    }


def measure(site: Path, runs: int, throttled_runs: int | None = None) -> dict[str, Any]:
    throttled_runs = runs if throttled_runs is None else throttled_runs
    bare_page = write_bare_pyodide_page(site)
    fragment = "#" + household_fragment()
    disk = site.resolve().as_uri() + "/"
    calc: dict[str, list[dict[str, Any]]] = {key: [] for key in ("http", "http_bare", "file", "file_bare", "second")}
    slow: dict[str, list[dict[str, Any]]] = {key: [] for key in ("auto", "snapshot", "bare")}
    http_bare: list[float] = []
    slow_pyodide: list[float] = []
    page_errors: dict[str, set[str]] = {"http": set(), "file": set()}
    with serve(site) as base, chromium() as browser:
        browser_version = browser.version
        for number in range(runs):
            log(f"first result, run {number + 1}/{runs}")
            calc["http"].append(calculator_run(browser, base + CALCULATOR_PAGE + fragment, page_errors["http"]))
            bare = bare_run(browser, base + bare_page)
            if "error" in bare:
                raise RuntimeError(f"bare Pyodide failed over http: {bare['error']}")
            http_bare.append(bare["ready_ms"])
            forced_bare = CALCULATOR_PAGE + "?python-start=bare" + fragment
            calc["http_bare"].append(calculator_run(browser, base + forced_bare, page_errors["http"]))
            calc["file"].append(calculator_run(browser, disk + CALCULATOR_PAGE + fragment, page_errors["file"]))
            calc["file_bare"].append(calculator_run(browser, disk + forced_bare, page_errors["file"]))
            calc["second"].append(second_visit_run(browser, base + CALCULATOR_PAGE + fragment, page_errors["http"]))
        bare_from_disk = bare_run(browser, disk + bare_page, BARE_FILE_TIMEOUT_MS)
        http_base = base
    with serve(site, compress=True, extra_types=(".wasm",)) as base, chromium() as browser:
        for number in range(throttled_runs):
            log(f"first result on a throttled link, run {number + 1}/{throttled_runs}")
            for key, query in (("auto", ""), ("snapshot", "?python-start=snapshot"), ("bare", "?python-start=bare")):
                url = base + CALCULATOR_PAGE + query + fragment
                slow[key].append(calculator_run(browser, url, page_errors["http"], slow=True))
            bare = bare_run(browser, base + bare_page, slow=True)
            if "error" in bare:
                raise RuntimeError(f"bare Pyodide failed on the throttled link: {bare['error']}")
            slow_pyodide.append(bare["ready_ms"])

    goal = GOALS["first_result"]
    bare_median = median(http_bare)

    def ratio(values: list[float], against: float = bare_median) -> float:
        return round(median(values) / against, 2)

    def figures(key: str) -> dict[str, Any]:
        return {
            "first_result_ms": spread(first_ms(calc[key]), 0),
            "python_ready_ms": spread([run["python_ready_ms"] for run in calc[key]], 0),
            "starts": starts(calc[key]),
        }

    second_runtime_requests = [
        len(bytes_before_first_result(run["asked"], site, http_base)["runtime_files"]) for run in calc["second"]
    ]
    result = {
        "browser": f"Chromium {browser_version} (headless)",
        "runs": runs,
        "throttled_runs": throttled_runs,
        "household": "benchmarks/engine.py HOUSEHOLD as a shared link: every benefit, every region",
        "http": {
            "calculator": figures("http"),
            "calculator_without_snapshot": figures("http_bare"),
            "bare_pyodide_ms": spread(http_bare, 0),
            "ratio": ratio(first_ms(calc["http"])),
            "ratio_without_snapshot": ratio(first_ms(calc["http_bare"])),
            "bytes": bytes_before_first_result(calc["http"][0]["asked"], site, http_base),
            "bytes_without_snapshot": bytes_before_first_result(calc["http_bare"][0]["asked"], site, http_base),
            "page_errors": sorted(page_errors["http"]),
        },
        "file": {
            "calculator": figures("file"),
            "calculator_without_snapshot": figures("file_bare"),
            "bare_pyodide": bare_from_disk,
            "compared_with": "bare Pyodide over http",
            "ratio": ratio(first_ms(calc["file"])),
            "ratio_without_snapshot": ratio(first_ms(calc["file_bare"])),
            "page_errors": sorted(page_errors["file"]),
        },
        "throttled": {
            "link": THROTTLE["label"],
            "calculator": {"first_result_ms": spread(first_ms(slow["auto"]), 0), "starts": starts(slow["auto"])},
            "with_snapshot_ms": spread(first_ms(slow["snapshot"]), 0),
            "without_snapshot_ms": spread(first_ms(slow["bare"]), 0),
            "bare_pyodide_ms": spread(slow_pyodide, 0),
            "ratio": ratio(first_ms(slow["auto"]), median(slow_pyodide)),
        },
        "second_visit": {
            "first_result_ms": spread(first_ms(calc["second"]), 0),
            "starts": starts(calc["second"]),
            "ratio": ratio(first_ms(calc["second"])),
            "runtime_requests_max": max(second_runtime_requests),
        },
    }
    result["throttled"].update(judge_choice(result["throttled"]))
    choice_ok = result["throttled"]["chose_the_faster_path"]
    result["goal_met"] = {
        "http": result["http"]["ratio"] <= goal.limit,
        "file": result["file"]["ratio"] <= goal.limit,
        "throttled": choice_ok,
        "second_visit": max(second_runtime_requests) == 0,
        "runtime_bytes": megabytes(result["http"]["bytes_without_snapshot"]["runtime_gzip_kb"])
        <= GOALS["runtime_bytes"].limit,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True, help="a built site (python -m scripts.build --site-dir)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--throttled-runs", type=int, default=None, help="default: as many as --runs")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    result = measure(args.site, args.runs, args.throttled_runs)
    target = write_result("first_result", result, args.output_dir)
    bare = result["http"]["bare_pyodide_ms"]["median"]
    for route in ("http", "file"):
        figures = result[route]
        print(
            f"{route:>4}: first result {figures['calculator']['first_result_ms']['median']:.0f} ms "
            f"{figures['calculator']['starts']} → {figures['ratio']}× bare Pyodide over http ({bare:.0f} ms); "
            f"without the snapshot {figures['calculator_without_snapshot']['first_result_ms']['median']:.0f} ms "
            f"→ {figures['ratio_without_snapshot']}×"
        )
    slow = result["throttled"]
    print(
        f"throttled: page {slow['calculator']['first_result_ms']['median']:.0f} ms {slow['calculator']['starts']}, "
        f"snapshot {slow['with_snapshot_ms']['median']:.0f} ms, without {slow['without_snapshot_ms']['median']:.0f} ms,"
        f" bare Pyodide {slow['bare_pyodide_ms']['median']:.0f} ms; faster path chosen: {slow['chose_the_faster_path']}"
    )
    second = result["second_visit"]
    print(
        f"second visit: {second['first_result_ms']['median']:.0f} ms, "
        f"runtime requests at most {second['runtime_requests_max']}"
    )
    for key in ("bytes", "bytes_without_snapshot"):
        print(f"{key}: {result['http'][key]['kb']} KB stored, {result['http'][key]['gzip_kb']} KB gzip")
    print(f"bare Pyodide from disk: {result['file']['bare_pyodide']}; written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
