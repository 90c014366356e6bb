"""The calculator page loads the data of the regions it computes, not every region's.

A site with more regions than a topic page shows at once (the real data, the made-up fixture chain
示例省 → 示例市 → 示例县 of tests/fixtures and synthetic copies of the real regions) is built in a
scratch copy of the project. In real Chromium, over http and opened from disk, the page asks for the
shards of national (in the core), the regions chosen and their ancestors, and nothing else, and a
region added later with the picker gets its golden cases' figures. With the real regions (few) the
page computes all of them, as before, with no picker.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from calculator_driver import CalculatorPage, cell_problems, folder_uri, shared_fragment
from conftest import ROOT, serving
from golden import load_cases

from benchmarks.build_scaling import write_synthetic_data
from benchmarks.common import make_scratch_project, project_env
from scripts.embed_runtime import DATA_SCRIPT_FOLDER
from scripts.render_calculator import DATA_FOLDER
from scripts.render_pages import TOPIC_COLUMNS_INLINE_UP_TO

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_CASES = load_cases(FIXTURES / "cases")
SYNTHETIC_COPIES = 4
BUILD_TIMEOUT_S = 900


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The site built from the real data plus the fixture chain and a few synthetic regions."""
    parent = tmp_path_factory.mktemp("many-regions")
    project = make_scratch_project(parent)
    synthetic = parent / "synthetic"
    added = write_synthetic_data(ROOT / "policy_data", synthetic, SYNTHETIC_COPIES + 1)[1:]
    for region_id in added:
        shutil.copy(synthetic / f"{region_id}.yaml", project / "policy_data")
    for path in (FIXTURES / "regions").glob("*.yaml"):
        shutil.copy(path, project / "policy_data")
    site = parent / "site"
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.build", "--site-dir", str(site)],
        cwd=project,
        env=project_env(project),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    compiled = json.loads((project / "build" / "policy_data.json").read_text(encoding="utf-8"))
    assert len(compiled["regions"]) > TOPIC_COLUMNS_INLINE_UP_TO, "the build must have more regions than shown at once"
    return {"site": site, "compiled": compiled, "synthetic": added}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def many_url(many: dict[str, Any]) -> Iterator[str]:
    with serving(many["site"]) as url:
        yield url


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def chain(compiled: dict[str, Any], region_id: str) -> list[str]:
    return [region_id, *compiled["regions"][region_id]["ancestors"]]


def shards_of(compiled: dict[str, Any], *region_ids: str) -> set[str]:
    """The shards a page computing these regions needs: each region of their chains but the top."""
    return {member for region_id in region_ids for member in chain(compiled, region_id)[:-1]}


def roots(compiled: dict[str, Any]) -> list[str]:
    return [region_id for region_id, info in compiled["regions"].items() if not info["ancestors"]]


SHARD_REQUEST = re.compile(r"/(?:" + re.escape(DATA_FOLDER) + r"/regions|" + re.escape(DATA_SCRIPT_FOLDER) + r")/")


def shards_asked(calc: CalculatorPage) -> set[str]:
    """The region shards the page asked for: requests (http) and the scripts it added (file://)."""
    asked = {
        url.split("?")[0].rsplit("/", 1)[-1].split(".")[0] for url in calc.requests.urls if SHARD_REQUEST.search(url)
    }
    scripts = calc.page.eval_on_selector_all(
        "script[src]",
        "(scripts, folder) => scripts.map((s) => s.src).filter((src) => src.includes(folder))",
        DATA_SCRIPT_FOLDER + "/",
    )
    return asked | {src.split("?")[0].rsplit("/", 1)[-1].removesuffix(".js") for src in scripts}


def computed(calc: CalculatorPage) -> list[str]:
    return str(calc.page.get_attribute("#calculator", "data-regions") or "").split()


def deepest_case(compiled: dict[str, Any]) -> Any:
    """A fixture golden case of the region with the longest chain (the county)."""
    cases = [case for case in FIXTURE_CASES if case.region in compiled["regions"]]
    return max(cases, key=lambda case: len(chain(compiled, case.region)))


def wait_for_regions(calc: CalculatorPage, regions: list[str]) -> None:
    calc.page.wait_for_function(
        """expected => {
            const root = document.getElementById("calculator");
            return root.dataset.regions === expected
                && document.querySelectorAll("table.calc-summary td[data-region]").length > 0;
        }""",
        arg=" ".join(regions),
        timeout=120_000,
    )


def in_order(compiled: dict[str, Any], region_ids: set[str]) -> list[str]:
    return [region_id for region_id in compiled["regions"] if region_id in region_ids]


# --- many regions ------------------------------------------------------------------------------------


def test_the_page_block_grows_with_the_region_index_only(many: dict[str, Any], many_url: str, context: Any) -> None:
    calc = CalculatorPage.open(context, many_url, wait="none")
    config = calc.config
    assert [region["id"] for region in config["regions"]] == list(many["compiled"]["regions"])
    rest = json.dumps({key: value for key, value in config.items() if key != "regions"}, ensure_ascii=False)
    for region_id in many["compiled"]["regions"]:
        if region_id not in roots(many["compiled"]):
            assert f'"{region_id}"' not in rest, f"{region_id} is named outside the region index"


@pytest.mark.parametrize("route", ["http", "file"])
def test_a_region_added_with_the_picker_loads_its_chain_only_and_gets_its_golden_figures(
    route: str, many: dict[str, Any], many_url: str, context: Any
) -> None:
    compiled = many["compiled"]
    case = deepest_case(compiled)
    base = many_url if route == "http" else folder_uri(many["site"])
    calc = CalculatorPage.open(context, base, shared_fragment(case.household))
    calc.wait_for_result(calc.expected_link(case.household))
    wait_for_regions(calc, roots(compiled))
    assert shards_asked(calc) == set(), "national alone needs no shard: it is in the core"
    assert calc.page.locator("#calc-compare").is_visible()

    # 与其他地区比较: search the county by name and add it.
    name = compiled["regions"][case.region]["name"]
    calc.page.fill("#calc-compare-search", name[:3])
    calc.page.locator(f'.calc-compare-add[data-region="{case.region}"]').click()
    wait_for_regions(calc, in_order(compiled, {*roots(compiled), case.region}))
    text = calc.cell(case.region, case.benefit)
    assert cell_problems(case, text) == [], f"{case.id} ({case.source}): cell reads {text!r}"
    assert shards_asked(calc) == shards_of(compiled, case.region), "the county, its prefecture and province only"
    assert f"compare={case.region}" in calc.page.evaluate("location.hash")
    assert calc.errors == []

    # Removed again: it is no longer computed, and nothing more is asked for.
    calc.page.locator(f'.calc-compare-remove[data-region="{case.region}"]').click()
    wait_for_regions(calc, roots(compiled))
    assert "compare=" not in calc.page.evaluate("location.hash")


@pytest.mark.parametrize("route", ["http", "file"])
def test_a_shared_comparison_reopens_with_the_same_regions_and_their_data_only(
    route: str, many: dict[str, Any], many_url: str, context: Any
) -> None:
    compiled = many["compiled"]
    case = deepest_case(compiled)
    chosen = [many["synthetic"][0], case.region]
    base = many_url if route == "http" else folder_uri(many["site"])
    mine = many["synthetic"][1]
    fragment = shared_fragment(case.household) + f"&region={mine}&compare=" + ",".join(chosen)
    calc = CalculatorPage.open(context, base, fragment)
    calc.wait_for_result(calc.expected_link(case.household))
    expected = in_order(compiled, {*roots(compiled), mine, *chosen})
    wait_for_regions(calc, expected)
    assert set(calc.row(case.benefit)) == set(expected)
    assert shards_asked(calc) == shards_of(compiled, mine, *chosen)
    text = calc.cell(case.region, case.benefit)
    assert cell_problems(case, text) == [], f"{case.id} ({case.source}): cell reads {text!r}"
    chips = calc.page.eval_on_selector_all(".calc-compare-chosen li", "items => items.map((li) => li.dataset.region)")
    assert chips == chosen
    assert calc.errors == []


def test_a_tampered_comparison_link_says_so_in_words_and_computes_the_rest(
    many: dict[str, Any], many_url: str, context: Any
) -> None:
    compiled = many["compiled"]
    case = deepest_case(compiled)
    payload = "<img src=x onerror=alert(1)>"
    known = many["synthetic"][0]
    fragment = shared_fragment(case.household) + "&compare=" + quote(f"no_such_region,{payload},{known}", safe=",")
    context.add_init_script("window.__dialogs = 0; window.alert = () => { window.__dialogs += 1; };")
    calc = CalculatorPage.open(context, many_url, fragment)
    calc.wait_for_result(calc.expected_link(case.household))
    wait_for_regions(calc, in_order(compiled, {*roots(compiled), known}))
    message = calc.page.inner_text(".calc-unknown-regions")
    assert "链接中有 2 个地区无法识别" in message and "no_such_region" in message
    assert calc.page.locator("#calculator img").count() == 0
    assert calc.page.evaluate("window.__dialogs") == 0
    assert shards_asked(calc) == shards_of(compiled, known)
    assert calc.errors == []


def test_a_shard_that_cannot_be_fetched_gives_a_message_not_a_hang(
    many: dict[str, Any], many_url: str, context: Any
) -> None:
    compiled = many["compiled"]
    case = deepest_case(compiled)
    context.route(re.compile(re.escape(DATA_FOLDER) + r"/regions/"), lambda route: route.fulfill(status=404))
    calc = CalculatorPage.open(context, many_url, shared_fragment(case.household) + f"&compare={case.region}")
    calc.wait_for_errors()
    assert "政策数据无法读取" in calc.results_text()
    calc.errors.clear()


def test_the_picker_fits_a_phone_screen(many: dict[str, Any], many_url: str, chromium: Any) -> None:
    compiled = many["compiled"]
    case = deepest_case(compiled)
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        calc = CalculatorPage.open(context, many_url, shared_fragment(case.household))
        calc.page.fill("#calc-compare-search", compiled["regions"][case.region]["name"][:2])
        calc.page.locator(f'.calc-compare-add[data-region="{case.region}"]').tap()
        wait_for_regions(calc, in_order(compiled, {*roots(compiled), case.region}))
        too_wide = calc.page.eval_on_selector_all(
            "#calc-compare, #calc-compare *",
            "nodes => nodes.filter((n) => n.getBoundingClientRect().right > innerWidth + 1).map((n) => n.className)",
        )
        assert too_wide == []
        heights = calc.page.eval_on_selector_all(
            "#calc-compare button", "buttons => buttons.map((b) => b.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 32, "buttons big enough to tap"
    finally:
        context.close()


# --- few regions: as before -------------------------------------------------------------------------


def test_with_few_regions_every_region_is_computed_and_there_is_no_picker(
    compiled_data: dict[str, Any], site_url: str, context: Any
) -> None:
    assert len(compiled_data["regions"]) <= TOPIC_COLUMNS_INLINE_UP_TO
    household = {"maternity.avg_monthly_wage": 6000}
    calc = CalculatorPage.open(context, site_url, shared_fragment(household))
    calc.wait_for_result(calc.expected_link(household))
    wait_for_regions(calc, list(compiled_data["regions"]))
    assert set(calc.row("maternity")) == set(compiled_data["regions"])
    assert calc.page.locator("#calc-compare").count() == 0
    assert shards_asked(calc) == shards_of(compiled_data, *compiled_data["regions"])
    assert calc.errors == []
