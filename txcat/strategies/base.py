"""The interface every strategy implements, built-in or from a plugin.

It follows scikit-learn's estimator contract: ``__init__`` only stores keyword
arguments, ``fit`` returns ``self``, learned state ends in ``_`` and
``predict_proba`` columns follow ``labels_``. That makes every strategy easy to
benchmark, save and test the same way.
"""

from __future__ import annotations

import importlib.util
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from txcat.errors import ModelError, StrategyError, UnknownParameterError
from txcat.labels import normalise_label
from txcat.transactions import Transaction

if TYPE_CHECKING:
    import numpy as np


class Strategy(ABC):
    """Label transactions. Subclasses set ``name``, ``description`` and ``requires``."""

    #: The name users type (``--strategy tfidf``).
    name: ClassVar[str] = ""
    #: One line for ``txcat strategies``.
    description: ClassVar[str] = ""
    #: Importable modules the strategy needs; it is listed as unusable when one is missing.
    requires: ClassVar[tuple[str, ...]] = ()
    #: The pip extra that installs ``requires`` (shown in the hint), if any.
    extra: ClassVar[str | None] = None
    #: Whether ``classify --strategy NAME`` may train it once on the bundled corpus and
    #: cache it. Prompt strategies say no: they depend on an LLM chosen per run.
    cache_bundled: ClassVar[bool] = True
    #: Whether the strategy is made of other strategies (a cascade of members), so that
    #: what trains it includes whichever strategy plugins are installed.
    uses_other_strategies: ClassVar[bool] = False
    #: Settings that shape how a saved model reads rows, each with the value that models
    #: saved before the setting existed were trained with. :meth:`get_params` writes
    #: their values into ``txcat.json`` whether given or defaulted, so that a later
    #: change of default never changes what a saved model does; :meth:`saved_params`
    #: gives the rest their old values when such a model is loaded.
    pinned: ClassVar[dict[str, Any]] = {}

    labels_: list[str]
    #: The strategy's settings dataclass, for those that have one (needed by ``pinned``).
    settings: Any

    def __init__(self, **params: Any) -> None:
        self.params = params

    @classmethod
    def availability(cls, params: dict[str, Any] | None = None) -> tuple[bool, str]:
        """``(usable, reason)``: whether every required module can be imported here.

        ``params`` are those the strategy would be made with, for strategies whose needs
        depend on them (a cascade on its members); ``None`` means the defaults.
        """
        requires, extra = cls.requirements(params or {})
        missing = [m for m in requires if not _importable(m)]
        if not missing:
            return True, "ready"
        hint = f"pip install 'txcat[{extra}]'" if extra else f"pip install {missing[0]}"
        return False, f"needs {', '.join(missing)} ({hint})"

    @classmethod
    def requirements(cls, params: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
        """The modules the strategy needs when made with ``params``, and the pip extra
        that installs them: ``requires`` and ``extra``, unless a parameter picks a backend
        with other needs (zero-shot's ``llm``). Parameters are not checked here."""
        return cls.requires, cls.extra

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        """Raise :class:`StrategyError` for parameters the strategy cannot use.

        Called before ``__init__`` (which, as in scikit-learn, only stores them), so a
        bad ``-p`` value or a damaged model manifest is a clear message. The default
        accepts everything ``__init__`` accepts.
        """
        return None

    def get_params(self) -> dict[str, Any]:
        """The keyword arguments the strategy was made with, plus the :attr:`pinned`
        settings' values (``self.settings``, a dataclass), stored in ``txcat.json``.

        A plugin whose ``__init__`` stores each argument as an attribute of its own name,
        as scikit-learn estimators do, instead of calling ``super().__init__``, has its
        arguments read back from those attributes, as scikit-learn's ``get_params`` does.
        """
        stored = getattr(self, "params", None)
        params = dict(stored) if isinstance(stored, dict) else _arguments_stored_as_attributes(self)
        if self.pinned:
            params.update({key: getattr(self.settings, key) for key in self.pinned})
        return params

    @classmethod
    def saved_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters to rebuild a saved model with: those ``txcat.json`` holds, and
        for a :attr:`pinned` setting it lacks (saved before it existed), its old value."""
        return {**cls.pinned, **params}

    @abstractmethod
    def fit(self, transactions: Sequence[Transaction], labels: Sequence[str]) -> Strategy:
        """Learn from labeled transactions; return ``self``."""

    @abstractmethod
    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        """An ``(n, len(labels_))`` array of probabilities, rows summing to 1, or all
        zeros where the strategy abstains (the row is then labeled REVISAR)."""

    def predict(self, transactions: Sequence[Transaction]) -> list[str]:
        """The most probable label of each transaction; REVISAR where the strategy
        abstained (an all-zero row: an LLM gave no valid label, say)."""
        from txcat.labels import REVIEW_LABEL

        proba = self.predict_proba(transactions)
        return [self.labels_[i] if row.sum() > 0 else REVIEW_LABEL
                for i, row in zip(proba.argmax(axis=1), proba, strict=True)]

    @abstractmethod
    def save(self, directory: Path) -> None:
        """Write the fitted state into ``directory`` (which exists); no pickles."""

    @classmethod
    @abstractmethod
    def load(cls, directory: Path, params: dict[str, Any], labels: list[str]) -> Strategy:
        """Rebuild a fitted strategy from what :meth:`save` wrote."""

    def check_fitted(self) -> None:
        if not getattr(self, "labels_", None):
            raise StrategyError(f"strategy {self.name!r} is not fitted yet: train it first")


def _importable(module: str) -> bool:
    """Whether ``module`` can be imported here. ``find_spec`` answers None for a missing
    module, but raises for a dotted one whose parent package is missing."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def init_arguments(cls: type[Strategy]) -> tuple[list[str], bool]:
    """The names ``cls.__init__`` takes (not ``self``, not ``*args``/``**kwargs``), and
    whether it also has a ``**`` catch-all, of any name."""
    import inspect

    parameters = inspect.signature(cls.__init__).parameters.values()
    named = [p.name for p in parameters
             if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return named, any(p.kind == p.VAR_KEYWORD for p in parameters)


def _arguments_stored_as_attributes(strategy: Strategy) -> dict[str, Any]:
    """``__init__``'s named arguments, read back from the attributes of the same names."""
    named, _ = init_arguments(type(strategy))
    return {name: getattr(strategy, name) for name in named if hasattr(strategy, name)}


def validate_training(transactions: Sequence[Transaction], labels: Sequence[str]) -> None:
    """Edge cases every strategy's ``fit`` shares, with messages a user can act on."""
    if len(transactions) != len(labels):
        raise StrategyError(f"{len(transactions)} transactions but {len(labels)} labels")
    if not transactions:
        raise StrategyError("no training rows: the labeled file(s) hold no data rows")
    for row, label in enumerate(labels, start=1):
        if not isinstance(label, str) or not label.strip():
            raise StrategyError(f"label of row {row} is {label!r}; labels are non-empty text")
        if label != normalise_label(label):  # as files' labels are read: one form for all
            raise StrategyError(f"label of row {row} is {label!r}; labels are upper-case "
                                f"without surrounding spaces ({normalise_label(label)!r}): "
                                "txcat.labels.normalise_label gives that form")


def check_saved_labels(directory: Path, saved: Sequence[str], labels: Sequence[str]) -> None:
    """The labels a saved model's weights follow, against ``txcat.json``'s: a manifest
    that lists them in another order (or edited) would swap the answers without a word."""
    if list(saved) != list(labels):
        raise ModelError(f"{directory}: the model's labels {list(saved)} do not match "
                         f"txcat.json's {list(labels)}")


def check_max_length(params: dict[str, Any], strategy: str) -> None:
    """An encoder's ``max_length`` must hold a word piece of the row besides its two
    special tokens: below that its tokenizer cuts nothing at all."""
    if params.get("max_length", 3) < 3:
        raise StrategyError(f"{strategy}: max_length must be at least 3 (two special tokens "
                            "and one of the row's)")


def check_validation_fraction(params: dict[str, Any], strategy: str) -> None:
    """The share of rows held out for early stopping: half or more would leave too few
    to train on."""
    if not 0 <= params.get("validation_fraction", 0.1) < 0.5:
        raise StrategyError(f"{strategy}: validation_fraction must be in [0, 0.5)")


def check_above_zero(params: dict[str, Any], strategy: str, names: Sequence[str]) -> None:
    """Settings where 0 is accepted by torch and peft but trains nothing (a learning rate,
    LoRA's alpha) or means what 1 means (patience): refused rather than silently so.
    Negative values are refused by :func:`check_settings`."""
    for name in names:
        if params.get(name) == 0:
            least = "at least 1" if name == "patience" else "above 0"
            raise StrategyError(f"{strategy}: {name} must be {least}")


#: The ``device`` values of the torch strategies: torch's names for where to run.
DEVICE = re.compile(r"auto|cpu|cuda(?::\d+)?|mps")


def check_settings(params: dict[str, Any], settings_type: type[Any], strategy: str) -> None:
    """Unknown names and wrong types are StrategyErrors naming the parameter."""
    known = {f.name: f for f in fields(settings_type)}
    defaults = settings_type()
    for key, value in params.items():
        if key not in known:
            raise UnknownParameterError(f"{strategy}: unknown parameter {key!r}; parameters: "
                                f"{', '.join(known)}")
        expected = type(getattr(defaults, key))
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise StrategyError(f"{strategy}: {key} must be {expected.__name__}, not {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise StrategyError(f"{strategy}: {key} must not be negative")
        if key == "device" and not DEVICE.fullmatch(value):
            raise StrategyError(f"{strategy}: device must be auto, cpu, cuda (or cuda:N) or "
                                f"mps, not {value!r}")
