"""The built site, checked as files (one full build per test run, shared with the browser tests).

Expected figures are derived from the compiled data through calculator.vocabulary — the same
formatting the pages use — and located by row (parameter id) and column (region), so a figure
in the wrong cell fails. A few cells are also checked against numbers written out by hand.
"""

from __future__ import annotations

import copy
import csv
import functools
import html.parser
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
import yaml

from calculator.api import calculate
from calculator.messages import band_text
from calculator.vocabulary import BREAKDOWN_KEYS, TOPICS, format_value
from scripts.render_pages import CSV_COLUMNS, DOWNLOAD_CSV, DOWNLOAD_JSON, render_pages

ROOT = Path(__file__).resolve().parent.parent
NOT_STATED = "原文未规定"
VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)


# --- a small DOM over the standard library's HTML parser ----------------------------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def squeezed(self) -> str:
        """Text without any whitespace (values may wrap; figures never contain spaces that matter)."""
        return re.sub(r"\s+", "", self.text())

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | Callable[[str | None], bool]) -> list[Node]:
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if all(
                (want(node.attrs.get(key)) if callable(want) else node.attrs.get(key) == want)
                for key, want in ((k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items())
            ):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str | Callable[[str | None], bool]) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def plain(self) -> str:
        """Squeezed text without footnote markers ([3]), which follow each band or key of a scale or breakdown."""
        return re.sub(r"\[\d+\]", "", self.squeezed())

    def squeezed_without(self, class_name: str) -> str:
        """Squeezed text leaving out elements of one class (e.g. the sources quoted beside each band)."""

        def text(node: Node) -> str:
            if node.has_class(class_name):
                return ""
            return "".join(child if isinstance(child, str) else text(child) for child in node.children)

        return re.sub(r"\s+", "", text(self))

    def inside(self, tag: str, class_name: str) -> bool:
        node = self.parent
        while node is not None:
            if node.tag == tag and node.has_class(class_name):
                return True
            node = node.parent
        return False


def with_class(name: str) -> Callable[[str | None], bool]:
    return lambda value: value is not None and name in value.split()


class _TreeBuilder(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {key: value or "" for key, value in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


@functools.cache
def parse(path: Path) -> Node:
    return parse_text(path.read_text(encoding="utf-8"))


def parse_text(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@functools.cache
def column_cells(site: Path, topic: str, region_id: str) -> dict[str, str]:
    """A region's cells of a topic matrix from its column script (pages with many regions carry the
    national column only; the page inserts a chosen region's column from this script)."""
    text = (site / "topics" / "columns" / topic / f"{region_id}.js").read_text(encoding="utf-8")
    payload = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    cells: dict[str, str] = payload["cells"]
    return cells


# --- helpers over the data -----------------------------------------------------------------------


def shown(parameter: dict[str, Any], value: dict[str, Any]) -> str:
    """The text of a stated value; for a scale or breakdown, each band's or key's text in turn."""
    raw = value["value"]
    if isinstance(raw, list):  # a scale: each band's range in words, then its value
        scale = parameter["scale"]
        uppers = [band["threshold"] for band in raw[1:]] + [None]
        return "".join(
            band_text(scale["threshold_label"], band["threshold"], upper, scale["threshold_unit"])
            + shown(parameter, band)
            for band, upper in zip(raw, uppers, strict=True)
        )
    if isinstance(raw, dict):  # a breakdown: each key's name, then its value, in vocabulary order
        names = BREAKDOWN_KEYS[parameter["breakdown"]]
        return "".join(
            names[key] + shown(parameter, raw[key]) for key in names if key in raw and raw[key]["value"] is not None
        )
    return format_value(raw, parameter["unit"], counter=parameter.get("counter"), qualifier=value.get("qualifier"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def topic_page(site: Path, topic: str) -> Node:
    return parse(site / "topics" / f"{topic}.html")


def matrix_row(site: Path, topic: str, parameter_id: str) -> Node:
    row = topic_page(site, topic).find("tr", id=parameter_id)
    assert row is not None, f"topics/{topic}.html has no row id={parameter_id!r}"
    return row


def matrix_cell(site: Path, topic: str, parameter_id: str, region_id: str) -> Node:
    """The region's cell in the row: in the page, or else in the region's column script (where a cell
    the region leaves silent is left out: the page draws it, as below)."""
    cell = matrix_row(site, topic, parameter_id).find("td", data_region=region_id)
    if cell is None and (site / "topics" / "columns" / topic / f"{region_id}.js").is_file():
        html = column_cells(site, topic, region_id).get(parameter_id) or (
            f'<td class="cell-silent" data-region="{region_id}" data-compare="">'
            f'<span class="value value-open">{NOT_STATED}</span> <span class="note">（文件未涉及）</span></td>'
        )
        cell = parse_text(html).find("td")
    assert cell is not None, f"row {parameter_id} has no {region_id} cell"
    return cell


def own_parameters(compiled: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for region_id, parameters in compiled["parameters"].items():
        for parameter_id, parameter in parameters.items():
            yield region_id, parameter_id, parameter


def first_topic(compiled: dict[str, Any], parameter_id: str) -> str:
    for parameters in compiled["parameters"].values():
        if parameter_id in parameters:
            return str(parameters[parameter_id]["topic"])
    raise KeyError(parameter_id)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- the topic matrices ------------------------------------------------------------------------


def test_every_parameter_has_a_row_whose_anchor_is_its_id_verbatim(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    for topic in TOPICS:
        page = topic_page(built_site, topic)
        ids = [row.attrs["id"] for row in page.find_all("tr", id=lambda v: v is not None)]
        expected = sorted({pid for _, pid, p in own_parameters(compiled_data) if p["topic"] == topic})
        assert sorted(ids) == expected, topic
        assert len(ids) == len(set(ids)), f"{topic}: duplicate row ids"


def test_every_stated_value_appears_in_its_own_cell(built_site: Path, compiled_data: dict[str, Any]) -> None:
    checked = 0
    for region_id, parameter_id, parameter in own_parameters(compiled_data):
        cell = matrix_cell(built_site, first_topic(compiled_data, parameter_id), parameter_id, region_id)
        assert cell.has_class("cell-own"), (region_id, parameter_id)
        for value in parameter["values"]:
            if value["status"] == "stated":
                assert squeeze(shown(parameter, value)) in cell.plain(), (region_id, parameter_id, value["from"])
                checked += 1
    assert checked > 100


def test_every_not_stated_value_says_so_with_its_note(built_site: Path, compiled_data: dict[str, Any]) -> None:
    for region_id, parameter_id, parameter in own_parameters(compiled_data):
        cell = matrix_cell(built_site, first_topic(compiled_data, parameter_id), parameter_id, region_id)
        for value in parameter["values"]:
            if value["status"] == "not_stated":
                assert NOT_STATED in cell.text()
                assert squeeze(value["note"]) in cell.squeezed(), (region_id, parameter_id)


def test_dated_series_show_each_value_with_its_date_oldest_first(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    series = 0
    for region_id, parameter_id, parameter in own_parameters(compiled_data):
        if len(parameter["values"]) < 2:
            continue
        cell = matrix_cell(built_site, first_topic(compiled_data, parameter_id), parameter_id, region_id)
        entries = cell.find_all("li", class_=with_class("entry"))
        assert len(entries) == len(parameter["values"]), (region_id, parameter_id)
        for entry, value in zip(entries, parameter["values"], strict=True):
            year, month, day = (int(part) for part in value["from"].split("-"))
            assert f"{year}年{month}月{day}日" in entry.text()
            if value["status"] == "stated":
                assert squeeze(shown(parameter, value)) in entry.plain()
        assert entries[-1].has_class("entry-current")
        series += 1
    assert series >= 3


def test_regions_without_a_value_of_their_own_show_the_national_one_marked_as_such(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    national = compiled_data["parameters"]["national"]
    inherited = 0
    for parameter_id, parameter in national.items():
        if compiled_data["catalog"][parameter_id]["fallback"] != "inherit":
            continue
        for region_id, parameters in compiled_data["parameters"].items():
            if region_id == "national" or parameter_id in parameters:
                continue
            if compiled_data["regions"][region_id]["ancestors"] != ["national"]:
                continue
            cell = matrix_cell(built_site, parameter["topic"], parameter_id, region_id)
            assert cell.has_class("cell-inherited"), (region_id, parameter_id)
            assert cell.find("span", class_=with_class("badge-inherited")).text() == "全国规定"  # type: ignore[union-attr]
            latest = parameter["values"][-1]
            expected = shown(parameter, latest) if latest["status"] == "stated" else NOT_STATED
            assert squeeze(expected) in cell.plain()
            inherited += 1
    assert inherited > 0


def test_national_figures_for_one_named_area_are_not_passed_down(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    local = [(pid, p) for pid, p in compiled_data["parameters"]["national"].items() if p["area"]]
    assert local
    for parameter_id, parameter in local:
        row = matrix_row(built_site, parameter["topic"], parameter_id)
        assert f"适用范围：{parameter['area']}" in row.find("td", data_region="national").text()  # type: ignore[union-attr]
        assert row.find("td", class_=with_class("cell-inherited")) is None, parameter_id


def test_statistics_are_not_inherited_and_are_marked_apart_from_rules(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    statistics = [(r, pid, p) for r, pid, p in own_parameters(compiled_data) if p["statistic"]]
    assert statistics
    for region_id, parameter_id, parameter in statistics:
        row = matrix_row(built_site, parameter["topic"], parameter_id)
        assert row.has_class("row-statistic")
        assert "统计数字" in row.find("th").text()  # type: ignore[union-attr]
        assert "截至" in matrix_cell(built_site, parameter["topic"], parameter_id, region_id).text()
        for cell in row.find_all("td"):
            assert not cell.has_class("cell-inherited"), (parameter_id, cell.attrs["data-region"])


def test_regions_silent_on_a_row_say_原文未规定(built_site: Path, compiled_data: dict[str, Any]) -> None:
    silent = 0
    for topic in TOPICS:
        for cell in topic_page(built_site, topic).find_all("td", class_=with_class("cell-silent")):
            assert NOT_STATED in cell.text()
            assert "文件未涉及" in cell.text()
            silent += 1
    assert silent > 0


def test_rows_where_current_figures_differ_between_regions_are_marked(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    marked = 0
    for topic in TOPICS:
        for row in topic_page(built_site, topic).find_all("tr", class_=with_class("row-rule")):
            stated = {cell.attrs["data-compare"] for cell in row.find_all("td") if cell.attrs.get("data-compare")}
            badge = row.find("span", class_=with_class("badge-differs"))
            assert badge is not None
            assert row.has_class("row-differs") == (len(stated) > 1), row.attrs["id"]
            assert ("hidden" not in badge.attrs) == (len(stated) > 1), row.attrs["id"]
            marked += len(stated) > 1
    assert marked > 0


def test_every_cell_cites_a_footnote_naming_the_document_and_section(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    for topic in TOPICS:
        page = topic_page(built_site, topic)
        notes = {item.attrs["id"]: item for item in page.find_all("li", id=lambda v: bool(v and v.startswith("fn-")))}
        for row in page.find_all("tr", id=lambda v: v is not None):
            parameter_id = row.attrs["id"]
            for cell in row.find_all("td"):
                region_id = cell.attrs["data-region"]
                if cell.has_class("cell-silent"):
                    continue
                if cell.has_class("cell-inherited"):  # only the national value in force is repeated
                    values = compiled_data["parameters"]["national"][parameter_id]["values"][-1:]
                else:
                    values = compiled_data["parameters"][region_id][parameter_id]["values"]
                # one note per dated value (a band's or key's own source has its own, inside the list)
                refs = [
                    ref for ref in cell.find_all("a", class_=with_class("fn-ref")) if not ref.inside("ul", "pieces")
                ]
                assert len(refs) == len(values), (parameter_id, region_id)
                for ref, value in zip(refs, values, strict=True):
                    note = notes[ref.attrs["href"].removeprefix("#")]
                    document = compiled_data["documents"][value["reference"]["document"]]
                    assert squeeze(document["title"]) in note.squeezed()
                    assert squeeze(value["reference"]["section"]) in note.squeezed()
                    link = note.find("a")
                    assert link is not None
                    assert link.attrs["href"] == f"../sources/{value['reference']['document']}.html"


# --- cells checked against figures written out by hand -------------------------------------------


def test_delingha_basic_pension_history_150_then_unknown_adjustments_then_250(built_site: Path) -> None:
    cell = matrix_cell(built_site, "pension", "pension.resident.basic_pension", "delingha")
    values = [entry.find("span", class_=with_class("value")).squeezed() for entry in cell.find_all("li")]  # type: ignore[union-attr]
    assert values[-3:] == ["150元/月", NOT_STATED, "250元/月"]


def test_regions_silent_on_a_national_minimum_show_it_as_a_floor(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    """Catalog fallback floor: a silent region's cell says 不低于全国标准 with the national figure."""
    floors = 0
    for parameter_id, parameter in compiled_data["parameters"]["national"].items():
        if compiled_data["catalog"][parameter_id]["fallback"] != "floor":
            continue
        for region_id, parameters in compiled_data["parameters"].items():
            if region_id == "national" or parameter_id in parameters:
                continue
            cell = matrix_cell(built_site, parameter["topic"], parameter_id, region_id)
            assert cell.has_class("cell-floor"), (region_id, parameter_id)
            assert "不低于全国标准" in cell.text()
            floors += 1
    assert floors > 0


def test_beijing_critical_illness_bands_show_each_band_with_its_own_source(built_site: Path) -> None:
    cell = matrix_cell(built_site, "medical", "medical.critical_illness.poor.bands", "beijing")
    bands = cell.find_all("li", class_=None)
    pieces = [
        (item.find("span", class_=with_class("piece-label")), item.find("span", class_=with_class("value")))
        for item in cell.find("ul", class_=with_class("pieces")).find_all("li")  # type: ignore[union-attr]
    ]
    assert [(label.squeezed(), value.squeezed()) for label, value in pieces] == [  # type: ignore[union-attr]
        ("起付标准以上累加的个人自付费用50,000元以内", "60%"),
        ("起付标准以上累加的个人自付费用50,000元以上", "70%"),
    ]
    assert bands and "2018年1月15日起" in cell.text()
    # each band's own footnote quotes the words that state it
    table = built_site / "topics" / "medical.html"
    html = table.read_text(encoding="utf-8")
    assert "超过5万元(不含)以上的个人自付医疗费用,大病保险基金支付比例为70%" in html


def test_beijing_critical_illness_threshold(built_site: Path) -> None:
    assert "24,240元" in matrix_cell(built_site, "medical", "medical.critical_illness.poor.threshold", "beijing").text()


def test_shaanxi_pays_50_yuan_a_year_for_poor_residents(built_site: Path) -> None:
    cell = matrix_cell(built_site, "pension", "pension.resident.paid_contribution.by_status", "shaanxi")
    current = cell.find_all("li", class_=with_class("entry-current"))[0]
    values = {
        item.find("span", class_=with_class("piece-label")).squeezed(): item.find(  # type: ignore[union-attr]
            "span", class_=with_class("value")
        ).squeezed()  # type: ignore[union-attr]
        for item in current.find("ul", class_=with_class("pieces")).find_all("li")  # type: ignore[union-attr]
    }
    assert values["低保对象"] == "50元/年" and values["重度残疾人"] == "100元/年"


def test_fenghua_maternity_leave_rose_from_98_to_128_days(built_site: Path) -> None:
    cell = matrix_cell(built_site, "maternity", "maternity.leave_days.natural", "fenghua")
    values = [entry.find("span", class_=with_class("value")).squeezed() for entry in cell.find_all("li")]  # type: ignore[union-attr]
    assert values == ["98天", "128天"]


# --- other pages -------------------------------------------------------------------------------------


def test_every_source_page_lists_every_figure_drawn_from_it(built_site: Path, compiled_data: dict[str, Any]) -> None:
    expected: dict[str, list[tuple[str, str, dict[str, Any], dict[str, Any]]]] = {
        d: [] for d in compiled_data["documents"]
    }
    for region_id, parameter_id, parameter in own_parameters(compiled_data):
        for value in parameter["values"]:
            # a band or breakdown key with its own source is listed on that source's page too
            pieces = value["value"] if isinstance(value["value"], (list, dict)) else []
            own = pieces.values() if isinstance(pieces, dict) else pieces
            documents = [value["reference"]["document"], *(p["reference"]["document"] for p in own if p["reference"])]
            for document in dict.fromkeys(documents):
                expected[document].append((region_id, parameter_id, parameter, value))
    for document_id, figures in expected.items():
        page = parse(built_site / "sources" / f"{document_id}.html")
        table = page.find("table", class_=with_class("source-figures"))
        if not figures:
            assert table is None
            continue
        assert table is not None, document_id
        rows = table.find("tbody").find_all("tr")  # type: ignore[union-attr]
        assert len(rows) == len(figures), document_id
        for row, (region_id, parameter_id, parameter, value) in zip(rows, figures, strict=True):
            link = row.find("th").find("a")  # type: ignore[union-attr]
            assert link is not None
            assert link.attrs["href"] == f"../topics/{parameter['topic']}.html#{parameter_id}"
            assert compiled_data["regions"][region_id]["name"] in row.text()
            text = shown(parameter, value) if value["status"] == "stated" else NOT_STATED
            assert squeeze(text) in row.squeezed_without("piece-source")  # each band's or key's own source
            assert squeeze(value["reference"]["section"]) in row.squeezed()
            if value["reference"]["evidence"]:
                assert squeeze(value["reference"]["evidence"]) in row.squeezed()


def test_every_region_page_lists_its_items_and_figures(built_site: Path, compiled_data: dict[str, Any]) -> None:
    for region_id, region in compiled_data["regions"].items():
        page = parse(built_site / "regions" / f"{region_id}.html")
        assert region["name"] in page.find("h1").text()  # type: ignore[union-attr]
        for item in compiled_data["items"]:
            if item["region"] == region_id:
                block = page.find("div", id=f"item-{item['id']}")
                assert block is not None, (region_id, item["id"])
                assert squeeze(item["title"]) in block.squeezed()
        for parameter_id, parameter in compiled_data["parameters"][region_id].items():
            row = page.find("tr", id=parameter_id)
            assert row is not None, (region_id, parameter_id)
            for value in parameter["values"]:
                if value["status"] == "stated":
                    assert squeeze(shown(parameter, value)) in row.squeezed()


def test_csv_has_a_bom_and_one_row_per_dated_value(built_site: Path, compiled_data: dict[str, Any]) -> None:
    raw = (built_site / "downloads" / DOWNLOAD_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = [
        (region_id, parameter_id, value["from"])
        for region_id, parameter_id, parameter in own_parameters(compiled_data)
        for value in parameter["values"]
    ]
    assert [(row["地区编号"], row["参数编号"], row["起始日期"]) for row in rows] == expected
    assert list(rows[0]) == list(CSV_COLUMNS)
    bands = next(r for r in rows if r["地区编号"] == "beijing" and r["参数编号"].endswith("poor.bands"))
    assert (bands["数值"], bands["状态"], bands["文号"]) == (
        "[[0, 60], [50000, 70]]",
        "有规定",
        "京人社局发〔2018〕8号",
    )
    assert "50,000元以内 60%" in bands["显示为"]


def test_json_download_is_the_compiled_data(built_site: Path, compiled_data: dict[str, Any]) -> None:
    assert json.loads((built_site / "downloads" / DOWNLOAD_JSON).read_text(encoding="utf-8")) == compiled_data


def test_home_page_gives_the_document_date_range_and_says_who_decides(
    built_site: Path, compiled_data: dict[str, Any]
) -> None:
    page = parse(built_site / "index.html")
    text = page.text()
    issued = sorted(document["issued"] for document in compiled_data["documents"].values())
    first_year, last_year = issued[0][:4], issued[-1][:4]
    assert f"从{first_year}年" in squeeze(text) and f"到{last_year}年" in squeeze(text)
    assert "不是正式决定" in text and "社会保险经办机构" in text
    headings = [heading.text() for heading in page.find_all("h3")]
    for way in ("比较政策", "估算待遇", "离线使用"):
        assert any(way in heading for heading in headings), way
    assert page.find("a", href="downloads/index.html") is not None


def test_glossary_page_and_table_hints_come_from_the_same_entries(built_site: Path) -> None:
    entries = yaml.safe_load((ROOT / "docs" / "includes" / "glossary.yml").read_text(encoding="utf-8"))
    glossary = parse(built_site / "glossary.html")
    explanations = {}
    for entry in entries:
        term = glossary.find("dt", id=entry["id"])
        assert term is not None and entry["term"] in term.text()
        explanations[entry["term"]] = squeeze(entry["explanation"])
    hints = [abbr for topic in TOPICS for abbr in topic_page(built_site, topic).find_all("abbr", title=lambda v: True)]
    by_term = {abbr.text(): squeeze(abbr.attrs["title"]) for abbr in hints if abbr.text() in explanations}
    for term in ("建档立卡", "低保", "代缴", "大病保险"):
        assert by_term[term] == explanations[term]


# --- whole-site checks ------------------------------------------------------------------------------


def test_a_term_takes_keyboard_focus_once_per_page(built_site: Path) -> None:
    for topic in TOPICS:
        focusable = [abbr.text() for abbr in topic_page(built_site, topic).find_all("abbr", tabindex="0")]
        assert focusable and len(focusable) == len(set(focusable)), topic


def test_data_guide_still_includes_the_word_lists(built_site: Path) -> None:
    text = parse(built_site / "data-guide.html").text()
    assert "registered_poor" in text and "建档立卡贫困人口" in text


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    ids: dict[Path, set[str]] = {}
    broken = []
    # 404.html too: without a public address its links are relative to the site root, where it lies.
    for page in html_pages(built_site):
        for link in parse(page).find_all("a", href=lambda v: v is not None):
            href = link.attrs["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)} → {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = {node.attrs["id"] for node in parse(target).find_all(id=lambda v: v is not None)}
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{page.relative_to(built_site)} → {href} (no such anchor)")
    assert broken == []


def test_nothing_is_loaded_from_outside_the_site(built_site: Path) -> None:
    outside = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
    found = []
    for page in html_pages(built_site):
        for node in parse(page).iter():
            for attribute in ("src", "srcset", "data", "poster"):
                if outside.match(node.attrs.get(attribute, "")) and not node.attrs[attribute].startswith("data:"):
                    found.append(f"{page.name}: <{node.tag} {attribute}={node.attrs[attribute]}>")
            if node.tag == "link" and outside.match(node.attrs.get("href", "")):
                found.append(f"{page.name}: <link href={node.attrs['href']}>")
    for stylesheet in built_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]+)", stylesheet.read_text(encoding="utf-8")):
            if outside.match(url) and not url.startswith("data:"):
                found.append(f"{stylesheet.name}: url({url})")
        if "@import" in stylesheet.read_text(encoding="utf-8"):
            found.append(f"{stylesheet.name}: @import")
    assert found == []


def test_tables_have_captions_and_every_header_cell_a_scope(built_site: Path) -> None:
    generated = [
        p for folder in ("topics", "regions", "sources", "downloads") for p in (built_site / folder).glob("*.html")
    ]
    assert len(generated) > 15
    for page in generated:
        for table in parse(page).find_all("table"):
            assert table.find("caption") is not None, page.name
            for header in table.find_all("th"):
                assert header.attrs.get("scope") in {"col", "row"}, (page.name, header.text()[:20])


def test_pages_about_the_site_are_off_the_menu_and_listed_on_the_about_page(built_site: Path) -> None:
    nav = parse(built_site / "topics" / "medical.html").find("nav", class_=with_class("md-nav--primary"))
    assert nav is not None
    labels = nav.text()
    assert "关于本站" in labels
    assert "性能测量" not in labels and "数据维护说明" not in labels
    article = parse(built_site / "about.html").find("article")
    assert article is not None
    about = {a.attrs.get("href") for a in article.find_all("a")}
    assert {"data-guide.html", "benchmarks.html"} <= about


# --- rendering untrusted text -----------------------------------------------------------------------


def test_markup_in_the_data_is_shown_as_text_never_run(tmp_path: Path, compiled_data: dict[str, Any]) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    link_attack = "[点我](javascript:alert(1))"
    data = copy.deepcopy(compiled_data)
    region = data["regions"]["beijing"]
    region["name"] = link_attack + attack
    region["summary"] = attack
    item = next(i for i in data["items"] if i["region"] == "beijing")
    item["title"], item["summary"] = attack, attack
    parameter = next(iter(data["parameters"]["beijing"].values()))
    parameter["label"] = attack
    parameter["values"][0]["note"] = attack
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "includes", docs / "includes")
    render_pages(data, docs)
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "<script>" not in text and "<img src=x" not in text, page.name
        rendered = markdown.markdown(text, extensions=["attr_list", "tables"])
        assert 'href="javascript' not in rendered, page.name
    assert "&lt;script&gt;" in (docs / "regions" / "beijing.md").read_text(encoding="utf-8")


def test_the_public_address_comes_from_mkdocs_site_url(tmp_path: Path) -> None:
    from scripts.render_calculator import MKDOCS_YML, public_site_url

    assert public_site_url(MKDOCS_YML) is None  # the repository's site has no public address yet
    settings = tmp_path / "mkdocs.yml"
    settings.write_text("site_name: x\nsite_url: https://example.org/shebao\n", encoding="utf-8")
    assert public_site_url(settings) == "https://example.org/shebao/"
    settings.write_text("site_name: x\nsite_url: file:///media/usb/\n", encoding="utf-8")
    assert public_site_url(settings) is None


def test_the_calculator_page_carries_how_to_apply_with_document_numbers(built_site: Path) -> None:
    """How to apply comes with Python's answers (each region's from its data shard); the page keeps
    one copy for its precomputed examples, for the regions it computes by default."""
    text = (built_site / "calculator.html").read_text(encoding="utf-8")
    start = text.index('id="calculator-config">') + len('id="calculator-config">')
    config = json.loads(text[start : text.index("</script>", start)])
    assert "applying" not in config
    assert set(config["preset_applying"]) == set(config["compare"]["default"])
    for preset in config["presets"]:
        assert "applying" not in preset["result"]
    answer = calculate(config["presets"][0]["household"], ["shaanxi"])
    assert set(answer["applying"]) == {"shaanxi", "national"}
    assert answer["applying"]["shaanxi"] == config["preset_applying"]["shaanxi"]
    shaanxi = {item["id"]: item for item in answer["applying"]["shaanxi"]}
    paid = shaanxi["paid_contribution_by_government"]
    assert paid["kind"] == "automatic" and paid["reference"]["number"] == "陕人社发[2017]60号"
    assert config["apply_kinds"]["automatic"] == "不用申请"
    assert config["public_url"] is None
