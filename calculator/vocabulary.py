"""Closed vocabularies shared by the data schema, the pages and the calculator.

Standard library only: the build scripts import this module, the calculator never
imports the build scripts. Each entry maps a stable ASCII id to its Chinese label.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

TOPICS: Final[dict[str, str]] = {
    "pension": "养老保险",
    "medical": "医疗保障",
    "work_injury": "工伤保险",
    "unemployment": "失业保险",
    "maternity": "生育保险",
    "services": "经办服务",
    "coverage": "参保情况",
}

# Short names used in navigation tabs and table headers.
TOPIC_SHORT_NAMES: Final[dict[str, str]] = {
    "pension": "养老",
    "medical": "医疗",
    "work_injury": "工伤",
    "unemployment": "失业",
    "maternity": "生育",
    "services": "经办服务",
    "coverage": "参保情况",
}

REGION_LEVELS: Final[tuple[str, ...]] = ("国家", "省", "市", "县区")

DOCUMENT_KINDS: Final[dict[str, str]] = {
    "policy": "政策文件",
    "regulation": "法规规章",
    "news": "新闻报道",
    "statistics": "统计公报",
}

# Who a policy applies to. Ids are also the calculator's household `status` values
# where the two overlap, so both speak of the same groups.
GROUPS: Final[dict[str, str]] = {
    "everyone": "全体参保人员",
    "registered_poor": "建档立卡贫困人口",
    "registered_poor_unlifted": "建档立卡未标注脱贫的贫困人口",
    "dibao": "低保对象",
    "tekun": "特困人员",
    "severe_disability": "重度残疾人",
    "disabled": "残疾人",
    "low_income": "低收入群体",
    "poverty_due_to_illness": "因病致贫返贫患者",
    "migrant_worker": "农民工（农民合同制工人）",
    "construction_worker": "建筑业农民工",
    "pneumoconiosis_patient": "尘肺病患者",
    "urban_rural_resident": "城乡居民",
    "rural_resident": "农村居民",
    "urban_resident": "城镇居民",
    "employee": "职工",
    "non_employed_woman": "非就业妇女",
    "elderly_60": "60周岁以上老人",
    "land_expropriated": "被征地人员",
    "poor_urban_employee": "城镇特困职工",
    "unemployed": "失业人员",
    "enterprise": "参保企业",
    "other": "其他（见说明）",
}

# Row groups on the topic pages: every parameter says which kind of rule it is.
ASPECTS: Final[dict[str, str]] = {
    "coverage": "覆盖对象",
    "contribution": "缴费与代缴",
    "funding": "资金分担",
    "threshold": "起付线与门槛",
    "ratio": "报销与支付比例",
    "cap": "封顶线",
    "benefit": "待遇水平",
    "duration": "期限与天数",
    "service": "经办服务",
    "statistic": "统计数字",
}

PARAMETER_KINDS: Final[dict[str, str]] = {
    "rule": "政策规定",
    "statistic": "统计数字",
}

# What kind of value a catalog parameter holds (policy_data/catalog.yaml `kind`).
VALUE_KINDS: Final[dict[str, str]] = {
    "amount": "金额",
    "ratio": "比例",
    "quantity": "数量",
    "flag": "是否",
    "date": "日期",
    "text": "文字",
    "scale": "分段标准",
    "breakdown": "分项标准",
}

# How a scale is read (catalog `scale.method`): *marginal* pays each band's part of the base at that
# band's rate (大病保险 bands, like OpenFisca's marginal-rate brackets); *band* gives the value of the
# one band the base falls in (unemployment duration by insured years).
SCALE_METHODS: Final[dict[str, str]] = {
    "marginal": "分段累计",
    "band": "按所在区间取值",
}

# The vocabularies a breakdown is keyed by (catalog `breakdown`): key id -> Chinese label.
BREAKDOWN_KEYS: Final[dict[str, dict[str, str]]] = {
    "injury_grade": {str(grade): name + "级" for grade, name in enumerate("一二三四五六七八九十", start=1)},
    "hospital_level": {"1": "一级医院", "2": "二级医院", "3": "三级医院"},
    "household_status": {
        group: GROUPS[group]
        for group in ("registered_poor_unlifted", "dibao", "tekun", "severe_disability", "low_income")
    },
}
BREAKDOWN_LABELS: Final[dict[str, str]] = {
    "injury_grade": "伤残等级",
    "hospital_level": "医院级别",
    "household_status": "人群",
}

# What a region's silence means for a parameter (policy_data/catalog.yaml `fallback`).
FALLBACKS: Final[dict[str, str]] = {
    "inherit": "沿用上级规定",
    "floor": "上级标准是最低标准（至少为该数）",
    "none": "不沿用上级规定（需当地数字）",
}

# How an effective date was obtained when the document does not print it outright.
DATE_BASES: Final[dict[str, str]] = {
    "stated": "原文写明",
    "document": "按文件发布或生效日期",
    "inferred": "据原文推定",
}

# What a dated value says: a figure, that the document leaves it open, or that it stopped applying.
VALUE_STATUSES: Final[dict[str, str]] = {
    "stated": "有规定",
    "not_stated": "原文未规定",
    "repealed": "停止执行",
}

QUALIFIERS: Final[dict[str, str]] = {
    "about": "约",
    "more_than": "超过",
    "at_least": "不低于",
    "at_most": "不超过",
}

# unit id -> (Chinese label, Chinese suffix used after a value)
UNITS: Final[dict[str, tuple[str, str]]] = {
    "cny": ("元", "元"),
    "cny_per_month": ("元/月", "元/月"),
    "cny_per_year": ("元/年", "元/年"),
    "percent": ("百分比（0–100%）", "%"),
    "percent_of": ("百分比（相对某一基数，可超过100%）", "%"),
    "percentage_points": ("百分点", "个百分点"),
    "days": ("天", "天"),
    "months": ("个月", "个月"),
    "years": ("年", "年"),
    "persons": ("人", "人"),
    "person_times": ("人次", "人次"),
    "households": ("户", "户"),
    "items": ("个（件、张、家）", ""),
    "times": ("次", "次"),
    "multiple": ("倍", "倍"),
    "parts": ("份（比例中的份数）", "份"),
    "number": ("数值", ""),
    "date": ("日期", ""),
    "boolean": ("是/否", ""),
    "text": ("文字", ""),
}

# The value kind each unit implies (scale and breakdown entries name their own kind).
KIND_OF_UNIT: Final[dict[str, str]] = {
    **{unit: "amount" for unit in ("cny", "cny_per_month", "cny_per_year")},
    **{unit: "ratio" for unit in ("percent", "percent_of", "percentage_points")},
    "boolean": "flag",
    "date": "date",
    "text": "text",
}

NUMERIC_UNITS: Final[frozenset[str]] = frozenset(unit for unit in UNITS if unit not in {"date", "boolean", "text"})


def kind_of_unit(unit: str) -> str:
    return KIND_OF_UNIT.get(unit, "quantity")


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ",".join(parts)


def format_number(value: Decimal | int | float, *, max_places: int = 2) -> str:
    """Chinese-style number: thousands separators, no trailing zeros, at most two decimals."""
    number = Decimal(str(value))
    quantum = Decimal(1).scaleb(-max_places)
    rounded = number.quantize(quantum).normalize()
    if rounded == rounded.to_integral():
        rounded = rounded.quantize(Decimal(1))
    sign = "-" if rounded < 0 else ""
    text = format(abs(rounded), "f")
    whole, _, fraction = text.partition(".")
    grouped = _group_thousands(whole) if len(whole) > 4 else whole
    return sign + grouped + ("." + fraction if fraction else "")


def format_value(value: object, unit: str, *, counter: str | None = None, qualifier: str | None = None) -> str:
    """The one place that turns a stored value into the text a reader sees."""
    if unit == "boolean":
        text = "是" if value else "否"
    elif unit in {"text", "date"}:
        text = str(value)
    elif isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise TypeError(f"numeric unit {unit} needs a number, got {value!r}")
    else:
        suffix = counter if unit == "items" and counter else UNITS[unit][1]
        text = format_number(Decimal(str(value))) + suffix
    if qualifier == "about":
        return text + "左右"
    if qualifier:
        return QUALIFIERS[qualifier] + text
    return text


def format_date(text: str) -> str:
    """'2018-01-15' → '2018年1月15日'; partial dates ('2018-01', '2018') stay as precise as written."""
    parts = text.split("-")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"not a YYYY[-MM[-DD]] date: {text!r}")
    suffixes = ("年", "月", "日")
    return "".join(str(int(part)) + suffix for part, suffix in zip(parts, suffixes, strict=False))
