"""The compiled policy data as typed, date-aware lookups.

The data is written by scripts.package_calculator, split in two so that a page loads only the
regions it compares: calculator/data/core.json (schema version, catalog, the region index, the
national parameters and documents) and one shard per other region, calculator/data/regions/<id>.json
(its parameters, documents and applying statements). A table reads a shard the first time a lookup
needs that region (`shard_reader`); in CPython every shard is in the package, in the browser the
page writes the shards of the regions it compares (and their ancestors) before asking. A full
compiled dict (scripts.policy_loader.compile_policy_data) is read the same way, all at once.
A lookup walks the region, then its ancestors (national last), under the parameter catalog's
fallback rule (policy_data/catalog.yaml): *inherit* (the ancestor's value holds), *floor* (the
ancestor's value is a minimum) or *none* (a local figure is needed). It always says what it found:
an exact value, a lower or upper limit, an explicit 原文未规定, a repeal, a figure that has lapsed,
a rule not yet in force on the date asked, or nothing at all — never a silent None.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Literal

from calculator import messages

SUPPORTED_SCHEMA_VERSION = 2
DATA_FOLDER = "data"
CORE_NAME = "core.json"
SHARD_FOLDER = "regions"
ShardReader = Callable[[str], "Mapping[str, Any] | None"]

Scalar = bool | int | float | str
EntryStatus = Literal["stated", "not_stated", "repealed"]
LookupStatus = Literal["stated", "not_stated", "repealed", "expired", "not_yet_in_force", "absent"]
# How a stated lookup limits the figure: it is the figure, or the least or the most it can be.
Bound = Literal["exact", "at_least", "at_most"]
Fallback = Literal["inherit", "floor", "none"]


class PolicyDataMissing(Exception):
    """The compiled data file is not there (the build step has not been run), or a region's shard
    was not loaded; the message says which, in Chinese."""


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
class Band:
    """One band of a scale: from `threshold` on (up to the next band's threshold), `value`."""

    threshold: int | float
    value: int | float
    qualifier: str | None
    reference: Reference  # the band's own reference, or the dated value's


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One key of a breakdown (a grade, a hospital level, a household status)."""

    key: str
    status: EntryStatus
    value: Scalar | None
    qualifier: str | None
    at_most: str | None
    requires: tuple[str, ...]
    reference: Reference  # the key's own reference, or the dated value's


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueEntry:
    start: date
    until: date | None
    status: EntryStatus
    value: Scalar | None
    qualifier: str | None
    at_most: str | None
    reference: Reference
    # A scale's bands (ascending) or a breakdown's parts; a scalar parameter has neither.
    bands: tuple[Band, ...] = ()
    parts: Mapping[str, Part] = field(default_factory=dict)

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterInfo:
    id: str
    region: str
    label: str
    unit: str
    applies_to: tuple[str, ...]
    requires: tuple[str, ...]
    refines: str | None
    entries: tuple[ValueEntry, ...]

    def entry_on(self, on: date) -> ValueEntry | None:
        current = None
        for entry in self.entries:
            if entry.in_force(on):
                current = entry
        return current


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogInfo:
    """One entry of the parameter catalog: the one place for label, unit, kind and fallback."""

    id: str
    label: str
    unit: str
    kind: str
    fallback: Fallback
    statistic: bool
    field: str | None
    hint: str | None
    # kind scale: how the bands are read (marginal | band), what the thresholds measure; kind
    # breakdown: the vocabulary of the keys (calculator.vocabulary.BREAKDOWN_KEYS).
    scale_method: str | None = None
    threshold_unit: str | None = None
    threshold_label: str | None = None
    breakdown: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Lookup:
    """What a lookup found. `region` is the region whose data decided the answer.

    A stated lookup is `exact`, or a limit: `at_least` (a national minimum where the region is
    silent, or a figure written as 不低于) or `at_most` (written as 不超过, or a figure the document
    leaves open but limits by another parameter, given in `limit`).
    """

    parameter_id: str
    status: LookupStatus
    region: str | None
    parameter: ParameterInfo | None
    entry: ValueEntry | None
    searched: tuple[str, ...]
    bound: Bound = "exact"
    limit: Lookup | None = None
    # The region's own entry that was silent (原文未规定) before a floor was taken from an ancestor.
    silent_entry: ValueEntry | None = None

    @property
    def stated(self) -> bool:
        return self.status == "stated"

    @property
    def exact(self) -> bool:
        return self.status == "stated" and self.bound == "exact"

    @property
    def inherited(self) -> bool:
        return bool(self.searched) and self.region is not None and self.region != self.searched[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionInfo:
    id: str
    name: str
    level: str
    ancestors: tuple[str, ...]
    # The date of the newest document the region's own file cites: how current its data is.
    data_as_of: date | None
    data_as_of_text: str | None


class PolicyTable:
    """Read-only view of the compiled data: regions in display order, documents, parameters."""

    __slots__ = ("_applying", "_latest_starts", "_loaded", "_parameters", "_reader", "catalog", "documents", "regions")

    def __init__(self, compiled: Mapping[str, Any], shard_reader: ShardReader | None = None) -> None:
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
                    data_as_of=date.fromisoformat(info["data_as_of"]) if info.get("data_as_of") else None,
                    data_as_of_text=info.get("data_as_of_text"),
                )
                for region_id, info in sorted(compiled["regions"].items(), key=lambda item: item[1]["order"])
            }
            self.catalog: dict[str, CatalogInfo] = {
                pid: CatalogInfo(
                    id=pid,
                    label=str(raw["label"]),
                    unit=str(raw["unit"]),
                    kind=str(raw["kind"]),
                    fallback=raw["fallback"],
                    statistic=bool(raw.get("statistic")),
                    field=raw.get("field"),
                    hint=raw.get("hint"),
                    scale_method=(raw.get("scale") or {}).get("method"),
                    threshold_unit=(raw.get("scale") or {}).get("threshold_unit"),
                    threshold_label=(raw.get("scale") or {}).get("threshold_label"),
                    breakdown=raw.get("breakdown"),
                )
                for pid, raw in compiled["catalog"].items()
            }
            self.documents: dict[str, Mapping[str, Any]] = dict(compiled["documents"])
            self._parameters: dict[str, dict[str, ParameterInfo]] = {
                region_id: {pid: self._parameter(region_id, pid, raw) for pid, raw in parameters.items()}
                for region_id, parameters in compiled["parameters"].items()
            }
            self._applying: dict[str, list[Mapping[str, Any]]] = {
                region_id: list(items) for region_id, items in (compiled.get("applying") or {}).items()
            }
            # A core (split data) says each parameter's latest start over every region, so the
            # default date does not depend on which shards happen to be loaded.
            self._latest_starts: dict[str, date] | None = (
                {pid: date.fromisoformat(text) for pid, text in compiled["latest_starts"].items()}
                if "latest_starts" in compiled
                else None
            )
        except (KeyError, TypeError, ValueError) as error:
            raise PolicyDataInvalid(f"unexpected compiled data: {error!r}") from error
        self._reader = shard_reader
        # Without a reader the compiled dict is all there is; with one, the regions in the core.
        self._loaded: set[str] = set(self.regions) if shard_reader is None else set(compiled["parameters"])

    def _load(self, region_id: str) -> None:
        """Read a region's shard into the table (once): its documents, parameters and statements."""
        if region_id in self._loaded or region_id not in self.regions or self._reader is None:
            return
        shard = self._reader(region_id)
        if shard is None:
            raise PolicyDataMissing(messages.say("region_data_missing", region=self.regions[region_id].name))
        try:
            if shard.get("schema_version") != SUPPORTED_SCHEMA_VERSION or shard.get("region") != region_id:
                raise PolicyDataInvalid(f"shard of {region_id}: not this region or not this schema")
            self.documents.update(shard["documents"])
            self._parameters[region_id] = {
                pid: self._parameter(region_id, pid, raw) for pid, raw in shard["parameters"].items()
            }
            self._applying[region_id] = list(shard.get("applying") or ())
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise PolicyDataInvalid(f"unexpected data for {region_id}: {error!r}") from error
        self._loaded.add(region_id)

    def load(self, region_ids: Iterable[str]) -> None:
        """Read the shards of these regions and of their ancestors (a lookup walks the chain)."""
        for region_id in region_ids:
            if region_id in self.regions:
                for member in self.chain(region_id):
                    self._load(member)

    def applying(self, region_id: str) -> list[Mapping[str, Any]]:
        """The region's own sourced statements on how to apply (policy_data's `applying:`)."""
        self._load(region_id)
        return self._applying.get(region_id, [])

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

    def _entry(self, value: Mapping[str, Any]) -> ValueEntry:
        """One dated value; a scale's bands and a breakdown's parts are read generically."""
        reference = self._reference(value["reference"])
        figure = value.get("value")
        bands: tuple[Band, ...] = ()
        parts: dict[str, Part] = {}
        if isinstance(figure, list):
            bands = tuple(
                Band(
                    threshold=band["threshold"],
                    value=band["value"],
                    qualifier=band.get("qualifier"),
                    reference=self._reference(band["reference"]) if band.get("reference") else reference,
                )
                for band in figure
            )
            figure = None
        elif isinstance(figure, dict):
            parts = {
                str(key): Part(
                    key=str(key),
                    status=part["status"],
                    value=part.get("value"),
                    qualifier=part.get("qualifier"),
                    at_most=part.get("at_most"),
                    requires=tuple(part.get("requires") or ()),
                    reference=self._reference(part["reference"]) if part.get("reference") else reference,
                )
                for key, part in figure.items()
            }
            figure = None
        return ValueEntry(
            start=date.fromisoformat(value["from"]),
            until=date.fromisoformat(value["until"]) if value.get("until") else None,
            status=value["status"],
            value=figure,
            qualifier=value.get("qualifier"),
            at_most=value.get("at_most"),
            reference=reference,
            bands=bands,
            parts=parts,
        )

    def _parameter(self, region_id: str, parameter_id: str, raw: Mapping[str, Any]) -> ParameterInfo:
        entries = tuple(self._entry(value) for value in raw["values"])
        return ParameterInfo(
            id=parameter_id,
            region=region_id,
            label=str(raw["label"]),
            unit=str(raw["unit"]),
            applies_to=tuple(raw.get("applies_to") or ()),
            requires=tuple(raw.get("requires") or ()),
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
        self._load(region_id)
        return self._parameters.get(region_id, {}).get(parameter_id)

    def parameters_in(self, region_id: str) -> Mapping[str, ParameterInfo]:
        self._load(region_id)
        return self._parameters.get(region_id, {})

    def label(self, parameter_id: str) -> str:
        entry = self.catalog.get(parameter_id)
        return entry.label if entry is not None else parameter_id

    def fallback(self, parameter_id: str) -> Fallback:
        entry = self.catalog.get(parameter_id)
        return entry.fallback if entry is not None else "none"

    def field_for(self, parameter_id: str) -> str | None:
        entry = self.catalog.get(parameter_id)
        return entry.field if entry is not None else None

    def latest_start(self, parameter_ids: Iterable[str]) -> date | None:
        """The latest effective date of any stated value of these parameters, in any region."""
        wanted = set(parameter_ids)
        if self._latest_starts is not None:
            return max((self._latest_starts[pid] for pid in wanted if pid in self._latest_starts), default=None)
        starts = [
            entry.start
            for parameters in self._parameters.values()
            for pid, parameter in parameters.items()
            if pid in wanted
            for entry in parameter.entries
            if entry.status == "stated"
        ]
        return max(starts, default=None)


def inheritance_source(chain: Sequence[str], defines: Callable[[str], bool], fallback: str) -> str | None:
    """The ancestor whose value a silent region takes under the catalog's fallback rule, or None.

    The one rule of inheritance, shared by the calculator (per date) and the pages (today's value):
    with fallback *none* nothing is inherited; otherwise the nearest ancestor that defines it.
    """
    if fallback == "none":
        return None
    return next((ancestor for ancestor in chain[1:] if defines(ancestor)), None)


def _own_bound(entry: ValueEntry) -> Bound:
    if entry.qualifier == "at_least":
        return "at_least"
    if entry.qualifier == "at_most":
        return "at_most"
    return "exact"


def lookup(table: PolicyTable, region_id: str, parameter_id: str, on: date, *, _depth: int = 0) -> Lookup:
    """The entry in force on `on`, from the region or (under the catalog's fallback) its ancestors.

    The region's own stated entry decides. Where the region is silent — no entry, its 原文未规定
    entry, a figure that has lapsed — the fallback says what holds: *inherit*, the nearest
    ancestor's entry; *floor*, the nearest ancestor's figure as a minimum; *none*, nothing (the
    local figure is unknown). A 原文未规定 entry with `at_most` is limited by that parameter.
    """
    fallback = table.fallback(parameter_id)
    chain = table.chain(region_id)
    searched: list[str] = []
    silent: Lookup | None = None  # what the region itself (or an ancestor) said before falling back
    not_yet: ParameterInfo | None = None
    for index, candidate in enumerate(chain):
        if index > 0 and fallback == "none":
            break
        searched.append(candidate)
        parameter = table.parameter(candidate, parameter_id)
        if parameter is None:
            continue
        entry = parameter.entry_on(on)
        here = (parameter_id, candidate, parameter, tuple(searched))
        if entry is None:
            if any(item.start <= on for item in parameter.entries):
                silent = silent or _found(here, "expired", None)
            else:
                not_yet = not_yet or parameter
            continue
        if entry.status == "stated":
            bound = _own_bound(entry)
            if index > 0 and fallback == "floor" and bound == "exact":
                bound = "at_least"
            return _found(here, "stated", entry, bound=bound, silent_entry=silent.entry if silent else None)
        if entry.status == "not_stated" and entry.at_most and _depth < 3:
            limit = lookup(table, region_id, entry.at_most, on, _depth=_depth + 1)
            if limit.stated and limit.bound != "at_least":
                return _found(here, "stated", entry, bound="at_most", limit=limit)
        if entry.status == "repealed":
            return _found(here, "repealed", entry)
        silent = silent or _found(here, "not_stated", entry)
        if fallback == "none":
            break
    if silent is not None:
        return Lookup(
            parameter_id=parameter_id,
            status=silent.status,
            region=silent.region,
            parameter=silent.parameter,
            entry=silent.entry,
            searched=tuple(searched),
        )
    return Lookup(
        parameter_id=parameter_id,
        status="not_yet_in_force" if not_yet else "absent",
        region=not_yet.region if not_yet else None,
        parameter=not_yet,
        entry=None,
        searched=tuple(searched),
    )


def _found(
    here: tuple[str, str, ParameterInfo, tuple[str, ...]],
    status: LookupStatus,
    entry: ValueEntry | None,
    *,
    bound: Bound = "exact",
    limit: Lookup | None = None,
    silent_entry: ValueEntry | None = None,
) -> Lookup:
    parameter_id, region, parameter, searched = here
    return Lookup(
        parameter_id=parameter_id,
        status=status,
        region=region,
        parameter=parameter,
        entry=entry,
        searched=searched,
        bound=bound,
        limit=limit,
        silent_entry=silent_entry,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PartLookup:
    """What a breakdown lookup found for one key: the part (stated, or limited by `at_most`, or a
    silent 原文未规定) and the lookup of the dated value it belongs to (for sources and reports)."""

    key: str
    part: Part
    found: Lookup


def lookup_parts(table: PolicyTable, region_id: str, parameter_id: str, on: date) -> dict[str, PartLookup]:
    """Every key of a breakdown in force on `on`, each from the nearest region that states it.

    Keys inherit one by one under the catalog's fallback: a region whose breakdown leaves a key out
    (or marks it 原文未规定) takes that key from its ancestors (*inherit*; *floor* as a minimum),
    while *none* reads the region's own breakdown only. A key stated nowhere is absent.
    """
    fallback = table.fallback(parameter_id)
    found_parts: dict[str, PartLookup] = {}
    silent: dict[str, PartLookup] = {}
    searched: list[str] = []
    for index, candidate in enumerate(table.chain(region_id)):
        if index > 0 and fallback == "none":
            break
        searched.append(candidate)
        parameter = table.parameter(candidate, parameter_id)
        entry = parameter.entry_on(on) if parameter is not None else None
        if parameter is None or entry is None or entry.status != "stated":
            if entry is not None and entry.status == "repealed":
                break
            continue
        for key, part in entry.parts.items():
            if key in found_parts:
                continue
            here = (parameter_id, candidate, parameter, tuple(searched))
            if part.status == "stated" or part.at_most:
                bound: Bound = "exact"
                if part.qualifier in {"at_least", "at_most"}:
                    bound = "at_least" if part.qualifier == "at_least" else "at_most"
                elif index > 0 and fallback == "floor":
                    bound = "at_least"
                found_parts[key] = PartLookup(key=key, part=part, found=_found(here, "stated", entry, bound=bound))
            else:
                silent.setdefault(key, PartLookup(key=key, part=part, found=_found(here, "not_stated", entry)))
    for key, item in silent.items():
        found_parts.setdefault(key, item)
    return found_parts


# What the region index keeps of each region: what lookups, the page and its picker need.
INDEX_FIELDS = ("name", "level", "parent", "order", "ancestors", "data_as_of", "data_as_of_text")


def _documents_cited(value: object, found: set[str]) -> set[str]:
    """Every document a piece of compiled data cites (each `reference: {document: …}` in it)."""
    if isinstance(value, Mapping):
        reference = value.get("reference")
        if isinstance(reference, Mapping) and isinstance(reference.get("document"), str):
            found.add(reference["document"])
        for item in value.values():
            _documents_cited(item, found)
    elif isinstance(value, list):
        for item in value:
            _documents_cited(item, found)
    return found


def split_compiled(compiled: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The compiled data as the calculator ships it: a core (schema version, catalog, the region
    index, the regions without a parent with their parameters, documents and statements, each
    parameter's latest start over all regions) and one shard per other region (its parameters, its
    statements and the documents they cite that the core does not hold). Reading the core and every
    shard gives the same table as the whole dict."""
    regions = compiled["regions"]
    roots = [region_id for region_id, info in regions.items() if not info.get("ancestors")]
    applying = compiled.get("applying") or {}
    latest: dict[str, str] = {}
    for parameters in compiled["parameters"].values():
        for pid, parameter in parameters.items():
            for value in parameter["values"]:
                if value["status"] == "stated" and value["from"] > latest.get(pid, ""):
                    latest[pid] = value["from"]

    def cited(region_id: str) -> set[str]:
        own = {doc_id for doc_id, document in compiled["documents"].items() if document.get("region") == region_id}
        return _documents_cited([compiled["parameters"].get(region_id, {}), applying.get(region_id, [])], own)

    core_documents = sorted(set().union(*(cited(region_id) for region_id in roots)))
    core = {
        "schema_version": compiled["schema_version"],
        "catalog": compiled["catalog"],
        "regions": {region_id: {key: info.get(key) for key in INDEX_FIELDS} for region_id, info in regions.items()},
        "documents": {doc_id: compiled["documents"][doc_id] for doc_id in core_documents},
        "parameters": {region_id: compiled["parameters"].get(region_id, {}) for region_id in roots},
        "applying": {region_id: applying.get(region_id, []) for region_id in roots},
        "latest_starts": latest,
    }
    shards = {
        region_id: {
            "schema_version": compiled["schema_version"],
            "region": region_id,
            "documents": {
                doc_id: compiled["documents"][doc_id]
                for doc_id in sorted(cited(region_id))
                if doc_id not in core["documents"]
            },
            "parameters": compiled["parameters"].get(region_id, {}),
            "applying": applying.get(region_id, []),
        }
        for region_id in regions
        if region_id not in roots
    }
    return core, shards


def _read_resource(*parts: str) -> str | None:
    try:
        return resources.files("calculator").joinpath(DATA_FOLDER, *parts).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None


def _read_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyDataInvalid(f"{what} is not valid JSON: {error}") from error


def read_bundled_shard(region_id: str) -> Mapping[str, Any] | None:
    """A region's shard from the package data (None when it is not there)."""
    text = _read_resource(SHARD_FOLDER, f"{region_id}.json")
    if text is None:
        return None
    shard: Mapping[str, Any] = _read_json(text, f"calculator/data/{SHARD_FOLDER}/{region_id}.json")
    return shard


@functools.cache
def load_bundled() -> PolicyTable:
    """The data shipped with the package: the core at once, each region's shard when first needed
    (read once; the table is read-only)."""
    text = _read_resource(CORE_NAME)
    if text is None:
        raise PolicyDataMissing(messages.say("data_missing"))
    return PolicyTable(_read_json(text, f"calculator/data/{CORE_NAME}"), read_bundled_shard)
