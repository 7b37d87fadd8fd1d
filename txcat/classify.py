"""Label a stream of transactions in batches, so big statements never sit in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from txcat.labels import REVIEW_LABEL
from txcat.strategies.base import Strategy
from txcat.transactions import Transaction

BATCH_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Prediction:
    transaction: Transaction
    label: str
    confidence: float
    #: The model's answer before ``threshold`` turned it into REVISAR.
    predicted: str


def classify_stream(strategy: Strategy, transactions: Iterable[Transaction], *,
                    threshold: float | None = None, batch_size: int = BATCH_SIZE,
                    progress: Callable[[int], None] | None = None) -> Iterator[Prediction]:
    """Yield one :class:`Prediction` per transaction, in input order.

    Rows whose confidence is below ``threshold`` get the label ``REVISAR``, so a
    user can review only the doubtful ones. ``progress`` is called with the number
    of rows done after each batch.
    """
    iterator = iter(transactions)
    done = 0
    while batch := list(islice(iterator, batch_size)):
        proba = strategy.predict_proba(batch)
        best = proba.argmax(axis=1)
        for tx, i, row in zip(batch, best, proba, strict=True):
            if row.sum() <= 0:  # the strategy abstained: review, never a guessed label
                yield Prediction(tx, REVIEW_LABEL, 0.0, REVIEW_LABEL)
                continue
            confidence = float(row[i])
            predicted = strategy.labels_[i]
            doubtful = threshold is not None and confidence < threshold
            yield Prediction(tx, REVIEW_LABEL if doubtful else predicted, confidence, predicted)
        done += len(batch)
        if progress is not None:
            progress(done)
