"""Chromium helpers shared by the page benchmarks: the household link, the bare Pyodide page, and
in-page clocks that read performance.now() (milliseconds since navigation started)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.common import chromium_launch_options
from benchmarks.engine import HOUSEHOLD

CALCULATOR_PAGE = "calculator.html"
# Written into the built site by the benchmark only (the site never links to it).
BARE_PYODIDE_PAGE = "benchmark-bare-pyodide.html"

# loadPyodide() from the vendored package and one runPython, on a page of its own.
BARE_PYODIDE_HTML = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>Pyodide 单独启动（性能测量用）</title>
<script src="vendor/pyodide/pyodide.js"></script>
</head>
<body>
<script>
loadPyodide({ indexURL: new URL("vendor/pyodide/", location.href).href }).then(
  (pyodide) => {
    const value = pyodide.runPython("sum(range(10))");
    window.__benchBare = { done: performance.now(), value: String(value) };
  },
  (error) => {
    window.__benchBare = { error: String(error) };
  },
);
</script>
</body>
</html>
"""

# Installed before any page script runs: records when the first results table and the runtime's
# "ready" mark appear, in ms since navigation started.
CALCULATOR_CLOCK = """
window.__benchCalc = { ready: null, first: null };
new MutationObserver((_, observer) => {
  const root = document.getElementById("calculator");
  const clock = window.__benchCalc;
  if (clock.ready === null && root && root.dataset.runtime === "ready") clock.ready = performance.now();
  if (clock.first === null && document.querySelector("#calculator table.calc-summary")) {
    clock.first = performance.now();
  }
  if (clock.ready !== null && clock.first !== null) observer.disconnect();
}).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-runtime"] });
"""


def household_fragment(household: dict[str, Any] | None = None) -> str:
    """The shared-link fragment for a household, as the page writes it (lists joined by commas)."""
    values = household or HOUSEHOLD
    flat = {
        key: ",".join(value) if isinstance(value, list) else ("true" if value is True else str(value))
        for key, value in values.items()
    }
    return urlencode(flat)


def write_bare_pyodide_page(site: Path) -> str:
    (site / BARE_PYODIDE_PAGE).write_text(BARE_PYODIDE_HTML, encoding="utf-8")
    return BARE_PYODIDE_PAGE


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_options())
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def fresh_page(browser: Any) -> Iterator[Any]:
    """A page in a context of its own: an empty cache and profile, as on a first visit."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.bench_errors = errors
        yield page
    finally:
        context.close()
