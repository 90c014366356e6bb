"""Weight: bytes per page type as Chromium loads them, and the offline copy against the http site.

    python -m benchmarks.weight --site SITE_DIR [--project PROJECT_DIR]

Headless Chromium, a fresh context per page (cold cache). Over http (the stdlib server, which
compresses nothing) the home page, every topic and region page, the calculator and the heaviest
other pages are loaded and the bytes of every response counted, the search worker's and the
calculator worker's included, until the network has been quiet for a moment; for each file the size
a gzip-compressing host would send is computed beside it. The remaining pages (source documents
and the like, built from the same template) are counted as their own HTML plus what the home page
loaded besides its HTML, and marked as computed. Over
file:// the home, topic, region and calculator pages are loaded and the bytes of the files they
read counted from disk. The calculator page is counted before Python (everything but the runtime
files) and after it is ready. Search index files, which no page should read until someone
searches (benchmarks/search.py measures that), are shown apart. The offline copy: the built site
folder, what only one route reads, and the zip made by scripts/offline_zip.py when the project has it
(run from PROJECT_DIR).
Goal: every page but the calculator < 300 KB transferred, no Pyodide bytes.
Writes build/benchmarks/weight.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.browser import BARE_PYODIDE_PAGE, CALCULATOR_PAGE, chromium, fresh_page, household_fragment
from benchmarks.common import (
    RESULTS_DIR,
    file_for_url,
    gzip_size,
    log,
    project_env,
    run_measured,
    serve,
    write_result,
)
from benchmarks.goals import GOALS

# Files of the Python runtime: none of them may load on any page but the calculator.
RUNTIME_FOLDERS = (
    "vendor/pyodide/",
    "vendor/runtime/",
    "vendor/offline/",
    "vendor/calculator/",
    "vendor/calculator-data/",
)
# The search index (scripts/search_index.py): pages read it only when someone searches.
SEARCH_INDEX_FOLDER = "search/"
QUIET_SECONDS = 0.3
# Pages of the other types loaded in Chromium (the heaviest by HTML size); the rest are computed.
OTHER_PAGES_LOADED = 3
SETTLE_LIMIT_SECONDS = 15.0
TIMEOUT_MS = 120_000
KB = 1024


def page_type(path: str) -> str:
    if path == "index.html":
        return "home"
    if path == CALCULATOR_PAGE:
        return "calculator"
    folder = path.split("/", 1)[0] if "/" in path else ""
    return {"topics": "topic", "regions": "region", "sources": "source", "downloads": "downloads"}.get(folder, "other")


def site_pages(site: Path) -> list[str]:
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    return [page for page in pages if page not in {"404.html", BARE_PYODIDE_PAGE}]


def pages_to_load(site: Path, pages: list[str], *, quick: bool = False) -> list[str]:
    """Home, every topic and region page, the calculator, and the heaviest few of the others
    (quick: one page of each type)."""
    main_types = {"home", "topic", "region", "calculator"}
    chosen = [page for page in pages if page_type(page) in main_types]
    if quick:
        first_of_type = {page_type(page): page for page in reversed(pages)}
        return sorted(first_of_type.values())
    others = sorted(
        (page for page in pages if page_type(page) not in main_types), key=lambda p: -(site / p).stat().st_size
    )
    return chosen + others[:OTHER_PAGES_LOADED]


def computed_page(site: Path, path: str, home: dict[str, Any]) -> dict[str, Any]:
    """A page not loaded in Chromium: its HTML plus everything the home page loaded besides its own HTML."""
    shared = [entry for entry in home["files"] if entry["path"] != home["path"]]
    html = site / path
    files = [{"path": path, "bytes": html.stat().st_size, "gzip": gzip_size(html)}, *shared]
    return {"path": path, "type": page_type(path), "computed": True, **summarise(files)}


def is_runtime(path: str) -> bool:
    return any(path.startswith(folder) for folder in RUNTIME_FOLDERS)


class Loads:
    """Every response a page received: its site path, its bytes on the wire, its gzip estimate."""

    def __init__(self, site: Path, base: str) -> None:
        self.site, self.base = site, base
        self.pending = 0
        self.last_change = time.monotonic()
        self.files: list[dict[str, Any]] = []

    def started(self, request: Any) -> None:
        self.pending += 1
        self.last_change = time.monotonic()

    def ended(self, request: Any) -> None:
        self.pending -= 1
        self.last_change = time.monotonic()
        if not request.url.startswith(self.base):
            return
        path = file_for_url(request.url, self.site, self.base)
        if path is None:
            return
        relative = path.relative_to(self.site).as_posix()
        if urlsplit(self.base).scheme == "file":
            wire = path.stat().st_size
        else:
            sizes = request.sizes()
            body = sizes["responseBodySize"]
            if body <= 0:  # Chromium reports no body size for worker scripts; the file is what was sent
                body = path.stat().st_size
            wire = body + max(sizes["responseHeadersSize"], 0)
        self.files.append({"path": relative, "bytes": wire, "gzip": gzip_size(path)})

    def watch(self, page: Any) -> None:
        page.on("request", self.started)
        page.on("requestfinished", self.ended)
        page.on("requestfailed", self.ended)

    def settle(self, page: Any) -> None:
        """Wait until no request has been open for QUIET_SECONDS (the search index comes after load)."""
        deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
            if self.pending <= 0 and time.monotonic() - self.last_change >= QUIET_SECONDS:
                return

    def summary(self, *, exclude_runtime: bool = False) -> dict[str, Any]:
        return summarise([entry for entry in self.files if not (exclude_runtime and is_runtime(entry["path"]))])


def summarise(files: list[dict[str, Any]]) -> dict[str, Any]:
    search = [entry for entry in files if entry["path"].startswith(SEARCH_INDEX_FOLDER)]
    return {
        "requests": len(files),
        "kb": kilobytes(sum(entry["bytes"] for entry in files)),
        "gzip_kb": kilobytes(sum(entry["gzip"] for entry in files)),
        "search_index_kb": kilobytes(sum(entry["bytes"] for entry in search)),
        "search_index_gzip_kb": kilobytes(sum(entry["gzip"] for entry in search)),
        "runtime_files": sorted({entry["path"] for entry in files if is_runtime(entry["path"])}),
    }


def kilobytes(size: float) -> float:
    return round(size / KB, 1)


def load_page(browser: Any, site: Path, base: str, path: str) -> dict[str, Any]:
    with fresh_page(browser) as page:
        loads = Loads(site, base)
        loads.watch(page)
        if path == CALCULATOR_PAGE:
            page.goto(base + path + "#" + household_fragment(), wait_until="load")
            page.wait_for_function(
                "() => document.getElementById('calculator').dataset.runtime === 'ready'", timeout=TIMEOUT_MS
            )
        else:
            page.goto(base + path, wait_until="load")
        loads.settle(page)
        figures = {"path": path, "type": page_type(path), "computed": False, **loads.summary()}
        if path == CALCULATOR_PAGE:
            figures["before_python"] = loads.summary(exclude_runtime=True)
        figures["files"] = sorted(loads.files, key=lambda entry: -entry["bytes"])
        return figures


def by_type(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """Per page type: how many pages, the heaviest one, and the median."""
    types: dict[str, Any] = {}
    for kind in ("home", "topic", "region", "source", "downloads", "other", "calculator"):
        members = [page for page in pages if page["type"] == kind]
        if not members:
            continue
        heaviest = max(members, key=lambda page: page["kb"])
        sizes = sorted(page["kb"] for page in members)
        types[kind] = {
            "pages": len(members),
            "heaviest": heaviest["path"],
            "max_kb": heaviest["kb"],
            "max_gzip_kb": heaviest["gzip_kb"],
            "median_kb": sizes[len(sizes) // 2],
            "without_search_index_max_kb": round(max(page["kb"] - page["search_index_kb"] for page in members), 1),
            "without_search_index_max_gzip_kb": round(
                max(page["gzip_kb"] - page["search_index_gzip_kb"] for page in members), 1
            ),
        }
    return types


def folder_kb(folder: Path) -> float:
    return kilobytes(sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()))


def offline_copy(site: Path, project: Path | None) -> dict[str, Any]:
    copy: dict[str, Any] = {
        "site_kb": folder_kb(site),
        "http_only_kb": {
            "vendor/pyodide": folder_kb(site / "vendor" / "pyodide"),
            "vendor/runtime": folder_kb(site / "vendor" / "runtime"),
        },
        "file_only_kb": {"vendor/offline": folder_kb(site / "vendor" / "offline")},
    }
    if project is None or not (project / "scripts" / "offline_zip.py").is_file():
        copy["zip"] = None
        return copy
    with tempfile.TemporaryDirectory(prefix="offline-zip-") as folder:
        target = Path(folder) / "offline.zip"
        command = [sys.executable, "-m", "scripts.offline_zip", "--site-dir", str(site), "--output", str(target)]
        run_measured(command, project, project_env(project))
        with zipfile.ZipFile(target) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        copy["zip"] = {"zip_kb": kilobytes(target.stat().st_size), "unpacked_kb": kilobytes(unpacked)}
    return copy


def measure(site: Path, project: Path | None, *, quick: bool = False) -> dict[str, Any]:
    pages = site_pages(site)
    loaded = pages_to_load(site, pages, quick=quick)
    http_pages: list[dict[str, Any]] = []
    file_pages: list[dict[str, Any]] = []
    with serve(site) as base, chromium() as browser:
        browser_version = browser.version
        log(f"weight: {len(loaded)} of {len(pages)} pages over http")
        for path in loaded:
            http_pages.append(load_page(browser, site, base, path))
        home = next(page for page in http_pages if page["type"] == "home")
        http_pages += [computed_page(site, path, home) for path in pages if path not in loaded]
        samples = representative_pages(http_pages)[: 1 if quick else None]
        log(f"weight: {len(samples)} pages from disk")
        for path in samples:
            file_pages.append(load_page(browser, site, site.resolve().as_uri() + "/", path))
    goal = GOALS["weight"]
    content = [page for page in http_pages if page["type"] != "calculator"]
    over = [page["path"] for page in content if page["kb"] >= goal.limit]
    over_gzip = [page["path"] for page in content if page["gzip_kb"] >= goal.limit]
    with_runtime = [page["path"] for page in content if page["runtime_files"]]
    return {
        "browser": f"Chromium {browser_version} (headless)",
        "server": "Python http.server (no compression); gzip figures computed from the same files",
        "http": {"by_type": by_type(http_pages), "pages": http_pages, "loaded_in_chromium": len(loaded)},
        "file": {"pages": file_pages},
        "offline_copy": offline_copy(site, project),
        "content_pages": len(content),
        "over_limit": over,
        "over_limit_gzip": over_gzip,
        "runtime_on_content_pages": with_runtime,
        "goal_met": {"as_served": not over and not with_runtime, "gzip": not over_gzip and not with_runtime},
    }


def representative_pages(pages: list[dict[str, Any]]) -> list[str]:
    """Home, the heaviest topic and region pages, and the calculator."""
    chosen = []
    for kind in ("home", "topic", "region", "calculator"):
        members = [page for page in pages if page["type"] == kind]
        if members:
            chosen.append(max(members, key=lambda page: page["kb"])["path"])
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True, help="a built site (python -m scripts.build --site-dir)")
    parser.add_argument("--project", type=Path, help="the project the site was built from (for the offline zip)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    result = measure(args.site, args.project)
    target = write_result("weight", result, args.output_dir)
    for kind, figures in result["http"]["by_type"].items():
        print(
            f"{kind:>10}: {figures['pages']:>3} pages, heaviest {figures['heaviest']} {figures['max_kb']} KB "
            f"(gzip {figures['max_gzip_kb']} KB; without the search index {figures['without_search_index_max_kb']} KB)"
        )
    for page in result["file"]["pages"]:
        print(f"  file:// {page['path']}: {page['kb']} KB read")
    print(f"offline copy: {result['offline_copy']}")
    print(f"over {GOALS['weight'].limit:.0f} KB: {len(result['over_limit'])} pages; written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
