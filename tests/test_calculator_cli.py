"""The command line contract: `python -m calculator regions | estimate`, run as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from golden import ensure_packaged_data

EXAMPLE = {"maternity.avg_monthly_wage": 6000, "maternity.delivery": "caesarean"}


@pytest.fixture(scope="module")
def compiled(compiled_data: dict[str, Any]) -> dict[str, Any]:
    """The package's data file, compiled from policy_data/ as the build does."""
    ensure_packaged_data()
    return compiled_data


def run_cli(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calculator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_regions_prints_id_and_name_for_every_region(compiled: dict[str, Any]) -> None:
    completed = run_cli("regions")
    assert completed.returncode == 0, completed.stderr
    regions = json.loads(completed.stdout)
    assert regions == [{"id": rid, "name": info["name"]} for rid, info in compiled["regions"].items()]


def test_estimate_reads_stdin_and_answers_for_every_region(compiled: dict[str, Any]) -> None:
    completed = run_cli("estimate", stdin=json.dumps(EXAMPLE))
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)["results"]
    assert list(results) == list(compiled["regions"])
    for region_results in results.values():
        assert set(region_results) == {"maternity"}
        maternity = region_results["maternity"]
        # An exact amount, or (where the region is silent on leave days) a national minimum as a bound.
        if maternity["answer"] == "exact":
            assert isinstance(maternity["amount"], (int, float)) and not isinstance(maternity["amount"], bool)
        else:
            assert maternity["answer"] == "bounded" and maternity["bounds"]["low"] > 0
        assert isinstance(maternity["days"], int)
        assert maternity["steps"] and maternity["sources"]


def test_every_benefit_result_carries_bounds_age_and_staleness(compiled: dict[str, Any]) -> None:
    """The CLI contract: `bounds`, `as_of` and `stale` in every benefit result."""
    household = {
        "on": "2026-03-01",
        "status": ["dibao"],
        "pension.annual_contribution": 100,
        "pension.years": 15,
        "medical.total_cost": 50000,
        "maternity.avg_monthly_wage": 5000,
        "work_injury.grade": 7,
        "work_injury.monthly_wage": 4000,
        "unemployment.insured_years": 3,
    }
    completed = run_cli("estimate", stdin=json.dumps(household))
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)["results"]
    for region, benefits in results.items():
        expected = {"pension_subsidy", "pension_monthly", "medical", "maternity", "work_injury", "unemployment"}
        assert set(benefits) == expected
        for benefit, result in benefits.items():
            assert {"bounds", "as_of", "stale", "answer", "display"} <= set(result), (region, benefit)
            assert result["display"], (region, benefit)
            # A 2026 calculation with 2017–2021 data warns in every result.
            assert result["stale"] is True and result["stale_message"], (region, benefit)


def test_estimate_limits_to_the_regions_asked_for(compiled: dict[str, Any], tmp_path: Path) -> None:
    household = tmp_path / "household.json"
    household.write_text(json.dumps({"work_injury.grade": 3, "work_injury.monthly_wage": "５０００"}), encoding="utf-8")
    completed = run_cli("estimate", "--region", "fenghua", "--region", "national", "--input", str(household))
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)["results"]
    assert list(results) == ["national", "fenghua"]
    assert set(results["fenghua"]) == {"work_injury"}


def test_benefits_without_inputs_are_skipped(compiled: dict[str, Any]) -> None:
    completed = run_cli("estimate", "--region", "national", stdin="{}")
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["results"] == {"national": {}}


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        ('{"medical.total_cost": "lots"}', "medical.total_cost"),
        ('{"maternity.babies": -2}', "maternity.babies"),
        ("{not json", "request"),
        ("[1, 2]", "request"),
    ],
)
def test_invalid_input_exits_2_with_field_errors(compiled: dict[str, Any], stdin: str, field: str) -> None:
    completed = run_cli("estimate", stdin=stdin)
    assert completed.returncode == 2
    body = json.loads(completed.stdout)
    assert list(body) == ["errors"] and field in body["errors"]
    assert "Traceback" not in completed.stderr


def test_unknown_region_exits_2(compiled: dict[str, Any]) -> None:
    completed = run_cli("estimate", "--region", "atlantis", stdin=json.dumps(EXAMPLE))
    assert completed.returncode == 2
    assert json.loads(completed.stdout) == {"errors": {"regions": "没有这个地区：atlantis"}}


def test_missing_data_file_says_to_run_the_build(tmp_path: Path) -> None:
    """A copy of the package without calculator/data/: exit 1, a clear message, no traceback."""
    shutil.copytree(ROOT / "calculator", tmp_path / "calculator", ignore=shutil.ignore_patterns("data", "__pycache__"))
    completed = run_cli("regions", cwd=tmp_path)
    assert completed.returncode == 1
    assert "构建" in completed.stderr and "scripts.build" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""


def test_example_households_warn_in_2026_and_not_on_the_default_date(compiled: dict[str, Any]) -> None:
    """Every result of every example household: no warning on the data's own date, one in 2026."""
    from calculator.api import calculate
    from calculator.presets import PRESETS

    for preset in PRESETS:
        fresh = calculate(preset.household)
        later = calculate({**preset.household, "on": "2026-03-01"})
        for region, benefits in fresh["results"].items():
            for benefit, result in benefits.items():
                assert result["stale"] is False, (preset.id, region, benefit)
                assert later["results"][region][benefit]["stale"] is True, (preset.id, region, benefit)
