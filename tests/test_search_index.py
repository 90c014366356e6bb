"""The sharded search index (scripts/search_index.py): how text is cut into terms, that the browser
cuts it the same way, and that what a query reads stays bounded as the site grows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import logged_page

from scripts.search_index import (
    MAX_POSTINGS,
    SHARD_TARGET_BYTES,
    load_variants,
    shard_of,
    terms_of,
    write_search_index,
)

VARIANTS = load_variants()
# Texts the two cuts must agree on, besides every section of the built site.
TRICKY = [
    "陕人社发〔2017〕60号",
    "陕人社发[2017]60号、京人社居发（2017）24号，国发〔2014〕8号",
    "人社部发２０１７第５９号",
    "大病保險  醫療保障 ABC Excel2017 csv",
    "1 个字：病",
    "中国组织人事报",
    "𠀀𠀁 emoji 🙂 and ＦＵＬＬ　ｗｉｄｔｈ",
]


def test_chinese_becomes_bigrams_and_a_lone_character_stays() -> None:
    assert terms_of("大病保险", VARIANTS) == ["大病", "病保", "保险"]
    assert terms_of("病", VARIANTS) == ["病"]
    assert terms_of("北京 大病", VARIANTS) == ["北京", "大病"]


def test_letters_digits_and_full_width_forms_become_lower_case_words() -> None:
    assert terms_of("CSV 文件（Excel）", VARIANTS) == ["csv", "文件", "excel"]
    assert terms_of("ＣＳＶ２０１７", VARIANTS) == ["csv2017"]


def test_traditional_characters_are_searched_as_simplified() -> None:
    assert terms_of("大病保險", VARIANTS) == terms_of("大病保险", VARIANTS)
    assert terms_of("養老", VARIANTS) == ["养老"]


@pytest.mark.parametrize(
    "written", ["陕人社发〔2017〕60号", "陕人社发[2017]60号", "陕人社发2017 60号", "陕人社发（2017）第60号"]
)
def test_a_document_number_however_bracketed_gives_one_term(written: str) -> None:
    assert "2017:60" in terms_of(written, VARIANTS)


def test_shards_hash_like_javascript() -> None:
    # FNV-1a of "a" is 0xe40c292c; the browser computes the same over UTF-16 code units.
    assert shard_of("a", 2**32 - 1) == 0xE40C292C % (2**32 - 1)
    assert all(0 <= shard_of(term, 7) < 7 for term in ["大病", "保险", "2017:60", "𠀀"])


def fake_site(folder: Path, pages: int) -> Path:
    """A built site whose Material index has `pages` region-like pages of three sections each."""
    docs = []
    for number in range(pages):
        url = f"regions/r{number}.html"
        docs.append({"location": url, "title": f"地区{number}", "text": f"<p>地区{number}的养老保险和医疗保障。</p>"})
        docs.append({"location": f"{url}#pension", "title": "养老保险", "text": "城乡居民养老保险由政府代缴" * 5})
        docs.append(
            {"location": f"{url}#medical", "title": "医疗保障", "text": f"大病保险起付线{number}元，报销比例。"}
        )
    (folder / "search").mkdir(parents=True)
    index = {"config": {}, "docs": docs}
    (folder / "search" / "search_index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return folder


def shard_data(site: Path, number: int) -> dict[str, list[int]]:
    text = (site / "search" / "t" / f"{number}.js").read_text(encoding="utf-8")
    found = re.fullmatch(r"shebaoSearch\.terms\(\d+,(.*)\);\n", text, re.S)
    assert found
    data: dict[str, list[int]] = json.loads(found.group(1))
    return data


def bytes_for_query(site: Path, query: str, shards: int) -> int:
    names = {shard_of(term, shards) for term in terms_of(query, VARIANTS)}
    return sum((site / "search" / "t" / f"{name}.js").stat().st_size for name in names)


def test_what_a_query_reads_stays_bounded_as_regions_grow(tmp_path: Path) -> None:
    read = {}
    for pages in (50, 2000):
        site = fake_site(tmp_path / str(pages), pages)
        figures = write_search_index(site, set(), {})
        assert not (site / "search" / "search_index.json").exists()
        sizes = [path.stat().st_size for path in (site / "search" / "t").glob("*.js")]
        assert len(sizes) == figures["shards"]
        assert max(sizes) <= 4 * SHARD_TARGET_BYTES  # a few long posting lists may share a shard
        for number in range(figures["shards"]):
            assert all(len(postings) <= 3 * MAX_POSTINGS for postings in shard_data(site, number).values())
        read[pages] = bytes_for_query(site, "大病保险", figures["shards"])
    # Forty times the regions: the shards a query reads are about the same size.
    assert read[2000] <= 3 * read[50] + 3 * SHARD_TARGET_BYTES


def test_pages_about_the_site_are_numbered_last(tmp_path: Path) -> None:
    site = fake_site(tmp_path, 3)
    write_search_index(site, {"regions/r0.html"}, {"regions/r1.html": ["青海省"]})
    manifest = (site / "search" / "manifest.js").read_text(encoding="utf-8")
    assert '"aboutFrom":2' in manifest
    last = (site / "search" / "p" / "2.js").read_text(encoding="utf-8")
    assert '"u":"regions/r0.html"' in last


@pytest.mark.browser
def test_the_browser_cuts_text_exactly_as_the_build_does(chromium: Any, site_url: str, built_site: Path) -> None:
    texts = list(TRICKY)
    for path in sorted((built_site / "search" / "p").glob("*.js")):
        page_data = json.loads(re.fullmatch(r"shebaoSearch\.page\(\d+,(.*)\);\n", path.read_text("utf-8"), re.S)[1])
        texts += [text for section in page_data["s"] for text in section[1:]]
    with logged_page(chromium, site_url) as (page, _, errors):
        page.goto(site_url + "index.html")
        cut = page.evaluate("texts => Promise.all(texts.map(text => shebaoSearch.cut(text)))", texts)
        assert errors == []
    different = [(text, got) for text, got in zip(texts, cut, strict=True) if got != terms_of(text, VARIANTS)]
    assert len(texts) > 200
    assert different == []
