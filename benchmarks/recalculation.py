"""Recalculation: one input changed → results for all regions updated, on the calculator page.

    python -m benchmarks.recalculation --site SITE_DIR [--changes 30]

Headless Chromium over http. The page opens the benchmark household's shared link; once Python is
ready and the first results and charts are drawn, the benchmark changes one field at a time (medical
cost, maternity wage, age in turn), the way the page sees a committed edit: the value is set and a
`change` event fired (typing fires `input`, which the page deliberately waits 200 ms on before it
recalculates; that pause is not counted). The clock, read inside the page, runs from the event to
the moment the page marks the new results as rendered (`data-result-for` on #calculator changes to
the new household); the next animation frame and the redrawn charts are reported beside it. Each
change waits for the charts of the previous one, so requests never queue in the worker.
Goal: median ≤ 50 ms. Writes build/benchmarks/recalculation.json.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.browser import CALCULATOR_CLOCK, CALCULATOR_PAGE, chromium, fresh_page, household_fragment
from benchmarks.common import RESULTS_DIR, log, median, serve, spread, write_result
from benchmarks.engine import HOUSEHOLD
from benchmarks.goals import GOALS

TIMEOUT_MS = 120_000
CHART_TIMEOUT_MS = 10_000

# Fields changed in turn and the value each change gets (all stay valid for the household).
CHANGES: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("medical.total_cost", lambda step: str(int(HOUSEHOLD["medical.total_cost"]) + 1000 * (step + 1))),
    ("maternity.avg_monthly_wage", lambda step: str(int(HOUSEHOLD["maternity.avg_monthly_wage"]) + 10 * (step + 1))),
    ("age", lambda step: str(30 + step % 30)),
)

# Notes when the page hands a calculation to its worker and when the answer comes back, so the time
# can be split into the page's own work before Python, Python in the worker, and rendering.
WORKER_CLOCK = """
window.__benchWorker = { posted: [], answered: [] };
(() => {
  const PageWorker = window.Worker;
  window.Worker = function (...args) {
    const worker = new PageWorker(...args);
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message, ...rest) => {
      if (message && message.type === "calculate") window.__benchWorker.posted.push(performance.now());
      return post(message, ...rest);
    };
    worker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "result") window.__benchWorker.answered.push(performance.now());
    });
    return worker;
  };
  window.Worker.prototype = PageWorker.prototype;
})();
"""

# What-if run: the page without its QR code (the share box draws one for the new link on every
# recalculation, before Python is asked), to show what drawing it later would save.
WITHOUT_QR_CODE = """
Object.defineProperty(window, "qrcode", { configurable: false, get: () => undefined, set: () => {} });
"""

# Sets a field, fires `change`, and resolves with ms to the new results, to the next frame after
# them, and to the redrawn charts (null when no chart came within the timeout).
CHANGE_AND_TIME = """
async ([key, value, chartTimeout]) => {
  const root = document.getElementById("calculator");
  const control = document.querySelector('#calc-form [name="' + CSS.escape(key) + '"]');
  if (!control) throw new Error("no field " + key);
  const before = root.dataset.resultFor;
  return await new Promise((resolve, reject) => {
    const timing = { results: null, frame: null, charts: null, errors: false, posted: null, answered: null };
    const clock = window.__benchWorker;
    const firstCall = clock.posted.length;
    let started = 0;
    const finish = () => { observer.disconnect(); resolve(timing); };
    const observer = new MutationObserver(() => {
      const charts = document.getElementById("calc-charts");
      if (timing.results === null && root.dataset.resultFor !== undefined && root.dataset.resultFor !== before) {
        timing.results = performance.now() - started;
        timing.errors = root.dataset.resultFor === "";
        // The first calculate request after the change is the one whose answer was just rendered.
        if (clock.posted.length > firstCall) timing.posted = clock.posted[firstCall] - started;
        if (clock.answered.length > firstCall) timing.answered = clock.answered[firstCall] - started;
        requestAnimationFrame(() => { timing.frame = performance.now() - started; });
        setTimeout(finish, chartTimeout);
      }
      if (timing.results !== null && timing.charts === null && charts && charts.childElementCount > 0) {
        timing.charts = performance.now() - started;
        requestAnimationFrame(() => requestAnimationFrame(finish));
      }
    });
    observer.observe(root, { attributes: true, childList: true, subtree: true });
    started = performance.now();
    control.value = value;
    control.dispatchEvent(new Event("change", { bubbles: true }));
  });
}
"""


def split_medians(timings: list[dict[str, Any]]) -> dict[str, float] | None:
    """Median ms of: the page's work before it asks Python, Python in the worker (with the message
    round trip), and rendering the answer."""
    complete = [t for t in timings if t["posted"] is not None and t["answered"] is not None]
    if not complete:
        return None
    return {
        "before_python": round(median([t["posted"] for t in complete]), 1),
        "python_in_worker": round(median([t["answered"] - t["posted"] for t in complete]), 1),
        "rendering": round(median([t["results"] - t["answered"] for t in complete]), 1),
    }


def time_changes(browser: Any, url: str, changes: int, *, without_qr_code: bool = False) -> dict[str, Any]:
    """Open the page, then time `changes` edits; the timings, the summary's row count, page errors."""
    timings: list[dict[str, Any]] = []
    with fresh_page(browser) as page:
        page.add_init_script(CALCULATOR_CLOCK)
        page.add_init_script(WORKER_CLOCK)
        if without_qr_code:
            page.add_init_script(WITHOUT_QR_CODE)
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__benchCalc && window.__benchCalc.first !== null", timeout=TIMEOUT_MS)
        page.wait_for_function("() => window.__benchCalc.ready !== null", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => (document.getElementById('calc-charts')?.childElementCount ?? 0) > 0",
            timeout=CHART_TIMEOUT_MS,
        )
        regions = page.locator("#calculator table.calc-summary tbody tr").count()
        log(f"recalculation: {changes} changes" + (" without the QR code" if without_qr_code else ""))
        for step in range(changes):
            key, value_for = CHANGES[step % len(CHANGES)]
            timing = page.evaluate(CHANGE_AND_TIME, [key, value_for(step // len(CHANGES)), CHART_TIMEOUT_MS])
            if timing["results"] is None or timing["errors"]:
                raise RuntimeError(f"changing {key} gave no results: {timing}")
            timings.append({"field": key, **timing})
        return {"timings": timings, "summary_rows": regions, "page_errors": list(page.bench_errors)}


def measure(site: Path, changes: int) -> dict[str, Any]:
    url_path = CALCULATOR_PAGE + "#" + household_fragment()
    with serve(site) as base, chromium() as browser:
        browser_version = browser.version
        shipped = time_changes(browser, base + url_path, changes)
        without_qr = time_changes(browser, base + url_path, changes, without_qr_code=True)
    timings = shipped["timings"]
    results = [timing["results"] for timing in timings]
    goal = GOALS["recalculation"]
    return {
        "browser": f"Chromium {browser_version} (headless)",
        "changes": changes,
        "summary_rows": shipped["summary_rows"],
        "results_ms": spread(results, 1),
        "next_frame_ms": spread([timing["frame"] for timing in timings if timing["frame"] is not None], 1),
        "charts_ms": spread([timing["charts"] for timing in timings if timing["charts"] is not None], 1),
        "split_ms": split_medians(timings),
        "by_field_ms": {
            key: round(median([timing["results"] for timing in timings if timing["field"] == key]), 1)
            for key, _ in CHANGES
            if any(timing["field"] == key for timing in timings)
        },
        "without_qr_code": {
            "results_ms": spread([timing["results"] for timing in without_qr["timings"]], 1),
            "split_ms": split_medians(without_qr["timings"]),
        },
        "page_errors": shipped["page_errors"],
        "goal_met": median(results) <= goal.limit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True, help="a built site (python -m scripts.build --site-dir)")
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    result = measure(args.site, args.changes)
    target = write_result("recalculation", result, args.output_dir)
    print(
        f"recalculation over {args.changes} changes: results {result['results_ms']['median']} ms median, "
        f"next frame {result['next_frame_ms']['median']} ms, charts {result['charts_ms']['median']} ms; "
        f"written to {target}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
