"""Date-aware lookups over the compiled data: the region first, then its ancestors; every outcome named."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from golden import ensure_packaged_data

from calculator.data import PolicyDataInvalid, PolicyTable, load_bundled, lookup
from calculator.parameters import PARAMETER_LABELS

# A tiny synthetic data set (not policy figures): national → province → county.


def _value(
    start: str, value: object = None, *, status: str = "stated", until: str | None = None, document: str = "doc_2010"
) -> dict[str, Any]:
    return {
        "from": start,
        "until": until,
        "status": status,
        "value": value,
        "qualifier": None,
        "reference": {"document": document, "section": "一", "evidence": None},
    }


def _parameter(*values: dict[str, Any], applies_to: tuple[str, ...] = ("everyone",)) -> dict[str, Any]:
    return {"label": "测试参数", "unit": "cny", "applies_to": list(applies_to), "refines": None, "values": list(values)}


SYNTHETIC: dict[str, Any] = {
    "schema_version": 1,
    "regions": {
        "national": {"name": "全国", "level": "国家", "order": 0, "ancestors": []},
        "province": {"name": "某省", "level": "省", "order": 1, "ancestors": ["national"]},
        "county": {"name": "某县", "level": "县区", "order": 2, "ancestors": ["province", "national"]},
    },
    "documents": {
        "doc_2010": {"title": "国家文件", "number": "国发〔2010〕1号", "region": "national"},
        "doc_2015": {"title": "省文件", "number": "省发〔2015〕2号", "region": "province"},
        "doc_2018": {"title": "县文件", "number": None, "region": "county"},
    },
    "parameters": {
        "national": {
            "x.inherited": _parameter(_value("2010-01-01", 1), _value("2015-01-01", 2)),
            "x.overridden": _parameter(_value("2010-01-01", 10)),
            "x.silent_below": _parameter(_value("2010-01-01", 5)),
            "x.later_locally": _parameter(_value("2010-01-01", status="not_stated")),
        },
        "province": {
            "x.overridden": _parameter(_value("2015-01-01", 20, document="doc_2015")),
            "x.silent_below": _parameter(_value("2015-01-01", status="not_stated", document="doc_2015")),
            "x.lapsing": _parameter(_value("2015-01-01", 7, until="2015-12-31", document="doc_2015")),
            "x.repealed": _parameter(
                _value("2015-01-01", 3, document="doc_2015"),
                _value("2016-01-01", status="repealed", document="doc_2015"),
            ),
        },
        "county": {"x.later_locally": _parameter(_value("2018-01-01", 9, document="doc_2018"))},
    },
}


@pytest.fixture(scope="module")
def table() -> PolicyTable:
    return PolicyTable(SYNTHETIC)


def test_ancestors_answer_where_the_region_is_silent(table: PolicyTable) -> None:
    found = lookup(table, "county", "x.inherited", date(2016, 1, 1))
    assert (found.status, found.region, found.searched) == ("stated", "national", ("county", "province", "national"))
    assert found.entry is not None and found.entry.value == 2
    assert found.entry.reference.title == "国家文件" and found.entry.reference.number == "国发〔2010〕1号"


def test_value_in_force_is_chosen_by_date(table: PolicyTable) -> None:
    assert lookup(table, "national", "x.inherited", date(2014, 12, 31)).entry.value == 1  # type: ignore[union-attr]
    assert lookup(table, "national", "x.inherited", date(2015, 1, 1)).entry.value == 2  # type: ignore[union-attr]


def test_nearest_region_overrides_from_its_start_date(table: PolicyTable) -> None:
    assert lookup(table, "county", "x.overridden", date(2015, 1, 1)).region == "province"
    earlier = lookup(table, "county", "x.overridden", date(2014, 12, 31))
    assert (earlier.region, earlier.entry.value if earlier.entry else None) == ("national", 10)


def test_explicit_not_stated_stops_the_walk(table: PolicyTable) -> None:
    found = lookup(table, "county", "x.silent_below", date(2016, 1, 1))
    assert (found.status, found.region, found.stated) == ("not_stated", "province", False)


def test_lapsed_regional_figure_is_reported_as_expired(table: PolicyTable) -> None:
    assert lookup(table, "province", "x.lapsing", date(2015, 12, 31)).stated
    found = lookup(table, "province", "x.lapsing", date(2016, 1, 1))
    assert (found.status, found.region, found.entry) == ("expired", "province", None)


def test_repeal_is_its_own_outcome(table: PolicyTable) -> None:
    assert lookup(table, "province", "x.repealed", date(2016, 6, 1)).status == "repealed"


def test_lookup_before_the_first_date_is_not_a_silent_none(table: PolicyTable) -> None:
    found = lookup(table, "province", "x.overridden", date(2009, 12, 31))
    assert (found.status, found.region) == ("not_yet_in_force", "province")


def test_local_rule_not_yet_in_force_falls_back_to_the_ancestors(table: PolicyTable) -> None:
    before = lookup(table, "county", "x.later_locally", date(2017, 12, 31))
    after = lookup(table, "county", "x.later_locally", date(2018, 1, 1))
    assert (before.status, before.region) == ("not_stated", "national")
    assert (after.status, after.region) == ("stated", "county")


def test_unknown_parameter_is_absent(table: PolicyTable) -> None:
    found = lookup(table, "county", "x.nowhere", date(2018, 1, 1))
    assert (found.status, found.region, found.parameter) == ("absent", None, None)


def test_unsupported_schema_is_refused() -> None:
    with pytest.raises(PolicyDataInvalid):
        PolicyTable({**SYNTHETIC, "schema_version": 99})


def test_bundled_data_loads_through_importlib_resources() -> None:
    ensure_packaged_data()
    load_bundled.cache_clear()
    bundled = load_bundled()
    assert "national" in bundled.regions
    assert all(region.ancestors[-1:] == ("national",) for rid, region in bundled.regions.items() if rid != "national")


# Units the calculator's arithmetic assumes for the ids it reads (ratios in percent, money in yuan …).
def expected_units(parameter_id: str) -> set[str]:
    last = parameter_id.rsplit(".", 1)[-1]
    if parameter_id.startswith("work_injury.wage_"):
        return {"percent_of"}
    if "ratio" in parameter_id or last.endswith("_share"):
        return {"percent"}
    if "months" in parameter_id:
        return {"months"}
    if parameter_id.startswith("maternity.leave_days"):
        return {"days"}
    if last in {"no_cap", "no_double_payment"}:
        return {"boolean"}
    if last in {"payer"}:
        return {"text"}
    if "years" in last or last == "pension_age":
        return {"years"}
    if last in {"account_divisor", "allowance_days_per_month"}:
        return {"number"}
    if parameter_id in {"pension.resident.basic_pension", "unemployment.benefit_monthly"}:
        return {"cny_per_month"}
    if parameter_id.startswith("pension.resident."):
        return {"cny_per_year"}
    return {"cny"}


def test_data_uses_the_units_the_calculator_computes_with(compiled_data: dict[str, Any]) -> None:
    wrong = [
        (region, pid, parameter["unit"])
        for region, parameters in compiled_data["parameters"].items()
        for pid, parameter in parameters.items()
        if pid in PARAMETER_LABELS and parameter["unit"] not in expected_units(pid)
    ]
    assert not wrong, f"parameters in units the calculator does not expect: {wrong}"
