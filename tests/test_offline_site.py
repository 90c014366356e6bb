"""The built site opened from disk (file://, as from a USB stick) in real Chromium: links of every
page, a page of each kind, navigation, search, downloads and the calculator with Pyodide, shared
links included.

Nothing may be asked for outside the site folder (only file:// under it, blob: and data:). The
calculator must run from the embedded runtime (vendor/offline/), and a test proves that the stock
Pyodide loader does fail from disk, so the embedded route cannot silently stop being needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from calculator_driver import embedded_scripts, folder_uri, golden_cases_from_disk
from conftest import SEARCHES, RequestLog, logged_page, search_result_links
from golden import CASES

from scripts.embed_runtime import CORE_FILE, EMBEDDED_SCRIPT_FOLDER, RUNTIME_FILES

# Golden cases computed from disk (several benefits, figures with decimals): the first opened as a
# fresh shared link, the others by changing the link in the open page.
DISK_CASE_IDS = (
    "national_caesarean_adds_fifteen_days",
    "delingha_basic_pension_plus_account",
    "shaanxi_ninety_percent_is_a_target_shown_not_paid",
    "wage_below_sixty_percent_is_raised_to_the_floor",
    "beijing_settlement_slip_basic_paid_then_critical_illness_tiers",
    "a_calculation_years_after_the_newest_figure_warns_that_it_is_stale",
)
DISK_CASES = [case for case in CASES if case.id in DISK_CASE_IDS]
# The runtime files only the http route fetches; from disk they must come from the embedded scripts.
STOCK_RUNTIME = (
    "vendor/pyodide/pyodide.asm.wasm",
    "vendor/pyodide/python_stdlib.zip",
    "vendor/pyodide/pyodide.asm.mjs",
)
# A tab of the site's header and the page it opens.
TABS = [("按主题", "topics/index.html"), ("按地区", "regions/index.html"), ("估算待遇", "calculator.html")]
STOCK_LOAD_TIMEOUT_MS = 60_000


class _References(HTMLParser):
    """Every href/src in a page, and whether it has module scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.module_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.references.append(str(values[name]))
        if tag == "script" and values.get("type") == "module":
            self.module_scripts += 1


def site_pages(site: Path) -> list[Path]:
    # 404.html included: someone browsing the copied folder may open it too (its links are written
    # relative to the site root when the build has no public address).
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def site_uri(built_site: Path) -> str:
    return folder_uri(built_site)


@pytest.fixture
def disk_page(chromium: Any, site_uri: str) -> Iterator[tuple[Any, RequestLog, list[str]]]:
    """A fresh page whose requests (judged against the site folder) and script errors are logged."""
    with logged_page(chromium, site_uri) as logged:
        yield logged


def test_every_link_and_script_of_every_page_points_at_a_file(built_site: Path) -> None:
    """From disk a link to a folder shows a file listing, and module scripts are refused."""
    problems = []
    for page in site_pages(built_site):
        parser = _References()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.module_scripts:
            problems.append(f"{page.relative_to(built_site)}: <script type=module>")
        for reference in parser.references:
            parts = urlsplit(reference)
            if parts.scheme in {"http", "https"} or reference.startswith("//"):
                problems.append(f"{page.relative_to(built_site)} → {reference} (outside the site)")
                continue
            if parts.scheme or not parts.path:
                continue  # data:, mailto:, or an anchor in the same page
            target = page.parent / unquote(parts.path)
            if not target.is_file():
                problems.append(f"{page.relative_to(built_site)} → {reference} (not a file)")
    assert problems == []


def one_page_of_each_kind(site: Path) -> list[Path]:
    """Every top-level page, and each folder's index plus one other page (one per template)."""
    chosen: dict[object, Path] = {}
    for page in site_pages(site):
        kind = page.name if page.parent == site else (page.parent, page.name == "index.html")
        chosen.setdefault(kind, page)
    return sorted(chosen.values())


@pytest.mark.browser
def test_a_page_of_each_kind_opens_from_disk_without_errors_or_outside_requests(
    disk_page: tuple[Any, RequestLog, list[str]], built_site: Path
) -> None:
    page, requests, errors = disk_page
    pages = one_page_of_each_kind(built_site)
    names = {str(path.relative_to(built_site)) for path in pages}
    assert {"index.html", "calculator.html", "topics/index.html", "downloads/index.html"} <= names
    assert any(name.startswith("sources/") and not name.endswith("index.html") for name in names)
    without_heading = []
    for path in pages:
        page.goto(path.as_uri())
        if not page.locator("article h1").first.is_visible():
            without_heading.append(str(path.relative_to(built_site)))
    assert without_heading == []
    assert errors == []
    assert requests.outside() == []


@pytest.mark.browser
def test_navigation_by_the_header_tabs_and_page_links_from_disk(
    disk_page: tuple[Any, RequestLog, list[str]], site_uri: str
) -> None:
    page, requests, errors = disk_page
    page.goto(site_uri + "index.html")
    for label, target in TABS:
        page.locator(".md-tabs__link", has_text=label).first.click()
        page.wait_for_url(site_uri + target)
        assert page.locator("h1").first.is_visible()
        page.go_back()
    # A link inside the content, then the previous/next footer link.
    page.goto(site_uri + "regions/index.html")
    page.locator("article a[href='beijing.html']").first.click()
    page.wait_for_url(site_uri + "regions/beijing.html")
    page.locator(".md-footer__link--next").click()
    page.wait_for_url(lambda url: url.startswith(site_uri) and url.endswith(".html") and "beijing" not in url)
    assert errors == []
    assert requests.outside() == []


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), SEARCHES[:2])
def test_search_works_from_disk_and_its_results_open(
    disk_page: tuple[Any, RequestLog, list[str]], site_uri: str, query: str, expected: str
) -> None:
    page, requests, errors = disk_page
    page.goto(site_uri + "index.html")
    # From disk the index shards (search/) load as classic scripts, as they do over http.
    links = search_result_links(page, query)
    pages = [link.split("?")[0].split("#")[0] for link in links]
    assert site_uri + expected in pages, f"{query}: {pages}"
    page.locator(f".md-search-result__link[href*='{expected}?']").first.click()
    page.wait_for_url(lambda url: url.split("?")[0].split("#")[0] == site_uri + expected)
    assert errors == []
    assert requests.outside() == []


@pytest.mark.browser
@pytest.mark.parametrize("name", ["policy_data.csv", "policy_data.json"])
def test_downloads_from_disk_give_the_files_themselves(
    disk_page: tuple[Any, RequestLog, list[str]], site_uri: str, built_site: Path, name: str
) -> None:
    """From disk Chromium ignores `download` on files it can show (JSON) and opens them instead."""
    page, requests, errors = disk_page
    expected = (built_site / "downloads" / name).read_bytes()
    page.goto(site_uri + "downloads/index.html")
    downloads: list[Any] = []
    page.on("download", lambda download: downloads.append(download))
    page.locator(f"a[href='{name}']").first.click()
    for _ in range(100):
        if downloads or page.url.endswith(name):
            break
        page.wait_for_timeout(100)
    if downloads:
        assert downloads[0].suggested_filename == name
        assert Path(downloads[0].path()).read_bytes() == expected
    else:
        assert page.url == site_uri + "downloads/" + name, "the link neither downloaded nor opened the file"
        assert json.loads(page.inner_text("body")) == json.loads(expected)
    assert errors == []
    assert requests.outside() == []


@pytest.mark.browser
def test_calculator_computes_golden_cases_from_shared_links_opened_from_disk(
    chromium: Any, built_site: Path, site_uri: str
) -> None:
    assert len(DISK_CASES) == len(DISK_CASE_IDS), "a golden case named here no longer exists"
    with golden_cases_from_disk(chromium, built_site, DISK_CASES) as calc:
        assert calc.page.get_attribute("#calculator", "data-python-start") == "snapshot"
        assert calc.errors == []
        assert calc.requests.outside() == []
        asked = {unquote(url).removeprefix(unquote(site_uri)) for url in calc.requests.urls}
    embedded = embedded_scripts(built_site)
    assert len(embedded) == len(RUNTIME_FILES) + 2, "one script per runtime file, plus the wheel and the data's core"
    assert f"{EMBEDDED_SCRIPT_FOLDER}/{CORE_FILE}.js" in embedded
    assert embedded <= asked, "the embedded runtime was not used"
    assert not asked & set(STOCK_RUNTIME), "a page opened from disk asked for the stock runtime files"


@pytest.mark.browser
def test_stock_pyodide_loading_fails_from_disk(disk_page: tuple[Any, RequestLog, list[str]], site_uri: str) -> None:
    """Why the embedded runtime exists: the stock loader cannot fetch or import its files from disk.

    If this ever passes loading, browsers changed and the embedded route may no longer be needed.
    """
    page, _, _ = disk_page
    page.goto(site_uri + "index.html")
    page.add_script_tag(url=site_uri + "vendor/pyodide/pyodide.js")
    outcome = page.evaluate(
        """timeout => Promise.race([
            loadPyodide({indexURL: new URL("vendor/pyodide/", location.href).href}).then(
                (pyodide) => "loaded Python " + pyodide.runPython("import sys; sys.version"),
                (error) => "failed: " + String(error && error.message || error),
            ),
            new Promise((resolve) => setTimeout(() => resolve("no answer"), timeout)),
        ])""",
        STOCK_LOAD_TIMEOUT_MS,
    )
    assert outcome.startswith("failed: "), outcome
