"""A callable that loads a model once and labels pandas batches of transactions.

Ray Data's ``map_batches`` (as a class-based callable, one per actor) and
Spark's ``pandas_udf`` both hand over pandas batches; this is the one piece of
code both run, so their results are the single-process results, row for row.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import TYPE_CHECKING, Any

from txcat.transactions import Transaction

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: Columns of the canonical table (what txcat's reader produces).
CANONICAL = ("file", "row", "id", "date", "amount", "description")


class BatchClassifier:
    """Label a pandas batch with a model directory (or the default model).

    The model is loaded once per instance, i.e. once per Ray actor or Spark
    worker process. Adds ``label`` and ``confidence`` columns and keeps the rest; where
    the batch has such a column of its own (labels to compare with), txcat's are
    ``txcat_label`` and ``txcat_confidence``, as the CLI's ``--format full`` names them.
    Amounts may be numbers or text as statements write them ('-30,50', 'R$ 3.200,00').
    """

    def __init__(self, model_dir: str | None = None, *, description: str = "description",
                 amount: str | None = "amount", threshold: float | None = None) -> None:
        self.model_dir = model_dir
        self.description = description
        self.amount = amount
        self.threshold = threshold
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            if self.model_dir:
                from txcat.modeldir import load_model

                self._model = load_model(self.model_dir)
            else:
                from txcat.default_model import load_bundled_model

                self._model = load_bundled_model()
        return self._model

    def transactions(self, batch: pd.DataFrame) -> list[Transaction]:
        descriptions = batch[self.description].fillna("").astype(str).tolist()
        amounts: list[Any] = (batch[self.amount].tolist() if self.amount and self.amount in
                              batch.columns else [None] * len(batch))
        numbers = [_number(a) for a in amounts]
        unread = [a for a, n in zip(amounts, numbers, strict=True)
                  if n is None and isinstance(a, str) and a.strip()]
        if unread:
            logger.warning("%d amount%s not understood (%s); read as no amount", len(unread),
                           "" if len(unread) == 1 else "s",
                           ", ".join(repr(a) for a in unread[:3]))
        return [Transaction(description=d, amount=n)
                for d, n in zip(descriptions, numbers, strict=True)]

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        from txcat.classify import classify_stream

        out = batch.copy()
        predictions = list(classify_stream(self.model, self.transactions(batch),
                                           threshold=self.threshold))
        clash = "label" in out.columns or "confidence" in out.columns
        prefix = "txcat_" if clash else ""
        out[f"{prefix}label"] = [p.label for p in predictions]
        out[f"{prefix}confidence"] = [p.confidence for p in predictions]
        return out


def _number(value: Any) -> float | None:
    """A number, or text as a statement writes it ('-30,50'); None when it is neither."""
    if value is None:
        return None
    if isinstance(value, str):
        from txcat.reading.values import parse_amount

        try:
            return parse_amount(value) if value.strip() else None
        except ValueError:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def statement_rows(name: str, data: bytes) -> list[dict[str, Any]]:
    """Every transaction of one statement file as canonical rows (txcat's own reader:
    every bank layout, encoding and preamble the CLI understands)."""
    import io

    from txcat.reading import open_statement

    rows = []
    # One file of a set: a header-only month is skipped with a warning, as by the CLI.
    with open_statement(io.BytesIO(data), name=name, allow_empty=True) as statement:
        for tx in statement:
            rows.append({"file": name, "row": tx.row, "id": tx.id,
                         "date": tx.date.isoformat() if isinstance(tx.date, dt.date) else None,
                         "amount": tx.amount, "description": tx.description})
    return rows
