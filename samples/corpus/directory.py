"""The merchant directory as the generator uses it.

Reads ``merchants.csv`` into entries (chains and generic kind-words with their
labels), and checks invented names against it so that no local shop's name reads
as another label's or as a chain's.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from txcat.labels import normalise_label
from txcat.text import fold

from .plans import LABELS


@dataclass(frozen=True)
class DirectoryEntry:
    name: str
    aliases: tuple[str, ...]
    kind: str
    label: str
    scope: str


def read_directory(path: Path) -> list[DirectoryEntry]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    entries = []
    for r in rows:
        label = normalise_label(r.get("label") or "")
        scope = (r.get("scope") or "").strip().lower()
        if label not in LABELS or scope not in ("chain", "generic") or not r.get("name"):
            continue
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        entries.append(DirectoryEntry(r["name"].strip(), aliases, (r.get("kind") or "").strip(),
                                      label, scope))
    return entries


class LabelCheck:
    """Which labels the directory's aliases found inside a text suggest (any phrase)."""

    def __init__(self, entries: Sequence[DirectoryEntry]) -> None:
        self.labels: dict[tuple[str, ...], set[str]] = {}
        self.chain_names: set[str] = set()
        for e in entries:
            for alias in (e.name, *e.aliases):
                key = tuple(fold(alias).split())
                if key:
                    self.labels.setdefault(key, set()).add(e.label)
                    if e.scope == "chain":
                        self.chain_names.add(" ".join(key))
        self.longest = max((len(k) for k in self.labels), default=0)

    def names_chain(self, text: str) -> bool:
        return fold(text) in self.chain_names

    def agrees(self, text: str, label: str) -> bool:
        """No alias found inside ``text`` belongs to another label."""
        tokens = fold(text).split()
        for i in range(len(tokens)):
            for n in range(1, min(self.longest, len(tokens) - i) + 1):
                found = self.labels.get(tuple(tokens[i:i + n]))
                if found and found != {label}:
                    return False
        return True
