"""Does a quoted piece of source text support a stored value?

Used by the loader (bad data stops the build) and by the provenance tests. Evidence
is matched against the document with all whitespace removed, because the source
files break lines in the middle of sentences.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_SCALES = {"十": 10, "百": 100, "千": 1000}
MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
# Words that state a share without a digit.
WORD_VALUES = {"全额": Decimal(100), "全部": Decimal(100), "一半": Decimal(50), "减半": Decimal(50)}

ARABIC = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*([万亿]?)")
CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千]+")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def chinese_numeral(text: str) -> int | None:
    """Value of a simple Chinese numeral (十三, 二十, 一百二十); None if it is not one."""
    total, digit = 0, None
    for char in text:
        if char in CHINESE_DIGITS:
            if digit is not None:  # digit runs such as 一二 are not numerals
                return None
            digit = CHINESE_DIGITS[char]
        elif char in CHINESE_SCALES:
            total += (1 if digit is None else digit) * CHINESE_SCALES[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def numbers_in(evidence: str) -> set[Decimal]:
    """Every number the evidence states, with 万/亿 applied."""
    found: set[Decimal] = set()
    for digits, multiplier in ARABIC.findall(evidence):
        try:
            number = Decimal(digits.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only matches digits
            continue
        found.add(number * MULTIPLIERS[multiplier] if multiplier else number)
    for match in CHINESE.finditer(evidence):
        value = chinese_numeral(match.group())
        if value is not None:
            following = evidence[match.end() : match.end() + 1]
            found.add(Decimal(value) * MULTIPLIERS.get(following, Decimal(1)))
    for word, value in WORD_VALUES.items():
        if word in evidence:
            found.add(value)
    return found


def value_readable_from(value: object, unit: str, evidence: str) -> bool:
    """True when the evidence states the value (numbers, dates) or the unit has no figure to read."""
    if unit in {"boolean", "text"}:
        return True
    if unit == "date":
        year, month, day = (int(part) for part in str(value).split("-"))
        return {Decimal(year), Decimal(month), Decimal(day)} <= numbers_in(evidence)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return Decimal(str(value)) in numbers_in(evidence)


# The source texts are not part of the repository (the project quotes at most a few words of each):
# a data keeper keeps them beside it, in ../shared/seeds/, or anywhere $SHEBAO_SEEDS_DIR names.
SEEDS_ENV = "SHEBAO_SEEDS_DIR"
REPOSITORY = Path(__file__).resolve().parent.parent


def seeds_folder() -> Path:
    """Where the source texts are looked for: $SHEBAO_SEEDS_DIR, else ../shared/seeds beside the repository."""
    configured = os.environ.get(SEEDS_ENV)
    return Path(configured).resolve() if configured else REPOSITORY.parent / "shared" / "seeds"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as 64 lowercase hex digits (what region files record)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class SourceTexts:
    """The seed documents, read once and squeezed for matching."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._texts: dict[str, str] = {}

    @property
    def available(self) -> bool:
        return self.folder.is_dir()

    def text(self, file_name: str) -> str | None:
        if file_name not in self._texts:
            path = self.folder / file_name
            if not path.is_file():
                return None
            self._texts[file_name] = squeeze(path.read_text(encoding="utf-8"))
        return self._texts[file_name]

    def digest(self, file_name: str) -> str | None:
        """SHA-256 of the keeper's copy of a text; None when the copy is absent."""
        path = self.folder / file_name
        return sha256_of(path) if path.is_file() else None

    def contains(self, file_name: str, evidence: str) -> bool | None:
        text = self.text(file_name)
        return None if text is None else squeeze(evidence) in text


def compiled_citations(
    compiled: dict[str, Any],
) -> Iterator[tuple[str, str, str, dict[str, Any], list[tuple[Any, str]]]]:
    """(region, parameter id, where, reference, [(figure, unit)]) for every reference in the compiled data.

    A plain dated value's reference must state its value. A scale's band or a breakdown's key with
    its own reference must state its own figures there (a band its value and, above 0, its
    threshold); the figures of bands and keys without one fall to the dated value's reference.
    """
    catalog = compiled["catalog"]
    for region_id, parameters in compiled["parameters"].items():
        for parameter_id, parameter in parameters.items():
            info = catalog.get(parameter_id, {})
            unit = parameter["unit"]
            threshold_unit = (info.get("scale") or {}).get("threshold_unit", "number")
            for entry in parameter["values"]:
                where = entry["from"]
                value = entry["value"] if entry["status"] == "stated" else None
                pieces: list[tuple[str, dict[str, Any] | None, list[tuple[Any, str]]]] = []
                shared: list[tuple[Any, str]] = []
                if isinstance(value, list):
                    for index, band in enumerate(value):
                        figures = [(band["value"], unit)]
                        if band["threshold"] != 0:
                            figures.append((band["threshold"], threshold_unit))
                        pieces.append((f"{where} band {index + 1}", band.get("reference"), figures))
                elif isinstance(value, dict):
                    for key, part in value.items():
                        figures = [(part["value"], unit)] if part["status"] == "stated" else []
                        pieces.append((f"{where} [{key}]", part.get("reference"), figures))
                elif value is not None:
                    shared.append((value, unit))
                for _, reference, figures in pieces:
                    if reference is None:
                        shared.extend(figures)
                yield region_id, parameter_id, where, entry["reference"], shared
                for label, reference, figures in pieces:
                    if reference is not None:
                        yield region_id, parameter_id, label, reference, figures


def main(argv: list[str] | None = None) -> int:
    """`python -m scripts.provenance FILE...`: the source_sha256 line to write for each text."""
    import sys

    names = sys.argv[1:] if argv is None else argv
    if not names:
        print("usage: python -m scripts.provenance FILE...  (prints each file's source_sha256)", file=sys.stderr)
        return 2
    for name in names:
        print(f"source_sha256: {sha256_of(Path(name))}  # {Path(name).name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
