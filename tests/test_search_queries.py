"""The site search through its real header box, in Chromium over http and from disk (file://):
the query set (tests/search/queries.yaml) and its hit rate, public pages before pages about the
site, and no index downloaded until someone searches. Firefox runs the query set from disk in
tests/test_offline_firefox.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from calculator_driver import folder_uri
from conftest import (
    QUERY_SET_GOAL,
    load_query_set,
    logged_page,
    query_set_misses,
    result_pages,
    search_result_links,
)

pytestmark = pytest.mark.browser

# Pages that are about the site itself, not the policies.
ABOUT_PAGES = ("about.html", "data-guide.html", "benchmarks.html")


@pytest.fixture(params=["http", "file"])
def base(request: pytest.FixtureRequest, built_site: Path) -> str:
    if request.param == "http":
        url: str = request.getfixturevalue("site_url")
        return url
    return folder_uri(built_site)


@pytest.fixture
def page(chromium: Any, base: str) -> Iterator[Any]:
    with logged_page(chromium, base) as (page, requests, errors):
        page.requests, page.js_errors = requests, errors
        yield page


def test_the_query_set_is_large_varied_and_names_pages_that_exist(built_site: Path) -> None:
    queries = load_query_set()
    assert len(queries) >= 60
    assert len({query["q"] for query in queries}) == len(queries)
    assert {"topic", "spoken", "number", "region", "typo", "traditional"} == {query["kind"] for query in queries}
    for query in queries:
        for name in query["pages"]:
            assert (built_site / name).is_file(), f"{query['q']}: {name} does not exist"


def test_the_query_set_finds_its_pages_in_the_first_five(
    page: Any, base: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page.goto(base + "topics/medical.html")
    queries = load_query_set()
    results = {query["q"]: result_pages(search_result_links(page, query["q"])) for query in queries}
    misses = query_set_misses(results, base)
    rate = 1 - len(misses) / len(queries)
    with capsys.disabled():
        route = "http" if base.startswith("http") else "file://"
        print(f"\n[search] query set, Chromium, {route}: {len(queries) - len(misses)}/{len(queries)} = {rate:.1%}")
        for miss in misses:
            print(f"[search]   missed: {miss}")
    assert rate >= QUERY_SET_GOAL, misses
    assert page.js_errors == []
    assert page.requests.outside() == []


def test_big_illness_puts_medical_care_first(page: Any, base: str) -> None:
    page.goto(base + "index.html")
    pages = result_pages(search_result_links(page, "大病"))
    assert pages[0] == base + "topics/medical.html"


def test_pages_about_the_site_come_after_every_public_page(page: Any, base: str) -> None:
    # 数据 (data) is on public pages and all over the data guide and the benchmarks page.
    page.goto(base + "index.html")
    pages = [link.removeprefix(base) for link in result_pages(search_result_links(page, "数据"))]
    about = [i for i, name in enumerate(pages) if name in ABOUT_PAGES]
    public = [i for i, name in enumerate(pages) if name not in ABOUT_PAGES]
    assert public, pages
    assert not about or min(about) > max(public), pages


def test_opening_a_page_reads_no_index_and_a_query_reads_a_few_files(page: Any, base: str) -> None:
    page.goto(base + "topics/medical.html", wait_until="load")
    page.wait_for_timeout(300)
    assert [url for url in page.requests.urls if "/search/" in url] == []
    search_result_links(page, "大病保险")
    read = [url.removeprefix(base) for url in page.requests.urls if "/search/" in url]
    assert "search/manifest.js" in read
    shards = [name for name in read if name.startswith("search/t/")]
    assert 1 <= len(shards) <= 3  # 大病, 病保, 保险
    assert len([name for name in read if name.startswith("search/p/")]) <= 10


def test_results_mark_the_query_and_the_opened_page_marks_it_too(page: Any, base: str) -> None:
    page.goto(base + "index.html")
    search_result_links(page, "生育津贴")
    marks = page.eval_on_selector_all(".md-search-result mark", "marks => marks.map(m => m.textContent)")
    assert "生育津贴" in marks
    page.locator(".md-search-result__link[href*='topics/maternity.html?']").first.click()
    page.wait_for_url(lambda url: url.split("?")[0].split("#")[0] == base + "topics/maternity.html")
    page.wait_for_selector(".md-content article mark")
    marked = page.eval_on_selector_all(".md-content article mark", "marks => marks.map(m => m.textContent)")
    assert "生育津贴" in marked
    assert page.js_errors == []


def test_the_keyboard_opens_the_box_walks_the_results_and_closes_it(page: Any, base: str) -> None:
    page.goto(base + "regions/beijing.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    assert page.is_checked("#__search")
    search_result_links(page, "德令哈")
    page.focus(".md-search__input")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert first and "regions/delingha.html?" in first
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") != first
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    page.focus(".md-search__input")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.split("?")[0].split("#")[0] == base + "regions/delingha.html")
