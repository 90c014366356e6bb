"""Package the calculator: compile the policy data beside it, then build a pure-Python wheel.

    python -m scripts.package_calculator [OUT_DIR]     # default: build/wheel

`pyodide build` is not needed for a pure-Python, stdlib-only package: the same wheel installs in
CPython and in Pyodide. The wheel carries the code only. The compiled data (git-ignored) is written
into the package folder as calculator/data/core.json plus calculator/data/regions/<id>.json, one
shard per region (calculator.data.split_compiled), which CPython reads from there; the site build
serves the same files beside the wheel, so a page loads the core and the regions it compares only,
and adding a region changes neither the wheel nor the Python runtime made from it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from calculator.data import CORE_NAME, SHARD_FOLDER, split_compiled
from scripts.policy_loader import DEFAULT_DATA_DIR, DEFAULT_SEEDS_DIR, load_policy_data, write_compiled

ROOT = Path(__file__).resolve().parent.parent
PACKAGED_DATA = ROOT / "calculator" / "data"
WHEEL_PATTERN = "shebao_fupin_calculator-*-py3-none-any.whl"


def _json_bytes(payload: object) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_data_layout(compiled: dict[str, Any], folder: Path) -> dict[str, Path]:
    """The core and one shard per region into `folder` (core.json, regions/<id>.json), the only
    layout the calculator reads; stale shards of regions no longer in the data are removed.
    Returns the files by name: "core" and each region id."""
    core, shards = split_compiled(compiled)
    shard_folder = folder / SHARD_FOLDER
    if shard_folder.is_dir():
        shutil.rmtree(shard_folder)
    shard_folder.mkdir(parents=True)
    written = {"core": folder / CORE_NAME}
    written["core"].write_bytes(_json_bytes(core))
    for region_id, shard in shards.items():
        target = shard_folder / f"{region_id}.json"
        target.write_bytes(_json_bytes(shard))
        written[region_id] = target
    return written


def compile_data(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path = DEFAULT_SEEDS_DIR) -> Path:
    """Validate policy_data/ and write the data the calculator reads (its package folder
    calculator/data/). Raises PolicyDataError."""
    compiled = write_compiled(load_policy_data(data_dir, seeds_dir), ROOT / "build" / "policy_data.json")
    write_data_layout(compiled, PACKAGED_DATA)
    return PACKAGED_DATA


def build_wheel(
    out_dir: Path,
    *,
    data_dir: Path = DEFAULT_DATA_DIR,
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    compile_first: bool = True,
) -> Path:
    """Build the wheel into `out_dir` and return its path (compiling the data first unless done)."""
    if compile_first:
        compile_data(data_dir, seeds_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(WHEEL_PATTERN):
        old.unlink()
    # A private scratch folder keeps parallel builds (tests, the site build) from sharing build/.
    with tempfile.TemporaryDirectory(prefix="calculator-wheel-") as scratch:
        command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", scratch, str(ROOT)]
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"wheel build failed:\n{completed.stdout}\n{completed.stderr}")
        wheels = sorted(Path(scratch).glob(WHEEL_PATTERN))
        if len(wheels) != 1:
            raise RuntimeError(f"expected one wheel, found {[w.name for w in wheels]}")
        target = out_dir / wheels[0].name
        target.write_bytes(wheels[0].read_bytes())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "build" / "wheel")
    args = parser.parse_args(argv)
    print(build_wheel(args.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
