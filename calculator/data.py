"""The compiled policy data (calculator/data/policy.json) as typed, date-aware lookups.

The JSON is written by scripts.policy_loader.compile_policy_data; this module only reads it.
A lookup walks the region, then its ancestors (national last), and always says what it found:
a stated value, an explicit 原文未规定, a repeal, a figure that has lapsed, a rule not yet in
force on the date asked, or nothing at all — never a silent None.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any, Literal

from calculator import messages

SUPPORTED_SCHEMA_VERSION = 1
BUNDLED_RESOURCE = ("data", "policy.json")

Scalar = bool | int | float | str
EntryStatus = Literal["stated", "not_stated", "repealed"]
LookupStatus = Literal["stated", "not_stated", "repealed", "expired", "not_yet_in_force", "absent"]


class PolicyDataMissing(Exception):
    """The compiled data file is not there (the build step has not been run)."""


class PolicyDataInvalid(Exception):
    """The compiled data file is there but is not what this calculator reads."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """Where a figure comes from: the document (with its title and 文号) and the section."""

    document: str
    title: str
    number: str | None
    section: str
    evidence: str | None
    document_region: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueEntry:
    start: date
    until: date | None
    status: EntryStatus
    value: Scalar | None
    qualifier: str | None
    reference: Reference

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterInfo:
    id: str
    region: str
    label: str
    unit: str
    applies_to: tuple[str, ...]
    refines: str | None
    entries: tuple[ValueEntry, ...]

    def entry_on(self, on: date) -> ValueEntry | None:
        current = None
        for entry in self.entries:
            if entry.in_force(on):
                current = entry
        return current


@dataclass(frozen=True, slots=True, kw_only=True)
class Lookup:
    """What a lookup found. `region` is the region whose data decided the answer."""

    parameter_id: str
    status: LookupStatus
    region: str | None
    parameter: ParameterInfo | None
    entry: ValueEntry | None
    searched: tuple[str, ...]

    @property
    def stated(self) -> bool:
        return self.status == "stated"


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionInfo:
    id: str
    name: str
    level: str
    ancestors: tuple[str, ...]


class PolicyTable:
    """Read-only view of the compiled data: regions in display order, documents, parameters."""

    __slots__ = ("_parameters", "documents", "regions")

    def __init__(self, compiled: Mapping[str, Any]) -> None:
        version = compiled.get("schema_version")
        if version != SUPPORTED_SCHEMA_VERSION:
            raise PolicyDataInvalid(f"schema_version {version!r}, expected {SUPPORTED_SCHEMA_VERSION}")
        try:
            self.regions: dict[str, RegionInfo] = {
                region_id: RegionInfo(
                    id=region_id,
                    name=str(info["name"]),
                    level=str(info["level"]),
                    ancestors=tuple(info.get("ancestors") or ()),
                )
                for region_id, info in sorted(compiled["regions"].items(), key=lambda item: item[1]["order"])
            }
            self.documents: dict[str, Mapping[str, Any]] = dict(compiled["documents"])
            self._parameters: dict[str, dict[str, ParameterInfo]] = {
                region_id: {pid: self._parameter(region_id, pid, raw) for pid, raw in parameters.items()}
                for region_id, parameters in compiled["parameters"].items()
            }
        except (KeyError, TypeError, ValueError) as error:
            raise PolicyDataInvalid(f"unexpected compiled data: {error!r}") from error

    def _reference(self, raw: Mapping[str, Any]) -> Reference:
        document = self.documents.get(raw["document"], {})
        return Reference(
            document=str(raw["document"]),
            title=str(document.get("title", raw["document"])),
            number=document.get("number"),
            section=str(raw["section"]),
            evidence=raw.get("evidence"),
            document_region=str(document.get("region", "")),
        )

    def _parameter(self, region_id: str, parameter_id: str, raw: Mapping[str, Any]) -> ParameterInfo:
        entries = tuple(
            ValueEntry(
                start=date.fromisoformat(value["from"]),
                until=date.fromisoformat(value["until"]) if value.get("until") else None,
                status=value["status"],
                value=value.get("value"),
                qualifier=value.get("qualifier"),
                reference=self._reference(value["reference"]),
            )
            for value in raw["values"]
        )
        return ParameterInfo(
            id=parameter_id,
            region=region_id,
            label=str(raw["label"]),
            unit=str(raw["unit"]),
            applies_to=tuple(raw.get("applies_to") or ()),
            refines=raw.get("refines"),
            entries=entries,
        )

    def region_name(self, region_id: str | None) -> str:
        if region_id is None or region_id not in self.regions:
            return ""
        return self.regions[region_id].name

    def chain(self, region_id: str) -> tuple[str, ...]:
        """The region itself, then its ancestors, nearest first (national last)."""
        return (region_id, *self.regions[region_id].ancestors)

    def parameter(self, region_id: str, parameter_id: str) -> ParameterInfo | None:
        return self._parameters.get(region_id, {}).get(parameter_id)

    def parameters_in(self, region_id: str) -> Mapping[str, ParameterInfo]:
        return self._parameters.get(region_id, {})

    def latest_start(self, parameter_ids: Iterable[str]) -> date | None:
        """The latest effective date of any stated value of these parameters, in any region."""
        wanted = set(parameter_ids)
        starts = [
            entry.start
            for parameters in self._parameters.values()
            for pid, parameter in parameters.items()
            if pid in wanted
            for entry in parameter.entries
            if entry.status == "stated"
        ]
        return max(starts, default=None)


def lookup(table: PolicyTable, region_id: str, parameter_id: str, on: date) -> Lookup:
    """The entry in force on `on`, from the region or (where the region is silent) its ancestors.

    A region's own entry — even 原文未规定 — decides; the ancestors are asked only where the region
    has no such parameter, or where its rule had not yet started on `on`. A region figure that has
    lapsed (past `until`) is reported as expired rather than replaced by a national one.
    """
    searched: list[str] = []
    not_yet: ParameterInfo | None = None
    for candidate in table.chain(region_id):
        searched.append(candidate)
        parameter = table.parameter(candidate, parameter_id)
        if parameter is None:
            continue
        entry = parameter.entry_on(on)
        if entry is not None:
            return Lookup(
                parameter_id=parameter_id,
                status=entry.status,
                region=candidate,
                parameter=parameter,
                entry=entry,
                searched=tuple(searched),
            )
        if any(item.start <= on for item in parameter.entries):
            return Lookup(
                parameter_id=parameter_id,
                status="expired",
                region=candidate,
                parameter=parameter,
                entry=None,
                searched=tuple(searched),
            )
        not_yet = not_yet or parameter
    return Lookup(
        parameter_id=parameter_id,
        status="not_yet_in_force" if not_yet else "absent",
        region=not_yet.region if not_yet else None,
        parameter=not_yet,
        entry=None,
        searched=tuple(searched),
    )


def read_bundled_text() -> str:
    resource = resources.files("calculator").joinpath(*BUNDLED_RESOURCE)
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise PolicyDataMissing(messages.say("data_missing")) from error


@functools.cache
def load_bundled() -> PolicyTable:
    """The data shipped with the package (read once; the table is read-only)."""
    try:
        compiled = json.loads(read_bundled_text())
    except json.JSONDecodeError as error:
        raise PolicyDataInvalid(f"calculator/data/policy.json is not valid JSON: {error}") from error
    return PolicyTable(compiled)
