"""The benchmarks run, in a tiny mode, and the page generator writes every section with each goal beside
its figure. Speed is measured in benchmarks/ and never asserted here: these tests check that the
measurements see what they claim to see (the worker's downloads, the Python answer, the failing bare
Pyodide from disk, the synthetic regions passing validation) and that the page has its shape."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks import (
    build_scaling,
    engine,
    first_result,
    lighthouse,
    page,
    recalculation,
    scaled_weight,
    search,
    weight,
)
from benchmarks.common import machine, read_result, seeds_folder, write_result
from benchmarks.goals import GOALS
from scripts.policy_loader import CATALOG_FILE
from scripts.render_pages import NAV_LISTS_EACH_REGION_UP_TO

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_copy(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's site, copied: the first-result benchmark writes its bare Pyodide page into it."""
    target = tmp_path_factory.mktemp("bench") / "site"
    shutil.copytree(built_site, target)
    return target


@pytest.fixture(scope="module")
def results(site_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every benchmark once, as small as it goes; the results as the page generator reads them."""
    folder = tmp_path_factory.mktemp("bench-results")
    write_result("machine", {**machine(), "quick": True}, folder)
    write_result("first_result", first_result.measure(site_copy, 1), folder)
    write_result("recalculation", recalculation.measure(site_copy, 2), folder)
    write_result("weight", weight.measure(site_copy, None, quick=True), folder)
    write_result("scaled_weight", scaled_weight.measure(site_copy), folder)
    write_result("search", search.measure(site_copy, quick=True), folder)
    write_result("lighthouse", lighthouse.measure(site_copy, ["index.html"], 1, servers=("plain",)), folder)
    assert engine.main(["--runs", "2", "--output-dir", str(folder)]) == 0
    # Just past the size where the navigation stops listing each region: mkdocs --strict must accept that.
    many = NAV_LISTS_EACH_REGION_UP_TO + 1
    write_result("build_scaling", build_scaling.measure([many], full_up_to=many, repeat=1), folder)
    return {"folder": folder, **page.load_results(folder)}


def test_first_result_times_both_pages_and_bare_pyodide_fails_from_disk(results: dict[str, Any]) -> None:
    first = results["first_result"]
    for route in ("http", "file"):
        for path in ("calculator", "calculator_without_snapshot"):
            assert first[route][path]["first_result_ms"]["median"] > 0
    assert first["http"]["bare_pyodide_ms"]["median"] > 0
    # The page says the stock loader cannot start from disk; if it ever could, the comparison changes.
    assert "error" in first["file"]["bare_pyodide"]
    assert first["http"]["ratio"] == pytest.approx(
        first["http"]["calculator"]["first_result_ms"]["median"] / first["http"]["bare_pyodide_ms"]["median"], abs=0.01
    )
    # The forced paths were taken: ?python-start=bare, and from disk the snapshot.
    assert first["http"]["calculator_without_snapshot"]["starts"] == {"bare": 1}
    assert first["file"]["calculator"]["starts"] == {"snapshot": 1}
    assert first["throttled"]["with_snapshot_ms"]["median"] > 0 and first["throttled"]["bare_pyodide_ms"]["median"] > 0


def test_first_result_counts_the_runtime_bytes_and_the_second_visit(results: dict[str, Any]) -> None:
    http = results["first_result"]["http"]
    assert "vendor/runtime/snapshot.bin.gz" not in http["bytes_without_snapshot"]["runtime_files"]
    assert "vendor/runtime/python_stdlib.zip" in http["bytes_without_snapshot"]["runtime_files"]
    assert "vendor/pyodide/python_stdlib.zip" not in http["bytes"]["runtime_files"], "the stock stdlib was loaded"
    assert http["bytes_without_snapshot"]["runtime_gzip_kb"] < http["bytes_without_snapshot"]["gzip_kb"]
    assert results["first_result"]["second_visit"]["runtime_requests_max"] == 0


def test_recalculation_sees_every_change_and_splits_its_time(results: dict[str, Any]) -> None:
    recalc = results["recalculation"]
    assert len(recalc["results_ms"]["runs"]) == 2
    assert set(recalc["split_ms"]) == {"before_python", "python_in_worker", "rendering"}
    assert len(recalc["without_qr_code"]["results_ms"]["runs"]) == 2
    assert recalc["page_errors"] == []


def test_weight_counts_the_workers_downloads(results: dict[str, Any]) -> None:
    pages = {entry["path"]: entry for entry in results["weight"]["http"]["pages"]}
    calculator = pages["calculator.html"]
    # The runtime is fetched by the calculator's worker: counting it proves worker requests are seen.
    assert "vendor/pyodide/pyodide.asm.wasm" in calculator["runtime_files"]
    assert calculator["before_python"]["runtime_files"] == []
    assert calculator["kb"] > calculator["before_python"]["kb"]
    home = pages["index.html"]
    assert home["runtime_files"] == []
    assert home["search_index_kb"] == 0  # opening a page reads no search index
    assert {"home", "topic", "region", "calculator"} <= set(results["weight"]["http"]["by_type"])


def test_search_counts_what_a_page_and_each_query_read(results: dict[str, Any]) -> None:
    found = results["search"]
    assert found["on_page_open"]["files"] == []
    assert found["queries"] == search.QUICK_QUERIES
    # Every first search reads the manifest, at least one term shard and the pages it shows.
    assert all(entry["files"] >= 3 and entry["kb"] > 0 for entry in found["per_query"])
    assert 0 < found["hit_rate_top5"] <= 1
    assert found["index"]["shards"] >= 1 and found["index"]["largest_shard_kb"] > 0
    assert found["page_errors"] == []


def test_lighthouse_scores_each_category(results: dict[str, Any]) -> None:
    scores = results["lighthouse"]["plain"]["index.html"]["scores"]
    assert set(scores) == set(lighthouse.CATEGORIES)
    assert all(0 <= score <= 100 for score in scores.values())


def test_engine_compares_cpython_with_pyodide(results: dict[str, Any]) -> None:
    engine_result = results["engine"]
    assert engine_result["regions"] >= 2
    assert engine_result["cpython"]["median_ms"] > 0 and engine_result["pyodide"]["median_ms"] > 0


def test_build_scaling_builds_the_synthetic_size_end_to_end(results: dict[str, Any]) -> None:
    scaling = results["build_scaling"]
    (synthetic,) = scaling["synthetic"]
    assert synthetic["regions"] == NAV_LISTS_EACH_REGION_UP_TO + 1
    assert set(synthetic["seconds"]) == set(build_scaling.STAGES)
    full = synthetic["full"]
    assert full["html_pages"] > 0
    # The whole build's stages, from its own log: every stage named, and they account for its time.
    assert {"data", "calculator", "pages", "generator", "search", "finishing"} <= set(full["stages"])
    assert "other" not in full["stages"]
    assert sum(full["stages"].values()) <= full["seconds"]
    assert full["generator_seconds"] == full["stages"]["generator"] > 0
    # Where the bytes go, and the offline zip per region: the parts add up to the site.
    assert sum(full["parts_mb"].values()) == pytest.approx(full["site_mb"], abs=0.1 * len(full["parts_mb"]))
    assert full["parts_mb"]["topic_columns"] > 0 and full["parts_mb"]["region_pages"] > 0
    assert 0 < full["zip_mb"] < full["site_mb"]
    # zip_mb is rounded to 0.1 MB, so the two agree to that rounding only.
    per_region = (full["zip_mb"] * 1e6 / 1024 / synthetic["regions"], 0.05 * 1e6 / 1024 / synthetic["regions"])
    assert full["zip_kb_per_region"] == pytest.approx(per_region[0], abs=per_region[1] + 0.1)
    assert synthetic["total_seconds"] == full["seconds"]
    region_files = [path for path in (ROOT / "policy_data").glob("*.yaml") if path.name != CATALOG_FILE]
    assert scaling["real"]["regions"] == len(region_files)


def test_synthetic_regions_pass_validation_with_their_own_ids(tmp_path: Path) -> None:
    from scripts.policy_loader import compile_policy_data, load_policy_data

    ids = build_scaling.write_synthetic_data(ROOT / "policy_data", tmp_path, 9)
    compiled = compile_policy_data(load_policy_data(tmp_path, seeds_folder()))
    assert len(ids) == 9 and set(compiled["regions"]) == set(ids)
    names = [region["name"] for region in compiled["regions"].values()]
    assert len(set(names)) == len(names)
    # Every copy registers documents of its own, and its figures cite them rather than the original's.
    for region_id in ids[1:]:
        own = {doc_id for doc_id, doc in compiled["documents"].items() if doc["region"] == region_id}
        assert own and all(doc_id.endswith(region_id[region_id.rindex("_s") :]) for doc_id in own)
        cited = {
            value["reference"]["document"]
            for parameter in compiled["parameters"][region_id].values()
            for value in parameter["values"]
        }
        assert cited & own
        assert not {
            doc_id for doc_id in cited if compiled["documents"][doc_id]["region"] not in {region_id, "national"}
        }


def test_many_regions_leave_their_pages_out_of_the_navigation(tmp_path: Path) -> None:
    from scripts.policy_loader import compile_policy_data, load_policy_data
    from scripts.render_pages import SiteData, navigation_config

    def config_for(regions: int) -> dict[str, Any]:
        folder = tmp_path / str(regions)
        build_scaling.write_synthetic_data(ROOT / "policy_data", folder, regions)
        return navigation_config(SiteData(compile_policy_data(load_policy_data(folder, seeds_folder()))), tmp_path)

    def pages(entry: Any) -> list[str]:
        if isinstance(entry, str):
            return [entry]
        values = entry.values() if isinstance(entry, dict) else entry
        return [page for value in values for page in pages(value)]

    few = config_for(NAV_LISTS_EACH_REGION_UP_TO)
    assert "not_in_nav" not in few
    assert len([page for page in pages(few["nav"]) if page.startswith("regions/")]) == NAV_LISTS_EACH_REGION_UP_TO + 1
    many = config_for(NAV_LISTS_EACH_REGION_UP_TO + 1)
    listed = pages(many["nav"])
    assert [page for page in listed if page.startswith(("regions/", "sources/"))] == [
        "regions/index.md",
        "sources/index.md",
    ]
    assert "topics/medical.md" in listed
    assert many["not_in_nav"].split() == ["/regions/*.md", "/sources/*.md"]


def test_page_puts_each_goal_next_to_its_figure(results: dict[str, Any]) -> None:
    text = page.render_page(results)
    for number, heading in enumerate(
        ("首次出结果", "重新计算", "计算引擎", "构建规模", "页面大小", "搜索", "Lighthouse"), 1
    ):
        assert f"## {number}. " in text and heading in text
    summary = text.split("## 总览", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "---" not in line][1:]
    for goal in GOALS.values():
        matching = [row for row in rows if goal.title in row]
        assert matching, f"no summary row for {goal.title}"
        for row in matching:
            cells = [cell.strip() for cell in row.strip("|").split("|")]
            if goal is GOALS["national_build"]:
                # The quick run builds a few dozen regions, not 3,000: the row says how many it built.
                assert cells[1].startswith(page.NOT_MEASURED) and "41 个地区" in cells[1]
                continue
            assert len(cells) == 4 and cells[1] != page.NOT_MEASURED
            assert cells[2] == goal.text.replace("<", "&lt;")
            assert re.sub(r"[*（）]|推算", "", cells[3]) in {"达到", "未达到"}
    assert "快速模式" in text  # a quick run says its figures are no measurement
    assert "## 测量环境" in text and results["machine"]["chromium"] in text


def test_page_without_results_says_not_measured_everywhere() -> None:
    text = page.render_page({name: None for name in page.BENCHMARKS})
    assert text.count(page.NOT_MEASURED) >= len(GOALS) + 6
    assert "None" not in text


def test_results_round_trip_through_their_json_files(results: dict[str, Any]) -> None:
    folder = results["folder"]
    for name in page.BENCHMARKS:
        stored = read_result(name, folder)
        assert stored is not None and stored["benchmark"] == name
        assert json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["measured_at"]
