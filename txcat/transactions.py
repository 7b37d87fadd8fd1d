"""The canonical transaction every reader produces and every strategy consumes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Transaction:
    """One data row of a statement, whatever the bank layout it came from.

    ``amount`` is signed from the account holder's point of view: negative when
    money leaves (a purchase, a Pix sent), positive when it arrives. It is None
    when the row's amount could not be read (the row is kept, with a warning).
    """

    description: str
    amount: float | None = None
    date: dt.date | None = None
    id: str = ""
    row: int = 0
    line: int = 0
    source: str = ""
    raw: Mapping[str, str] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        """'saida' (money out), 'entrada' (money in) or '' when the amount is unknown."""
        if self.amount is None or self.amount == 0:
            return ""
        return "entrada" if self.amount > 0 else "saida"
