"""Shared fixtures: paths, the compiled data, one built site per test run, a local http
server for it, and real Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Chinese searches the site must answer: (query, page that must be among the results), over http
# and from disk.
SEARCHES = [
    ("大病保险", "topics/medical.html"),
    ("代缴", "topics/pension.html"),
    ("生育津贴", "topics/maternity.html"),
    ("德令哈", "regions/delingha.html"),
    ("一次性生活补助", "topics/unemployment.html"),
]
CHROMIUM = os.environ.get("SHEBAO_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: without them Chromium keeps calling home and logs refusals.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def seeds_folder() -> Path:
    """Where the source documents are: $SHEBAO_SEEDS_DIR or ../shared/seeds."""
    return Path(os.environ.get("SHEBAO_SEEDS_DIR", ROOT.parent / "shared" / "seeds")).resolve()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    folder = seeds_folder()
    if not (folder / "README.md").is_file():
        pytest.fail(
            f"source documents not found at {folder}: the provenance tests need them. "
            "Set SHEBAO_SEEDS_DIR to the folder holding the seed .txt files.",
            pytrace=False,
        )
    return folder


@pytest.fixture(scope="session")
def compiled_data(seeds_dir: Path) -> dict[str, Any]:
    from scripts.policy_loader import compile_policy_data, load_policy_data

    return compile_policy_data(load_policy_data(ROOT / "policy_data", seeds_dir))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """The whole site, built once per test run into a temporary folder."""
    from scripts.build import build

    site = tmp_path_factory.mktemp("site")
    build(site)
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """http://127.0.0.1:PORT/ serving the built site (wasm as application/wasm)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install the Debian package `chromium` (.ci/run does).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class RequestLog:
    """Every URL a page asked for, so a test can prove nothing left the site."""

    def __init__(self, allowed_prefix: str) -> None:
        self.allowed_prefix = allowed_prefix
        self.urls: list[str] = []

    def record(self, request: Any) -> None:
        self.urls.append(request.url)

    def outside(self) -> list[str]:
        def inside(url: str) -> bool:
            scheme = urlsplit(url).scheme
            return url.startswith(self.allowed_prefix) or scheme in {"data", "blob", "about"}

        return [url for url in self.urls if not inside(url)]


@pytest.fixture
def browser_page(chromium: Any, site_url: str) -> Iterator[tuple[Any, RequestLog]]:
    """A fresh page (own context, cold cache) whose requests are logged."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = RequestLog(site_url)
    page.on("request", requests.record)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page, requests
    context.close()
