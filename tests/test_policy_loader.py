"""The loader turns bad data into one line per problem: file, line, path, reason."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.policy_loader import PolicyDataError, compile_policy_data, load_policy_data

ROOT = Path(__file__).resolve().parent.parent

# A made-up source text (a test fixture, not a policy document): the loader's evidence and SHA-256
# checks run against it, so these tests need none of the real texts kept outside the repository.
FIXTURE_TEXT_NAME = "fixture_shaanxi.txt"
FIXTURE_TEXT = (
    "测试用的虚构文本。\n对低保对象，由政府每年为其缴纳50元\n保费。对建档立卡农村贫困人口起付线降至3000元。\n"
)
FIXTURE_SHA256 = hashlib.sha256(FIXTURE_TEXT.encode("utf-8")).hexdigest()

NATIONAL = """\
region:
  id: national
  name: 全国
  level: 国家
  parent: null
documents:
  guofa_2014_8:
    title: 国务院关于建立统一的城乡居民基本养老保险制度的意见
    number: 国发〔2014〕8号
    issuers: [国务院]
    issued: "2014-02-21"
    kind: regulation
policies:
  pension:
    - id: basic_pension
      title: 基础养老金最低标准
      summary: 中央确定基础养老金最低标准。
      applies_to: [urban_rural_resident]
      parameters:
        pension.resident.basic_pension:
          values:
            "2014-07-01":
              value: 70
              reference: {document: guofa_2014_8, section: 五}
"""

SHAANXI = """\
region:
  id: shaanxi
  name: 陕西省
  level: 省
  parent: national
documents:
  shaanxi_2017_60:
    title: 关于切实做好社会保险扶贫工作的实施意见
    number: 陕人社发[2017]60号
    issuers: [陕西省人力资源和社会保障厅]
    issued: "2017-12-07"
    kind: policy
    source_file: {FIXTURE_TEXT_NAME}
    source_sha256: {FIXTURE_SHA256}
    source_outlet: 测试用虚构文本
policies:
  pension:
    - id: poor_paid_contribution
      title: 困难群体代缴
      summary: 政府代缴保费。
      applies_to: [dibao]
      parameters:
        pension.resident.paid_contribution.poor:
          values:
            "2018-01-01":
              value: 50
              reference:
                document: shaanxi_2017_60
                section: 二、(一)
                evidence: 由政府每年为其缴纳50元保费
  medical:
    - id: critical_illness
      title: 大病保险
      summary: 贫困人口大病保险起付线降低。
      applies_to: [registered_poor]
      parameters:
        medical.critical_illness.poor.threshold:
          values:
            "2017-12-07":
              value: 3000
              reference:
                document: shaanxi_2017_60
                section: 二、(二)
                evidence: 对建档立卡农村贫困人口起付线降至3000元
"""


SHAANXI = SHAANXI.replace("{FIXTURE_TEXT_NAME}", FIXTURE_TEXT_NAME).replace("{FIXTURE_SHA256}", FIXTURE_SHA256)

CATALOG = """\
parameters:
  pension.resident.basic_pension:
    label: 基础养老金
    unit: cny_per_month
    kind: amount
    aspect: benefit
    fallback: floor
  pension.resident.paid_contribution.poor:
    label: 政府代缴的养老保险费
    unit: cny_per_year
    kind: amount
    aspect: contribution
    fallback: inherit
  medical.critical_illness.poor.threshold:
    label: 大病保险起付线
    unit: cny
    kind: amount
    aspect: threshold
    fallback: none
"""

PAID_REFERENCE = (
    "              reference: {document: shaanxi_2017_60, section: 二、(一), evidence: 由政府每年为其缴纳50元保费}\n"
)


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A folder holding the made-up source text (shadows conftest's real texts)."""
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / FIXTURE_TEXT_NAME).write_text(FIXTURE_TEXT, encoding="utf-8")
    return folder


def write_data(folder: Path, shaanxi: str = SHAANXI, national: str = NATIONAL, catalog: str = CATALOG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "national.yaml").write_text(national, encoding="utf-8")
    (folder / "shaanxi.yaml").write_text(shaanxi, encoding="utf-8")
    (folder / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return folder


def problems_for(
    tmp_path: Path, seeds_dir: Path, shaanxi: str = SHAANXI, national: str = NATIONAL, catalog: str = CATALOG
) -> list[str]:
    folder = write_data(tmp_path / "policy_data", shaanxi, national, catalog)
    with pytest.raises(PolicyDataError) as caught:
        load_policy_data(folder, seeds_dir)
    return [str(problem) for problem in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_minimal_valid_files_load_and_compile(tmp_path: Path, seeds_dir: Path) -> None:
    policy = load_policy_data(write_data(tmp_path / "d"), seeds_dir)
    compiled = compile_policy_data(policy)
    assert list(compiled["regions"]) == ["national", "shaanxi"]
    assert compiled["regions"]["shaanxi"]["ancestors"] == ["national"]
    entry = compiled["parameters"]["shaanxi"]["pension.resident.paid_contribution.poor"]["values"][0]
    assert entry == {
        "from": "2018-01-01",
        "until": None,
        "status": "stated",
        "value": 50,
        "qualifier": None,
        "at_most": None,
        "date_basis": "stated",
        "date_note": None,
        "note": None,
        "reference": {
            "document": "shaanxi_2017_60",
            "section": "二、(一)",
            "evidence": "由政府每年为其缴纳50元保费",
            "note": None,
        },
    }


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path, seeds_dir: Path) -> None:
    broken = SHAANXI.replace("  level: 省", "  level: [省")
    [problem] = problems_for(tmp_path, seeds_dir, broken)
    assert problem.startswith("policy_data/shaanxi.yaml:") or "shaanxi.yaml:" in problem
    assert "YAML syntax error" in problem


def test_duplicate_yaml_key_is_an_error_not_a_silent_overwrite(tmp_path: Path, seeds_dir: Path) -> None:
    doubled = SHAANXI.replace("              value: 50\n", "              value: 50\n              value: 60\n")
    [problem] = problems_for(tmp_path, seeds_dir, doubled)
    assert f"shaanxi.yaml:{line_of(doubled, 'value: 60')} value: duplicate key" in problem


def test_missing_unit_in_the_catalog_is_reported_at_its_entry(tmp_path: Path, seeds_dir: Path) -> None:
    no_unit = CATALOG.replace("    unit: cny\n", "")
    [problem] = problems_for(tmp_path, seeds_dir, catalog=no_unit)
    line = line_of(no_unit, "medical.critical_illness.poor.threshold:")
    assert problem.endswith(f"catalog.yaml:{line} medical.critical_illness.poor.threshold: unit missing")


def test_parameter_missing_from_the_catalog_is_reported_in_the_region_file(tmp_path: Path, seeds_dir: Path) -> None:
    catalog = CATALOG.split("  medical.critical_illness.poor.threshold:")[0]
    [problem] = problems_for(tmp_path, seeds_dir, catalog=catalog)
    line = line_of(SHAANXI, "medical.critical_illness.poor.threshold:")
    reason = "not in the parameter catalog (add it to catalog.yaml)"
    assert problem.endswith(f"shaanxi.yaml:{line} medical.critical_illness.poor.threshold: {reason}")


def test_region_unit_that_disagrees_with_the_catalog_is_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        "        medical.critical_illness.poor.threshold:\n",
        "        medical.critical_illness.poor.threshold:\n          unit: percent\n",
    )
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "unit 'percent' disagrees with the catalog ('cny' in catalog.yaml)" in problem


def test_a_label_in_a_region_file_is_refused_with_where_it_belongs(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        "        medical.critical_illness.poor.threshold:\n",
        "        medical.critical_illness.poor.threshold:\n          label: 大病保险起付线\n",
    )
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "'label' belongs in policy_data/catalog.yaml, not in a region file" in problem


def test_at_most_must_name_a_catalog_parameter_of_the_same_unit(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        "              value: 3000\n",
        "              not_stated: true\n              note: 原文未写。\n"
        "              at_most: pension.resident.basic_pension\n",
    )
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "at_most names 'pension.resident.basic_pension' in cny_per_month, not cny" in problem


def test_missing_reference_is_reported(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        """              reference:
                document: shaanxi_2017_60
                section: 二、(二)
                evidence: 对建档立卡农村贫困人口起付线降至3000元
""",
        "",
    )
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "medical.critical_illness.poor.threshold values.2017-12-07: reference missing" in problem


def test_unknown_document_id_is_reported(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        "document: shaanxi_2017_60\n                section: 二、(二)",
        "document: shaanxi_2017_61\n                section: 二、(二)",
    )
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "unknown document id 'shaanxi_2017_61'" in problem
    assert f"shaanxi.yaml:{line_of(text, 'shaanxi_2017_61')} " in problem


def test_unknown_parent_region_is_reported(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("parent: national", "parent: nation")
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert problem.endswith(f"shaanxi.yaml:{line_of(text, 'parent:')} region.parent: unknown parent region 'nation'")


def test_ratio_outside_zero_to_hundred_percent_is_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    catalog = CATALOG.replace("    unit: cny\n    kind: amount\n", "    unit: percent\n    kind: ratio\n")
    [problem] = problems_for(tmp_path, seeds_dir, catalog=catalog)
    assert "medical.critical_illness.poor.threshold: value on 2017-12-07 is 3000%" in problem
    assert "0-100 %" in problem


def test_unordered_dates_are_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        '            "2018-01-01":\n              value: 50\n',
        '            "2018-01-01":\n              value: 50\n'
        + PAID_REFERENCE
        + '            "2017-06-01":\n              value: 50\n',
    )
    problems = problems_for(tmp_path, seeds_dir, text)
    assert any("dates out of order: 2018-01-01, 2017-06-01" in problem for problem in problems)


def test_overlapping_periods_are_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(
        '            "2018-01-01":\n              value: 50\n',
        '            "2017-12-07":\n              value: 40\n              until: "2018-03-01"\n'
        + PAID_REFERENCE
        + '            "2018-01-01":\n              value: 50\n',
    )
    problems = problems_for(tmp_path, seeds_dir, text)
    assert any("runs until 2018-03-01, overlapping the value from 2018-01-01" in p for p in problems)


def test_unknown_topic_key_is_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI + "  housing: []\n"
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert f"shaanxi.yaml:{line_of(text, 'housing')} policies: unknown topic key 'housing'" in problem


def test_duplicate_parameter_ids_across_items_are_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    second_item = """\
    - id: critical_illness_again
      title: 大病保险（重复）
      summary: 重复的参数编号。
      applies_to: [registered_poor]
      parameters:
        medical.critical_illness.poor.threshold:
          values:
            "2017-12-07":
              value: 3000
              reference: {document: shaanxi_2017_60, section: 二、(二), evidence: 起付线降至3000元}
"""
    [problem] = problems_for(tmp_path, seeds_dir, SHAANXI + second_item)
    assert "medical.critical_illness.poor.threshold: duplicate parameter id (first at line" in problem


def test_duplicate_document_ids_across_files_are_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    national = NATIONAL.replace("  guofa_2014_8:\n", "  shaanxi_2017_60:\n").replace(
        "document: guofa_2014_8", "document: shaanxi_2017_60"
    )
    problems = problems_for(tmp_path, seeds_dir, national=national)
    assert any("documents.shaanxi_2017_60: duplicate document id" in p for p in problems)


def test_evidence_not_found_in_its_document_is_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("由政府每年为其缴纳50元保费", "由政府每年为其缴纳60元保费")
    problems = problems_for(tmp_path, seeds_dir, text)
    assert any(f"evidence '由政府每年为其缴纳60元保费' not found in {FIXTURE_TEXT_NAME}" in p for p in problems)


def test_value_that_the_evidence_does_not_state_is_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("value: 3000", "value: 300")
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "value 300 cannot be read from evidence" in problem


def test_region_id_must_equal_file_name(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("  id: shaanxi\n", "  id: shanxi\n")
    problems = problems_for(tmp_path, seeds_dir, text)
    assert any("region.id: 'shanxi' must equal the file name 'shaanxi'" in p for p in problems)


def test_figures_in_labels_are_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    catalog = CATALOG.replace("label: 政府代缴的养老保险费", "label: 政府代缴的50元养老保险费")
    [problem] = problems_for(tmp_path, seeds_dir, catalog=catalog)
    assert "label must not contain figures" in problem


def test_not_stated_needs_a_note_and_no_value(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("              value: 3000\n", "              not_stated: true\n")
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "not_stated needs a note" in problem


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("value: 3000", "value: 300").replace("parent: national", "parent: nation")
    problems = problems_for(tmp_path, seeds_dir, text)
    assert len(problems) == 2


def test_build_stops_with_one_line_per_problem_and_no_traceback(tmp_path: Path, seeds_dir: Path) -> None:
    folder = write_data(tmp_path / "policy_data", catalog=CATALOG.replace("    unit: cny\n", ""))
    result = subprocess.run(
        [sys.executable, "-m", "scripts.policy_loader", "--data", str(folder), "--seeds", str(seeds_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "medical.critical_illness.poor.threshold: unit missing" in result.stderr
    assert "1 problem(s) found; nothing was written." in result.stderr


def test_folded_lines_leave_no_spaces_between_chinese_characters(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace("      summary: 政府代缴保费。\n", "      summary: >-\n        政府代缴\n        保费。\n")
    compiled = compile_policy_data(load_policy_data(write_data(tmp_path / "d", text), seeds_dir))
    assert compiled["items"][1]["summary"] == "政府代缴保费。"


def test_a_source_text_that_is_not_the_cited_copy_is_rejected(tmp_path: Path, seeds_dir: Path) -> None:
    (seeds_dir / FIXTURE_TEXT_NAME).write_text(FIXTURE_TEXT + "后来加上的一句。\n", encoding="utf-8")
    [problem] = problems_for(tmp_path, seeds_dir)
    assert f"documents.shaanxi_2017_60.source_sha256: '{FIXTURE_TEXT_NAME}' in {seeds_dir} has SHA-256" in problem
    assert problem.endswith("not the text this file cites")


def test_a_cited_source_text_needs_its_sha256_and_outlet(tmp_path: Path, seeds_dir: Path) -> None:
    text = SHAANXI.replace(f"    source_sha256: {FIXTURE_SHA256}\n", "")
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "source_sha256 missing" in problem
    text = SHAANXI.replace(FIXTURE_SHA256, FIXTURE_SHA256.upper())
    [problem] = problems_for(tmp_path, seeds_dir, text)
    assert "is not a SHA-256 (64 lowercase hex digits)" in problem


def test_without_the_source_texts_everything_but_the_evidence_is_still_checked(tmp_path: Path) -> None:
    absent = tmp_path / "no-texts"
    policy = load_policy_data(write_data(tmp_path / "d"), absent)
    assert list(policy.regions) == ["national", "shaanxi"]
    [problem] = problems_for(tmp_path, absent, SHAANXI.replace("value: 3000", "value: 300"))
    assert "value 300 cannot be read from evidence" in problem


APPLYING = """
applying:
  - id: paid_by_government
    kind: automatic
    benefits: [pension_subsidy]
    text: 政府每年替本人缴纳保费（代缴）。
    reference: {document: shaanxi_2017_60, section: 二、(一), evidence: 由政府每年为其缴纳50元保费}
"""


def test_how_to_apply_statements_load_and_compile_per_region(tmp_path: Path, seeds_dir: Path) -> None:
    policy = load_policy_data(write_data(tmp_path / "d", SHAANXI + APPLYING), seeds_dir)
    compiled = compile_policy_data(policy)
    assert compiled["applying"]["national"] == []
    [statement] = compiled["applying"]["shaanxi"]
    assert statement["kind"] == "automatic" and statement["benefits"] == ["pension_subsidy"]
    assert statement["reference"]["evidence"] == "由政府每年为其缴纳50元保费"


def test_how_to_apply_statements_are_checked_like_figures(tmp_path: Path, seeds_dir: Path) -> None:
    unfound = SHAANXI + APPLYING.replace("由政府每年为其缴纳50元保费", "由政府全额代缴")
    problems = problems_for(tmp_path / "a", seeds_dir, unfound)
    assert any("applying.paid_by_government" in p and f"not found in {FIXTURE_TEXT_NAME}" in p for p in problems)
    no_evidence = SHAANXI + APPLYING.replace(", evidence: 由政府每年为其缴纳50元保费", "")
    assert any("evidence missing" in p for p in problems_for(tmp_path / "b", seeds_dir, no_evidence))
    unknown_document = SHAANXI + APPLYING.replace("document: shaanxi_2017_60", "document: nowhere_2020_1")
    unknown_problems = problems_for(tmp_path / "c", seeds_dir, unknown_document)
    assert any("unknown document id 'nowhere_2020_1'" in p for p in unknown_problems)
    unknown_benefit = SHAANXI + APPLYING.replace("[pension_subsidy]", "[pension]")
    assert any("applying" in p and "benefits" in p for p in problems_for(tmp_path / "d", seeds_dir, unknown_benefit))
    twice = SHAANXI + APPLYING + APPLYING.replace("applying:\n", "")
    assert any("duplicate id" in p for p in problems_for(tmp_path / "e", seeds_dir, twice))
