"""Golden cases (tests/cases/<benefit>.yaml) run in CPython against the current policy data.

The same cases run inside real Pyodide in test_calculator_pyodide.py, through the same
`request_for` and `check_result` helpers defined here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import seeds_folder

from calculator.api import BENEFITS_BY_ID, calculate_with
from calculator.data import PolicyTable

CASES_DIR = Path(__file__).resolve().parent / "cases"
# Keys of `expect` that are not plain result fields.
SPECIAL_KEYS = {"missing", "figures_from", "layers"}


@functools.cache
def ensure_packaged_data() -> Path:
    """calculator/data/policy.json compiled from policy_data/, as the build does (once per run).

    The command line and the public API read the packaged file; on a clean clone it does not
    exist until the build (or this) writes it.
    """
    from scripts.package_calculator import compile_data

    return compile_data(seeds_dir=seeds_folder())


@dataclass(frozen=True)
class GoldenCase:
    file: str
    benefit: str
    id: str
    rule: str
    source: str
    region: str
    household: dict[str, Any]
    expect: dict[str, Any]


def load_cases() -> list[GoldenCase]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in document["cases"]:
            cases.append(
                GoldenCase(
                    file=path.name,
                    benefit=document["benefit"],
                    id=raw["id"],
                    rule=raw["rule"],
                    source=raw["source"],
                    region=raw["region"],
                    household=raw["household"],
                    expect=raw["expect"],
                )
            )
    return cases


CASES = load_cases()


def request_for(case: GoldenCase) -> dict[str, Any]:
    """The calculate_json request a case makes (one region; all the household's benefits)."""
    return {"household": case.household, "regions": [case.region]}


def same(actual: object, expected: object) -> bool:
    """Equality that does not let True pass for 1 or False for 0."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return actual == expected


def _used_figures(result: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for step in result["steps"]:
        yield from step["parameters"]


def check_result(case: GoldenCase, response: Mapping[str, Any]) -> list[str]:
    """Every way the response differs from the case's expectation (empty when it matches)."""
    if "errors" in response:
        return [f"errors instead of results: {response['errors']}"]
    result = response["results"][case.region][case.benefit]
    problems = []
    for key, expected in case.expect.items():
        if key in SPECIAL_KEYS:
            continue
        actual = result.get(key, "<absent>")
        if isinstance(expected, dict) and isinstance(actual, dict):
            for inner, value in expected.items():
                if not same(actual.get(inner, "<absent>"), value):
                    problems.append(f"{key}.{inner}: expected {value!r}, got {actual.get(inner, '<absent>')!r}")
        elif not same(actual, expected):
            problems.append(f"{key}: expected {expected!r}, got {actual!r}")
    if "missing" in case.expect:
        actual_missing = sorted(item["parameter"] for item in result["missing"])
        if actual_missing != sorted(case.expect["missing"]):
            problems.append(f"missing: expected {sorted(case.expect['missing'])}, got {actual_missing}")
    for layer_id, expected in case.expect.get("layers", {}).items():
        layers = {layer["id"]: layer["amount"] for layer in result["layers"]}
        if not same(layers.get(layer_id, "<absent>"), expected):
            problems.append(f"layer {layer_id}: expected {expected!r}, got {layers.get(layer_id, '<absent>')!r}")
    used = {use["id"]: use for use in _used_figures(result)}
    for parameter_id, region in case.expect.get("figures_from", {}).items():
        use = used.get(parameter_id)
        if use is None:
            problems.append(f"{parameter_id} not used in any step")
        elif use["region"] != region or use["reference"] is None:
            problems.append(f"{parameter_id}: expected from {region}'s data, came from {use['region']}")
    return problems


@pytest.fixture(scope="session")
def table(compiled_data: dict[str, Any]) -> PolicyTable:
    return PolicyTable(compiled_data)


@pytest.mark.parametrize("case", CASES, ids=[f"{case.benefit}:{case.id}" for case in CASES])
def test_golden_case(case: GoldenCase, table: PolicyTable) -> None:
    request = request_for(case)
    response = calculate_with(table, request["household"], request["regions"])
    problems = check_result(case, response)
    assert not problems, f"{case.file} {case.id} ({case.source}):\n" + "\n".join(problems)


def test_cases_cover_every_benefit_in_every_region(table: PolicyTable) -> None:
    covered = {(case.benefit, case.region) for case in CASES}
    wanted = {(benefit, region) for benefit in BENEFITS_BY_ID for region in table.regions}
    assert not wanted - covered, f"no golden case for {sorted(wanted - covered)}"


def test_every_case_names_its_rule_and_source_and_has_a_unique_id() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case in CASES:
        assert case.benefit in BENEFITS_BY_ID, case.file
        assert case.rule.strip() and case.source.strip(), case.id
        assert case.expect, f"{case.id} expects nothing"
        assert "on" in case.household, f"{case.id} must fix its calculation date"


def test_a_wrong_expectation_is_reported(table: PolicyTable) -> None:
    """The checker itself can fail: shift one expected amount and it must complain."""
    case = next(c for c in CASES if isinstance(c.expect.get("amount"), (int, float)))
    wrong = GoldenCase(**{**case.__dict__, "expect": {**case.expect, "amount": case.expect["amount"] + 1}})
    request = request_for(wrong)
    assert check_result(wrong, calculate_with(table, request["household"], request["regions"]))
