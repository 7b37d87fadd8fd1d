"""The merchant directory shipped with txcat, and matching it inside descriptions.

Statement rows are dominated by big chains and by small businesses whose names
carry a kind-word ('Padaria', 'Auto Posto'). A user's own labels rarely cover
them all; the directory lets a strategy know them anyway. ``data/merchants.csv``
holds ``name,aliases,kind,label,scope`` rows (scope: ``chain`` or ``generic``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from txcat.text import fold, strip_bank_details


@dataclass(frozen=True)
class Merchant:
    name: str
    kind: str
    label: str
    scope: str  # "chain" or "generic"


@lru_cache(maxsize=1)
def load_directory() -> tuple[Merchant, ...]:
    """Every entry of the bundled directory."""
    return tuple(entry for entry, _ in _entries_with_aliases())


def _entries_with_aliases() -> list[tuple[Merchant, list[str]]]:
    text = resources.files("txcat").joinpath("data/merchants.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return [(Merchant(r["name"], r["kind"], r["label"], r["scope"]),
             [a for a in r["aliases"].split("|") if a.strip()] + [r["name"]]) for r in rows]


class MerchantMatcher:
    """Find directory entries named inside a description, longest alias first."""

    def __init__(self, entries: list[tuple[Merchant, list[str]]] | None = None) -> None:
        self._by_alias: dict[tuple[str, ...], Merchant] = {}
        for merchant, aliases in entries if entries is not None else _entries_with_aliases():
            for alias in aliases:
                key = tuple(fold(alias).split())
                if key:
                    self._by_alias.setdefault(key, merchant)
        self._longest = max((len(k) for k in self._by_alias), default=0)
        # Descriptions repeat; matching is pure, so remember recent answers.
        self._cached = lru_cache(maxsize=65536)(self._find)

    def find(self, description: str) -> list[Merchant]:
        """Entries whose alias appears as whole words in the description, each once."""
        return list(self._cached(description))

    def _find(self, description: str) -> tuple[Merchant, ...]:
        tokens = fold(strip_bank_details(description)).split()
        found: list[Merchant] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                merchant = self._by_alias.get(tuple(tokens[i : i + size]))
                if merchant is not None:
                    if merchant not in found:
                        found.append(merchant)
                    i += size
                    break
            else:
                i += 1
        return tuple(found)

    def feature_tokens(self, description: str) -> list[str]:
        """Tokens a text model can weigh: the label and kind of each match, by scope."""
        tokens = []
        for m in self.find(description):
            tokens.append(f"dir{m.scope}_{m.label.lower()}")
            tokens.append(f"dirkind_{m.kind}")
        return tokens


@lru_cache(maxsize=1)
def default_matcher() -> MerchantMatcher:
    return MerchantMatcher()
