"""Page weight with many regions: what a content page loads once the data holds hundreds of regions.

    python -m benchmarks.scaled_weight [--regions 205] [--site SITE_DIR]

Builds the pages (no calculator) of N synthetic regions in a scratch copy of the project (the scaling
benchmark's generator: national plus copies of the real regions under new ids), or takes a site already
built that way, then loads in headless Chromium over http, a fresh context each (cold cache): the home
page, every topic page, the heaviest region page (by HTML size), and the heaviest topic page with the
most regions the picker allows chosen in its address (their column scripts load too). Every response is
counted until the network is quiet. The search index (and the worker that builds it), which another
change takes off page open, is shown apart: the goal counts the page without it (with the sharded
search, pages read none of it on open).
Goal: each of the home, a topic and a region page ≤ 500 KB uncompressed, without the search index.
Writes build/benchmarks/scaled_weight.json.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.browser import chromium
from benchmarks.build_scaling import write_synthetic_data
from benchmarks.common import RESULTS_DIR, ROOT, log, make_scratch_project, project_env, serve, write_result
from benchmarks.goals import GOALS
from benchmarks.weight import SEARCH_INDEX_FOLDER, kilobytes, load_page
from calculator.vocabulary import TOPICS
from scripts.render_pages import GROUP_PAGE_PREFIX, MAX_CHOSEN_REGIONS

DEFAULT_REGIONS = 205  # the real data's five, and two hundred more
# The search index (benchmarks/weight.py's folder; read only when someone searches) and the theme's
# search worker where a build still has it: measured, shown apart, not counted against the goal.
SEARCH_WORKER = "assets/javascripts/workers/search."


def build_synthetic_site(parent: Path, regions: int) -> Path:
    project = make_scratch_project(parent)
    shutil.rmtree(project / "policy_data")
    write_synthetic_data(ROOT / "policy_data", project / "policy_data", regions)
    site = parent / "site"
    log(f"scaled weight: building the pages of {regions} regions")
    subprocess.run(
        [sys.executable, "-m", "scripts.build", "--pages-only", "--site-dir", str(site)],
        cwd=project,
        env=project_env(project),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return site


def is_search(path: str) -> bool:
    return path.startswith((SEARCH_INDEX_FOLDER, SEARCH_WORKER))


def figures(page: dict[str, Any], kind: str) -> dict[str, Any]:
    files = page["files"]
    search = [entry for entry in files if is_search(entry["path"])]
    columns = [entry for entry in files if entry["path"].startswith("topics/columns/")]
    html = next((entry["bytes"] for entry in files if entry["path"] == page["path"].split("?")[0]), 0)
    without = [entry for entry in files if not is_search(entry["path"])]
    return {
        "path": page["path"],
        "type": kind,
        "requests": len(files),
        "kb": page["kb"],
        "html_kb": kilobytes(html),
        "columns_kb": kilobytes(sum(entry["bytes"] for entry in columns)),
        "search_kb": kilobytes(sum(entry["bytes"] for entry in search)),
        "without_search_kb": kilobytes(sum(entry["bytes"] for entry in without)),
        "without_search_gzip_kb": kilobytes(sum(entry["gzip"] for entry in without)),
    }


def measure(site: Path, browser: Any = None) -> dict[str, Any]:
    """Load the pages (in `browser` when given: a caller's own running Chromium)."""
    if browser is None:
        with chromium() as own:
            return measure(site, own)
    regions = sorted(
        path.stem
        for path in (site / "regions").glob("*.html")
        if path.stem != "index" and not path.stem.startswith(GROUP_PAGE_PREFIX)
    )
    heaviest_region = max(regions, key=lambda rid: (site / "regions" / f"{rid}.html").stat().st_size)
    topics = sorted(TOPICS, key=lambda topic: -(site / "topics" / f"{topic}.html").stat().st_size)
    chosen = ",".join(["national", *[rid for rid in regions if rid != "national"][: MAX_CHOSEN_REGIONS - 1]])
    pages = [
        ("home", "index.html"),
        *[("topic", f"topics/{topic}.html") for topic in topics],
        ("region", f"regions/{heaviest_region}.html"),
        ("topic_chosen", f"topics/{topics[0]}.html?regions={chosen}"),
    ]
    results = []
    with serve(site) as base:
        for kind, path in pages:
            log(f"scaled weight: {path}")
            page = load_page(browser, site, base, path)
            results.append(figures(page, kind))
    limit = GOALS["scaled_weight"].limit
    judged = [page for page in results if page["type"] in {"home", "topic", "region"}]
    heaviest = max(judged, key=lambda page: page["without_search_kb"])
    return {
        "regions": len(regions),
        "pages": results,
        "heaviest": heaviest,
        "site_mb": round(sum(path.stat().st_size for path in site.rglob("*") if path.is_file()) / 1e6, 1),
        "goal_met": heaviest["without_search_kb"] <= limit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=int, default=DEFAULT_REGIONS)
    parser.add_argument("--site", type=Path, help="a site already built from synthetic regions")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.site:
        result = measure(args.site)
    else:
        with tempfile.TemporaryDirectory(prefix="shebao-weight-") as folder:
            result = measure(build_synthetic_site(Path(folder), args.regions))
    target = write_result("scaled_weight", result, args.output_dir)
    for page in result["pages"]:
        print(
            f"{page['path'][:60]:<60} {page['kb']:>8} KB; without search {page['without_search_kb']:>6} KB "
            f"(gzip {page['without_search_gzip_kb']} KB; HTML {page['html_kb']} KB, columns {page['columns_kb']} KB, "
            f"search {page['search_kb']} KB)"
        )
    heaviest = result["heaviest"]
    print(
        f"{result['regions']} regions: heaviest {heaviest['path']} {heaviest['without_search_kb']} KB without search;"
        f" goal met: {result['goal_met']}; written to {target}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
