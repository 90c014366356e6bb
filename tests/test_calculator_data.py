"""Date-aware lookups over the compiled data: the region first, then its ancestors; every outcome named."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from golden import ensure_packaged_data

from calculator.data import PolicyDataInvalid, PolicyTable, load_bundled, lookup
from calculator.fields import default_calculation_date
from calculator.parameters import CALCULATOR_PARAMETERS

# A tiny synthetic data set (not policy figures): national → province → county.


def _value(
    start: str,
    value: object = None,
    *,
    status: str = "stated",
    until: str | None = None,
    document: str = "doc_2010",
    qualifier: str | None = None,
    at_most: str | None = None,
) -> dict[str, Any]:
    return {
        "from": start,
        "until": until,
        "status": status,
        "value": value,
        "qualifier": qualifier,
        "at_most": at_most,
        "reference": {"document": document, "section": "一", "evidence": None},
    }


def _parameter(*values: dict[str, Any], applies_to: tuple[str, ...] = ("everyone",)) -> dict[str, Any]:
    return {"label": "测试参数", "unit": "cny", "applies_to": list(applies_to), "refines": None, "values": list(values)}


def _entry(fallback: str) -> dict[str, Any]:
    return {"label": "测试参数", "unit": "cny", "kind": "amount", "aspect": "benefit", "fallback": fallback}


SYNTHETIC: dict[str, Any] = {
    "schema_version": 2,
    "catalog": {
        **{
            pid: _entry("inherit")
            for pid in ("x.inherited", "x.overridden", "x.silent_below", "x.later_locally", "x.lapsing", "x.repealed")
        },
        "x.floor": _entry("floor"),
        "x.local_only": _entry("none"),
        "x.limited": _entry("inherit"),
        "x.grade": _entry("inherit"),
        "x.written_minimum": _entry("inherit"),
    },
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
            "x.floor": _parameter(_value("2010-01-01", 88)),
            "x.local_only": _parameter(_value("2010-01-01", 500)),
            "x.limited": _parameter(_value("2010-01-01", status="not_stated", at_most="x.grade")),
            "x.grade": _parameter(_value("2010-01-01", 100)),
            "x.written_minimum": _parameter(_value("2010-01-01", 30, qualifier="at_least")),
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
        "county": {
            "x.later_locally": _parameter(_value("2018-01-01", 9, document="doc_2018")),
            "x.floor": _parameter(_value("2018-01-01", status="not_stated", document="doc_2018")),
        },
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


def test_not_stated_with_inherit_fallback_takes_the_next_ancestor(table: PolicyTable) -> None:
    found = lookup(table, "county", "x.silent_below", date(2016, 1, 1))
    assert (found.status, found.region, found.bound) == ("stated", "national", "exact")
    assert found.entry is not None and found.entry.value == 5


def test_floor_fallback_makes_the_ancestor_figure_a_minimum(table: PolicyTable) -> None:
    silent = lookup(table, "province", "x.floor", date(2016, 1, 1))
    not_stated = lookup(table, "county", "x.floor", date(2018, 6, 1))
    own = lookup(table, "national", "x.floor", date(2018, 6, 1))
    assert (silent.status, silent.region, silent.bound) == ("stated", "national", "at_least")
    assert (not_stated.status, not_stated.bound) == ("stated", "at_least")
    assert not_stated.silent_entry is not None and not_stated.silent_entry.status == "not_stated"
    assert (own.region, own.bound) == ("national", "exact")


def test_none_fallback_leaves_a_silent_region_unknown(table: PolicyTable) -> None:
    found = lookup(table, "county", "x.local_only", date(2018, 6, 1))
    assert (found.status, found.searched) == ("absent", ("county",))
    assert lookup(table, "national", "x.local_only", date(2018, 6, 1)).exact


def test_at_most_limits_a_figure_the_document_leaves_open(table: PolicyTable) -> None:
    found = lookup(table, "county", "x.limited", date(2018, 6, 1))
    assert (found.status, found.bound) == ("stated", "at_most")
    assert found.limit is not None and found.limit.entry is not None and found.limit.entry.value == 100


def test_a_figure_written_as_a_minimum_is_a_lower_bound_even_at_home(table: PolicyTable) -> None:
    assert lookup(table, "national", "x.written_minimum", date(2018, 6, 1)).bound == "at_least"


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


def test_the_bundled_data_is_read_region_by_region_and_equals_the_whole(compiled_data: dict[str, Any]) -> None:
    """The package holds a core and a shard per region; a region's parameters are read when first
    asked for, and then are those of the whole compiled data."""
    ensure_packaged_data()
    load_bundled.cache_clear()
    bundled = load_bundled()
    whole = PolicyTable(compiled_data)
    assert list(bundled.regions) == list(whole.regions)
    other = next(region_id for region_id, region in bundled.regions.items() if region.ancestors)
    assert other not in bundled._loaded
    assert bundled.parameters_in(other).keys() == whole.parameters_in(other).keys()
    assert other in bundled._loaded
    on = default_calculation_date(whole)
    assert default_calculation_date(bundled) == on
    for parameter_id in whole.parameters_in(other):
        assert lookup(bundled, other, parameter_id, on) == lookup(whole, other, parameter_id, on), parameter_id
    load_bundled.cache_clear()


# Units the rules compute with: money in yuan, ratios in percent, periods in their own units.
COMPUTABLE_UNITS = {"cny", "cny_per_month", "cny_per_year", "percent", "percent_of", "months", "days", "years"}
COMPUTABLE_UNITS |= {"number", "boolean", "text"}


def test_every_parameter_the_calculator_reads_is_in_the_catalog(compiled_data: dict[str, Any]) -> None:
    missing = sorted(CALCULATOR_PARAMETERS - set(compiled_data["catalog"]))
    assert not missing, f"read by the calculator but not in policy_data/catalog.yaml: {missing}"
    odd = {pid: compiled_data["catalog"][pid]["unit"] for pid in CALCULATOR_PARAMETERS}
    assert {pid: unit for pid, unit in odd.items() if unit not in COMPUTABLE_UNITS} == {}


def test_catalog_labels_have_no_second_copy_in_code_or_templates(compiled_data: dict[str, Any]) -> None:
    """The catalog is the one place for a parameter's name: no label copied into code, scripts or pages."""
    root = Path(__file__).resolve().parent.parent
    sources = [
        path
        for folder in ("calculator", "scripts", "docs/javascripts", "overrides")
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".j2", ".js", ".html"} and "data" not in path.parts
    ]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    labels = {entry["label"] for entry in compiled_data["catalog"].values()}
    # A copy is the label as a whole string or element text (a longer wording that contains it is not).
    copied = sorted(label for label in labels if any(f"{q}{label}{e}" in text for q, e in ('""', "''", "><")))
    assert not copied, f"catalog labels copied into code: {copied}"
