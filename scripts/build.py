"""The whole build: validate data → render pages → package the calculator → vendor JS → ProperDocs
(mkdocs.yml) → a Content-Security-Policy in every page.

    python -m scripts.build                 # build into site/
    python -m scripts.build --serve         # build, then serve site/ at http://127.0.0.1:8000
    python -m scripts.build --site-dir DIR  # build into another folder (the tests use a temp dir)

Bad policy data stops the build with one line per problem and exit code 1.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from calculator.vocabulary import ASPECTS, DATE_BASES, DOCUMENT_KINDS, GROUPS, QUALIFIERS, TOPICS, UNITS
from scripts.embed_runtime import PYODIDE_RUNTIME_FILES
from scripts.package_calculator import PACKAGED_DATA, write_data_layout
from scripts.policy_loader import (
    DEFAULT_DATA_DIR,
    DEFAULT_SEEDS_DIR,
    PolicyDataError,
    load_policy_data,
    write_compiled,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BUILD = ROOT / "build"
NODE_MODULES = ROOT / "node_modules"
COMPILED_JSON = BUILD / "policy_data.json"
VENDOR = DOCS / "vendor"

RUNTIME_CACHE = BUILD / "runtime-cache"

# What the calculator worker loads from the Pyodide package (the same files are embedded for
# file://), plus the stock stdlib, lock file and classic loader that the benchmarks' bare-Pyodide
# page and the "stock Pyodide fails from disk" tests use (the worker gets its own, trimmed ones).
PYODIDE_FILES = (*PYODIDE_RUNTIME_FILES, "python_stdlib.zip", "pyodide-lock.json", "pyodide.js")


# npm file → path under docs/vendor/
VENDORED_SCRIPTS = {
    "qrcode-generator/dist/qrcode.js": "qrcode-generator/qrcode.js",
}


# (time, resident memory in MB, message) of every log line: a stage lasts from its line to the next
# (see --timings).
_log_marks: list[tuple[float, float, str]] = []


def resident_mb() -> float:
    """This process's resident memory now (0 where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def log(message: str) -> None:
    _log_marks.append((time.perf_counter(), resident_mb(), message))
    print(f"[build] {message}", flush=True)


def stage_timings() -> list[dict[str, object]]:
    """[{stage, seconds, rss_mb}] from the log lines so far: each line starts a stage that ends at the
    next; rss_mb is the build process's resident memory when the stage ended (its children, the
    site generator and Node, are measured by whoever runs the build)."""
    marks = _log_marks
    return [
        {"stage": message, "seconds": round(marks[index + 1][0] - started, 3), "rss_mb": round(marks[index + 1][1])}
        for index, (started, _rss, message) in enumerate(marks[:-1])
    ]


def compile_data(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path = DEFAULT_SEEDS_DIR) -> dict[str, object]:
    """Validate once; write the compiled JSON for the build (the calculator's split of it is written
    by the caller, write_data_layout)."""
    policy = load_policy_data(data_dir, seeds_dir)
    if not seeds_dir.is_dir():
        log(f"note: source documents not found at {seeds_dir}; evidence was not checked")
    return write_compiled(policy, COMPILED_JSON)


def write_vocabulary_snippet(target: Path) -> None:
    """Tables of the closed word lists for the data guide, from calculator/vocabulary.py."""

    def table(title: str, rows: dict[str, str]) -> str:
        lines = [f"### {title}", "", "| 编号 | 含义 |", "| --- | --- |"]
        lines += [f"| `{key}` | {label} |" for key, label in rows.items()]
        return "\n".join(lines) + "\n"

    sections = [
        table("主题 topic", TOPICS),
        table("单位 unit", {key: label for key, (label, _suffix) in UNITS.items()}),
        table("行组 aspect", ASPECTS),
        table("适用人群 applies_to", GROUPS),
        table("文件类型 kind", DOCUMENT_KINDS),
        table("日期依据 date_basis", DATE_BASES),
        table("约数 qualifier", QUALIFIERS),
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(sections), encoding="utf-8")


def vendor_browser_packages() -> None:
    """Copy the pinned npm packages the pages load into docs/vendor (never a CDN)."""
    if not NODE_MODULES.is_dir():
        raise SystemExit("node_modules/ is missing: run `npm ci` first (README's commands do).")
    pyodide_target = VENDOR / "pyodide"
    pyodide_target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(NODE_MODULES / "pyodide" / name, pyodide_target / name)
    for source, target in VENDORED_SCRIPTS.items():
        (VENDOR / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE_MODULES / source, VENDOR / target)


def package_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return {
        path.removeprefix("node_modules/"): info["version"]
        for path, info in lock.get("packages", {}).items()
        if path.startswith("node_modules/") and path.count("node_modules/") == 1
    }


# ProperDocs: the maintained drop-in fork of MkDocs 1.6 (MkDocs itself has had no release since 2024
# and its announced 2.0 drops plugins and theme overrides). It reads mkdocs.yml and runs
# mkdocs-material unchanged; the pages are the same but for the generator meta tag.
SITE_GENERATOR = "properdocs"


def run_mkdocs(site_dir: Path, project: Path = ROOT) -> None:
    command = [sys.executable, "-m", SITE_GENERATOR, "build", "--strict", "--clean", "--site-dir", str(site_dir)]
    subprocess.run(command, cwd=project, check=True)


def write_search(site_dir: Path, compiled: dict[str, object]) -> None:
    """Material's search_index.json → the sharded index that docs/javascripts/search.js reads."""
    from scripts.render_pages import ABOUT_PAGES, html_path
    from scripts.search_index import page_keywords, write_search_index

    about = {html_path(page) for page in ABOUT_PAGES}
    figures = write_search_index(site_dir, about, page_keywords(compiled))
    log("search index: {pages} pages, {sections} sections, {terms} terms in {shards} shards".format(**figures))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration. The build keeps millions of long-lived objects
    (the data, its models, the pages) and makes next to no garbage cycles; the collector's repeated
    passes over the live objects made the build grow faster than the data did."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(
    site_dir: Path, *, with_calculator: bool = True, with_mkdocs: bool = True, data_dir: Path = DEFAULT_DATA_DIR
) -> dict[str, object]:
    with collector_paused():
        return _build(site_dir, with_calculator=with_calculator, with_mkdocs=with_mkdocs, data_dir=data_dir)


ROOT_LINK = re.compile(r'(\s(?:href|src|data-site-search)=")/(?!/)')
# Run first in 404.html's <head> (CSP allows it by its hash, as the theme's own inline scripts): over
# http a server shows the page at whatever address was missing, perhaps deeper than the site root, so
# a <base> at the root must exist before the first relative link is met. No external script can do
# this: its own address would be resolved under the missing folder too. The root is the address up to
# the first of the site's top-level entries (ENTRIES) in it (…/topics/old/page.html → …/); without one
# the page is taken to be at the root, as its links are written (a mistyped top-level address). From
# disk the page lies at the root already and needs nothing.
NOT_FOUND_BASE = (
    "(function(){var l=location;if(!/^https?:$/.test(l.protocol))return;"
    "var e=ENTRIES,p=l.pathname.split('/'),i=1;while(i<p.length-1&&e.indexOf(p[i])<0)i++;"
    "if(i>=p.length-1)return;var b=document.createElement('base');b.href=l.origin+p.slice(0,i).join('/')+'/';"
    "document.head.appendChild(b)})()"
)


def relative_404(site_dir: Path) -> None:
    """404.html links from the site root ("/assets/…"), which a copy opened from disk cannot follow:
    without a public address, write them relative to the root, where 404.html lies, and give the page
    NOT_FOUND_BASE so a server can show it styled, with working links, at a missing address at any
    depth. With `site_url` set, mkdocs' absolute links (under that address) are kept."""
    from scripts.render_calculator import public_site_url

    page = site_dir / "404.html"
    if public_site_url() is not None or not page.is_file():
        return
    text = ROOT_LINK.sub(r"\1", page.read_text(encoding="utf-8"))
    text = text.replace('"base": "/"', '"base": "."').replace('"/assets/', '"assets/')
    entries = sorted(path.name for path in site_dir.iterdir() if re.fullmatch(r"[\w.-]+", path.name))
    script = NOT_FOUND_BASE.replace("ENTRIES", json.dumps(entries, separators=(",", ":")))
    # After the charset (which must stay within the first 1024 bytes), before any link.
    charset = re.search(r"<meta charset=[^>]*>", text)
    if charset is None or charset.start() > text.find("<link"):
        raise ValueError("404.html: no <meta charset> before its first link")
    text = text[: charset.end()] + f"\n<script>{script}</script>" + text[charset.end() :]
    page.write_text(text, encoding="utf-8")


def _build(site_dir: Path, *, with_calculator: bool, with_mkdocs: bool, data_dir: Path) -> dict[str, object]:
    started = time.perf_counter()
    log("validating and compiling policy_data/")
    compiled = compile_data(data_dir)
    # The calculator's data in its package folder (the command line and the tests read it there).
    packaged = write_data_layout(compiled, PACKAGED_DATA)
    write_vocabulary_snippet(DOCS / "generated" / "vocabulary.md")

    # Imported here so a data error is reported before anything heavier is loaded.
    from scripts.render_pages import render_pages

    calculator_page = DOCS / "calculator.md"
    if with_calculator:
        from scripts.embed_runtime import write_embedded_runtime
        from scripts.package_calculator import build_wheel
        from scripts.python_runtime import build_runtime_cached
        from scripts.render_calculator import render_calculator_page, write_site_data

        log("packaging the calculator wheel")
        wheel = build_wheel(VENDOR / "calculator", compile_first=False)
        log("vendoring browser packages")
        vendor_browser_packages()
        log("trimming the stdlib and making the memory snapshot (Pyodide under Node; cached)")
        build_runtime_cached(VENDOR / "pyodide", wheel, VENDOR / "runtime", RUNTIME_CACHE, PACKAGED_DATA)
        log(f"writing the calculator's data: a core and {len(packaged) - 1} region shards")
        data = write_site_data(packaged, DOCS)
        log("embedding the Python runtime for pages opened from disk")
        write_embedded_runtime(VENDOR / "pyodide", VENDOR / "runtime", wheel, DOCS, packaged["core"])
        log("rendering the calculator page")
        render_calculator_page(
            compiled,
            DOCS,
            wheel=wheel,
            pyodide_dir=VENDOR / "pyodide",
            runtime_dir=VENDOR / "runtime",
            data=data,
        )
    else:
        calculator_page.unlink(missing_ok=True)
    log("rendering pages")
    render_pages(compiled, DOCS)
    # The pages' view of the data is garbage now, in reference cycles the paused collector keeps:
    # free it before the site generator and the search index need the memory.
    gc.collect()
    if with_mkdocs:
        log(f"{SITE_GENERATOR} build → {site_dir}")
        run_mkdocs(site_dir)
        log("sharding the search index")
        write_search(site_dir, compiled)
        relative_404(site_dir)
        from scripts.csp import apply_content_security_policy

        log("writing the Content-Security-Policy into every page")
        log(f"Content-Security-Policy written into {apply_content_security_policy(site_dir)} pages")
        if with_calculator:
            # Last: it lists the calculator page's files and hashes them as they were finally written.
            from scripts.service_worker import write_service_worker

            log("writing the service worker")
            write_service_worker(site_dir)
    log(f"done in {time.perf_counter() - started:.1f} s")
    return compiled


def serve(site_dir: Path, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        log(f"serving {site_dir} at http://127.0.0.1:{port}/ (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            log("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--serve", action="store_true", help="serve the built site afterwards")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--pages-only", action="store_true", help="skip the calculator wheel and Pyodide (quick edits)")
    parser.add_argument("--timings", type=Path, help="write each stage's seconds here as JSON (the benchmarks read it)")
    args = parser.parse_args(argv)
    try:
        build(args.site_dir.resolve(), with_calculator=not args.pages_only)
        if args.timings:
            args.timings.write_text(json.dumps(stage_timings(), ensure_ascii=False, indent=1), encoding="utf-8")
    except PolicyDataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"[build] stopped: {len(error.problems)} problem(s) in policy_data/", file=sys.stderr)
        return 1
    if args.serve:
        serve(args.site_dir.resolve(), args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
