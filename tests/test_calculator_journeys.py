"""Phone-first journeys on the 估算待遇 page, in real Chromium, over http and from disk (issue 14),
and the page side of "answers, not blanks" (issue 11).

A person opens a shared link on a phone and must see its result on the first screen; picks their
region once and sees it first; opens a panel, edits a figure and finds the panel still open; prints
one region's calculation on at most two A4 pages; reads where to apply; shares from a USB copy;
makes the text larger. Each test acts through the page and reads what it shows.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from calculator_driver import FULL_HOUSEHOLD, RESULT_TIMEOUT_MS, CalculatorPage, folder_uri
from conftest import search_result_links, serving
from pypdf import PdfReader

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHARED = "#maternity.avg_monthly_wage=6000&maternity.delivery=caesarean&region=shaanxi"
FULL = FULL_HOUSEHOLD


def fragment_of(household: dict[str, Any], region: str | None = None) -> str:
    parts = [f"{key}={','.join(value) if isinstance(value, list) else value}" for key, value in household.items()]
    if region:
        parts.append(f"region={region}")
    return "#" + "&".join(parts)


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1)
    yield context
    context.close()


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport=DESKTOP)
    yield context
    context.close()


def wait_for_results(calc: CalculatorPage) -> None:
    calc.page.wait_for_selector("#calculator[data-result-state=results]", timeout=RESULT_TIMEOUT_MS)


def on_first_screen(page: Any, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


# --- 1. a shared link opens on its result -----------------------------------------------------------


@pytest.mark.parametrize("where", ["http", "disk"])
def test_a_shared_link_shows_its_result_on_a_phones_first_screen(
    phone: Any, site_url: str, built_site: Path, where: str
) -> None:
    base = site_url if where == "http" else folder_uri(built_site)
    calc = CalculatorPage.open(phone, base, SHARED)
    wait_for_results(calc)
    page = calc.page
    page.wait_for_timeout(300)  # the landing scroll follows the first drawing
    line = page.inner_text("#calc-shared")
    assert "分享的计算" in line and "6000元/月" in line and "剖宫产" in line
    assert "陕西省" in line and "22,600元" in line
    assert on_first_screen(page, "#calc-shared .calc-shared-result")
    assert on_first_screen(page, '.calc-card-mine dd[data-benefit="maternity"]')
    assert "22,600元" in page.inner_text('.calc-card-mine dd[data-benefit="maternity"]')
    # 修改情况: the form is one tap away, and comes back before the results.
    page.get_by_role("button", name="修改情况").click()
    assert page.locator("#calc-shared").count() == 0
    form_top = page.locator("#calc-form").bounding_box()["y"]
    results_top = page.locator("#calc-results").bounding_box()["y"]
    assert form_top < results_top
    assert page.evaluate("document.activeElement.name") == "maternity.avg_monthly_wage"
    assert calc.errors == []


def test_a_link_without_a_household_opens_the_form_first(phone: Any, site_url: str) -> None:
    calc = CalculatorPage.open(phone, site_url)
    assert calc.page.locator("#calc-shared").count() == 0
    assert calc.page.evaluate("scrollY") == 0


# --- 2. my region -------------------------------------------------------------------------------


def test_the_chosen_region_comes_first_is_kept_in_the_link_and_remembered(desktop: Any, site_url: str) -> None:
    calc = CalculatorPage.open(desktop, site_url)
    page = calc.page
    calc.fill({"maternity.avg_monthly_wage": 6000})
    calc.wait_for_result({"maternity.avg_monthly_wage": "6000"})
    # Without a region every region is compared, in the page's order.
    assert page.locator(".calc-card-mine").count() == 0
    assert page.locator("table.calc-summary").is_visible()
    page.select_option("#calc-region", "shaanxi")
    page.wait_for_selector('.calc-card-mine[data-region="shaanxi"]')
    assert "region=shaanxi" in page.url
    first_card = page.locator("#calc-results-body .calc-card").first
    assert first_card.get_attribute("data-region") == "shaanxi"
    assert "计算步骤与出处" in first_card.inner_text()
    # The others wait behind 与其他地区比较, the chosen region's column first.
    compare = page.locator("details.calc-compare")
    assert compare.get_attribute("open") is None
    assert "另外 4 个地区" in compare.locator("> summary").inner_text()
    compare.locator("> summary").click()
    headers = page.eval_on_selector_all(
        "table.calc-summary thead th[data-region]", "cells => cells.map(c => c.dataset.region)"
    )
    assert headers[0] == "shaanxi" and len(headers) == 5
    # A new page in the same browser (no region in its link) starts from the remembered region.
    again = CalculatorPage.open(desktop, site_url, "#maternity.avg_monthly_wage=5000")
    again.wait_for_result({"maternity.avg_monthly_wage": "5000"})
    assert again.page.input_value("#calc-region") == "shaanxi"
    assert again.page.locator('.calc-card-mine[data-region="shaanxi"]').is_visible()
    # Choosing no region compares all of them again.
    again.page.select_option("#calc-region", "")
    again.page.wait_for_selector("table.calc-summary", state="visible")
    assert "region=" not in again.page.url
    assert calc.errors == [] and again.errors == []


def test_on_a_phone_results_are_one_card_per_region_and_nothing_is_wider_than_the_screen(
    phone: Any, site_url: str
) -> None:
    calc = CalculatorPage.open(phone, site_url, fragment_of(FULL))
    calc.wait_for_result(calc.expected_link(FULL))
    page = calc.page
    assert page.locator("table.calc-summary").is_hidden()
    cards = page.locator("#calc-results-body .calc-card")
    assert cards.count() == len(calc.config["regions"])
    for index in range(cards.count()):
        figures = cards.nth(index).locator(".calc-card-figures")
        assert figures.is_visible()
        text = figures.inner_text()
        assert "住院费用报销" in text and "产假天数与生育津贴" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# Topic tables as one card per region on phones: tests/test_site_browser.py (every region in the page)
# and tests/test_topic_columns.py (regions the reader adds and removes).


# --- 3. panels keep their state -------------------------------------------------------------------


def test_an_opened_panel_stays_open_after_an_edit_and_a_tap_right_after_typing(desktop: Any, site_url: str) -> None:
    calc = CalculatorPage.open(desktop, site_url)
    page = calc.page
    calc.fill({"maternity.avg_monthly_wage": "6000"}, typing=True)
    calc.wait_for_result({"maternity.avg_monthly_wage": "6000"})
    panel = 'details.calc-region[data-region="beijing"]'
    assert page.locator(panel).get_attribute("open") is None
    # Typing, then at once tapping the panel (the field's blur recalculates): the tap opens it.
    calc.control("maternity.avg_monthly_wage").fill("")
    calc.control("maternity.avg_monthly_wage").press_sequentially("6500")
    calc.wait_for_result({"maternity.avg_monthly_wage": "6500"})
    page.locator(f"{panel} > summary").click()
    page.wait_for_timeout(400)
    assert page.locator(panel).get_attribute("open") is not None
    # Later edits redraw the figures and leave the panel open, the closed ones closed.
    calc.control("maternity.avg_monthly_wage").fill("7000")
    calc.wait_for_result({"maternity.avg_monthly_wage": "7000"})
    assert page.locator(panel).get_attribute("open") is not None
    assert page.locator('details.calc-region[data-region="delingha"]').get_attribute("open") is None
    # A panel the reader closed stays closed too.
    page.locator(f"{panel} > summary").click()
    calc.control("maternity.avg_monthly_wage").fill("7100")
    calc.wait_for_result({"maternity.avg_monthly_wage": "7100"})
    assert page.locator(panel).get_attribute("open") is None
    assert calc.errors == []


# --- 4. the handout -------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> tuple[int, str]:
    """The page count and the text (NFKC: the PDF's fonts give some characters as Kangxi radicals)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFKC", text)


def test_printing_one_regions_calculation_gives_at_most_two_a4_pages(desktop: Any, site_url: str) -> None:
    calc = CalculatorPage.open(desktop, site_url, fragment_of(FULL, "shaanxi"))
    calc.wait_for_result(calc.expected_link(FULL))
    page = calc.page
    page.locator("#calc-qr svg").wait_for(state="visible")
    page.emulate_media(media="print")
    try:
        for hidden in (".calc-form", ".calc-presets", ".calc-myregion", "#calc-copy", "details.calc-compare"):
            assert page.locator(hidden).first.is_hidden(), hidden
        assert page.locator(".calc-card-mine .calc-params li").first.is_visible()
        assert page.locator(".calc-card-mine .calc-apply-list li").first.is_visible()
        assert page.locator("#calc-qr svg").is_visible()
        pages, text = pdf_pages(page.pdf(prefer_css_page_size=True))
    finally:
        page.emulate_media(media="screen")
    assert 1 <= pages <= 2, f"{pages} pages"
    squeezed = re.sub(r"\s+", "", text)
    handout_words = ("填写的情况", "住院总费用", "陕西省", "陕人社发[2017]60号")
    handout_words += ("以经办机构核定为准", "资料日期", "12333")
    for words in handout_words:
        assert words in squeezed, words
    # Every region's handout fits, and printing all five regions is longer than any one.
    for region in calc.config["regions"]:
        page.select_option("#calc-region", region["id"])
        page.wait_for_selector(f'.calc-card-mine[data-region="{region["id"]}"]')
        page.emulate_media(media="print")
        try:
            count, _ = pdf_pages(page.pdf(prefer_css_page_size=True))
        finally:
            page.emulate_media(media="screen")
        assert count <= 2, f"{region['id']}: {count} pages"
    page.select_option("#calc-region", "")
    page.wait_for_selector("table.calc-summary", state="visible")
    page.emulate_media(media="print")
    try:
        all_pages, _ = pdf_pages(page.pdf(prefer_css_page_size=True))
    finally:
        page.emulate_media(media="screen")
    assert all_pages > 2
    assert calc.errors == []


# --- 5. how to apply -------------------------------------------------------------------------------


def test_how_to_apply_gives_sourced_statements_and_says_when_the_sources_are_silent(
    desktop: Any, site_url: str
) -> None:
    household = {"status": ["registered_poor"], "maternity.avg_monthly_wage": 6000}
    calc = CalculatorPage.open(desktop, site_url, fragment_of(household, "shaanxi"))
    calc.wait_for_result(calc.expected_link(household))
    page = calc.page
    apply = page.locator('details.calc-apply[data-region="shaanxi"]')
    assert apply.get_attribute("open") is not None
    subsidy = apply.locator('li[data-benefits~="pension_subsidy"]').all_inner_texts()
    own = [text for text in subsidy if not text.startswith("全国")]
    assert any(all(words in text for words in ("不用申请", "代缴", "陕人社发[2017]60号", "二、(一)")) for text in own)
    # The national rule is shown beside the region's own, marked as national.
    assert any(text.startswith("全国：") and "地方人民政府" in text for text in subsidy)
    assert "12333" in apply.inner_text()
    # Beijing's documents say nothing about applying for maternity benefit: said, with 12333.
    page.select_option("#calc-region", "beijing")
    page.wait_for_selector('details.calc-apply[data-region="beijing"]')
    silent = page.locator('details.calc-apply[data-region="beijing"] li.calc-apply-silent').inner_text()
    assert "没有写明" in silent and "产假天数与生育津贴" in silent and "12333" in silent
    assert page.locator('details.calc-apply[data-region="beijing"] li[data-benefits~="maternity"]').count() == 1
    # Every statement's source links to its document page.
    links = page.eval_on_selector_all(".calc-apply-source a", "links => links.map(a => a.getAttribute('href'))")
    assert links and all(link.startswith("sources/") for link in links)
    assert calc.errors == []


# --- 6. sharing from disk, 404 from disk -------------------------------------------------------------


def test_from_disk_the_share_box_says_the_link_only_works_on_this_computer(desktop: Any, built_site: Path) -> None:
    calc = CalculatorPage.open(desktop, folder_uri(built_site), "#maternity.avg_monthly_wage=6000")
    calc.wait_for_result({"maternity.avg_monthly_wage": "6000"})
    page = calc.page
    where = page.inner_text("#calc-share-where")
    assert "只在这台电脑上有效" in where
    page.wait_for_timeout(200)
    assert page.locator("#calc-qr svg").count() == 0
    assert calc.errors == []


@pytest.fixture
def site_with_public_address(built_site: Path, tmp_path: Path) -> Path:
    """The built site as if built with mkdocs `site_url: https://example.org/shebao/` (the page's
    config block is what the build writes for it); files are hard links, so the copy is cheap."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy, copy_function=os.link)
    page = copy / "calculator.html"
    text = page.read_text(encoding="utf-8")
    assert '"public_url":null' in text
    page.unlink()  # a hard link: write a new file, never into the shared one
    page.write_text(text.replace('"public_url":null', '"public_url":"https://example.org/shebao/"'), encoding="utf-8")
    return copy


def test_from_disk_with_a_public_address_the_link_and_qr_code_point_there(
    desktop: Any, site_with_public_address: Path
) -> None:
    calc = CalculatorPage.open(desktop, folder_uri(site_with_public_address), "#maternity.avg_monthly_wage=6000")
    calc.wait_for_result({"maternity.avg_monthly_wage": "6000"})
    page = calc.page
    assert "https://example.org/shebao/" in page.inner_text("#calc-share-where")
    link = page.get_attribute("#calc-share", "data-share-link")
    assert link == "https://example.org/shebao/calculator.html#maternity.avg_monthly_wage=6000"
    page.locator("#calc-qr svg").wait_for(state="attached")
    assert calc.errors == []


class _NotFoundServer(http.server.SimpleHTTPRequestHandler):
    """A server as sites are deployed: the site under `mount` ("" for the server's root, or "shebao/"),
    and 404.html, with status 404, at any address that names no file (nginx's error_page, GitHub Pages)."""

    mount = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        prefix = "/" + self.mount
        if not path.startswith(prefix):
            return str(Path(self.directory) / "missing" / "nothing")
        return super().translate_path("/" + path[len(prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html")  # no charset: the page must declare it early
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def not_found_server(site: Path, mount: str) -> Iterator[str]:
    """The site's root address on a server that answers missing addresses with 404.html."""
    with serving(site, type("Handler", (_NotFoundServer,), {"mount": mount})) as url:
        yield url + mount


def assert_404_page_works(page: Any, root: str, address: str) -> None:
    """404.html shown at `address` on a site whose root is `root`: every file it asks for loads, the
    theme's stylesheet applies, and its links (home, navigation, search results) lead into the site."""
    log: list[str] = []
    page.on("requestfailed", lambda request: log.append(f"{request.url} {request.failure}"))
    page.on("response", lambda response: log.append(response.url) if response.status >= 400 else None)

    def failed() -> list[str]:
        return [url for url in log if url != address]  # the missing address itself answers 404

    response = page.goto(address, wait_until="networkidle")
    assert response is not None and response.status in {0, 200, 404}  # file:// answers 0
    assert failed() == []
    assert "404" in page.inner_text("article")
    # The theme's stylesheet is applied: the header is a sticky bar, not unstyled text.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.eval_on_selector("a.md-header__button.md-logo", "a => a.href") == root + "index.html"
    tabs = page.eval_on_selector_all(".md-tabs__link", "links => links.map(a => a.href)")
    assert root + "topics/index.html" in tabs
    links = search_result_links(page, "大病保险")
    assert root + "topics/medical.html" in [link.split("?")[0].split("#")[0] for link in links]
    assert failed() == []
    page.keyboard.press("Escape")  # closes the search
    page.click("a.md-header__button.md-logo")
    page.wait_for_load_state("load")
    assert page.url == root + "index.html"
    assert page.locator(".md-content h1").count() == 1
    assert failed() == []


def test_the_404_page_opens_from_disk_styled_and_without_failed_requests(desktop: Any, built_site: Path) -> None:
    assert_404_page_works(desktop.new_page(), folder_uri(built_site), (built_site / "404.html").as_uri())


@pytest.mark.parametrize(
    ("mount", "missing"),
    [
        ("", "topics/nope/deeper.html"),
        ("", "nope.html"),
        ("", "regions/old/a/b/c.html"),
        ("shebao/", "topics/nope/deeper.html"),
        ("shebao/", "nope.html"),
    ],
)
def test_a_server_shows_the_404_page_styled_with_working_links_at_any_missing_address(
    desktop: Any, built_site: Path, mount: str, missing: str
) -> None:
    with not_found_server(built_site, mount) as root:
        assert_404_page_works(desktop.new_page(), root, root + missing)


def test_a_missing_address_that_names_another_host_keeps_the_404_page_on_this_site(
    desktop: Any, built_site: Path
) -> None:
    # "//other.example/topics/…" as a path: the page's base must stay on this origin, never become
    # the protocol-relative //other.example/ (whose scripts and styles the page would then ask for).
    with not_found_server(built_site, "") as root:
        origin = root.rstrip("/")
        page = desktop.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(origin + "//other.example/topics/nope.html", wait_until="networkidle")
        assert page.evaluate("document.baseURI").startswith(origin + "/")
        assert requested and all(url.startswith(origin + "/") for url in requested), requested


# --- 7. larger text -----------------------------------------------------------------------------------


def test_the_text_size_control_enlarges_text_is_remembered_and_the_phone_layout_survives(
    phone: Any, site_url: str
) -> None:
    calc = CalculatorPage.open(phone, site_url, fragment_of(FULL))
    calc.wait_for_result(calc.expected_link(FULL))
    page = calc.page
    body_size = "parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)"
    normal = page.evaluate(body_size)
    button = page.locator("button.text-size")
    assert button.is_visible() and "字号" in button.inner_text()
    button.click()
    assert page.evaluate("document.documentElement.dataset.textSize") == "large"
    button.click()
    assert page.evaluate("document.documentElement.dataset.textSize") == "larger"
    assert page.evaluate(body_size) >= normal * 1.35
    page.wait_for_timeout(200)
    overflow = page.evaluate(
        """() => [...document.querySelectorAll(".md-content *, .md-header *")].filter(node => {
            const box = node.getBoundingClientRect();
            // A data table scrolls inside its own box (.calc-table-wrap) by design.
            return box.width > 0 && box.right > document.documentElement.clientWidth + 1
                && !node.closest(".calc-table-wrap");
        }).slice(0, 5).map(node => node.tagName + "." + node.className)"""
    )
    assert overflow == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Remembered on another page of the site.
    other = phone.new_page()
    other.goto(site_url + "topics/pension.html")
    assert other.evaluate("document.documentElement.dataset.textSize") == "larger"
    assert other.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_every_control_of_the_calculator_is_at_least_44_px(phone: Any, site_url: str) -> None:
    calc = CalculatorPage.open(phone, site_url, fragment_of(FULL))
    calc.wait_for_result(calc.expected_link(FULL))
    small = calc.page.evaluate(
        """() => [...document.querySelectorAll(
            "#calculator button, #calculator select, #calculator input, #calculator summary, "
            + ".md-header button.text-size"
        )].filter(node => {
            const box = node.getBoundingClientRect();
            if (box.width === 0 || box.height === 0) return false;  // not shown
            const target = node.type === "checkbox" ? node.closest("label").getBoundingClientRect() : box;
            return target.height < 44 - 0.5;
        }).map(node => node.tagName + "." + node.className + " " + (node.name || node.textContent.slice(0, 12)))"""
    )
    assert small == []


# --- issue 11: answers, not blanks (the page side, against Python's JSON contract) -----------------

CONTRACT_RESULTS = {
    "national": {
        "benefit": "pension_monthly",
        "label": "城乡居民基本养老金（每月）",
        "answer": "bounded",
        "amount": None,
        "unit": "cny_per_month",
        "display": "至少 112.82元/月",
        "bounds": {"low": 112.82, "high": None},
        "summary": "全国：每月养老金至少 112.82元",
        "as_of": "2018-01-01",
        "stale": True,
        "stale_message": "所用数字来自2018年，计算日期已过去多年，标准可能已调整。",
        "steps": [],
        "missing": [
            {
                "message": "原文没有写明基础养老金",
                "field": "pension.basic_pension",
                "field_label": "基础养老金",
                "hint": "养老金领取通知书上的「基础养老金」",
            }
        ],
        "assumptions": [],
    },
    "beijing": {
        "benefit": "pension_monthly",
        "label": "城乡居民基本养老金（每月）",
        "answer": "unknown",
        "amount": None,
        "unit": "cny_per_month",
        "display": "无法计算：缺少基础养老金",
        "bounds": None,
        "summary": "北京市：无法计算",
        "as_of": None,
        "stale": False,
        "stale_message": None,
        "steps": [],
        "missing": [],
        "assumptions": [],
    },
}


def layer(layer_id: str, label: str, amount: float | None, status: str, reason: str | None = None) -> dict[str, Any]:
    return {"id": layer_id, "label": label, "amount": amount, "status": status, "reason": reason, "bounds": None}


def contract_medical(region: str) -> dict[str, Any]:
    return {
        "benefit": "medical",
        "label": "住院费用报销",
        "answer": "unknown",
        "amount": None,
        "unit": "cny",
        "display": "无法计算：缺少起付线",
        "bounds": None,
        "summary": f"{region}：个人自付无法计算",
        "as_of": None,
        "stale": False,
        "stale_message": None,
        "layers": [
            layer("basic", "基本医保", 54000, "computed"),
            layer("critical_illness", "大病保险", None, "unknown", "缺少大病保险起付线"),
            layer("assistance", "医疗救助", None, "not_applicable"),
            layer("out_of_pocket", "个人自付", None, "unknown", "前面有未知的部分"),
        ],
        "steps": [],
        "missing": [],
        "assumptions": [],
    }


def contract_answer(regions: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [region["id"] for region in regions]
    results = {}
    for region in ids:
        pension = CONTRACT_RESULTS.get(region, CONTRACT_RESULTS["beijing"])
        results[region] = {"pension_monthly": dict(pension), "medical": contract_medical(region)}
    return {
        "on": "2018-01-15",
        "regions": [{**region, "data_as_of": "2018-01-15", "data_as_of_text": "2018年1月"} for region in regions],
        "results": results,
        "warnings": [],
    }


@pytest.fixture
def contract_page(chromium: Any, site_url: str) -> Iterator[CalculatorPage]:
    """Python cannot start, so the page draws a precomputed answer: one written to the JSON contract
    of issue 11 (bounded, unknown, stale, layers with unknown amounts), put in the page's config."""
    context = chromium.new_context(locale="zh-CN", viewport=DESKTOP)
    context.add_init_script("delete window.WebAssembly;")

    def contract_config(route: Any) -> None:
        response = route.fetch()
        body = response.text()
        start = body.index('<script type="application/json" id="calculator-config">') + len(
            '<script type="application/json" id="calculator-config">'
        )
        end = body.index("</script>", start)
        config = json.loads(body[start:end])
        answer = contract_answer([{"id": r["id"], "name": r["name"]} for r in config["regions"]])
        for preset in config["presets"]:
            preset["result"] = answer
        text = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
        route.fulfill(response=response, body=body[:start] + text + body[end:])

    context.route(f"{site_url}calculator.html", contract_config)
    calc = CalculatorPage.open(context, site_url, "", wait="no")
    calc.page.wait_for_selector("#calculator[data-runtime=failed]", timeout=RESULT_TIMEOUT_MS)
    wait_for_results(calc)
    yield calc
    context.close()


def test_bounds_unknowns_and_stale_data_are_shown_as_python_says(contract_page: CalculatorPage) -> None:
    page = contract_page.page
    assert "至少 112.82元/月" in contract_page.cell("national", "pension_monthly")
    assert "无法计算：缺少基础养老金" in contract_page.cell("beijing", "pension_monthly")
    # One known figure among unknowns, or none known: never "各地相同" (nor "各地不同").
    pension_row = page.inner_text('table.calc-summary tr[data-benefit="pension_monthly"] th')
    assert "各地相同" not in pension_row and "各地不同" not in pension_row
    medical_row = page.inner_text('table.calc-summary tr[data-benefit="medical"] th')
    assert "各地相同" not in medical_row
    # An unknown layer is drawn as unknown with Python's reason, never as 0元.
    chain = page.inner_text('.calc-chain-row[data-region="national"]')
    assert "基本医保" in chain and "54,000元" in chain
    critical = page.inner_text('.calc-chain-row[data-region="national"] li[data-layer="critical_illness"]')
    assert "未知" in critical and "缺少大病保险起付线" in critical
    assert "0元" not in chain.replace("54,000元", "")
    # The stale warning and the data date per region; the hint says where the figure is found.
    card = page.locator('.calc-card[data-region="national"]')
    assert "所用数字来自2018年" in card.inner_text()
    assert "本地区所用资料截至2018年1月" in card.inner_text()
    page.locator('details.calc-region[data-region="national"] > summary').click()
    assert "养老金领取通知书上的「基础养老金」" in page.inner_text('details.calc-region[data-region="national"]')
    assert "数字可能已过时" in contract_page.cell("national", "pension_monthly")


@pytest.mark.parametrize("where", ["http", "disk"])
def test_the_settlement_slip_path_never_draws_an_unknown_layer_as_zero(
    desktop: Any, site_url: str, built_site: Path, where: str
) -> None:
    """The 结算单 path: only the out-of-pocket amount after basic insurance is known (from the
    hospital's settlement slip). Layers Python cannot compute read as unknown, never as 0元."""
    base = site_url if where == "http" else folder_uri(built_site)
    household = {"status": ["registered_poor"], "medical.out_of_pocket": 20000}
    calc = CalculatorPage.open(desktop, base, fragment_of(household))
    calc.wait_for_result(calc.expected_link(household))
    page = calc.page
    layers = page.eval_on_selector_all(
        ".calc-chain-step",
        """steps => steps.map(step => ({
            layer: step.dataset.layer, status: step.dataset.status, text: step.querySelector("strong").textContent
        }))""",
    )
    assert len(layers) == 4 * len(calc.config["regions"])
    for layer in layers:
        if layer["status"] not in ("computed", "given"):
            assert not re.fullmatch(r"0(\.0+)?元", layer["text"]), layer
            unknown_words = ("未知", "原文未规定", "不适用", "无法计算", "至少", "最多")
            assert layer["text"].startswith(unknown_words), layer
    for region in calc.config["regions"]:
        assert calc.cell(region["id"], "medical").strip()
    # "各地相同" only when every region knows its figure.
    header = page.inner_text('table.calc-summary tr[data-benefit="medical"] th')
    cells = [calc.cell(region["id"], "medical") for region in calc.config["regions"]]
    if all("原文未规定" in cell or "无法计算" in cell for cell in cells):
        assert "各地相同" not in header
    assert calc.errors == []
