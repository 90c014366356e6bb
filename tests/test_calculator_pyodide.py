"""ALL golden cases inside real Pyodide (the pinned npm package) under Node, from the wheel the site ships.

The wheel is built once per session (scripts.package_calculator.build_wheel, the build's own step);
tests/pyodide/run_cases.mjs installs it in Pyodide, writes the data's core and region shards where
the calculator reads them (as the site's worker does), and answers every case's request through
calculator.api.calculate_json. Each case is then checked exactly as in CPython.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_node_json, seeds_folder
from golden import CASES, GoldenCase, check_result, request_for

from scripts.package_calculator import PACKAGED_DATA

RUNNER = ROOT / "tests" / "pyodide" / "run_cases.mjs"
PYODIDE_PACKAGE = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"
PINNED_PYODIDE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["pyodide"]
NODE_TIMEOUT_S = 300

pytestmark = pytest.mark.pyodide


def require_pyodide_package() -> None:
    """Fails (never skips) with a clear message when the npm package is absent."""
    if not PYODIDE_PACKAGE.is_file():
        pytest.fail(
            f"the npm package pyodide is not installed ({PYODIDE_PACKAGE} missing): run `npm ci`.", pytrace=False
        )


@pytest.fixture(scope="session")
def calculator_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scripts.package_calculator import build_wheel

    return build_wheel(tmp_path_factory.mktemp("wheel"), seeds_dir=seeds_folder())


def run_in_pyodide(
    wheel: Path,
    requests: dict[str, Any],
    folder: Path,
    *,
    repeat: int = 1,
    texts: dict[str, str] | None = None,
    data_dir: Path = PACKAGED_DATA,
) -> dict[str, Any]:
    """Answers from Pyodide: `requests` are encoded as JSON; `texts` are sent exactly as written."""
    require_pyodide_package()
    job = {
        "wheel": str(wheel),
        "data_dir": str(data_dir),
        "repeat": repeat,
        "requests": [{"id": key, "request": request} for key, request in requests.items()]
        + [{"id": key, "text": text} for key, text in (texts or {}).items()],
    }
    return run_node_json(RUNNER, job, folder, timeout=NODE_TIMEOUT_S, what="the Pyodide runner")


@pytest.fixture(scope="session")
def pyodide_run(calculator_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    requests = {case.id: request_for(case) for case in CASES}
    return run_in_pyodide(calculator_wheel, requests, tmp_path_factory.mktemp("pyodide"))


def test_runs_in_the_pinned_pyodide_with_python_3_14(pyodide_run: dict[str, Any]) -> None:
    assert pyodide_run["pyodide"] == PINNED_PYODIDE
    assert pyodide_run["python"].startswith("3.14")


@pytest.mark.parametrize("case", CASES, ids=[f"{case.benefit}:{case.id}" for case in CASES])
def test_golden_case_in_pyodide(case: GoldenCase, pyodide_run: dict[str, Any]) -> None:
    response = pyodide_run["responses"][case.id]
    problems = check_result(case, response)
    assert not problems, f"{case.file} {case.id} in Pyodide ({case.source}):\n" + "\n".join(problems)


def test_the_wheel_carries_code_and_the_data_is_a_core_plus_one_shard_per_region(calculator_wheel: Path) -> None:
    import zipfile

    with zipfile.ZipFile(calculator_wheel) as wheel:
        names = set(wheel.namelist())
    assert "calculator/api.py" in names
    assert not [name for name in names if name.startswith("calculator/data/")], "the wheel carries no data"
    core = json.loads((PACKAGED_DATA / "core.json").read_text(encoding="utf-8"))
    shards = {path.stem for path in (PACKAGED_DATA / "regions").glob("*.json")}
    roots = {region_id for region_id, info in core["regions"].items() if not info["ancestors"]}
    assert set(core["parameters"]) == roots == {"national"}
    assert shards == set(core["regions"]) - roots


def test_a_region_whose_shard_is_not_written_gets_a_clear_message(calculator_wheel: Path, tmp_path: Path) -> None:
    """The browser writes a region's shard before asking; one that is missing says so in Chinese."""
    import shutil

    partial = tmp_path / "data"
    shutil.copytree(PACKAGED_DATA, partial)
    missing = sorted((partial / "regions").glob("*.json"))[0]
    missing.unlink()
    core = json.loads((partial / "core.json").read_text(encoding="utf-8"))
    household = CASES[0].household
    reply = run_in_pyodide(
        calculator_wheel,
        {
            "missing": {"household": household, "regions": [missing.stem]},
            "root": {"household": household, "regions": ["national"]},
        },
        tmp_path,
        data_dir=partial,
    )
    assert reply["responses"]["missing"] == {
        "errors": {"data": f"{core['regions'][missing.stem]['name']}的政策数据没有加载，无法计算：请刷新页面再试"}
    }
    assert "results" in reply["responses"]["root"]


def test_hostile_requests_get_the_same_answers_in_pyodide_as_in_cpython(calculator_wheel: Path, tmp_path: Path) -> None:
    from test_hostile_requests import HOSTILE

    from calculator.api import calculate_json

    texts = {case.id: case.text for case in HOSTILE}
    reply = run_in_pyodide(calculator_wheel, {}, tmp_path, texts=texts)
    for case in HOSTILE:
        assert reply["responses"][case.id] == json.loads(calculate_json(case.text)), case.id
