"""Labeled files in, a fitted strategy out.

A labeled file is any readable statement plus a label column (``label``,
``categoria``, ``informação`` ...); a folder stands for its ``*.csv`` files. Rows
with an empty label are not used for training, and their count is reported.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from txcat.errors import LabelError, StatementError
from txcat.labels import DEFAULT_LABELS, find_label_column, normalise_label
from txcat.reading import ColumnOverrides, open_statement
from txcat.transactions import Transaction

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

    def summary(self) -> dict[str, Any]:
        return {
            "files": [Path(s).name for s in self.sources],
            "rows": len(self.labels),
            "label_counts": dict(sorted(Counter(self.labels).items())),
            "fingerprint": self.fingerprint(),
        }


def expand_folders(paths: Sequence[str | Path]) -> list[str | Path]:
    """Each folder replaced by its ``*.csv`` files in name order (not its subfolders),
    so that ``txcat train samples/labeled`` reads what a folder of exports holds; a
    folder with none is an error rather than nothing to learn from."""
    expanded: list[str | Path] = []
    for path in paths:
        if str(path) != "-" and Path(path).is_dir():
            files = sorted(f for f in Path(path).iterdir()
                           if f.suffix.lower() == ".csv" and f.is_file())
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
    for path in expand_folders(paths):
        with open_statement(path, overrides=overrides) as statement:
            column = find_label_column(statement.columns, label_column)
            if column is None:
                wanted = repr(label_column) if label_column else "a label column"
                raise LabelError(f"{statement.name}: {wanted} not found (looked for label, "
                                 f"categoria, informação); columns are: "
                                 f"{', '.join(statement.columns)}; name it with --label-column")
            data.sources.append(statement.name)
            for tx in statement:
                value = normalise_label(tx.raw.get(column, ""))
                if not value:
                    data.unlabeled += 1
                    continue
                if value not in allowed:
                    raise LabelError(f"{statement.name}:{tx.line}: label {value!r} is not in the "
                                     f"label set ({', '.join(allowed)}); pass --labels to use "
                                     "another set")
                data.transactions.append(tx)
                data.labels.append(value)
    if data.unlabeled:
        logger.warning("%d rows had no label and were not used for training", data.unlabeled)
    return data
