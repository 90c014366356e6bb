"""Render the comparison website's pages from the compiled policy data (jinja2, autoescaped).

`render_pages(compiled, docs_dir)` writes, fresh on every build (all git-ignored):

    docs/index.md                        首页
    docs/about.md                        关于本站 (links the pages about the site, which stay off the nav)
    docs/topics/index.md, <topic>.md     one comparison matrix per topic
    docs/topics/columns/<topic>/<region>.js  a region's column of that matrix, loaded when chosen
    docs/regions/index.md, <region>.md   everything about one region
    docs/sources/index.md, <doc>.md      one page per source document
    docs/downloads/index.md              the data as JSON and CSV (UTF-8 with BOM)
    docs/generated/glossary.md           the 术语表 entries (docs/glossary.md includes them)
    docs/generated/nav.yml               the navigation; mkdocs.yml INHERITs it

Every figure on these pages comes from `compiled`; the words around them come from the
templates in scripts/templates/ and the hand-written texts in docs/includes/.
Stored values become text only through calculator.vocabulary (`format_value`, `format_date`).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import posixpath
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from markupsafe import Markup, escape

from calculator.data import inheritance_source
from calculator.messages import band_text
from calculator.vocabulary import (
    ASPECTS,
    BREAKDOWN_KEYS,
    DATE_BASES,
    DOCUMENT_KINDS,
    GROUPS,
    PARAMETER_KINDS,
    TOPIC_SHORT_NAMES,
    TOPICS,
    UNITS,
    VALUE_STATUSES,
    format_date,
    format_value,
)
from scripts.parallel import fork_map
from scripts.raw_html import set_aside
from scripts.templating import markdown_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Folders under docs/ that belong to this renderer alone: emptied before each render so a
# removed region or document leaves no stale page behind.
GENERATED_FOLDERS = ("topics", "regions", "sources", "downloads")
DOWNLOAD_JSON = "policy_data.json"
DOWNLOAD_CSV = "policy_data.csv"
# The calculator page (估算待遇) is written by its own build step; when it exists the
# navigation and the home page link to it.
CALCULATOR_PAGE = "calculator.md"
# Written by benchmarks/ (make bench) with the measured figures; listed when present.
BENCHMARKS_PAGE = "benchmarks.md"
# Pages about the site itself rather than the policies: out of the navigation, listed on the
# 关于本站 page (the last navigation entry), and ranked after every public page by the site search.
ABOUT_PAGE = "about.md"
ABOUT_PAGES = (ABOUT_PAGE, "data-guide.md", BENCHMARKS_PAGE)

# The CSV's columns and what each means (the downloads page lists them).
CSV_COLUMNS = {
    "地区编号": "地区的英文编号，与网址中的编号相同",
    "地区": "地区名称",
    "主题": "养老保险、医疗保障等主题",
    "参数编号": "该项目的固定编号，对比表中每一行的链接也用它",
    "名称": "该项目的中文名称",
    "数值": (
        "原始数值：比例写百分数本身（60 表示 60%），是否类写 true / false，原文未规定时为空；"
        "分段标准写成 [[起点, 数值], …]，分项标准写成 {项目: 数值}"
    ),
    "单位": "数值的单位",
    "显示为": "网页上显示的写法（含单位和“约”“不低于”等限定词）",
    "起始日期": "从哪天起适用（统计数字为截至日期）",
    "截止日期": "适用到哪天为止；空表示原文没有写明截止",
    "状态": "有规定 / 原文未规定 / 停止执行",
    "类别": "政策规定或统计数字",
    "文件名称": "依据文件的标题",
    "文号": "依据文件的文号（没有文号的为空）",
    "条款": "依据文件中的章节或条款",
    "原文摘录": "原文中写明该数值的原话（本站未收录原文的文件为空）",
}
NOT_STATED = VALUE_STATUSES["not_stated"]


class PageDataError(ValueError):
    """The hand-written texts in docs/includes/ do not fit the data (missing topic, bad entry)."""


# --- hand-written texts ---------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: str
    explanation: str
    also: tuple[str, ...] = ()


def load_glossary(path: Path) -> list[GlossaryEntry]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries, seen = [], set()
    for index, item in enumerate(raw or []):
        try:
            entry = GlossaryEntry(
                id=str(item["id"]),
                term=str(item["term"]),
                explanation=one_line(item["explanation"]),
                also=tuple(str(word) for word in item.get("also", [])),
            )
        except (KeyError, TypeError) as error:
            raise PageDataError(f"{path} entry {index + 1}: needs id, term and explanation ({error})") from None
        if not re.fullmatch(r"[a-z][a-z0-9_]*", entry.id):
            raise PageDataError(f"{path} entry {index + 1}: id {entry.id!r} must be lowercase ASCII")
        for word in (entry.id, entry.term, *entry.also):
            if word in seen:
                raise PageDataError(f"{path}: {word!r} appears twice")
            seen.add(word)
        entries.append(entry)
    return entries


def load_topic_intros(path: Path) -> dict[str, str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing, unknown = set(TOPICS) - set(raw), set(raw) - set(TOPICS)
    if missing or unknown:
        raise PageDataError(f"{path}: topics missing {sorted(missing)}, unknown {sorted(unknown)}")
    return {topic: one_line(raw[topic]) for topic in TOPICS}


class Hints:
    """Wraps glossary terms in <abbr> so tables and summaries explain them on hover or tap.

    Only a term's first hint on a page takes keyboard focus (which is also what a tap gives on a
    phone); focusing every repetition would add dozens of stops to the tab order.
    """

    def __init__(self, glossary: Iterable[GlossaryEntry]) -> None:
        self.focusable_given: set[str] = set()
        self.explanations: dict[str, str] = {}
        for entry in glossary:
            for word in (entry.term, *entry.also):
                self.explanations[word] = entry.explanation
        # Longest first, so 特困人员 wins over 特困 and 社会保险经办机构 over 经办机构.
        words = sorted(self.explanations, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(word) for word in words)) if words else None

    def __call__(self, text: object) -> Markup:
        escaped = str(escape(text))
        if self.pattern is None:
            return Markup(escaped)

        def wrap(match: re.Match[str]) -> str:
            word = match.group(0)
            title = escape(self.explanations[word])
            focus = "" if word in self.focusable_given else ' tabindex="0"'
            self.focusable_given.add(word)
            return f'<abbr title="{title}"{focus}>{word}</abbr>'

        return Markup(self.pattern.sub(wrap, escaped))

    def new_page(self) -> None:
        self.focusable_given.clear()


# --- the view of the data the templates read ------------------------------------------


@dataclass(frozen=True)
class Citation:
    document: str
    section: str
    evidence: str | None
    note: str | None

    @classmethod
    def of(cls, reference: dict[str, Any]) -> Citation:
        return cls(reference["document"], reference["section"], reference.get("evidence"), reference.get("note"))


@dataclass(frozen=True)
class Piece:
    """One band of a scale or key of a breakdown as the reader sees it, with its own citation
    where the source states it apart (None: the dated value's citation covers it)."""

    label: str
    text: str
    citation: Citation | None


@dataclass(frozen=True)
class Entry:
    """One dated value as the reader sees it."""

    start: str
    until: str | None
    status: str
    text: str
    note: str | None
    date_basis: str
    date_note: str | None
    statistic: bool
    citation: Citation
    # A scale's bands or a breakdown's keys (empty for a plain figure).
    pieces: tuple[Piece, ...] = ()

    @property
    def citations(self) -> list[Citation]:
        """The dated value's citation, then the bands' or keys' own, each once."""
        found = [self.citation, *(piece.citation for piece in self.pieces if piece.citation is not None)]
        return list(dict.fromkeys(found))

    @property
    def stated(self) -> bool:
        return self.status == "stated"

    @property
    def date_text(self) -> str:
        if self.statistic:
            return f"截至{format_date(self.start)}"
        if self.until:
            return f"{format_date(self.start)}起至{format_date(self.until)}"
        return f"{format_date(self.start)}起"

    @property
    def date_basis_text(self) -> str | None:
        """Why the date is what it is, when the document does not print it."""
        if self.date_basis == "stated":
            return None
        return DATE_BASES[self.date_basis] + ("：" + self.date_note if self.date_note else "")


def pieces_of(parameter: dict[str, Any], value: Any) -> tuple[Piece, ...]:
    """The bands of a scale (ascending) or the keys of a breakdown (in vocabulary order), readable."""
    unit, counter = parameter["unit"], parameter.get("counter")

    def cited(raw: dict[str, Any]) -> Citation | None:
        return Citation.of(raw["reference"]) if raw.get("reference") else None

    if isinstance(value, list):
        scale = parameter.get("scale") or {}
        pieces = []
        for index, band in enumerate(value):
            upper = value[index + 1]["threshold"] if index + 1 < len(value) else None
            label = band_text(
                scale.get("threshold_label", ""), band["threshold"], upper, scale.get("threshold_unit", "number")
            )
            text = format_value(band["value"], unit, counter=counter, qualifier=band.get("qualifier"))
            pieces.append(Piece(label, text, cited(band)))
        return tuple(pieces)
    names = BREAKDOWN_KEYS.get(parameter.get("breakdown") or "", {})
    order = {key: index for index, key in enumerate(names)}
    pieces = []
    for key, part in sorted(value.items(), key=lambda item: order.get(item[0], len(order))):
        if part["status"] == "stated":
            text = format_value(part["value"], unit, counter=counter, qualifier=part.get("qualifier"))
        else:
            text = VALUE_STATUSES[part["status"]]
        pieces.append(Piece(names.get(key, key), text, cited(part)))
    return tuple(pieces)


def entries_of(parameter: dict[str, Any]) -> list[Entry]:
    entries = []
    for value in parameter["values"]:
        pieces: tuple[Piece, ...] = ()
        if value["status"] == "stated" and isinstance(value["value"], (list, dict)):
            pieces = pieces_of(parameter, value["value"])
            text = "；".join(f"{piece.label} {piece.text}" for piece in pieces)
        elif value["status"] == "stated":
            text = format_value(
                value["value"], parameter["unit"], counter=parameter.get("counter"), qualifier=value.get("qualifier")
            )
        else:
            text = VALUE_STATUSES[value["status"]]
        entries.append(
            Entry(
                start=value["from"],
                until=value.get("until"),
                status=value["status"],
                text=text,
                note=value.get("note"),
                date_basis=value.get("date_basis", "stated"),
                date_note=value.get("date_note"),
                statistic=bool(parameter.get("statistic")),
                citation=Citation.of(value["reference"]),
                pieces=pieces,
            )
        )
    return entries


class Footnotes:
    """Numbered citations under one table: the same document, section and quote share a number."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.numbers: dict[Citation, int] = {}
        # Regions per citation, each with its place in first-use order (a dict: a national document
        # cited in every region's column made a list's membership test grow with the square of the
        # regions).
        self.regions: dict[Citation, dict[str, int]] = {}
        # Citations per region, so that one region's footnotes are found without looking at every
        # citation's users (a national citation has thousands of them).
        self.by_region: dict[str, dict[Citation, None]] = {}

    def number(self, citation: Citation, region: str) -> int:
        number = self.numbers.setdefault(citation, len(self.numbers) + 1)
        users = self.regions.setdefault(citation, {})
        users.setdefault(region, len(users))
        self.by_region.setdefault(region, {})[citation] = None
        return number

    def anchor(self, number: int) -> str:
        return f"{self.prefix}-{number}"

    def listed(self, regions: Iterable[str] | None = None) -> list[tuple[int, Citation, list[str]]]:
        """(number, citation, the regions citing it) for the citations these regions (default: all) use."""
        if regions is None:
            return [(number, citation, list(self.regions[citation])) for citation, number in self.numbers.items()]
        wanted = set(regions)
        cited = {citation for region in wanted for citation in self.by_region.get(region, ())}
        listed = []
        for citation in sorted(cited, key=self.numbers.__getitem__):
            users = self.regions[citation]  # region → its place in first-use order
            if len(wanted) < len(users):
                chosen = sorted((region for region in wanted if region in users), key=users.__getitem__)
            else:
                chosen = [region for region in users if region in wanted]
            listed.append((self.numbers[citation], citation, chosen))
        return listed


@dataclass
class Cell:
    region: str
    origin: str  # "own", "inherited" (an ancestor's value), "floor" (an ancestor's value as a minimum) or "silent"
    inherited_from: str | None
    entries: list[tuple[Entry, int]]
    area: str | None
    refines: str | None
    refined_by: list[str]
    statistic: bool

    @property
    def current(self) -> Entry | None:
        return self.entries[-1][0] if self.entries else None

    @property
    def compare_key(self) -> str:
        """What the cell says today, for spotting rows where regions differ ('' if no figure)."""
        current = self.current
        return current.text if current is not None and current.stated else ""


@dataclass
class Row:
    id: str
    topic: str
    label: str
    description: str | None
    unit: str
    aspect: str
    statistic: bool
    cells: list[Cell]

    def cells_of(self, regions: Iterable[str]) -> list[Cell]:
        wanted = set(regions)
        return [cell for cell in self.cells if cell.region in wanted]

    def differs_among(self, regions: Iterable[str]) -> bool:
        """A rule (not a statistic) whose current figure is not the same in every one of these regions
        that states one."""
        return not self.statistic and len({cell.compare_key for cell in self.cells_of(regions)} - {""}) > 1

    def cell_of(self, region_id: str) -> Cell:
        return self._by_region[region_id]

    @functools.cached_property
    def _by_region(self) -> dict[str, Cell]:
        return {cell.region: cell for cell in self.cells}


@dataclass
class Table:
    aspect: str
    rows: list[Row]
    footnotes: Footnotes


@dataclass
class SiteData:
    """The compiled data, indexed the ways the pages need it."""

    compiled: dict[str, Any]
    regions: dict[str, dict[str, Any]] = field(init=False)
    documents: dict[str, dict[str, Any]] = field(init=False)
    parameters: dict[str, dict[str, dict[str, Any]]] = field(init=False)
    items: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.regions = self.compiled["regions"]
        self.documents = self.compiled["documents"]
        self.parameters = self.compiled["parameters"]
        self.items = self.compiled["items"]

    entries_of = staticmethod(entries_of)

    def region_name(self, region_id: str) -> str:
        return str(self.regions[region_id]["name"])

    def topic_parameter_ids(self, topic: str) -> list[str]:
        ids = {pid for params in self.parameters.values() for pid, p in params.items() if p["topic"] == topic}
        return sorted(ids)

    def first_definition(self, parameter_id: str) -> dict[str, Any]:
        """The parameter as the first region in order (national first) defines it."""
        return self._first_definitions[parameter_id]

    @functools.cached_property
    def _first_definitions(self) -> dict[str, dict[str, Any]]:
        # Asked for every cell of every topic table: scanning the regions each time grew with rows × regions².
        first: dict[str, dict[str, Any]] = {}
        for params in self.parameters.values():
            for parameter_id, parameter in params.items():
                first.setdefault(parameter_id, parameter)
        return first

    @functools.cached_property
    def _refinements(self) -> dict[str, dict[str, list[str]]]:
        """region → parameter → the region's parameters that refine it (sorted). Every cell asks;
        scanning the region's parameters each time cost rows × regions × parameters."""
        index: dict[str, dict[str, list[str]]] = {}
        for region_id, params in self.parameters.items():
            for pid, parameter in sorted(params.items()):
                refined = parameter.get("refines")
                if refined and refined != pid:
                    index.setdefault(region_id, {}).setdefault(refined, []).append(pid)
        return index

    def topic_of(self, parameter_id: str) -> str:
        return str(self.first_definition(parameter_id)["topic"])

    def cell(self, region_id: str, parameter_id: str, footnotes: Footnotes) -> Cell:
        own = self.parameters[region_id].get(parameter_id)
        refined_by = self._refinements.get(region_id, {}).get(parameter_id, [])
        if own is not None:
            return self._filled_cell(region_id, own, "own", None, refined_by, footnotes)
        statistic = bool(self.first_definition(parameter_id).get("statistic"))
        # The catalog's fallback decides, by the same rule the calculator follows: statistics and
        # figures recorded for one named area are never inherited (fallback none); a national minimum
        # is shown as one (floor).
        fallback = self.compiled["catalog"][parameter_id]["fallback"]
        chain = (region_id, *self.regions[region_id]["ancestors"])
        source = inheritance_source(chain, lambda region: parameter_id in self.parameters[region], fallback)
        if source is not None:
            origin = "floor" if fallback == "floor" else "inherited"
            return self._filled_cell(
                region_id, self.parameters[source][parameter_id], origin, source, refined_by, footnotes
            )
        return Cell(region_id, "silent", None, [], None, None, refined_by, statistic)

    def _filled_cell(
        self,
        region_id: str,
        parameter: dict[str, Any],
        origin: str,
        inherited_from: str | None,
        refined_by: list[str],
        footnotes: Footnotes,
    ) -> Cell:
        entries = entries_of(parameter)
        if origin in {"inherited", "floor"}:
            # The ancestor's own column shows its whole history; here only what applies now.
            entries = entries[-1:]
        numbered = [(entry, footnotes.number(entry.citation, region_id)) for entry in entries]
        return Cell(
            region=region_id,
            origin=origin,
            inherited_from=inherited_from,
            entries=numbered,
            area=parameter.get("area"),
            refines=parameter.get("refines"),
            refined_by=refined_by,
            statistic=bool(parameter.get("statistic")),
        )

    def topic_tables(self, topic: str, inline: list[str] | None = None) -> list[Table]:
        """The topic's tables with a cell for every region. Footnotes are numbered row by row across the
        `inline` regions (the columns the page itself carries; all by default), then column by column for
        each other region, so a column loaded later brings numbers of its own, in one run."""
        inline = list(self.regions) if inline is None else inline
        later = [region_id for region_id in self.regions if region_id not in set(inline)]
        by_aspect: dict[str, list[str]] = {}
        for pid in self.topic_parameter_ids(topic):
            by_aspect.setdefault(self.first_definition(pid)["aspect"], []).append(pid)
        tables = []
        for aspect in ASPECTS:
            if aspect not in by_aspect:
                continue
            footnotes = Footnotes(f"fn-{aspect}")
            cells: dict[str, dict[str, Cell]] = {pid: {} for pid in by_aspect[aspect]}
            for pid in by_aspect[aspect]:
                for region_id in inline:
                    cells[pid][region_id] = self.cell(region_id, pid, footnotes)
            for region_id in later:
                for pid in by_aspect[aspect]:
                    cells[pid][region_id] = self.cell(region_id, pid, footnotes)
            rows = []
            for pid in by_aspect[aspect]:
                first = self.first_definition(pid)
                rows.append(
                    Row(
                        id=pid,
                        topic=topic,
                        label=first["label"],
                        description=first.get("description"),
                        unit=first["unit"],
                        aspect=aspect,
                        statistic=bool(first.get("statistic")),
                        cells=[cells[pid][region_id] for region_id in self.regions],
                    )
                )
            tables.append(Table(aspect, rows, footnotes))
        return tables

    def inherited_figures(self, region_id: str) -> list[tuple[str, list[tuple[str, Cell]]]]:
        """(topic, [(parameter id, cell)]) for the figures the region takes from an ancestor: the rules
        its own file does not state that hold there under the catalog's fallback (inherit or floor),
        by the same rule as the tables and the calculator (calculator.data.inheritance_source)."""
        own = self.parameters[region_id]
        ancestors = self.regions[region_id]["ancestors"]
        candidates = sorted({pid for ancestor in ancestors for pid in self.parameters[ancestor]} - set(own))
        by_topic: dict[str, list[tuple[str, Cell]]] = {}
        footnotes = Footnotes("fn-inherited")  # the region page quotes the sources beside each figure
        for pid in candidates:
            cell = self.cell(region_id, pid, footnotes)
            if cell.origin in {"inherited", "floor"}:
                by_topic.setdefault(self.topic_of(pid), []).append((pid, cell))
        return [(topic, by_topic[topic]) for topic in TOPICS if topic in by_topic]

    def province_groups(self) -> list[tuple[str, str, list[str]]]:
        """(key, province, regions) in the regions' order. The key is the province's region id when the data
        has one, else a digest of its name: stable, ASCII, usable in a file name."""
        groups: dict[str, tuple[str, str, list[str]]] = {}
        for region_id in self.regions:
            name = self.province_of(region_id)
            key = (
                next(
                    (
                        rid
                        for rid in (region_id, *self.regions[region_id]["ancestors"])
                        if self.region_name(rid) == name
                    ),
                    None,
                )
                or "x" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
            )
            groups.setdefault(key, (key, name, []))[2].append(region_id)
        return list(groups.values())

    def province_of(self, region_id: str) -> str:
        """The province a region belongs to, for grouping long region lists: the nearest ancestor (or the
        region itself) at province level, else the first name of its administrative path."""
        for candidate in (region_id, *self.regions[region_id]["ancestors"]):
            if self.regions[candidate]["level"] == "省":
                return self.region_name(candidate)
        admin_path = self.regions[region_id].get("admin_path") or []
        return str(admin_path[0]) if admin_path else self.region_name(region_id)

    def region_items(self, region_id: str, topic: str | None = None) -> list[dict[str, Any]]:
        return [item for item in self._items_by_region.get(region_id, []) if topic is None or item["topic"] == topic]

    def documents_of_region(self, region_id: str) -> list[str]:
        return list(self._documents_by_region.get(region_id, []))

    def documents_based_on(self, document_id: str) -> list[str]:
        return list(self._documents_based_on.get(document_id, {}))

    # Each page asks these of one region or document; scanning all items or documents per question
    # made the pages as a whole grow with the square of the regions.
    @functools.cached_property
    def _items_by_region(self) -> dict[str, list[dict[str, Any]]]:
        index: dict[str, list[dict[str, Any]]] = {}
        for item in self.items:
            index.setdefault(item["region"], []).append(item)
        return index

    @functools.cached_property
    def _documents_by_region(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for doc_id, doc in self.documents.items():
            index.setdefault(doc["region"], []).append(doc_id)
        return index

    @functools.cached_property
    def _documents_based_on(self) -> dict[str, dict[str, None]]:
        index: dict[str, dict[str, None]] = {}
        for doc_id, doc in self.documents.items():
            for base in doc.get("based_on", []):
                index.setdefault(base, {})[doc_id] = None
        return index

    def region_documents(self, region_id: str) -> list[str]:
        """Documents the region registers, then any other document its figures cite."""
        own = self.documents_of_region(region_id)
        cited = [
            value["reference"]["document"]
            for parameter in self.parameters[region_id].values()
            for value in parameter["values"]
        ]
        return own + [doc_id for doc_id in dict.fromkeys(cited) if doc_id not in own]

    def figures_citing(self, document_id: str) -> list[tuple[str, str, dict[str, Any], Entry]]:
        """(region, parameter id, parameter, entry) for every dated value that cites the document."""
        return self._figures_by_document.get(document_id, [])

    @functools.cached_property
    def _figures_by_document(self) -> dict[str, list[tuple[str, str, dict[str, Any], Entry]]]:
        # One pass over all values: asking each document in turn would grow with documents × values.
        index: dict[str, list[tuple[str, str, dict[str, Any], Entry]]] = {}
        for region_id, params in self.parameters.items():
            for pid, parameter in params.items():
                for entry in entries_of(parameter):
                    for document in dict.fromkeys(citation.document for citation in entry.citations):
                        index.setdefault(document, []).append((region_id, pid, parameter, entry))
        return index

    def document_date_range(self) -> tuple[str, str]:
        dates = sorted(str(doc["issued"]) for doc in self.documents.values())
        return dates[0], dates[-1]


# --- links between pages ----------------------------------------------------------------


def html_path(page: str) -> str:
    """'topics/medical.md' → 'topics/medical.html' (use_directory_urls is off for file:// use)."""
    return page.removesuffix(".md") + ".html"


def relative_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    target = _relative_path(posixpath.dirname(from_page) or ".", html_path(to_page))
    return target + ("#" + anchor if anchor else "")


@functools.lru_cache(maxsize=65536)
def _relative_path(from_folder: str, to_path: str) -> str:
    # posixpath.relpath is slow and a page makes hundreds of links into the same few folders.
    return posixpath.relpath(to_path, from_folder)


def topic_page(topic: str) -> str:
    return f"topics/{topic}.md"


def region_page(region_id: str) -> str:
    return f"regions/{region_id}.md"


def source_page(document_id: str) -> str:
    return f"sources/{document_id}.md"


# A province's page of the regions or sources index (only when the regions are many). Region and
# document ids are lowercase, so the upper-case prefix keeps these names apart from theirs.
GROUP_PAGE_PREFIX = "P_"


def group_page(folder: str, key: str) -> str:
    return f"{folder}/{GROUP_PAGE_PREFIX}{key}.md"


# --- markdown-safe text ---------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^])")


def markdown_text(text: object) -> Markup:
    """Escape a data string for a Markdown heading or list line (HTML first, then Markdown)."""
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", str(escape(text))))


def one_line(text: object) -> str:
    """Folded YAML keeps line breaks in Chinese text as spaces; drop them between CJK characters."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", " ".join(str(text).split()))


# --- downloads --------------------------------------------------------------------------------


def csv_rows(data: SiteData) -> list[list[str]]:
    rows = []
    for region_id, params in data.parameters.items():
        for pid, parameter in params.items():
            for value, entry in zip(parameter["values"], entries_of(parameter), strict=True):
                document = data.documents[entry.citation.document]
                raw = value["value"]
                rows.append(
                    [
                        region_id,
                        data.region_name(region_id),
                        TOPICS[parameter["topic"]],
                        pid,
                        parameter["label"],
                        csv_value(raw),
                        UNITS[parameter["unit"]][0],
                        entry.text,
                        entry.start,
                        entry.until or "",
                        VALUE_STATUSES[entry.status],
                        PARAMETER_KINDS["statistic" if parameter.get("statistic") else "rule"],
                        document["title"],
                        document.get("number") or "",
                        entry.citation.section,
                        entry.citation.evidence or "",
                    ]
                )
    return rows


def csv_value(raw: Any) -> str:
    """The stored value for the download: a scale as [[threshold, value], ...] and a breakdown as
    {key: value} (JSON, the figures only; the sources are in the other columns and the JSON file)."""
    if raw is None:
        return ""
    if isinstance(raw, list):
        return json.dumps([[band["threshold"], band["value"]] for band in raw], ensure_ascii=False)
    if isinstance(raw, dict):
        return json.dumps({key: part["value"] for key, part in raw.items()}, ensure_ascii=False)
    return json.dumps(raw) if isinstance(raw, bool) else str(raw)


# A cell that begins with one of these is read as a formula by spreadsheet programs (a title such as
# =HYPERLINK("…") would become a live link); the usual defence is a leading apostrophe, which the
# programs show as nothing and which turns the cell into plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(data: SiteData) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in csv_rows(data))
    return buffer.getvalue()


# --- navigation -------------------------------------------------------------------------------


# Every page carries the whole navigation. Listing each region and document in it is handy for a few
# regions; for hundreds (China has about 2,800 counties) every page would carry all of them and the
# site would grow with the square of the regions, so beyond this the navigation lists the region and
# source indexes only (they list every page) and those pages are declared not_in_nav.
NAV_LISTS_EACH_REGION_UP_TO = 40
PAGES_OFF_NAV_WHEN_MANY = ("/regions/*.md", "/sources/*.md")


def lists_each_region(data: SiteData) -> bool:
    return len(data.regions) <= NAV_LISTS_EACH_REGION_UP_TO


def nav_title(text: object) -> str:
    """A navigation title from the data, HTML-escaped: the theme prints nav titles as HTML (they may
    hold inline markup in mkdocs), so this is the one path by which data reaches the navigation, the
    header, the footer and the search index's page titles."""
    return str(escape(text))


# --- topic pages that do not grow with the regions ---------------------------------------------------

# A topic page carries every region's column while they are this few. Beyond that it carries the
# national column only, and each other region's column is a script of its own
# (topics/columns/<topic>/<region>.js) that the page loads when the reader picks the region: a plain
# <script src>, which works opened from disk too, where fetch() does not.
TOPIC_COLUMNS_INLINE_UP_TO = 8
COLUMNS_FOLDER = "columns"
# How many regions the picker lets a reader compare at once (each brings its column script).
MAX_CHOSEN_REGIONS = 8
# The callback every column script calls (defined by docs/javascripts/topics.js).
COLUMN_CALLBACK = "shebaoTopicColumn"
# Every region (id, name, province) for the picker, one script shared by the topic pages and loaded
# only when the reader opens the picker: listed in each page, the regions would make it grow.
REGION_LIST = "regions.js"
REGION_LIST_CALLBACK = "shebaoRegionList"


def inline_regions(data: SiteData) -> list[str]:
    """The regions whose columns a topic page carries in its own HTML."""
    if len(data.regions) <= TOPIC_COLUMNS_INLINE_UP_TO:
        return list(data.regions)
    return [region_id for region_id in data.regions if not data.regions[region_id]["ancestors"]]


def column_script_page(topic: str, region_id: str) -> str:
    return f"topics/{COLUMNS_FOLDER}/{topic}/{region_id}.js"


def column_script(payload: dict[str, Any], callback: str = COLUMN_CALLBACK) -> str:
    """Data as a classic script: JSON passed to the page's callback. The file is loaded by src, never
    inlined, so no HTML parser reads it and the markup inside the strings needs no escaping."""
    return f"{callback}({json.dumps(payload, ensure_ascii=False, separators=(',', ':'))});\n"


def region_list_script(data: SiteData) -> str:
    """The picker's list: [id, name, province] of every region but the first (national), in order."""
    rows = [
        [region_id, data.region_name(region_id), data.province_of(region_id)] for region_id in list(data.regions)[1:]
    ]
    return column_script({"regions": rows}, REGION_LIST_CALLBACK)


def navigation(data: SiteData, docs_dir: Path) -> list[Any]:
    topics: list[Any] = ["topics/index.md"] + [{TOPIC_SHORT_NAMES[t]: topic_page(t)} for t in TOPICS]
    regions: list[Any] = ["regions/index.md"]
    sources: list[Any] = ["sources/index.md"]
    for region_id in data.regions if lists_each_region(data) else ():
        regions.append({nav_title(data.region_name(region_id)): region_page(region_id)})
        documents = [
            {nav_title(data.documents[doc_id]["title"]): source_page(doc_id)}
            for doc_id in data.documents_of_region(region_id)
        ]
        if documents:
            sources.append({nav_title(data.region_name(region_id)): documents})
    nav: list[Any] = [{"首页": "index.md"}, {"按主题": topics}, {"按地区": regions}]
    if (docs_dir / CALCULATOR_PAGE).is_file():
        nav.append({"估算待遇": CALCULATOR_PAGE})
    nav += [
        {"来源文件": sources},
        {"下载数据": "downloads/index.md"},
        {"术语表": "glossary.md"},
        {"关于本站": ABOUT_PAGE},
    ]
    return nav


def navigation_config(data: SiteData, docs_dir: Path) -> dict[str, Any]:
    """What docs/generated/nav.yml gives mkdocs: the navigation, and the pages left out of it on purpose."""
    config: dict[str, Any] = {"nav": navigation(data, docs_dir)}
    off_nav = [f"/{page}" for page in ABOUT_PAGES if page != ABOUT_PAGE and (docs_dir / page).is_file()]
    if not lists_each_region(data):
        off_nav += PAGES_OFF_NAV_WHEN_MANY
    if off_nav:
        config["not_in_nav"] = "\n".join(off_nav) + "\n"
    return config


# --- rendering ----------------------------------------------------------------------------------


def make_environment(hints: Hints) -> Environment:
    env = markdown_environment(TEMPLATES)
    env.filters.update(
        hint=hints,
        # Folded YAML prose (summaries, notes) carries line breaks as spaces between Chinese words.
        prose=lambda text: hints(one_line(text)),
        md=markdown_text,
        date=format_date,
        # '2018-01-15' → '2018年1月': how current a region's data is.
        month=lambda text: format_date(text[:7]),
        line=one_line,
    )
    env.globals.update(
        TOPICS=TOPICS,
        TOPIC_SHORT_NAMES=TOPIC_SHORT_NAMES,
        ASPECTS=ASPECTS,
        GROUPS=GROUPS,
        UNITS=UNITS,
        DOCUMENT_KINDS=DOCUMENT_KINDS,
        PARAMETER_KINDS=PARAMETER_KINDS,
        NOT_STATED=NOT_STATED,
    )
    return env


@dataclass
class Renderer:
    env: Environment
    hints: Hints
    data: SiteData
    docs_dir: Path
    written: list[Path] = field(default_factory=list)

    def page(self, template: str, page: str, **context: Any) -> None:
        self.hints.new_page()
        text = self.env.get_template(template).render(data=self.data, page=page, **self.helpers(page), **context)
        self.write(page, text)

    def macros(self, page: str) -> Any:
        """The shared macros (macros.j2) bound to one page's links, for pieces rendered outside a page."""
        return self.env.get_template("macros.j2").make_module(vars={"data": self.data, **self.helpers(page)})

    def helpers(self, page: str) -> dict[str, Callable[..., Any]]:
        def link(to_page: str, anchor: str | None = None) -> str:
            return relative_link(page, to_page, anchor)

        return {
            "link": link,
            "topic_link": lambda topic, anchor=None: link(topic_page(topic), anchor),
            "row_link": lambda pid: link(topic_page(self.data.topic_of(pid)), pid),
            "region_link": lambda region_id, anchor=None: link(region_page(region_id), anchor),
            "source_link": lambda doc_id, anchor=None: link(source_page(doc_id), anchor),
            "group_page": group_page,
        }

    def topic_columns(self, topic: str, tables: list[Table], inline: list[str]) -> None:
        """One script per region the topic page does not carry: its header cell, its cells (silent ones
        left out: the page draws those from a template), the footnotes they cite and its policy items."""
        page = topic_page(topic)
        macros = self.macros(page)
        for region_id in self.data.regions:
            if region_id in inline:
                continue
            self.hints.new_page()
            cells: dict[str, str] = {}
            footnotes: dict[str, list[list[Any]]] = {}
            for table in tables:
                for row in table.rows:
                    cell = row.cell_of(region_id)
                    if cell.origin != "silent" or cell.refined_by:
                        cells[row.id] = str(macros.matrix_cell(cell, row, table.footnotes)).strip()
                footnotes[table.aspect] = [
                    [number, table.footnotes.anchor(number), str(macros.citation_text(citation)).strip()]
                    for number, citation, _users in table.footnotes.listed([region_id])
                ]
            payload = {
                "topic": topic,
                "region": region_id,
                "name": self.data.region_name(region_id),
                "head": str(macros.region_head(region_id)).strip(),
                "cells": cells,
                "footnotes": footnotes,
                "items": str(macros.region_items(region_id, topic)).strip(),
            }
            self.write(column_script_page(topic, region_id), column_script(payload))

    def write(self, relative: str, text: str, encoding: str = "utf-8") -> None:
        if relative.endswith(".md") and not relative.startswith("generated/"):
            # The HTML blocks skip the Markdown converter (scripts/raw_html.py); not in the snippets
            # under generated/, which hand-written pages include after that split.
            text = set_aside(text)
        target = self.docs_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding=encoding, newline="")
        self.written.append(target)


def run_jobs(renderer: Renderer, jobs: list[Callable[[], None]], workers: int | None = None) -> None:
    """Run the jobs (each renders pages through `renderer`), here or in forked workers
    (scripts/parallel.py); either way renderer.written lists every file written."""

    def run(job: Callable[[], None]) -> list[Path]:
        start = len(renderer.written)
        job()
        written = renderer.written[start:]
        del renderer.written[start:]  # handed back as the result, wherever the job ran
        return written

    for written in fork_map(run, jobs, workers):
        renderer.written.extend(written)


def render_pages(compiled: dict[str, Any], docs_dir: Path, *, workers: int | None = None) -> list[Path]:
    """Write every generated page under docs_dir; returns the files written. `workers`: processes for
    the per-region and per-document pages (default: one per core once they are many, else one)."""
    glossary = load_glossary(docs_dir / "includes" / "glossary.yml")
    intros = load_topic_intros(docs_dir / "includes" / "topics.yml")
    data = SiteData(compiled)
    for folder in GENERATED_FOLDERS:
        shutil.rmtree(docs_dir / folder, ignore_errors=True)
    hints = Hints(glossary)
    renderer = Renderer(make_environment(hints), hints, data, docs_dir)
    calculator_ready = (docs_dir / CALCULATOR_PAGE).is_file()

    first_date, last_date = data.document_date_range()
    renderer.page(
        "home.md.j2",
        "index.md",
        first_date=first_date,
        last_date=last_date,
        local_dates=sorted(
            info["data_as_of"] for rid, info in data.regions.items() if info.get("ancestors") and info.get("data_as_of")
        )
        or [last_date],
        national_date=next(
            (info.get("data_as_of") for info in data.regions.values() if not info.get("ancestors")), None
        ),
        calculator_ready=calculator_ready,
        calculator_page=CALCULATOR_PAGE,
        intros=intros,
        # Hundreds of regions are not named one by one on the home page (it would grow with them).
        many_regions=not lists_each_region(data),
    )
    renderer.page("topics_index.md.j2", "topics/index.md", intros=intros)
    inline = inline_regions(data)
    # The pages that grow with the regions, rendered last and, when they are many, in parallel.
    jobs: list[Callable[[], None]] = []
    for topic in TOPICS:
        tables = data.topic_tables(topic, inline)
        renderer.page(
            "topic.md.j2",
            topic_page(topic),
            topic=topic,
            intro=intros[topic],
            tables=tables,
            inline=inline,
            columns_base=f"{COLUMNS_FOLDER}/{topic}/",
            region_list=f"{COLUMNS_FOLDER}/{REGION_LIST}",
            max_chosen=MAX_CHOSEN_REGIONS,
        )
        jobs.append(functools.partial(renderer.topic_columns, topic, tables, inline))
    if len(inline) < len(data.regions):
        renderer.write(f"topics/{COLUMNS_FOLDER}/{REGION_LIST}", region_list_script(data))
    # With hundreds of regions the two indexes list provinces, each with a page of its own: listed on
    # one page, the regions would make it grow without bound.
    groups = None if lists_each_region(data) else data.province_groups()
    listed = list(data.regions)
    renderer.page("regions_index.md.j2", "regions/index.md", groups=groups, listed=listed, group_name=None)
    renderer.page("sources_index.md.j2", "sources/index.md", groups=groups, listed=listed, group_name=None)
    for key, name, members in groups or ():
        for folder in ("regions", "sources"):
            renderer.page(
                f"{folder}_index.md.j2", group_page(folder, key), groups=None, listed=members, group_name=name
            )

    def source(document_id: str) -> None:
        figures = data.figures_citing(document_id)
        renderer.page("source.md.j2", source_page(document_id), document_id=document_id, figures=figures)

    jobs += [functools.partial(renderer.page, "region.md.j2", region_page(rid), region_id=rid) for rid in data.regions]
    jobs += [functools.partial(source, document_id) for document_id in data.documents]
    run_jobs(renderer, jobs, workers)

    # Compact: Python's fast (C) encoder does not indent, and at thousands of regions the indented
    # download took a minute to write; data tools read it either way, people read the CSV.
    json_text = json.dumps(compiled, ensure_ascii=False, separators=(",", ":")) + "\n"
    renderer.write(f"downloads/{DOWNLOAD_JSON}", json_text)
    renderer.write(f"downloads/{DOWNLOAD_CSV}", csv_text(data), encoding="utf-8-sig")
    renderer.page(
        "downloads.md.j2",
        "downloads/index.md",
        json_name=DOWNLOAD_JSON,
        csv_name=DOWNLOAD_CSV,
        csv_columns=CSV_COLUMNS,
        csv_row_count=len(csv_rows(data)),
        json_bytes=len(json_text.encode("utf-8")),
    )
    renderer.page("glossary.md.j2", "generated/glossary.md", glossary=glossary)
    renderer.page(
        "about.md.j2",
        ABOUT_PAGE,
        benchmarks_ready=(docs_dir / BENCHMARKS_PAGE).is_file(),
        benchmarks_page=BENCHMARKS_PAGE,
    )
    nav_text = (
        "# Generated by scripts/render_pages.py from the policy data; mkdocs.yml INHERITs it.\n"
        + yaml.safe_dump(navigation_config(data, docs_dir), allow_unicode=True, sort_keys=False)
    )
    renderer.write("generated/nav.yml", nav_text)
    return renderer.written
