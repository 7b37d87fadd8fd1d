"""Learning rules from labeled rows: one rule per counterpart the labels agree on.

Rows are grouped by :func:`txcat.counterpart.counterpart` ('padaria santa luzia',
'drogasil'). A counterpart with at least ``min_support`` rows whose most common
label holds at least ``min_share`` of them becomes ``pattern = <counterpart>``.
Rules are ordered by support, most rows first. Then, when asked, one rule per chain
of txcat's merchant directory (its aliases joined with '|') is appended, unless a
learned rule covers the chain or the user's own labels for it disagree.

First match wins, so a rule is moved ahead of an earlier rule with another label
whose words it contains ('uber eats' -> LAZER ahead of 'uber' -> TRABALHO);
otherwise the general rule would take the specific one's rows.
"""

from __future__ import annotations

import csv
import heapq
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from txcat.counterpart import counterpart
from txcat.text import fold
from txcat.transactions import Transaction
from txcat_rules.rules import Rule, alternatives

logger = logging.getLogger("txcat.rules")

#: txcat's merchant directory (``name,aliases,kind,label,scope``), as documented in
#: :mod:`txcat.merchants`; read here because the core exposes no alias list.
DIRECTORY_RESOURCE = "data/merchants.csv"


@dataclass(frozen=True)
class Chain:
    name: str
    kind: str
    label: str
    aliases: tuple[str, ...]  # folded, name first, each once


def learn_rules(transactions: Sequence[Transaction], labels: Sequence[str], *,
                min_support: int = 2, min_share: float = 0.8, use_directory: bool = True,
                label_set: Sequence[str] | None = None) -> list[Rule]:
    """Rules learned from labeled rows (and the merchant directory), in matching order.

    ``label_set`` limits directory rules to labels the model knows (default: every
    label seen in ``labels``).
    """
    groups: dict[str, Counter[str]] = {}
    keys: dict[str, str] = {}  # folded key -> the key as counterpart() spelled it
    for tx, label in zip(transactions, labels, strict=True):
        key = counterpart(tx.description)
        folded = fold(key)
        if not folded:
            continue
        keys.setdefault(folded, key if "|" not in key else folded)
        groups.setdefault(folded, Counter())[label] += 1

    # A counterpart that is a directory chain is written with the chain's aliases, so the
    # file shows every spelling the rule matches ('pao de acucar|gpa|...').
    chains = {chain.aliases[0]: chain for chain in load_chains()} if use_directory else {}
    learned: list[Rule] = []
    for folded, counts in groups.items():
        support = sum(counts.values())
        label, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
        if support >= min_support and count / support >= min_share:
            pattern = "|".join(chains[folded].aliases) if folded in chains else keys[folded]
            learned.append(Rule(label=label, pattern=pattern, support=support,
                                share=round(count / support, 3)))
    learned.sort(key=lambda rule: (-(rule.support or 0), fold(rule.pattern or "")))
    if not learned:
        logger.warning("no rule learned: no counterpart has %d or more rows with %.0f%% "
                       "of them under one label", min_support, 100 * min_share)

    rules = list(learned)
    if use_directory:
        allowed = set(label_set if label_set is not None else labels)
        rules += directory_rules(groups, {alternatives(r.pattern or "")[0] for r in learned},
                                 allowed, min_share)
    return specific_first(rules)


def directory_rules(groups: dict[str, Counter[str]], learned: set[str], labels: set[str],
                    min_share: float) -> list[Rule]:
    """A rule per directory chain with a label in ``labels``, unless ``learned`` covers it
    or the labeled rows of that chain (``groups``) give its label under ``min_share``."""
    rules = []
    for chain in load_chains():
        if chain.label not in labels or chain.aliases[0] in learned:
            continue
        counts = groups.get(chain.aliases[0])
        if counts and counts[chain.label] / sum(counts.values()) < min_share:
            continue  # the user's own labels for this chain say otherwise
        rules.append(Rule(label=chain.label, pattern="|".join(chain.aliases),
                          note=f"merchant directory: {chain.name} ({chain.kind})"))
    return rules


@lru_cache(maxsize=1)
def load_chains() -> tuple[Chain, ...]:
    """The chains of txcat's merchant directory; none (with a warning) if it cannot be read."""
    try:
        text = resources.files("txcat").joinpath(DIRECTORY_RESOURCE).read_text(encoding="utf-8")
        rows = list(csv.DictReader(text.splitlines()))
        chains = []
        for row in rows:
            if row["scope"] != "chain":
                continue
            folded = [fold(a) for a in [row["name"], *row["aliases"].split("|")]]
            aliases = tuple(dict.fromkeys(a for a in folded if a))
            if aliases:
                chains.append(Chain(row["name"], row["kind"], row["label"].strip().upper(),
                                    aliases))
        return tuple(chains)
    except (OSError, KeyError, AttributeError, csv.Error) as exc:
        logger.warning("txcat's merchant directory could not be read (%s); learning without "
                       "it", exc)
        return ()


def specific_first(rules: Sequence[Rule]) -> list[Rule]:
    """``rules`` in their order, except that a pattern rule goes ahead of every rule with
    another label whose alternative is a proper part of one of its own alternatives.

    A stable topological sort: a rule that must go ahead of others takes the place of
    the earliest of them, and among rules free to go next the earliest goes first.
    Regex rules are left where they are; a cycle is broken in favour of file order.
    """
    phrases = [[tuple(alt.split()) for alt in alternatives(r.pattern)] if r.pattern else []
               for r in rules]
    owners: dict[tuple[str, ...], list[int]] = {}
    for index, own in enumerate(phrases):
        for phrase in own:
            owners.setdefault(phrase, []).append(index)
    before: list[set[int]] = [set() for _ in rules]  # before[s]: rules s must precede
    waiting = [0] * len(rules)  # how many rules must precede each rule
    for specific, own in enumerate(phrases):
        for phrase in own:
            for start in range(len(phrase)):
                for end in range(start + 1, len(phrase) + 1):
                    if end - start == len(phrase):
                        continue  # the same words: a real conflict, order decides
                    for general in owners.get(phrase[start:end], ()):
                        if (general != specific and general not in before[specific]
                                and rules[general].label != rules[specific].label):
                            before[specific].add(general)
                            waiting[general] += 1
    rank = _ranks(before)
    ready = [(rank[i], i) for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    placed = [False] * len(rules)
    order: list[int] = []
    while len(order) < len(rules):
        if not ready:  # a cycle: let the earliest rule left go first
            first = min(i for i, done in enumerate(placed) if not done)
            ready = [(rank[first], first)]
        _, index = heapq.heappop(ready)
        if placed[index]:
            continue
        placed[index] = True
        order.append(index)
        for general in before[index]:
            waiting[general] -= 1
            if waiting[general] == 0 and not placed[general]:
                heapq.heappush(ready, (rank[general], general))
    return [rules[i] for i in order]


def _ranks(before: list[set[int]]) -> list[int]:
    """Each rule's place: its own index, or the earliest place of a rule it must precede."""
    rank: list[int | None] = [None] * len(before)

    def visit(index: int, path: set[int]) -> int:
        known = rank[index]
        if known is not None:
            return known
        path.add(index)
        best = min([index, *(visit(g, path) for g in before[index] if g not in path)])
        path.discard(index)
        rank[index] = best
        return best

    return [visit(i, set()) for i in range(len(before))]
