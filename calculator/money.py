"""Exact amounts: Decimal throughout, rounded once — to the fen — where a result leaves the engine."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def to_decimal(value: bool | int | float | str | Decimal) -> Decimal:
    """A stored or typed number as an exact Decimal (floats via their shortest repr, so 0.6 stays 0.6)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def share(percent: Decimal) -> Decimal:
    """60 (percent) → 0.6."""
    return percent / HUNDRED


def round_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: integers stay integers, the rest keep at most two decimals."""
    rounded = round_fen(value)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def json_plain(value: Decimal) -> int | float:
    """A non-money number (days, ratios, months) as JSON, without rounding away its precision."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
