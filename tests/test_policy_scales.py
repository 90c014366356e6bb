"""Scales and breakdowns as parameter kinds: the loader checks their shape, unit and sources, one
line per problem, and compiles them for the calculator and the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_policy_loader import (
    CATALOG,
    FIXTURE_TEXT,
    FIXTURE_TEXT_NAME,
    NATIONAL,
    SHAANXI,
    line_of,
    problems_for,
    write_data,
)

from scripts.policy_loader import compile_policy_data, load_policy_data


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """The loader tests' made-up source text (shadows conftest's real texts)."""
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / FIXTURE_TEXT_NAME).write_text(FIXTURE_TEXT, encoding="utf-8")
    return folder


SCALE_CATALOG = (
    CATALOG
    + """\
  medical.critical_illness.poor.bands:
    label: 困难群体大病保险分段支付比例
    unit: percent
    kind: scale
    scale: {threshold_unit: cny, method: marginal, threshold_label: 起付标准以上累加的个人自付费用}
    aspect: ratio
    fallback: none
  work_injury.lump_sum_months:
    label: 一次性伤残补助金
    unit: months
    kind: breakdown
    breakdown: injury_grade
    aspect: benefit
    fallback: inherit
"""
)

BANDS = """\
        medical.critical_illness.poor.bands:
          values:
            "2017-12-07":
              reference: {document: guofa_2014_8, section: 五}
              bands:
                - threshold: 0
                  value: 60
                - threshold: 50
                  value: 50
                  reference:
                    document: shaanxi_2017_60
                    section: 二、(一)
                    evidence: 由政府每年为其缴纳50元保费
"""

GRADES = """\
  work_injury:
    - id: lump_sum
      title: 一次性伤残补助金
      summary: 按伤残等级发给。
      applies_to: [employee]
      parameters:
        work_injury.lump_sum_months:
          values:
            "2011-01-01":
              reference: {document: guofa_2014_8, section: 第三十五条}
              breakdown:
                1: {value: 27}
                2: {value: 25, reference: {document: guofa_2014_8, section: 第三十五条第二项}}
"""


def with_bands(bands: str = BANDS) -> str:
    return SHAANXI.replace(
        "      parameters:\n        medical.critical_illness.poor.threshold:",
        "      parameters:\n" + bands + "        medical.critical_illness.poor.threshold:",
    )


def test_scale_and_breakdown_load_and_compile_with_their_own_references(tmp_path: Path, seeds_dir: Path) -> None:
    folder = write_data(tmp_path / "d", with_bands(), NATIONAL + GRADES, SCALE_CATALOG)
    compiled = compile_policy_data(load_policy_data(folder, seeds_dir))
    bands = compiled["parameters"]["shaanxi"]["medical.critical_illness.poor.bands"]["values"][0]["value"]
    assert [(band["threshold"], band["value"]) for band in bands] == [(0, 60), (50, 50)]
    assert bands[0]["reference"] is None  # covered by the dated value's reference
    assert bands[1]["reference"]["section"] == "二、(一)"
    grades = compiled["parameters"]["national"]["work_injury.lump_sum_months"]["values"][0]["value"]
    assert grades["1"]["value"] == 27 and grades["2"]["reference"]["section"] == "第三十五条第二项"
    assert compiled["catalog"]["work_injury.lump_sum_months"]["breakdown"] == "injury_grade"
    assert compiled["catalog"]["medical.critical_illness.poor.bands"]["scale"]["method"] == "marginal"


def test_bands_must_ascend(tmp_path: Path, seeds_dir: Path) -> None:
    text = with_bands(BANDS.replace("threshold: 50", "threshold: 0"))
    problems = problems_for(tmp_path, seeds_dir, text, catalog=SCALE_CATALOG)
    assert len(problems) == 1
    assert problems[0].endswith(
        f"/policy_data/shaanxi.yaml:{line_of(text, 'threshold: 0') + 2} medical.critical_illness.poor.bands"
        " values.2017-12-07.bands.1.threshold: band 2 starts at 0, not above band 1 (0): write the bands ascending"
    )


def test_band_value_must_fit_the_unit(tmp_path: Path, seeds_dir: Path) -> None:
    text = with_bands(BANDS.replace("value: 60", "value: 160"))
    problems = problems_for(tmp_path, seeds_dir, text, catalog=SCALE_CATALOG)
    assert len(problems) == 1
    assert f"shaanxi.yaml:{line_of(text, 'value: 160')} " in problems[0]
    assert "value of band 1 on 2017-12-07 is 160%: a ratio must lie within 0-100 %" in problems[0]


def test_band_evidence_is_checked_against_the_source_text(tmp_path: Path, seeds_dir: Path) -> None:
    text = with_bands(BANDS.replace("每年为其缴纳50元", "每年为其缴纳50元的"))
    problems = problems_for(tmp_path, seeds_dir, text, catalog=SCALE_CATALOG)
    assert any("values.2017-12-07.bands.1: evidence '由政府每年为其缴纳50元的" in p for p in problems), problems


def test_band_threshold_must_be_read_from_its_own_evidence(tmp_path: Path, seeds_dir: Path) -> None:
    text = with_bands(BANDS.replace("threshold: 50", "threshold: 70"))
    problems = problems_for(tmp_path, seeds_dir, text, catalog=SCALE_CATALOG)
    assert len(problems) == 1 and "threshold 70 cannot be read from evidence '由政府每年" in problems[0], problems


def test_breakdown_keys_come_from_the_vocabulary(tmp_path: Path, seeds_dir: Path) -> None:
    national = NATIONAL + GRADES.replace("2: {value: 25", "11: {value: 25")
    problems = problems_for(tmp_path, seeds_dir, national=national, catalog=SCALE_CATALOG)
    assert len(problems) == 1
    assert f"/policy_data/national.yaml:{line_of(national, '11: {value')} " in problems[0]
    assert "unknown injury_grade key '11' (expected one of 1, 2, 3" in problems[0]


def test_a_scale_written_as_a_plain_value_is_refused(tmp_path: Path, seeds_dir: Path) -> None:
    plain = """\
        medical.critical_illness.poor.bands:
          values:
            "2017-12-07":
              value: 60
              reference: {document: shaanxi_2017_60, section: 二、(二)}
"""
    problems = problems_for(tmp_path, seeds_dir, with_bands(plain), catalog=SCALE_CATALOG)
    assert len(problems) == 1 and "a parameter of kind scale is written with `bands:`" in problems[0]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("    scale: {threshold_unit: cny, method: marginal, threshold_label: 费用}\n", "and only it"),
        ("    breakdown: no_such_vocabulary\n", "unknown breakdown"),
    ],
)
def test_catalog_scale_and_breakdown_declarations_are_checked(
    tmp_path: Path, seeds_dir: Path, entry: str, reason: str
) -> None:
    catalog = CATALOG.replace("    fallback: floor\n", "    fallback: floor\n" + entry, 1)
    problems = problems_for(tmp_path, seeds_dir, catalog=catalog)
    assert len(problems) == 1 and reason in problems[0], problems
