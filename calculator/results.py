"""Results that carry their own explanation: steps, the parameters each step read, sources,
assumptions and the figures the sources leave open (`missing`).

`Trace` is the per-calculation notebook a benefit function writes into; it reads parameters for
one region and date, remembers where every figure came from and what could not be found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from calculator import messages
from calculator.data import Bound, Lookup, PartLookup, PolicyTable, Reference, ValueEntry, lookup, lookup_parts
from calculator.fields import FIELDS_BY_KEY
from calculator.money import json_number, json_plain, to_decimal
from calculator.scales import scale_parts
from calculator.span import Span
from calculator.vocabulary import BREAKDOWN_KEYS, GROUPS

# A result is stale when the calculation date is this many months after its newest figure.
STALE_AFTER_MONTHS = 12

MONEY_UNITS = frozenset({"cny", "cny_per_month", "cny_per_year"})
Json = Any


def json_value(value: Decimal | bool | str | int | None, unit: str) -> Json:
    if value is None or isinstance(value, (bool, str)):
        return value
    number = to_decimal(value)
    return json_number(number) if unit in MONEY_UNITS else json_plain(number)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterUse:
    """One figure a step used: from the data (with its reference) or typed in by the user."""

    id: str
    label: str
    unit: str
    value: Decimal | bool | str
    region: str | None
    region_name: str | None
    start: date | None
    reference: Reference | None
    field: str | None
    bound: Bound = "exact"
    # Which key of a breakdown or band of a scale the value is (None for a plain parameter).
    part: str | None = None

    def to_json(self) -> dict[str, Json]:
        reference = self.reference
        return {
            "id": self.id,
            "part": self.part,
            "label": self.label,
            "unit": self.unit,
            "value": json_value(self.value, self.unit),
            "bound": self.bound,
            "display": messages.bounded_value_text(self.value, self.unit, self.bound),
            "source": "user" if reference is None else "data",
            "field": self.field,
            "region": self.region,
            "region_name": self.region_name,
            "from": self.start.isoformat() if self.start else None,
            "reference": None
            if reference is None
            else {
                "document": reference.document,
                "title": reference.title,
                "number": reference.number,
                "section": reference.section,
                "evidence": reference.evidence,
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A value ready for arithmetic, with the record of where it came from."""

    value: Decimal | bool | str
    use: ParameterUse
    # Further figures the value rests on (the parameter that limits a figure the sources leave open).
    also: tuple[ParameterUse, ...] = ()

    @property
    def number(self) -> Decimal:
        if isinstance(self.value, Decimal):
            return self.value
        raise TypeError(f"{self.use.id} is not a number")

    @property
    def bound(self) -> Bound:
        return self.use.bound

    @property
    def exact(self) -> bool:
        return self.use.bound == "exact"

    @property
    def span(self) -> Span:
        if self.use.bound == "at_least":
            return Span.at_least(self.number)
        if self.use.bound == "at_most":
            return Span.at_most(self.number)
        return Span.exact(self.number)

    @property
    def text(self) -> str:
        return messages.bounded_value_text(self.value, self.use.unit, self.use.bound)

    @property
    def uses(self) -> tuple[ParameterUse, ...]:
        return (self.use, *self.also)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScaleBand:
    """One band of a scale as read for a calculation: from `threshold` on, the figure's value."""

    threshold: Decimal
    figure: Figure
    method: str  # the catalog's scale method (calculator/scales.py)
    text: str  # which part of the scale the band covers, in words


def apply(bands: Sequence[ScaleBand], base: Decimal) -> list[tuple[ScaleBand, Decimal]]:
    """The bands of a scale that apply to `base`, with the amount of the base each covers."""
    return scale_parts(bands, base, bands[0].method) if bands else []


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    text: str
    value: Decimal | int | None
    unit: str | None
    parameters: tuple[ParameterUse, ...]

    def to_json(self) -> dict[str, Json]:
        return {
            "text": self.text,
            "value": None if self.value is None or self.unit is None else json_value(self.value, self.unit),
            "unit": self.unit,
            "parameters": [use.to_json() for use in self.parameters],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    document: str
    title: str
    number: str | None
    section: str
    region: str
    region_name: str

    def to_json(self) -> dict[str, Json]:
        return {
            "document": self.document,
            "title": self.title,
            "number": self.number,
            "section": self.section,
            "region": self.region,
            "region_name": self.region_name,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Missing:
    parameter: str
    label: str
    reason: str
    region: str | None
    region_name: str | None
    searched: tuple[str, ...]
    field: str | None
    field_label: str | None
    message: str
    hint: str | None = None

    def to_json(self) -> dict[str, Json]:
        return {
            "parameter": self.parameter,
            "label": self.label,
            "reason": self.reason,
            "region": self.region,
            "region_name": self.region_name,
            "searched": list(self.searched),
            "field": self.field,
            "field_label": self.field_label,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BenefitResult:
    """One benefit in one region: the amount (exact, bounded or unknown) and its whole explanation."""

    benefit: str
    label: str
    region: str
    region_name: str
    on: date
    eligible: bool | None
    span: Span | None
    unit: str
    steps: tuple[Step, ...]
    sources: tuple[Source, ...]
    assumptions: tuple[str, ...]
    missing: tuple[Missing, ...]
    as_of: date | None
    # How current the region's data is: the age that counts when the result used no dated figure.
    region_as_of: date | None = None
    # The amount above which a bound says nothing (e.g. the whole bill for a reimbursement).
    ceiling: Decimal | None = None
    target: str | None = None
    unknown_reason: str | None = None
    extras: Mapping[str, Json] = field(default_factory=dict)

    @property
    def amount(self) -> Decimal | None:
        return self.span.value if self.span is not None and self.span.is_exact else None

    @property
    def answer(self) -> str:
        if self.eligible is False:
            return "not_eligible"
        if self.span is None:
            return "unknown"
        if self.span.is_exact:
            return "exact"
        return "bounded" if self.span.says_something(self.ceiling) else "unknown"

    @property
    def stale(self) -> bool:
        return stale_on(self.on, self.as_of or self.region_as_of)

    def display(self) -> str:
        answer = self.answer
        if answer in {"exact", "not_eligible"} and self.span is not None and self.span.is_exact:
            return messages.amount_text(self.span.value, self.unit)
        if answer == "bounded" and self.span is not None:
            return messages.span_text(self.span, self.unit, self.ceiling)
        if answer == "not_eligible":
            return messages.say("display_not_eligible")
        if self.unknown_reason:
            return messages.say("display_unknown_reason", reason=self.unknown_reason)
        if self.missing:
            return messages.say("display_unknown_because", reason=self.missing[0].label)
        return messages.say("display_unknown")

    def bounds_json(self) -> dict[str, Json] | None:
        if self.answer != "bounded" or self.span is None:
            return None
        low = self.span.low if self.span.low > 0 else None
        high = self.span.high
        if high is not None and self.ceiling is not None and high >= self.ceiling:
            high = None  # "at most the whole bill" says nothing
        return {
            "low": None if low is None else json_value(low, self.unit),
            "high": None if high is None else json_value(high, self.unit),
        }

    def to_json(self) -> dict[str, Json]:
        amount = self.amount
        display = self.display()
        stale = self.stale
        return {
            "benefit": self.benefit,
            "label": self.label,
            "region": self.region,
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "answer": self.answer,
            "amount": None if amount is None else json_value(amount, self.unit),
            "bounds": self.bounds_json(),
            "unit": self.unit,
            "display": display,
            "summary": messages.say("summary", region=self.region_name, label=self.label, display=display),
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "stale": stale,
            "stale_message": stale_message(self.on, self.as_of or self.region_as_of) if stale else None,
            "target": None if self.target is None else {"text": self.target},
            "steps": [step.to_json() for step in self.steps],
            "sources": [source.to_json() for source in self.sources],
            "assumptions": list(self.assumptions),
            "missing": [item.to_json() for item in self.missing],
            **self.extras,
        }


def months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def stale_on(on: date, as_of: date | None) -> bool:
    """More than a year after the newest figure used (or, without one, after the region's data)."""
    return as_of is not None and months_between(as_of, on) > STALE_AFTER_MONTHS


def stale_message(on: date, as_of: date | None) -> str:
    if as_of is None:
        return messages.say("stale_undated", on=messages.date_text(on))
    return messages.say(
        "stale", on=messages.date_text(on), as_of=messages.month_text(as_of), years=messages.years_text(as_of, on)
    )


# --- the notebook -------------------------------------------------------------------------------

# Household statuses that also stand for a group the data names more narrowly (with the note
# that says so): a registered poor household is taken as not yet marked lifted out of poverty,
# and a severely disabled person is a disabled person.
STATUS_IMPLIES: dict[str, tuple[str, str]] = {
    "registered_poor": ("registered_poor_unlifted", "assume_registered_poor"),
    "severe_disability": ("disabled", "assume_severe_disability"),
}


RESIDENCE_GROUPS = frozenset({"rural_resident", "urban_resident"})


class Trace:
    """Collects what one benefit calculation read, did, assumed and could not find."""

    def __init__(self, *, table: PolicyTable, region: str, on: date, status: frozenset[str]) -> None:
        self.table = table
        self.region = region
        self.on = on
        self.status = status
        self._steps: list[Step] = []
        self._sources: dict[tuple[str, str], Source] = {}
        self._assumptions: dict[str, None] = {}
        self._missing: dict[str, Missing] = {}
        self._as_of: date | None = None

    # --- reading parameters ----------------------------------------------------------------

    def lookup(self, parameter_id: str) -> Lookup:
        return lookup(self.table, self.region, parameter_id, self.on)

    def label(self, found: Lookup) -> str:
        return self.table.label(found.parameter_id)

    def _dated(self, entry: ValueEntry) -> None:
        """Remember how current the figures are: a law still in force counts as of the region's data."""
        as_of = entry.start
        document = self.table.documents.get(entry.reference.document, {})
        region_date = self.table.regions[self.region].data_as_of
        if document.get("validity") == messages.IN_FORCE_VALIDITY and region_date is not None:
            as_of = max(as_of, region_date)
        if self._as_of is None or as_of > self._as_of:
            self._as_of = as_of

    def applies(self, found: Lookup, default_groups: Iterable[str] = ()) -> bool:
        """Whether a group-specific parameter covers this household (notes any implied group)."""
        groups = set(found.parameter.applies_to) if found.parameter is not None else set(default_groups)
        required = found.parameter.requires if found.parameter is not None else ()
        return self.covers(groups, required, self.label(found))

    def covers(self, groups: Iterable[str], required: Iterable[str], label: str) -> bool:
        """Whether a rule for `groups` with conditions `required` covers this household; an implied
        group and an unanswered 户籍 (taken as the one required) are noted as assumptions."""
        if not self._meets_requirements(required, label):
            return False
        groups = set(groups)
        if self.status & groups:
            return True
        for status, (implied, note) in STATUS_IMPLIES.items():
            if status in self.status and implied in groups:
                self.assume(messages.say(note))
                return True
        return False

    def _meets_requirements(self, required: Iterable[str], label: str) -> bool:
        """Conditions besides the group (e.g. 农村 only); an unanswered 户籍 is assumed rural, said so."""
        for group in set(required):
            if group in self.status:
                continue
            if group in RESIDENCE_GROUPS and not self.status & RESIDENCE_GROUPS:
                self.assume(messages.say("assume_residence", group=GROUPS[group], label=label))
                continue
            return False
        return True

    def _source(self, reference: Reference, region: str) -> None:
        self._sources.setdefault(
            (reference.document, reference.section),
            Source(
                document=reference.document,
                title=reference.title,
                number=reference.number,
                section=reference.section,
                region=reference.document_region or region,
                region_name=self.table.region_name(reference.document_region or region),
            ),
        )

    def use(self, found: Lookup) -> Figure:
        """The stated value (or limit) of a successful lookup, recorded as a source."""
        entry, parameter = found.entry, found.parameter
        assert entry is not None and parameter is not None
        also: tuple[ParameterUse, ...] = ()
        if found.limit is not None:
            # 原文未规定 but limited by another figure: the value is that figure, as an upper limit.
            limiting = self.use(found.limit)
            raw: object = limiting.value
            also = (limiting.use,)
        else:
            raw = entry.value
        assert raw is not None
        value: Decimal | bool | str = raw if isinstance(raw, (bool, str, Decimal)) else to_decimal(raw)  # type: ignore[arg-type]
        region = found.region or self.region
        self._source(entry.reference, region)
        self._dated(entry)
        info = self.table.catalog.get(found.parameter_id)
        return Figure(
            value=value,
            use=ParameterUse(
                id=found.parameter_id,
                label=self.table.label(found.parameter_id),
                unit=info.unit if info is not None else parameter.unit,
                value=value,
                region=region,
                region_name=self.table.region_name(region),
                start=entry.start,
                reference=entry.reference,
                field=None,
                bound=found.bound,
            ),
            also=also,
        )

    def _piece(
        self,
        found: Lookup,
        *,
        raw: object,
        qualifier: str | None,
        reference: Reference,
        part: str,
        text: str,
        cite: bool = True,
    ) -> Figure:
        """A band or breakdown key of a stated lookup as a figure, citing its own reference (unless
        `cite` is False: a scale's bands are cited once the calculation uses them, see `cite`)."""
        assert found.entry is not None
        value: Decimal | bool | str = raw if isinstance(raw, (bool, str, Decimal)) else to_decimal(raw)  # type: ignore[arg-type]
        region = found.region or self.region
        if cite:
            self._source(reference, region)
            self._dated(found.entry)
        info = self.table.catalog.get(found.parameter_id)
        bound: Bound = found.bound
        if qualifier in {"at_least", "at_most"}:
            bound = "at_least" if qualifier == "at_least" else "at_most"
        return Figure(
            value=value,
            use=ParameterUse(
                id=found.parameter_id,
                label=messages.part_label(self.table.label(found.parameter_id), text),
                unit=info.unit if info is not None else "number",
                value=value,
                region=region,
                region_name=self.table.region_name(region),
                start=found.entry.start,
                reference=reference,
                field=None,
                bound=bound,
                part=part,
            ),
        )

    def parts(self, parameter_id: str) -> dict[str, PartLookup]:
        """Every key of a breakdown in force here, each from the nearest region stating it."""
        return lookup_parts(self.table, self.region, parameter_id, self.on)

    def part(self, parameter_id: str, key: str, *, report: bool = True) -> Figure | None:
        """One key of a breakdown (grade, hospital level, household status) as a figure: stated, or
        limited by another parameter (`at_most`); None (and, if `report`, a missing entry) otherwise."""
        info = self.table.catalog.get(parameter_id)
        names = BREAKDOWN_KEYS.get(info.breakdown or "", {}) if info is not None else {}
        item = self.parts(parameter_id).get(key)
        text = names.get(key, key)
        if item is not None and item.part.status == "stated" and item.part.value is not None:
            return self._piece(
                item.found,
                raw=item.part.value,
                qualifier=item.part.qualifier,
                reference=item.part.reference,
                part=key,
                text=text,
            )
        if item is not None and item.part.status == "not_stated" and item.part.at_most:
            limit = self.lookup(item.part.at_most)
            if limit.stated and limit.bound != "at_least":
                limiting = self.use(limit)
                figure = self._piece(
                    item.found,
                    raw=limiting.value,
                    qualifier="at_most",
                    reference=item.part.reference,
                    part=key,
                    text=text,
                )
                return Figure(value=figure.value, use=figure.use, also=(limiting.use,))
        if report:
            whole = self.lookup(parameter_id)
            if item is None and whole.stated:
                field_key = self.table.field_for(parameter_id)
                field_label = FIELDS_BY_KEY[field_key].label if field_key in FIELDS_BY_KEY else None
                message = messages.say(
                    "missing_part",
                    label=self.label(whole),
                    region=self.table.region_name(whole.region),
                    part=text,
                    supply=messages.say("supply_field", field=field_label) if field_label else "",
                )
                self.report_missing(whole, message=message.strip())
            else:
                self.report_missing(item.found if item is not None else whole)
        return None

    def part_keys(self, parameter_id: str) -> frozenset[str]:
        """The keys of the breakdown in force that have a figure (stated or limited)."""
        return frozenset(
            key for key, item in self.parts(parameter_id).items() if item.part.status == "stated" or item.part.at_most
        )

    def cite(self, bands: Iterable[ScaleBand]) -> None:
        """Record the sources of the bands of a scale that the calculation used."""
        for band in bands:
            found = self.lookup(band.figure.use.id)
            if found.entry is not None and band.figure.use.reference is not None:
                self._source(band.figure.use.reference, band.figure.use.region or self.region)
                self._dated(found.entry)

    def scale(self, parameter_id: str, *, report: bool = True) -> list[ScaleBand] | None:
        """Every band of a scale in force, each as a figure citing its own reference, ascending; None
        (and, if `report`, a missing entry) where the rules state no scale. Evaluate with `apply`."""
        found = self.lookup(parameter_id)
        info = self.table.catalog.get(parameter_id)
        if not found.stated or found.entry is None or not found.entry.bands or info is None:
            if report:
                self.report_missing(found)
            return None
        bands = found.entry.bands
        result = []
        for index, band in enumerate(bands):
            upper = bands[index + 1].threshold if index + 1 < len(bands) else None
            text = messages.band_text(
                info.threshold_label or "", band.threshold, upper, info.threshold_unit or "number"
            )
            figure = self._piece(
                found,
                raw=band.value,
                qualifier=band.qualifier,
                reference=band.reference,
                part=format(to_decimal(band.threshold), "f"),
                text=text,
                cite=False,
            )
            result.append(
                ScaleBand(
                    threshold=to_decimal(band.threshold), figure=figure, method=info.scale_method or "", text=text
                )
            )
        return result

    def supplied(self, parameter_id: str, value: Decimal, field_key: str) -> Figure:
        """A figure the user typed in, standing in for `parameter_id`."""
        definition = FIELDS_BY_KEY[field_key]
        unit = definition.unit or "number"
        use = ParameterUse(
            id=parameter_id,
            label=definition.label,
            unit=unit,
            value=value,
            region=None,
            region_name=None,
            start=None,
            reference=None,
            field=field_key,
        )
        return Figure(value=value, use=use)

    def figure(self, parameter_id: str, *, supplied: Decimal | None = None, report: bool = True) -> Figure | None:
        """A stated figure (or the user's own for it); otherwise None and, if `report`, a `missing` entry."""
        return self.first_figure((parameter_id,), supplied=supplied, report=report)

    def first_figure(
        self,
        parameter_ids: Sequence[str],
        *,
        supplied: Decimal | None = None,
        report: bool = True,
        field_key: str | None = None,
    ) -> Figure | None:
        """The first of several candidate ids that is stated; a missing entry names the first one."""
        field_key = field_key or next(
            (key for key in (self.table.field_for(p) for p in parameter_ids) if key is not None), None
        )
        if supplied is not None and field_key is not None:
            return self.supplied(parameter_ids[0], supplied, field_key)
        lookups = [self.lookup(parameter_id) for parameter_id in parameter_ids]
        for found in lookups:
            if found.stated:
                return self.use(found)
        if report:
            self.report_missing(lookups[0], field_key)
        return None

    def report_missing(self, found: Lookup, field_key: str | None = None, message: str | None = None) -> None:
        """Record a figure the sources leave open, with the field that can supply it."""
        field_key = field_key or self.table.field_for(found.parameter_id)
        field_label = FIELDS_BY_KEY[field_key].label if field_key in FIELDS_BY_KEY else None
        info = self.table.catalog.get(found.parameter_id)
        label = self.label(found)
        supply = messages.say("supply_field", field=field_label) if field_label else ""
        region_name = self.table.region_name(found.region)
        self._missing.setdefault(
            found.parameter_id,
            Missing(
                parameter=found.parameter_id,
                label=label,
                reason=found.status,
                region=found.region,
                region_name=region_name or None,
                searched=found.searched,
                field=field_key,
                field_label=field_label,
                message=(message or self._missing_message(found, label, region_name, supply)).strip(),
                hint=info.hint if info is not None else None,
            ),
        )

    def _missing_message(self, found: Lookup, label: str, region_name: str, supply: str) -> str:
        entries = found.parameter.entries if found.parameter is not None else ()
        started = [entry for entry in entries if entry.start <= self.on]
        on = messages.date_text(self.on)
        if found.status == "not_stated":
            return messages.say("missing_not_stated", label=label, region=region_name, supply=supply)
        if found.status == "expired" and started and started[-1].until is not None:
            until = messages.date_text(started[-1].until)
            return messages.say("missing_expired", label=label, region=region_name, until=until, on=on, supply=supply)
        if found.status == "not_yet_in_force" and entries:
            start = messages.date_text(entries[0].start)
            return messages.say("missing_not_yet", label=label, region=region_name, start=start, on=on, supply=supply)
        if found.status == "repealed" and found.entry is not None:
            start = messages.date_text(found.entry.start)
            return messages.say("missing_repealed", label=label, region=region_name, start=start, supply=supply)
        searched = messages.join_names([self.table.region_name(region) for region in found.searched])
        return messages.say("missing_absent", label=label, searched=searched, supply=supply)

    # --- writing --------------------------------------------------------------------------------

    def step(
        self,
        template: str,
        *,
        amount: Decimal | int | None = None,
        unit: str | None = None,
        figures: Iterable[Figure | None] = (),
        **words: object,
    ) -> None:
        """A line of the explanation; `{value}` in the template is the step's amount, formatted."""
        if amount is not None and unit is not None and "value" not in words:
            words["value"] = (
                messages.amount_text(to_decimal(amount), unit)
                if unit in MONEY_UNITS
                else messages.value_text(amount, unit)
            )
        uses = tuple(use for figure in figures if figure is not None for use in figure.uses)
        self._steps.append(Step(text=messages.say(template, **words), value=amount, unit=unit, parameters=uses))

    def note_user_figure(self, figure: Figure | None) -> None:
        """Say so in the steps when a figure is the user's own rather than the sources'."""
        if figure is not None and figure.use.reference is None:
            self.step(
                "user_figure",
                amount=figure.number,
                unit=figure.use.unit,
                figures=[figure],
                label=figure.use.label,
            )

    def assume(self, text: str) -> None:
        self._assumptions.setdefault(text, None)

    @property
    def has_missing(self) -> bool:
        return bool(self._missing)

    def result(
        self,
        *,
        benefit: str,
        label: str,
        eligible: bool | None,
        span: Span | None,
        unit: str,
        ceiling: Decimal | None = None,
        target: str | None = None,
        unknown_reason: str | None = None,
        extras: Mapping[str, Json] | None = None,
    ) -> BenefitResult:
        return BenefitResult(
            benefit=benefit,
            label=label,
            region=self.region,
            region_name=self.table.region_name(self.region),
            on=self.on,
            eligible=eligible,
            span=span,
            unit=unit,
            steps=tuple(self._steps),
            sources=tuple(self._sources.values()),
            assumptions=tuple(self._assumptions),
            missing=tuple(self._missing.values()),
            as_of=self._as_of,
            region_as_of=self.table.regions[self.region].data_as_of,
            ceiling=ceiling,
            target=target,
            unknown_reason=unknown_reason,
            extras=dict(extras or {}),
        )
