"""``cascade``: an ordered list of strategies; the first one confident enough answers.

Put exact, hand-checked knowledge first and models after it: with
``members=rules+tfidf``, a row a rule matches gets the rule's label, and the
model fills in the rest. A row no member is confident about gets the answer of
the member most confident about it.

Members are named with '+' (``rules+bert``) so a cascade fits in a ``txcat
bench`` strategy list (``cascade:members=rules+tfidf:threshold=0.9``). Each
member is fitted on the same rows and saved in its own sub-directory, a model
directory like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from txcat.errors import ModelError, StrategyError
from txcat.hookspecs import hookimpl
from txcat.strategies.base import Strategy, validate_training
from txcat.transactions import Transaction

if TYPE_CHECKING:
    import numpy as np


#: The default members. ``rules`` comes from the separate txcat-rules plugin package.
DEFAULT_MEMBERS = "rules+tfidf"

#: Where members that no txcat install has by itself come from, for the reason shown.
PLUGIN_SOURCES = {"rules": "the txcat-rules plugin (pip install ./plugins/txcat-rules)"}

CHOOSE_MEMBERS = ("choose members with 'txcat train --strategy cascade -p members=A+B' (in "
                  "bench: cascade:members=A+B)")


class CascadeStrategy(Strategy):
    """The first member whose confidence reaches ``threshold`` answers."""

    name = "cascade"
    description = ("ordered strategies (-p members=rules+tfidf); the first confident enough "
                   "answers, e.g. exact rules first, a model for the rest")

    uses_other_strategies = True

    def __init__(self, *, members: str = DEFAULT_MEMBERS, threshold: float = 0.9) -> None:
        super().__init__(members=members, threshold=threshold)
        self.members = members
        self.threshold = threshold

    @classmethod
    def availability(cls, params: dict[str, Any] | None = None) -> tuple[bool, str]:
        """Usable when every member is. Nothing of its own is needed, but the default
        members include ``rules``, which a core install lacks: such an install lists the
        cascade as unusable, with what to install or change, instead of failing on use."""
        from txcat.plugins import availability_of, get_strategies

        members = (params or {}).get("members", DEFAULT_MEMBERS)
        if not isinstance(members, str):
            return True, "ready"  # check_params says what is wrong with it
        installed = get_strategies()
        which = "members" if "members" in (params or {}) else "default members"
        for name in _member_names(members):
            if name == cls.name or _with_parameters(name):
                continue  # refused by check_params
            member = installed.get(name)
            if member is None:
                source = PLUGIN_SOURCES.get(name)
                if source:
                    return False, f"needs {source} for its {which} {members}; or {CHOOSE_MEMBERS}"
                return False, (f"its {which} {members} name {name!r}, which is not installed "
                               f"(installed: {', '.join(sorted(installed))}); or "
                               f"{CHOOSE_MEMBERS}")
            usable, reason = availability_of(member)
            if not usable:
                return False, f"its member {name!r} cannot run here: {reason}; or {CHOOSE_MEMBERS}"
        return True, "ready"

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        members = params.get("members", DEFAULT_MEMBERS)
        threshold = params.get("threshold", 0.9)
        if not isinstance(members, str) or not _member_names(members):
            raise StrategyError("cascade: members must name strategies joined by '+', "
                                "e.g. rules+tfidf")
        given = next((m for m in _member_names(members) if _with_parameters(m)), None)
        if given:
            raise StrategyError(f"cascade: members are strategy names, each with its default "
                                f"parameters; {given!r} gives some (train that strategy with "
                                "them, and compare it in bench, instead)")
        if "cascade" in _member_names(members):
            raise StrategyError("cascade: a cascade cannot contain a cascade")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or \
                not 0 <= threshold <= 1:
            raise StrategyError(f"cascade: threshold must be between 0 and 1, not "
                                f"{threshold!r}")

    def _new_members(self) -> list[Strategy]:
        """Unfitted members; a member that cannot be made is named with the members it
        came from, so the message says which setting to change."""
        from txcat.plugins import create_strategy

        try:
            return [create_strategy(name) for name in _member_names(self.members)]
        except StrategyError as exc:
            raise StrategyError(f"cascade (members {self.members}): {exc}; or "
                                f"{CHOOSE_MEMBERS}") from None

    def fit(self, transactions: Sequence[Transaction],
            labels: Sequence[str]) -> CascadeStrategy:
        validate_training(transactions, labels)
        self.members_ = [m.fit(transactions, labels) for m in self._new_members()]
        self.labels_ = sorted({label for m in self.members_ for label in m.labels_})
        return self

    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        import numpy as np

        self.check_fitted()
        n = len(transactions)
        out = np.zeros((n, len(self.labels_)))
        best = np.full(n, -1.0)
        answered = np.zeros(n, dtype=bool)
        for member in self.members_:
            todo = np.flatnonzero(~answered)
            if len(todo) == 0:
                break
            rows = [transactions[int(i)] for i in todo]
            proba = self._aligned(member, member.predict_proba(rows))
            confidence = proba.max(axis=1)
            sure = self._sure(confidence)
            better = (confidence > best[todo]) & ~sure
            out[todo[sure]] = proba[sure]
            answered[todo[sure]] = True
            out[todo[better]] = proba[better]  # fallback: the most confident so far
            best[todo[better]] = confidence[better]
        return out

    def _sure(self, confidence: np.ndarray) -> np.ndarray:
        """Rows a member answers for good: confident enough, and not abstaining (an
        all-zero row has confidence 0, which a threshold of 0 would otherwise accept)."""
        return (confidence >= self.threshold) & (confidence > 0)

    def _aligned(self, member: Strategy, proba: np.ndarray) -> np.ndarray:
        """Columns in the cascade's label order (members may know fewer labels)."""
        import numpy as np

        aligned = np.zeros((proba.shape[0], len(self.labels_)))
        for j, label in enumerate(member.labels_):
            aligned[:, self.labels_.index(label)] = proba[:, j]
        return aligned

    def answered_by(self, transactions: Sequence[Transaction]) -> list[str]:
        """The member that answered each row (for explanations and for tuning ``threshold``)."""
        names = []
        for tx in transactions:
            chosen = self.members_[-1].name
            for member in self.members_:
                if self._sure(member.predict_proba([tx]).max(axis=1))[0]:
                    chosen = member.name
                    break
            names.append(chosen)
        return names

    def save(self, directory: Path) -> None:
        from txcat.modeldir import save_model

        self.check_fitted()
        for i, member in enumerate(self.members_):
            save_model(member, directory / f"member_{i}")

    @classmethod
    def load(cls, directory: Path, params: dict[str, Any], labels: list[str]) -> CascadeStrategy:
        from txcat.modeldir import load_model

        strategy = cls(**params)
        names = _member_names(strategy.members)
        strategy.members_ = [load_model(directory / f"member_{i}") for i in range(len(names))]
        found = [m.name for m in strategy.members_]
        if found != names:
            raise ModelError(f"{directory}: members {found} do not match {names}")
        for i, member in enumerate(strategy.members_):  # a member may know fewer labels
            unknown = [label for label in member.labels_ if label not in labels]
            if unknown:
                raise ModelError(f"{directory}: member_{i} ({member.name}) answers "
                                 f"{', '.join(map(repr, unknown))}, not one of the cascade's "
                                 f"labels {list(labels)}")
        strategy.labels_ = list(labels)
        return strategy


def _with_parameters(member: str) -> bool:
    """Whether a member is named with parameters ('tfidf:C=5'), which members cannot take."""
    return ":" in member or "=" in member


def _member_names(members: str) -> list[str]:
    return [m.strip() for m in members.split("+") if m.strip()]


@hookimpl
def register_strategies(register: Callable[[type[Strategy]], None]) -> None:
    register(CascadeStrategy)
