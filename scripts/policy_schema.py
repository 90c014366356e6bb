"""Schema of one region file in policy_data/ (pydantic models).

A region file holds facts only. Cross-file rules (unknown parent region, unknown
document, same parameter with two units, ...) live in policy_loader.py, which sees
all files at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from calculator.vocabulary import (
    ASPECTS,
    BREAKDOWN_KEYS,
    DATE_BASES,
    DOCUMENT_KINDS,
    FALLBACKS,
    GROUPS,
    NUMERIC_UNITS,
    QUALIFIERS,
    REGION_LEVELS,
    SCALE_METHODS,
    TOPICS,
    UNITS,
    VALUE_KINDS,
    kind_of_unit,
)
from scripts.data_limits import (
    MAX_EVIDENCE_CHARS,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    MAX_PROSE_CHARS,
    MAX_TEXT_VALUE_CHARS,
)

ASCII_ID = r"^[a-z][a-z0-9_]*$"
PARAMETER_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHA256 = r"^[0-9a-f]{64}$"

Unit = Literal[tuple(UNITS)]  # type: ignore[valid-type]
Aspect = Literal[tuple(ASPECTS)]  # type: ignore[valid-type]
Group = Literal[tuple(GROUPS)]  # type: ignore[valid-type]
Level = Literal[REGION_LEVELS]  # type: ignore[valid-type]
DocumentKind = Literal[tuple(DOCUMENT_KINDS)]  # type: ignore[valid-type]
ValueKind = Literal[tuple(VALUE_KINDS)]  # type: ignore[valid-type]
Fallback = Literal[tuple(FALLBACKS)]  # type: ignore[valid-type]
DateBasis = Literal[tuple(DATE_BASES)]  # type: ignore[valid-type]
Qualifier = Literal[tuple(QUALIFIERS)]  # type: ignore[valid-type]
Topic = Literal[tuple(TOPICS)]  # type: ignore[valid-type]
ScaleMethod = Literal[tuple(SCALE_METHODS)]  # type: ignore[valid-type]
BreakdownKeys = Literal[tuple(BREAKDOWN_KEYS)]  # type: ignore[valid-type]

# Every text has a length limit (scripts/data_limits.py): a name, or a paragraph of prose.
Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_NAME_CHARS)]
Prose = Annotated[StrictStr, Field(min_length=1, max_length=MAX_PROSE_CHARS)]
AsciiId = Annotated[StrictStr, Field(pattern=ASCII_ID, max_length=MAX_ID_CHARS)]
ParameterId = Annotated[StrictStr, Field(pattern=PARAMETER_ID, max_length=MAX_ID_CHARS)]


def check_iso_date(text: str) -> str:
    """Dates stay strings (as written); this only proves they are real calendar days."""
    if not ISO_DATE.match(text):
        raise ValueError(f"date {text!r} is not written as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"date {text!r} does not exist ({error})") from None
    return text


IsoDate = Annotated[StrictStr, Field(min_length=10, max_length=10)]
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_partial_date(text: str) -> str:
    """A document date as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD."""
    if not PARTIAL_DATE.match(text):
        raise ValueError(f"date {text!r} is not written as YYYY-MM-DD (or YYYY-MM, YYYY when only that is known)")
    year, month, day = [*text.split("-"), "01", "01"][:3]
    check_iso_date(f"{year}-{month}-{day}")
    return text


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(Strict):
    id: AsciiId
    name: Text
    level: Level
    parent: AsciiId | None
    admin_path: list[Text] = []
    summary: Prose | None = None


class Document(Strict):
    title: Text
    number: Text | None = None
    issuers: list[Text] = Field(min_length=1)
    issued: Annotated[StrictStr, Field(min_length=4, max_length=10)]
    effective: IsoDate | None = None
    validity: Text | None = None
    kind: DocumentKind
    source_file: Text | None = None
    # The SHA-256 of the text cited as source_file: a keeper's copy is verified to be the one cited.
    source_sha256: Annotated[StrictStr, Field(pattern=SHA256)] | None = None
    # Where that copy was published (outlet, page, the date it shows): the text itself is not stored here.
    source_outlet: Prose | None = None
    based_on: list[AsciiId] = []
    url_note: Prose | None = None
    note: Prose | None = None

    _issued = field_validator("issued")(check_partial_date)
    _effective = field_validator("effective")(lambda v: v if v is None else check_iso_date(v))

    @model_validator(mode="after")
    def _source_text_is_pinned(self) -> Document:
        if self.source_file and not self.source_sha256:
            raise ValueError("source_sha256 missing (the SHA-256 of the text named in source_file)")
        if self.source_file and not self.source_outlet:
            raise ValueError("source_outlet missing (where the text named in source_file was published)")
        if not self.source_file and (self.source_sha256 or self.source_outlet):
            raise ValueError("source_sha256 and source_outlet describe a source_file, and there is none")
        return self


class Reference(Strict):
    document: AsciiId
    section: Text
    evidence: Annotated[StrictStr, Field(min_length=1, max_length=MAX_EVIDENCE_CHARS)] | None = None
    note: Prose | None = None


_UNSET: Any = object()

Scalar = (
    StrictBool
    | StrictInt
    | Annotated[StrictFloat, Field(allow_inf_nan=False)]
    | Annotated[StrictStr, Field(max_length=MAX_TEXT_VALUE_CHARS)]
)
Number = StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]


class Band(Strict):
    """One band of a scale: from `threshold` (in the catalog's threshold unit) up to the next band's
    threshold, the value (in the catalog's unit). A band whose figures the source states apart from
    the others carries its own reference; otherwise the dated value's reference covers it."""

    threshold: Number
    value: Number
    qualifier: Qualifier | None = None
    reference: Reference | None = None
    note: Prose | None = None


class Part(Strict):
    """One key of a breakdown (a grade, a hospital level, a household status): a value or an
    explicit 原文未规定, with its own reference where the source states it apart."""

    value: Scalar | None = Field(default=_UNSET)
    not_stated: StrictBool = False
    at_most: ParameterId | None = None
    qualifier: Qualifier | None = None
    # Conditions besides the key itself (e.g. rural_resident: the 代缴 for 低保对象 in 农村 only).
    requires: list[Group] = []
    reference: Reference | None = None
    note: Prose | None = None

    @model_validator(mode="after")
    def _value_or_not_stated(self) -> Part:
        has_value = self.value is not _UNSET
        if self.not_stated == has_value:
            raise ValueError("give either value or not_stated: true (with a note)")
        if self.not_stated and not self.note:
            raise ValueError("not_stated needs a note saying what the document leaves open")
        if self.at_most is not None and not self.not_stated:
            raise ValueError("at_most limits a figure the document leaves open: use it with not_stated: true")
        return self

    @property
    def is_stated(self) -> bool:
        return not self.not_stated and self.value is not None


class DatedValue(Strict):
    """One effective-from entry: a value, a repeal (value: null) or an explicit 'not stated'."""

    value: Scalar | None = Field(default=_UNSET)
    not_stated: StrictBool = False
    reference: Reference
    date_basis: DateBasis = "stated"
    date_note: Prose | None = None
    until: IsoDate | None = None
    # A figure the document leaves open but limits: it is at most the value of this parameter
    # (same region and date), e.g. 代缴 of "部分或全部最低标准养老保险费" is at most the lowest grade.
    at_most: ParameterId | None = None
    qualifier: Qualifier | None = None
    note: Prose | None = None
    # The figures of a parameter of kind scale (bands, ascending) or breakdown (key -> part).
    bands: list[Band] | None = Field(default=None, min_length=1)
    breakdown: dict[Annotated[StrictStr, Field(max_length=MAX_ID_CHARS)], Part] | None = Field(
        default=None, min_length=1
    )

    _until = field_validator("until")(lambda v: v if v is None else check_iso_date(v))

    @field_validator("breakdown", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        """Grades and levels are written as bare numbers (1:); the keys are compared as text."""
        if isinstance(value, dict):
            return {
                str(key) if isinstance(key, int) and not isinstance(key, bool) else key: v for key, v in value.items()
            }
        return value

    @model_validator(mode="after")
    def _value_or_not_stated(self) -> DatedValue:
        given = [name for name in ("value", "bands", "breakdown") if getattr(self, name) not in (_UNSET, None)]
        given += ["value"] if self.value is None else []
        if len(given) > 1:
            raise ValueError(f"give one of value, bands or breakdown, not {' and '.join(given)}")
        has_value = bool(given)
        if self.not_stated and has_value:
            raise ValueError(f"give either {given[0]} or not_stated: true, not both")
        if not self.not_stated and not has_value:
            raise ValueError("value missing (write not_stated: true if the document leaves it open)")
        if self.not_stated and not self.note:
            raise ValueError("not_stated needs a note saying what the document leaves open")
        if self.date_basis != "stated" and not self.date_note:
            raise ValueError(f"date_basis {self.date_basis} needs a date_note explaining the date")
        if self.at_most is not None and not self.not_stated:
            raise ValueError("at_most limits a figure the document leaves open: use it with not_stated: true")
        return self

    @property
    def is_stated(self) -> bool:
        if self.not_stated:
            return False
        return self.bands is not None or self.breakdown is not None or self.value not in (None, _UNSET)

    @property
    def repealed(self) -> bool:
        return not self.not_stated and self.value is None


class Parameter(Strict):
    """A parameter as a region file states it: values and references. Its label, unit and kind
    are the catalog's (policy_data/catalog.yaml); a unit or kind written here must agree with it."""

    unit: Unit | None = None
    kind: ValueKind | None = None
    applies_to: list[Group] | None = None
    # Conditions that must all hold besides one of `applies_to` (e.g. rural_resident: 农村 only).
    requires: list[Group] = []
    area: Text | None = None
    refines: ParameterId | None = None
    description: Prose | None = None
    values: dict[IsoDate, DatedValue] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _catalog_fields_elsewhere(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in CATALOG_ONLY_FIELDS:
                if name in data:
                    raise ValueError(f"'{name}' belongs in policy_data/catalog.yaml, not in a region file")
        return data

    @field_validator("values")
    @classmethod
    def _dates_valid_and_ascending(cls, values: dict[str, DatedValue]) -> dict[str, DatedValue]:
        dates = [check_iso_date(key) for key in values]
        if dates != sorted(dates):
            raise ValueError(f"dates out of order: {', '.join(dates)} (write them ascending)")
        entries = list(values.items())
        for (start, entry), (next_start, _) in itertools.pairwise(entries):
            if entry.until is not None and entry.until >= next_start:
                raise ValueError(
                    f"value from {start} runs until {entry.until}, overlapping the value from {next_start}"
                )
        for start, entry in entries:
            if entry.until is not None and entry.until < start:
                raise ValueError(f"value from {start} ends before it starts (until {entry.until})")
        return values


CATALOG_ONLY_FIELDS = ("label", "aspect", "counter", "statistic", "fallback", "field", "hint", "scale")


class ScaleSpec(Strict):
    """What a scale's thresholds measure and how the scale is read."""

    threshold_unit: Unit
    method: ScaleMethod
    threshold_label: Text


class CatalogEntry(Strict):
    """One parameter of policy_data/catalog.yaml: what it is called, measured in, and what a
    region's silence means."""

    label: Text
    unit: Unit
    kind: ValueKind
    aspect: Aspect
    counter: Text | None = None
    statistic: StrictBool = False
    fallback: Fallback
    field: Annotated[StrictStr, Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$", max_length=MAX_ID_CHARS)] | None = None
    hint: Prose | None = None
    description: Prose | None = None
    # kind scale: the thresholds' unit and how the bands are read; kind breakdown: the vocabulary
    # of its keys. `unit` is then the unit of the band or key values.
    scale: ScaleSpec | None = None
    breakdown: BreakdownKeys | None = None

    @field_validator("label")
    @classmethod
    def _no_numbers_in_label(cls, label: str) -> str:
        if re.search(r"\d", label):
            raise ValueError("label must not contain figures (they belong in values)")
        return label

    @model_validator(mode="after")
    def _consistent(self) -> CatalogEntry:
        if self.kind not in {"scale", "breakdown"} and self.kind != kind_of_unit(self.unit):
            raise ValueError(f"kind {self.kind} does not fit unit {self.unit} (expected {kind_of_unit(self.unit)})")
        if (self.kind == "scale") != (self.scale is not None):
            raise ValueError("a parameter of kind scale needs `scale` (threshold_unit, method), and only it")
        if (self.kind == "breakdown") != (self.breakdown is not None):
            raise ValueError("a parameter of kind breakdown needs `breakdown` (the key vocabulary), and only it")
        if self.scale is not None and self.scale.threshold_unit not in NUMERIC_UNITS:
            raise ValueError(f"scale thresholds must be numbers, not {self.scale.threshold_unit}")
        if self.unit == "items" and not self.counter:
            raise ValueError("unit items needs a counter (张, 家, 个, 笔 ...)")
        if self.statistic and self.fallback != "none":
            raise ValueError("a statistic describes one place: its fallback must be none")
        return self


class Catalog(Strict):
    parameters: dict[ParameterId, CatalogEntry] = Field(min_length=1)


def scalar_problem(value: object, unit: str, what: str) -> str | None:
    """Why one stated value does not fit `unit` (None when it fits); `what` names it in the reason."""
    if unit in NUMERIC_UNITS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{what} must be a number for unit {unit}"
        if value < 0:
            return f"{what} must not be negative"
        if unit == "percent" and not 0 <= value <= 100:
            return f"{what} is {value}%: a ratio must lie within 0-100 %"
    elif unit == "boolean" and not isinstance(value, bool):
        return f"{what} must be true or false for unit boolean"
    elif unit == "date":
        if not isinstance(value, str):
            return f"{what} must be a YYYY-MM-DD date"
        try:
            check_iso_date(value)
        except ValueError as error:
            return str(error)
    elif unit == "text" and not isinstance(value, str):
        return f"{what} must be text for unit text"
    return None


Loc = tuple[str | int, ...]


def value_problems(values: dict[str, DatedValue], entry_info: CatalogEntry) -> list[tuple[str, Loc, str]]:
    """(date, location under the dated value, reason) for every stated figure that does not fit the
    catalog: its unit, and for scales and breakdowns their shape (bands ascending, keys in the vocabulary)."""
    unit = entry_info.unit
    problems: list[tuple[str, Loc, str]] = []
    for start, entry in values.items():
        if not entry.is_stated:
            continue
        shape = "bands" if entry.bands is not None else "breakdown" if entry.breakdown is not None else "value"
        wanted = {"scale": "bands", "breakdown": "breakdown"}.get(entry_info.kind, "value")
        if shape != wanted:
            problems.append((start, (shape,), f"a parameter of kind {entry_info.kind} is written with `{wanted}:`"))
            continue
        if entry.bands is not None and entry_info.scale is not None:
            problems.extend(_band_problems(start, entry.bands, unit, entry_info.scale.threshold_unit))
        elif entry.breakdown is not None and entry_info.breakdown is not None:
            keys = BREAKDOWN_KEYS[entry_info.breakdown]
            for key, part in entry.breakdown.items():
                if key not in keys:
                    problems.append(
                        (
                            start,
                            ("breakdown", key),
                            f"unknown {entry_info.breakdown} key '{key}' (expected one of {', '.join(keys)})",
                        )
                    )
                elif part.is_stated:
                    reason = scalar_problem(part.value, unit, f"value of {key} on {start}")
                    if reason:
                        problems.append((start, ("breakdown", key, "value"), reason))
        else:
            reason = scalar_problem(entry.value, unit, f"value on {start}")
            if reason:
                problems.append((start, ("value",), reason))
    return problems


def _band_problems(start: str, bands: list[Band], unit: str, threshold_unit: str) -> list[tuple[str, Loc, str]]:
    problems: list[tuple[str, Loc, str]] = []
    for index, band in enumerate(bands):
        reason = scalar_problem(band.threshold, threshold_unit, f"threshold of band {index + 1} on {start}")
        if reason:
            problems.append((start, ("bands", index, "threshold"), reason))
        reason = scalar_problem(band.value, unit, f"value of band {index + 1} on {start}")
        if reason:
            problems.append((start, ("bands", index, "value"), reason))
    for index, (lower, upper) in enumerate(itertools.pairwise(bands), start=2):
        if upper.threshold <= lower.threshold:
            problems.append(
                (
                    start,
                    ("bands", index - 1, "threshold"),
                    f"band {index} starts at {upper.threshold}, not above band {index - 1} ({lower.threshold}):"
                    " write the bands ascending",
                )
            )
    return problems


class PolicyItem(Strict):
    id: AsciiId
    title: Text
    summary: Prose
    applies_to: list[Group] = Field(min_length=1)
    parameters: dict[ParameterId, Parameter] = {}


# How to apply: what a region's sources say about where to apply, whom to ask and what needs no
# application, per calculator benefit. Only sourced statements; the page says so where there is none.
APPLY_KINDS: dict[str, str] = {
    "automatic": "不用申请",
    "where": "在哪里办",
    "settlement": "怎样结算",
    "contact": "向谁咨询",
}
APPLY_BENEFITS = ("pension_subsidy", "pension_monthly", "medical", "maternity", "work_injury", "unemployment")
ApplyKind = Literal[tuple(APPLY_KINDS)]  # type: ignore[valid-type]
ApplyBenefit = Literal[APPLY_BENEFITS]  # type: ignore[valid-type]


class ApplyStatement(Strict):
    id: AsciiId
    kind: ApplyKind
    benefits: list[ApplyBenefit] = Field(min_length=1)
    # Our plain words for what the source says (the evidence is the source's own).
    text: Text
    reference: Reference


class RegionFile(Strict):
    region: Region
    documents: dict[AsciiId, Document] = Field(min_length=1)
    policies: dict[Topic, list[PolicyItem]]
    applying: list[ApplyStatement] = []
