"""The label set and the names a label column goes by in users' files."""

from __future__ import annotations

from collections.abc import Sequence

from txcat.text import column_key, first_column

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


def find_label_column(columns: Sequence[str], name: str | None = None) -> str | None:
    """The column ``name`` names (case, accents and punctuation ignored), else the
    first column called like a label column."""
    if name is not None:
        return first_column(columns, [column_key(name)])
    return first_column(columns, LABEL_COLUMN_ALIASES)


def label_column_candidates(columns: Sequence[str]) -> list[str]:
    """Every column called like a label column, a repeated one's copies ('label_2')
    and txcat's own answers beside an input 'label' ('txcat_label', 'txcat_label_2',
    as ``classify --format full`` names them) included: more than one makes
    :func:`find_label_column`'s choice worth saying."""
    names = set(columns)
    found = []
    for column in columns:
        base, _, number = column.rpartition("_")
        copy = number.isdigit() and base in names
        if column_key(column) in LABEL_COLUMN_ALIASES or column == "txcat_label" or (
                copy and column_key(base) in LABEL_COLUMN_ALIASES) or (
                number.isdigit() and base == "txcat_label"):
            found.append(column)
    return found


def normalise_label(value: str) -> str:
    """Labels compare case- and space-insensitively; they are stored upper-case."""
    return value.strip().upper()
