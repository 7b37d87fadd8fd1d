"""Which rule matches a description: the first one, in file order.

The counterpart's bank segment ('... - BANCO X (0341) Agência: 1 Conta: 2') is
dropped first, as txcat's merchant directory does, so a bank called 'Mercado
Pago' never reads as a market. Then:

- a ``pattern`` alternative matches when its words appear, whole and in order, in
  the folded description (:func:`txcat.text.fold`: lower case, no accents,
  punctuation turned into spaces), in the cleaned description
  (:func:`txcat.text.clean_description`: also no CNPJ, CPF, account numbers or
  digits) or in the folded counterpart key (:func:`txcat.counterpart.counterpart`),
  which is what ``learn`` writes as a pattern;
- a ``regex`` is searched, ignoring case, in the description with accents removed
  (punctuation kept, so ``IFD\\*`` works) and in the folded description.

Patterns are looked up through an index of their first word, so a file of a few
thousand learned rules still labels thousands of rows a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from txcat.counterpart import counterpart
from txcat.text import clean_description, fold, strip_accents, strip_bank_details
from txcat_rules.rules import Rule, alternatives

Phrase = tuple[str, ...]


class RuleMatcher:
    """Compiled rules; :meth:`first` gives the index of the first rule that matches."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._by_first_word: dict[str, list[tuple[Phrase, int]]] = {}
        self._regexes: list[tuple[int, re.Pattern[str]]] = []
        for index, rule in enumerate(self.rules):
            if rule.pattern is not None:
                for alt in alternatives(rule.pattern):
                    phrase = tuple(alt.split())
                    self._by_first_word.setdefault(phrase[0], []).append((phrase, index))
            elif rule.regex is not None:
                self._regexes.append((index, re.compile(rule.regex, re.IGNORECASE)))

    def first(self, description: str) -> int | None:
        """The index in ``rules`` of the first rule matching ``description``, or None."""
        stripped = strip_bank_details(description)
        folded = fold(stripped)
        best: int | None = None
        if self._by_first_word:
            for text in (folded, clean_description(description), fold(counterpart(description))):
                best = self._first_phrase(text.split(), best)
                if best == 0:
                    return 0
        plain = strip_accents(stripped)
        for index, regex in self._regexes:
            if best is not None and index >= best:
                break
            if regex.search(plain) or regex.search(folded):
                return index
        return best

    def _first_phrase(self, tokens: list[str], best: int | None) -> int | None:
        for start, token in enumerate(tokens):
            for phrase, index in self._by_first_word.get(token, ()):
                if (best is None or index < best) and \
                        tuple(tokens[start : start + len(phrase)]) == phrase:
                    best = index
        return best
