"""The export records as a Hugging Face ``datasets.Dataset``.

Strategies that fine-tune locally (and external tools: TRL's SFTTrainer reads a
``messages`` column directly) then train on exactly the records the JSONL files
hold, from the same producer. ``datasets`` is heavy and optional, so it is
imported only here, when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from txcat.export.errors import ExportError
from txcat.export.formats import to_records
from txcat.labels import DEFAULT_LABELS
from txcat.training import LabeledData


def to_dataset(data: LabeledData, fmt: str = "openai-chat", *, redact: bool = True,
               labels: Sequence[str] = DEFAULT_LABELS) -> Any:
    """A ``datasets.Dataset`` with one row per labeled transaction, the record of ``fmt``.

    Raises :class:`ExportError` when the ``datasets`` package is not installed.
    """
    records = list(to_records(data.transactions, data.labels, fmt, redact=redact,
                              labels=labels))
    try:
        import datasets
    except ImportError:
        raise ExportError("the Hugging Face 'datasets' package is not installed; "
                          "pip install datasets") from None
    return datasets.Dataset.from_list(records)
