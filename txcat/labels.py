"""The label set and the names a label column goes by in users' files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from txcat.errors import LabelError
from txcat.text import column_key

DEFAULT_LABELS: tuple[str, ...] = ("LAZER", "NECESSIDADE", "TRABALHO")

#: What a row gets when its confidence is under ``--threshold``.
REVIEW_LABEL = "REVISAR"

#: Header names (as :func:`txcat.text.column_key` normalises them) taken as the label column.
LABEL_COLUMN_ALIASES: tuple[str, ...] = (
    "label",
    "labels",
    "categoria",
    "category",
    "informacao",
    "classe",
    "class",
    "rotulo",
)


def find_label_column(columns: Sequence[str]) -> str | None:
    """Return the first column whose name is a known label-column alias."""
    by_key = {column_key(c): c for c in columns}
    for alias in LABEL_COLUMN_ALIASES:
        if alias in by_key:
            return by_key[alias]
    return None


def normalise_label(value: str) -> str:
    """Labels compare case- and space-insensitively; they are stored upper-case."""
    return value.strip().upper()


def check_labels(values: Iterable[str], allowed: Sequence[str], source: str) -> None:
    """Raise when a labeled file holds a label outside ``allowed``."""
    unknown = sorted({v for v in values if v not in allowed})
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5])
        raise LabelError(
            f"{source}: labels {shown} are not in the label set ({', '.join(allowed)})"
        )
