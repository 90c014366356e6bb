"""The shortcuts that keep a build of thousands of regions fast give the same site as the slow way.

- scripts/raw_html.py: a generated page's HTML blocks skip the Markdown converter and are put back
  after it; the converted page must be what converting the whole page gives.
- scripts/search_sections.py: the search sections are cut with one regular-expression pass instead of
  mkdocs-material's html.parser; they must be the ones material's parser finds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from material.plugins.search.plugin import Parser

from scripts.raw_html import anchor_ids, put_back, restore, set_aside, split
from scripts.search_sections import page_sections

ROOT = Path(__file__).resolve().parent.parent
# The extensions of mkdocs.yml that decide what is a block.
EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "pymdownx.details", "pymdownx.superfences"]
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def converted(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


def original_of(written: str) -> str:
    """The page as the templates made it, from the skeleton and blocks set_aside wrote."""
    return restore(written)


def generated_pages(built_site: Path) -> list[Path]:
    del built_site  # the build wrote docs/ (the fixture is asked for so that it has run)
    pages = [
        path for folder in ("regions", "sources", "topics") for path in sorted((ROOT / "docs" / folder).rglob("*.md"))
    ]
    return [*pages, ROOT / "docs" / "index.md"]


def test_a_block_followed_by_markdown_text_stays_in_the_page() -> None:
    page = "# T\n\n<div>\nx\n</div>\n*markdown*\n\n<div>\ny\n</div>\n"
    written = set_aside(page)
    skeleton, blocks = split(written)
    assert blocks == ["<div>\ny\n</div>"]
    assert "<div>\nx\n</div>\n*markdown*" in skeleton
    assert original_of(written) == page


def test_a_run_of_closed_elements_is_one_block_and_keeps_its_anchors() -> None:
    page = '# T\n\n<p id="a">one</p>\n<div class="x">\n<div id="b">two</div>\n\n</div>\n\n## H\n'
    written = set_aside(page)
    skeleton, blocks = split(written)
    assert skeleton == "# T\n\n<!--raw-html 0-->\n\n## H\n"
    assert anchor_ids(blocks) == {"a", "b"}
    assert put_back(converted(skeleton), blocks) == converted(page)


def test_a_page_that_already_holds_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        set_aside("# T\n\n<!--raw-html 0-->\n")


def test_every_generated_page_converts_as_it_would_whole(built_site: Path) -> None:
    pages = generated_pages(built_site)
    set_aside_somewhere = 0
    for path in pages:
        written = path.read_text(encoding="utf-8")
        skeleton, blocks = split(written)
        set_aside_somewhere += bool(blocks)
        assert put_back(converted(skeleton), blocks) == converted(original_of(written)), path.name
    assert set_aside_somewhere > len(pages) / 2


def test_search_sections_are_the_ones_materials_parser_finds(built_site: Path) -> None:
    checked = 0
    for path in sorted(built_site.rglob("*.html")):
        found = ARTICLE.search(path.read_text(encoding="utf-8"))
        if found is None:
            continue
        parser = Parser()
        parser.feed(found.group(1))
        parser.close()
        expected = [
            (section.id, "".join(section.title).strip() if section.title else "页面标题", "".join(section.text).strip())
            for section in parser.data
            if not section.is_excluded()
        ]
        assert page_sections(found.group(1), "页面标题") == expected, path.relative_to(built_site).as_posix()
        checked += 1
    assert checked >= 20


def test_search_sections_leave_out_scripts_excluded_elements_and_permalinks() -> None:
    content = (
        '<h1 id="t">标题<a class="headerlink" href="#t">¶</a></h1><p>正文 &amp; 说明</p>'
        "<script>var a = '<h2 id=\"x\">';</script><div data-search-exclude><p>不收录</p></div>"
        '<h2 id="s">第二节</h2><ul><li>一</li><li>二</li></ul>'
    )
    sections = page_sections(content, "页")
    assert [(anchor, title) for anchor, title, _ in sections] == [(None, "标题"), ("s", "第二节")]
    assert "不收录" not in sections[0][2] and "var a" not in sections[0][2]
    assert sections[0][2] == "<p>正文 &amp; 说明</p>"
    assert sections[1][2] == "<ul><li>一</li><li>二</li></ul>"


RENDER_TWICE = r"""
import os, shutil, sys
from pathlib import Path
from scripts import parallel, policy_loader
from scripts import render_pages as pages
from scripts.policy_loader import compile_policy_data, load_policy_data
from scripts.render_pages import render_pages

def recording_pid(function):  # which processes do the work: the forked run must use others
    def recorded(*args, **kwargs):
        with open(sys.argv[3], "a") as pids:
            pids.write(f"{function.__name__} {os.getpid()}\n")
        return function(*args, **kwargs)
    return recorded

pages.Renderer.page = recording_pid(pages.Renderer.page)
policy_loader.load_file = recording_pid(policy_loader.load_file)
compiled = compile_policy_data(load_policy_data(Path("policy_data"), None))
Path(sys.argv[3]).write_text(f"parent {os.getpid()}\n")
parallel.PARALLEL_FROM = 2  # every list of two or more pieces of work is shared out,
parallel.cores = lambda: 2  # over two workers, however many cores this machine has
assert compile_policy_data(load_policy_data(Path("policy_data"), None)) == compiled
for workers, folder in ((1, sys.argv[1]), (2, sys.argv[2])):
    docs = Path(folder)
    shutil.copytree("docs/includes", docs / "includes")
    written = render_pages(compiled, docs, workers=workers)
    on_disk = {p for p in docs.rglob("*") if p.is_file() and "includes" not in p.relative_to(docs).parts}
    assert set(written) == on_disk, sorted(map(str, on_disk ^ set(written)))[:5]
"""


def test_pages_rendered_by_forked_workers_are_the_pages_rendered_in_one_process(tmp_path: Path) -> None:
    # In a child process: forking from the test process (with its server threads) is not what a build does.
    alone, forked = tmp_path / "alone", tmp_path / "forked"
    pids = tmp_path / "pids.txt"
    completed = subprocess.run(
        [sys.executable, "-c", RENDER_TWICE, str(alone), str(forked), str(pids)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    (_, parent), *work = [line.split() for line in pids.read_text().splitlines()]
    workers_by_kind: dict[str, set[str]] = {}
    for kind, pid in work:
        workers_by_kind.setdefault(kind, set()).add(pid)
    # Loading the files and rendering the per-region pages both ran in two workers (the one-process
    # rendering before them is not in the record: it ran before the file was started).
    assert {kind: len(pids - {parent}) for kind, pids in workers_by_kind.items()} == {"load_file": 2, "page": 2}
    files = sorted(path.relative_to(alone) for path in alone.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(forked) for path in forked.rglob("*") if path.is_file())
    assert len(files) > 40
    for name in files:
        assert (alone / name).read_bytes() == (forked / name).read_bytes(), name
