"""The built site opened from disk (file://) in Debian's Firefox ESR, with Firefox's own default
security.fileuri.strict_origin_policy=true: search, and a golden case computed by Pyodide.

Playwright cannot drive Debian's Firefox; tests/firefox/offline_site.mjs does it with puppeteer-core
over WebDriver BiDi and reports what it saw as JSON. The harness relaxes nothing: the policy is set
to true explicitly and a probe proves it is in effect (a page may not fetch the file beside it).
Missing Firefox or Node fails these tests, never skips them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from calculator_driver import CalculatorPage, cell_problems, shared_fragment
from conftest import (
    QUERY_SET_GOAL,
    ROOT,
    SEARCHES,
    RequestLog,
    load_query_set,
    query_set_misses,
    result_pages,
    run_node_json,
)
from golden import CASES

pytestmark = pytest.mark.browser

FIREFOX = os.environ.get("SHEBAO_FIREFOX", "/usr/bin/firefox-esr")
HARNESS = ROOT / "tests" / "firefox" / "offline_site.mjs"
HARNESS_TIMEOUT_S = 240
FIREFOX_CASE = next(case for case in CASES if case.id == "national_caesarean_adds_fifteen_days")


def require_firefox() -> None:
    """Fails (never skips) with a clear message when Firefox or puppeteer-core is absent."""
    if not Path(FIREFOX).is_file():
        pytest.fail(
            f"Firefox not found at {FIREFOX}: install the Debian package `firefox-esr` (.ci/run does).", pytrace=False
        )
    if not (ROOT / "node_modules" / "puppeteer-core").is_dir():
        pytest.fail("the npm package puppeteer-core is not installed: run `npm ci`.", pytrace=False)


def calculator_config(site: Path) -> dict[str, Any]:
    html = (site / "calculator.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="calculator-config">(.*?)</script>', html, re.S)
    assert found, "calculator.html has no calculator-config block"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def run_firefox(job: dict[str, Any], folder: Path) -> dict[str, Any]:
    require_firefox()
    return run_node_json(
        HARNESS, {"firefox": FIREFOX, **job}, folder, timeout=HARNESS_TIMEOUT_S, what="the Firefox harness"
    )


@pytest.fixture(scope="module")
def firefox_report(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One Firefox session: the query set and the five searches, a golden case from a shared link, the
    stock loader."""
    reader = CalculatorPage(page=None, requests=RequestLog(""), config=calculator_config(built_site))
    job = {
        "site": str(built_site),
        "strict_origin_policy": True,
        "search": {
            "queries": list(dict.fromkeys([query["q"] for query in load_query_set()] + [q for q, _ in SEARCHES]))
        },
        "calculation": {
            "fragment": shared_fragment(FIREFOX_CASE.household),
            "expected_link": reader.expected_link(FIREFOX_CASE.household),
            "region": FIREFOX_CASE.region,
            "benefit": FIREFOX_CASE.benefit,
        },
        "stock_pyodide": True,
    }
    return run_firefox(job, tmp_path_factory.mktemp("firefox"))


def test_it_is_firefox_with_the_strict_file_origin_policy_in_effect(firefox_report: dict[str, Any]) -> None:
    assert firefox_report["browser"].startswith("firefox/")
    assert firefox_report["file_fetch_refused"] is True


def test_the_strict_policy_probe_notices_a_relaxed_policy(built_site: Path, tmp_path: Path) -> None:
    report = run_firefox({"site": str(built_site), "strict_origin_policy": False}, tmp_path)
    assert report["file_fetch_refused"] is False


def test_search_works_from_disk_in_firefox(firefox_report: dict[str, Any], built_site: Path) -> None:
    base = built_site.as_uri() + "/"
    for query, page in SEARCHES:
        assert base + page in result_pages(firefox_report["search_results"][query]), query


def test_the_query_set_finds_its_pages_in_firefox_from_disk(
    firefox_report: dict[str, Any], built_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = built_site.as_uri() + "/"
    results = {query: result_pages(links) for query, links in firefox_report["search_results"].items()}
    misses = query_set_misses(results, base)
    total = len(load_query_set())
    rate = 1 - len(misses) / total
    with capsys.disabled():
        print(f"\n[search] query set, Firefox, file://: {total - len(misses)}/{total} = {rate:.1%}")
        for miss in misses:
            print(f"[search]   missed: {miss}")
    assert rate >= QUERY_SET_GOAL, misses


def test_a_golden_case_from_a_shared_link_opened_from_disk_in_firefox(firefox_report: dict[str, Any]) -> None:
    assert firefox_report["errors"] == []
    cell = firefox_report["cell"]
    assert cell is not None, f"no result; the page said: {firefox_report['runtime']}"
    assert cell_problems(FIREFOX_CASE, cell) == [], f"{FIREFOX_CASE.id} ({FIREFOX_CASE.source}): cell reads {cell!r}"
    assert firefox_report["python_start"] == "snapshot", "Python did not start from the build's memory snapshot"


def test_stock_pyodide_loading_fails_from_disk_in_firefox(firefox_report: dict[str, Any]) -> None:
    assert firefox_report["stock_pyodide"].startswith("failed: "), firefox_report["stock_pyodide"]


def test_nothing_is_requested_from_outside_the_site_in_firefox(
    firefox_report: dict[str, Any], built_site: Path
) -> None:
    requests = RequestLog(built_site.as_uri() + "/")
    requests.urls = firefox_report["requests"]
    assert requests.outside() == []
