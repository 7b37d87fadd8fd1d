"""``rules``: keyword and regex rules, hand-written in TOML or learned per merchant.

With ``rules_file`` the strategy is the file: no training is needed, and ``fit``
only takes the label set from the training rows. Without it, ``fit`` learns one
rule per counterpart the labels agree on, plus rules for the chains of txcat's
merchant directory (see :mod:`txcat_rules.learn`).

A row some rule matches gets ``confidence`` for that rule's label and the rest
spread evenly; a row no rule matches gets no answer (all zero, as strategies
abstain), so a cascade ("the first strategy confident enough answers") passes it
on, ``txcat classify`` labels it REVISAR, and ``txcat bench`` scores it as wrong.

Saved as ``rules.toml`` (the same format a user writes) beside ``txcat.json``; no
pickles.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from txcat.errors import ModelError, StrategyError
from txcat.labels import DEFAULT_LABELS, normalise_label
from txcat.strategies.base import Strategy, validate_training
from txcat.transactions import Transaction
from txcat_rules.matching import RuleMatcher
from txcat_rules.rules import Rule, dump_rules, parse_rules, read_rules_text

if TYPE_CHECKING:
    import numpy as np

#: The file a fitted ``rules`` model keeps its rules in.
RULES_FILE = "rules.toml"

MODEL_HEADER = """\
txcat 'rules' model: first match wins, from the top. Edit with care; the format is
described in the txcat-rules README. A row no rule matches gets no label of its own."""


class RulesStrategy(Strategy):
    """Keyword/regex rules from a TOML file, or learned per counterpart; first match wins."""

    name = "rules"
    description = ("keyword/regex rules: a TOML file you edit (-p rules_file=...), or learned "
                   "per merchant plus the merchant directory; first match wins")
    requires = ("tomli",) if sys.version_info < (3, 11) else ()

    labels_: list[str]
    rules_: list[Rule]

    def __init__(self, *, rules_file: str | os.PathLike[str] | None = None,
                 confidence: float = 0.99, min_support: int = 2, min_share: float = 0.8,
                 use_directory: bool = True, labels: str | Sequence[str] | None = None) -> None:
        super().__init__(rules_file=None if rules_file is None else os.fspath(rules_file),
                         confidence=confidence, min_support=min_support, min_share=min_share,
                         use_directory=use_directory, labels=labels)
        self.rules_file = rules_file
        self.confidence = confidence
        self.min_support = min_support
        self.min_share = min_share
        self.use_directory = use_directory
        self.labels = labels

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        def number(name: str, default: float, low_open: float) -> None:
            value = params.get(name, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not low_open < value <= 1:
                raise StrategyError(f"rules: {name} must be a number above {low_open:g} and "
                                    f"at most 1, not {value!r}")

        rules_file = params.get("rules_file")
        if rules_file is not None and (not isinstance(rules_file, (str, os.PathLike))
                                       or not os.fspath(rules_file).strip()):
            raise StrategyError(f"rules: rules_file must be the path of a TOML rules file, "
                                f"not {rules_file!r}")
        number("confidence", 0.99, 0)
        number("min_share", 0.8, 0)
        min_support = params.get("min_support", 2)
        if isinstance(min_support, bool) or not isinstance(min_support, int) or min_support < 1:
            raise StrategyError(f"rules: min_support must be a whole number from 1 up, "
                                f"not {min_support!r}")
        if not isinstance(params.get("use_directory", True), bool):
            raise StrategyError(f"rules: use_directory must be true or false, not "
                                f"{params['use_directory']!r}")
        _label_list(params.get("labels"))

    # -- the label set ------------------------------------------------------------------
    def _label_set(self, seen: Sequence[str] = ()) -> list[str]:
        """The ``labels`` parameter (default LAZER, NECESSIDADE, TRABALHO when nothing was
        seen) plus the labels of the training rows, sorted."""
        given = _label_list(self.labels)
        if given is None and not seen:
            given = list(DEFAULT_LABELS)
        return sorted(set(given or ()) | {normalise_label(label) for label in seen})

    def _use(self, rules: list[Rule], labels: list[str], text: str | None = None) -> None:
        """Adopt ``rules``; ``text``, the file they were read from, is what ``save`` keeps
        (with the user's comments), else they are written out anew."""
        if len(labels) > 1 and not self.confidence > 1 / len(labels):
            raise StrategyError(f"rules: confidence {self.confidence!r} must be above "
                                f"1/{len(labels)} so that a matched label wins")
        self.rules_ = rules
        self.labels_ = labels
        self._matcher = RuleMatcher(rules)
        self._text = text

    def _read_rules_file(self, rules_file: str | os.PathLike[str], labels: list[str]) -> None:
        text = read_rules_text(rules_file)
        self._use(parse_rules(text, source=os.fspath(rules_file), labels=labels), labels, text)

    # -- the estimator contract ---------------------------------------------------------
    def fit(self, transactions: Sequence[Transaction], labels: Sequence[str]) -> RulesStrategy:
        """Read ``rules_file`` when given (labels from it must be in the label set), else
        learn rules from the rows."""
        from txcat_rules.learn import learn_rules

        self.check_params(self.get_params())
        validate_training(transactions, labels)
        label_set = self._label_set(labels)
        if self.rules_file is not None:
            self._read_rules_file(self.rules_file, label_set)
            return self
        rules = learn_rules(transactions, [normalise_label(label) for label in labels],
                            min_support=self.min_support, min_share=self.min_share,
                            use_directory=self.use_directory, label_set=label_set)
        self._use(rules, label_set)
        return self

    def check_fitted(self) -> None:
        """Fitted, or made ready from ``rules_file`` alone (no training needed)."""
        if getattr(self, "labels_", None):
            return
        if self.rules_file is None:
            raise StrategyError("strategy 'rules' has no rules yet: give -p rules_file=RULES.toml "
                                "or train it on labeled rows")
        self.check_params(self.get_params())
        self._read_rules_file(self.rules_file, self._label_set())

    def matched(self, transactions: Sequence[Transaction]) -> list[int | None]:
        """For each row, the index in ``rules_`` of the rule that labels it (``rules_[i]``
        is the (i+1)-th ``[[rule]]`` of the file), or None when no rule matches."""
        self.check_fitted()
        return [self._matcher.first(tx.description) for tx in transactions]

    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        import numpy as np

        self.check_fitted()
        k = len(self.labels_)
        if k == 1:
            return np.ones((len(transactions), 1))
        # A row no rule matches gets no answer (all zero), the strategies' way to
        # abstain: REVISAR, or the next member of a cascade. An even spread made it the
        # first label, a guess bench then scored as an answer.
        proba = np.zeros((len(transactions), k))
        column = {label: j for j, label in enumerate(self.labels_)}
        rest = (1.0 - self.confidence) / (k - 1)
        for row, index in enumerate(self.matched(transactions)):
            if index is not None:
                proba[row, :] = rest
                proba[row, column[self.rules_[index].label]] = self.confidence
        return proba

    # -- persistence --------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        self.check_fitted()
        text = self._text if self._text is not None else dump_rules(self.rules_, MODEL_HEADER)
        (directory / RULES_FILE).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, params: dict[str, Any], labels: list[str]) -> RulesStrategy:
        strategy = cls(**params)
        path = Path(directory) / RULES_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModelError(f"{directory}: {RULES_FILE} is missing; train the model "
                             "again") from None
        try:
            rules = parse_rules(text, source=str(path), labels=labels, allow_empty=True)
            strategy._use(rules, list(labels), text)
        except StrategyError as exc:
            raise ModelError(f"damaged model: {exc}") from None
        return strategy


def _label_list(value: Any) -> list[str] | None:
    """The ``labels`` parameter as a list: 'A,B' or ['A', 'B']; None when not given."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items) \
            or not [i for i in items if i.strip()]:
        raise StrategyError(f"rules: labels must be a comma-separated list like "
                            f"LAZER,NECESSIDADE,TRABALHO, not {value!r}")
    return [normalise_label(i) for i in items if i.strip()]
