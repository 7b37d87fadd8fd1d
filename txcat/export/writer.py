"""Labeled data -> training (and validation) JSONL files for a fine-tuning service.

Rows keep their input order inside each file (reproducible, easy to diff; the
services and tuning scripts shuffle themselves). Both files are written to
temporary siblings and renamed into place only when complete, so an error
half-way leaves the old files untouched.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from txcat.export.errors import ExportError
from txcat.export.formats import check_format, to_record
from txcat.export.prompts import redact as redact_text
from txcat.export.split import validation_split
from txcat.labels import DEFAULT_LABELS
from txcat.output import open_output
from txcat.training import LabeledData


def export_jsonl(data: LabeledData, fmt: str, out_path: str | Path, *,
                 validation_out: str | Path | None = None, validation_size: float = 0.1,
                 group_by_merchant: bool = False, redact: bool = True, seed: int = 0,
                 labels: Sequence[str] = DEFAULT_LABELS) -> dict[str, Any]:
    """Write ``data`` as ``fmt`` records to ``out_path``; with ``validation_out``, split first.

    The validation file gets about ``validation_size`` of the rows, stratified by
    label and, with ``group_by_merchant``, holding whole counterparts that the
    training file never shows (see :func:`txcat.export.split.validation_split`).
    ``redact`` masks personal identifiers in descriptions; ``labels`` is the set
    the instructions name. ``out_path`` '-' writes to standard output.

    Returns a summary: ``{"format", "redacted", "redacted_rows", "group_by_merchant",
    "seed", "files": [{"path", "role": "train"|"validation", "examples", "labels":
    {label: count}}]}``.
    """
    check_format(fmt)
    if not data.labels:
        raise ExportError("no labeled rows to export")
    if validation_out is not None and _same_file(out_path, validation_out):
        raise ExportError(f"the validation file {validation_out} is the training file; "
                          "give another name")
    everything = list(range(len(data.labels)))
    train, validation = everything, list[int]()
    if validation_out is not None:
        groups = None
        if group_by_merchant:
            from txcat.counterpart import counterpart

            groups = [counterpart(tx.description) for tx in data.transactions]
        train, validation = validation_split(data.labels, groups, validation_size, seed)
    redacted_rows = sum(redact_text(tx.description) != tx.description or redact_text(tx.id) != tx.id
                        for tx in data.transactions) if redact else 0
    files = [_describe(out_path, "train", train, data)]
    with open_output(out_path) as handle:
        if validation_out is None:
            _write(handle, data, train, fmt, redact, labels)
        else:
            with open_output(validation_out) as validation_handle:
                _write(handle, data, train, fmt, redact, labels)
                _write(validation_handle, data, validation, fmt, redact, labels)
            files.append(_describe(validation_out, "validation", validation, data))
    return {"format": fmt, "redacted": redact, "redacted_rows": redacted_rows,
            "group_by_merchant": group_by_merchant and validation_out is not None,
            "seed": seed, "files": files}


def _write(handle: IO[str], data: LabeledData, rows: Sequence[int], fmt: str, redact: bool,
           labels: Sequence[str]) -> None:
    for i in rows:
        record = to_record(data.transactions[i], data.labels[i], fmt, redact=redact,
                           labels=labels)
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _describe(path: str | Path, role: str, rows: Sequence[int],
              data: LabeledData) -> dict[str, Any]:
    counts = Counter(data.labels[i] for i in rows)
    return {"path": str(path), "role": role, "examples": len(rows),
            "labels": dict(sorted(counts.items()))}


def _same_file(a: str | Path, b: str | Path) -> bool:
    if str(a) == "-" or str(b) == "-":
        return str(a) == str(b)
    return Path(a).resolve() == Path(b).resolve()
