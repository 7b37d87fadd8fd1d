"""Each layout's file as that bank writes it: rows, ids, balances, preamble, CSV bytes.

``render`` turns a household's transactions into the layout's columns (plus the
label column) and records what txcat should read back; ``write_csv`` writes them
with the layout's delimiter, quoting, encoding and line endings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from txcat.layouts import Layout
from txcat.text import strip_accents

from .dates import business_day
from .formats import money_br, money_dot
from .origin import origin_key
from .plans import FilePlan
from .transactions import Tx
from .wording import (
    bb_columns,
    c6_columns,
    inter_columns,
    itau_description,
    nubank_cartao_title,
    nubank_conta_description,
    origin_description,
)


def _encodable(text: str, encoding: str) -> str:
    if encoding.startswith("utf"):
        return text
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
            out.append(ch)
        except UnicodeEncodeError:
            out.append(strip_accents(ch).encode(encoding, "replace").decode(encoding))
    return "".join(out)


def _unique(rng: random.Random, seen: set[str], make) -> str:  # type: ignore[no-untyped-def]
    while True:
        value = make(rng)
        if value not in seen:
            seen.add(value)
            return value


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


@dataclass
class Written:
    layout: str
    rows: list[list[str]]  # data rows as written (labels last), balance rows excluded
    expected: list[tuple[str, float, str]]  # (description, signed amount, label)
    balance_rows: int = 0
    counterparts: Counter = field(default_factory=Counter)  # key -> rows
    groups: dict[str, str] = field(default_factory=dict)  # key -> group


def render(plan: FilePlan, layout: Layout, txs: list[Tx], rng: random.Random,
           head_rows: Sequence[tuple[dt.date, list[str], str, float, str]] = ()) -> tuple[
               list[str], list[list[str]], Written]:
    """Rows (with the label column) and preamble lines for one file."""
    written = Written(plan.layout, [], [])
    out: list[list[str]] = []
    ids: set[str] = {cells[2] for _, cells, *_rest in head_rows}
    # An opening balance that keeps the account above zero most of the time.
    running, lowest = 0.0, 0.0
    for tx in txs:
        running += tx.amount
        lowest = min(lowest, running)
    opening = round(-lowest + rng.uniform(300, 2500), 2)
    balance = opening
    day_end: dict[dt.date, float] = {}
    for tx in txs:
        balance = round(balance + tx.amount, 2)
        day_end[tx.date] = balance
    balance = opening
    merged: list[tuple[dt.date, int, object]] = [(t.date, i, t) for i, t in enumerate(txs)]
    for j, (day, cells, *_rest) in enumerate(head_rows):
        merged.append((day, -len(head_rows) + j, cells))
    merged.sort(key=lambda m: (m[0], m[1]))
    for _, _, item in merged:
        if not isinstance(item, Tx):  # a verbatim origin row (data,valor,codigo,descricao,label)
            cells = list(item)  # type: ignore[call-overload]
            ids.add(cells[2])
            out.append(cells)
            written.expected.append((cells[3], float(cells[1]), cells[4]))
            written.counterparts[origin_key(cells[3])] += 1
            written.groups[origin_key(cells[3])] = "example"
            continue
        tx = item
        balance = round(balance + tx.amount, 2)
        desc_parts: list[str]
        name = plan.layout
        d = tx.date.strftime("%d/%m/%Y")
        if name == "origin-codigo":
            desc = origin_description(tx, rng)
            code = _unique(rng, ids, lambda r: "".join(
                r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)))
            row = [d, code, money_dot(tx.amount), desc]
            desc_parts = [desc]
        elif name == "origin-descricao":
            desc = origin_description(tx, rng)
            code = _unique(rng, ids, lambda r: f"{r.getrandbits(32):08x}")
            row = [d, money_dot(tx.amount), code, desc]
            desc_parts = [desc]
        elif name == "nubank-conta":
            desc = nubank_conta_description(tx, rng)
            row = [d, money_dot(tx.amount), _unique(rng, ids, _uuid), desc]
            desc_parts = [desc]
        elif name == "nubank-cartao":
            title = nubank_cartao_title(tx, rng)
            row = [tx.date.isoformat(), title, money_dot(-tx.amount)]
            desc_parts = [title]
        elif name == "inter":
            hist, desc = inter_columns(tx, rng, plan.city)
            row = [d, hist, desc, money_br(tx.amount), money_br(balance)]
            desc_parts = [hist, desc]
        elif name == "itau":
            desc = itau_description(tx, rng)
            row = [d, desc, money_br(tx.amount, thousands=False)]
            desc_parts = [desc]
        elif name == "c6":
            title, desc = c6_columns(tx, rng, plan.city)
            accounted = business_day(tx.date).strftime("%d/%m/%Y")
            credit = money_br(tx.amount) if tx.amount > 0 else ""
            debit = money_br(-tx.amount) if tx.amount < 0 else ""
            row = [d, accounted, title, desc, credit, debit, money_br(day_end[tx.date])]
            desc_parts = [title, desc]
        elif name == "bb":
            what, detail = bb_columns(tx, rng)
            doc = _unique(rng, ids, lambda r: f"{r.randrange(10**5, 10**6)}" if r.random() < 0.6
                          else f"{r.randrange(10**11, 10**12)}")
            row = [d, what, detail, doc, money_br(abs(tx.amount)),
                   "Entrada" if tx.amount > 0 else "Saída"]
            desc_parts = [what, detail]
        else:
            raise ValueError(name)
        row = [_encodable(c, layout.encoding) for c in row] + [tx.label]
        desc_parts = [_encodable(p, layout.encoding).strip() for p in desc_parts]
        out.append(row)
        written.expected.append((" - ".join(p for p in desc_parts if p), tx.amount, tx.label))
        written.counterparts[tx.cp.key] += 1
        written.groups[tx.cp.key] = tx.cp.group
    written.rows = out
    preamble_values = {
        "conta": f"{rng.randrange(10**6, 10**8)}-{rng.randrange(10)}",
        "inicio": plan.start.strftime("%d/%m/%Y"), "fim": plan.end.strftime("%d/%m/%Y"),
        "saldo": money_br(balance), "hoje": (plan.end + dt.timedelta(days=1)).strftime(
            "%d/%m/%Y") + " às 09:12",
    }
    preamble = [line.format(**preamble_values) for line in layout.preamble]
    if plan.layout == "bb":  # balance rows the reader skips
        first = ["", "Saldo Anterior", "", "", money_br(opening), "", ""]
        first[0] = plan.start.strftime("%d/%m/%Y")
        last = [plan.end.strftime("%d/%m/%Y"), "S A L D O", "", "", money_br(balance), "", ""]
        out.insert(0, first)
        out.append(last)
        written.balance_rows = 2
    return preamble, out, written


def write_csv(path: Path, layout: Layout, label_column: str, preamble: list[str],
              rows: list[list[str]], newline: str) -> None:
    buf = io.StringIO()
    for line in preamble:
        buf.write(line + newline)
    quoting = csv.QUOTE_ALL if layout.name == "bb" else csv.QUOTE_MINIMAL
    writer = csv.writer(buf, delimiter=layout.delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow([*layout.columns, label_column])
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encodable(buf.getvalue(), layout.encoding).encode(layout.encoding))
