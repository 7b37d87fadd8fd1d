"""What to write: one household (or card) per built-in layout.

Each file's span, size, city, neighbourhood and line endings, and the payment
channels its bank can show. Everything downstream reads these; nothing here draws
a random number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

LABELS = ("LAZER", "NECESSIDADE", "TRABALHO")
LABELED_DIR = Path("samples") / "labeled"
TRAINING_PATH = Path("txcat") / "data" / "training.csv.gz"


@dataclass(frozen=True)
class FilePlan:
    layout: str
    rows: int  # target number of data rows (instalments may add a few)
    label_column: str
    start: dt.date
    end: dt.date
    city: str
    locals: int  # local small businesses in this household's neighbourhood
    chains: int  # chains this household buys from
    newline: str = "\n"
    kind: str = "account"  # "account" or "card"


PLANS: tuple[FilePlan, ...] = (
    FilePlan("origin-codigo", 330, "informação", dt.date(2024, 6, 1), dt.date(2025, 5, 31),
             "SAO PAULO", 34, 24),
    FilePlan("origin-descricao", 330, "label", dt.date(2024, 7, 1), dt.date(2025, 6, 30),
             "SAO PAULO", 34, 24),
    FilePlan("nubank-conta", 1500, "label", dt.date(2024, 1, 1), dt.date(2025, 12, 31),
             "SAO PAULO", 118, 100),
    FilePlan("nubank-cartao", 1450, "label", dt.date(2024, 1, 1), dt.date(2025, 12, 31),
             "SAO PAULO", 96, 130, kind="card"),
    FilePlan("inter", 1150, "categoria", dt.date(2024, 2, 1), dt.date(2025, 11, 30),
             "BELO HORIZONTE", 92, 80, newline="\r\n"),
    FilePlan("itau", 1150, "label", dt.date(2024, 3, 1), dt.date(2025, 12, 31),
             "RIO DE JANEIRO", 92, 80, newline="\r\n"),
    FilePlan("c6", 560, "label", dt.date(2024, 9, 1), dt.date(2025, 8, 31),
             "CURITIBA", 48, 40),
    FilePlan("bb", 560, "label", dt.date(2024, 4, 1), dt.date(2025, 3, 31),
             "SALVADOR", 48, 40, newline="\r\n"),
)

#: Channels each file can show; others are mapped (credit -> debit ...) or not drawn.
FILE_CHANNELS: dict[str, frozenset[str]] = {
    "origin-codigo": frozenset({"pix_out", "pix_in", "debit", "credit", "boleto", "ted_in",
                                "salary", "refund", "pix_refund"}),
    "origin-descricao": frozenset({"pix_out", "pix_in", "debit", "credit", "boleto", "ted_in",
                                   "salary", "refund", "pix_refund"}),
    "nubank-conta": frozenset({"pix_out", "pix_in", "debit", "boleto", "ted_in", "salary",
                               "refund", "pix_refund"}),
    "nubank-cartao": frozenset({"credit", "refund"}),
    "inter": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                        "salary", "refund", "pix_refund"}),
    "itau": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                       "salary", "refund", "fee"}),
    "c6": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                     "salary", "refund", "pix_refund"}),
    "bb": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                     "salary", "refund", "fee"}),
}
CHANNEL_FALLBACK = {"credit": "debit", "debit": "credit", "auto_debit": "boleto"}
