"""The service worker that keeps the calculator page usable offline after one visit over http.

The worker's code is scripts/templates/service-worker.js; this writes it into the built site with
the list of files the calculator page loads (read from the built page itself) and a version that
changes whenever one of them does, so a new build replaces the old copies.
"""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATE = Path(__file__).resolve().parent / "templates" / "service-worker.js"
SERVICE_WORKER = "service-worker.js"
PAGE = "calculator.html"


class _Assets(HTMLParser):
    """Local files a page loads: scripts, stylesheets and icons."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = None
        if tag == "script":
            url = values.get("src")
        elif tag == "link" and (values.get("rel") or "") in {"stylesheet", "icon"}:
            url = values.get("href")
        if url and not urlsplit(url).scheme and not url.startswith("//"):
            self.found.append(urlsplit(url).path)


def page_files(site_dir: Path, page: str = PAGE) -> list[str]:
    parser = _Assets()
    parser.feed((site_dir / page).read_text(encoding="utf-8"))
    files = [page, *dict.fromkeys(parser.found)]
    missing = [name for name in files if not (site_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{page} loads files the site does not have: {missing}")
    return files


def write_service_worker(site_dir: Path) -> Path:
    files = page_files(site_dir)
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (site_dir / name).read_bytes())
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("__PAGE_FILES__", json.dumps(files)).replace("__VERSION__", json.dumps(digest.hexdigest()[:16]))
    target = site_dir / SERVICE_WORKER
    target.write_text(text, encoding="utf-8")
    return target
