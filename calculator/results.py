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
from calculator.data import Lookup, PolicyTable, Reference, lookup
from calculator.fields import FIELD_FOR_PARAMETER, FIELDS_BY_KEY
from calculator.money import json_number, json_plain, to_decimal
from calculator.parameters import PARAMETER_LABELS

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

    def to_json(self) -> dict[str, Json]:
        reference = self.reference
        return {
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "value": json_value(self.value, self.unit),
            "display": messages.value_text(self.value, self.unit),
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

    @property
    def number(self) -> Decimal:
        if isinstance(self.value, Decimal):
            return self.value
        raise TypeError(f"{self.use.id} is not a number")


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
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BenefitResult:
    benefit: str
    label: str
    region: str
    on: date
    eligible: bool | None
    amount: Decimal | None
    unit: str
    steps: tuple[Step, ...]
    sources: tuple[Source, ...]
    assumptions: tuple[str, ...]
    missing: tuple[Missing, ...]
    extras: Mapping[str, Json] = field(default_factory=dict)

    def to_json(self) -> dict[str, Json]:
        return {
            "benefit": self.benefit,
            "label": self.label,
            "region": self.region,
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "amount": None if self.amount is None else json_value(self.amount, self.unit),
            "unit": self.unit,
            "display": None if self.amount is None else messages.amount_text(self.amount, self.unit),
            "steps": [step.to_json() for step in self.steps],
            "sources": [source.to_json() for source in self.sources],
            "assumptions": list(self.assumptions),
            "missing": [item.to_json() for item in self.missing],
            **self.extras,
        }


# --- the notebook -------------------------------------------------------------------------------

# Household statuses that also stand for a group the data names more narrowly (with the note
# that says so): a registered poor household is taken as not yet marked lifted out of poverty,
# and a severely disabled person is a disabled person.
STATUS_IMPLIES: dict[str, tuple[str, str]] = {
    "registered_poor": ("registered_poor_unlifted", "assume_registered_poor"),
    "severe_disability": ("disabled", "assume_severe_disability"),
}


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

    # --- reading parameters ----------------------------------------------------------------

    def lookup(self, parameter_id: str) -> Lookup:
        return lookup(self.table, self.region, parameter_id, self.on)

    def label(self, found: Lookup) -> str:
        if found.parameter is not None:
            return found.parameter.label
        return PARAMETER_LABELS.get(found.parameter_id, found.parameter_id)

    def applies(self, found: Lookup, default_groups: Iterable[str] = ()) -> bool:
        """Whether a group-specific parameter covers this household (notes any implied group)."""
        groups = set(found.parameter.applies_to) if found.parameter is not None else set(default_groups)
        if self.status & groups:
            return True
        for status, (implied, note) in STATUS_IMPLIES.items():
            if status in self.status and implied in groups:
                self.assume(messages.say(note))
                return True
        return False

    def use(self, found: Lookup) -> Figure:
        """The stated value of a successful lookup, recorded as a source."""
        entry, parameter = found.entry, found.parameter
        assert entry is not None and parameter is not None and entry.value is not None
        raw = entry.value
        value: Decimal | bool | str = raw if isinstance(raw, (bool, str)) else to_decimal(raw)
        reference = entry.reference
        region = found.region or self.region
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
        return Figure(
            value=value,
            use=ParameterUse(
                id=found.parameter_id,
                label=parameter.label,
                unit=parameter.unit,
                value=value,
                region=region,
                region_name=self.table.region_name(region),
                start=entry.start,
                reference=reference,
                field=None,
            ),
        )

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
        field_key = field_key or next((FIELD_FOR_PARAMETER[p] for p in parameter_ids if p in FIELD_FOR_PARAMETER), None)
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
        field_key = field_key or FIELD_FOR_PARAMETER.get(found.parameter_id)
        field_label = FIELDS_BY_KEY[field_key].label if field_key else None
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
        uses = tuple(figure.use for figure in figures if figure is not None)
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
        amount: Decimal | None,
        unit: str,
        extras: Mapping[str, Json] | None = None,
    ) -> BenefitResult:
        return BenefitResult(
            benefit=benefit,
            label=label,
            region=self.region,
            on=self.on,
            eligible=eligible,
            amount=amount,
            unit=unit,
            steps=tuple(self._steps),
            sources=tuple(self._sources.values()),
            assumptions=tuple(self._assumptions),
            missing=tuple(self._missing.values()),
            extras=dict(extras or {}),
        )
