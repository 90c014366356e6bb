"""Field definitions and household parsing: what people type becomes numbers, or a clear Chinese message."""

from __future__ import annotations

import json
from dataclasses import fields as dataclass_fields
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from golden import ensure_packaged_data

from calculator.api import BENEFITS, calculate_json, calculate_with, field_definitions
from calculator.data import PolicyTable
from calculator.fields import (
    FIELDS,
    FIELDS_BY_KEY,
    GROUP_INPUTS,
    GROUPS_ANSWERED_ELSEWHERE,
    Household,
    field_attributes_match,
    invalid_message,
    parse_household,
)
from calculator.parameters import CALCULATOR_PARAMETERS
from calculator.vocabulary import GROUPS

ON = date(2018, 1, 15)
TOTAL_COST_MESSAGE = "「住院总费用」须为 0 到 10,000,000 之间的数字"


def parse(raw: dict[str, Any]) -> Household | dict[str, str]:
    return parse_household(raw, default_on=ON)


def parsed(raw: dict[str, Any]) -> Household:
    result = parse(raw)
    assert isinstance(result, Household), result
    return result


@pytest.fixture(scope="module")
def table(compiled_data: dict[str, Any]) -> PolicyTable:
    return PolicyTable(compiled_data)


@pytest.fixture(autouse=True, scope="module")
def packaged_data() -> None:
    """calculate_json reads the packaged data file."""
    ensure_packaged_data()


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (12345, Decimal(12345)),
        (12345.5, Decimal("12345.5")),
        ("12345", Decimal(12345)),
        ("１２３４５", Decimal(12345)),
        ("10,000", Decimal(10000)),
        ("10，000", Decimal(10000)),
        ("１０，０００．５", Decimal("10000.5")),
        ("  10000  ", Decimal(10000)),
        ("\u300010000\u3000", Decimal(10000)),
        ("5000元", Decimal(5000)),
        ("0", Decimal(0)),
        ("10,000,000", Decimal(10_000_000)),
    ],
)
def test_numbers_accept_full_width_digits_separators_and_spaces(typed: object, expected: Decimal) -> None:
    assert parsed({"medical.total_cost": typed}).medical.total_cost == expected


@pytest.mark.parametrize(
    "typed",
    [
        "12a",
        "abc",
        "1,2,3",
        "10,00",
        "-5",
        -5,
        "－５",
        float("nan"),
        "NaN",
        float("inf"),
        "inf",
        "1e5",
        10_000_001,
        "999999999999",
        True,
        [1],
        {"value": 1},
        "1" * 200,
    ],
)
def test_numbers_reject_letters_negatives_nan_and_absurd_sizes(typed: object) -> None:
    assert parse({"medical.total_cost": typed}) == {"medical.total_cost": TOTAL_COST_MESSAGE}


def test_integer_fields_reject_fractions() -> None:
    errors = parse({"work_injury.grade": "1.5", "pension.years": 11})
    assert errors == {"work_injury.grade": "「伤残等级」须为 1 到 10 之间的整数"}


@pytest.mark.parametrize("grade", [0, 11, "十"])
def test_grade_outside_one_to_ten_is_rejected(grade: object) -> None:
    assert set(parse({"work_injury.grade": grade})) == {"work_injury.grade"}


def test_percent_fields_stay_within_zero_and_one_hundred() -> None:
    assert parse({"medical.basic_ratio": 101}) == {
        "medical.basic_ratio": "「当地基本医保报销比例」须为 0 到 100 之间的数字"
    }
    assert parsed({"medical.basic_ratio": "85%"}).medical.basic_ratio == Decimal(85)


# --- blanks, choices, booleans, dates ----------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", None])
def test_blank_optional_fields_count_as_not_filled(blank: object) -> None:
    household = parsed({"medical.policy_cost": blank, "medical.total_cost": 100})
    assert household.medical.policy_cost is None
    assert "medical.policy_cost" not in household.provided


def test_blank_required_field_is_reported_for_the_benefit_that_needs_it(table: PolicyTable) -> None:
    response = calculate_with(table, {"work_injury.grade": 3, "work_injury.monthly_wage": ""})
    message = "请填写「本人工资」：计算一次性伤残补助金与伤残津贴需要它"
    assert response == {"errors": {"work_injury.monthly_wage": message}}


def test_choices_accept_values_and_their_chinese_labels() -> None:
    assert parsed({"medical.scheme": "职工基本医疗保险"}).medical.scheme == "employee"
    assert parsed({"medical.scheme": " resident "}).medical.scheme == "resident"
    for typed in (2, "2", "２", "二级定点医疗机构"):
        assert parsed({"medical.hospital_level": typed}).medical.hospital_level == 2


def test_unknown_choice_lists_the_allowed_ones() -> None:
    assert parse({"medical.scheme": "private"}) == {
        "medical.scheme": "「医保类型」须为以下之一：城乡居民基本医疗保险、职工基本医疗保险"
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["dibao", "tekun"], {"dibao", "tekun"}),
        ("dibao，tekun", {"dibao", "tekun"}),
        ("dibao, registered_poor", {"dibao", "registered_poor"}),
        ([], set()),
        (["低保对象"], {"dibao"}),
    ],
)
def test_status_accepts_lists_and_separated_text(typed: object, expected: set[str]) -> None:
    assert parsed({"status": typed}).status == expected


def test_unknown_status_is_rejected() -> None:
    assert set(parse({"status": ["dibao", "millionaire"]})) == {"status"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(True, True), ("是", True), ("true", True), (1, True), ("否", False), (0, False), ("false", False)],
)
def test_booleans_accept_yes_and_no_in_chinese_and_english(typed: object, expected: bool) -> None:
    assert parsed({"unemployment.contract_ended": typed}).unemployment.contract_ended is expected


def test_boolean_rejects_anything_else() -> None:
    assert parse({"unemployment.contract_ended": "maybe"}) == {
        "unemployment.contract_ended": "「劳动合同期满不续订或被提前解除」须为“是”或“否”"
    }


@pytest.mark.parametrize("typed", ["2018-01-01", "２０１８-０１-０１", "2018/1/1", "2018年1月1日", " 2018-01-01 "])
def test_dates_accept_common_spellings(typed: str) -> None:
    assert parsed({"on": typed}).on == date(2018, 1, 1)


@pytest.mark.parametrize("typed", ["2018-02-30", "1800-01-01", "tomorrow", 20180101, "2018-1"])
def test_impossible_or_out_of_range_dates_are_rejected(typed: object) -> None:
    assert set(parse({"on": typed})) == {"on"}


def test_default_date_is_the_given_one_when_absent() -> None:
    assert parsed({}).on == ON


def test_policy_cost_cannot_exceed_total_cost() -> None:
    assert parse({"medical.total_cost": 100, "medical.policy_cost": 200}) == {
        "medical.policy_cost": "「政策范围内费用」不能超过「住院总费用」"
    }


def test_every_wrong_field_gets_its_own_message() -> None:
    errors = parse({"age": -1, "maternity.babies": 0, "medical.total_cost": "x", "status": "nobody"})
    assert set(errors) == {"age", "maternity.babies", "medical.total_cost", "status"}
    assert all(isinstance(message, str) and message.startswith("「") for message in errors.values())


# --- unknown keys and hostile input ------------------------------------------------------------------------


def test_unknown_keys_are_ignored_with_a_warning_that_never_echoes_markup() -> None:
    household = parsed({"medical.totalcost": 1, "<img src=x onerror=alert(1)>": 2, "maternity.babies": 1})
    assert len(household.warnings) == 1
    warning = household.warnings[0]
    assert "medical.totalcost" in warning
    assert "<" not in warning and "onerror" not in warning
    assert "2 个" in warning


@pytest.mark.parametrize(
    "request_text",
    [
        "",
        "not json",
        "[]",
        "null",
        "42",
        '"text"',
        '{"household": []}',
        '{"household": {"medical.total_cost": {"$gt": 1}}}',
        '{"regions": "nowhere", "maternity.babies": 2}',
        '{"regions": [1, 2]}',
        '{"regions": ["<script>alert(1)</script>"]}',
        '{"action": "drop tables"}',
        "[" * 100_000,
        '{"medical.total_cost": 1e400}',
    ],
)
def test_calculate_json_answers_garbage_with_errors_never_an_exception(request_text: str) -> None:
    reply = json.loads(calculate_json(request_text))
    assert set(reply) == {"errors"}
    assert all(isinstance(message, str) and message for message in reply["errors"].values())
    assert "<script>" not in json.dumps(reply, ensure_ascii=False)


def test_calculate_json_round_trips_a_household() -> None:
    reply = json.loads(calculate_json(json.dumps({"maternity.babies": "２", "regions": ["national"]})))
    assert reply["results"]["national"]["maternity"]["days"] > 0


# --- the definitions themselves --------------------------------------------------------------------------


def test_every_field_has_a_household_attribute() -> None:
    assert field_attributes_match() == []
    attributes = {f"{group}.{item.name}" for group, cls in GROUP_INPUTS.items() for item in dataclass_fields(cls)}
    keys = {definition.key for definition in FIELDS if "." in definition.key}
    assert attributes == keys


def test_every_field_has_chinese_label_help_and_group() -> None:
    for definition in FIELDS:
        assert definition.label and definition.help, definition.key
        assert not definition.label.isascii(), definition.key
        assert definition.key == definition.key.strip().lower()
        if definition.type in {"number", "integer"}:
            assert definition.minimum is not None and definition.maximum is not None, definition.key
        if definition.type in {"choice", "multi_choice"}:
            assert definition.choices, definition.key


def test_status_choices_are_the_shared_group_vocabulary() -> None:
    for value, label in FIELDS_BY_KEY["status"].choices:
        assert GROUPS[value] == label


def test_catalog_fields_that_supply_figures_exist_and_are_read_by_the_calculator(table: PolicyTable) -> None:
    for parameter_id, info in table.catalog.items():
        if info.field is not None:
            assert info.field in FIELDS_BY_KEY, (parameter_id, info.field)
            assert parameter_id in CALCULATOR_PARAMETERS, (parameter_id, info.field)


def test_every_group_a_calculator_rule_names_can_be_entered(table: PolicyTable) -> None:
    """Derived from the data: a group in the applies_to or requires of a rule the calculator reads is a
    status choice, implied by one, or answered by another field (户籍, 医保类型, 年龄 …)."""
    enterable = {value for value, _label in FIELDS_BY_KEY["status"].choices} | set(GROUPS_ANSWERED_ELSEWHERE)
    named = {
        group
        for region in table.regions
        for pid, parameter in table.parameters_in(region).items()
        if pid in CALCULATOR_PARAMETERS
        for group in (*parameter.applies_to, *parameter.requires)
    }
    assert named, "no groups found in the data"
    assert sorted(named - enterable) == []
    for group, field_key in GROUPS_ANSWERED_ELSEWHERE.items():
        assert field_key in FIELDS_BY_KEY, (group, field_key)


def test_every_benefit_reads_only_defined_fields() -> None:
    for benefit in BENEFITS:
        for key in (*benefit.triggers, *(k for keys in benefit.required for k in keys)):
            assert key in FIELDS_BY_KEY, (benefit.id, key)


def test_field_definitions_are_json_with_the_derived_default_date(table: PolicyTable) -> None:
    payload = json.loads(json.dumps(field_definitions(table), ensure_ascii=False))
    on_field = next(item for item in payload["fields"] if item["key"] == "on")
    latest = table.latest_start(CALCULATOR_PARAMETERS)
    assert latest is not None and on_field["default"] == latest.isoformat()
    assert payload["groups"][0]["id"] == "household"
    assert {benefit["id"] for benefit in payload["benefits"]} == {b.id for b in BENEFITS}


def test_invalid_message_format_matches_the_issue_example() -> None:
    assert invalid_message(FIELDS_BY_KEY["medical.total_cost"]) == TOTAL_COST_MESSAGE
