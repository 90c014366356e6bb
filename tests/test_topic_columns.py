"""Topic pages with more regions than they carry: the national column in the page, every other region's
column as a script loaded when the reader picks it, over http and from disk (file://).

The site here is built from synthetic regions (copies of the real ones under new ids, as the scaling
benchmark makes them), just past the count up to which a topic page carries every column, in a scratch
copy of the project so the session's own build is left alone.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DESKTOP, PHONE, assert_cards_match_matrix, logged_page, serious_axe_violations, serving

from benchmarks.build_scaling import write_synthetic_data
from benchmarks.common import make_scratch_project, project_env
from calculator.vocabulary import TOPICS, format_value
from scripts.render_pages import COLUMN_CALLBACK, MAX_CHOSEN_REGIONS, TOPIC_COLUMNS_INLINE_UP_TO

ROOT = Path(__file__).resolve().parent.parent
REGIONS = TOPIC_COLUMNS_INLINE_UP_TO + 4


@pytest.fixture(scope="module")
def many_regions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The site of REGIONS synthetic regions (pages only: no calculator), with its compiled data."""
    parent = tmp_path_factory.mktemp("many-regions")
    project = make_scratch_project(parent)
    shutil.rmtree(project / "policy_data")
    ids = write_synthetic_data(ROOT / "policy_data", project / "policy_data", REGIONS)
    site = parent / "site"
    subprocess.run(
        [sys.executable, "-m", "scripts.build", "--pages-only", "--site-dir", str(site)],
        cwd=project,
        env=project_env(project),
        check=True,
        capture_output=True,
    )
    compiled = json.loads((project / "build" / "policy_data.json").read_text(encoding="utf-8"))
    return {"site": site, "ids": ids, "compiled": compiled}


@pytest.fixture(scope="module")
def many_url(many_regions: dict[str, Any]) -> Iterator[str]:
    with serving(many_regions["site"]) as url:
        yield url


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def column_payload(site: Path, topic: str, region_id: str) -> dict[str, Any]:
    text = (site / "topics" / "columns" / topic / f"{region_id}.js").read_text(encoding="utf-8")
    match = re.fullmatch(rf"{COLUMN_CALLBACK}\((.*)\);\n", text, flags=re.S)
    assert match, f"{topic}/{region_id}.js is not a call of {COLUMN_CALLBACK}"
    payload: dict[str, Any] = json.loads(match.group(1))
    return payload


def shown_regions(page: Any) -> list[str]:
    return page.eval_on_selector(
        "table.matrix",
        """table => [...table.querySelectorAll("thead th[data-region]")]
            .filter(cell => cell.offsetParent !== null).map(cell => cell.dataset.region)""",
    )


def pick(page: Any, region_id: str, *, click: bool = False) -> None:
    """Open the list of regions and the region's province group, as a reader does, and tick it."""
    opener = page.locator(".picker-open")
    if opener.get_attribute("aria-expanded") != "true":
        opener.click()
    box = page.locator(f'.picker-groups input[value="{region_id}"]')
    box.wait_for(state="attached")
    group = page.locator("details.picker-group", has=page.locator(f'input[value="{region_id}"]'))
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    if click:
        box.click()
    else:
        box.check()


# --- what the build writes ------------------------------------------------------------------------------


def test_topic_pages_carry_the_national_column_and_a_script_for_every_other_region(
    many_regions: dict[str, Any],
) -> None:
    site, ids = many_regions["site"], many_regions["ids"]
    for topic in TOPICS:
        html = (site / "topics" / f"{topic}.html").read_text(encoding="utf-8")
        columns = set(re.findall(r'<th scope="col" data-region="([a-z0-9_]+)"', html))
        assert columns == {"national"}, topic
        # The page's content names no other region: the picker's list is a script of its own (the
        # navigation lists a few dozen regions at most, see render_pages.NAV_LISTS_EACH_REGION_UP_TO).
        article = html[html.index("<article") : html.index("</article>")]
        assert not [region_id for region_id in ids[1:] if region_id in article], topic
        scripts = {path.stem for path in (site / "topics" / "columns" / topic).glob("*.js")}
        assert scripts == set(ids) - {"national"}, topic


def test_the_picker_list_names_every_region_with_its_province(many_regions: dict[str, Any]) -> None:
    text = (many_regions["site"] / "topics" / "columns" / "regions.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"shebaoRegionList\((.*)\);\n", text, flags=re.S)
    assert match
    listed = json.loads(match.group(1))["regions"]
    compiled = many_regions["compiled"]["regions"]
    assert [row[0] for row in listed] == list(compiled)[1:]
    for region_id, name, province in listed:
        assert name == compiled[region_id]["name"] and province


def test_a_column_script_holds_what_the_region_states_and_inherits(many_regions: dict[str, Any]) -> None:
    site, compiled = many_regions["site"], many_regions["compiled"]
    region_id = many_regions["ids"][1]
    own = compiled["parameters"][region_id]
    for topic in TOPICS:
        payload = column_payload(site, topic, region_id)
        assert payload["region"] == region_id and payload["topic"] == topic
        assert f'data-region="{region_id}"' in payload["head"]
        for parameter_id, parameter in own.items():
            if parameter["topic"] != topic:
                continue
            cell = payload["cells"][parameter_id]
            assert "cell-own" in cell
            for value in parameter["values"]:
                if value["status"] != "stated":
                    continue
                raw = value["value"]  # a scale's bands or a breakdown's keys are shown one by one
                pieces = raw if isinstance(raw, list) else list(raw.values()) if isinstance(raw, dict) else [value]
                for piece in pieces:
                    if piece["value"] is None:
                        continue
                    shown = format_value(piece["value"], parameter["unit"], counter=parameter.get("counter"))
                    assert shown.replace(",", "") in re.sub(r"<[^>]+>|,", "", cell), (parameter_id, shown)
        # Rows the region leaves silent are drawn by the page; a cell's citations are all in the script.
        for cell in payload["cells"].values():
            for anchor in re.findall(r'class="fn-ref" href="#([^"]+)"', cell):
                aspect_notes = [note[1] for notes in payload["footnotes"].values() for note in notes]
                assert anchor in aspect_notes
        assert f'data-region="{region_id}"' in payload["items"]


# --- in the browser -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_choosing_a_region_adds_its_column_and_the_choice_is_remembered(
    chromium: Any, many_regions: dict[str, Any], many_url: str
) -> None:
    ids = many_regions["ids"]
    first, second = ids[1], ids[2]
    with logged_page(chromium, many_url) as (page, requests, errors):
        page.goto(many_url + "topics/pension.html")
        assert shown_regions(page) == ["national"]
        pick(page, first)
        page.wait_for_function(f"() => location.search.includes('{first}')")
        assert shown_regions(page) == ["national", first]
        # Its cells came with it, each of its citations listed under the table, and its items.
        own = many_regions["compiled"]["parameters"][first]
        row_id = next(pid for pid, parameter in own.items() if parameter["topic"] == "pension")
        cell = page.locator(f'tr[id="{row_id}"] td[data-region="{first}"]')
        assert cell.is_visible() and "cell-own" in (cell.get_attribute("class") or "")
        for href in cell.locator("a.fn-ref").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            assert page.locator(href.replace(".", "\\.")).is_visible()
        assert page.is_visible(f'section.region-items[data-region="{first}"]')
        # Every row got a cell for the region, silent ones drawn by the page.
        rows = page.locator("table.matrix tbody tr[id]").count()
        assert page.locator(f'table.matrix tbody td[data-region="{first}"]').count() == rows

        # The next topic page opened without a choice in its address shows the remembered one.
        page.goto(many_url + "topics/medical.html")
        page.wait_for_function(f"() => location.search.includes('{first}')")
        assert shown_regions(page) == ["national", first]

        # A sent link wins over what is remembered; its columns come in the link's order.
        page.goto(many_url + f"topics/medical.html?regions={second},{first}")
        page.wait_for_function(f"() => document.querySelectorAll('thead th[data-region=\"{second}\"]').length > 0")
        assert shown_regions(page) == [second, first]
        assert page.is_checked(f'.picker-chosen input[value="{second}"]')

        # No more than MAX_CHOSEN_REGIONS at once. The list shows the chosen ones ticked.
        pick(page, ids[3])
        assert page.is_checked(f'.picker-groups input[value="{second}"]')
        assert page.locator(f'.picker-chosen input[value="{second}"]').count() == 0
        for region_id in ids[4:]:
            pick(page, region_id)
            if len(shown_regions(page)) == MAX_CHOSEN_REGIONS:
                break
        extra = next(region_id for region_id in ids[1:] if region_id not in shown_regions(page))
        pick(page, extra, click=True)
        assert not page.is_checked(f'.region-picker input[value="{extra}"]')
        assert f"最多同时比较{MAX_CHOSEN_REGIONS}个地区" in page.inner_text(".picker-status")
        assert requests.outside() == []
        assert errors == []


@pytest.mark.browser
def test_a_chosen_column_loads_from_disk(chromium: Any, many_regions: dict[str, Any]) -> None:
    site, region_id = many_regions["site"], many_regions["ids"][3]
    base = site.as_uri() + "/"
    with logged_page(chromium, base) as (page, requests, errors):
        page.goto(base + f"topics/work_injury.html?regions=national,{region_id}")
        page.wait_for_function(f"() => document.querySelectorAll('thead th[data-region=\"{region_id}\"]').length > 0")
        assert shown_regions(page) == ["national", region_id]
        assert page.locator(f'td[data-region="{region_id}"].cell-own').count() > 0
        assert requests.outside() == []
        assert errors == []


@pytest.mark.browser
def test_scaled_weight_benchmark_counts_the_chosen_columns_and_keeps_search_apart(
    chromium: Any, many_regions: dict[str, Any]
) -> None:
    from benchmarks import scaled_weight

    result = scaled_weight.measure(many_regions["site"], chromium)
    kinds = {page["type"] for page in result["pages"]}
    assert kinds == {"home", "topic", "region", "topic_chosen"}
    assert result["regions"] == REGIONS
    chosen = next(page for page in result["pages"] if page["type"] == "topic_chosen")
    plain = next(page for page in result["pages"] if page["path"] == chosen["path"].split("?")[0])
    # The chosen regions' column scripts are seen and counted; a page opened without a choice loads none.
    assert chosen["columns_kb"] > 0 and plain["columns_kb"] == 0
    assert chosen["without_search_kb"] > plain["without_search_kb"]
    for page in result["pages"]:
        assert page["without_search_kb"] + page["search_kb"] == pytest.approx(page["kb"], abs=0.2)
    assert result["heaviest"]["type"] in {"home", "topic", "region"}


@pytest.mark.browser
def test_the_open_picker_and_a_loaded_column_pass_axe(
    chromium: Any, many_regions: dict[str, Any], many_url: str
) -> None:
    with logged_page(chromium, many_url) as (page, _requests, errors):
        page.goto(many_url + "topics/medical.html")
        pick(page, many_regions["ids"][1])
        page.wait_for_function(f"() => location.search.includes('{many_regions['ids'][1]}')")
        serious = serious_axe_violations(page)
        assert serious == [], json.dumps(serious, ensure_ascii=False)
        assert errors == []


def card_regions(page: Any) -> list[str]:
    """The regions of the first matrix's cards (every matrix has the same ones)."""
    return page.eval_on_selector(
        ".region-cards", "box => [...box.querySelectorAll('.region-card')].map(card => card.dataset.cardRegion)"
    )


@pytest.mark.browser
@pytest.mark.parametrize("where", ["http", "disk"])
def test_on_a_phone_the_cards_follow_the_regions_the_reader_adds_and_removes(
    chromium: Any, many_regions: dict[str, Any], many_url: str, where: str
) -> None:
    ids = many_regions["ids"]
    base = many_url if where == "http" else many_regions["site"].as_uri() + "/"
    first, second = ids[1], ids[-1]
    with logged_page(chromium, base) as (page, requests, errors):
        page.set_viewport_size(PHONE)
        page.goto(base + "topics/pension.html")
        assert card_regions(page) == ["national"]
        # A region added on the phone gets its card in every matrix, saying what its column says.
        pick(page, first)
        page.wait_for_function(f"() => location.search.includes('{first}')")
        assert card_regions(page) == ["national", first]
        assert_cards_match_matrix(page)
        # One added on a wide screen is there when the page is narrowed again.
        pick(page, second)
        page.wait_for_function(f"() => location.search.includes('{second}')")
        page.set_viewport_size(PHONE)
        page.wait_for_function(f"() => document.querySelector('.region-card[data-card-region=\"{second}\"]')")
        cards = assert_cards_match_matrix(page)
        assert all([card["region"] for card in column] == ["national", first, second] for column in cards.values())
        # A region removed loses its cards.
        page.set_viewport_size(PHONE)
        page.uncheck(f'.region-picker input[value="{first}"]')
        page.wait_for_function(f"() => !location.search.includes('{first}')")
        assert card_regions(page) == ["national", second]
        assert page.locator(f'.region-card[data-card-region="{first}"]').count() == 0
        page.set_viewport_size(DESKTOP)
        assert shown_regions(page) == ["national", second]
        assert requests.outside() == []
        assert errors == []
