"""cascade: the first member confident enough answers; the rest fall through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import SAMPLES, TRAIN, set_manifest_labels, strategy_plugin, txs

from txcat import plugins
from txcat.cli import main
from txcat.errors import StrategyError
from txcat.modeldir import load_model, save_model
from txcat.strategies.base import Strategy
from txcat.strategies.cascade import CascadeStrategy
from txcat.strategies.tfidf import TfidfStrategy


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


class AbstainingPostoRule(PostoRule):
    """Like PostoRule, but abstains (an all-zero row) where it has no opinion."""

    name = "posto-abstains"

    def predict_proba(self, transactions: Any) -> np.ndarray:
        out = super().predict_proba(transactions)
        out[out.max(axis=1) < 1.0] = 0.0
        return out


@pytest.mark.parametrize("threshold", [0.0, 0.5])
def test_a_member_that_abstains_passes_the_row_on_whatever_the_threshold(
        threshold: float) -> None:
    descriptions, labels = zip(*TRAIN, strict=True)
    with strategy_plugin("posto-abstains-plugin", AbstainingPostoRule):
        cascade = plugins.create_strategy("cascade", {"members": "posto-abstains+tfidf",
                                                      "threshold": threshold})
        cascade.fit(txs(*descriptions), list(labels))
    assert isinstance(cascade, CascadeStrategy)
    rows = txs("Compra - Posto da Pizzaria", "Compra - Pizzaria Napoli")
    assert cascade.answered_by(rows) == ["posto-abstains", "tfidf"]
    assert cascade.predict(rows) == ["TRABALHO", "LAZER"]


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
    ({"members": "posto-rule+tfidf", "threshold": 1.5}, "threshold must be between 0 and 1"),
])
def test_bad_cascades_are_clear_errors(params: dict[str, object], message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        plugins.create_strategy("cascade", params)


NO_RULES = ("needs the txcat-rules plugin (pip install ./plugins/txcat-rules) for its "
            "default members rules+tfidf; or choose members with 'txcat train --strategy "
            "cascade -p members=A+B' (in bench: cascade:members=A+B)")


def test_without_the_rules_plugin_the_default_cascade_is_unavailable_and_says_why() -> None:
    # Tests load no entry points, so this is a core install: no 'rules' strategy.
    assert CascadeStrategy.availability() == (False, NO_RULES)
    assert CascadeStrategy.availability({"members": "posto-rule+tfidf"}) == (True, "ready")
    # Members given, even the default ones, are not called the default members.
    usable, reason = CascadeStrategy.availability({"members": "rules+tfidf"})
    assert not usable and "for its members rules+tfidf;" in reason
    with pytest.raises(StrategyError, match=r"^strategy 'cascade' cannot run here: needs the "
                                            r"txcat-rules plugin"):
        plugins.create_strategy("cascade")


def test_with_a_rules_strategy_installed_the_default_cascade_is_ready() -> None:
    class Rules(TfidfStrategy):
        name = "rules"

    with strategy_plugin("rules-plugin", Rules):
        assert CascadeStrategy.availability() == (True, "ready")
        assert isinstance(plugins.create_strategy("cascade"), CascadeStrategy)


def test_a_member_that_cannot_run_here_makes_the_cascade_unavailable() -> None:
    class NeedsMissing(PostoRule):
        name = "needs-missing"
        requires = ("txcat_no_such_module_xyz",)

    with strategy_plugin("needs-missing-plugin", NeedsMissing):
        usable, reason = CascadeStrategy.availability({"members": "needs-missing+tfidf"})
    assert not usable
    assert reason == ("its member 'needs-missing' cannot run here: needs "
                      "txcat_no_such_module_xyz (pip install txcat_no_such_module_xyz); or "
                      "choose members with 'txcat train --strategy cascade -p members=A+B' "
                      "(in bench: cascade:members=A+B)")


def test_the_cli_lists_runs_and_benches_the_default_cascade_as_unavailable(
        tmp_path: Path) -> None:
    listed = CliRunner().invoke(main, ["strategies", "--json"])
    row = {r["name"]: r for r in json.loads(listed.stdout)}["cascade"]
    assert (row["usable"], row["status"]) == (False, NO_RULES)
    for args in (["classify", str(SAMPLES / "extrato.csv"), "--strategy", "cascade"],
                 ["train", str(SAMPLES / "labeled" / "c6.csv"), "--strategy", "cascade",
                  "-o", str(tmp_path / "m")]):
        result = CliRunner().invoke(main, args)
        assert isinstance(result.exception, SystemExit) and result.exit_code == 1
        assert result.stderr == f"txcat: error: strategy 'cascade' cannot run here: {NO_RULES}\n"
    benched = CliRunner().invoke(main, ["bench", str(SAMPLES / "labeled" / "c6.csv"),
                                        "--strategies", "tfidf,cascade"])
    assert benched.exit_code == 0, benched.output
    assert f"cascade: unavailable: {NO_RULES}" in " ".join(benched.stdout.split())


def test_an_unknown_member_is_named() -> None:
    with pytest.raises(StrategyError, match=r"its members nonexistent\+tfidf name "
                                            r"'nonexistent', which is not installed"):
        plugins.create_strategy("cascade", {"members": "nonexistent+tfidf"})
    descriptions, labels = zip(*TRAIN, strict=True)
    with pytest.raises(StrategyError, match=r"^cascade \(members nonexistent\+tfidf\): "
                                            r"unknown strategy 'nonexistent'"):
        CascadeStrategy(members="nonexistent+tfidf").fit(txs(*descriptions), list(labels))


def test_a_cascade_whose_labels_its_members_do_not_share_is_damaged(tmp_path: Path) -> None:
    """An edited manifest ('X' for 'TRABALHO') is found at load, not as a traceback
    when the first row is classified."""
    from txcat.errors import ModelError

    descriptions, labels = zip(*TRAIN, strict=True)
    model = CascadeStrategy(members="tfidf+tfidf").fit(txs(*descriptions), list(labels))
    save_model(model, tmp_path / "c")
    set_manifest_labels(tmp_path / "c", ["LAZER", "NECESSIDADE", "X"])
    with pytest.raises(ModelError, match="'TRABALHO'"):
        load_model(tmp_path / "c")


def test_a_member_given_parameters_is_told_members_take_none() -> None:
    with pytest.raises(StrategyError, match=r"cascade: members are strategy names, each with "
                                            r"its default parameters; 'tfidf:C=5' gives some"):
        plugins.create_strategy("cascade", {"members": "tfidf:C=5+posto-rule"})


def test_classifys_advice_for_an_unusable_cascade_is_something_it_can_do() -> None:
    """classify has no -p: the way to other members is to train a cascade with them."""
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                       "--strategy", "cascade"])
    assert result.exit_code == 1
    assert "'txcat train --strategy cascade -p members=A+B'" in result.stderr
