"""Site-generator hooks (mkdocs.yml `hooks:`): what keeps a build of thousands of pages fast and small.

Generated pages carry their HTML blocks set aside (scripts/raw_html.py). The blocks are split off
before the Markdown conversion, and only their anchors are kept (for the generator's link check);
the converted page keeps its placeholders while the generator holds every page in memory. Just
before a page is written, its blocks are read again from its file: the search sections are cut from
the whole content, and the blocks go into the written page. So the generator's memory holds page
skeletons, not the pages, and neither html.parser pass of the Markdown converter sees the blocks.

mkdocs-material's search plugin stays configured because the header's search box is drawn only
when it is enabled (overrides/partials/search.html replaces the box itself). Its indexing, an
html.parser pass over every page, took most of a large site's build, so each page is marked
`search: exclude` for it and cut here instead (scripts/search_sections.py, checked against the
plugin's parser by the tests). After the build the sections are written where the plugin wrote its
index, search/search_index.json, in its format; scripts/search_index.py shards that file and removes
it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from properdocs.plugins import event_priority

from scripts.raw_html import anchor_ids, put_back, split
from scripts.search_sections import page_sections

_entries: list[dict[str, str]] = []
_anchors: dict[str, set[str]] = {}  # page → the ids in its set-aside blocks, until it is converted
_with_blocks: set[str] = set()  # pages written with set-aside blocks
_blocks: dict[str, list[str]] = {}  # the page being written → its blocks


def on_pre_build(config: Any) -> None:
    _entries.clear()
    _anchors.clear()
    _with_blocks.clear()
    _blocks.clear()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    skeleton, blocks = split(markdown)
    if blocks:
        _anchors[page.file.src_uri] = anchor_ids(blocks)
        _with_blocks.add(page.file.src_uri)
    return skeleton


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    anchors = _anchors.pop(page.file.src_uri, None)
    if anchors:
        page.present_anchor_ids = (page.present_anchor_ids or set()) | anchors
    return html


@event_priority(100)  # before the search plugin looks at the page
def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    content = page.content or ""
    if page.file.src_uri in _with_blocks:
        _, blocks = split(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
        _blocks[page.file.src_uri] = blocks
        content = put_back(content, blocks)
    search = page.meta.get("search") or {}
    if not search.get("exclude"):
        for anchor, title, text in page_sections(content, str(page.meta.get("title", page.title))):
            location = f"{page.url}#{anchor}" if anchor else page.url
            _entries.append({"location": location, "title": title, "text": text})
    page.meta["search"] = {**search, "exclude": True}
    return context


def on_post_page(output: str, page: Any, config: Any) -> str:
    blocks = _blocks.pop(page.file.src_uri, None)
    return put_back(output, blocks) if blocks else output


@event_priority(-100)  # after the search plugin has written its (empty) index
def on_post_build(config: Any) -> None:
    target = Path(config["site_dir"]) / "search" / "search_index.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"docs": _entries}, ensure_ascii=False), encoding="utf-8")
