"""Regions of a new shape and a deeper hierarchy are data, not code.

The made-up regions in tests/fixtures/regions (a province → prefecture → county chain, clearly
marked as test fixtures, never in policy_data/) are compiled together with the real national.yaml
and catalog.yaml. Three 大病 bands, the province's own unemployment duration bands and a county that
says almost nothing pass their golden cases (tests/fixtures/cases) with the calculator as it is;
silence inherits along the chain under the catalog's fallback, in the lookups and on the pages.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from golden import GoldenCase, check_result, load_cases, request_for

from calculator.api import calculate_with
from calculator.data import PolicyDataMissing, PolicyTable, lookup, split_compiled
from scripts.policy_loader import DEFAULT_DATA_DIR, compile_policy_data, load_policy_data
from scripts.raw_html import restore
from scripts.render_pages import render_pages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_CASES = load_cases(FIXTURES / "cases")
ON = date(2021, 1, 15)


@pytest.fixture(scope="module")
def fixture_compiled(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("fixture_data")
    for name in ("national.yaml", "catalog.yaml"):
        shutil.copy(DEFAULT_DATA_DIR / name, folder / name)
    for path in (FIXTURES / "regions").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return compile_policy_data(load_policy_data(folder, seeds_dir))


@pytest.fixture(scope="module")
def fixture_table(fixture_compiled: dict[str, Any]) -> PolicyTable:
    return PolicyTable(fixture_compiled)


def test_fixture_regions_are_marked_as_made_up_and_kept_out_of_policy_data() -> None:
    for path in (FIXTURES / "regions").glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# TEST FIXTURE"), path.name
        assert not (DEFAULT_DATA_DIR / path.name).exists(), path.name


def test_the_chain_runs_county_prefecture_province_national(fixture_table: PolicyTable) -> None:
    assert fixture_table.chain("fixture_county") == (
        "fixture_county",
        "fixture_prefecture",
        "fixture_province",
        "national",
    )


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=[f"{case.benefit}:{case.id}" for case in FIXTURE_CASES])
def test_fixture_golden_case(case: GoldenCase, fixture_table: PolicyTable) -> None:
    request = request_for(case)
    response = calculate_with(fixture_table, request["household"], request["regions"])
    problems = check_result(case, response)
    assert not problems, f"{case.file} {case.id} ({case.source}):\n" + "\n".join(problems)


def test_fixture_cases_cover_three_bands_and_own_duration_bands() -> None:
    ids = {case.id for case in FIXTURE_CASES}
    assert "fixture_three_bands_each_pay_their_part" in ids
    assert "fixture_county_inherits_the_province_duration_bands" in ids


@pytest.mark.parametrize(
    ("parameter_id", "region", "bound"),
    [
        # inherit: the province's own bands hold in the silent prefecture and county
        ("unemployment.max_benefit_months", "fixture_province", "exact"),
        # inherit through three silent levels: the national regulation
        ("work_injury.lump_sum_months", "national", "exact"),
        # floor: the province's figure is the least the county's can be
        ("pension.resident.basic_pension", "fixture_province", "at_least"),
    ],
)
def test_silence_inherits_along_the_chain_under_the_fallback(
    fixture_table: PolicyTable, parameter_id: str, region: str, bound: str
) -> None:
    found = lookup(fixture_table, "fixture_county", parameter_id, ON)
    assert found.stated and found.region == region and found.bound == bound
    assert found.searched[0] == "fixture_county" and found.searched[-1] == region


def test_fallback_none_stops_at_the_region_even_when_its_parent_has_the_figure(fixture_table: PolicyTable) -> None:
    assert lookup(fixture_table, "fixture_prefecture", "medical.critical_illness.poor.bands", ON).stated
    found = lookup(fixture_table, "fixture_county", "medical.critical_illness.poor.bands", ON)
    assert found.status == "absent" and found.searched == ("fixture_county",)


def test_the_national_minimum_is_a_floor_for_the_province_itself(fixture_table: PolicyTable) -> None:
    own = lookup(fixture_table, "fixture_province", "pension.resident.basic_pension", ON)
    assert own.exact and own.region == "fixture_province"


def test_region_page_lists_inherited_figures_and_where_they_come_from(
    fixture_compiled: dict[str, Any], tmp_path: Path
) -> None:
    shutil.copytree(DEFAULT_DATA_DIR.parent / "docs" / "includes", tmp_path / "includes")
    render_pages(fixture_compiled, tmp_path)
    county = restore((tmp_path / "regions" / "fixture_county.md").read_text(encoding="utf-8"))
    section = county.split("## 沿用上级的规定", 1)[1].split("## 依据文件", 1)[0]
    rows = {chunk.split('"', 1)[0]: chunk for chunk in section.split('<tr id="inherited-')[1:]}
    assert 'data-inherited-from="fixture_province" data-origin="inherited"' in rows["unemployment.max_benefit_months"]
    assert (
        "沿用<a" in rows["unemployment.max_benefit_months"]
        and "示例省（测试虚构）</a>规定" in rows["unemployment.max_benefit_months"]
    )
    # the bands are shown one by one, the third with its own section
    assert "累计缴费时间8年以上" in rows["unemployment.max_benefit_months"]
    assert 'data-origin="floor"' in rows["pension.resident.basic_pension"]
    assert "示例省（测试虚构）</a>标准" in rows["pension.resident.basic_pension"]
    assert 'data-inherited-from="national"' in rows["work_injury.lump_sum_months"]
    # fallback none: neither the prefecture's bands nor its threshold are inherited
    assert "medical.critical_illness.poor.bands" not in rows
    assert "medical.critical_illness.poor.threshold" not in rows
    # the county's own figure is in its own section, not among the inherited ones
    assert "unemployment.benefit_monthly" not in rows


def test_a_scale_cites_only_the_band_the_calculation_used(fixture_table: PolicyTable) -> None:
    household = {"on": "2021-01-15", "unemployment.insured_years": 4, "unemployment.contract_ended": True}
    result = calculate_with(fixture_table, household, ["fixture_county"])["results"]["fixture_county"]["unemployment"]
    sections = {source["section"] for source in result["sources"]}
    assert "第五条" in sections and "第五条第三款" not in sections  # the third band has its own section
    uses = [
        use for step in result["steps"] for use in step["parameters"] if use["id"] == "unemployment.max_benefit_months"
    ]
    assert [(use["part"], use["value"], use["bound"]) for use in uses] == [("3", 12, "at_most")]
    assert uses[0]["label"].endswith("累计缴费时间满3年不足8年")


# --- the calculator's data split per region ------------------------------------------------------------


def test_a_county_loads_its_whole_chain_and_nothing_else_and_answers_as_the_whole_data(
    fixture_compiled: dict[str, Any],
) -> None:
    """The page loads the core plus the shards of the regions it compares: a county's shard brings
    its ancestors' along (a lookup walks the chain), and the answers equal those of the whole data."""
    core, shards = split_compiled(fixture_compiled)
    whole = PolicyTable(fixture_compiled)
    deepest = max(fixture_compiled["regions"], key=lambda region_id: len(whole.chain(region_id)))
    assert set(core["parameters"]) == {region_id for region_id in whole.regions if not whole.chain(region_id)[1:]}
    read: list[str] = []

    def reader(region_id: str) -> dict[str, Any] | None:
        read.append(region_id)
        return shards.get(region_id)

    split = PolicyTable(core, reader)
    for case in [case for case in FIXTURE_CASES if case.region == deepest]:
        request = request_for(case)
        assert calculate_with(split, request["household"], [deepest]) == calculate_with(
            whole, request["household"], [deepest]
        ), case.id
    assert sorted(read) == sorted(whole.chain(deepest)[:-1]), "the county, its ancestors, each read once"
    assert len(read) == len(set(read))


def test_a_region_whose_shard_is_missing_is_named_not_computed_without_its_figures(
    fixture_compiled: dict[str, Any],
) -> None:
    core, shards = split_compiled(fixture_compiled)
    whole = PolicyTable(fixture_compiled)
    deepest = max(fixture_compiled["regions"], key=lambda region_id: len(whole.chain(region_id)))
    parent = whole.chain(deepest)[1]
    split = PolicyTable(core, lambda region_id: None if region_id == parent else shards.get(region_id))
    household = next(case for case in FIXTURE_CASES if case.region == deepest).household
    with pytest.raises(PolicyDataMissing, match=whole.regions[parent].name):
        calculate_with(split, household, [deepest])
