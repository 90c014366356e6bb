"""Site-generator hooks (mkdocs.yml `hooks:`): what keeps a build of thousands of pages fast.

Generated pages carry their HTML blocks set aside (scripts/raw_html.py): they are split off before
the Markdown conversion and put back after it, their anchors registered for the link check.

The search sections of every page are cut here too.
mkdocs-material's search plugin stays configured because the header's search box is drawn only
when it is enabled (overrides/partials/search.html replaces the box itself). Its indexing, an
html.parser pass over every page, took most of a large site's build, so each page is marked
`search: exclude` for it and cut here instead (scripts/search_sections.py, checked against the
plugin's parser by the tests). After the build the sections are written where the plugin wrote its
index, search/search_index.json, in its format; scripts/search_index.py shards that file and removes
it.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

from properdocs.plugins import event_priority

from scripts.raw_html import anchor_ids, put_back, split
from scripts.search_sections import page_sections

_entries: list[dict[str, str]] = []
_set_aside: dict[str, list[str]] = {}


def on_startup(command: str, dirty: bool) -> None:
    # The generator keeps every page's tree alive until the end and makes few reference cycles:
    # the collector's passes over that growing heap cost time without freeing anything.
    gc.disable()


def on_pre_build(config: Any) -> None:
    _entries.clear()
    _set_aside.clear()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    skeleton, blocks = split(markdown)
    if blocks:
        _set_aside[page.file.src_uri] = blocks
    return skeleton


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    blocks = _set_aside.pop(page.file.src_uri, None)
    if not blocks:
        return html
    page.present_anchor_ids = (page.present_anchor_ids or set()) | anchor_ids(blocks)
    return put_back(html, blocks)


@event_priority(100)  # before the search plugin looks at the page
def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    search = page.meta.get("search") or {}
    if not search.get("exclude"):
        for anchor, title, text in page_sections(page.content or "", str(page.meta.get("title", page.title))):
            location = f"{page.url}#{anchor}" if anchor else page.url
            _entries.append({"location": location, "title": title, "text": text})
    page.meta["search"] = {**search, "exclude": True}
    return context


@event_priority(-100)  # after the search plugin has written its (empty) index
def on_post_build(config: Any) -> None:
    target = Path(config["site_dir"]) / "search" / "search_index.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"docs": _entries}, ensure_ascii=False), encoding="utf-8")
