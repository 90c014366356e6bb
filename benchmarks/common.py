"""What every benchmark shares: a scratch copy of the project, a static server, Chromium, the machine.

The benchmarks build and serve a scratch copy of the working tree, never the checkout itself: a build
rewrites docs/ and calculator/data/, which would race with whoever is editing or testing the project.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "build" / "benchmarks"
NODE_MODULES = ROOT / "node_modules"
# Never copied into the scratch project: the generated benchmark page is written by run_all alone.
NOT_COPIED = {"docs/benchmarks.md"}
# What a typical static host compresses (text types); the stdlib server used otherwise compresses nothing.
COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map"}


def seeds_folder() -> Path:
    from scripts.provenance import seeds_folder as folder

    return folder()


def chromium_launch_options() -> dict[str, Any]:
    """The tests' Chromium (Debian's binary and the closed-network flags), headless."""
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def chromium_path() -> str:
    return str(chromium_launch_options()["executable_path"])


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the scratch project ------------------------------------------------------------------------------


def working_tree_files(root: Path = ROOT) -> list[str]:
    """Tracked and untracked files that .gitignore does not exclude, as they are on disk now."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return sorted({name for name in listed.split("\0") if name and (root / name).is_file()} - NOT_COPIED)


def make_scratch_project(parent: Path, *, seeds: Path | None = None) -> Path:
    """parent/project: a copy of the working tree with node_modules linked in; parent/shared/seeds
    links to the source documents, where the loader looks for them (beside the project)."""
    project = parent / "project"
    for name in working_tree_files():
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    (project / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    (parent / "shared").mkdir(exist_ok=True)
    (parent / "shared" / "seeds").symlink_to(seeds or seeds_folder(), target_is_directory=True)
    return project


@contextmanager
def scratch_project(keep: Path | None = None) -> Iterator[Path]:
    """A scratch project in a temporary folder (or in `keep`, left behind for inspection)."""
    if keep is not None:
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True)
        yield make_scratch_project(keep)
        return
    with tempfile.TemporaryDirectory(prefix="shebao-bench-") as folder:
        yield make_scratch_project(Path(folder))


def project_env(project: Path) -> dict[str, str]:
    """Environment for a Python child that must import the scratch copy, not the checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(project)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


# --- running a child and measuring it -------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float
    output: str


class TimedOut(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds


def run_measured(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, *, timeout: float | None = None
) -> Measured:
    """Run a command; its wall time and its peak resident memory (from wait4's rusage of that child
    and the children it waited for). Raises TimedOut after `timeout` seconds (the child is killed),
    RuntimeError with the child's output when it fails."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        timer = threading.Timer(timeout, child.kill) if timeout is not None else None
        if timer is not None:
            timer.start()
        try:
            _pid, status, usage = os.wait4(child.pid, 0)
        finally:
            if timer is not None:
                timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    if timeout is not None and seconds >= timeout and child.returncode < 0:
        raise TimedOut(seconds)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{text[-4000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return Measured(seconds, usage.ru_maxrss / 1024, text)


def build_site(project: Path, site: Path) -> Measured:
    """The whole build (`python -m scripts.build`) of the scratch project into `site`."""
    command = [sys.executable, "-m", "scripts.build", "--site-dir", str(site)]
    return run_measured(command, project, project_env(project))


# --- serving a built site ---------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    compress = False
    compressible: frozenset[str] = frozenset(COMPRESSIBLE)
    gzip_cache: dict[tuple[str, float], bytes]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if not self.compress or "gzip" not in self.headers.get("Accept-Encoding", ""):
            super().do_GET()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or path.suffix not in self.compressible:
            super().do_GET()
            return
        key = (str(path), path.stat().st_mtime)
        if key not in self.gzip_cache:
            self.gzip_cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        body = self.gzip_cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(folder: Path, *, compress: bool = False, extra_types: tuple[str, ...] = ()) -> Iterator[str]:
    """http://127.0.0.1:PORT/ for `folder`, like the tests' server; with compress=True text files (and
    files ending in one of extra_types) go out gzip-compressed, as most static hosts send them."""
    members = {"compress": compress, "gzip_cache": {}, "compressible": frozenset({*COMPRESSIBLE, *extra_types})}
    handler_class = type("Handler", (_QuietHandler,), members)
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def file_for_url(url: str, site: Path, base_url: str) -> Path | None:
    """The site file an http or file:// URL of the site points at (None for anything else)."""
    path = unquote(urlsplit(url).path)
    base = unquote(urlsplit(base_url).path)
    if not path.startswith(base):
        return None
    target = site / path[len(base) :]
    return target if target.is_file() else None


def gzip_size(path: Path) -> int:
    """Bytes a gzip-compressing host would send for this file (text types only; others as they are)."""
    data = path.read_bytes()
    if path.suffix not in COMPRESSIBLE:
        return len(data)
    return len(gzip.compress(data, compresslevel=6))


# --- figures and where they are kept ----------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def spread(values: Sequence[float], digits: int = 1) -> dict[str, Any]:
    """Median, min, max and every run, rounded."""
    return {
        "median": round(median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(value, digits) for value in values],
    }


def write_result(name: str, result: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"{name}.json"
    payload = {"benchmark": name, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), **result}
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def read_result(name: str, results_dir: Path = RESULTS_DIR) -> dict[str, Any] | None:
    path = results_dir / f"{name}.json"
    if not path.is_file():
        return None
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


# --- the machine and the versions measured ---------------------------------------------------------


def _first_line(command: Sequence[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def _npm_version(package: str) -> str:
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        return "not installed"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def _python_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    memory_gb = None
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    if meminfo.is_file():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    system = platform.platform()
    os_release = Path("/etc/os-release")
    if os_release.is_file():
        for line in os_release.read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip('"') + f" (Linux {platform.release()})"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "system": system,
        "python": platform.python_version(),
        "node": _first_line(["node", "--version"]),
        "chromium": _first_line([chromium_path(), "--version"]),
        "pyodide": _npm_version("pyodide"),
        "lighthouse": _npm_version("lighthouse"),
        "mkdocs": _python_version("mkdocs"),
        "properdocs": _python_version("properdocs"),
        "mkdocs_material": _python_version("mkdocs-material"),
        "playwright": _python_version("playwright"),
    }
