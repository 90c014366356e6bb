"""Amounts known exactly, from below, from above or between two limits.

Every benefit amount here is non-negative, so a span is `low` (never below 0) and `high` (None when
nothing limits it from above). A figure the sources give exactly is a span of one point; a national
minimum where a province is silent is `at_least`; a figure the documents only limit is `at_most`.
Arithmetic keeps the limits honest: each operation takes the worst case of each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Span:
    low: Decimal
    high: Decimal | None

    @classmethod
    def exact(cls, value: Decimal) -> Span:
        return cls(value, value)

    @classmethod
    def at_least(cls, value: Decimal) -> Span:
        return cls(value, None)

    @classmethod
    def at_most(cls, value: Decimal) -> Span:
        return cls(ZERO, value)

    @classmethod
    def unknown(cls) -> Span:
        return cls(ZERO, None)

    @property
    def is_exact(self) -> bool:
        return self.high is not None and self.low == self.high

    @property
    def value(self) -> Decimal:
        """The exact value (only for exact spans)."""
        if self.high is None or self.low != self.high:
            raise ValueError("the span is not exact")
        return self.low

    def says_something(self, ceiling: Decimal | None = None) -> bool:
        """False for a span that rules nothing out: 0 up to unbounded (or up to `ceiling`)."""
        if self.low > ZERO:
            return True
        return self.high is not None and (ceiling is None or self.high < ceiling)

    def __add__(self, other: Span) -> Span:
        high = None if self.high is None or other.high is None else self.high + other.high
        return Span(self.low + other.low, high)

    def times(self, other: Span) -> Span:
        """Product of two non-negative spans."""
        high = None if self.high is None or other.high is None else self.high * other.high
        if self.high == ZERO or other.high == ZERO:
            high = ZERO
        return Span(self.low * other.low, high)

    def scaled(self, factor: Decimal) -> Span:
        if factor == ZERO:
            return Span(ZERO, ZERO)  # nothing times any amount, however unknown, is nothing
        return Span(self.low * factor, None if self.high is None else self.high * factor)

    def minus(self, other: Span) -> Span:
        """max(0, self − other): least when self is least and other most."""
        low = ZERO if other.high is None else max(ZERO, self.low - other.high)
        high = None if self.high is None else max(ZERO, self.high - other.low)
        return Span(low, high)

    def capped(self, cap: Span | None) -> Span:
        """min(self, cap); a cap known only from below does not lower the high end below its low."""
        if cap is None:
            return self
        low = min(self.low, cap.low)
        if cap.high is None:
            high = self.high
        elif self.high is None:
            high = cap.high
        else:
            high = min(self.high, cap.high)
        return Span(low, high)

    def within(self, ceiling: Decimal) -> Span:
        """The same span where the amount cannot exceed `ceiling` (e.g. a payment above the bill)."""
        high = ceiling if self.high is None else min(self.high, ceiling)
        return Span(min(self.low, ceiling), high)
