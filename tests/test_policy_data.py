"""Meta-tests over the real policy_data/ files: every figure is sourced, and its source says it.

Region ids come from the files themselves: no test here names a region, so adding one means adding
its YAML file, its source texts and its golden cases (tests/cases/), nothing else. The tests that
read the source texts (fixture `seeds_dir`) are the provenance checks; every other test runs without
them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from calculator.vocabulary import TOPICS
from scripts.policy_loader import CATALOG_FILE, ROOT_REGION
from scripts.provenance import SourceTexts, compiled_citations, numbers_in, sha256_of, squeeze, value_readable_from

ROOT = Path(__file__).resolve().parent.parent
# Every region file (the parameter catalog beside them is not one).
REGION_FILES = sorted(path for path in (ROOT / "policy_data").glob("*.yaml") if path.name != CATALOG_FILE)


def dated_values(compiled: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for region_id, parameters in compiled["parameters"].items():
        for parameter_id, parameter in parameters.items():
            for entry in parameter["values"]:
                yield region_id, parameter_id, parameter, entry


def test_there_is_a_national_baseline_and_at_least_one_region_under_it() -> None:
    stems = [path.stem for path in REGION_FILES]
    assert ROOT_REGION in stems and len(stems) >= 2


def test_all_region_files_validate_and_each_region_is_named_after_its_file(compiled_data: dict[str, Any]) -> None:
    assert next(iter(compiled_data["regions"])) == ROOT_REGION
    assert set(compiled_data["regions"]) == {path.stem for path in REGION_FILES}
    for region_id, region in compiled_data["regions"].items():
        assert Path(region["file"]).stem == region_id


def test_every_region_but_national_inherits_from_the_national_baseline(compiled_data: dict[str, Any]) -> None:
    for region_id, region in compiled_data["regions"].items():
        if region_id != ROOT_REGION:
            assert region["ancestors"][-1] == ROOT_REGION, region_id


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_has_data_from_at_least_two_regions(compiled_data: dict[str, Any], topic: str) -> None:
    regions = {item["region"] for item in compiled_data["items"] if item["topic"] == topic and item["parameters"]}
    assert len(regions) >= 2, f"{topic}: only {regions}"


def seed_documents(compiled: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Documents whose text the project checked (source_file), by id."""
    return {doc_id: doc for doc_id, doc in compiled["documents"].items() if doc["source_file"]}


def test_every_document_with_a_source_text_records_its_sha256_and_where_it_was_published(
    compiled_data: dict[str, Any],
) -> None:
    for doc_id, document in seed_documents(compiled_data).items():
        assert len(document["source_sha256"]) == 64, doc_id
        assert document["source_outlet"], doc_id


def test_each_source_text_is_the_copy_its_region_file_cites(compiled_data: dict[str, Any], seeds_dir: Path) -> None:
    """Provenance: the keeper's copy of each text hashes to the SHA-256 recorded beside its citation."""
    failures = []
    for doc_id, document in seed_documents(compiled_data).items():
        path = seeds_dir / document["source_file"]
        if not path.is_file():
            failures.append(f"{doc_id}: {path} missing")
        elif (digest := sha256_of(path)) != document["source_sha256"]:
            failures.append(f"{doc_id}: {path} has SHA-256 {digest}, the data cites {document['source_sha256']}")
    assert not failures, "\n".join(failures)


def test_every_seed_document_is_cited(compiled_data: dict[str, Any], seeds_dir: Path) -> None:
    """Provenance: no text sits in the seeds folder unused."""
    cited_files = {
        compiled_data["documents"][entry["reference"]["document"]]["source_file"]
        for *_, entry in dated_values(compiled_data)
    }
    seed_files = {path.name for path in seeds_dir.glob("*.txt")}
    assert seed_files <= cited_files


def test_every_value_citing_a_seed_quotes_evidence_found_verbatim_in_it(
    compiled_data: dict[str, Any], seeds_dir: Path
) -> None:
    """Provenance: each quoted piece of evidence is in the text it cites."""
    sources = SourceTexts(seeds_dir)
    failures = []
    # Every reference: the dated value's, and a band's or breakdown key's own.
    for region_id, parameter_id, where, reference, _figures in compiled_citations(compiled_data):
        source_file = compiled_data["documents"][reference["document"]]["source_file"]
        if source_file is None:
            continue
        evidence = reference["evidence"]
        if not evidence:
            failures.append(f"{region_id} {parameter_id} {where}: no evidence")
        elif not sources.contains(source_file, evidence):
            failures.append(f"{region_id} {parameter_id} {where}: '{evidence}' not in {source_file}")
    assert not failures, "\n".join(failures)


def test_every_value_citing_a_seed_quotes_some_evidence(compiled_data: dict[str, Any]) -> None:
    """Without the texts at hand, at least every figure from a checked text quotes its words."""
    documents = seed_documents(compiled_data)
    missing = [
        f"{region_id} {parameter_id} {entry['from']}"
        for region_id, parameter_id, _parameter, entry in dated_values(compiled_data)
        if entry["reference"]["document"] in documents and not entry["reference"]["evidence"]
    ]
    assert not missing


def test_every_stated_figure_can_be_read_from_its_evidence(compiled_data: dict[str, Any]) -> None:
    failures = []
    for region_id, parameter_id, where, reference, figures in compiled_citations(compiled_data):
        evidence = reference["evidence"]
        for value, unit in figures if evidence else ():
            if not value_readable_from(value, unit, evidence):
                failures.append(f"{region_id} {parameter_id} {where}: {value} not in '{evidence}'")
    assert not failures, "\n".join(failures)


def test_every_value_outside_the_seeds_cites_a_document_with_number_or_title_and_a_section(
    compiled_data: dict[str, Any],
) -> None:
    for region_id, parameter_id, _parameter, entry in dated_values(compiled_data):
        document = compiled_data["documents"][entry["reference"]["document"]]
        assert document["title"], (region_id, parameter_id)
        assert entry["reference"]["section"].strip(), (region_id, parameter_id)


def test_not_stated_entries_explain_what_the_document_leaves_open(compiled_data: dict[str, Any]) -> None:
    for region_id, parameter_id, _parameter, entry in dated_values(compiled_data):
        if entry["status"] == "not_stated":
            assert entry["note"], (region_id, parameter_id)


def test_statistics_and_rules_are_told_apart(compiled_data: dict[str, Any]) -> None:
    kinds = {
        parameter["statistic"]
        for parameters in compiled_data["parameters"].values()
        for parameter in parameters.values()
    }
    assert kinds == {True, False}


def test_same_parameter_id_means_same_unit_everywhere(compiled_data: dict[str, Any]) -> None:
    units: dict[str, set[str]] = {}
    for parameters in compiled_data["parameters"].values():
        for parameter_id, parameter in parameters.items():
            units.setdefault(parameter_id, set()).add(parameter["unit"])
    assert {pid: u for pid, u in units.items() if len(u) > 1} == {}


# --- the reading of figures itself ------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("由政府每年为其缴纳50元保费", Decimal(50)),
        ("最高支付限额分别达到25万元和10万元", Decimal(250_000)),
        ("共为3372万贫困人口代缴", Decimal(33_720_000)),
        ("代缴城乡居民养老保险费37.5亿元", Decimal(3_750_000_000)),
        ("参保率超过99.99%", Decimal("99.99")),
        ("社会保障卡累计发放58237张", Decimal(58237)),
        ("连续13年提高", Decimal(13)),
        ("“五个不出村”", Decimal(5)),
        ("其个人缴费部分由政府给予全额补贴", Decimal(100)),
        ("按照3:3:4的比例", Decimal(4)),
        ("1,090元", Decimal(1090)),
    ],
)
def test_numbers_are_read_with_wan_yi_percent_and_chinese_numerals(evidence: str, expected: Decimal) -> None:
    assert expected in numbers_in(evidence)


def test_wan_applies_to_its_number_only() -> None:
    assert Decimal(10) not in numbers_in("居民基本医疗保险基金年度最高支付限额10万元")


def test_dates_are_read_from_chinese_dates() -> None:
    assert value_readable_from("2011-07-20", "date", "在2011年7月20日之前取得")
    assert not value_readable_from("2011-07-21", "date", "在2011年7月20日之前取得")


def test_whitespace_is_ignored_when_matching_evidence() -> None:
    assert squeeze("基本实现老有\n\n所养") == "基本实现老有所养"
