"""The calculator's trimmed Python runtime (scripts/python_runtime.py): the stdlib zip holds only
what the golden cases import, the memory snapshot starts Python in the browser, a refused snapshot
falls back to an ordinary start, and over http a second visit needs no download and works offline.

The golden cases themselves run from the snapshot in tests/test_offline_site.py (Chromium, file://),
tests/test_offline_firefox.py (Firefox, file://) and tests/test_calculator_page.py (http).
"""

from __future__ import annotations

import gzip
import http.server
import shutil
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from calculator_driver import START_TIMEOUT_MS, CalculatorPage, folder_uri, shared_fragment
from conftest import RequestLog, serving
from golden import CASES

from scripts.embed_runtime import EMBEDDED_SCRIPT_FOLDER, embedded_script
from scripts.python_runtime import SNAPSHOT_NAME, STDLIB_NAME, RuntimeBuildError, build_runtime

ROOT = Path(__file__).resolve().parent.parent
STOCK_STDLIB = ROOT / "node_modules" / "pyodide" / STDLIB_NAME
CASE = next(case for case in CASES if case.id == "national_caesarean_adds_fifteen_days")
# Pyodide's snapshot header: magic, offsets, then the build id in bytes 16–47.
BUILD_ID_BYTES = slice(16, 48)


def runtime_file(site: Path, name: str) -> Path:
    return site / "vendor" / "runtime" / name


def wrong_build_id(snapshot_gz: bytes) -> bytes:
    raw = bytearray(gzip.decompress(snapshot_gz))
    raw[BUILD_ID_BYTES] = b"0" * (BUILD_ID_BYTES.stop - BUILD_ID_BYTES.start)
    return gzip.compress(bytes(raw), compresslevel=1)


def corrupt(snapshot_gz: bytes) -> bytes:
    middle = len(snapshot_gz) // 2
    return (
        snapshot_gz[:middle]
        + bytes(b ^ 0xFF for b in snapshot_gz[middle : middle + 4096])
        + snapshot_gz[middle + 4096 :]
    )


# --- the build -------------------------------------------------------------------------------------


def test_the_trimmed_stdlib_holds_what_the_calculator_imports_and_little_else(built_site: Path) -> None:
    with zipfile.ZipFile(runtime_file(built_site, STDLIB_NAME)) as trimmed, zipfile.ZipFile(STOCK_STDLIB) as stock:
        names = set(trimmed.namelist())
        assert names < set(stock.namelist())
        assert {
            "json/__init__.py",
            "decimal.py",
            "datetime.py",
            "dataclasses.py",
            "importlib/resources/__init__.py",
        } <= names
        assert not names & {"sqlite3/__init__.py", "unittest/__init__.py", "xml/__init__.py", "tomllib/__init__.py"}
        source = trimmed.read("dataclasses.py").decode("utf-8")
    assert "#" not in source.splitlines()[0], "comments were kept"
    assert runtime_file(built_site, STDLIB_NAME).stat().st_size < STOCK_STDLIB.stat().st_size / 3


def test_the_snapshot_is_made_for_the_vendored_pyodide_build(built_site: Path) -> None:
    raw = gzip.decompress(runtime_file(built_site, SNAPSHOT_NAME).read_bytes())
    words = struct.unpack("<8I", raw[BUILD_ID_BYTES])  # the id's hex digits as eight 32-bit words
    build_id = "".join(f"{word:08x}" for word in words)
    loader = (built_site / "vendor" / "pyodide" / "pyodide.mjs").read_text(encoding="utf-8")
    assert f'BUILD_ID:"{build_id}"' in loader


@pytest.mark.pyodide
def test_the_build_stops_when_the_trimmed_stdlib_lacks_a_module_the_calculator_needs(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module missing from the trimmed zip (here: decimal) must stop the build, not ship."""
    import scripts.python_runtime as python_runtime

    real_run_node = python_runtime.run_node

    def lose_decimal(job: dict[str, Any], scratch: Path) -> dict[str, Any]:
        reply = real_run_node(job, scratch)
        if job["command"] == "discover":
            trimmed = Path(job["trimmed"])
            with zipfile.ZipFile(trimmed) as source:
                kept = {info.filename: source.read(info) for info in source.infolist()}
            with zipfile.ZipFile(trimmed, "w") as target:
                for name, data in kept.items():
                    if name != "decimal.py":
                        target.writestr(name, data)
        return reply

    monkeypatch.setattr(python_runtime, "run_node", lose_decimal)
    wheel = next((built_site / "vendor" / "calculator").glob("*.whl"))
    with pytest.raises(RuntimeBuildError):
        build_runtime(built_site / "vendor" / "pyodide", wheel, tmp_path / "runtime")


# --- the browser -------------------------------------------------------------------------------------


@pytest.fixture
def fresh_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def open_with_console(context: Any, base: str, query: str = "") -> tuple[CalculatorPage, list[str]]:
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    calc = CalculatorPage(page, RequestLog(base))
    page.on("request", calc.requests.record)
    page.on("pageerror", lambda error: calc.errors.append(f"pageerror: {error}"))
    page.goto(base + "calculator.html" + query + shared_fragment(CASE.household))
    calc.config = page.evaluate("JSON.parse(document.getElementById('calculator-config').textContent)")
    page.wait_for_selector("#calculator[data-runtime]", timeout=START_TIMEOUT_MS)
    return calc, console


def shows_the_case(calc: CalculatorPage) -> bool:
    calc.wait_for_result(calc.expected_link(CASE.household))
    return "产假 113 天" in calc.cell(CASE.region, CASE.benefit)


@pytest.mark.browser
@pytest.mark.parametrize("damage", [wrong_build_id, corrupt], ids=["wrong-build-id", "corrupt-bytes"])
def test_a_refused_snapshot_falls_back_to_an_ordinary_start_over_http(
    fresh_context: Any, site_url: str, built_site: Path, damage: Any
) -> None:
    bad = damage(runtime_file(built_site, SNAPSHOT_NAME).read_bytes())
    fresh_context.route(f"**/{SNAPSHOT_NAME}?*", lambda route: route.fulfill(status=200, body=bad))
    calc, console = open_with_console(fresh_context, site_url, "?python-start=snapshot")
    assert calc.page.get_attribute("#calculator", "data-runtime") == "ready"
    assert calc.page.get_attribute("#calculator", "data-python-start") == "refused-snapshot"
    assert any("snapshot was refused" in line for line in console), console
    assert shows_the_case(calc)
    assert calc.errors == []


@pytest.mark.browser
def test_a_refused_snapshot_falls_back_to_an_ordinary_start_from_disk(
    fresh_context: Any, built_site: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy, ignore=shutil.ignore_patterns("pyodide", "runtime"))
    bad = wrong_build_id(runtime_file(built_site, SNAPSHOT_NAME).read_bytes())
    script = copy / EMBEDDED_SCRIPT_FOLDER / f"{SNAPSHOT_NAME}.js"
    # Already gzip: embedded as it is (the worker inflates it), exactly as the build does.
    script.write_text(embedded_script(SNAPSHOT_NAME, bad, compress=False, gzipped=True), encoding="ascii")
    calc, console = open_with_console(fresh_context, folder_uri(copy))
    assert calc.page.get_attribute("#calculator", "data-python-start") == "refused-snapshot"
    assert any("snapshot was refused" in line for line in console), console
    assert shows_the_case(calc)
    assert calc.errors == []


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    served: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.served.append(self.path)
        super().do_GET()


@pytest.fixture
def counting_server(built_site: Path) -> Iterator[tuple[str, list[str]]]:
    """The built site over http on its own port (so its origin has its own caches), with every path served."""
    served: list[str] = []
    with serving(built_site, type("Handler", (_CountingHandler,), {"served": served})) as url:
        yield url, served


@pytest.mark.browser
def test_a_second_visit_needs_no_runtime_download_and_works_offline(
    fresh_context: Any, counting_server: tuple[str, list[str]]
) -> None:
    base, served = counting_server
    first, _ = open_with_console(fresh_context, base)
    assert shows_the_case(first)
    assert any(path.startswith("/vendor/pyodide/pyodide.asm.wasm") for path in served)
    first.page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    first.page.close()

    served.clear()
    second, _ = open_with_console(fresh_context, base)
    assert shows_the_case(second)
    assert not [
        path for path in served if path.startswith(("/vendor/pyodide/", "/vendor/runtime/", "/vendor/calculator/"))
    ]
    assert second.page.evaluate("navigator.serviceWorker.controller !== null")
    second.page.close()

    fresh_context.set_offline(True)
    served.clear()
    offline, _ = open_with_console(fresh_context, base)
    assert offline.page.get_attribute("#calculator", "data-runtime") == "ready"
    assert shows_the_case(offline)
    # Only the browser's own update check of the service worker gets past the emulated offline state.
    assert [path for path in served if path != "/service-worker.js"] == []


@pytest.mark.browser
def test_on_a_slow_link_python_starts_without_the_snapshot(
    fresh_context: Any, counting_server: tuple[str, list[str]]
) -> None:
    """2 Mbit/s and 40 ms (Chromium's network emulation, which also slows the worker's fetches): the
    snapshot's extra megabytes would take longer than the most it can save (five times the desktop
    figure), so the worker decides, from the first bytes, to start without it. The test stops at
    that decision rather than wait for the whole download."""
    base, served = counting_server
    page = fresh_context.new_page()
    cdp = fresh_context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = 2e6 / 8
    conditions = {"offline": False, "latency": 40, "downloadThroughput": rate, "uploadThroughput": rate}
    cdp.send("Network.emulateNetworkConditions", conditions)
    with page.expect_console_message(lambda message: "KB/s measured" in message.text, timeout=START_TIMEOUT_MS) as said:
        page.goto(base + "calculator.html" + shared_fragment(CASE.household))
    assert "starting Python without the snapshot" in said.value.text, said.value.text
    assert not [path for path in served if SNAPSHOT_NAME in path]
