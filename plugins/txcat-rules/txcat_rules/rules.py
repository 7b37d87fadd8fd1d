"""Rules files: the TOML a user writes by hand (or ``learn`` writes), checked and written.

A rules file is a list of ``[[rule]]`` tables, read from top to bottom; the first
rule that matches a description gives its label::

    [[rule]]
    pattern = "posto|auto posto|shell"   # whole words or phrases, '|' between them
    label = "TRABALHO"

    [[rule]]
    regex = '\\bIFD\\*'                   # or a Python regular expression
    label = "LAZER"
    support = 12                         # optional, written by 'learn'

Every problem is a :class:`txcat.errors.StrategyError` naming the file and the
rule number (1 for the first ``[[rule]]``), so a user can go and fix it.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txcat.errors import StrategyError
from txcat.labels import normalise_label
from txcat.text import fold

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: The keys a ``[[rule]]`` table may hold.
RULE_KEYS = ("pattern", "regex", "label", "support", "share", "note")


@dataclass(frozen=True)
class Rule:
    """One rule: a label and exactly one of ``pattern`` or ``regex``.

    ``support`` (rows of that counterpart in the training files) and ``share`` (the
    fraction of them with this label) are written by ``learn``; ``note`` is free
    text. None of the three changes what the rule matches.
    """

    label: str
    pattern: str | None = None
    regex: str | None = None
    support: int | None = None
    share: float | None = None
    note: str | None = None

    def describe(self) -> str:
        """'pattern "posto|shell" -> TRABALHO', for explanations and messages."""
        if self.pattern is not None:
            return f"pattern {self.pattern!r} -> {self.label}"
        return f"regex {self.regex!r} -> {self.label}"


def alternatives(pattern: str) -> list[str]:
    """The folded, non-empty alternatives: 'Café|AUTO  Posto' -> ['cafe', 'auto posto']."""
    return [alt for alt in (fold(part) for part in pattern.split("|")) if alt]


# -- reading ------------------------------------------------------------------------------
def read_rules_file(path: str | os.PathLike[str], labels: Sequence[str] | None = None, *,
                    allow_empty: bool = False) -> list[Rule]:
    """Read and check a rules file; labels outside ``labels`` (when given) are errors."""
    return parse_rules(read_rules_text(path), source=str(path), labels=labels,
                       allow_empty=allow_empty)


def read_rules_text(path: str | os.PathLike[str]) -> str:
    """The text of a rules file, or a :class:`StrategyError` saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StrategyError(f"rules file {path}: not found") from None
    except IsADirectoryError:
        raise StrategyError(f"rules file {path}: is a directory; give a .toml file") from None
    except UnicodeDecodeError:
        raise StrategyError(f"rules file {path}: not UTF-8 text") from None
    except OSError as exc:
        raise StrategyError(f"rules file {path}: cannot be read ({exc.strerror})") from None


def parse_rules(text: str, *, source: str = "<rules>", labels: Sequence[str] | None = None,
                allow_empty: bool = False) -> list[Rule]:
    """Parse the TOML text of a rules file into checked :class:`Rule` objects."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StrategyError(f"{source}: not valid TOML ({exc})") from None
    unknown = [key for key in data if key != "rule"]
    if unknown:
        raise StrategyError(f"{source}: unknown top-level key {unknown[0]!r}; write each rule "
                            "as a [[rule]] table")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise StrategyError(f"{source}: write rules as [[rule]] tables (double brackets), "
                            "not [rule]")
    allowed = None if labels is None else [normalise_label(label) for label in labels]
    rules = [_rule(table, f"{source}: rule {n}", allowed)
             for n, table in enumerate(tables, start=1)]
    if not rules and not allow_empty:
        raise StrategyError(f"{source}: no rules; write at least one [[rule]] table with a "
                            "label and a pattern or regex")
    return rules


def _rule(table: Any, where: str, labels: list[str] | None) -> Rule:
    if not isinstance(table, dict):
        raise StrategyError(f"{where}: not a table; write it as [[rule]] with key = value lines")
    unknown = sorted(set(table) - set(RULE_KEYS))
    if unknown:
        raise StrategyError(f"{where}: unknown key {unknown[0]!r} (a rule holds "
                            f"{', '.join(RULE_KEYS)})")
    label = table.get("label")
    if not isinstance(label, str) or not label.strip():
        raise StrategyError(f"{where}: no label; add label = \"LAZER\" (or another label)")
    label = normalise_label(label)
    if labels is not None and label not in labels:
        raise StrategyError(f"{where}: label {label!r} is not in the label set "
                            f"({', '.join(labels)})")
    pattern, regex = table.get("pattern"), table.get("regex")
    if (pattern is None) == (regex is None):
        raise StrategyError(f"{where}: give exactly one of pattern or regex")
    if pattern is not None:
        if not isinstance(pattern, str) or not alternatives(pattern):
            raise StrategyError(f"{where}: pattern must be text holding words, like "
                                f"\"posto|auto posto\", not {pattern!r}")
    else:
        if not isinstance(regex, str) or not regex:
            raise StrategyError(f"{where}: regex must be non-empty text, not {regex!r}")
        try:
            re.compile(regex, re.IGNORECASE)
        except re.error as exc:
            raise StrategyError(f"{where}: bad regex {regex!r} ({exc})") from None
    support = table.get("support")
    if support is not None and (isinstance(support, bool) or not isinstance(support, int)
                                or support < 0):
        raise StrategyError(f"{where}: support must be a whole number from 0 up, "
                            f"not {support!r}")
    share = table.get("share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float))
                              or not 0 <= share <= 1):
        raise StrategyError(f"{where}: share must be a number from 0 to 1, not {share!r}")
    note = table.get("note")
    if note is not None and not isinstance(note, str):
        raise StrategyError(f"{where}: note must be text, not {note!r}")
    return Rule(label=label, pattern=pattern, regex=regex, support=support,
                share=None if share is None else float(share), note=note)


# -- writing ------------------------------------------------------------------------------
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
            "\\": "\\\\"}


def _is_control(ch: str) -> bool:
    return ord(ch) < 0x20 or ord(ch) == 0x7F


def toml_string(value: str, *, literal: bool = False) -> str:
    """A TOML string that reads back as ``value``.

    With ``literal``, a single-quoted literal string is used when it can hold the
    value (no ``'``, no control characters), so a regex keeps its backslashes
    readable: ``'\\bIFD\\*'`` instead of ``"\\\\bIFD\\\\*"``.
    """
    if literal and "'" not in value and not any(_is_control(ch) for ch in value):
        return f"'{value}'"
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _is_control(ch):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dump_rules(rules: Iterable[Rule], header: str = "") -> str:
    """The TOML text of ``rules``, each ``header`` line written as a comment on top."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for rule in rules:
        if lines:
            lines.append("")
        lines.append("[[rule]]")
        if rule.pattern is not None:
            lines.append(f"pattern = {toml_string(rule.pattern)}")
        if rule.regex is not None:
            lines.append(f"regex = {toml_string(rule.regex, literal=True)}")
        lines.append(f"label = {toml_string(rule.label)}")
        if rule.support is not None:
            lines.append(f"support = {int(rule.support)}")
        if rule.share is not None and math.isfinite(rule.share):
            lines.append(f"share = {float(rule.share)!r}")
        if rule.note is not None:
            lines.append(f"note = {toml_string(rule.note)}")
    return "\n".join(lines) + "\n"
