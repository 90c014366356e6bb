"""Package the calculator: compile the policy data into it, then build a pure-Python wheel.

    python -m scripts.package_calculator [OUT_DIR]     # default: build/wheel

`pyodide build` is not needed for a pure-Python, stdlib-only package: the same wheel installs in
CPython and in Pyodide. The compiled data (git-ignored) ships inside it as a hatchling artifact.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.policy_loader import DEFAULT_DATA_DIR, DEFAULT_SEEDS_DIR, load_policy_data, write_compiled

ROOT = Path(__file__).resolve().parent.parent
PACKAGED_DATA = ROOT / "calculator" / "data" / "policy.json"
WHEEL_PATTERN = "shebao_fupin_calculator-*-py3-none-any.whl"


def compile_data(data_dir: Path = DEFAULT_DATA_DIR, seeds_dir: Path = DEFAULT_SEEDS_DIR) -> Path:
    """Validate policy_data/ and write the JSON the calculator reads. Raises PolicyDataError."""
    write_compiled(load_policy_data(data_dir, seeds_dir), PACKAGED_DATA)
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
