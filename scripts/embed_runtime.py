"""Pyodide, the calculator wheel and its data as classic scripts, for pages opened from disk (file://).

Over file:// browsers refuse fetch() and module imports of other files, but they still run plain
<script src> files. Each file written here assigns one runtime file to a global table; the
calculator page's worker then answers Pyodide's own fetches from that table. The files are those the
http route loads (which never touches these scripts): three from the Pyodide package, and the
trimmed stdlib, lock file and memory snapshot that scripts/python_runtime.py builds, and the core of
the policy data (calculator/data/core.json). Each region's shard of the data is a script of its own
under vendor/offline/data/ that the page adds only when the reader compares that region.
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
from pathlib import Path

from scripts.python_runtime import LOCK_NAME, SNAPSHOT_NAME, STDLIB_NAME

EMBEDDED_SCRIPT_FOLDER = "vendor/offline"
GLOBAL_NAME = "__shebaoEmbedded"

# The Pyodide package's files the worker loads as they are (gzip pays for all three).
PYODIDE_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
# What scripts/python_runtime.py builds, and how each is embedded: "gzip" (compress it), "stored"
# (a zip already), "gzipped" (already gzip: embedded as it is, marked as gzip).
BUILT_RUNTIME_FILES = {STDLIB_NAME: "stored", LOCK_NAME: "gzip", SNAPSHOT_NAME: "gzipped"}
# Every runtime file the worker gets, wheel and data aside.
RUNTIME_FILES = (*PYODIDE_RUNTIME_FILES, *BUILT_RUNTIME_FILES)
# The core of the policy data, among the files the worker gets at start (both routes).
CORE_FILE = "calculator-core.json"
# One script per region's shard: it hands the shard (a JSON object literal) to this global table.
DATA_SCRIPT_FOLDER = f"{EMBEDDED_SCRIPT_FOLDER}/data"
DATA_GLOBAL = "__shebaoCalculatorData"


def embedded_script(name: str, payload: bytes, *, compress: bool, gzipped: bool = False) -> str:
    data = gzip.compress(payload, compresslevel=9, mtime=0) if compress else payload
    encoded = base64.b64encode(data).decode("ascii")
    entry = f'{{"gzip":{json.dumps(compress or gzipped)},"base64":"{encoded}"}}'
    return f"(self.{GLOBAL_NAME} = self.{GLOBAL_NAME} || {{}})[{json.dumps(name)}] = {entry};\n"


def runtime_sources(pyodide_dir: Path, runtime_dir: Path) -> dict[str, Path]:
    """Where each runtime file the worker gets comes from (the npm package, or the runtime build)."""
    sources = {name: pyodide_dir / name for name in PYODIDE_RUNTIME_FILES}
    sources.update({name: runtime_dir / name for name in BUILT_RUNTIME_FILES})
    return sources


def region_data_script(region_id: str, shard: bytes) -> str:
    """A region's shard as a classic script (loaded by src, never inlined: no HTML parser reads it)."""
    text = shard.decode("utf-8").strip()
    return f"(self.{DATA_GLOBAL} = self.{DATA_GLOBAL} || {{}})[{json.dumps(region_id)}] = {text};\n"


def write_embedded_data(shards: dict[str, Path], docs_dir: Path) -> list[Path]:
    """One script per region's shard under docs/vendor/offline/data/ (old ones removed)."""
    target = docs_dir / DATA_SCRIPT_FOLDER
    if target.is_dir():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for region_id, path in shards.items():
        script = target / f"{region_id}.js"
        script.write_text(region_data_script(region_id, path.read_bytes()), encoding="utf-8")
        written.append(script)
    return written


def write_embedded_runtime(
    pyodide_dir: Path, runtime_dir: Path, wheel: Path, docs_dir: Path, core: Path | None = None
) -> list[Path]:
    """One script per runtime file (plus the wheel and the data's core) under docs/vendor/offline/."""
    target = docs_dir / EMBEDDED_SCRIPT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob("*.js"):
        stale.unlink()
    kinds = {name: "gzip" for name in PYODIDE_RUNTIME_FILES} | BUILT_RUNTIME_FILES
    sources = {name: (path, kinds[name]) for name, path in runtime_sources(pyodide_dir, runtime_dir).items()}
    sources[wheel.name] = (wheel, "stored")
    if core is not None:
        sources[CORE_FILE] = (core, "gzip")
    written = []
    for name, (path, kind) in sources.items():
        script = target / f"{name}.js"
        text = embedded_script(name, path.read_bytes(), compress=kind == "gzip", gzipped=kind == "gzipped")
        script.write_text(text, encoding="ascii")
        written.append(script)
    return written
