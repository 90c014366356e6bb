"""The USB copy: the built site zipped as 社保扶贫政策对比-离线版.zip, with a 使用说明.txt.

    python -m scripts.offline_zip                          # site/ → dist/社保扶贫政策对比-离线版.zip
    python -m scripts.offline_zip --site-dir DIR --output FILE.zip

Build the site first (`make offline` does both). Everything sits in one top folder, so unpacking
never scatters files. Pages opened from disk (file://) run the calculator from the embedded runtime
in vendor/offline/, so the zip leaves out what only the http route reads: the Pyodide files and the
trimmed runtime in vendor/runtime/. Source maps are left out too (only developer tools read them).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from scripts.embed_runtime import EMBEDDED_SCRIPT_FOLDER

ROOT = Path(__file__).resolve().parent.parent
ZIP_NAME = "社保扶贫政策对比-离线版.zip"
TOP_FOLDER = "社保扶贫政策对比-离线版"
GUIDE_NAME = "使用说明.txt"

# Paths (relative to the site, POSIX style) that only pages served over http read.
HTTP_ONLY_FOLDERS = ("vendor/pyodide", "vendor/runtime", "vendor/calculator-data")
# Read only over file:// (over http the runtime files are fetched instead). The search index
# (search/) is the same classic scripts on both routes.
FILE_ONLY_FOLDERS = (EMBEDDED_SCRIPT_FOLDER,)

GUIDE = """\
社保扶贫政策对比（离线版）

本离线版生成于 {built}。不需要联网，也不需要安装任何软件。

怎么打开
1. 先把压缩包全部解压（不要在压缩软件里直接双击网页，那样会缺少其余文件）。
2. 打开解压出来的“{folder}”文件夹，双击 index.html，浏览器就会打开首页。
3. 请使用较新版本的 Chrome、Edge 或 Firefox（火狐）；360、QQ 等浏览器请切换到“极速模式”。

可以做什么
- 按主题、按地区对比各地政策，每个数字都注明出自哪个文件、哪一条、从哪天起执行。
- 用页面上方的搜索框查找全站内容。
- 在“估算待遇”页面填写家庭情况，计算在本机完成，第一次打开需要等几秒；填写的内容不会发送到任何地方。
- 在“下载数据”页面可以把全部数字另存为 CSV（可用 Excel、WPS 打开）或 JSON 文件。

请注意
- 请保持文件夹里的结构不变，不要单独挪动或删除其中的文件。
- 估算页面“复制链接”得到的是本机文件的地址，只能在这台电脑上打开；要给别人用，请把整个文件夹或本压缩包拷给对方。
- 数字摘自所列政策文件，文件发布后可能已有调整；个人能否享受、享受多少，以当地社会保险经办机构的核定为准。
"""


def relative_posix(path: Path, site: Path) -> PurePosixPath:
    return PurePosixPath(path.relative_to(site).as_posix())


def is_under(path: PurePosixPath, folders: tuple[str, ...]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def site_files(site: Path) -> Iterator[Path]:
    return (path for path in sorted(site.rglob("*")) if path.is_file())


def offline_files(site: Path) -> list[Path]:
    """The files a copy opened from disk needs: the built site less the http-only ones."""
    kept = []
    for path in site_files(site):
        relative = relative_posix(path, site)
        if is_under(relative, HTTP_ONLY_FOLDERS) or path.suffix == ".map":
            continue
        kept.append(path)
    return kept


def http_files(site: Path) -> list[Path]:
    """The files the site served over http can use: the built site less what only file:// pages read."""
    kept = []
    for path in site_files(site):
        relative = relative_posix(path, site)
        if not is_under(relative, FILE_ONLY_FOLDERS):
            kept.append(path)
    return kept


def total_size(paths: Iterable[Path]) -> int:
    return sum(path.stat().st_size for path in paths)


def guide_text(built: datetime.date) -> bytes:
    """使用说明.txt in UTF-8 with a BOM and CRLF, so that old Windows Notepad shows it right too."""
    text = GUIDE.format(built=f"{built.year}年{built.month}月{built.day}日", folder=TOP_FOLDER)
    return "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")


def write_offline_zip(site: Path, output: Path, *, built: datetime.date | None = None) -> Path:
    if not (site / "index.html").is_file() or not (site / EMBEDDED_SCRIPT_FOLDER).is_dir():
        raise SystemExit(f"{site} is not a built site with the embedded runtime: run `python -m scripts.build` first.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # Python writes non-ASCII member names as UTF-8 and flags them so, as current unzip tools expect.
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(f"{TOP_FOLDER}/{GUIDE_NAME}", guide_text(built or datetime.date.today()))
        for path in offline_files(site):
            archive.write(path, f"{TOP_FOLDER}/{relative_posix(path, site)}")
    partial.replace(output)
    return output


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--output", type=Path, default=ROOT / "dist" / ZIP_NAME)
    args = parser.parse_args(argv)
    site = args.site_dir.resolve()
    output = write_offline_zip(site, args.output.resolve())
    offline, http, whole = (total_size(files) for files in (offline_files(site), http_files(site), site_files(site)))
    print(f"[offline] {output}: {megabytes(output.stat().st_size)}")
    print(f"[offline] unpacked {megabytes(offline)} ({offline / http:.2f}× the http site, {megabytes(http)})")
    print(f"[offline] the whole built folder, both routes: {megabytes(whole)} ({whole / http:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
