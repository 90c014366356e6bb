"""Shared fixtures: paths, the compiled data, one built site per test run, a local http
server for it, and real Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
# The query set: searches as people type them, with the pages that answer each (see the file).
QUERY_SET = ROOT / "tests" / "search" / "queries.yaml"
# Share of the query set that must find one of its pages among the first five results.
QUERY_SET_GOAL = 0.95
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
    """Where the source texts are: $SHEBAO_SEEDS_DIR or ../shared/seeds (see scripts/provenance.py)."""
    from scripts.provenance import seeds_folder as folder

    return folder()


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source texts, for the provenance checks only. Without them those checks are skipped (one
    folded line in the summary says how many and where the texts go), except under CI, where a
    missing folder would silently drop the checks that prove each figure's source, so it fails."""
    folder = seeds_folder()
    if not any(folder.glob("*.txt")):
        message = (
            f"source texts not found at {folder}: put the texts cited by policy_data/*.yaml (source_file) "
            "there, or set SHEBAO_SEEDS_DIR to their folder (docs/data-guide.md, 原文放在哪里)"
        )
        if under_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(f"{PROVENANCE_SKIPPED}: {message}")
    return folder


PROVENANCE_SKIPPED = "provenance checks skipped"
_SEEDS_FIXTURE_LINE = seeds_dir.__wrapped__.__code__.co_firstlineno  # type: ignore[attr-defined]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Every skipped provenance check reported at one place, so the summary folds them into one line
    with their count (`SKIPPED [N] tests/conftest.py: provenance checks skipped: ...`)."""
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and str(longrepr[2]).startswith(f"Skipped: {PROVENANCE_SKIPPED}"):
        report.longrepr = (__file__, _SEEDS_FIXTURE_LINE, longrepr[2])
    return report


@pytest.fixture(scope="session")
def compiled_data() -> dict[str, Any]:
    """The real policy data, validated without the source texts (the provenance tests check those)."""
    from scripts.policy_loader import compile_policy_data, load_policy_data

    return compile_policy_data(load_policy_data(ROOT / "policy_data", None))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per test run into a temporary folder."""
    from scripts.build import build

    site = tmp_path_factory.mktemp("site")
    build(site)
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """http://127.0.0.1:PORT/ serving `folder` (on its own port, so its origin has its own caches)
    with `handler` (default: the standard one, quiet), until the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """http://127.0.0.1:PORT/ serving the built site (wasm as application/wasm)."""
    with serving(built_site) as url:
        yield url


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


@contextmanager
def logged_page(chromium: Any, base_url: str) -> Iterator[tuple[Any, RequestLog, list[str]]]:
    """A fresh page (own context, cold cache) whose requests and script errors are logged; the
    requests are judged against base_url (an http site or a folder opened from disk)."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = RequestLog(base_url)
    page.on("request", requests.record)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page, requests, errors
    finally:
        context.close()


@pytest.fixture
def browser_page(chromium: Any, site_url: str) -> Iterator[tuple[Any, RequestLog]]:
    """A fresh page over http whose requests are logged (script errors in page.js_errors)."""
    with logged_page(chromium, site_url) as (page, requests, errors):
        page.js_errors = errors
        yield page, requests


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def load_axe(page: Any) -> None:
    """axe-core into the open page. Not as an inline <script>: the page's Content-Security-Policy
    refuses those (as it should); evaluated by the browser's debugging protocol, it is not a page script."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    assert page.evaluate("typeof axe.run") == "function"


def serious_axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the open page (at most five places each)."""
    load_axe(page)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def search_result_links(page: Any, query: str) -> list[str]:
    """Search the open page for a Chinese query through the header box and return the result links
    (absolute URLs), in order.

    Chinese cannot be typed key by key here: set the value and fire the input event the box listens
    to, then wait until the results shown are those of this query (docs/javascripts/search.js marks
    the result list with the query it answers)."""
    page.click(".md-search__input")
    page.evaluate(
        """query => {
            const input = document.querySelector(".md-search__input");
            input.value = query;
            input.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        query,
    )
    page.wait_for_function(
        "query => document.querySelector('.md-search-result').dataset.query === query",
        arg=query,
        timeout=15_000,
    )
    links: list[str] = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    return links


def result_pages(links: list[str]) -> list[str]:
    """The pages of search result links, in order, each once (a page's sections link to it too)."""
    pages: list[str] = []
    for link in links:
        page = link.split("?")[0].split("#")[0]
        if page not in pages:
            pages.append(page)
    return pages


def load_query_set() -> list[dict[str, Any]]:
    import yaml

    queries: list[dict[str, Any]] = yaml.safe_load(QUERY_SET.read_text(encoding="utf-8"))["queries"]
    return queries


def query_set_misses(results: dict[str, list[str]], base: str) -> list[str]:
    """The searches of the query set whose pages are not among their first five results; results:
    query → result pages (absolute URLs, in order) under base."""
    misses = []
    for query in load_query_set():
        top = [page.removeprefix(base) for page in results[query["q"]][:5]]
        if not set(top) & set(query["pages"]):
            misses.append(f"{query['q']} ({query['kind']}): {top}")
    return misses


def run_node_json(script: Path, job: dict[str, Any], folder: Path, *, timeout: float, what: str) -> dict[str, Any]:
    """Run a Node harness on a job written as JSON; its standard output is the JSON reply."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (Node.js ≥ 20 is required).", pytrace=False)
    job_file = folder / "job.json"
    job_file.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    completed = subprocess.run(
        [node, str(script), str(job_file)], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if completed.returncode != 0:
        pytest.fail(f"{what} failed:\n{completed.stderr}", pytrace=False)
    reply: dict[str, Any] = json.loads(completed.stdout)
    return reply


# --- topic tables on phones: one card per region ----------------------------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def squashed(text: str) -> str:
    """Text without whitespace: a table cell and a card lay the same words out in different lines."""
    return "".join(text.split())


def region_cards(page: Any) -> dict[str, list[dict[str, Any]]]:
    """aspect → the region cards shown for that matrix: region, title and (row id, label, value) entries,
    as rendered (innerText)."""
    cards: dict[str, list[dict[str, Any]]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(".region-cards")]
            .filter(box => box.offsetParent !== null)
            .map(box => [box.dataset.aspect, [...box.querySelectorAll(".region-card")].map(card => ({
                region: card.dataset.cardRegion,
                title: card.querySelector(".region-card-title").innerText,
                entries: [...card.querySelectorAll("dl > dt")].map(term => [
                    term.dataset.row, term.querySelector(".row-label").innerText, term.nextElementSibling.innerText]),
            }))]))"""
    )
    return cards


def matrix_columns(page: Any) -> dict[str, list[dict[str, Any]]]:
    """aspect → the visible columns of that matrix as rendered: region, header and (row id, label, cell)
    entries in row order: the shape region_cards gives, read from the table."""
    columns: dict[str, list[dict[str, Any]]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("table.matrix")]
            .filter(table => table.offsetParent !== null)
            .map(table => {
                const rows = [...table.querySelectorAll("tbody tr[id]")];
                return [table.dataset.aspect, [...table.querySelectorAll("thead th[data-region]")]
                    .filter(head => head.offsetParent !== null)
                    .map(head => ({
                        region: head.dataset.region,
                        title: head.innerText,
                        entries: rows.map(row => [row.id, row.querySelector(".row-label").innerText,
                            row.querySelector(`td[data-region="${head.dataset.region}"]`).innerText]),
                    }))];
            }))"""
    )
    return columns


def comparable(layout: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {
        aspect: [
            {
                "region": column["region"],
                "title": squashed(column["title"]),
                "entries": [[row, squashed(label), squashed(value)] for row, label, value in column["entries"]],
            }
            for column in columns
        ]
        for aspect, columns in layout.items()
    }


def assert_cards_match_matrix(page: Any) -> dict[str, list[dict[str, Any]]]:
    """At phone width the page shows one card per region and no matrix; at desktop width the matrix
    and no cards; the cards say what the matrix's columns say, region by region and row by row.
    Leaves the page at desktop width; returns the cards (as comparable())."""
    page.set_viewport_size(PHONE)
    page.wait_for_function("() => [...document.querySelectorAll('.region-card')].some(card => card.offsetParent)")
    assert page.locator("table.matrix:visible").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cards = comparable(region_cards(page))
    page.set_viewport_size(DESKTOP)
    assert page.locator(".region-card:visible").count() == 0
    matrix = comparable(matrix_columns(page))
    assert cards and cards.keys() == matrix.keys()
    for aspect, columns in matrix.items():
        assert [card["region"] for card in cards[aspect]] == [column["region"] for column in columns], aspect
        for card, column in zip(cards[aspect], columns, strict=True):
            assert card["title"] == column["title"], (aspect, column["region"])
            assert len(card["entries"]) == len(column["entries"]), (aspect, column["region"])
            for entry, expected in zip(card["entries"], column["entries"], strict=True):
                assert entry == expected, (aspect, column["region"])
    return cards
