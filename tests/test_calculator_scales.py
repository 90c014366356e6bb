"""The one function that evaluates a scale (calculator/scales.py): any number of bands, two methods."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from calculator.scales import scale_parts


@dataclass(frozen=True)
class Band:
    threshold: int
    name: str


THREE = [Band(0, "a"), Band(10_000, "b"), Band(30_000, "c")]


def covered(bands: list[Band], base: int, method: str) -> list[tuple[str, Decimal]]:
    return [(band.name, amount) for band, amount in scale_parts(bands, Decimal(base), method)]


def test_marginal_gives_each_band_its_part_of_the_base() -> None:
    assert covered(THREE, 47_000, "marginal") == [("a", 10_000), ("b", 20_000), ("c", 17_000)]
    assert covered(THREE, 5_000, "marginal") == [("a", 5_000)]
    assert covered(THREE, 10_000, "marginal") == [("a", 10_000)]
    assert covered(THREE, 0, "marginal") == []


def test_band_gives_the_one_band_the_base_falls_in() -> None:
    years = [Band(1, "short"), Band(5, "middle"), Band(10, "long")]
    assert covered(years, 0, "band") == []  # below the first threshold: no band
    assert covered(years, 1, "band") == [("short", 1)]
    assert covered(years, 4, "band") == [("short", 4)]
    assert covered(years, 5, "band") == [("middle", 5)]  # a threshold belongs to the band it starts
    assert covered(years, 30, "band") == [("long", 30)]


def test_an_unknown_method_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="unknown scale method"):
        scale_parts(THREE, Decimal(1), "progressive")
