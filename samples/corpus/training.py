"""The training file: the written corpus read back with txcat's own reader.

``read_back`` reads every labeled file as txcat would, ``check_read_back`` warns
where that differs from what was written, and ``write_training`` stores the rows
as a reproducible gzip (no timestamp).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from txcat.labels import find_label_column, normalise_label
from txcat.reading import open_statement

from .writers import Written


def read_back(paths: Sequence[Path]) -> list[tuple[str, str, float | None, str]]:
    """(file, description, amount, label) of every labeled row, as txcat's reader sees it."""
    out = []
    for path in paths:
        with open_statement(path) as statement:
            column = find_label_column(statement.columns)
            if column is None:
                raise SystemExit(f"{path}: no label column found by txcat")
            for tx in statement:
                label = normalise_label(tx.raw.get(column, ""))
                if label:
                    out.append((path.stem, tx.description, tx.amount, label))
            stats = statement.stats
            problems = {k: getattr(stats, k) for k in ("bad_amounts", "bad_dates",
                        "empty_descriptions", "uneven_rows", "split_amounts", "repeated_ids")
                        if getattr(stats, k)}
            if problems:
                print(f"warning: txcat's reader reported {problems} in {path}", file=sys.stderr)
    return out


def write_training(path: Path, rows: Sequence[tuple[str, str, float | None, str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["description", "amount", "label"])
    for _, description, amount, label in rows:
        writer.writerow([description, "" if amount is None else repr(amount), label])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh, gzip.GzipFile(filename="training.csv", mode="wb", fileobj=fh,
                                              compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def check_read_back(seen: list[tuple[str, str, float | None, str]], written: list[Written]) -> None:
    """Compare what txcat read with what was written; report (never hide) differences."""
    expected = [(w.layout, *e) for w in written for e in w.expected]
    if len(seen) != len(expected):
        print(f"warning: wrote {len(expected)} labeled rows, txcat read {len(seen)}",
              file=sys.stderr)
    shown = 0
    for got, want in zip(seen, expected, strict=False):
        same_amount = got[2] is not None and abs(got[2] - want[2]) < 0.005
        if got[0] != want[0] or got[1] != want[1] or not same_amount or got[3] != want[3]:
            shown += 1
            if shown <= 5:
                print(f"warning: {want[0]}: wrote {want[1:]!r}, txcat read {got[1:]!r}",
                      file=sys.stderr)
    if shown:
        print(f"warning: {shown} rows read back differently", file=sys.stderr)
