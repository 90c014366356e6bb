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
    "first_result": Goal("首次出结果：计算器页面与单独启动 Pyodide 的用时之比", "≤ 1.3 倍", 1.3),
    "recalculation": Goal("修改一项后，所有地区的结果更新完毕（中位数）", "≤ 50 毫秒", 50.0),
    "build_scaling": Goal("3000 个地区的构建用时与 300 个地区之比", "< 10 倍", 10.0, sizes=(300, 3000)),
    "weight": Goal("计算器以外每个页面的传输量", "< 300 KB，且不含 Pyodide 文件", 300.0),
    "search": Goal("搜索：查询集中前五条结果里有应找到的页面", "≥ 95 %", 0.95),
    "search_on_open": Goal("打开一个页面时下载的搜索索引", "没有（第一次搜索时才读取所需部分）", 0.0),
    "lighthouse": Goal("内容页面的 Lighthouse 性能、无障碍、最佳做法得分", "每项 ≥ 95", 95.0),
}
