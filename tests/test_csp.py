"""The Content-Security-Policy every built page carries, and that nothing breaks under it: pages,
search and the calculator over http and from disk, in Chromium and Firefox. Any violation a page
reports (the securitypolicyviolation event, or the browser's console message for it) fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from calculator_driver import (
    FULL_HOUSEHOLD,
    RESULT_TIMEOUT_MS,
    CalculatorPage,
    cell_problems,
    folder_uri,
    shared_fragment,
)
from conftest import SEARCHES, RequestLog, logged_page, search_result_links
from golden import CASES
from test_offline_firefox import calculator_config, run_firefox

from scripts.csp import META_NAME, inline_scripts, policy, script_hash, with_policy

CASE = next(case for case in CASES if case.id == "national_caesarean_adds_fifteen_days")
QUERY, QUERY_PAGE = SEARCHES[0]
CALCULATOR = "calculator.html"
# A page of each kind; the calculator page is opened by its own test.
PAGES = [
    "index.html",
    "topics/index.html",
    "topics/medical.html",
    "regions/index.html",
    "regions/beijing.html",
    "sources/index.html",
    "sources/shaanxi_2017_60.html",
    "downloads/index.html",
    "glossary.html",
    "data-guide.html",
]
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + (event.sample || ""));
}, true);
"""
CSP_MESSAGE = re.compile(r"Content[- ]Security[- ]Policy", re.I)
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="(?P<policy>[^"]+)">')


def directives(text: str) -> dict[str, list[str]]:
    parsed = {}
    for part in text.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def page_policy(html: str) -> dict[str, list[str]]:
    found = META.search(html)
    assert found, "no Content-Security-Policy meta tag"
    return directives(found.group("policy"))


# --- the policy as written into the pages ------------------------------------------------------------------


def test_every_page_carries_the_policy_first_in_its_head(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html.index("<head>") + len("<head>")
        assert html[head:].lstrip().startswith(f'<meta http-equiv="{META_NAME}"'), page.name
        assert len(META.findall(html)) == 1, page.name


def test_the_policy_allows_the_site_itself_and_hashed_inline_scripts_only(built_site: Path) -> None:
    for page in sorted(built_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        rules = page_policy(html)
        name = page.relative_to(built_site).as_posix()
        for directive in ("default-src", "style-src", "font-src", "img-src"):
            assert rules[directive][0] == "'self'", (name, directive)
        assert rules["frame-src"] == ["'none'"], name
        assert rules["connect-src"][0] == "'self'"
        assert rules["object-src"] == ["'none'"]
        assert rules["base-uri"] == ["'self'"]
        scripts = rules["script-src"]
        assert scripts[0] == "'self'"
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, name
        assert not any("*" in source or source in {"http:", "https:", "data:"} for source in scripts), name
        for body in inline_scripts(html):
            assert script_hash(body) in scripts, f"{name}: an inline script is not allowed by its hash"
        calculator = name == CALCULATOR
        assert ("'wasm-unsafe-eval'" in scripts) is calculator, name
        assert ("blob:" in rules["worker-src"]) is calculator, name


def test_the_policy_follows_whatever_inline_scripts_a_page_holds() -> None:
    page = (
        "<html><head><title>t</title></head><body><script>one()</script>"
        '<script type="application/json" id="data">{"a": 1}</script>'
        '<script src="x.js"></script><script type="module">two()</script></body></html>'
    )
    written = with_policy(page)
    rules = page_policy(written)
    assert script_hash("one()") in rules["script-src"] and script_hash("two()") in rules["script-src"]
    assert script_hash('{"a": 1}') not in rules["script-src"]
    assert "'wasm-unsafe-eval'" not in rules["script-src"]
    # Applying it again replaces the policy instead of stacking a second one.
    again = with_policy(written.replace("one()", "three()"))
    assert len(META.findall(again)) == 1
    assert script_hash("three()") in page_policy(again)["script-src"]
    assert script_hash("one()") not in page_policy(again)["script-src"]


def test_only_the_calculator_may_compile_webassembly() -> None:
    assert "'wasm-unsafe-eval'" in directives(policy([], calculator=True))["script-src"]
    assert "'wasm-unsafe-eval'" not in directives(policy([], calculator=False))["script-src"]


# --- Chromium ------------------------------------------------------------------------------------------------


@pytest.fixture(params=["http", "file"])
def base_url(request: pytest.FixtureRequest, built_site: Path) -> str:
    if request.param == "http":
        return str(request.getfixturevalue("site_url"))
    return folder_uri(built_site)


@pytest.fixture
def watched(chromium: Any, base_url: str) -> Iterator[tuple[Any, RequestLog, list[str], list[str]]]:
    """A page whose script errors and CSP violations (event and console, every frame) are collected."""
    with logged_page(chromium, base_url) as (page, requests, errors):
        violations: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: CSP_MESSAGE.search(message.text) and violations.append(message.text))
        yield page, requests, errors, violations


def reported(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.__cspViolations || []")
    return [f"{page.url}: {text}" for text in found]


@pytest.mark.browser
def test_pages_and_search_work_under_the_policy_in_chromium(
    watched: tuple[Any, RequestLog, list[str], list[str]], base_url: str
) -> None:
    page, requests, errors, violations = watched
    for name in PAGES:
        page.goto(base_url + name)
        page.wait_for_load_state("load")
        assert page.locator(f'meta[http-equiv="{META_NAME}"]').count() == 1, name
        violations += reported(page)
    page.goto(base_url + "index.html")
    links = {link.split("?")[0].split("#")[0] for link in search_result_links(page, QUERY)}
    assert base_url + QUERY_PAGE in links
    violations += reported(page)
    assert violations == []
    assert errors == []
    assert requests.outside() == []


@pytest.mark.browser
def test_the_calculator_computes_under_the_policy_in_chromium(chromium: Any, base_url: str) -> None:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(RECORD_VIOLATIONS)
        calc = CalculatorPage.open(context, base_url, shared_fragment(CASE.household))
        calc.wait_for_result(calc.expected_link(CASE.household))
        assert cell_problems(CASE, calc.cell(CASE.region, CASE.benefit)) == []
        violations: list[str] = reported(calc.page)
        errors = list(calc.errors)
        # A household that makes the page draw everything it can: charts and the share link's QR code.
        full = CalculatorPage.open(context, base_url, shared_fragment(FULL_HOUSEHOLD))
        full.wait_for_result(full.expected_link(FULL_HOUSEHOLD))
        full.page.wait_for_selector("#calc-charts svg.calc-chart", timeout=RESULT_TIMEOUT_MS)
        if base_url.startswith("file:"):
            # From disk (no public address built in) the page draws no QR code: the link would only
            # work on this computer, and the share box says so.
            full.page.wait_for_selector("#calc-share-where:not([hidden])", timeout=RESULT_TIMEOUT_MS)
        else:
            full.page.wait_for_selector("#calc-qr svg", timeout=RESULT_TIMEOUT_MS)
        violations += reported(full.page)
        errors += full.errors
        violations += [text for text in errors if CSP_MESSAGE.search(text)]
        assert violations == []
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_an_inline_script_without_a_hash_is_blocked_and_reported_in_chromium(
    watched: tuple[Any, RequestLog, list[str], list[str]], base_url: str
) -> None:
    """The check above can fail: a script the build did not hash is refused, and the refusal is seen."""
    page, _, _, violations = watched
    page.goto(base_url + "index.html")
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true";
            document.head.append(script);
            return window.__inlineRan === true;
        }"""
    )
    assert ran is False
    page.wait_for_timeout(200)
    assert reported(page) and violations


# --- Firefox (Debian's Firefox ESR, driven over WebDriver BiDi by tests/firefox/offline_site.mjs) -----------


@pytest.fixture(scope="module", params=["http", "file"])
def firefox_csp_report(
    request: pytest.FixtureRequest, built_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any]]:
    reader = CalculatorPage(page=None, requests=RequestLog(""), config=calculator_config(built_site))
    job: dict[str, Any] = {
        "site": str(built_site),
        "strict_origin_policy": True,
        "pages": PAGES,
        "search": {"queries": [QUERY]},
        "calculation": {
            "fragment": shared_fragment(CASE.household),
            "expected_link": reader.expected_link(CASE.household),
            "region": CASE.region,
            "benefit": CASE.benefit,
        },
        "inline_probe": True,
    }
    base = folder_uri(built_site)
    if request.param == "http":
        base = str(request.getfixturevalue("site_url"))
        job["site_url"] = base
    return base, run_firefox(job, tmp_path_factory.mktemp("firefox-csp"))


@pytest.mark.browser
def test_pages_search_and_the_calculator_work_under_the_policy_in_firefox(
    firefox_csp_report: tuple[str, dict[str, Any]],
) -> None:
    base, report = firefox_csp_report
    assert report["csp_violations"] == []
    assert report["errors"] == []
    pages = {link.split("?")[0].split("#")[0] for link in report["search_results"][QUERY]}
    assert base + QUERY_PAGE in pages
    assert report["cell"] is not None, f"no result; the page said: {report['runtime']}"
    assert cell_problems(CASE, report["cell"]) == []


@pytest.mark.browser
def test_an_inline_script_without_a_hash_is_blocked_and_reported_in_firefox(
    firefox_csp_report: tuple[str, dict[str, Any]],
) -> None:
    _, report = firefox_csp_report
    assert report["inline_probe_ran"] is False
    assert report["inline_probe_violations"]
