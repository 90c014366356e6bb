"""Golden cases (tests/cases/<benefit>.yaml) run in CPython against the current policy data.

The same cases run inside real Pyodide in test_calculator_pyodide.py, through the same
`request_for` and `check_result` helpers (tests/golden.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from golden import CASES, GoldenCase, check_result, request_for

from calculator.api import BENEFITS_BY_ID, calculate_with
from calculator.data import PolicyTable


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
    """The rule for golden cases (docs/data-guide.md, 算例): every region file × every benefit has at
    least one worked example; the regions are whatever policy_data/ holds."""
    covered = {(case.benefit, case.region) for case in CASES}
    wanted = {(benefit, region) for benefit in BENEFITS_BY_ID for region in table.regions}
    assert not wanted - covered, (
        f"no golden case for {sorted(wanted - covered)}: add one to tests/cases/<benefit>.yaml "
        "(template in docs/data-guide.md)"
    )


def test_every_case_is_for_a_region_that_has_a_file(table: PolicyTable) -> None:
    unknown = sorted({case.region for case in CASES} - set(table.regions))
    assert not unknown, f"cases name regions without a file in policy_data/: {unknown}"


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
