"""A rendered page's content cut into search sections: one per heading that has an id.

mkdocs-material's search plugin does this with html.parser, and on a site of thousands of regions
that parse (per page, in the site generator) was the largest part of the whole build. This module
gives the same sections from one regular-expression pass over the tags: the same rules for where a
section starts and ends (a heading with an id opens one; leaving the element that held it returns
to the section before), the same text (paragraph, list and code tags kept as markers, whitespace
collapsed, text in script, style, object and data-search-exclude elements left out, the heading's
permalink left out of its title). tests/test_search_index.py checks it against material's parser
on every page of the built site. scripts/site_hooks.py calls it for each page; scripts/search_index.py
turns the sections into the sharded index.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
# Elements without an end tag (they never enter the open-element stack).
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
# Tags kept in a section's text as markers (they separate words once the index strips tags).
KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
# Elements whose text is never indexed.
NEVER_INDEXED = frozenset({"object", "script", "style"})
# Elements whose content is text, not markup, up to their end tag.
RAW_TEXT = frozenset({"script", "style"})

TOKEN = re.compile(
    r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S,
)
ATTRIBUTE = re.compile(r"([^\s=/>]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")


@dataclass
class Section:
    """Where a section starts: its heading's tag ("" before any heading) and nesting depth."""

    tag: str
    depth: float
    id: str | None = None
    excluded: bool = False
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def _attributes(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in ATTRIBUTE.findall(raw):
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        found.setdefault(name.lower(), html.unescape(value))
    return found


class _Cutter:
    def __init__(self) -> None:
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, is a heading's permalink)
        self.open: dict[str, int] = {}
        self.skip = set(NEVER_INDEXED)  # tags whose open elements hide their text
        self.permalinks = 0
        self.section: Section | None = None
        self.sections: list[Section] = []

    def _skipping(self) -> bool:
        return any(self.open.get(tag) for tag in self.skip)

    def _current(self) -> Section:
        if self.section is None:
            self.section = Section("", 0)
            self.sections.append(self.section)
        return self.section

    def _marker_list(self, section: Section) -> list[str]:
        return section.title if self.open.get(section.tag) else section.text

    def start(self, tag: str, raw_attributes: str) -> None:
        if tag in VOID:
            return
        needs_attributes = (
            tag in HEADINGS or tag == "a" or "data-search-exclude" in raw_attributes or "linenodiv" in raw_attributes
        )
        attributes = _attributes(raw_attributes) if needs_attributes else {}
        permalink = tag == "a" and attributes.get("class") == "headerlink"
        self.stack.append((tag, permalink))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.permalinks += permalink
        if tag in HEADINGS and "id" in attributes:
            depth = len(self.stack)
            if tag != "h1" and not self.sections:
                self.sections.append(Section("", depth))
            section = Section(tag, depth, excluded="data-search-exclude" in attributes)
            if self.sections:
                section.id = attributes["id"]
            self.section = section
            self.sections.append(section)
        section = self._current()
        if "data-search-exclude" in attributes or attributes.get("class") == "linenodiv":
            self.skip.add(tag)
            return
        if tag in KEEP and not self._skipping():
            self._marker_list(section).append(f"<{tag}>")

    def end(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            return
        section = self._current()
        if section.depth > len(self.stack):
            for earlier in reversed(self.sections):
                if earlier.depth <= len(self.stack):
                    section.depth = float("inf")
                    self.section = section = earlier
                    break
        _, permalink = self.stack.pop()
        self.open[tag] -= 1
        self.permalinks -= permalink
        if tag in self.skip:
            if tag not in NEVER_INDEXED:
                self.skip.discard(tag)
            return
        if tag in KEEP and not self._skipping():
            pieces = self._marker_list(section)
            marker = f"<{tag}>"
            if marker not in pieces:
                pieces.append(f"</{tag}>")
                return
            index = pieces.index(marker)
            if all(piece.isspace() for piece in pieces[index + 1 :]):
                del pieces[index:]
            else:
                pieces.append(f"</{tag}>")

    def data(self, raw: str) -> None:
        if self._skipping():
            return
        text = html.unescape(raw)
        if not self.open.get("pre"):
            text = " " if text.isspace() else text.replace("\n", " ")
        section = self._current()
        if self.open.get(section.tag):
            if not self.permalinks:
                section.title.append(html.escape(text, quote=False))
        elif text.isspace():
            if not section.text or not section.text[-1].isspace() or self.open.get("pre"):
                section.text.append(text)
        else:
            section.text.append(html.escape(text, quote=False))

    def feed(self, content: str) -> None:
        position = 0
        length = len(content)
        while position < length:
            match = TOKEN.search(content, position)
            if match is None:
                self.data(content[position:])
                break
            if match.start() > position:
                self.data(content[position : match.start()])
            position = match.end()
            closing, name, raw_attributes = match.groups()
            if name is None:  # a comment
                continue
            tag = name.lower()
            if closing:
                self.end(tag)
                continue
            self.start(tag, raw_attributes)
            if tag in RAW_TEXT:
                end = re.compile(rf"</{tag}\s*>", re.I).search(content, position)
                stop = end.start() if end else length
                if stop > position:
                    self.data(content[position:stop])
                position = stop


def page_sections(content: str, page_title: str) -> list[tuple[str | None, str, str]]:
    """(heading id or None, title, text) of each indexed section; title and text are HTML fragments
    (escaped text with the kept markers), as material's search index holds them."""
    cutter = _Cutter()
    cutter.feed(content)
    found = []
    for section in cutter.sections:
        if section.excluded:
            continue
        title = "".join(section.title).strip() if section.title else page_title
        found.append((section.id, title, "".join(section.text).strip()))
    return found
