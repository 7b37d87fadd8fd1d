"""The merchant directory shipped with txcat, and matching it inside descriptions.

Statement rows are dominated by big chains and by small businesses whose names
carry a kind-word ('Padaria', 'Auto Posto'). A user's own labels rarely cover
them all; the directory lets a strategy know them anyway. ``data/merchants.csv``
holds ``name,aliases,kind,label,scope`` rows (scope: ``chain`` or ``generic``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from txcat.text import fold, strip_bank_details

#: The shortest kind-word trusted at the start of a glued name ('PAG*PEIXARIAPRECOBOM'):
#: shorter ones ('bar', 'cafe') start too many unrelated words ('barbosa', 'cafeicultor').
GLUED_MIN_LENGTH = 5
#: What must follow a glued kind-word for it to be a name: 'locadora' is the word
#: itself inflected ('locador' + 'a'), 'peixariaprecobom' is 'peixaria' + a name.
GLUED_MIN_REST = 3

#: Endings that turn a kind-word's stem into another word ('pastel' + 'aria',
#: 'eletro' + 'nico', 'supermerc' + 'ado'); a token ending so is one word, not a
#: name glued to a kind-word.
WORD_ENDINGS = frozenset({
    "ado", "ados", "ada", "adas", "ante", "antes", "ento", "entos", "ria", "rias",
    "aria", "arias", "eria", "erias", "cia", "cias", "nico", "nicos", "nica", "nicas",
    "ico", "icos", "ica", "icas", "eiro", "eiros", "eira", "eiras", "ista", "istas",
    "idade", "onete", "onetes", "ura", "uras"})

# Itaú glues the date to the name ('PIX TRANSF KALUNGA04/10'): letters then digits
# are two words.
_LETTERS_THEN_DIGITS = re.compile(r"(?<=[a-z])(?=\d)")


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
        # Card machines glue words together ('MP*PEIXARIAPRECOBOM', 'Pag*Autopostotrevo'):
        # a generic kind-word may start such a token. Chains are left out, since a
        # brand inside a longer word is usually another name ('Superuber').
        self._glued: dict[str, Merchant] = {}
        for key, merchant in self._by_alias.items():
            joined = "".join(key)
            if merchant.scope == "generic" and len(joined) >= GLUED_MIN_LENGTH:
                self._glued.setdefault(joined, merchant)
        self._glued_longest = max((len(k) for k in self._glued), default=0)
        # Words the directory spells out whole ('supermercado', 'drogaria') are words.
        self._words = {word for key in self._by_alias for word in key}
        # Descriptions repeat; matching is pure, so remember recent answers.
        self._cached = lru_cache(maxsize=65536)(self._find)

    def find(self, description: str) -> list[Merchant]:
        """Entries whose alias appears as whole words in the description, each once."""
        return list(self._cached(description))

    def _find(self, description: str) -> tuple[Merchant, ...]:
        tokens = _LETTERS_THEN_DIGITS.sub(" ", fold(strip_bank_details(description))).split()
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
                glued = self.glued_prefix(tokens[i])
                if glued is not None and self._glued[glued] not in found:
                    found.append(self._glued[glued])
                i += 1
        return tuple(found)

    def glued_prefix(self, token: str) -> str | None:
        """The longest generic kind-word that starts ``token``, followed by a name
        (at least ``GLUED_MIN_REST`` letters): 'peixariaprecobom' -> 'peixaria'."""
        longest = min(self._glued_longest, len(token) - GLUED_MIN_REST)
        for size in range(longest, GLUED_MIN_LENGTH - 1, -1):
            if token[:size] in self._glued and token[size:].isalpha():
                return token[:size]
        return None

    def separate_glued(self, folded: str) -> str:
        """'mp peixariaprecobom' -> 'mp peixaria precobom': word-based models (an
        encoder's word pieces, word n-grams) then see the kind-word as a word.

        Whole words stay whole: a word of the directory ('supermercado', whose
        truncation 'supermerc' is an alias) or a stem plus a word ending ('pastelaria').
        """
        words = []
        for token in folded.split():
            prefix = None if token in self._words else self.glued_prefix(token)
            if prefix and token[len(prefix):] in WORD_ENDINGS:
                prefix = None
            words += [prefix, token[len(prefix):]] if prefix else [token]
        return " ".join(words)

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
