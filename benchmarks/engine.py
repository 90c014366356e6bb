"""How fast the calculator answers: one household, every benefit, every region — CPython vs Pyodide.

    python -m benchmarks.engine [--runs N]

CPython: `timeit` of calculator.api.calculate_json (the same JSON boundary the page uses), median
of N runs with the data already loaded. Pyodide: the same request N times inside the pinned npm
package under Node (tests/pyodide/run_cases.mjs, the golden-case runner), from the wheel the site
ships; the first call (which also reads the data) is reported separately as the cold call.
Prints both and their ratio; writes build/benchmarks/engine.json (or into --output-dir). Never part of
the tests. Run inside a scratch copy of the project (benchmarks.run_all does) it builds that copy's wheel.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, write_result

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "pyodide" / "run_cases.mjs"

# Every benefit, with the figures the sources leave open supplied, so each chain runs to the end.
HOUSEHOLD: dict[str, Any] = {
    "on": "2018-01-15",
    "age": 45,
    "status": ["registered_poor", "dibao"],
    "pension.annual_contribution": 300,
    "pension.years": 15,
    "pension.basic_pension": 100,
    "pension.paid_contribution": 50,
    "medical.hospital_level": 2,
    "medical.total_cost": 120000,
    "medical.deductible": 800,
    "medical.basic_ratio": 70,
    "medical.critical_illness_threshold": 10000,
    "medical.critical_illness_ratio": 60,
    "maternity.avg_monthly_wage": 6000,
    "maternity.delivery": "caesarean",
    "maternity.babies": 2,
    "work_injury.grade": 5,
    "work_injury.monthly_wage": 2500,
    "work_injury.local_avg_wage": 5000,
    "unemployment.insured_years": 3,
    "unemployment.contract_ended": True,
}


def cpython_timings(request: str, runs: int) -> list[float]:
    from calculator.api import calculate_json

    reply = json.loads(calculate_json(request))  # warm: loads the data once
    if "errors" in reply:
        raise SystemExit(f"the benchmark household is invalid: {reply['errors']}")
    timer = timeit.Timer(lambda: calculate_json(request))
    return [seconds * 1000 for seconds in timer.repeat(repeat=runs, number=1)]


def pyodide_timings(request: dict[str, Any], runs: int) -> tuple[list[float], str]:
    from scripts.package_calculator import PACKAGED_DATA, build_wheel

    node = shutil.which("node")
    if node is None:
        raise SystemExit("node not found: the Pyodide half of the benchmark needs Node.js")
    with tempfile.TemporaryDirectory(prefix="engine-bench-") as scratch:
        wheel = build_wheel(Path(scratch))
        job = Path(scratch) / "job.json"
        requests = [{"id": "household", "request": request}]
        job.write_text(
            json.dumps({"wheel": str(wheel), "data_dir": str(PACKAGED_DATA), "repeat": runs + 1, "requests": requests}),
            encoding="utf-8",
        )
        completed = subprocess.run([node, str(RUNNER), str(job)], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"the Pyodide runner failed:\n{completed.stderr}")
    reply = json.loads(completed.stdout)
    if "errors" in reply["responses"]["household"]:
        raise SystemExit(f"Pyodide answered with errors: {reply['responses']['household']['errors']}")
    return reply["timings_ms"]["household"], f"Pyodide {reply['pyodide']} (Python {reply['python']})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=51, help="timed runs on each side (median reported)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    request = {"household": HOUSEHOLD}
    request_text = json.dumps(request, ensure_ascii=False)

    from calculator.api import calculate

    reply = calculate(HOUSEHOLD)
    regions = len(reply["results"])
    benefits = sum(len(results) for results in reply["results"].values())

    cpython = cpython_timings(request_text, args.runs)
    pyodide_all, pyodide_name = pyodide_timings(request, args.runs)
    cold, pyodide = pyodide_all[0], pyodide_all[1:]
    cpython_median = statistics.median(cpython)
    pyodide_median = statistics.median(pyodide)
    result = {
        "household": "one household, every benefit, every region",
        "regions": regions,
        "results": benefits,
        "runs": args.runs,
        "cpython": {
            "python": platform.python_version(),
            "median_ms": round(cpython_median, 3),
            "min_ms": round(min(cpython), 3),
        },
        "pyodide": {
            "runtime": pyodide_name,
            "median_ms": round(pyodide_median, 3),
            "min_ms": round(min(pyodide), 3),
            "cold_first_call_ms": round(cold, 3),
        },
        "ratio_pyodide_to_cpython": round(pyodide_median / cpython_median, 2),
    }
    target = write_result("engine", result, args.output_dir)
    print(f"one household × {regions} regions ({benefits} benefit results), median of {args.runs} runs")
    print(f"  CPython {platform.python_version():<10} {cpython_median:8.2f} ms")
    print(f"  {pyodide_name:<27} {pyodide_median:8.2f} ms   (first call, data load included: {cold:.1f} ms)")
    print(f"  ratio Pyodide / CPython   {result['ratio_pyodide_to_cpython']:8.2f}×")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
