"""One train/test split, shared by every strategy and saved with the report.

``merchant`` (the default) keeps every test counterpart out of training, as a
user's new merchants would be; ``time`` trains on older rows and tests on newer
ones, as next month's statement would; ``random`` is stratified by label where the
sizes allow. The split is stored as row keys (``file#row``), so a re-run with the
same seed is identical and a strategy added later is scored on exactly the same rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from txcat.errors import TxcatError
from txcat.training import LabeledData
from txcat.transactions import Transaction
from txcat.wording import counted

logger = logging.getLogger(__name__)

METHODS = ("merchant", "random", "time")


@dataclass
class Split:
    """Indices into one :class:`LabeledData` (train) and the test rows."""

    method: str
    seed: int
    test_size: float
    train: list[int]
    test: list[int]
    #: When ``--test`` gave a separate file, test indices point into this data instead.
    test_data: LabeledData | None = field(default=None, repr=False)

    def describe(self, data: LabeledData) -> dict[str, Any]:
        test = self.test_data or data
        train_names, test_names = data.source_names(), test.source_names()
        return {
            "method": self.method,
            "seed": self.seed,
            "test_size": self.test_size,
            "train_rows": len(self.train),
            "test_rows": len(self.test),
            "train_keys": [row_key(data.transactions[i], train_names) for i in self.train],
            "test_keys": [row_key(test.transactions[i], test_names) for i in self.test],
        }


def row_key(tx: Transaction, names: dict[str, str] | None = None) -> str:
    """'file#row'; ``names`` tells apart files that share a name
    (:meth:`~txcat.training.LabeledData.source_names`)."""
    name = (names or {}).get(tx.source) if tx.source else None
    return f"{name or Path(tx.source).name}#{tx.row}"


def make_split(data: LabeledData, method: str = "merchant", *, test_size: float = 0.2,
               seed: int = 0, test_data: LabeledData | None = None) -> Split:
    """Split ``data``; with ``test_data`` every row of ``data`` trains and ``test_data`` tests."""
    if test_data is not None:
        return Split("file", seed, 0.0, list(range(len(data.labels))),
                     list(range(len(test_data.labels))), test_data)
    if len(set(data.labels)) == 1:  # no split can help: say so before any other message
        raise TxcatError(f"every one of the {counted(len(data.labels), 'labeled row')} is "
                         f"{data.labels[0]}; a benchmark needs rows of at least two labels")
    if method not in METHODS:
        raise TxcatError(f"unknown split {method!r}; choose from {', '.join(METHODS)}")
    if not 0.0 < test_size < 1.0:
        raise TxcatError(f"--test-size must be between 0 and 1, not {test_size}")
    n = len(data.labels)
    if n < 4:
        raise TxcatError(f"{n} labeled rows are too few to split into train and test")
    if method == "merchant":
        train, test = _by_merchant(data.transactions, test_size, seed)
    elif method == "time":
        train, test = _by_time(data.transactions, test_size)
    else:
        train, test = _random(data.labels, test_size, seed)
    if not train or not test:
        raise TxcatError(f"the {method} split left an empty side; try another --test-size "
                         "or --split")
    trained = Counter(data.labels[i] for i in train)
    if len(trained) < 2:  # as 'txcat train' refuses: every score would mean nothing
        raise TxcatError(f"the {method} split's training side holds one label "
                         f"({next(iter(trained))}), in {counted(len(train), 'row')}; a model "
                         "needs rows of at least two labels: give more rows, or try another "
                         "--split or --test-size")
    return Split(method, seed, test_size, sorted(train), sorted(test))


def _by_merchant(transactions: Sequence[Transaction], test_size: float,
                 seed: int) -> tuple[list[int], list[int]]:
    from sklearn.model_selection import GroupShuffleSplit

    from txcat.counterpart import counterpart

    groups = [counterpart(t.description) for t in transactions]
    if len(set(groups)) < 2:
        raise TxcatError("every row has the same counterpart: a merchant split needs at least "
                         "two; use --split random")
    n_train, n_test = _sizes(len(set(groups)), test_size, "merchants")
    splitter = GroupShuffleSplit(n_splits=1, test_size=n_test, train_size=n_train,
                                 random_state=seed)
    train, test = next(splitter.split(np.zeros(len(groups)), groups=groups))
    return train.tolist(), test.tolist()


def _sizes(n: int, test_size: float, unit: str) -> tuple[int, int]:
    """How many of ``n`` rows (or merchants) train and test: scikit-learn's rounding of
    the test side (up), and every other one trains. Given as counts, so a share whose
    product with ``n`` rounds badly in floating point neither drops one from both sides
    nor raises; a share that leaves nothing to train on is a :class:`TxcatError`."""
    n_test = math.ceil(test_size * n)
    if n_test >= n:
        raise TxcatError(f"--test-size {test_size} leaves no training {unit} (all {n} would "
                         "be tested); use a smaller --test-size")
    return n - n_test, n_test


def _by_time(transactions: Sequence[Transaction], test_size: float) -> tuple[list[int], list[int]]:
    undated = sum(t.date is None for t in transactions)
    if undated == len(transactions):
        raise TxcatError("no row has a readable date: a time split needs dates; "
                         "use --split merchant or random")
    # Undated rows sort first (trained on), file order breaks ties.
    order = sorted(range(len(transactions)),
                   key=lambda i: (transactions[i].date or dt.date.min, i))
    cut = len(order) - max(1, round(len(order) * test_size))
    return order[:cut], order[cut:]


def _random(labels: Sequence[str], test_size: float, seed: int) -> tuple[list[int], list[int]]:
    """Stratified by label where it can be. Where it cannot (a side with fewer rows than
    there are labels, or a label with a single row) the split is made unstratified, with
    a warning, rather than refused: ``--split random`` asks for a random split of that
    size, and stratifying only makes it more representative."""
    from sklearn.model_selection import train_test_split

    n_train, n_test = _sizes(len(labels), test_size, "rows")
    counts = Counter(labels)
    why_not = None
    if min(n_train, n_test) < len(counts):
        side = "test" if n_test < n_train else "training"
        rows = min(n_train, n_test)
        why_not = f"{counted(rows, side + ' row')} cannot hold all {len(counts)} labels"
    elif min(counts.values()) < 2:
        single = sorted(label for label, count in counts.items() if count < 2)
        why_not = f"{', '.join(single)} {'has' if len(single) == 1 else 'have'} a single row"
    if why_not:
        logger.warning("the random split is not stratified: %s", why_not)
    train, test = train_test_split(np.arange(len(labels)), test_size=n_test,
                                   train_size=n_train, random_state=seed,
                                   stratify=None if why_not else list(labels))
    return train.tolist(), test.tolist()
