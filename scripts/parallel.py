"""The build's one way of using every core: forked workers that inherit the data copy-on-write.

The build is pure Python, one core's worth of work per stage; at thousands of regions, loading the
region files and rendering their pages are the parts that split cleanly (one file, one page at a
time). Below `PARALLEL_FROM` items everything stays in this process: forking costs more than it
saves, and the tests of the real data run exactly the code they always ran.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Result = TypeVar("Result")

PARALLEL_FROM = 400
MAX_WORKERS = 8

# What the forked workers inherit: set just before a pool starts, cleared after.
_shared: dict[str, Any] = {}


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def workers_for(items: int) -> int:
    """How many processes to spread `items` independent pieces of work over."""
    if items < PARALLEL_FROM or not hasattr(os, "fork"):
        return 1
    return max(1, min(cores(), MAX_WORKERS))


def _run_share(share: int, shares: int) -> list[Any]:
    work: Callable[[Any], Any] = _shared["work"]
    return [work(item) for item in _shared["items"][share::shares]]


def fork_map(work: Callable[[Any], Result], items: Sequence[Any], workers: int | None = None) -> list[Result]:
    """[work(item) for item in items], in this process or split over forked workers (each takes every
    n-th item, so slow and quick items mix); results come back pickled, in the items' order. `work`
    may be a closure: the workers inherit it rather than receive it."""
    workers = workers_for(len(items)) if workers is None else workers
    if workers <= 1:
        return [work(item) for item in items]
    _shared.update(work=work, items=items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            shares = pool.starmap(_run_share, [(share, workers) for share in range(workers)])
    finally:
        _shared.clear()
    results: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for share, share_results in enumerate(shares):
        results[share::workers] = share_results
    return results
