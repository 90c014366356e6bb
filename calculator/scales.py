"""Scales read generically: the one function that evaluates the bands of a parameter of kind scale.

A scale is dated bands (threshold → value), as OpenFisca's brackets are. How the bands apply is the
catalog's `scale.method`, never a band count in Python:

- *marginal*: each band's part of the base is paid at that band's value (大病保险: 60 % of the
  first 50,000 above the threshold, 70 % of the rest);
- *band*: the value of the one band the base falls in (the longest unemployment benefit period by
  insured years). A base below the first threshold falls in no band.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol, TypeVar


class Banded(Protocol):
    @property
    def threshold(self) -> int | float | Decimal: ...


B = TypeVar("B", bound=Banded)


def _number(value: int | float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def scale_parts(bands: Sequence[B], base: Decimal, method: str) -> list[tuple[B, Decimal]]:
    """The bands that apply to `base`, each with the amount of the base it covers.

    marginal: every band the base reaches, with the part of the base between its threshold and the
    next one; band: the last band whose threshold the base reaches, with the whole base.
    """
    if method == "band":
        reached = [band for band in bands if base >= _number(band.threshold)]
        return [(reached[-1], base)] if reached else []
    if method != "marginal":
        raise ValueError(f"unknown scale method {method!r}")
    parts = []
    for index, band in enumerate(bands):
        lower = _number(band.threshold)
        upper = _number(bands[index + 1].threshold) if index + 1 < len(bands) else None
        covered = (base if upper is None else min(base, upper)) - lower
        if covered > 0:
            parts.append((band, covered))
    return parts
