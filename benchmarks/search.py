"""Search: what opening a page and asking a question download, and how often the answer is on top.

    python -m benchmarks.search --site SITE_DIR

Headless Chromium over http (the stdlib server, no compression). First a content page is opened
and left to settle: the search index files it asks for are counted (the goal is none). Then every
query of the query set (tests/search/queries.yaml) is typed into the header box of a freshly opened
page (a new context each time: cold cache, as a first search is), and the files under search/ that
the query made the page read are counted, as they are on disk and as a gzip-compressing host would
send them. The same run gives the hit rate: the share of queries with one of their pages among the
first five results, and the share with one of them first. Also the index as built: files, bytes,
the largest shard. Writes build/benchmarks/search.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from benchmarks.browser import chromium, fresh_page
from benchmarks.common import ROOT, gzip_size, log, median, serve, write_result

QUERY_SET = ROOT / "tests" / "search" / "queries.yaml"
# The page whose opening is checked for index downloads (a large topic page), and the light page
# each query is typed into.
OPENED_PAGE = "topics/medical.html"
QUERY_PAGE = "about.html"
TIMEOUT_MS = 30_000
KB = 1024
QUICK_QUERIES = 5
# Goals: one of a query's pages among the first five for this share of the query set, and no index
# file read when a page opens.
HIT_RATE_GOAL = 0.95


def load_queries(quick: bool) -> list[dict[str, Any]]:
    queries: list[dict[str, Any]] = yaml.safe_load(QUERY_SET.read_text(encoding="utf-8"))["queries"]
    return queries[:QUICK_QUERIES] if quick else queries


def search_files(urls: list[str], base: str) -> list[str]:
    return sorted({url.removeprefix(base).split("?")[0] for url in urls if url.startswith(base + "search/")})


def result_pages(page: Any, query: str, base: str) -> list[str]:
    page.evaluate(
        """query => {
            const input = document.querySelector(".md-search__input");
            input.focus();
            input.value = query;
            input.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        query,
    )
    page.wait_for_function(
        "query => document.querySelector('.md-search-result').dataset.query === query", arg=query, timeout=TIMEOUT_MS
    )
    links: list[str] = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    pages: list[str] = []
    for link in links:
        name = link.removeprefix(base).split("?")[0].split("#")[0]
        if name not in pages:
            pages.append(name)
    return pages


def index_figures(site: Path) -> dict[str, Any]:
    folder = site / "search"
    files = [path for path in folder.rglob("*") if path.is_file()]
    shards = [path for path in (folder / "t").glob("*.js")]
    return {
        "files": len(files),
        "kb": round(sum(path.stat().st_size for path in files) / KB, 1),
        "gzip_kb": round(sum(gzip_size(path) for path in files) / KB, 1),
        "shards": len(shards),
        "largest_shard_kb": round(max(path.stat().st_size for path in shards) / KB, 1),
        "page_files": len(list((folder / "p").glob("*.js"))),
    }


def measure(site: Path, *, quick: bool = False) -> dict[str, Any]:
    queries = load_queries(quick)
    per_query: list[dict[str, Any]] = []
    with serve(site) as base, chromium() as browser:
        with fresh_page(browser) as page:
            urls: list[str] = []
            page.on("request", lambda request: urls.append(request.url))
            page.goto(base + OPENED_PAGE, wait_until="load")
            page.wait_for_timeout(500)
            on_open = search_files(urls, base)
        log(f"search: {len(queries)} queries over http, each on a fresh page")
        for query in queries:
            with fresh_page(browser) as page:
                urls = []
                page.goto(base + QUERY_PAGE, wait_until="load")
                page.on("request", lambda request, seen=urls: seen.append(request.url))
                pages = result_pages(page, query["q"], base)
                read = search_files(urls, base)
                per_query.append(
                    {
                        "query": query["q"],
                        "kind": query["kind"],
                        "files": len(read),
                        "kb": round(sum((site / name).stat().st_size for name in read) / KB, 1),
                        "gzip_kb": round(sum(gzip_size(site / name) for name in read) / KB, 1),
                        "top5": any(name in query["pages"] for name in pages[:5]),
                        "first": bool(pages) and pages[0] in query["pages"],
                        "results": pages[:5],
                        "errors": page.bench_errors,
                    }
                )
    kbs = [entry["kb"] for entry in per_query]
    hit_rate = sum(entry["top5"] for entry in per_query) / len(per_query)
    heaviest = max(per_query, key=lambda entry: entry["kb"])
    return {
        "queries": len(per_query),
        "hit_rate_top5": round(hit_rate, 3),
        "hit_rate_first": round(sum(entry["first"] for entry in per_query) / len(per_query), 3),
        "misses": [{"query": entry["query"], "results": entry["results"]} for entry in per_query if not entry["top5"]],
        "on_page_open": {
            "page": OPENED_PAGE,
            "files": on_open,
            "kb": round(sum((site / name).stat().st_size for name in on_open) / KB, 1),
        },
        "per_query_kb": {"median": median(kbs), "max": max(kbs), "heaviest": heaviest["query"]},
        "per_query_gzip_kb": {
            "median": median([entry["gzip_kb"] for entry in per_query]),
            "max": max(entry["gzip_kb"] for entry in per_query),
        },
        "per_query_files": {
            "median": median([entry["files"] for entry in per_query]),
            "max": max(entry["files"] for entry in per_query),
        },
        "index": index_figures(site),
        "goal_met": {"hit_rate": hit_rate >= HIT_RATE_GOAL, "no_index_on_open": not on_open},
        "page_errors": sorted({error for entry in per_query for error in entry["errors"]}),
        "per_query": per_query,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.site.resolve(), quick=args.quick)
    write_result("search", result)
    print(
        f"search: {result['hit_rate_top5']:.1%} in the first five, {result['hit_rate_first']:.1%} first; "
        f"opening a page reads {len(result['on_page_open']['files'])} index files; a query reads "
        f"{result['per_query_kb']['median']} KB (median), {result['per_query_kb']['max']} KB at most"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
