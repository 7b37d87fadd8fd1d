"""Counts in messages: '1 row', '2 rows'. A tool people trust does not say '1 rows'."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "row")`` -> '1 row'; ``counted(3, "row")`` -> '3 rows'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def listed(items: list[str], most: int = 5, separator: str = ", ") -> str:
    """The first ``most`` of ``items`` joined, and how many more: 'a, b and 3 more'."""
    more = len(items) - most
    return separator.join(items[:most]) + (f" and {more} more" if more > 0 else "")
