"""The calculator's Python runtime, made smaller and faster to start than the stock Pyodide files.

    python -m scripts.python_runtime [OUT_DIR]     # default: build/runtime (the site build writes docs/vendor/runtime)

Two build-time products, both made with the vendored Pyodide under Node (scripts/runtime/pyodide_runtime.mjs):

* A trimmed standard library: the golden cases (tests/cases/*.yaml), the example households and
  the page's series requests run in Pyodide with the full python_stdlib.zip; every module they
  loaded from it goes into a new zip, and nothing else.
* A memory snapshot: Python started with that trimmed zip, the calculator installed and imported
  (the policy data is not there: the worker writes the data's core and each region's shard after
  restore, and the calculator reads them on request), and the whole wasm memory saved. Restoring it
  skips Python's start-up and the calculator's imports.

Then the same requests are answered again from the snapshot and from a bare start with the trimmed
zip; any answer that differs from the full-stdlib one (a missing module turns into an error answer)
stops the build. The snapshot holds the exact build of Pyodide it was made with (Pyodide refuses
it otherwise), so it is remade on every build of the calculator, and must be whenever the Pyodide
version, the calculator's code or the trimmed zip changes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RUNNER = Path(__file__).resolve().parent / "runtime" / "pyodide_runtime.mjs"
GOLDEN_CASES = ROOT / "tests" / "cases"
# The compiled data the requests are answered with (scripts.package_calculator writes it there).
PACKAGED_DATA = ROOT / "calculator" / "data"
NODE_TIMEOUT_S = 300

STDLIB_NAME = "python_stdlib.zip"
SNAPSHOT_NAME = "snapshot.bin.gz"
LOCK_NAME = "pyodide-lock.json"
# The series the page draws, asked with a few values each (the page sends up to 40).
SERIES_VALUES = {"medical.total_cost": [0, 5000, 50000, 200000], "pension.annual_contribution": [100, 500, 2000]}


class RuntimeBuildError(RuntimeError):
    """The trimmed runtime does not answer like the full one (or could not be made)."""


@dataclass(frozen=True)
class RuntimeFiles:
    stdlib: Path
    snapshot: Path
    lock: Path
    modules: tuple[str, ...]
    snapshot_bytes: int  # uncompressed

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for path in (self.stdlib, self.snapshot, self.lock):
            digest.update(path.read_bytes())
        return digest.hexdigest()


def discovery_requests(cases_dir: Path = GOLDEN_CASES) -> list[dict[str, Any]]:
    """What the calculator is asked while its imports are recorded: every golden case, every
    example household in every region, and the page's series."""
    from calculator.presets import PRESETS

    requests: list[dict[str, Any]] = []
    for path in sorted(cases_dir.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            request = {"household": case["household"], "regions": [case["region"]]}
            requests.append({"id": f"{path.stem}:{case['id']}", "request": request})
    if not requests:
        raise RuntimeBuildError(f"no golden cases found in {cases_dir}")
    for preset in PRESETS:
        requests.append(
            {"id": f"preset:{preset.id}", "request": {"action": "calculate", "household": preset.household}}
        )
        for vary, values in SERIES_VALUES.items():
            request = {"action": "series", "household": preset.household, "vary": vary, "values": values}
            requests.append({"id": f"series:{preset.id}:{vary}", "request": request})
    requests.append({"id": "fields", "request": {"action": "fields"}})
    requests.append({"id": "regions", "request": {"action": "regions"}})
    requests.append({"id": "not-a-household", "request": {"household": {"maternity.avg_monthly_wage": "many"}}})
    return requests


def run_node(job: dict[str, Any], scratch: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise RuntimeBuildError("node is not installed (Node.js ≥ 20 is required to build the calculator runtime)")
    job_file = scratch / f"{job['command']}.json"
    job_file.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    completed = subprocess.run(
        [node, str(RUNNER), str(job_file)], capture_output=True, text=True, timeout=NODE_TIMEOUT_S, check=False
    )
    if completed.returncode != 0:
        raise RuntimeBuildError(f"Pyodide ({job['command']}) failed:\n{completed.stderr}")
    reply: dict[str, Any] = json.loads(completed.stdout)
    return reply


def trim_lock(full: Path, target: Path) -> None:
    """The lock file without its package list: the calculator loads no Pyodide packages."""
    lock = json.loads(full.read_text(encoding="utf-8"))
    target.write_text(json.dumps({"info": lock["info"], "packages": {}}, separators=(",", ":")), encoding="utf-8")


def differences(expected: dict[str, Any], actual: dict[str, Any], what: str) -> list[str]:
    problems = []
    for request_id, response in expected.items():
        if actual.get(request_id) != response:
            problems.append(f"{what}: {request_id} answers differently ({json.dumps(actual.get(request_id))[:300]})")
    return problems


def build_runtime(pyodide_dir: Path, wheel: Path, out_dir: Path, data_dir: Path = PACKAGED_DATA) -> RuntimeFiles:
    """Write the trimmed stdlib, the lock file and the compressed snapshot into out_dir. The requests
    are answered with the data in `data_dir` (core.json, regions/), written into Pyodide's files after
    the start as the worker does; the snapshot is made before, without it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    requests = discovery_requests()
    stdlib = out_dir / STDLIB_NAME
    with tempfile.TemporaryDirectory(prefix="calculator-runtime-") as folder:
        scratch = Path(folder)
        base = {"pyodide_dir": str(pyodide_dir), "wheel": str(wheel), "data_dir": str(data_dir), "requests": requests}
        full = str(pyodide_dir / STDLIB_NAME)
        found = run_node({**base, "command": "discover", "stdlib": full, "trimmed": str(stdlib)}, scratch)
        full_answers: dict[str, Any] = found["responses"]
        modules = sorted(found["modules"])
        raw_snapshot = scratch / "snapshot.bin"
        made = run_node({**base, "command": "snapshot", "stdlib": str(stdlib), "snapshot": str(raw_snapshot)}, scratch)
        problems = differences(full_answers, made["from_snapshot"], "from the snapshot")
        problems += differences(full_answers, made["trimmed"], "with the trimmed stdlib")
        if problems:
            raise RuntimeBuildError("the trimmed runtime lacks something the calculator needs:\n" + "\n".join(problems))
        snapshot = out_dir / SNAPSHOT_NAME
        snapshot.write_bytes(gzip.compress(raw_snapshot.read_bytes(), compresslevel=9, mtime=0))
    lock = out_dir / LOCK_NAME
    trim_lock(pyodide_dir / LOCK_NAME, lock)
    return RuntimeFiles(stdlib, snapshot, lock, tuple(modules), int(made["snapshot_bytes"]))


def inputs_digest(pyodide_dir: Path, wheel: Path, cases_dir: Path = GOLDEN_CASES) -> str:
    """What the runtime files depend on: the Pyodide build, the wheel's contents (not its zip
    timestamps), the golden cases and this step's own code. Not the policy data: the wheel holds
    none, and the snapshot is made without it, so adding a region does not remake the runtime."""
    digest = hashlib.sha256()
    for path in (pyodide_dir / "pyodide.mjs", pyodide_dir / STDLIB_NAME, RUNNER, Path(__file__)):
        digest.update(path.read_bytes())
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0" + hashlib.sha256(archive.read(name)).digest())
    for path in sorted(cases_dir.glob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_runtime_cached(
    pyodide_dir: Path, wheel: Path, out_dir: Path, cache_dir: Path, data_dir: Path = PACKAGED_DATA
) -> RuntimeFiles:
    """build_runtime, skipped when nothing it depends on changed since the last build (about 15 s)."""
    key = inputs_digest(pyodide_dir, wheel)
    kept = cache_dir / key
    manifest = kept / "runtime.json"
    if not manifest.is_file():
        if cache_dir.is_dir():
            shutil.rmtree(cache_dir)
        made = build_runtime(pyodide_dir, wheel, kept, data_dir)
        record = {"modules": list(made.modules), "snapshot_bytes": made.snapshot_bytes}
        manifest.write_text(json.dumps(record), encoding="utf-8")
    record = json.loads(manifest.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (STDLIB_NAME, SNAPSHOT_NAME, LOCK_NAME):
        shutil.copyfile(kept / name, out_dir / name)
    return RuntimeFiles(
        out_dir / STDLIB_NAME,
        out_dir / SNAPSHOT_NAME,
        out_dir / LOCK_NAME,
        tuple(record["modules"]),
        int(record["snapshot_bytes"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "build" / "runtime")
    parser.add_argument("--wheel", type=Path, help="the calculator wheel (default: build it)")
    args = parser.parse_args(argv)
    from scripts.package_calculator import build_wheel

    wheel = args.wheel or build_wheel(ROOT / "build" / "wheel")
    files = build_runtime(ROOT / "node_modules" / "pyodide", wheel, args.out_dir)
    for path in (files.stdlib, files.snapshot, files.lock):
        print(f"{path}  {path.stat().st_size} bytes")
    print(f"{len(files.modules)} stdlib modules; snapshot {files.snapshot_bytes} bytes before gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
