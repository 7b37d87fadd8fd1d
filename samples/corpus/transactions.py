"""The transaction record and the household that collects them.

A ``Tx`` is one row before any bank has worded it: date, time, counterpart,
channel and signed amount. ``Household`` drops rows outside its statement's span
and numbers the rest so sorting is stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .counterparts import Counterpart
from .plans import FilePlan


@dataclass
class Tx:
    date: dt.date
    minute: int
    cp: Counterpart
    channel: str
    amount: float  # signed, the account holder's view
    part: tuple[int, int] | None = None
    store: str = ""
    note: str = ""
    seq: int = 0

    @property
    def label(self) -> str:
        return self.cp.label


@dataclass
class Household:
    plan: FilePlan
    txs: list[Tx] = field(default_factory=list)

    def add(self, tx: Tx) -> None:
        if self.plan.start <= tx.date <= self.plan.end:
            tx.seq = len(self.txs)
            self.txs.append(tx)
