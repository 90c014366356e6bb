"""The goals from the benchmarks issue, in one place: the benchmarks judge against them and the
generated page prints them next to each figure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    title: str  # what is measured, as the page says it
    text: str  # the goal, as the page says it
    limit: float
    sizes: tuple[int, int] = (0, 0)  # build scaling: the two region counts compared


GOALS = {
    "first_result": Goal("首次出结果：计算器页面与单独启动 Pyodide 的用时之比", "≤ 0.8 倍", 0.8),
    "runtime_bytes": Goal("不用内存快照时，首次出结果之前下载的运行环境（gzip）", "≤ 4.5 MB", 4.5),
    "recalculation": Goal("修改一项后，所有地区的结果更新完毕（中位数）", "≤ 50 毫秒", 50.0),
    "build_scaling": Goal("3000 个地区的构建用时与 300 个地区之比", "< 10 倍", 10.0, sizes=(300, 3000)),
    "weight": Goal("计算器以外每个页面的传输量", "< 300 KB，且不含 Pyodide 文件", 300.0),
    "search": Goal("搜索：查询集中前五条结果里有应找到的页面", "≥ 95 %", 0.95),
    "search_on_open": Goal("打开一个页面时下载的搜索索引", "没有（第一次搜索时才读取所需部分）", 0.0),
    "scaled_weight": Goal(
        "加上 200 个合成地区后，首页、主题页、地区页中最重的一页（不含搜索索引，不压缩）", "≤ 500 KB", 500.0
    ),
    "national_build": Goal(
        "3000 个合成地区的完整构建（`python -m scripts.build`）", "≤ 10 分钟，峰值内存 ≤ 4 GB", 600.0, sizes=(0, 3000)
    ),
    "lighthouse": Goal("内容页面的 Lighthouse 性能、无障碍、最佳做法得分", "每项 ≥ 95", 95.0),
}
