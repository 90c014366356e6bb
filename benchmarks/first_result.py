"""First result: from navigation to the first calculator result, against a bare Pyodide start.

    python -m benchmarks.first_result --site SITE_DIR [--runs 5]

Headless Chromium (Debian's, as in the tests), a fresh context for every run (cold cache). The
calculator page opens a shared link for the benchmark household (every benefit, every region) and
the clock stops when the results table appears. The bare page (written into SITE_DIR) only calls
loadPyodide() from the vendored package and runs one line of Python. Both are served by the same
stdlib http server; the calculator page is also opened from disk (file://). Bare Pyodide cannot
start from file:// (the stock loader fetches its files), so the file:// figure is compared with the
bare start over http. Runs alternate between the pages; medians are reported.
Goal: calculator / bare ≤ 1.3. Writes build/benchmarks/first_result.json.
"""

from __future__ import annotations

import argparse
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
from benchmarks.common import RESULTS_DIR, log, median, serve, spread, write_result
from benchmarks.goals import GOALS

TIMEOUT_MS = 120_000
# How long the bare page is given from disk before it counts as failed (it fails within a second).
BARE_FILE_TIMEOUT_MS = 15_000


def calculator_run(browser: Any, url: str, page_errors: set[str]) -> dict[str, float]:
    with fresh_page(browser) as page:
        page.add_init_script(CALCULATOR_CLOCK)
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__benchCalc && window.__benchCalc.first !== null", timeout=TIMEOUT_MS)
        page.wait_for_function("() => window.__benchCalc.ready !== null", timeout=TIMEOUT_MS)
        clock = page.evaluate("window.__benchCalc")
        page_errors.update(page.bench_errors)
        failed = page.locator("#calc-runtime.calc-runtime-failed").count()
        if failed:
            raise RuntimeError("the calculator page could not start Python")
        return {"first_result_ms": float(clock["first"]), "python_ready_ms": float(clock["ready"])}


def bare_run(browser: Any, url: str, timeout_ms: int = TIMEOUT_MS) -> dict[str, Any]:
    with fresh_page(browser) as page:
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


def measure(site: Path, runs: int) -> dict[str, Any]:
    bare_page = write_bare_pyodide_page(site)
    fragment = "#" + household_fragment()
    http_calc: list[dict[str, float]] = []
    file_calc: list[dict[str, float]] = []
    http_bare: list[float] = []
    page_errors: dict[str, set[str]] = {"http": set(), "file": set()}
    with serve(site) as base, chromium() as browser:
        browser_version = browser.version
        for number in range(runs):
            log(f"first result, run {number + 1}/{runs}")
            http_calc.append(calculator_run(browser, base + CALCULATOR_PAGE + fragment, page_errors["http"]))
            bare = bare_run(browser, base + bare_page)
            if "error" in bare:
                raise RuntimeError(f"bare Pyodide failed over http: {bare['error']}")
            http_bare.append(bare["ready_ms"])
            from_disk = site.resolve().as_uri() + "/" + CALCULATOR_PAGE + fragment
            file_calc.append(calculator_run(browser, from_disk, page_errors["file"]))
        bare_from_disk = bare_run(browser, site.resolve().as_uri() + "/" + bare_page, BARE_FILE_TIMEOUT_MS)
    goal = GOALS["first_result"]
    bare_median = median(http_bare)
    http_first = [run["first_result_ms"] for run in http_calc]
    file_first = [run["first_result_ms"] for run in file_calc]
    ratio_http = round(median(http_first) / bare_median, 2)
    ratio_file = round(median(file_first) / bare_median, 2)
    return {
        "browser": f"Chromium {browser_version} (headless)",
        "runs": runs,
        "household": "benchmarks/engine.py HOUSEHOLD as a shared link: every benefit, every region",
        "http": {
            "calculator_first_result_ms": spread(http_first, 0),
            "calculator_python_ready_ms": spread([run["python_ready_ms"] for run in http_calc], 0),
            "bare_pyodide_ms": spread(http_bare, 0),
            "ratio": ratio_http,
            "page_errors": sorted(page_errors["http"]),
        },
        "file": {
            "calculator_first_result_ms": spread(file_first, 0),
            "calculator_python_ready_ms": spread([run["python_ready_ms"] for run in file_calc], 0),
            "bare_pyodide": bare_from_disk,
            "compared_with": "bare Pyodide over http",
            "ratio": ratio_file,
            "page_errors": sorted(page_errors["file"]),
        },
        "goal_met": {"http": ratio_http <= goal.limit, "file": ratio_file <= goal.limit},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True, help="a built site (python -m scripts.build --site-dir)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    result = measure(args.site, args.runs)
    target = write_result("first_result", result, args.output_dir)
    for route in ("http", "file"):
        figures = result[route]
        print(
            f"{route:>4}: calculator first result {figures['calculator_first_result_ms']['median']:.0f} ms "
            f"(Python ready {figures['calculator_python_ready_ms']['median']:.0f} ms), "
            f"bare Pyodide over http {result['http']['bare_pyodide_ms']['median']:.0f} ms → {figures['ratio']}×"
        )
    print(f"bare Pyodide from disk: {result['file']['bare_pyodide']}; written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
