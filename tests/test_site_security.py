"""Markup in the data is inert on every page: every text field of every record carries an HTML and
Markdown payload, the whole site (navigation, page titles, search index, calculator page) is built
from it through the real build steps, and no page holds the markup raw or runs any of it."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, logged_page, search_result_links, serving

from scripts.build import run_mkdocs, write_search, write_vocabulary_snippet
from scripts.csp import apply_content_security_policy
from scripts.render_calculator import render_calculator_page, site_data_config
from scripts.render_pages import DOWNLOAD_CSV, DOWNLOAD_JSON, GENERATED_FOLDERS, render_pages

PAYLOAD = "\"'><script>alert(1)</script><img src=x onerror=alert(2)></title><!--[点我](javascript:alert(3))"
FORMULA = '=HYPERLINK("http://example.invalid/","点我")'
# What must never appear in a page: the payload's markup as markup.
RAW = ["<script>alert", "<img src=x", "</title><!--", 'href="javascript:']
# Strings that are ids, vocabulary words, dates or file names: the pages build links and look-ups
# from them, and the schema allows them only as plain ASCII words, so they cannot carry markup.
STRUCTURAL = {
    "id",
    "region",
    "topic",
    "unit",
    "aspect",
    "kind",
    "status",
    "from",
    "until",
    "issued",
    "effective",
    "date_basis",
    "qualifier",
    "document",
    "parent",
    "level",
    "source_file",
    "item",
    "refines",
    "ancestors",
    "applies_to",
    "parameters",
    "file",
    "based_on",
    "value",
    "topics",
    "regions",
    "documents",
    "items",
    "catalog",
    "fallback",
    "requires",
    "at_most",
    "data_as_of",
    "field",
    "statistic",
    # scales and breakdowns: the unit and method a scale is read by, the vocabulary a breakdown is keyed by
    "threshold_unit",
    "method",
    "breakdown",
    "source_sha256",
}


def poisoned(value: Any, key: str = "") -> Any:
    """Every text string of the compiled data with the payload appended."""
    if isinstance(value, dict):
        return {
            k: (v if k in STRUCTURAL and not isinstance(v, (dict, list)) else poisoned(v, k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return value if key in STRUCTURAL else [poisoned(item, key) for item in value]
    if isinstance(value, str):
        return value + PAYLOAD
    return value


def hostile_data(compiled: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(compiled)
    for section in ("regions", "documents", "items"):
        data[section] = poisoned(data[section])
    data["parameters"] = {
        region: {pid: poisoned(parameter) for pid, parameter in parameters.items()}
        for region, parameters in data["parameters"].items()
    }
    data["catalog"] = {pid: poisoned(entry) for pid, entry in data["catalog"].items()}
    first = next(iter(data["documents"]))
    data["documents"][first]["title"] = FORMULA + PAYLOAD
    return data


@pytest.fixture(scope="module")
def hostile_site(
    built_site: Path, compiled_data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    """A scratch copy of the project whose data is hostile, built as scripts/build.py builds."""
    project = tmp_path_factory.mktemp("hostile")
    shutil.copyfile(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    # The generator's hooks (mkdocs.yml) and what they import.
    shutil.copytree(ROOT / "scripts", project / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    generated = {*GENERATED_FOLDERS, "generated", "vendor", "index.md", "calculator.md", "about.md"}
    shutil.copytree(ROOT / "docs", project / "docs", ignore=lambda folder, names: generated & set(names))
    (project / "docs" / "vendor").symlink_to(ROOT / "docs" / "vendor", target_is_directory=True)
    data = hostile_data(compiled_data)
    write_vocabulary_snippet(project / "docs" / "generated" / "vocabulary.md")
    wheel = next((ROOT / "docs" / "vendor" / "calculator").glob("*.whl"))
    vendor = ROOT / "docs" / "vendor"
    render_calculator_page(
        data,
        project / "docs",
        wheel=wheel,
        pyodide_dir=vendor / "pyodide",
        runtime_dir=vendor / "runtime",
        data=site_data_config(ROOT / "docs"),
    )
    render_pages(data, project / "docs")
    site = project / "site"
    run_mkdocs(site, project)
    write_search(site, data)
    apply_content_security_policy(site)
    return site, data


def built_text_files(site: Path) -> list[Path]:
    downloads = {site / "downloads" / DOWNLOAD_JSON, site / "downloads" / DOWNLOAD_CSV}
    return [
        path
        for path in sorted(site.rglob("*"))
        if path.suffix in {".html", ".json", ".js", ".xml"}
        and path not in downloads
        and "vendor" not in path.relative_to(site).parts
        and "assets" not in path.relative_to(site).parts
    ]


def test_every_text_field_was_poisoned(hostile_site: tuple[Path, dict[str, Any]]) -> None:
    _, data = hostile_site
    region = data["regions"]["beijing"]
    assert region["name"].endswith(PAYLOAD) and region["summary"].endswith(PAYLOAD)
    document = next(iter(data["documents"].values()))
    assert document["title"].endswith(PAYLOAD) and all(issuer.endswith(PAYLOAD) for issuer in document["issuers"])
    parameter = next(iter(data["parameters"]["national"].values()))
    assert parameter["label"].endswith(PAYLOAD)
    assert parameter["values"][0]["reference"]["section"].endswith(PAYLOAD)


def test_no_page_holds_markup_from_the_data(hostile_site: tuple[Path, dict[str, Any]]) -> None:
    site, _ = hostile_site
    files = built_text_files(site)
    assert len([path for path in files if path.suffix == ".html"]) > 40
    # The search index: its term shards and the page files whose titles and texts results show.
    assert (site / "search" / "manifest.js") in files
    assert any(path.parent == site / "search" / "p" for path in files)
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(site)}: {raw}" for raw in RAW if raw in text]
    assert found == []


def test_the_payload_is_shown_as_text_in_the_navigation_header_and_title(
    hostile_site: tuple[Path, dict[str, Any]],
) -> None:
    site, _ = hostile_site
    html = (site / "regions" / "beijing.html").read_text(encoding="utf-8")
    assert "北京市&#34;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html.replace("&quot;", "&#34;").replace(
        "&#x27;", "&#39;"
    )
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "&lt;/title&gt;" in title.group(1) and "<" not in title.group(1)
    nav = (site.parent / "docs" / "generated" / "nav.yml").read_text(encoding="utf-8")
    assert "<script" not in nav


def test_the_csv_neutralises_formulas_and_the_json_is_the_data_unchanged(
    hostile_site: tuple[Path, dict[str, Any]],
) -> None:
    site, data = hostile_site
    rows = list(csv.reader(io.StringIO((site / "downloads" / DOWNLOAD_CSV).read_text(encoding="utf-8-sig"))))
    titles = {row[12] for row in rows[1:]}
    assert "'" + FORMULA + PAYLOAD in titles
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert json.loads((site / "downloads" / DOWNLOAD_JSON).read_text(encoding="utf-8")) == data


@pytest.fixture(scope="module")
def hostile_url(hostile_site: tuple[Path, dict[str, Any]]) -> Iterator[str]:
    site, _ = hostile_site
    with serving(site) as url:
        yield url


INERT = """() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts]
        .filter((s) => ["", "text/javascript", "module"].includes(s.type) && s.textContent.includes("alert("))
        .length,
    links: document.querySelectorAll('a[href^="javascript:"]').length,
})"""


@pytest.mark.browser
def test_no_payload_runs_in_a_browser_on_pages_search_or_the_calculator(chromium: Any, hostile_url: str) -> None:
    with logged_page(chromium, hostile_url) as (page, _requests, errors):
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for name in ("index.html", "regions/beijing.html", "sources/shaanxi_2017_60.html", "topics/medical.html"):
            page.goto(hostile_url + name)
            assert page.evaluate(INERT) == {"images": 0, "scripts": 0, "links": 0}, name
            if name.startswith(("regions/", "sources/")):
                # The header shows the page's title from the data: as text, markup and all.
                assert "<script>alert(1)</script>" in page.inner_text(".md-header__topic:last-child")
        page.goto(hostile_url + "index.html")
        assert search_result_links(page, "北京市")
        assert page.evaluate(INERT) == {"images": 0, "scripts": 0, "links": 0}
        page.goto(hostile_url + "calculator.html#maternity.avg_monthly_wage=6000")
        page.wait_for_selector("#calculator[data-result-for]", timeout=90_000)
        assert page.evaluate(INERT) == {"images": 0, "scripts": 0, "links": 0}
        assert dialogs == []
        assert errors == []


@pytest.mark.browser
def test_a_malformed_escape_in_the_link_fragment_raises_no_error(chromium: Any, site_url: str) -> None:
    with logged_page(chromium, site_url) as (page, _requests, errors):
        page.goto(site_url + "topics/medical.html#%E0%A4%A")
        page.wait_for_load_state("load")
        page.evaluate("location.hash = '#%zz'")
        page.wait_for_timeout(200)
        assert errors == []
