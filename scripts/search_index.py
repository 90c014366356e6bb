"""The site search index, cut into small classic scripts so that search works from disk (file://)
and a query reads only the part of the index it needs.

Called by scripts/build.py after mkdocs build.

Sections come from mkdocs-material's search plugin (search/search_index.json: one entry per
heading, its title and text); that file is then removed, as the browser never reads it.

Terms, cut the same way here and in docs/javascripts/search.js (tests/test_search_index.py runs
both on the same text and compares): the text is normalised (NFKC, lower case, traditional
characters to simplified through docs/includes/search_variants.txt), Chinese runs become
character bigrams (a lone character stays a unigram), Latin letters and digits become words, and a
document number such as 陕人社发〔2017〕60号 also becomes the term "2017:60". A bigram index finds
every substring of two or more characters, needs no dictionary in the browser, and survives a
mistyped character (the other bigrams still match).

Each posting carries its weight, computed here once, so the browser only adds numbers: BM25 of
the term in the section's text plus TITLE_BOOST when it is in the section's heading. A page's own
title counts for its first section, with the page's keywords from the data: a source page's 文号,
a region page's name and the places above it (德令哈市 → 青海省, 海西蒙古族藏族自治州). Terms
go into SHARD files by a hash of the term (FNV-1a over UTF-16 code units, as in JavaScript); the
number of shards grows with the index so a shard stays near SHARD_TARGET_BYTES, and a term keeps
its MAX_POSTINGS best sections, so a query of n terms reads at most n shards of bounded size,
however many regions there are. What a result shows (page title, section titles, the start of
each section's text) is in one small file per page, read only for the pages shown.

Files, each calling a function of window.shebaoSearch (defined by search.js):
    search/manifest.js    shard count, page count, first "about this site" page, variants
    search/t/<n>.js       term → flat postings [page, section, weight, page, section, weight, …],
                          sorted by page, each page number written as the step from the one before
    search/p/<n>.js       one page: url, title, sections [anchor, title, text]
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VARIANTS_FILE = ROOT / "docs" / "includes" / "search_variants.txt"

SHARD_TARGET_BYTES = 4_000
MAX_POSTINGS = 300
# What a result shows of a section's text; the rest is only searched.
SHOWN_TEXT_CHARS = 150
# A term in a heading (or a page's keywords) adds this many times the most a term in the text can
# add (BM25 saturates: a table naming 陕西 in every row must not outweigh the page titled 陕西省).
TITLE_BOOST = 2.5
# A page scores its best section plus this share of its other sections.
OTHER_SECTIONS_SHARE = 0.125
# BM25 constants (the usual ones).
K1 = 1.2
B = 0.75

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(f"[{CJK}]+|[a-z0-9]+")
# 陕人社发〔2017〕60号, 国发[2014]8号, 京人社居发(2017)24号 → "2017:60" (after normalisation).
DOCUMENT_NUMBER = re.compile(r"[〔\[(【]?\s*((?:19|20)\d\d)\s*[〕\])】]?\s*第?\s*(\d{1,4})\s*号")
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def load_variants(path: Path = VARIANTS_FILE) -> dict[str, str]:
    """Traditional (or variant) character → the simplified one the pages use; one pair per line."""
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) != 2:
            raise ValueError(f"{path.name}: each line is two characters, traditional then simplified: {line!r}")
        pairs[line[0]] = line[1]
    return pairs


def normalise(text: str, variants: dict[str, str]) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_translation(variants))


# str.translate's table for a variants dict (made once per dict: the index cuts tens of thousands
# of sections with the same one).
_tables: dict[int, tuple[dict[str, str], dict[int, str]]] = {}


def _translation(variants: dict[str, str]) -> dict[int, str]:
    kept = _tables.get(id(variants))
    if kept is None or kept[0] is not variants:
        kept = (variants, str.maketrans(variants))
        _tables[id(variants)] = kept
    return kept[1]


def terms_of(text: str, variants: dict[str, str]) -> list[str]:
    """The terms of a text, in order, repeated as often as they occur (see the module docstring)."""
    text = normalise(text, variants)
    terms: list[str] = []
    for run in RUN.findall(text):
        if run[0].isascii() or len(run) == 1:
            terms.append(run)
        else:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    terms.extend(f"{year}:{int(number)}" for year, number in DOCUMENT_NUMBER.findall(text))
    return terms


def shard_of(term: str, shards: int) -> int:
    """FNV-1a over UTF-16 code units: the same number as search.js computes with charCodeAt."""
    value = 0x811C9DC5
    encoded = term.encode("utf-16-le")
    for i in range(0, len(encoded), 2):
        value ^= encoded[i] | (encoded[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value % shards


def plain_text(fragment: str) -> str:
    """Material's section text is HTML with zero-width spaces between jieba's words."""
    text = html.unescape(TAG.sub(" ", fragment)).replace("\u200b", "")
    return SPACE.sub(" ", text).strip()


@dataclass
class Section:
    anchor: str
    title: str
    text: str


@dataclass
class Page:
    url: str
    title: str
    sections: list[Section]


def pages_from_material(index: dict[str, object], about_pages: set[str]) -> list[Page]:
    """Material's entries grouped by page, in site order, with the pages about the site last."""
    pages: dict[str, Page] = {}
    docs = index["docs"]
    assert isinstance(docs, list)
    for entry in docs:
        url, _, anchor = entry["location"].partition("#")
        title, text = plain_text(entry["title"]), plain_text(entry["text"])
        if url not in pages:
            pages[url] = Page(url=url, title=title, sections=[])
        pages[url].sections.append(Section(anchor=f"#{anchor}" if anchor else "", title=title, text=text))
    ordered = sorted(pages.values(), key=lambda page: page.url in about_pages)
    return ordered


def postings(
    pages: list[Page], variants: dict[str, str], keywords: dict[str, list[str]]
) -> dict[str, list[tuple[int, int, int]]]:
    """term → [(page, section, weight)], the best MAX_POSTINGS by weight (×100, rounded).

    Each section is cut into terms once; its term counts are kept as arrays of term numbers (with
    thousands of regions, keeping them as Counters of strings took gigabytes). The weights need every
    section's length and each term's section count first, so they are computed in a second pass over
    the arrays, keeping a term's best postings as they come."""
    numbers: dict[str, int] = {}
    counted_sections: list[tuple[int, int, array[int], array[int], array[int]]] = []
    frequency: Counter[int] = Counter()
    for page_number, page in enumerate(pages):
        for section_number, section in enumerate(page.sections):
            title = section.title
            if section_number == 0:
                title = " ".join([page.title, title, *keywords.get(page.url, [])])
            text_terms = Counter(terms_of(section.text, variants))
            terms = array("i", (numbers.setdefault(term, len(numbers)) for term in text_terms))
            counts = array("i", text_terms.values())
            titled = array("i", sorted({numbers.setdefault(term, len(numbers)) for term in terms_of(title, variants)}))
            frequency.update(set(terms).union(titled))
            counted_sections.append((page_number, section_number, terms, counts, titled))
    total = len(counted_sections)
    lengths = [sum(counts) for _, _, _, counts, _ in counted_sections]
    average = max(sum(lengths) / max(total, 1), 1)
    by_number: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (page_number, section_number, terms, counts, titled), length in zip(counted_sections, lengths, strict=True):
        tf_of = dict(zip(terms, counts, strict=True))
        in_title = set(titled)
        norm = K1 * (1 - B + B * length / average)
        for term in tf_of.keys() | in_title:
            tf = tf_of.get(term, 0)
            idf = math.log(1 + (total - frequency[term] + 0.5) / (frequency[term] + 0.5))
            score = tf * (K1 + 1) / (tf + norm) + (TITLE_BOOST * (K1 + 1) if term in in_title else 0)
            entries = by_number[term]
            entries.append((page_number, section_number, max(round(100 * idf * score), 1)))
            if len(entries) >= 2 * MAX_POSTINGS:
                by_number[term] = _best(entries)
    names = {number: term for term, number in numbers.items()}
    return {
        names[number]: _best(entries) if len(entries) > MAX_POSTINGS else entries
        for number, entries in by_number.items()
    }


def _best(entries: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The MAX_POSTINGS heaviest postings, in page order (ties: the earlier section first, as a stable
    sort of the postings in page order keeps them)."""
    return sorted(sorted(entries, key=lambda entry: -entry[2])[:MAX_POSTINGS])


def delta_encoded(entries: list[tuple[int, int, int]]) -> list[int]:
    """[(page, section, weight)] sorted by page → flat numbers, each page as the step from the last."""
    flat: list[int] = []
    previous = 0
    for page, section, weight in entries:
        flat += [page - previous, section, weight]
        previous = page
    return flat


def script(call: str, key: int, data: object) -> str:
    """A classic script handing `data` to window.shebaoSearch. <, > and & appear only inside JSON
    strings, written as escapes: text from the pages stays data, never markup, wherever it is read."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"shebaoSearch.{call}({key},{text});\n"


def write_search_index(site: Path, about_pages: set[str], keywords: dict[str, list[str]]) -> dict[str, int]:
    """Replace Material's search_index.json in SITE/search/ with the sharded index; keywords: page
    url → words that count as the page's title."""
    folder = site / "search"
    material_index = folder / "search_index.json"
    variants = load_variants()
    pages = pages_from_material(json.loads(material_index.read_text(encoding="utf-8")), about_pages)
    terms = postings(pages, variants, keywords)

    flat = {term: delta_encoded(entries) for term, entries in terms.items()}
    size = sum(
        len(term.encode()) + len(json.dumps(numbers, separators=(",", ":"))) + 4 for term, numbers in flat.items()
    )
    shards = max(1, math.ceil(size / SHARD_TARGET_BYTES))
    grouped: list[dict[str, list[int]]] = [{} for _ in range(shards)]
    for term in sorted(flat):
        grouped[shard_of(term, shards)][term] = flat[term]

    shutil.rmtree(folder)
    (folder / "t").mkdir(parents=True)
    (folder / "p").mkdir()
    for number, group in enumerate(grouped):
        (folder / "t" / f"{number}.js").write_text(script("terms", number, group), encoding="utf-8")
    for number, page in enumerate(pages):
        data = {
            "u": page.url,
            "t": page.title,
            "s": [[section.anchor, section.title, section.text[:SHOWN_TEXT_CHARS]] for section in page.sections],
        }
        (folder / "p" / f"{number}.js").write_text(script("page", number, data), encoding="utf-8")
    about_from = sum(1 for page in pages if page.url not in about_pages)
    manifest = {
        "shards": shards,
        "pages": len(pages),
        "aboutFrom": about_from,
        "otherSections": OTHER_SECTIONS_SHARE,
        "variants": "".join(f"{old}{new}" for old, new in variants.items()),
    }
    (folder / "manifest.js").write_text(script("manifest", 0, manifest), encoding="utf-8")
    return {
        "pages": len(pages),
        "sections": sum(len(page.sections) for page in pages),
        "terms": len(terms),
        "shards": shards,
    }


def page_keywords(compiled: dict[str, Any]) -> dict[str, list[str]]:
    """Words from the data that name a page without being in its title."""
    from scripts.render_pages import html_path, region_page, source_page

    keywords: dict[str, list[str]] = {}
    for region_id, region in compiled["regions"].items():
        keywords[html_path(region_page(region_id))] = [region["name"], *region.get("admin_path", [])]
    for document_id, document in compiled["documents"].items():
        if document.get("number"):
            keywords[html_path(source_page(document_id))] = [document["number"]]
    return keywords
