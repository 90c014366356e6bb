"""The built site in real Chromium over http: search, region picker, copy-link, network, accessibility,
and topic tables as one card per region on phones (over http and from disk).

One built site and one browser serve every test here (fixtures in conftest.py); each test opens
only the few pages it needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import (
    DESKTOP,
    PHONE,
    SEARCHES,
    assert_cards_match_matrix,
    logged_page,
    search_result_links,
    serious_axe_violations,
)

from calculator.vocabulary import TOPICS
from scripts.render_pages import TOPIC_COLUMNS_INLINE_UP_TO

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


def _data() -> Any:
    from scripts.policy_loader import load_policy_data

    return load_policy_data(ROOT / "policy_data", None)


# Regions come from the files (national first, in the order the pages show them): no region is named here.
POLICY = _data()
REGIONS = list(POLICY.regions)
OTHERS = REGIONS[1:]
FIRST_REGION = OTHERS[0]
PAGES = {
    "home": "index.html",
    "topic": "topics/medical.html",
    "region": f"regions/{FIRST_REGION}.html",
    "source": f"sources/{next(iter(POLICY.regions[FIRST_REGION].model.documents))}.html",
}


def visible_regions(page: Any) -> list[str]:
    """Regions whose column shows in the page's first matrix (every matrix shows the same ones)."""
    return page.eval_on_selector(
        "table.matrix",
        """table => [...table.querySelectorAll("thead th[data-region]")]
            .filter(cell => cell.offsetParent !== null).map(cell => cell.dataset.region)""",
    )


def query_regions(url: str) -> list[str] | None:
    values = parse_qs(urlsplit(url).query).get("regions")
    return values[0].split(",") if values else None


@pytest.fixture
def clipboard_page(chromium: Any, site_url: str) -> Iterator[Any]:
    """A page whose context may read and write the clipboard."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_chinese_search_finds_the_right_page(
    browser_page: tuple[Any, Any], site_url: str, query: str, expected: str
) -> None:
    page, _ = browser_page
    page.goto(site_url + "index.html")
    links = search_result_links(page, query)
    pages = {urlsplit(link).path.removeprefix(urlsplit(site_url).path) for link in links}
    assert expected in pages, f"{query}: {sorted(pages)}"


def test_region_picker_changes_columns_and_the_url_which_restores_them(
    browser_page: tuple[Any, Any], site_url: str
) -> None:
    if len(REGIONS) > TOPIC_COLUMNS_INLINE_UP_TO:
        pytest.skip("topic pages carry the national column only; tests/test_topic_columns.py tests that picker")
    page, _ = browser_page
    page.goto(site_url + "topics/medical.html")
    all_regions = visible_regions(page)
    assert all_regions == REGIONS and all_regions[0] == "national"
    assert query_regions(page.url) is None

    kept = OTHERS[:2]  # two regions, in page order
    for region in all_regions:
        if region not in kept:
            page.uncheck(f'.region-picker input[value="{region}"]')
    assert visible_regions(page) == kept
    assert query_regions(page.url) == kept
    # Item sections of hidden regions go too.
    assert page.is_hidden('section.region-items[data-region="national"]')
    assert page.is_visible(f'section.region-items[data-region="{kept[0]}"]')

    # The last region cannot be unticked: the table would be empty.
    page.uncheck(f'.region-picker input[value="{kept[0]}"]')
    page.click(f'.region-picker input[value="{kept[1]}"]')
    assert visible_regions(page) == [kept[1]]
    assert page.is_checked(f'.region-picker input[value="{kept[1]}"]')
    assert "至少选择一个地区" in page.inner_text(".picker-status")

    # A sent link restores the choice (in page order); unknown or hostile ids are ignored, never shown.
    last, first = OTHERS[-1], OTHERS[0]
    page.goto(site_url + f"topics/medical.html?regions={last},{first}")
    assert visible_regions(page) == [first, last]
    assert page.is_checked(f'.region-picker input[value="{last}"]')
    assert not page.is_checked('.region-picker input[value="national"]')
    page.goto(site_url + f"topics/medical.html?regions=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E,{kept[1]}")
    assert visible_regions(page) == [kept[1]]
    assert page.locator("img[src=x]").count() == 0


def test_differences_are_marked_among_the_regions_shown(browser_page: tuple[Any, Any], site_url: str) -> None:
    page, _ = browser_page
    page.goto(site_url + "topics/pension.html")
    row = page.locator('tr[id="pension.resident.basic_pension"]')
    assert "row-differs" in (row.get_attribute("class") or "")
    page.goto(site_url + "topics/pension.html?regions=national")
    assert "row-differs" not in (row.get_attribute("class") or "")
    assert row.locator(".badge-differs").is_hidden()


def test_glossary_terms_explain_themselves_on_hover_focus_and_tap(browser_page: tuple[Any, Any], site_url: str) -> None:
    page, _ = browser_page
    page.goto(site_url + "topics/medical.html")
    bubble = page.locator("#term-hint")
    # Handles, not locators: a locator selecting abbr[title] would move on once the title moves out.
    first = page.locator("table.matrix abbr[title]").nth(0).element_handle()
    repeated = page.locator("table.matrix abbr[title]:not([tabindex])").nth(0).element_handle()
    first_hint, repeated_hint = first.get_attribute("title"), repeated.get_attribute("title")
    assert first_hint and repeated_hint

    first.hover()
    assert bubble.is_visible() and bubble.text_content() == first_hint
    # The browser's own title tooltip would show beside the bubble: the explanation moved out of it.
    assert first.get_attribute("title") is None and first.get_attribute("aria-describedby") == "term-hint"
    page.mouse.move(1, 1)
    assert bubble.is_hidden()

    focusable = page.locator('.md-typeset abbr[title][tabindex="0"]').nth(1).element_handle()
    focusable_hint = focusable.get_attribute("title")
    page.keyboard.press("Tab")  # keyboard focus, as a keyboard user moves it
    focusable.focus()
    assert bubble.is_visible() and bubble.text_content() == focusable_hint
    page.keyboard.press("Escape")
    assert bubble.is_hidden()

    # A tap on a repetition (not in the tab order) shows its hint until the next tap elsewhere.
    repeated.click()
    assert bubble.is_visible() and bubble.text_content() == repeated_hint
    page.mouse.move(1, 1)
    assert bubble.is_visible()
    page.locator("h1").click()
    assert bubble.is_hidden()


def test_copy_link_puts_the_row_address_on_the_clipboard(clipboard_page: Any, site_url: str) -> None:
    page = clipboard_page
    chosen = ",".join(OTHERS[:2])
    page.goto(site_url + f"topics/medical.html?regions={chosen}")
    row_id = "medical.critical_illness.poor.bands"
    button = page.locator(f'button.copy-link[data-anchor="{row_id}"]')
    button.click()
    page.wait_for_function(
        "id => document.querySelector(`button.copy-link[data-anchor='${id}']`).textContent.includes('已复制')",
        arg=row_id,
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{site_url}topics/medical.html?regions={chosen}#{row_id}"
    # Opening the copied link shows the same regions with the row highlighted.
    page.goto(copied)
    assert visible_regions(page) == OTHERS[:2]
    assert page.evaluate("document.querySelector(':target').id") == row_id
    assert page.locator(f'tr[id="{row_id}"] >> th').is_visible()


def test_without_javascript_the_full_table_shows(chromium: Any, site_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + f"topics/medical.html?regions={FIRST_REGION}")
    try:
        # The columns the page carries: every region's while they are few, else the national one.
        carried = REGIONS if len(REGIONS) <= TOPIC_COLUMNS_INLINE_UP_TO else REGIONS[:1]
        assert visible_regions(page) == carried
        assert page.is_hidden(".region-picker")
        assert page.locator("button.copy-link:visible").count() == 0
    finally:
        context.close()


def first_labels(compiled: dict[str, Any], topic: str) -> dict[str, str]:
    """The topic's rows (parameter id → label as the first region in order defines it), from the data."""
    labels: dict[str, str] = {}
    for parameters in compiled["parameters"].values():
        for parameter_id, parameter in parameters.items():
            if parameter["topic"] == topic:
                labels.setdefault(parameter_id, parameter["label"])
    return labels


@pytest.mark.parametrize("where", ["http", "disk"])
def test_on_a_phone_every_topic_table_is_one_card_per_region(
    chromium: Any, site_url: str, built_site: Path, compiled_data: dict[str, Any], where: str
) -> None:
    base = site_url if where == "http" else built_site.as_uri() + "/"
    # The columns the page carries: every region's while they are few, else the national one.
    carried = REGIONS if len(REGIONS) <= TOPIC_COLUMNS_INLINE_UP_TO else REGIONS[:1]
    with logged_page(chromium, base) as (page, requests, errors):
        for topic in TOPICS:
            page.goto(base + f"topics/{topic}.html")
            cards = assert_cards_match_matrix(page)
            rows: dict[str, str] = {}
            for aspect, aspect_cards in cards.items():
                assert [card["region"] for card in aspect_cards] == carried, (topic, aspect)
                for card in aspect_cards:
                    assert "".join(compiled_data["regions"][card["region"]]["name"].split()) in card["title"]
                    # Every row of the matrix, in the same order, in every region's card.
                    assert [entry[0] for entry in card["entries"]] == [entry[0] for entry in aspect_cards[0]["entries"]]
                rows.update({row: label for row, label, _value in aspect_cards[0]["entries"]})
            expected = first_labels(compiled_data, topic)
            assert rows == {row: "".join(label.split()) for row, label in expected.items()}, topic
        assert requests.outside() == []
        assert errors == []


def test_on_a_phone_a_row_link_shows_that_rows_entry_in_the_cards(
    chromium: Any, site_url: str, compiled_data: dict[str, Any]
) -> None:
    context = chromium.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    try:
        row_id = sorted(first_labels(compiled_data, "medical"))[-1]  # far down the page
        page.goto(site_url + f"topics/medical.html#{row_id}")
        marked = page.locator(".region-card dt.card-target")
        # One entry in the card of every region (of the row's matrix).
        cards = page.locator(".region-card", has=page.locator(f'dt[data-row="{row_id}"]'))
        assert marked.count() == cards.count() == cards.filter(has=page.locator("dt.card-target")).count() > 0
        page.wait_for_function(
            "() => { const top = document.querySelector('.region-card dt.card-target').getBoundingClientRect().top;"
            " return top > 0 && top < innerHeight / 2; }"
        )
        assert page.locator(f'.region-card dd.card-target[data-row="{row_id}"]').count() == marked.count()
    finally:
        context.close()


def test_on_a_phone_without_javascript_the_table_scrolls_inside_its_box(chromium: Any, site_url: str) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(site_url + "topics/medical.html")
        assert page.locator(".region-card").count() == 0
        box = page.locator(".matrix-scroll").first
        assert box.is_visible()
        assert box.evaluate("box => box.scrollWidth > box.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_site_and_no_script_fails(
    browser_page: tuple[Any, Any], site_url: str, name: str
) -> None:
    page, requests = browser_page
    page.goto(site_url + PAGES[name], wait_until="networkidle")
    if name == "home":
        search_result_links(page, "大病")  # loads part of the search index
    assert requests.outside() == []
    assert page.js_errors == []


@pytest.mark.parametrize(("name", "scheme"), [(name, "light") for name in PAGES] + [("topic", "dark")])
def test_axe_finds_no_serious_or_critical_violation(
    browser_page: tuple[Any, Any], site_url: str, name: str, scheme: str
) -> None:
    page, _ = browser_page
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + PAGES[name])
    serious = serious_axe_violations(page)
    assert serious == [], json.dumps(serious, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_axe_finds_no_serious_or_critical_violation_in_any_topic_table_or_its_cards(
    chromium: Any, site_url: str, scheme: str, width: str
) -> None:
    viewport = PHONE if width == "phone" else DESKTOP
    context = chromium.new_context(locale="zh-CN", viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    try:
        for topic in TOPICS:
            page.goto(site_url + f"topics/{topic}.html")
            shown = ".region-card" if width == "phone" else "table.matrix"
            assert page.locator(shown).first.is_visible()
            serious = serious_axe_violations(page)
            assert serious == [], (topic, json.dumps(serious, ensure_ascii=False))
    finally:
        context.close()


def test_print_layout_drops_navigation_and_keeps_footnotes(browser_page: tuple[Any, Any], site_url: str) -> None:
    page, _ = browser_page
    page.goto(site_url + "topics/medical.html")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".region-picker"):
        assert page.eval_on_selector(chrome, "e => getComputedStyle(e).display") == "none", chrome
    assert page.locator("ol.footnotes li").first.is_visible()
    assert page.eval_on_selector(".matrix-scroll", "e => getComputedStyle(e).overflow") == "visible"
