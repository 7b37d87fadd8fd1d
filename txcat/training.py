"""Labeled files in, a fitted strategy out.

A labeled file is any readable statement plus a label column (``label``,
``categoria``, ``informação`` ...); a folder stands for its ``*.csv`` files. Rows
with an empty label, or still marked ``REVISAR`` by ``classify --threshold``, carry
no label yet: they are skipped, and their count is reported.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from txcat.errors import LabelError, StatementError
from txcat.labels import (
    DEFAULT_LABELS,
    REVIEW_LABEL,
    find_label_column,
    label_column_candidates,
    normalise_label,
)
from txcat.reading import ColumnOverrides, open_statement
from txcat.transactions import Transaction
from txcat.wording import counted

logger = logging.getLogger(__name__)


@dataclass
class LabeledData:
    transactions: list[Transaction] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    unlabeled: int = 0

    def fingerprint(self) -> str:
        """A hash of what a model learned from, stored in its ``txcat.json``."""
        digest = hashlib.sha256()
        for tx, label in zip(self.transactions, self.labels, strict=True):
            digest.update(f"{tx.description}\x1f{tx.amount}\x1f{label}\x1e".encode())
        return digest.hexdigest()

    def source_names(self) -> dict[str, str]:
        """Each file's name in reports and split keys: its file name, or, where two files
        share one ('nubank/extrato.csv', 'inter/extrato.csv'), its path from the folder
        they have in common."""
        import os

        names = {s: Path(s).name for s in self.sources}
        if len(set(names.values())) == len(names):
            return names
        common = os.path.commonpath([os.path.abspath(s) for s in self.sources])
        return {s: Path(os.path.relpath(os.path.abspath(s), common)).as_posix()
                for s in self.sources}

    def file_names(self) -> list[str]:
        """The files read, in order, as reports name them (:meth:`source_names`)."""
        names = self.source_names()
        return [names[s] for s in self.sources]

    def summary(self) -> dict[str, Any]:
        return {
            "files": self.file_names(),
            "rows": len(self.labels),
            "label_counts": dict(sorted(Counter(self.labels).items())),
            "fingerprint": self.fingerprint(),
        }


def expand_folders(paths: Sequence[str | Path]) -> list[str | Path]:
    """Each folder replaced by its ``*.csv`` files in name order (not its subfolders),
    so that ``txcat train samples/labeled`` reads what a folder of exports holds; a
    folder with none is an error rather than nothing to learn from.

    Hidden files and Office lock files are not statements and are left out: macOS
    writes '._extrato.csv' beside each file on shared drives, and Excel keeps
    '~$extrato.csv' while the file is open (hidden on Windows, so an error naming it
    would name a file the user cannot see)."""
    expanded: list[str | Path] = []
    for path in paths:
        if str(path) != "-" and Path(path).is_dir():
            files = sorted(f for f in Path(path).iterdir()
                           if f.suffix.lower() == ".csv" and f.is_file()
                           and not f.name.startswith((".", "~$")))
            if not files:
                raise StatementError(str(path), "is a folder with no .csv statement files")
            expanded.extend(files)
        else:
            expanded.append(path)
    return expanded


def read_labeled(paths: Sequence[str | Path], *, label_column: str | None = None,
                 labels: Sequence[str] = DEFAULT_LABELS,
                 overrides: ColumnOverrides | None = None) -> LabeledData:
    """Read labeled statements; raise :class:`LabelError` for labels outside ``labels``."""
    data = LabeledData()
    allowed = [normalise_label(label) for label in labels]
    files = expand_folders(paths)
    if label_column:
        overrides = replace(overrides or ColumnOverrides(), label=label_column)
    for path in files:
        with open_statement(path, overrides=overrides, allow_empty=len(files) > 1) as statement:
            column = find_label_column(statement.columns, label_column)
            if column is None:
                looked = (f"label column {label_column!r} not found" if label_column else
                          "no label column found (looked for label, categoria, informação)")
                raise LabelError(f"{statement.name}: {looked}; columns are: "
                                 f"{', '.join(statement.columns)}; name it with --label-column")
            if column in statement.layout.description:
                raise LabelError(f"{statement.name}: the label column {column!r} is also read "
                                 "as the description; the model would learn the labels from "
                                 "themselves (name the description with --description-column, "
                                 "or the labels with --label-column)")
            others = [c for c in label_column_candidates(statement.columns) if c != column]
            if label_column is None and others:
                logger.warning("%s: columns %s %s look like the label column; %r is used "
                               "(name another with --label-column)", statement.name,
                               " and ".join(repr(c) for c in [column, *others]),
                               "both" if len(others) == 1 else "all", column)
            data.sources.append(statement.name)
            for tx in statement:
                value = normalise_label(tx.raw.get(column, ""))
                if not value or value == REVIEW_LABEL:
                    data.unlabeled += 1
                    continue
                if value not in allowed:
                    # A bank's own category column ('category': RESTAURANTE) may have
                    # been taken for the labels: name the column and both ways out.
                    raise LabelError(f"{statement.name}:{tx.line}: label {value!r} (column "
                                     f"{column!r}) is not in the label set "
                                     f"({', '.join(allowed)}); pass --labels to use another "
                                     "set, or --label-column NAME if your labels are in "
                                     "another column")
                data.transactions.append(tx)
                data.labels.append(value)
    if data.unlabeled:
        logger.warning("%s had no label (empty or %s) and %s skipped",
                       counted(data.unlabeled, "row"), REVIEW_LABEL,
                       "was" if data.unlabeled == 1 else "were")
    return data


def labeled_two_ways(data: LabeledData) -> tuple[int, list[tuple[str, list[str]]]]:
    """Rows that repeat an earlier row's description and amount with another label, and
    (description, its labels) for each such row: a labelling slip, as the model can
    learn neither. Other amounts may rightly differ (a friend's R$ 45 Pix, a salary)."""
    first: dict[tuple[str, float | None], str] = {}
    labels_of: dict[tuple[str, float | None], set[str]] = {}
    count = 0
    for tx, label in zip(data.transactions, data.labels, strict=True):
        key = (tx.description.strip().casefold(), tx.amount)
        if key in first and label not in labels_of[key]:
            count += 1
        first.setdefault(key, tx.description.strip())
        labels_of.setdefault(key, set()).add(label)
    return count, [(first[k], sorted(v)) for k, v in labels_of.items() if len(v) > 1]


def check_trainable(data: LabeledData, labels: Sequence[str]) -> list[str]:
    """Refuse training data no model can learn from; return the labels of ``labels``
    that never appear in it, which the model will never answer.

    One label is refused: the model would answer it for every row with confidence
    1.0, which no ``--threshold`` can catch.
    """
    if not data.labels:
        if data.unlabeled:
            every = "the only row has" if data.unlabeled == 1 else \
                f"all {data.unlabeled} rows have"
            raise LabelError(f"no labeled rows to train on: {every} no label "
                             f"(empty or {REVIEW_LABEL})")
        raise LabelError("no labeled rows to train on: the labeled file(s) hold no data rows")
    seen = set(data.labels)
    if len(seen) < 2:
        raise LabelError(f"only one label ({next(iter(seen))}) in the {len(data.labels)} "
                         "training rows; a model needs rows of at least two labels to tell "
                         "them apart")
    return [label for label in (normalise_label(x) for x in labels) if label not in seen]
