"""Counts in messages: '1 row', '2 rows'. A tool people trust does not say '1 rows'."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "row")`` -> '1 row'; ``counted(3, "row")`` -> '3 rows'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
