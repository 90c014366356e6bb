"""Field definitions: the one source for validating a household, for the web form and for the docs.

Keys are the household JSON keys of the shared links (``medical.total_cost`` …). Parsing accepts
numbers or strings — full-width digits (１２３), thousands separators (10,000 / 10，000), spaces —
and answers with a per-field Chinese message instead of raising.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from calculator import messages
from calculator.data import PolicyTable, load_bundled
from calculator.parameters import CALCULATOR_PARAMETERS
from calculator.vocabulary import GROUPS, TOPICS, UNITS, format_number

FieldType = Literal["number", "integer", "choice", "multi_choice", "boolean", "date"]

# Form sections, in order; each benefit reads the fields of its own section (plus the household ones).
FIELD_GROUPS: dict[str, str] = {
    "household": "基本情况",
    **{topic: TOPICS[topic] for topic in ("pension", "medical", "maternity", "work_injury", "unemployment")},
}

# The statuses a household ticks. Every group that a rule the calculator reads names in `applies_to`
# or `requires` is either here or answered by another field (tests/test_calculator_fields.py checks
# this against the data, so a region that names a new group cannot leave it unenterable).
HOUSEHOLD_STATUSES = (
    "registered_poor",
    "dibao",
    "tekun",
    "low_income",
    "severe_disability",
    "disabled",
    "migrant_worker",
)
# Groups answered by other fields or implied by a status, with what answers them.
GROUPS_ANSWERED_ELSEWHERE: dict[str, str] = {
    "rural_resident": "residence",
    "urban_resident": "residence",
    "urban_rural_resident": "medical.scheme",
    "employee": "medical.scheme",
    "elderly_60": "age",
    "unemployed": "unemployment.contract_ended",
    "registered_poor_unlifted": "status",
    "everyone": "status",
    "other": "status",
}
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_TEXT_LENGTH = 40
MAX_LIST_LENGTH = 20
REQUEST_ERROR_KEY = "request"
SAFE_KEY = re.compile(r"^[a-z_][a-z0-9_.]{0,60}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDefinition:
    key: str
    label: str
    type: FieldType
    group: str
    help: str
    unit: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[tuple[str, str], ...] = ()
    default: str | int | bool | None = None

    @property
    def attribute(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "type": self.type,
            "group": self.group,
            "group_label": FIELD_GROUPS[self.group],
            "unit": self.unit,
            "unit_label": UNITS[self.unit][1] if self.unit else None,
            "min": None if self.minimum is None else int(self.minimum),
            "max": None if self.maximum is None else int(self.maximum),
            "choices": [{"value": value, "label": label} for value, label in self.choices],
            "default": self.default,
            "help": self.help,
        }


def _money(key: str, label: str, group: str, help_text: str, *, maximum: int, unit: str = "cny") -> FieldDefinition:
    return FieldDefinition(
        key=key,
        label=label,
        type="number",
        group=group,
        unit=unit,
        minimum=Decimal(0),
        maximum=Decimal(maximum),
        help=help_text,
    )


def _percent(key: str, label: str, group: str, help_text: str) -> FieldDefinition:
    return FieldDefinition(
        key=key,
        label=label,
        type="number",
        group=group,
        unit="percent",
        minimum=Decimal(0),
        maximum=Decimal(100),
        help=help_text,
    )


FIELDS: tuple[FieldDefinition, ...] = (
    # --- household -------------------------------------------------------------------------
    FieldDefinition(
        key="on",
        label="计算日期",
        type="date",
        group="household",
        help="按这一天有效的政策计算。不填时取资料中最新的生效日期。",
    ),
    FieldDefinition(
        key="age",
        label="年龄",
        type="integer",
        group="household",
        unit="years",
        minimum=Decimal(0),
        maximum=Decimal(120),
        help="周岁。",
    ),
    FieldDefinition(
        key="residence",
        label="户籍",
        type="choice",
        group="household",
        choices=(("rural", "农村户籍"), ("urban", "城镇户籍")),
        help="有的倾斜政策只给农村困难群众（如陕西的养老保险代缴），需要知道户籍。",
    ),
    FieldDefinition(
        key="status",
        label="身份",
        type="multi_choice",
        group="household",
        choices=tuple((status, GROUPS[status]) for status in HOUSEHOLD_STATUSES),
        help="可多选；只用于判断哪些倾斜政策适用。",
    ),
    # --- pension -----------------------------------------------------------------------------
    _money(
        "pension.annual_contribution",
        "个人每年缴费",
        "pension",
        "城乡居民养老保险每年自己缴纳的金额（元/年）。",
        maximum=100_000,
        unit="cny_per_year",
    ),
    FieldDefinition(
        key="pension.years",
        label="缴费年限",
        type="integer",
        group="pension",
        unit="years",
        minimum=Decimal(0),
        maximum=Decimal(60),
        help="到60周岁时累计缴费的年数。",
    ),
    _money(
        "pension.subsidy_per_year",
        "政府缴费补贴",
        "pension",
        "每年记入个人账户的政府缴费补贴；不填时按国家规定的最低补贴标准计算。",
        maximum=10_000,
        unit="cny_per_year",
    ),
    _money(
        "pension.basic_pension",
        "基础养老金",
        "pension",
        "当地城乡居民基础养老金月标准；资料未写明时可在此填写。",
        maximum=100_000,
        unit="cny_per_month",
    ),
    _money(
        "pension.paid_contribution",
        "政府代缴保费",
        "pension",
        "政府每年为困难群体代缴的养老保险费；资料未写明时可在此填写。",
        maximum=10_000,
        unit="cny_per_year",
    ),
    # --- medical -----------------------------------------------------------------------------
    FieldDefinition(
        key="medical.scheme",
        label="医保类型",
        type="choice",
        group="medical",
        choices=(("resident", "城乡居民基本医疗保险"), ("employee", "职工基本医疗保险")),
        default="resident",
        help="参加的是哪一种基本医疗保险。",
    ),
    FieldDefinition(
        key="medical.hospital_level",
        label="医院级别",
        type="choice",
        group="medical",
        choices=(("1", "一级定点医疗机构"), ("2", "二级定点医疗机构"), ("3", "三级定点医疗机构")),
        help="住院的定点医疗机构级别；有的地区按级别规定不同的报销比例。",
    ),
    _money(
        "medical.total_cost",
        "住院总费用",
        "medical",
        "一次住院的全部医疗费用，印在住院费用结算单（出院结算单）上的“总费用”或“医疗费总额”。",
        maximum=10_000_000,
    ),
    _money(
        "medical.policy_cost",
        "政策范围内费用",
        "medical",
        "结算单上的“政策范围内费用”（也写作“符合基本医保范围费用”）；不填时按总费用计算。",
        maximum=10_000_000,
    ),
    _money(
        "medical.basic_paid",
        "基本医保已支付",
        "medical",
        "结算单上的“统筹基金支付”（基本医保报销的金额）。填了它就不需要知道当地起付线和报销比例。",
        maximum=10_000_000,
    ),
    _money(
        "medical.critical_paid",
        "大病保险已支付",
        "medical",
        "结算单上如有“大病保险支付”一栏，填在这里；没有这一栏的不填，按当地大病保险规定计算。",
        maximum=10_000_000,
    ),
    _money(
        "medical.out_of_pocket",
        "基本医保报销后个人自付",
        "medical",
        "已知基本医保报销后自己要付的金额时填写，从大病保险开始计算。",
        maximum=10_000_000,
    ),
    _money(
        "medical.deductible",
        "当地基本医保起付线",
        "medical",
        "住院起付标准；资料未写明时可在此填写。",
        maximum=1_000_000,
    ),
    _percent(
        "medical.basic_ratio",
        "当地基本医保报销比例",
        "medical",
        "政策范围内住院费用的报销比例（%）；资料未写明时可在此填写。",
    ),
    _money(
        "medical.annual_cap",
        "当地基本医保年度最高支付限额",
        "medical",
        "基本医保一年内最多支付的金额；资料未写明时可在此填写。",
        maximum=10_000_000,
    ),
    _money(
        "medical.critical_illness_threshold",
        "当地大病保险起付线",
        "medical",
        "基本医保报销后个人自付超过这个数额的部分由大病保险支付；资料未写明时可在此填写。",
        maximum=1_000_000,
    ),
    _percent(
        "medical.critical_illness_ratio",
        "当地大病保险支付比例",
        "medical",
        "起付线以上部分由大病保险支付的比例（%）；资料未写明时可在此填写。",
    ),
    _money(
        "medical.critical_illness_cap",
        "当地大病保险封顶线",
        "medical",
        "大病保险一年内最多支付的金额；资料未写明时可在此填写。",
        maximum=10_000_000,
    ),
    # --- maternity ---------------------------------------------------------------------------
    _money(
        "maternity.avg_monthly_wage",
        "用人单位上年度职工月平均工资",
        "maternity",
        "生育津贴按这个工资计算。",
        maximum=1_000_000,
        unit="cny_per_month",
    ),
    FieldDefinition(
        key="maternity.delivery",
        label="分娩方式",
        type="choice",
        group="maternity",
        choices=(("natural", "顺产"), ("caesarean", "剖宫产（难产）")),
        default="natural",
        help="剖宫产按难产计算。",
    ),
    FieldDefinition(
        key="maternity.babies",
        label="婴儿数",
        type="integer",
        group="maternity",
        unit="persons",
        minimum=Decimal(1),
        maximum=Decimal(6),
        default=1,
        help="一次生育的婴儿数，双胞胎填2。",
    ),
    # --- work injury -------------------------------------------------------------------------
    FieldDefinition(
        key="work_injury.grade",
        label="伤残等级",
        type="integer",
        group="work_injury",
        minimum=Decimal(1),
        maximum=Decimal(10),
        help="劳动能力鉴定的伤残等级，一级最重，十级最轻。",
    ),
    _money(
        "work_injury.monthly_wage",
        "本人工资",
        "work_injury",
        "受伤前12个月平均月缴费工资。",
        maximum=1_000_000,
        unit="cny_per_month",
    ),
    _money(
        "work_injury.local_avg_wage",
        "统筹地区上年度职工月平均工资",
        "work_injury",
        "填写后，本人工资按规定不低于其60%、不高于其300%计算。",
        maximum=1_000_000,
        unit="cny_per_month",
    ),
    # --- unemployment ------------------------------------------------------------------------
    FieldDefinition(
        key="unemployment.insured_years",
        label="失业保险缴费年限",
        type="number",
        group="unemployment",
        unit="years",
        minimum=Decimal(0),
        maximum=Decimal(60),
        help="用人单位（和本人）累计缴纳失业保险费的年数。",
    ),
    FieldDefinition(
        key="unemployment.contract_ended",
        label="劳动合同期满不续订或被提前解除",
        type="boolean",
        group="unemployment",
        help="劳动合同到期没有续订，或者被提前解除。",
    ),
    _money(
        "unemployment.lump_sum_amount",
        "当地一次性生活补助标准",
        "unemployment",
        "农民合同制工人一次性生活补助的金额；资料未写明时可在此填写。",
        maximum=1_000_000,
    ),
    _money(
        "unemployment.benefit_monthly",
        "当地失业保险金月标准",
        "unemployment",
        "当地失业保险金每月标准；资料未写明时可在此填写。",
        maximum=100_000,
        unit="cny_per_month",
    ),
)

FIELDS_BY_KEY: dict[str, FieldDefinition] = {definition.key: definition for definition in FIELDS}


# --- the parsed household --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PensionInputs:
    annual_contribution: Decimal | None = None
    years: int | None = None
    subsidy_per_year: Decimal | None = None
    basic_pension: Decimal | None = None
    paid_contribution: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MedicalInputs:
    scheme: str = "resident"
    hospital_level: int | None = None
    total_cost: Decimal | None = None
    policy_cost: Decimal | None = None
    basic_paid: Decimal | None = None
    critical_paid: Decimal | None = None
    out_of_pocket: Decimal | None = None
    deductible: Decimal | None = None
    basic_ratio: Decimal | None = None
    annual_cap: Decimal | None = None
    critical_illness_threshold: Decimal | None = None
    critical_illness_ratio: Decimal | None = None
    critical_illness_cap: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MaternityInputs:
    avg_monthly_wage: Decimal | None = None
    delivery: str = "natural"
    babies: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkInjuryInputs:
    grade: int | None = None
    monthly_wage: Decimal | None = None
    local_avg_wage: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnemploymentInputs:
    insured_years: Decimal | None = None
    contract_ended: bool | None = None
    lump_sum_amount: Decimal | None = None
    benefit_monthly: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Household:
    on: date
    age: int | None = None
    status: frozenset[str] = frozenset()
    residence: str | None = None
    pension: PensionInputs = field(default_factory=PensionInputs)
    medical: MedicalInputs = field(default_factory=MedicalInputs)
    maternity: MaternityInputs = field(default_factory=MaternityInputs)
    work_injury: WorkInjuryInputs = field(default_factory=WorkInjuryInputs)
    unemployment: UnemploymentInputs = field(default_factory=UnemploymentInputs)
    # Keys the user filled in (the rest are absent or defaulted), and keys that took their default.
    provided: frozenset[str] = frozenset()
    defaulted: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()

    def given(self, *keys: str) -> bool:
        return any(key in self.provided for key in keys)

    @property
    def groups(self) -> frozenset[str]:
        """The statuses plus what the 户籍 says (农村居民 / 城镇居民), for matching `applies_to`."""
        residence = {"rural": "rural_resident", "urban": "urban_resident"}.get(self.residence or "")
        return self.status | {residence} if residence else self.status


GROUP_INPUTS: dict[str, type[Any]] = {
    "pension": PensionInputs,
    "medical": MedicalInputs,
    "maternity": MaternityInputs,
    "work_injury": WorkInjuryInputs,
    "unemployment": UnemploymentInputs,
}


# --- parsing one value ---------------------------------------------------------------------


class _Invalid(Exception):
    pass


_PLAIN_NUMBER = re.compile(r"^\+?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _normalise_text(raw: str) -> str:
    """Full-width digits, commas, points and spaces become ASCII; surrounding spaces go."""
    return unicodedata.normalize("NFKC", raw).strip()


def _parse_decimal(raw: object, definition: FieldDefinition) -> Decimal:
    if isinstance(raw, bool):
        raise _Invalid
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise _Invalid
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = _normalise_text(raw)
        if len(text) > MAX_TEXT_LENGTH:
            raise _Invalid
        suffix = UNITS[definition.unit][1] if definition.unit else ""
        for ending in {suffix, "元", "%"} - {""}:
            if text.endswith(ending):
                text = text[: -len(ending)].rstrip()
                break
        if not _PLAIN_NUMBER.match(text):
            raise _Invalid
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
            raise _Invalid from error
    else:
        raise _Invalid
    if not number.is_finite():
        raise _Invalid
    if definition.minimum is not None and number < definition.minimum:
        raise _Invalid
    if definition.maximum is not None and number > definition.maximum:
        raise _Invalid
    return number


def _parse_choice(raw: object, definition: FieldDefinition) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise _Invalid
    text = _normalise_text(str(raw))
    for value, label in definition.choices:
        if text in (value, label):
            return value
    raise _Invalid


def _parse_multi_choice(raw: object, definition: FieldDefinition) -> frozenset[str]:
    if isinstance(raw, str):
        items: list[object] = [part for part in re.split(r"[,，、\s]+", _normalise_text(raw)) if part]
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise _Invalid
    if len(items) > MAX_LIST_LENGTH:
        raise _Invalid
    return frozenset(_parse_choice(item, definition) for item in items)


_TRUE = {"true", "1", "yes", "y", "是", "对", "on"}
_FALSE = {"false", "0", "no", "n", "否", "不是", "off"}


def _parse_boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = _normalise_text(raw).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _Invalid


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$|^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _parse_date(raw: object) -> date:
    if isinstance(raw, date):
        parsed = raw
    elif isinstance(raw, str):
        match = _DATE.match(_normalise_text(raw))
        if not match:
            raise _Invalid
        year, month, day = (int(part) for part in match.groups() if part is not None)
        try:
            parsed = date(year, month, day)
        except ValueError as error:
            raise _Invalid from error
    else:
        raise _Invalid
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise _Invalid
    return parsed


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    return isinstance(raw, str) and not _normalise_text(raw)


def parse_value(definition: FieldDefinition, raw: object) -> object:
    """One field's value, or raises _Invalid. Blank input is handled by the caller."""
    if definition.type == "number":
        return _parse_decimal(raw, definition)
    if definition.type == "integer":
        number = _parse_decimal(raw, definition)
        if number != number.to_integral_value():
            raise _Invalid
        return int(number)
    if definition.type == "choice":
        value = _parse_choice(raw, definition)
        return int(value) if definition.key == "medical.hospital_level" else value
    if definition.type == "multi_choice":
        return _parse_multi_choice(raw, definition)
    if definition.type == "boolean":
        return _parse_boolean(raw)
    return _parse_date(raw)


def invalid_message(definition: FieldDefinition) -> str:
    label = definition.label
    if definition.type in {"number", "integer"}:
        low = format_number(definition.minimum or Decimal(0))
        high = format_number(definition.maximum or Decimal(0))
        kind = "整数" if definition.type == "integer" else "数字"
        return messages.say("invalid_number", label=label, low=low, high=high, kind=kind)
    if definition.type in {"choice", "multi_choice"}:
        options = "、".join(choice_label for _value, choice_label in definition.choices)
        template = "invalid_multi_choice" if definition.type == "multi_choice" else "invalid_choice"
        return messages.say(template, label=label, options=options)
    if definition.type == "boolean":
        return messages.say("invalid_boolean", label=label)
    return messages.say("invalid_date", label=label, low=EARLIEST_DATE.isoformat(), high=LATEST_DATE.isoformat())


def safe_key(key: object) -> str | None:
    """An unknown key, shown back only if it is plain ASCII id text (never raw user markup)."""
    return key if isinstance(key, str) and SAFE_KEY.match(key) else None


# --- parsing a household -------------------------------------------------------------------


def parse_household(raw: object, *, default_on: date | None = None) -> Household | dict[str, str]:
    """A Household, or {field key: Chinese message} for every field that is wrong. Never raises.

    `default_on` is the calculation date when the household gives none; by default the latest
    effective date of any figure the calculator reads in the bundled data.
    """
    if not isinstance(raw, Mapping):
        return {REQUEST_ERROR_KEY: messages.say("request_not_object")}
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    unknown: list[str] = []
    for key, value in raw.items():
        definition = FIELDS_BY_KEY.get(key) if isinstance(key, str) else None
        if definition is None:
            unknown.append(safe_key(key) or "")
            continue
        if is_blank(value):
            continue
        try:
            values[definition.key] = parse_value(definition, value)
        except (_Invalid, ValueError, TypeError, ArithmeticError):
            errors[definition.key] = invalid_message(definition)
    _check_consistency(values, errors)
    if errors:
        return errors
    provided = frozenset(values)
    defaulted = frozenset(
        definition.key for definition in FIELDS if definition.key not in values and definition.default is not None
    )
    groups: dict[str, dict[str, object]] = {group: {} for group in GROUP_INPUTS}
    for key, value in values.items():
        group, _, name = key.partition(".")
        if name:
            groups[group][name] = value
    on = values.get("on")
    if not isinstance(on, date):
        on = default_on if default_on is not None else default_calculation_date(load_bundled())
    age = values.get("age")
    status = values.get("status")
    residence = values.get("residence")
    return Household(
        on=on,
        age=age if isinstance(age, int) else None,
        status=status if isinstance(status, frozenset) else frozenset(),
        residence=residence if isinstance(residence, str) else None,
        provided=provided,
        defaulted=defaulted,
        warnings=_unknown_key_warnings(unknown),
        **{group: GROUP_INPUTS[group](**group_values) for group, group_values in groups.items()},
    )


def default_calculation_date(table: PolicyTable) -> date:
    """The latest effective date of any figure the calculator reads (so the newest rules apply)."""
    return table.latest_start(CALCULATOR_PARAMETERS) or date.today()


def _check_consistency(values: dict[str, object], errors: dict[str, str]) -> None:
    total = values.get("medical.total_cost")
    if not isinstance(total, Decimal):
        return
    for key in ("medical.policy_cost", "medical.basic_paid", "medical.critical_paid", "medical.out_of_pocket"):
        part = values.get(key)
        if isinstance(part, Decimal) and part > total and key not in errors:
            errors[key] = messages.say(
                "exceeds_total", label=FIELDS_BY_KEY[key].label, total=FIELDS_BY_KEY["medical.total_cost"].label
            )


def _unknown_key_warnings(unknown: list[str]) -> tuple[str, ...]:
    if not unknown:
        return ()
    named = [key for key in unknown if key]
    if named:
        return (messages.say("unknown_keys", count=len(unknown), keys="、".join(sorted(named)[:10])),)
    return (messages.say("unknown_keys_unnamed", count=len(unknown)),)


def field_attributes_match() -> list[str]:
    """Field keys that have no attribute on the household's dataclasses (empty when all match)."""
    names = {group: {item.name for item in fields(cls)} for group, cls in GROUP_INPUTS.items()}
    household_names = {item.name for item in fields(Household)}
    problems = []
    for definition in FIELDS:
        group, _, name = definition.key.partition(".")
        if (name and name not in names.get(group, set())) or (not name and group not in household_names):
            problems.append(definition.key)
    return problems
