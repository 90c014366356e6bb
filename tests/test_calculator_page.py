"""The 估算待遇 page in real Chromium over http: the form, Python (Pyodide in a worker), results.

Most tests share one page (Pyodide starts once per module) and act as a person would: type into
inputs, choose options, tick boxes, press buttons, then read what the page shows. Expected figures
come from the golden cases in tests/cases/*.yaml, the same ones the engine tests use; tests that
need a fresh start (shared links, failures, loading) open their own page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from calculator_driver import (
    FULL_HOUSEHOLD,
    PAGE,
    RESULT_TIMEOUT_MS,
    CalculatorPage,
    cell_problems,
    form_text,
    money_text,
)
from conftest import serious_axe_violations
from golden import CASES, GoldenCase

pytestmark = pytest.mark.browser

# Text that must never reach a reader, whatever was typed or linked.
FORBIDDEN_TEXT = ("NaN", "undefined", "Traceback", "null", "[object", "Error", "Infinity")

# A subset of the golden cases that covers every benefit and every kind of control (text, select,
# boolean select, tick boxes, date), figures found, figures missing and not eligible.
GOLDEN_IDS = (
    "shaanxi_pays_fifty_yuan_for_registered_poor_from_2018",
    "shaanxi_does_not_pay_twice_for_dibao_with_severe_disability",
    "delingha_basic_pension_plus_account",
    "shaanxi_silent_basic_pension_takes_the_national_minimum_as_a_floor",
    "delingha_first_level_hospital_pays_ninety_percent",
    "shaanxi_ninety_percent_is_a_target_shown_not_paid",
    "beijing_settlement_slip_basic_paid_then_critical_illness_tiers",
    "a_calculation_years_after_the_newest_figure_warns_that_it_is_stale",
    "national_sources_state_none_of_the_medical_figures",
    "national_caesarean_adds_fifteen_days",
    "fenghua_natural_delivery_one_hundred_twenty_eight_days_from_2017",
    "wage_below_sixty_percent_is_raised_to_the_floor",
    "grade_ten_gets_seven_months_and_no_monthly_allowance",
    "delingha_unemployment_benefit_1090_for_eighteen_months",
    "shaanxi_migrant_worker_under_one_year_not_eligible",
    "beijing_migrant_worker_eligible_after_exactly_one_year",
)
GOLDEN = [case for case in CASES if case.id in GOLDEN_IDS]
SHARED_LINK = {"maternity.avg_monthly_wage": "6000", "maternity.delivery": "caesarean"}
# The start of each layer's name in the payment chain (基本医保 → 大病保险 → 医疗救助 → 个人自付).
LAYER_LABELS = {
    "basic": "基本医保",
    "critical_illness": "大病保险",
    "assistance": "医疗救助",
    "out_of_pocket": "个人自付",
}
INIT_COLLECTORS = """
window.__dialogs = 0;
window.alert = window.confirm = window.prompt = () => { window.__dialogs += 1; };
"""


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context(chromium: Any, site_url: str) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    context.add_init_script(INIT_COLLECTORS)
    yield context
    context.close()


@pytest.fixture(scope="module")
def calc(context: Any, site_url: str) -> CalculatorPage:
    """The module's shared page: opened once, Python started once."""
    return CalculatorPage.open(context, site_url)


@pytest.fixture
def fresh(chromium: Any, site_url: str) -> Iterator[Any]:
    """A context of its own (cold cache, no shared state) for tests that need a new start."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT_COLLECTORS)
    yield context
    context.close()


# --- golden cases through the form -----------------------------------------------------------------


def test_the_golden_subset_covers_every_benefit() -> None:
    assert len(GOLDEN) == len(GOLDEN_IDS), "a golden case named here no longer exists"
    assert {case.benefit for case in GOLDEN} == {case.benefit for case in CASES}


def test_the_cell_check_notices_a_wrong_figure() -> None:
    case = next(case for case in GOLDEN if case.id == "national_caesarean_adds_fifteen_days")
    assert cell_problems(case, "22,600元\n产假 113 天") == []
    assert cell_problems(case, "22,601元\n产假 113 天")
    assert cell_problems(case, "22,600元\n产假 98 天")


@pytest.mark.parametrize("case", GOLDEN, ids=[case.id for case in GOLDEN])
def test_golden_case_filled_in_by_hand(calc: CalculatorPage, case: GoldenCase) -> None:
    calc.clear()
    calc.fill(case.household)
    calc.wait_for_result(calc.expected_link(case.household))
    text = calc.cell(case.region, case.benefit)
    assert cell_problems(case, text) == [], f"{case.id} ({case.source}): cell reads {text!r}"
    # Every region has its cell in the row, none of them blank.
    row = calc.row(case.benefit)
    assert set(row) == {region["id"] for region in calc.config["regions"]}
    assert all(value.strip() for value in row.values())
    if case.benefit == "medical" and case.expect.get("layers"):
        chain = calc.page.inner_text(f'.calc-chain-row[data-region="{case.region}"]')
        for layer_id, amount in case.expect["layers"].items():
            label = LAYER_LABELS[layer_id]
            # An uncomputed layer reads 未知 (or 不适用, or a limit such as 最多 …), never 0元.
            expected = re.escape(money_text(amount)) if amount is not None else "(未知|不适用|最多|至少)"
            assert re.search(f"{label}[^→]*{expected}", chain), f"{label} {expected} not in chain: {chain!r}"
    assert not any(word in calc.results_text() for word in FORBIDDEN_TEXT)
    assert calc.errors == []


# --- shared links, copy, QR ------------------------------------------------------------------------


def test_a_shared_link_restores_the_form_and_the_results(calc: CalculatorPage, context: Any, site_url: str) -> None:
    # The same situation entered by hand on the shared page ...
    calc.clear()
    calc.fill(SHARED_LINK, typing=True)
    calc.wait_for_result(SHARED_LINK)
    by_hand = calc.summary()
    assert "maternity" in by_hand
    # ... and opened from a link in a new page.
    fragment = "#" + "&".join(f"{key}={value}" for key, value in SHARED_LINK.items())
    linked = CalculatorPage.open(context, site_url, fragment)
    try:
        linked.wait_for_result(SHARED_LINK)
        for key, value in SHARED_LINK.items():
            assert linked.control(key).input_value() == value
        assert linked.summary() == by_hand
        assert linked.errors == []
    finally:
        linked.page.close()


def test_the_fragment_follows_the_form_and_the_link_can_be_copied(calc: CalculatorPage, site_url: str) -> None:
    page = calc.page
    calc.clear()
    assert page.evaluate("location.hash") == ""
    assert page.locator("#calc-share").is_hidden()
    # Options left at their defaults (顺产, 1 个婴儿, the newest date) start no calculation.
    assert page.get_attribute("#calculator", "data-result-state") == "empty"
    assert page.locator("table.calc-summary").count() == 0
    calc.fill({"maternity.avg_monthly_wage": 5000, "maternity.babies": 2}, typing=True)
    calc.wait_for_result({"maternity.avg_monthly_wage": "5000", "maternity.babies": "2"})
    assert dict(parse_qsl(page.evaluate("location.hash.slice(1)"))) == {
        "maternity.avg_monthly_wage": "5000",
        "maternity.babies": "2",
    }
    qr_before = page.get_attribute("#calc-qr svg path", "d")
    assert qr_before
    calc.control("maternity.avg_monthly_wage").fill("5500")
    calc.wait_for_result({"maternity.avg_monthly_wage": "5500", "maternity.babies": "2"})
    assert "maternity.avg_monthly_wage=5500" in page.url
    # The QR code is drawn for the new link (while Python computes, so it may follow the results).
    page.wait_for_function(
        "before => document.querySelector('#calc-qr svg path').getAttribute('d') !== before", arg=qr_before
    )
    assert page.get_attribute("#calc-qr svg", "aria-label")

    # Following an in-page anchor (a skip link, a permalink) leaves the form as it is.
    page.evaluate("location.hash = 'calc-results-title'")
    page.wait_for_timeout(300)
    assert calc.control("maternity.avg_monthly_wage").input_value() == "5500"
    calc.control("maternity.avg_monthly_wage").fill("5600")
    calc.wait_for_result({"maternity.avg_monthly_wage": "5600", "maternity.babies": "2"})

    page.get_by_role("button", name="复制链接").click()
    page.wait_for_function("() => document.getElementById('calc-copy-status').textContent.includes('已复制')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert copied.startswith(site_url + PAGE + "#")


# --- presets -------------------------------------------------------------------------------------


def test_every_preset_fills_the_form_and_gets_the_results_the_build_computed(calc: CalculatorPage) -> None:
    page = calc.page
    for preset in calc.config["presets"]:
        calc.clear()
        page.locator(f'button[data-preset="{preset["id"]}"]').click()
        calc.wait_for_result(calc.expected_link(preset["household"]))
        for key, value in preset["household"].items():
            if calc.fields[key]["type"] == "multi_choice":
                for choice in value:
                    assert page.locator(f'input[name="{key}"][value="{choice}"]').is_checked()
            else:
                assert calc.control(key).input_value() == form_text(value), key
        # Python in the browser agrees with the build's CPython run, cell by cell.
        built = preset["result"]["results"]
        shown = calc.summary()
        assert set(shown) == set(next(iter(built.values()))), preset["id"]
        for region, benefits in built.items():
            for benefit, result in benefits.items():
                cell = shown[benefit][region]
                if result["eligible"] is False:
                    assert "不符合条件" in cell
                elif result["display"]:
                    assert result["display"] in cell, (preset["id"], region, benefit, cell)
                elif result["missing"]:
                    assert "原文未规定" in cell or "产假" in cell
    assert calc.errors == []


# --- bad input ------------------------------------------------------------------------------------

BAD_VALUES = [
    pytest.param("", "请填写", id="empty-required"),
    pytest.param("abc", "之间的", id="letters"),
    pytest.param("-5", "之间的", id="negative"),
    pytest.param("1e12", "之间的", id="absurd"),
    pytest.param("１２３４５６７８９０１２", "之间的", id="full-width-absurd"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_VALUES)
def test_bad_input_gets_a_message_at_its_field_and_keeps_the_rest(calc: CalculatorPage, bad: str, message: str) -> None:
    good = {"age": "62", "pension.annual_contribution": "200", "maternity.avg_monthly_wage": "6000"}
    calc.clear()
    calc.fill({**good, "pension.years": "15"})
    calc.wait_for_result({**good, "pension.years": "15"})
    # Now the years go wrong.
    calc.control("pension.years").fill("")
    if bad:
        calc.control("pension.years").press_sequentially(bad)
    calc.wait_for_errors()
    # Typed key by key on a loaded machine, the empty field may be judged first: wait for the
    # message about the whole value.
    calc.page.wait_for_function(
        "words => document.getElementById('err-pension.years').textContent.includes(words)",
        arg=message,
        timeout=RESULT_TIMEOUT_MS,
    )
    error = calc.error_at("pension.years")
    assert message in error and "缴费年限" in error, error
    assert calc.control("pension.years").get_attribute("aria-invalid") == "true"
    for key, value in good.items():
        assert calc.control(key).input_value() == value, key
        assert calc.control(key).get_attribute("aria-invalid") is None
    assert calc.control("pension.years").input_value() == bad
    text = calc.results_text()
    assert text.strip() and not any(word in text + error for word in FORBIDDEN_TEXT), text
    # Putting it right brings the results back and the message goes.
    calc.control("pension.years").fill("15")
    calc.wait_for_result({**good, "pension.years": "15"})
    assert calc.error_at("pension.years") == ""
    assert calc.control("pension.years").get_attribute("aria-invalid") is None
    assert calc.errors == []


def test_full_width_digits_are_accepted(calc: CalculatorPage) -> None:
    calc.clear()
    calc.fill({"maternity.avg_monthly_wage": "6000"})
    calc.wait_for_result({"maternity.avg_monthly_wage": "6000"})
    ascii_row = calc.row("maternity")
    calc.control("maternity.avg_monthly_wage").fill("")
    calc.control("maternity.avg_monthly_wage").press_sequentially("６０００")
    calc.wait_for_result({"maternity.avg_monthly_wage": "６０００"})
    assert calc.error_at("maternity.avg_monthly_wage") == ""
    assert calc.row("maternity") == ascii_row


# --- hostile links --------------------------------------------------------------------------------

PAYLOAD_IMG = "<img src=x onerror=alert(1)>"
PAYLOAD_SCRIPT = "<script>alert(2)</script>"
HOSTILE = [
    (PAYLOAD_IMG, "1"),
    (PAYLOAD_SCRIPT, "2"),
    ("unknown.key", "3"),
    ("medical.total_cost", PAYLOAD_IMG),
    ("age", PAYLOAD_SCRIPT),
    ("maternity.avg_monthly_wage", "1e400"),
    ("work_injury.monthly_wage", "9" * 40),
    ("work_injury.grade", "3"),
    ("pension.annual_contribution", "8" * 10_000),
    ("status", "dibao," + PAYLOAD_IMG),
    ("medical.scheme", PAYLOAD_SCRIPT),
]


# Fields the hostile link fills with something that is not a number in range.
HOSTILE_NUMBERS = (
    "medical.total_cost",
    "age",
    "maternity.avg_monthly_wage",
    "work_injury.monthly_wage",
    "pension.annual_contribution",
)


def injected(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
            images: document.querySelectorAll("img[src='x'], #calculator img").length,
            scripts: [...document.scripts].filter(s => s.textContent.includes("alert(")).length,
            dialogs: window.__dialogs,
        })"""
    )


def test_a_hostile_link_shows_nothing_it_should_not(fresh: Any, site_url: str) -> None:
    fragment = "#" + "&".join(f"{quote(key, safe='.')}={quote(value, safe='.,')}" for key, value in HOSTILE)
    calc = CalculatorPage.open(fresh, site_url, fragment)
    page = calc.page
    calc.wait_for_errors()
    assert injected(page) == {"images": 0, "scripts": 0, "dialogs": 0}
    assert "链接中有 3 项无法识别的内容，已忽略" in page.inner_text(".calc-ignored")
    # The payloads are plain text in plain inputs, and the fields say what is wrong with them.
    assert calc.control("medical.total_cost").input_value() == PAYLOAD_IMG[:60]
    for key in HOSTILE_NUMBERS:
        assert calc.error_at(key), key
        assert calc.control(key).get_attribute("aria-invalid") == "true", key
    # An unknown choice is dropped, a known one kept.
    assert page.locator('input[name="status"][value="dibao"]').is_checked()
    assert page.locator('input[name="status"]:checked').count() == 1
    assert calc.control("medical.scheme").input_value() in {"", "resident"}
    visible = page.inner_text("body")
    assert "<img" not in visible and "<script" not in visible and "alert(" not in visible
    # The same through a hash change on the open page.
    hostile_hash = f"age={quote(PAYLOAD_IMG)}&{quote(PAYLOAD_IMG)}=1"
    page.evaluate("fragment => { location.hash = fragment; }", hostile_hash)
    page.wait_for_selector('[id="err-medical.total_cost"]', state="hidden")
    page.wait_for_selector('[id="err-age"]', state="visible")
    assert calc.control("age").input_value() == PAYLOAD_IMG
    assert injected(page) == {"images": 0, "scripts": 0, "dialogs": 0}
    assert calc.errors == []


# --- network, responsiveness, failures ----------------------------------------------------------------


def test_no_request_leaves_the_site_including_the_python_runtime(calc: CalculatorPage) -> None:
    asked = {url.split("?")[0].rsplit("/", 1)[-1] for url in calc.requests.urls}
    assert {"pyodide.asm.wasm", "python_stdlib.zip", calc.config["runtime"]["wheel"]["name"]} <= asked
    assert calc.requests.outside() == []


def test_the_form_stays_usable_while_python_starts(fresh: Any, site_url: str) -> None:
    held: list[Any] = []
    fresh.route("**/pyodide.asm.wasm?*", lambda route: held.append(route))
    calc = CalculatorPage.open(fresh, site_url, wait="no")
    page = calc.page
    page.wait_for_selector("#calc-runtime progress", state="visible")
    # Python is still loading: the form already works.
    assert page.get_attribute("#calculator", "data-runtime") is None
    calc.control("age").press_sequentially("58")
    assert calc.control("age").input_value() == "58"
    assert "正在" in page.inner_text("#calc-runtime")
    for _ in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    started = page.evaluate("performance.now()")
    held[0].continue_()
    # While Python compiles and starts, keep typing.
    calc.control("maternity.avg_monthly_wage").press_sequentially("5000")
    assert calc.control("maternity.avg_monthly_wage").input_value() == "5000"
    calc.wait_until_ready()
    ready = page.evaluate("performance.now()")
    calc.wait_for_result({"age": "58", "maternity.avg_monthly_wage": "5000"})
    # Why the main thread stays free, proven directly rather than timed: Python runs in the worker.
    # The page itself never loads Pyodide; a worker running the calculator script does.
    assert page.evaluate("() => typeof loadPyodide === 'undefined' && typeof pyodide === 'undefined'")
    assert page.workers, "the calculator's worker is not running"
    assert ready > started
    assert calc.requests.outside() == []
    assert calc.errors == []


def test_without_webassembly_the_page_says_so_and_shows_the_precomputed_presets(fresh: Any, site_url: str) -> None:
    fresh.add_init_script("delete window.WebAssembly;")
    calc = CalculatorPage.open(fresh, site_url, "#maternity.avg_monthly_wage=6000", wait="no")
    page = calc.page
    page.wait_for_selector("#calculator[data-runtime=failed]", timeout=RESULT_TIMEOUT_MS)
    status = page.inner_text("#calc-runtime")
    assert "这个浏览器无法运行计算程序" in status and "Chrome" in status
    assert "预先计算结果" in page.inner_text(".calc-fallback-note")
    assert page.locator("table.calc-summary").is_visible()
    # The linked situation stays in the form.
    assert calc.control("maternity.avg_monthly_wage").input_value() == "6000"
    # Every preset shows what the build computed for it.
    for preset in calc.config["presets"]:
        page.locator(f'button[data-preset="{preset["id"]}"]').click()
        assert preset["label"] in page.inner_text(".calc-fallback-note")
        for region, benefits in preset["result"]["results"].items():
            for benefit, result in benefits.items():
                if result["display"] and result["eligible"] is not False:
                    assert result["display"] in calc.cell(region, benefit)
    assert not any("pyodide" in url for url in calc.requests.urls)
    assert calc.errors == []


def test_a_missing_runtime_file_gives_a_clear_message_not_a_hang(fresh: Any, site_url: str) -> None:
    fresh.route("**/pyodide.asm.wasm?*", lambda route: route.fulfill(status=404, body="not here"))
    calc = CalculatorPage.open(fresh, site_url, "#maternity.avg_monthly_wage=6000", wait="no")
    calc.page.wait_for_selector("#calculator[data-runtime=failed]", timeout=RESULT_TIMEOUT_MS)
    status = calc.page.inner_text("#calc-runtime")
    assert "没有加载成功" in status and "刷新" in status
    assert calc.page.locator("table.calc-summary").is_visible()


def test_a_stalled_start_times_out_with_a_clear_message(fresh: Any, site_url: str) -> None:
    """A wasm response that never comes (as with a wrong MIME type in a stock loader): the page
    gives up after the configured time without progress. The test shortens that time in the page's
    own config block."""

    def shorten_timeout(route: Any) -> None:
        response = route.fetch()
        body = response.text()
        assert '"timeout_seconds":' in body
        route.fulfill(response=response, body=re.sub(r'"timeout_seconds":\d+', '"timeout_seconds":2', body))

    fresh.route(f"{site_url}{PAGE}", shorten_timeout)
    fresh.route("**/pyodide.asm.wasm?*", lambda route: None)  # held: never answered
    calc = CalculatorPage.open(fresh, site_url, wait="no")
    calc.page.wait_for_selector("#calculator[data-runtime=failed]", timeout=RESULT_TIMEOUT_MS)
    status = calc.page.inner_text("#calc-runtime")
    assert "2 秒没有任何进展" in status and "刷新" in status
    assert calc.page.locator("table.calc-summary").is_visible()


def test_a_wasm_file_served_with_the_wrong_type_still_starts(fresh: Any, site_url: str) -> None:
    def wrong_type(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-type": "application/octet-stream"})

    fresh.route("**/pyodide.asm.wasm?*", wrong_type)
    calc = CalculatorPage.open(fresh, site_url, "#maternity.avg_monthly_wage=6000")
    calc.wait_for_result({"maternity.avg_monthly_wage": "6000"})
    assert calc.errors == []


# --- accessibility, print, phone --------------------------------------------------------------------


def show_a_full_result(calc: CalculatorPage) -> None:
    """Results with every part: summary, payment chain, charts, steps."""
    household = FULL_HOUSEHOLD
    calc.clear()
    calc.fill(household)
    calc.wait_for_result(calc.expected_link(household))
    calc.page.wait_for_selector("#calc-charts svg.calc-chart", timeout=RESULT_TIMEOUT_MS)


serious_violations = serious_axe_violations


def test_axe_finds_no_serious_problem_with_results_shown(calc: CalculatorPage) -> None:
    show_a_full_result(calc)
    calc.page.locator("details.calc-chart-data").first.evaluate("d => { d.open = true; }")
    assert serious_violations(calc.page) == []


def test_axe_finds_no_serious_problem_in_dark_mode(chromium: Any, site_url: str) -> None:
    dark = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        check_dark_mode(dark, site_url)
    finally:
        dark.close()


def check_dark_mode(context: Any, site_url: str) -> None:
    fragment = "#status=registered_poor&medical.total_cost=100000&medical.deductible=1000&medical.basic_ratio=60"
    calc = CalculatorPage.open(context, site_url, fragment + "&medical.critical_illness_ratio=50")
    page = calc.page
    page.wait_for_selector("#calc-charts svg.calc-chart", timeout=RESULT_TIMEOUT_MS)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False)


def test_the_printed_handout_has_inputs_results_sources_date_and_disclaimer(calc: CalculatorPage) -> None:
    page = calc.page
    show_a_full_result(calc)
    page.emulate_media(media="print")
    try:
        for control in (".calc-form", ".calc-presets", ".calc-runtime", "#calc-copy", "#calc-print", ".md-header"):
            assert page.locator(control).first.is_hidden(), control
        inputs = page.inner_text(".calc-inputs")
        assert "住院总费用" in inputs and "100000元" in inputs and "建档立卡贫困人口" in inputs
        assert page.locator("table.calc-summary").is_visible()
        assert page.locator(".calc-chain").is_visible()
        # Sources of every region are on paper, folded or not on screen.
        for region in calc.config["regions"]:
            source = page.locator(f'details.calc-region[data-region="{region["id"]}"] .calc-params li').first
            assert source.is_visible(), region["id"]
        assert "《" in page.inner_text(".calc-region .calc-params")
        note = page.inner_text(".calc-data-note")
        assert calc.config["data_dates"]["newest_rule_text"] in note and "资料日期" in note
        assert "不是官方决定" in note and "经办机构" in note
        page.locator("#calc-qr svg").wait_for(state="visible")
        pdf = page.pdf(prefer_css_page_size=True)
        assert re.search(rb"/MediaBox \[0 0 59[45]\.?\d* 84[12]", pdf), "not an A4 page"
    finally:
        page.emulate_media(media="screen")


def test_on_a_phone_nothing_is_wider_than_the_screen_and_cards_replace_the_table(calc: CalculatorPage) -> None:
    page = calc.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        show_a_full_result(calc)
        overflow = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                // The page's content; the theme's off-canvas drawer lies outside the screen by design.
                const wide = [...document.querySelectorAll(".md-content *")].filter(node => {
                    const box = node.getBoundingClientRect();
                    return box.width > 0 && box.right > width + 1 && !node.closest(".calc-table-wrap");
                });
                return {
                    page: document.documentElement.scrollWidth - width,
                    wide: wide.slice(0, 5).map(node => node.tagName + "." + node.className),
                };
            }"""
        )
        assert overflow == {"page": 0, "wide": []}
        # One card per region (benefit → figure) instead of the wide table.
        assert page.locator(".calc-matrix-wrap").is_hidden()
        assert page.locator(".calc-card .calc-card-figures").count() == len(calc.config["regions"])
        assert page.locator(".calc-card .calc-card-figures").first.is_visible()
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
