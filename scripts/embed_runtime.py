"""Pyodide and the calculator wheel as classic scripts, for pages opened from disk (file://).

Over file:// browsers refuse fetch() and module imports of other files, but they still run plain
<script src> files. Each file written here assigns one runtime file to a global table; the
calculator page's worker then answers Pyodide's own fetches from that table. Over http the page
loads the stock files instead and never touches these.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

EMBEDDED_SCRIPT_FOLDER = "vendor/offline"
GLOBAL_NAME = "__shebaoEmbedded"

# The runtime files the worker needs, and whether gzip pays for them (the stdlib is a zip already).
RUNTIME_FILES: dict[str, bool] = {
    "pyodide.mjs": True,
    "pyodide.asm.mjs": True,
    "pyodide.asm.wasm": True,
    "python_stdlib.zip": False,
    "pyodide-lock.json": True,
}


def embedded_script(name: str, payload: bytes, *, compress: bool) -> str:
    data = gzip.compress(payload, compresslevel=9, mtime=0) if compress else payload
    encoded = base64.b64encode(data).decode("ascii")
    entry = f'{{"gzip":{json.dumps(compress)},"base64":"{encoded}"}}'
    return f"(self.{GLOBAL_NAME} = self.{GLOBAL_NAME} || {{}})[{json.dumps(name)}] = {entry};\n"


def write_embedded_runtime(pyodide_dir: Path, wheel: Path, docs_dir: Path) -> list[Path]:
    """One script per runtime file (plus the wheel) under docs/vendor/offline/."""
    target = docs_dir / EMBEDDED_SCRIPT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob("*.js"):
        stale.unlink()
    sources = {name: (pyodide_dir / name, compress) for name, compress in RUNTIME_FILES.items()}
    sources[wheel.name] = (wheel, False)
    written = []
    for name, (path, compress) in sources.items():
        script = target / f"{name}.js"
        script.write_text(embedded_script(name, path.read_bytes(), compress=compress), encoding="ascii")
        written.append(script)
    return written
