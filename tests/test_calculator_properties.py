"""Properties over random valid households (hypothesis), in every region.

Households are drawn from the calculator's own field definitions, so a new field is exercised
without touching this file. The properties: no exception and no error for valid input, no NaN,
no negative money, reimbursement never above the cost, and amounts that never fall when cost,
wage or contribution rises.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from golden import ensure_packaged_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator.api import BENEFITS, calculate_json, calculate_with
from calculator.data import PolicyTable
from calculator.fields import FIELDS, FIELDS_BY_KEY, FieldDefinition
from calculator.messages import say

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MONEY_KEYS = {
    "amount",
    "out_of_pocket",
    "lump_sum",
    "monthly_allowance",
    "wage_used",
    "basic_pension",
    "account_pension",
    "account_balance",
    "monthly",
    "max_total",
}
# Realistic upper bounds keep the draws meaningful (the validators accept far more).
PRACTICAL_MAXIMUM = Decimal(2_000_000)


@pytest.fixture(scope="module")
def table(compiled_data: dict[str, Any]) -> PolicyTable:
    return PolicyTable(compiled_data)


@pytest.fixture(autouse=True, scope="module")
def packaged_data() -> None:
    """calculate_json reads the packaged data file."""
    ensure_packaged_data()


def value_strategy(definition: FieldDefinition) -> st.SearchStrategy[Any]:
    if definition.type in {"number", "integer"}:
        low = definition.minimum or Decimal(0)
        high = min(definition.maximum or PRACTICAL_MAXIMUM, PRACTICAL_MAXIMUM)
        places = 0 if definition.type == "integer" else 2
        return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False).map(
            lambda number: int(number) if places == 0 else str(number)
        )
    if definition.type == "choice":
        return st.sampled_from([value for value, _label in definition.choices])
    if definition.type == "multi_choice":
        return st.lists(st.sampled_from([value for value, _label in definition.choices]), unique=True)
    if definition.type == "boolean":
        return st.booleans()
    return st.dates(min_value=date(2012, 1, 1), max_value=date(2021, 12, 31)).map(date.isoformat)


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    """A valid household: each benefit group either left out or filled with its required fields."""
    household: dict[str, Any] = {}
    for definition in FIELDS:
        if definition.group == "household" and draw(st.booleans()):
            household[definition.key] = draw(value_strategy(definition))
    for benefit in BENEFITS:
        if not draw(st.booleans()):
            continue
        for alternatives in benefit.required:
            key = draw(st.sampled_from(alternatives))
            household[key] = draw(value_strategy(FIELDS_BY_KEY[key]))
        for definition in FIELDS:
            if definition.group == benefit.group and draw(st.integers(0, 2)) == 0:
                household.setdefault(definition.key, draw(value_strategy(definition)))
    for benefit in BENEFITS:  # optional fields of one benefit may trigger another of the same group
        if any(key in household for key in benefit.triggers):
            for alternatives in benefit.required:
                if not any(key in household for key in alternatives):
                    household[alternatives[0]] = draw(value_strategy(FIELDS_BY_KEY[alternatives[0]]))
    total = household.get("medical.total_cost")
    for part in ("medical.policy_cost", "medical.basic_paid", "medical.critical_paid", "medical.out_of_pocket"):
        if part in household and total is not None and Decimal(household[part]) > Decimal(total):
            household[part] = total
    return household


def least(result: dict[str, Any]) -> Any:
    """The amount, or the least it can be where only a range is known (None when unknown)."""
    if result["amount"] is not None:
        return result["amount"]
    bounds = result.get("bounds")
    return None if bounds is None else (bounds["low"] or 0)


def numbers(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from numbers(inner, inner_key)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item, key)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield key, value


@SETTINGS
@given(household=households())
def test_valid_households_give_results_without_nan_or_negative_money(
    table: PolicyTable, household: dict[str, Any]
) -> None:
    response = calculate_with(table, household)
    assert "errors" not in response, response.get("errors")
    for key, number in numbers(response["results"]):
        assert math.isfinite(number), key
        if key in MONEY_KEYS:
            assert number >= 0, (key, number)
    for region_results in response["results"].values():
        for result in region_results.values():
            assert result["eligible"] in (True, False, None)
            assert result["steps"], result["benefit"]
            for missing in result["missing"]:
                assert "原文未规定" in missing["message"] or "医院级别" in missing["message"], missing


medical_costs = st.decimals(min_value=0, max_value=2_000_000, places=2)


@st.composite
def medical_households(draw: st.DrawFn) -> dict[str, Any]:
    household: dict[str, Any] = {
        "status": draw(
            st.lists(st.sampled_from(["registered_poor", "dibao", "tekun", "severe_disability"]), unique=True)
        ),
        "medical.scheme": draw(st.sampled_from(["resident", "employee"])),
        "medical.hospital_level": draw(st.sampled_from([1, 2, 3])),
        "on": draw(st.sampled_from(["2017-06-01", "2018-01-15", "2019-06-01"])),
    }
    for key in (
        "medical.deductible",
        "medical.basic_ratio",
        "medical.annual_cap",
        "medical.critical_illness_threshold",
        "medical.critical_illness_ratio",
        "medical.critical_illness_cap",
    ):
        if draw(st.integers(0, 4)) > 0:  # mostly supplied, so that whole chains get computed
            household[key] = str(draw(value_strategy(FIELDS_BY_KEY[key])))
    return household


@SETTINGS
@given(household=medical_households(), cost=medical_costs, extra=medical_costs)
def test_reimbursement_never_exceeds_cost_and_never_falls_as_cost_rises(
    table: PolicyTable, household: dict[str, Any], cost: Decimal, extra: Decimal
) -> None:
    lower = calculate_with(table, {**household, "medical.total_cost": str(cost)})
    higher = calculate_with(table, {**household, "medical.total_cost": str(cost + extra)})
    for region, results in lower["results"].items():
        low, high = results["medical"], higher["results"][region]["medical"]
        for result, total in ((low, cost), (high, cost + extra)):
            if result["amount"] is not None:
                assert Decimal(str(result["amount"])) <= total
                assert Decimal(str(result["out_of_pocket"])) >= 0
            paid_layers = [layer["amount"] or 0 for layer in result["layers"] if layer["id"] != "out_of_pocket"]
            assert Decimal(str(sum(paid_layers))) <= total + Decimal("0.01")
        if low["amount"] is not None and high["amount"] is not None:
            assert high["amount"] >= low["amount"], region
            assert high["out_of_pocket"] >= low["out_of_pocket"], region


wages = st.decimals(min_value=0, max_value=500_000, places=2)


@SETTINGS
@given(wage=wages, raise_by=wages, delivery=st.sampled_from(["natural", "caesarean"]), babies=st.integers(1, 6))
def test_maternity_allowance_never_falls_as_wage_rises(
    table: PolicyTable, wage: Decimal, raise_by: Decimal, delivery: str, babies: int
) -> None:
    base = {"maternity.delivery": delivery, "maternity.babies": babies}
    lower = calculate_with(table, {**base, "maternity.avg_monthly_wage": str(wage)})
    higher = calculate_with(table, {**base, "maternity.avg_monthly_wage": str(wage + raise_by)})
    for region, results in lower["results"].items():
        assert least(higher["results"][region]["maternity"]) >= least(results["maternity"])


@SETTINGS
@given(
    wage=wages,
    raise_by=wages,
    grade=st.integers(1, 10),
    average=st.one_of(st.none(), st.decimals(min_value=1, max_value=100_000, places=2)),
)
def test_work_injury_benefits_never_fall_as_wage_rises(
    table: PolicyTable, wage: Decimal, raise_by: Decimal, grade: int, average: Decimal | None
) -> None:
    base: dict[str, Any] = {"work_injury.grade": grade}
    if average is not None:
        base["work_injury.local_avg_wage"] = str(average)
    lower = calculate_with(table, {**base, "work_injury.monthly_wage": str(wage)})
    higher = calculate_with(table, {**base, "work_injury.monthly_wage": str(wage + raise_by)})
    for region, results in lower["results"].items():
        low, high = results["work_injury"], higher["results"][region]["work_injury"]
        assert high["amount"] >= low["amount"]
        if low["monthly_allowance"] is not None:
            assert high["monthly_allowance"] >= low["monthly_allowance"]


@SETTINGS
@given(
    contribution=st.decimals(min_value=0, max_value=10_000, places=2),
    raise_by=st.decimals(min_value=0, max_value=10_000, places=2),
    years=st.integers(0, 45),
    status=st.lists(st.sampled_from(["registered_poor", "dibao", "severe_disability"]), unique=True),
    basic=st.one_of(st.none(), st.decimals(min_value=0, max_value=5_000, places=2)),
)
def test_pension_never_falls_as_contribution_rises(
    table: PolicyTable, contribution: Decimal, raise_by: Decimal, years: int, status: list[str], basic: Decimal | None
) -> None:
    base: dict[str, Any] = {"pension.years": years, "status": status}
    if basic is not None:
        base["pension.basic_pension"] = str(basic)
    lower = calculate_with(table, {**base, "pension.annual_contribution": str(contribution)})
    higher = calculate_with(table, {**base, "pension.annual_contribution": str(contribution + raise_by)})
    for region, results in lower["results"].items():
        low, high = results["pension_monthly"], higher["results"][region]["pension_monthly"]
        if least(low) is not None:
            assert least(high) >= least(low)
        if low["account_balance"] is not None and high["account_balance"] is not None:
            assert high["account_balance"] >= low["account_balance"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
field_keys = st.sampled_from([definition.key for definition in FIELDS] + ["regions", "household", "action"])


@SETTINGS
@given(request=st.dictionaries(field_keys, json_values, max_size=8) | json_values)
def test_calculate_json_answers_any_json_without_raising(request: Any) -> None:
    reply = json.loads(calculate_json(json.dumps(request)))
    assert isinstance(reply, (dict, list))
    if isinstance(reply, dict) and "errors" in reply:
        assert all(isinstance(message, str) and message for message in reply["errors"].values())
        # The catch-all answer would mean a bug was hidden behind the boundary.
        assert say("internal_error") not in reply["errors"].values()
