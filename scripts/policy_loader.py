"""Load, validate and compile policy_data/*.yaml.

Every problem becomes one line `FILE:LINE PATH: REASON`; the build stops on any.
Run `python -m scripts.policy_loader` to check the data by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from calculator.vocabulary import TOPICS, format_date
from scripts.data_limits import MAX_FILE_BYTES
from scripts.parallel import fork_map
from scripts.policy_schema import Catalog, CatalogEntry, DatedValue, Parameter, Reference, RegionFile, value_problems
from scripts.provenance import SourceTexts, seeds_folder, value_readable_from
from scripts.safe_yaml import DuplicateKey, YamlRefused, read_yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "policy_data"
# $SHEBAO_SEEDS_DIR or ../shared/seeds: the source texts live outside the repository.
DEFAULT_SEEDS_DIR = seeds_folder()
ROOT_REGION = "national"
CATALOG_FILE = "catalog.yaml"
SCHEMA_VERSION = 2

Loc = tuple[str | int, ...]
__all__ = ["PolicyDataError", "Problem", "load_file", "load_policy_data", "read_yaml"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where} {self.path}: {self.reason}" if self.path else f"{where} {self.reason}"


class PolicyDataError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- turning pydantic's errors into one readable line each --------------------------------


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _describe_path(loc: Loc, data: Any) -> tuple[str, list[str]]:
    """('medical.critical_illness.threshold', ['values', '2018-01-01']) for a parameter location."""
    parts = [str(p) for p in loc]
    if len(loc) == 3 and loc[0] == "policies" and loc[2] == "[key]":
        return "policies", ["[key]"]
    if len(loc) >= 5 and loc[0] == "policies" and loc[3] == "parameters":
        return str(loc[4]), parts[5:]
    if len(loc) >= 3 and loc[0] == "policies" and isinstance(loc[2], int):
        try:
            item_id = data["policies"][loc[1]][loc[2]]["id"]
        except (KeyError, IndexError, TypeError):
            item_id = f"[{loc[2]}]"
        return f"{loc[1]}/{item_id}", parts[3:]
    if len(loc) <= 2:
        # A field directly under region: or documents:, or a top-level key: the section is the head.
        return ".".join(parts[:-1]), parts[-1:]
    return ".".join(parts[:2]), parts[2:]


def _shown(value: Any, limit: int = 40) -> str:
    """A value quoted in a message, cut short: a hostile file must not make the message huge."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(error: dict[str, Any], rest: list[str]) -> tuple[list[str], str]:
    kind = error["type"]
    if kind == "missing":
        return rest[:-1], f"{rest[-1] if rest else 'value'} missing"
    if kind == "extra_forbidden":
        return rest[:-1], f"unknown field '{rest[-1] if rest else '?'}'"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        if rest and rest[-1] == "[key]":
            what = "topic key" if error["loc"][0] == "policies" else "key"
            return rest[:-1], f"unknown {what} {_shown(error['input'])} (expected one of {expected})"
        named = [p for p in rest if not p.isdigit()]
        field = named[-1] if named else "value"
        return rest[: len(rest) - (len(rest) - rest.index(field) if field in rest else 0)], (
            f"unknown {field} {_shown(error['input'])} (expected one of {expected})"
        )
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        named = [p for p in rest if not p.isdigit()]
        what = named[-1] if named else "text"
        return rest[:-1], f"{what} is {len(error['input']):,} characters, at most {limit} allowed"
    if kind == "string_pattern_mismatch" and rest and rest[-1] == "source_sha256":
        return rest, f"{_shown(error['input'])} is not a SHA-256 (64 lowercase hex digits)"
    if kind == "string_pattern_mismatch":
        return rest, f"{_shown(error['input'])} is not a valid id (lowercase ASCII letters, digits, _ and .)"
    if kind == "finite_number":
        return rest, "must be a finite number (not .inf or .nan)"
    message = error["msg"].removeprefix("Value error, ")
    return rest, message[:300]


def _pydantic_problems(file: str, error: ValidationError, data: Any, lines: dict[Loc, int]) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc: Loc = tuple(p for p in item["loc"] if p != "[key]") if item["type"] != "literal_error" else item["loc"]
        clean_loc: Loc = tuple(p for p in loc if p != "[key]")
        # Union members repeat the same complaint once per alternative; the scalar ones say nothing new.
        if item["type"] in {"bool_type", "int_type", "float_type", "string_type"} and "value" in clean_loc:
            continue
        head, rest = _describe_path(loc, data)
        rest_path, reason = _reason(item, rest)
        path = head + (" " + ".".join(p for p in rest_path if p != "[key]") if rest_path else "")
        problems.append(Problem(file, _line_for(clean_loc, lines), path.strip(), reason))
    return sorted(set(problems))


# --- the loaded data ------------------------------------------------------------------


@dataclass
class LoadedRegion:
    file: str
    model: RegionFile
    lines: dict[Loc, int]

    @property
    def id(self) -> str:
        return self.model.region.id

    def parameters(self) -> Iterator[tuple[str, int, str, Parameter, Loc]]:
        """(topic, item index, parameter id, parameter, location) for every parameter."""
        for topic, items in self.model.policies.items():
            for index, item in enumerate(items):
                for parameter_id, parameter in item.parameters.items():
                    yield topic, index, parameter_id, parameter, ("policies", topic, index, "parameters", parameter_id)

    def line(self, loc: Loc) -> int:
        # Breakdown keys written as bare numbers (grade 1:) are ints in the YAML, text in the model.
        as_written = tuple(int(p) if isinstance(p, str) and p.isdigit() and p not in ("0",) else p for p in loc)
        if as_written != loc and as_written[:-1] in self.lines:
            return max(_line_for(as_written, self.lines), _line_for(loc, self.lines))
        return _line_for(loc, self.lines)


@dataclass
class PolicyData:
    regions: dict[str, LoadedRegion] = field(default_factory=dict)
    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    catalog_file: str = ""
    catalog_lines: dict[Loc, int] = field(default_factory=dict)

    def ancestors(self, region_id: str) -> list[str]:
        """The region's parents, nearest first (national last)."""
        chain = []
        parent = self.regions[region_id].model.region.parent
        while parent is not None and parent in self.regions and parent not in chain:
            chain.append(parent)
            parent = self.regions[parent].model.region.parent
        return chain


def _region_order(regions: dict[str, LoadedRegion]) -> list[str]:
    """National first, then by level and name id, so pages and columns are stable."""
    levels = {"国家": 0, "省": 1, "市": 2, "县区": 3}
    return sorted(regions, key=lambda r: (levels[regions[r].model.region.level], r))


def _read_mapping(path: Path, display: str, what: str) -> tuple[dict[str, Any] | None, dict[Loc, int], list[Problem]]:
    """The YAML file as a mapping with the line of every path, or the problems that stop reading it.
    Never raises: whatever the file holds, the answer is a list of `file:line field: reason` lines
    (scripts/safe_yaml.py refuses bombs, depth and huge numbers before any object is built)."""
    try:
        return _read_mapping_checked(path, display, what)
    except Exception as error:  # a last resort: every known failure has its own message below
        return (
            None,
            {},
            [Problem(display, 1, "", f"cannot be read ({error.__class__.__name__}: {_shown(str(error), 80)})")],
        )


def _read_mapping_checked(
    path: Path, display: str, what: str
) -> tuple[dict[str, Any] | None, dict[Loc, int], list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            reason = f"the file has {size:,} bytes; at most {MAX_FILE_BYTES:,} are allowed"
            return None, {}, [Problem(display, 1, "", reason)]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, {}, [Problem(display, 1, "", f"not UTF-8 text ({error.reason})")]
    except OSError as error:
        return None, {}, [Problem(display, 1, "", f"cannot be read ({error.strerror or error.__class__.__name__})")]
    try:
        data, lines = read_yaml(text)
    except YamlRefused as refused:
        return None, {}, [Problem(display, refused.line, refused.path, refused.reason)]
    except DuplicateKey as dup:
        return None, {}, [Problem(display, dup.line, dup.key, f"duplicate key (first at line {dup.first_line})")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return None, {}, [Problem(display, line, "", f"YAML syntax error: {error.problem or error}")]
    except yaml.YAMLError as error:
        # The reader's errors (control characters, bad encoding) carry a position but no mark.
        line = text.count("\n", 0, getattr(error, "position", 0) or 0) + 1
        return None, {}, [Problem(display, line, "", f"YAML syntax error: {_shown(str(error).splitlines()[0], 120)}")]
    if not isinstance(data, dict):
        return None, {}, [Problem(display, 1, "", f"the file must be a mapping with {what}")]
    return data, lines, []


def load_catalog(path: Path) -> tuple[dict[str, CatalogEntry], dict[Loc, int], list[Problem]]:
    display = _display_path(path)
    if not path.is_file():
        return {}, {}, [Problem(display, 0, "", "the parameter catalog is missing")]
    data, lines, problems = _read_mapping(path, display, "parameters")
    if data is None:
        return {}, {}, problems
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as error:
        found = []
        for item in error.errors():
            loc = tuple(p for p in item["loc"] if p != "[key]")
            head = str(loc[1]) if len(loc) > 1 else "parameters"
            rest = [str(p) for p in loc[2:]]
            rest_path, reason = _reason(item, rest)
            path_text = head + (" " + ".".join(rest_path) if rest_path else "")
            found.append(Problem(display, _line_for(loc, lines), path_text, reason))
        return {}, lines, sorted(set(found))
    return dict(catalog.parameters), lines, []


def load_file(path: Path, display: str) -> tuple[LoadedRegion | None, list[Problem]]:
    """One region file, or the problems that refuse it; never raises."""
    data, lines, problems = _read_mapping(path, display, "region, documents and policies")
    if data is None:
        return None, problems
    try:
        model = RegionFile.model_validate(data)
    except ValidationError as error:
        return None, _pydantic_problems(display, error, data, lines)
    return LoadedRegion(display, model, lines), []


def _cross_file_problems(policy: PolicyData, sources: SourceTexts | None) -> list[Problem]:
    problems: list[Problem] = []
    regions = policy.regions
    documents: dict[str, str] = {}  # document id -> the file that declares it
    document_models = {
        doc_id: document for region in regions.values() for doc_id, document in region.model.documents.items()
    }
    for region in regions.values():
        for doc_id in region.model.documents:
            if doc_id in documents:
                problems.append(
                    Problem(
                        region.file,
                        region.line(("documents", doc_id)),
                        f"documents.{doc_id}",
                        f"duplicate document id (also in {documents[doc_id]})",
                    )
                )
            documents[doc_id] = region.file

    for region in regions.values():
        info = region.model.region
        stem = Path(region.file).stem
        if info.id != stem:
            problems.append(
                Problem(
                    region.file,
                    region.line(("region", "id")),
                    "region.id",
                    f"'{info.id}' must equal the file name '{stem}'",
                )
            )
        if info.id == ROOT_REGION:
            if info.parent is not None:
                problems.append(
                    Problem(
                        region.file,
                        region.line(("region", "parent")),
                        "region.parent",
                        "the national baseline has no parent (write parent: null)",
                    )
                )
        elif info.parent is None:
            problems.append(
                Problem(
                    region.file,
                    region.line(("region", "parent")),
                    "region.parent",
                    f"missing (every region but {ROOT_REGION} has a parent region)",
                )
            )
        elif info.parent not in regions:
            problems.append(
                Problem(
                    region.file,
                    region.line(("region", "parent")),
                    "region.parent",
                    f"unknown parent region '{info.parent}'",
                )
            )
        elif info.id in policy.ancestors(info.id) or info.parent == info.id:
            problems.append(
                Problem(region.file, region.line(("region", "parent")), "region.parent", "parent regions form a loop")
            )

        for doc_id, document in region.model.documents.items():
            for base in document.based_on:
                if base not in documents:
                    problems.append(
                        Problem(
                            region.file,
                            region.line(("documents", doc_id, "based_on")),
                            f"documents.{doc_id}.based_on",
                            f"unknown document id '{base}'",
                        )
                    )
            if document.source_file and sources is not None and sources.available:
                digest = sources.digest(document.source_file)
                if digest is None:
                    problems.append(
                        Problem(
                            region.file,
                            region.line(("documents", doc_id, "source_file")),
                            f"documents.{doc_id}.source_file",
                            f"no file '{document.source_file}' in {sources.folder}",
                        )
                    )
                elif digest != document.source_sha256:
                    problems.append(
                        Problem(
                            region.file,
                            region.line(("documents", doc_id, "source_sha256")),
                            f"documents.{doc_id}.source_sha256",
                            f"'{document.source_file}' in {sources.folder} has SHA-256 {digest}: "
                            "not the text this file cites",
                        )
                    )

        seen_items: dict[str, int] = {}
        seen_parameters: dict[str, int] = {}
        for topic, items in region.model.policies.items():
            for index, item in enumerate(items):
                loc = ("policies", topic, index, "id")
                if item.id in seen_items:
                    problems.append(
                        Problem(
                            region.file,
                            region.line(loc),
                            f"{topic}/{item.id}",
                            f"duplicate item id (first at line {seen_items[item.id]})",
                        )
                    )
                seen_items.setdefault(item.id, region.line(loc))
        ancestor_parameters = {
            pid for ancestor in policy.ancestors(region.id) for *_, pid, _, _ in _param_ids(regions[ancestor])
        }
        for topic, _index, parameter_id, parameter, loc in region.parameters():
            line = region.line(loc)
            if parameter_id in seen_parameters:
                problems.append(
                    Problem(
                        region.file,
                        line,
                        parameter_id,
                        f"duplicate parameter id (first at line {seen_parameters[parameter_id]})",
                    )
                )
            seen_parameters.setdefault(parameter_id, line)
            if parameter_id.split(".", 1)[0] != topic:
                problems.append(
                    Problem(
                        region.file, line, parameter_id, f"sits under topic {topic}: its id must start with '{topic}.'"
                    )
                )
            # One row per id on the topic pages: the catalog says what the id means, once.
            entry_info = policy.catalog.get(parameter_id)
            if entry_info is None:
                problems.append(
                    Problem(region.file, line, parameter_id, f"not in the parameter catalog (add it to {CATALOG_FILE})")
                )
                continue
            for field_name in ("unit", "kind"):
                mine = getattr(parameter, field_name)
                theirs = getattr(entry_info, field_name)
                if mine is not None and mine != theirs:
                    problems.append(
                        Problem(
                            region.file,
                            region.line((*loc, field_name)),
                            parameter_id,
                            f"{field_name} '{mine}' disagrees with the catalog ('{theirs}' in {CATALOG_FILE})",
                        )
                    )
            shape_problems = value_problems(parameter.values, entry_info)
            for start, where_in, reason in shape_problems:
                path = parameter_id + (f" values.{start}." + ".".join(map(str, where_in)) if len(where_in) > 1 else "")
                problems.append(Problem(region.file, region.line((*loc, "values", start, *where_in)), path, reason))
            if shape_problems:
                continue
            for start, entry in parameter.values.items():
                limits = [((), entry.at_most)]
                limits += [(("breakdown", key), part.at_most) for key, part in (entry.breakdown or {}).items()]
                for where_in, at_most in limits:
                    if at_most is None:
                        continue
                    limit = policy.catalog.get(at_most)
                    if limit is None or limit.unit != entry_info.unit:
                        reason = (
                            f"at_most names '{at_most}', which is not in the catalog"
                            if limit is None
                            else f"at_most names '{at_most}' in {limit.unit}, not {entry_info.unit}"
                        )
                        problems.append(
                            Problem(
                                region.file,
                                region.line((*loc, "values", start, *where_in, "at_most")),
                                parameter_id,
                                reason,
                            )
                        )
            if parameter.refines and parameter.refines not in ancestor_parameters:
                problems.append(
                    Problem(
                        region.file,
                        region.line((*loc, "refines")),
                        parameter_id,
                        f"refines '{parameter.refines}', which no parent region defines",
                    )
                )
            for start, where_in, reference, figures in figures_with_references(parameter, entry_info):
                ref_loc = (*loc, "values", start, *where_in, "reference")
                where = f"{parameter_id} values.{start}" + "".join(f".{part}" for part in where_in)
                reference_problems = _reference_problems(
                    region,
                    ref_loc,
                    where,
                    reference,
                    document_models,
                    sources,
                    "quote the few characters that state the figure",
                )
                problems.extend(reference_problems)
                if reference.document not in document_models:
                    continue
                for name, value, unit in figures if reference.evidence else ():
                    if not value_readable_from(value, unit, reference.evidence or ""):
                        problems.append(
                            Problem(
                                region.file,
                                region.line((*loc, "values", start, *where_in, name)),
                                where,
                                f"{name} {value} cannot be read from evidence '{reference.evidence}'",
                            )
                        )
        for number, statement in enumerate(region.model.applying):
            loc = ("applying", number, "reference")
            where = f"applying.{statement.id}"
            problems.extend(
                _reference_problems(
                    region, loc, where, statement.reference, document_models, sources, "quote the words that say it"
                )
            )
        statement_ids = [statement.id for statement in region.model.applying]
        for statement_id in sorted({i for i in statement_ids if statement_ids.count(i) > 1}):
            problems.append(
                Problem(region.file, region.line(("applying",)), f"applying.{statement_id}", "duplicate id")
            )
    return problems


def _reference_problems(
    region: LoadedRegion,
    loc: Loc,
    where: str,
    reference: Any,
    documents: dict[str, Any],
    sources: SourceTexts | None,
    evidence_hint: str,
) -> list[Problem]:
    """What is wrong with one reference: an unknown document, or evidence missing or not in the text."""
    if reference.document not in documents:
        line = region.line((*loc, "document"))
        return [Problem(region.file, line, where, f"unknown document id '{reference.document}'")]
    source_file = documents[reference.document].source_file
    if not source_file:
        return []
    if not reference.evidence:
        return [Problem(region.file, region.line(loc), where, f"evidence missing ({evidence_hint})")]
    if sources is not None and sources.available and sources.contains(source_file, reference.evidence) is False:
        line = region.line((*loc, "evidence"))
        return [Problem(region.file, line, where, f"evidence '{reference.evidence}' not found in {source_file}")]
    return []


Figures = list[tuple[str, object, str]]


def figures_with_references(
    parameter: Parameter, entry_info: CatalogEntry
) -> Iterator[tuple[str, Loc, Reference, Figures]]:
    """(date, location under the dated value, reference, figures it must state) for every reference.

    A band or breakdown key with its own reference must state its own figures there; the figures
    of bands and keys without one must be stated by the dated value's reference. A band's threshold
    of 0 (the start of the first band) is not a figure the source needs to print.
    """
    for start, entry in parameter.values.items():
        shared: Figures = []
        parts: list[tuple[Loc, Reference | None, Figures]] = []
        if entry.bands is not None and entry_info.scale is not None:
            threshold_unit = entry_info.scale.threshold_unit
            for index, band in enumerate(entry.bands):
                figures: Figures = [("value", band.value, entry_info.unit)]
                if band.threshold != 0:
                    figures.append(("threshold", band.threshold, threshold_unit))
                parts.append((("bands", index), band.reference, figures))
        elif entry.breakdown is not None:
            for key, part in entry.breakdown.items():
                figures = [("value", part.value, entry_info.unit)] if part.is_stated else []
                parts.append((("breakdown", key), part.reference, figures))
        elif entry.is_stated:
            shared.append(("value", entry.value, entry_info.unit))
        for where_in, reference, figures in parts:
            if reference is None:
                shared.extend((f"{'.'.join(map(str, where_in))}.{name}", value, unit) for name, value, unit in figures)
        yield start, (), entry.reference, shared
        for where_in, reference, figures in parts:
            if reference is not None:
                yield start, where_in, reference, figures


def _param_ids(region: LoadedRegion) -> Iterable[tuple[str, int, str, Parameter, Loc]]:
    return region.parameters()


def load_policy_data(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path | None = DEFAULT_SEEDS_DIR) -> PolicyData:
    """All region files, validated one by one and against each other. Raises PolicyDataError."""
    problems: list[Problem] = []
    policy = PolicyData()
    files = sorted(path for path in data_dir.glob("*.yaml") if path.name != CATALOG_FILE)
    if not files:
        raise PolicyDataError([Problem(str(data_dir), 0, "", "no region files (*.yaml) found")])
    catalog_path = data_dir / CATALOG_FILE
    policy.catalog, policy.catalog_lines, catalog_problems = load_catalog(catalog_path)
    policy.catalog_file = _display_path(catalog_path)
    problems.extend(catalog_problems)
    # Each file on its own (in forked workers when they are many: scripts/parallel.py).
    for region, file_problems in fork_map(lambda path: load_file(path, _display_path(path)), files):
        problems.extend(file_problems)
        if region is not None:
            if region.id in policy.regions:
                problems.append(
                    Problem(
                        region.file,
                        region.line(("region", "id")),
                        "region.id",
                        f"duplicate region id (also in {policy.regions[region.id].file})",
                    )
                )
            policy.regions[region.id] = region
    if ROOT_REGION not in policy.regions and not problems:
        problems.append(Problem(str(data_dir), 0, "", f"the national baseline {ROOT_REGION}.yaml is missing"))
    if not problems:
        sources = SourceTexts(seeds_dir) if seeds_dir is not None else None
        problems.extend(_cross_file_problems(policy, sources))
    if problems:
        raise PolicyDataError(problems)
    policy.regions = {rid: policy.regions[rid] for rid in _region_order(policy.regions)}
    return policy


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- compiling to the JSON the calculator and the pages read ---------------------------


# YAML's folded blocks (>-) join lines with a space, which is wrong between Chinese characters.
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’、，。；：（）《》]"
_FOLD_SPACE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def tidy_text(value: Any) -> Any:
    """Drop line-fold spaces between Chinese characters in every string of the compiled data."""
    if isinstance(value, str):
        return _FOLD_SPACE.sub("", value)
    if isinstance(value, dict):
        return {key: tidy_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [tidy_text(item) for item in value]
    return value


def compile_policy_data(policy: PolicyData) -> dict[str, Any]:
    regions: dict[str, Any] = {}
    documents: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    parameters: dict[str, dict[str, Any]] = {}
    applying: dict[str, list[dict[str, Any]]] = {}
    for order, (region_id, region) in enumerate(policy.regions.items()):
        applying[region_id] = [statement.model_dump() for statement in region.model.applying]
        info = region.model.region
        regions[region_id] = {
            **info.model_dump(),
            "order": order,
            "data_as_of": data_as_of(region),
            "data_as_of_text": data_as_of_text(region),
            "ancestors": policy.ancestors(region_id),
            "file": region.file,
        }
        for doc_id, document in region.model.documents.items():
            documents[doc_id] = {"id": doc_id, "region": region_id, **document.model_dump()}
        region_parameters: dict[str, Any] = {}
        for topic, topic_items in region.model.policies.items():
            for item in topic_items:
                items.append(
                    {
                        "region": region_id,
                        "topic": topic,
                        "id": item.id,
                        "title": item.title,
                        "summary": item.summary,
                        "applies_to": list(item.applies_to),
                        "parameters": list(item.parameters),
                    }
                )
                for parameter_id, parameter in item.parameters.items():
                    region_parameters[parameter_id] = _compile_parameter(
                        parameter, policy.catalog[parameter_id], topic, item.id, item.applies_to
                    )
        parameters[region_id] = region_parameters
    return tidy_text(
        {
            "schema_version": SCHEMA_VERSION,
            "topics": TOPICS,
            "catalog": {pid: entry.model_dump(exclude_none=True) for pid, entry in policy.catalog.items()},
            "regions": regions,
            "documents": documents,
            "items": items,
            "parameters": parameters,
            "applying": applying,
        }
    )


def data_as_of(region: LoadedRegion) -> str | None:
    """The date of the newest document the region file cites (a year or month alone counts from its start)."""
    dates = []
    for document in region.model.documents.values():
        year, month, day = [*document.issued.split("-"), "01", "01"][:3]
        dates.append(f"{year}-{month}-{day}")
    return max(dates, default=None)


def data_as_of_text(region: LoadedRegion) -> str | None:
    """The newest document date as precisely as it is known, to the month: '2018年2月', or '2018年'."""
    newest = data_as_of(region)
    if newest is None:
        return None
    written = max(
        (document.issued for document in region.model.documents.values()),
        key=lambda issued: ([*issued.split("-"), "01", "01"][:3], -len(issued)),
    )
    return format_date(written[:7])


def _compile_parameter(
    parameter: Parameter, entry_info: CatalogEntry, topic: str, item_id: str, item_groups: list[str]
) -> dict[str, Any]:
    """The region's values with the catalog's label, unit and kind (one row per id on the pages)."""
    values = []
    for start, entry in parameter.values.items():
        status = "not_stated" if entry.not_stated else ("repealed" if entry.repealed else "stated")
        values.append(
            {
                "from": start,
                "until": entry.until,
                "status": status,
                "value": None if status != "stated" else _compiled_value(entry),
                "qualifier": entry.qualifier,
                "at_most": entry.at_most,
                "date_basis": entry.date_basis,
                "date_note": entry.date_note,
                "note": entry.note,
                "reference": entry.reference.model_dump(),
            }
        )
    return {
        "topic": topic,
        "item": item_id,
        "label": entry_info.label,
        "unit": entry_info.unit,
        "counter": entry_info.counter,
        "aspect": entry_info.aspect,
        "kind": entry_info.kind,
        "scale": entry_info.scale.model_dump() if entry_info.scale else None,
        "breakdown": entry_info.breakdown,
        "statistic": entry_info.statistic,
        "fallback": entry_info.fallback,
        "applies_to": list(parameter.applies_to or item_groups),
        "requires": list(parameter.requires),
        "area": parameter.area,
        "refines": parameter.refines,
        "description": parameter.description,
        "values": values,
    }


def _compiled_value(entry: DatedValue) -> Any:
    """A scalar as written; a scale as its bands, ascending; a breakdown as key -> part. Bands and
    keys keep their own reference where they have one (the page and the calculator cite it)."""
    if entry.bands is not None:
        return [
            {
                "threshold": band.threshold,
                "value": band.value,
                "qualifier": band.qualifier,
                "note": band.note,
                "reference": band.reference.model_dump() if band.reference else None,
            }
            for band in entry.bands
        ]
    if entry.breakdown is not None:
        return {
            key: {
                "status": "not_stated" if part.not_stated else ("repealed" if part.value is None else "stated"),
                "value": part.value if part.is_stated else None,
                "qualifier": part.qualifier,
                "at_most": part.at_most,
                "requires": list(part.requires),
                "note": part.note,
                "reference": part.reference.model_dump() if part.reference else None,
            }
            for key, part in entry.breakdown.items()
        }
    return entry.value


def write_compiled(policy: PolicyData, target: Path) -> dict[str, Any]:
    compiled = compile_policy_data(policy)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Compact: the file is for programs (the pages, the calculator's wheel), and without indent json
    # uses its C encoder, several times faster than the Python one indent needs.
    target.write_text(json.dumps(compiled, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return compiled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate policy_data/*.yaml (and optionally write the compiled JSON)."
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="folder of region files")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS_DIR, help="folder of source documents")
    parser.add_argument("--output", type=Path, help="write the compiled JSON here")
    args = parser.parse_args(argv)
    try:
        policy = load_policy_data(args.data, args.seeds)
    except PolicyDataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return 1
    if not args.seeds.is_dir():
        print(f"note: source documents not found at {args.seeds}; evidence was not checked", file=sys.stderr)
    if args.output:
        write_compiled(policy, args.output)
    count = sum(1 for region in policy.regions.values() for _ in region.parameters())
    print(f"ok: {len(policy.regions)} regions, {count} parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
