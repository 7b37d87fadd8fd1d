"""cascade: the first member confident enough answers; the rest fall through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import TRAIN, strategy_plugin, txs

from txcat import plugins
from txcat.errors import StrategyError
from txcat.modeldir import load_model, save_model
from txcat.strategies.base import Strategy
from txcat.strategies.cascade import CascadeStrategy


class PostoRule(Strategy):
    """Certain that rows naming a 'posto' are TRABALHO; no opinion on anything else."""

    name = "posto-rule"

    def fit(self, transactions: Any, labels: Any) -> PostoRule:
        self.labels_ = sorted(set(labels))
        return self

    def predict_proba(self, transactions: Any) -> np.ndarray:
        out = np.full((len(transactions), len(self.labels_)), 1 / len(self.labels_))
        for i, tx in enumerate(transactions):
            if "posto" in tx.description.lower():
                out[i] = [1.0 if label == "TRABALHO" else 0.0 for label in self.labels_]
        return out

    def save(self, directory: Path) -> None:
        (directory / "rule.json").write_text(json.dumps({"word": "posto"}))

    @classmethod
    def load(cls, directory: Path, params: Any, labels: Any) -> PostoRule:
        strategy = cls(**params)
        strategy.labels_ = list(labels)
        return strategy


@pytest.fixture(autouse=True)
def posto_plugin() -> Iterator[None]:
    with strategy_plugin("posto-plugin", PostoRule):
        yield


def fitted(threshold: float = 0.9) -> CascadeStrategy:
    descriptions, labels = zip(*TRAIN, strict=True)
    cascade = plugins.create_strategy("cascade", {"members": "posto-rule+tfidf",
                                                  "threshold": threshold})
    assert isinstance(cascade, CascadeStrategy)
    return cascade.fit(txs(*descriptions), list(labels))


def test_a_confident_member_answers_and_the_rest_fall_through() -> None:
    cascade = fitted()
    rows = txs("Compra - Posto da Pizzaria", "Compra - Pizzaria Napoli", "Supermercado Dia")
    assert cascade.answered_by(rows) == ["posto-rule", "tfidf", "tfidf"]
    # The rule wins over the word 'pizzaria' that tfidf would follow.
    assert cascade.predict(rows) == ["TRABALHO", "LAZER", "NECESSIDADE"]
    np.testing.assert_allclose(cascade.predict_proba(rows)[0], [0.0, 0.0, 1.0])


def test_when_no_member_is_sure_the_most_confident_answers() -> None:
    cascade = fitted(threshold=1.0)  # tfidf is never 100% sure
    rows = txs("Compra - Pizzaria Napoli")
    tfidf = cascade.members_[1]
    np.testing.assert_allclose(cascade.predict_proba(rows), tfidf.predict_proba(rows))


def test_save_and_load_keep_every_member(tmp_path: Path) -> None:
    cascade = fitted()
    save_model(cascade, tmp_path / "c")
    assert (tmp_path / "c" / "member_0" / "rule.json").exists()
    assert (tmp_path / "c" / "member_1" / "txcat.json").exists()
    loaded = load_model(tmp_path / "c")
    rows = txs("Posto Shell", "Pizzaria Napoli", "Padaria Sol")
    np.testing.assert_allclose(loaded.predict_proba(rows), cascade.predict_proba(rows))


@pytest.mark.parametrize("params, message", [
    ({"members": ""}, "members must name strategies"),
    ({"members": "cascade+tfidf"}, "cannot contain a cascade"),
    ({"threshold": 1.5}, "threshold must be between 0 and 1"),
])
def test_bad_cascades_are_clear_errors(params: dict[str, object], message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        plugins.create_strategy("cascade", params)


def test_an_unknown_member_is_named() -> None:
    cascade = plugins.create_strategy("cascade", {"members": "nonexistent+tfidf"})
    with pytest.raises(StrategyError, match="unknown strategy 'nonexistent'"):
        cascade.fit(*zip(*[(t, label) for t, label in
                            zip(txs("a", "b"), ["LAZER", "TRABALHO"], strict=True)],
                          strict=True))  # type: ignore[arg-type]
