"""The USB copy as a zip (scripts/offline_zip.py, `make offline`): what it holds, its size against
the http site, and that its unpacked copy computes a golden case from disk in real Chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from calculator_driver import embedded_scripts, folder_uri, golden_cases_from_disk
from conftest import ROOT
from golden import CASES

from scripts.offline_zip import GUIDE_NAME, TOP_FOLDER, ZIP_NAME, http_files, total_size

MAX_SIZE_RATIO = 1.5
UNPACKED_CASE_IDS = ("fenghua_caesarean_twins_use_the_local_total",)
# UTF-8 names flag (general purpose bit 11): without it unzip tools guess a code page for 使用说明.txt.
UTF8_NAMES_FLAG = 0x800


@pytest.fixture(scope="module")
def offline_zip(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip as the make target builds it: by the script's own command line."""
    output = tmp_path_factory.mktemp("zip") / ZIP_NAME
    command = [sys.executable, "-m", "scripts.offline_zip", "--site-dir", str(built_site), "--output", str(output)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "[offline]" in completed.stdout
    return output


def members(archive: Path) -> dict[PurePosixPath, zipfile.ZipInfo]:
    with zipfile.ZipFile(archive) as opened:
        return {PurePosixPath(info.filename): info for info in opened.infolist()}


def test_the_zip_holds_the_guide_and_the_site_in_one_folder(offline_zip: Path, built_site: Path) -> None:
    inside = members(offline_zip)
    assert {path.parts[0] for path in inside} == {TOP_FOLDER}
    names = {str(path.relative_to(TOP_FOLDER)) for path in inside}
    assert {GUIDE_NAME, "index.html", "calculator.html", "search/manifest.js", "downloads/policy_data.csv"} <= names
    embedded = embedded_scripts(built_site)
    assert embedded and embedded <= names
    # Only the http route reads these.
    assert not any(name.startswith("vendor/pyodide/") for name in names)
    assert all(info.flag_bits & UTF8_NAMES_FLAG for path, info in inside.items() if not path.as_posix().isascii())


def test_the_guide_says_how_to_open_the_copy_and_reads_right_in_notepad(offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as opened:
        raw = opened.read(f"{TOP_FOLDER}/{GUIDE_NAME}")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    for words in ("解压", "index.html", "Chrome", "Firefox", "估算待遇", TOP_FOLDER):
        assert words in text


def test_the_offline_copy_is_at_most_one_and_a_half_times_the_http_site(offline_zip: Path, built_site: Path) -> None:
    http_site = total_size(http_files(built_site))
    unpacked = sum(info.file_size for info in members(offline_zip).values())
    assert unpacked <= MAX_SIZE_RATIO * http_site, f"the zip unpacked: {unpacked} bytes against {http_site}"


def test_make_offline_builds_the_site_then_the_zip() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.fail("make not found: README's commands need it.", pytrace=False)
    completed = subprocess.run(
        [make, "--dry-run", "--always-make", "offline"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    commands = completed.stdout
    assert "-m scripts.build" in commands
    assert commands.index("-m scripts.build") < commands.index("-m scripts.offline_zip")


@pytest.mark.browser
def test_the_unpacked_copy_computes_a_golden_case_from_disk(offline_zip: Path, chromium: Any, tmp_path: Path) -> None:
    with zipfile.ZipFile(offline_zip) as opened:
        opened.extractall(tmp_path)
    folder = tmp_path / TOP_FOLDER
    cases = [case for case in CASES if case.id in UNPACKED_CASE_IDS]
    assert len(cases) == len(UNPACKED_CASE_IDS), "a golden case named here no longer exists"
    with golden_cases_from_disk(chromium, folder, cases) as calc:
        assert calc.page.url.startswith(folder_uri(folder))
        assert calc.errors == []
        assert calc.requests.outside() == []
