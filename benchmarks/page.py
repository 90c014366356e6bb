"""The generated page docs/benchmarks.md (性能测量): every figure next to its goal, then the details,
the machine and the versions. Reads the JSON results in build/benchmarks/ (run_all writes them).

    python -m benchmarks.page [--results-dir DIR] [--output docs/benchmarks.md]

A benchmark without a result shows as 未测量; the page never invents a figure.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, ROOT, read_result
from benchmarks.goals import GOALS
from scripts.templating import markdown_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE = ROOT / "docs" / "benchmarks.md"
BENCHMARKS = (
    "machine",
    "first_result",
    "recalculation",
    "engine",
    "build_scaling",
    "weight",
    "scaled_weight",
    "search",
    "lighthouse",
)
NOT_MEASURED = "未测量"
PAGE_TYPES = {
    "home": "首页",
    "topic": "主题页",
    "region": "地区页",
    "source": "来源文件页",
    "downloads": "下载页",
    "other": "其他页面",
    "calculator": "估算待遇（计算器）",
}
CATEGORY_NAMES = {"performance": "性能", "accessibility": "无障碍", "best-practices": "最佳做法"}
STAGE_NAMES = {"validate": "校验", "compile": "编译", "render": "生成页面", "full": "完整构建（不含计算器）"}
# The whole build's stages (benchmarks/build_scaling.py BUILD_STAGES), as the page names them.
BUILD_STAGE_NAMES = {
    "data": "校验和编译数据",
    "calculator": "计算器（wheel、运行环境、离线脚本）",
    "pages": "生成页面",
    "generator": "ProperDocs 生成网站",
    "search": "搜索索引分片",
    "finishing": "内容安全策略和 Service Worker",
    "other": "其他",
}
# The built site's parts (benchmarks/build_scaling.py SITE_PARTS), as the page names them.
SITE_PART_NAMES = {
    "search": "搜索索引",
    "topic_columns": "主题对比表的各地区列（按需加载的脚本）",
    "topic_pages": "主题页",
    "region_pages": "地区页",
    "source_pages": "来源文件页",
    "downloads": "下载文件",
    "theme": "主题样式和脚本",
    "vendor": "随站提供的第三方文件",
    "other": "其他",
}
# The national-scale build's memory limit (the goal's text says 4 GB).
NATIONAL_BUILD_PEAK_MB = 4096
# Lighthouse's checks in Chinese; an unlisted one shows by its id.
AUDIT_NAMES = {
    "first-contentful-paint": "首次内容绘制",
    "largest-contentful-paint": "最大内容绘制",
    "speed-index": "速度指数",
    "total-blocking-time": "总阻塞时间",
    "interactive": "可交互时间",
    "max-potential-fid": "最长输入延迟",
    "mainthread-work-breakdown": "主线程工作量",
    "bootup-time": "脚本执行时间",
    "dom-size": "页面元素数量",
    "target-size": "触控目标太小或太近",
    "color-contrast": "颜色对比度",
    "uses-text-compression": "未压缩文本",
    "unused-css-rules": "未使用的 CSS",
    "unused-javascript": "未使用的 JavaScript",
    "unminified-css": "未精简的 CSS",
    "unminified-javascript": "未精简的 JavaScript",
    "legacy-javascript": "旧式 JavaScript",
    "uses-long-cache-ttl": "缓存时间短",
    "total-byte-weight": "下载总量大",
    "render-blocking-resources": "阻塞渲染的文件",
}
# Lighthouse's English figures, said in Chinese (anything else is left out rather than shown in English).
AUDIT_VALUES = (
    (r"^([\d.,]+)\s*(ms|s)$", r"\1 \2"),
    (r"^Potential savings of ([\d.,]+)\s*KiB$", r"可节省 \1 KiB"),
    (r"^Total size was ([\d.,]+)\s*KiB$", r"共 \1 KiB"),
    (r"^([\d,]+) resources? found$", r"\1 个文件"),
    (r"^([\d,]+) elements?$", r"\1 个元素"),
)


# --- how figures are written ---------------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return NOT_MEASURED
    if value >= 1000:
        return f"{value / 1000:.2f} 秒"
    return f"{value:.1f} 毫秒" if value < 100 else f"{value:.0f} 毫秒"


def seconds(value: float | None) -> str:
    if value is None:
        return NOT_MEASURED
    if value >= 120:
        minutes, rest = divmod(round(value), 60)
        return f"{minutes} 分 {rest} 秒"
    return f"{value:.2f} 秒" if value < 10 else f"{value:.1f} 秒"


def size(kb: float | None) -> str:
    if kb is None:
        return NOT_MEASURED
    for unit, scale in (("GB", 1024 * 1024), ("MB", 1024)):
        if kb >= scale:
            value = kb / scale
            return (
                f"{value:.2f} {unit}" if value < 10 else f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
            )
    return f"{kb:.0f} KB"


def megabytes(mb: float | None) -> str:
    return NOT_MEASURED if mb is None else size(mb * 1024)


def times(value: float | None) -> str:
    return NOT_MEASURED if value is None else f"{value:.2f} 倍"


def audit(entry: dict[str, Any]) -> str:
    """`id`（名称，数值） for one failing Lighthouse check."""
    value = (entry.get("value") or "").replace("\xa0", " ").strip()
    said = ""
    for pattern, replacement in AUDIT_VALUES:
        if re.match(pattern, value):
            said = re.sub(pattern, replacement, value)
            break
    details = "，".join(part for part in (AUDIT_NAMES.get(entry["id"], ""), said) if part)
    return f"`{entry['id']}`" + (f"（{details}）" if details else "")


# How the calculator's worker started Python (data-python-start), in the page's words.
START_NAMES = {"snapshot": "内存快照", "bare": "不用快照", "refused-snapshot": "快照被拒后普通启动"}


def short_error(text: str) -> str:
    """A browser error without the temporary folder it names."""
    return re.sub(r"file://\S*/site/", "file://…/", text)


def verdict(met: bool | None) -> str:
    if met is None:
        return NOT_MEASURED
    return "达到" if met else "**未达到**"


# --- the summary: one row per goal ---------------------------------------------------------------


def summary_rows(results: dict[str, Any]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    first = results.get("first_result")
    goal = GOALS["first_result"]
    if first:
        bare = first["http"]["bare_pyodide_ms"]["median"]
        for route, label in (("http", "http 网站"), ("file", "本机文件 file://")):
            figures = first[route]
            rows.append(
                {
                    "title": f"{goal.title}（{label}）",
                    "result": f"{times(figures['ratio'])}（{ms(figures['calculator']['first_result_ms']['median'])}"
                    f" 对 {ms(bare)}）",
                    "goal": goal.text,
                    "verdict": verdict(first["goal_met"][route]),
                }
            )
        slow = first["throttled"]
        chosen = "、".join(
            f"{START_NAMES.get(name, name)} {count} 次" for name, count in slow["calculator"]["starts"].items()
        )
        rows.append(
            {
                "title": f"慢速网络（{slow['link']}）：页面自己选择启动方式",
                "result": f"{ms(slow['calculator']['first_result_ms']['median'])}（{chosen}）；用快照"
                f" {ms(slow['with_snapshot_ms']['median'])}，不用快照 {ms(slow['without_snapshot_ms']['median'])}",
                "goal": "选用较快的一种",
                "verdict": verdict(first["goal_met"]["throttled"]),
            }
        )
        second = first["second_visit"]
        rows.append(
            {
                "title": "http 网站第二次打开：不再下载运行环境",
                "result": f"{ms(second['first_result_ms']['median'])}，"
                f"运行环境请求 {second['runtime_requests_max']} 个",
                "goal": "0 个",
                "verdict": verdict(first["goal_met"]["second_visit"]),
            }
        )
        runtime_goal = GOALS["runtime_bytes"]
        runtime_kb = first["http"]["bytes_without_snapshot"]["runtime_gzip_kb"]
        rows.append(
            {
                "title": runtime_goal.title,
                "result": f"{runtime_kb * 1024 / 1e6:.2f} MB（按 10⁶ 字节计；本页其余大小按 1024 进位）",
                "goal": runtime_goal.text,
                "verdict": verdict(first["goal_met"]["runtime_bytes"]),
            }
        )
    else:
        rows.append({"title": goal.title, "result": NOT_MEASURED, "goal": goal.text, "verdict": verdict(None)})

    recalculation = results.get("recalculation")
    goal = GOALS["recalculation"]
    rows.append(
        {
            "title": goal.title,
            "result": ms(recalculation["results_ms"]["median"]) if recalculation else NOT_MEASURED,
            "goal": goal.text,
            "verdict": verdict(recalculation["goal_met"] if recalculation else None),
        }
    )

    engine = results.get("engine")
    rows.append(
        {
            "title": "计算引擎：一户人家、全部待遇、全部地区，Pyodide 与 CPython 用时之比",
            "result": (
                f"{times(engine['ratio_pyodide_to_cpython'])}（{ms(engine['pyodide']['median_ms'])}"
                f" 对 {ms(engine['cpython']['median_ms'])}）"
                if engine
                else NOT_MEASURED
            ),
            "goal": "（只记录，不设目标）",
            "verdict": "—",
        }
    )

    scaling = results.get("build_scaling")
    goal = GOALS["build_scaling"]
    if scaling and scaling.get("ratio") is not None:
        rows.append(
            {
                "title": goal.title,
                "result": scaling_ratio_text(scaling),
                "goal": goal.text,
                "verdict": verdict(scaling["goal_met"]) + ("（推算）" if scaling["ratio_estimated"] else ""),
            }
        )
    else:
        rows.append({"title": goal.title, "result": NOT_MEASURED, "goal": goal.text, "verdict": verdict(None)})

    rows.append(national_build_row(scaling))
    rows.append(scaled_weight_row(results.get("scaled_weight")))

    weight = results.get("weight")
    goal = GOALS["weight"]
    if weight:
        content = [page for page in weight["http"]["pages"] if page["type"] != "calculator"]
        heaviest = max(content, key=lambda page: page["kb"])
        heaviest_gzip = max(content, key=lambda page: page["gzip_kb"])
        rows.append(
            {
                "title": f"{goal.title}（本地服务器，不压缩）",
                "result": f"最重 {size(heaviest['kb'])}（`{heaviest['path']}`），"
                f"{len(weight['over_limit'])}/{len(content)} 个页面超过",
                "goal": goal.text,
                "verdict": verdict(weight["goal_met"]["as_served"]),
            }
        )
        rows.append(
            {
                "title": f"{goal.title}（按 gzip 压缩计算）",
                "result": f"最重 {size(heaviest_gzip['gzip_kb'])}（`{heaviest_gzip['path']}`），"
                f"{len(weight['over_limit_gzip'])}/{len(content)} 个页面超过",
                "goal": goal.text,
                "verdict": verdict(weight["goal_met"]["gzip"]),
            }
        )
    else:
        rows.append({"title": goal.title, "result": NOT_MEASURED, "goal": goal.text, "verdict": verdict(None)})

    search = results.get("search")
    for key, figure in (
        (
            "search",
            lambda found: (
                f"{found['hit_rate_top5']:.1%}（{found['queries']} 次搜索；排在第一的 {found['hit_rate_first']:.1%}）"
            ),
        ),
        (
            "search_on_open",
            lambda found: f"{len(found['on_page_open']['files'])} 个文件，{size(found['on_page_open']['kb'])}",
        ),
    ):
        goal = GOALS[key]
        met = search["goal_met"]["hit_rate" if key == "search" else "no_index_on_open"] if search else None
        rows.append(
            {
                "title": goal.title,
                "result": figure(search) if search else NOT_MEASURED,
                "goal": goal.text,
                "verdict": verdict(met),
            }
        )
    rows.append(
        {
            "title": "每次搜索读取的索引（第一次搜索，不压缩）",
            "result": (
                f"中位数 {search['per_query_kb']['median']:.0f} KB，最多 {search['per_query_kb']['max']:.0f} KB"
                f"（gzip {search['per_query_gzip_kb']['median']:.0f} / {search['per_query_gzip_kb']['max']:.0f} KB）"
                if search
                else NOT_MEASURED
            ),
            "goal": "（只记录，不随地区增多而增长）",
            "verdict": "—",
        }
    )

    lighthouse = results.get("lighthouse")
    goal = GOALS["lighthouse"]
    if lighthouse:
        for server, label in (("plain", "不压缩"), ("gzip", "gzip 压缩")):
            scores = [
                f"`{page}` " + "/".join(str(value) for value in lighthouse[server][page]["scores"].values())
                for page in lighthouse["content_pages"]
                if page in lighthouse.get(server, {})
            ]
            if not scores:
                continue
            rows.append(
                {
                    "title": f"{goal.title}（{label}）",
                    "result": "；".join(scores),
                    "goal": goal.text,
                    "verdict": verdict(lighthouse["goal_met"].get(server)),
                }
            )
    else:
        rows.append({"title": goal.title, "result": NOT_MEASURED, "goal": goal.text, "verdict": verdict(None)})
    return rows


def largest_full_build(scaling: dict[str, Any] | None) -> dict[str, Any] | None:
    """The largest synthetic size built end to end (`python -m scripts.build`)."""
    built = [item for item in (scaling or {}).get("synthetic", []) if item.get("full")]
    return max(built, key=lambda item: item["regions"]) if built else None


def national_build_row(scaling: dict[str, Any] | None) -> dict[str, str]:
    goal = GOALS["national_build"]
    largest = largest_full_build(scaling)
    wanted = goal_regions(goal)
    if largest is None or largest["regions"] < wanted:
        note = f"（最大只完整构建了 {largest['regions']} 个地区）" if largest else ""
        return {"title": goal.title, "result": NOT_MEASURED + note, "goal": goal.text, "verdict": verdict(None)}
    full = largest["full"]
    met = full["seconds"] <= goal.limit and full["peak_rss_mb"] <= NATIONAL_BUILD_PEAK_MB
    return {
        "title": goal.title,
        "result": f"{seconds(full['seconds'])}（其中 ProperDocs {seconds(full['generator_seconds'])}），"
        f"峰值内存 {megabytes(full['peak_rss_mb'])}",
        "goal": goal.text,
        "verdict": verdict(met),
    }


def goal_regions(goal: Any) -> int:
    return int(goal.sizes[1])


def scaled_weight_row(scaled: dict[str, Any] | None) -> dict[str, str]:
    goal = GOALS["scaled_weight"]
    if not scaled:
        return {"title": goal.title, "result": NOT_MEASURED, "goal": goal.text, "verdict": verdict(None)}
    heaviest = scaled["heaviest"]
    return {
        "title": goal.title,
        "result": f"{size(heaviest['without_search_kb'])}（`{heaviest['path']}`，{scaled['regions']} 个地区；"
        f"连同搜索索引 {size(heaviest['kb'])}）",
        "goal": goal.text,
        "verdict": verdict(scaled["goal_met"]),
    }


# --- the detail sections ---------------------------------------------------------------------------


def scaling_ratio_text(scaling: dict[str, Any]) -> str:
    if scaling.get("ratio_at_least"):
        return "至少 " + times(scaling["ratio"]) + "（较大的规模在时间预算内没有运行完）"
    if scaling["ratio_estimated"]:
        return times(scaling["ratio"]) + "（至少一种规模未在时间预算内运行，由已测规模按增长指数推算）"
    return times(scaling["ratio"])


def scaling_rows(scaling: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for item in [scaling["real"], *scaling["synthetic"]]:
        full = item.get("full")
        rows.append(
            {
                "data": "真实数据" if item["data"] == "real" else "合成数据",
                "regions": str(item["regions"]),
                "documents": str(item["documents"]),
                "validate": seconds(item["seconds"]["validate"]),
                "compile": seconds(item["seconds"]["compile"]),
                "render": seconds(item["seconds"]["render"]),
                "python": seconds(item["python_seconds"]),
                "python_peak": megabytes(item["peak_rss_mb"]),
                "generator": seconds(full["generator_seconds"]) if full else "未运行",
                "full_peak": megabytes(full["peak_rss_mb"]) if full else "—",
                "site": megabytes(full["site_mb"]) if full else "—",
                "largest": f"{size(full['largest_page_kb'])}" if full else "—",
                "search_index": (
                    f"{size(full['search_index_kb'])}（最大分片 {size(full['largest_shard_kb'])}）"
                    if full and full.get("largest_shard_kb")
                    else "—"
                ),
                "total": seconds(full["seconds"]) if full else "—",
                "zip": megabytes(full["zip_mb"]) if full and "zip_mb" in full else "—",
                "zip_per_region": size(full.get("zip_kb_per_region")) if full and "zip_mb" in full else "—",
            }
        )
    return rows


def skipped_notes(scaling: dict[str, Any]) -> list[str]:
    notes = []
    for item in scaling["skipped"]:
        stage = "Python 各阶段" if item["stage"] == "python" else "完整构建"
        if "stopped_after_seconds" in item:
            notes.append(
                f"{item['regions']} 个地区的 {stage}：超出时间预算，运行 {item['stopped_after_seconds']} 秒后停止。"
            )
        else:
            notes.append(
                f"{item['regions']} 个地区的 {stage}：按已测规模推算约需 {seconds(item['predicted_seconds'])}，"
                "超出本次测量的时间预算，未运行。"
            )
    return notes


def render_page(results: dict[str, Any]) -> str:
    env = markdown_environment(TEMPLATES)
    env.filters.update(
        scaling_ratio=scaling_ratio_text,
        ms=ms,
        seconds=seconds,
        size=size,
        megabytes=megabytes,
        times=times,
        verdict=verdict,
        audit=audit,
        short_error=short_error,
    )
    scaling = results.get("build_scaling")
    stored = [results.get(name) for name in BENCHMARKS]
    measured_at = sorted(result["measured_at"] for result in stored if result and "measured_at" in result)
    return env.get_template("benchmarks.md.j2").render(
        results=results,
        goals=GOALS,
        summary=summary_rows(results),
        scaling_rows=scaling_rows(scaling) if scaling else [],
        skipped=skipped_notes(scaling) if scaling else [],
        largest_build=largest_full_build(scaling),
        site_part_names=SITE_PART_NAMES,
        measured_from=measured_at[0][:16].replace("T", " ") if measured_at else None,
        measured_to=measured_at[-1][:16].replace("T", " ") if measured_at else None,
        page_types=PAGE_TYPES,
        category_names=CATEGORY_NAMES,
        stage_names=STAGE_NAMES,
        build_stage_names=BUILD_STAGE_NAMES,
        not_measured=NOT_MEASURED,
        start_names=START_NAMES,
    )


def load_results(results_dir: Path = RESULTS_DIR) -> dict[str, Any]:
    return {name: read_result(name, results_dir) for name in BENCHMARKS}


def write_page(results_dir: Path = RESULTS_DIR, target: Path = PAGE) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_page(load_results(results_dir)), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--output", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    print(f"written to {write_page(args.results_dir, args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
