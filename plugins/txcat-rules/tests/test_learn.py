"""Learning rules from labeled rows, and saving/loading them as a txcat model."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rules_helpers import txs, write
from txcat_rules import RULES_FILE, Rule, RulesStrategy
from txcat_rules.learn import specific_first
from txcat_rules.rules import tomllib

from txcat.errors import ModelError, StrategyError
from txcat.modeldir import load_model, save_model

# (description, label) rows, each case with what it must teach.
LABELED = [
    # 5 rows, 4 agree: share 0.8 is enough for the default min_share 0.8
    *[("Pix - AUTO POSTO ESTRADA REAL", "TRABALHO")] * 4,
    ("Pix - AUTO POSTO ESTRADA REAL", "LAZER"),
    # 3 rows, all agree
    *[("Compra no débito - Padaria Santa Luzia", "NECESSIDADE")] * 3,
    # 2 rows (= min_support), all agree
    ("Doceria Maria", "LAZER"), ("DOCERIA MARIA 02", "LAZER"),
    # 4 rows, 3 agree: 0.75 is under min_share, no rule
    *[("Compra no débito - Bar do Ze", "LAZER")] * 3,
    ("Compra no débito - Bar do Ze", "NECESSIDADE"),
    # 1 row: under min_support, no rule
    ("Loja Unica", "LAZER"),
]


def learned(**params: Any) -> RulesStrategy:
    rows = txs(*(d for d, _ in LABELED))
    return RulesStrategy(use_directory=False, **params).fit(rows, [label for _, label in LABELED])


def test_one_rule_per_agreed_counterpart_ordered_by_support() -> None:
    s = learned()
    assert s.rules_ == [
        Rule(label="TRABALHO", pattern="auto posto estrada real", support=5, share=0.8),
        Rule(label="NECESSIDADE", pattern="padaria santa luzia", support=3, share=1.0),
        Rule(label="LAZER", pattern="doceria maria", support=2, share=1.0),
    ]
    assert s.labels_ == ["LAZER", "NECESSIDADE", "TRABALHO"]
    assert s.predict(txs("Compra no crédito - Auto Posto Estrada Real 7", "padaria santa luzia",
                         "Bar do Ze")) == ["TRABALHO", "NECESSIDADE", "REVISAR"]
    assert s.matched(txs("Bar do Ze", "Loja Unica")) == [None, None]  # below the thresholds


def test_thresholds_are_parameters() -> None:
    patterns = [r.pattern for r in learned(min_support=3, min_share=0.75).rules_]
    assert patterns == ["auto posto estrada real", "bar ze", "padaria santa luzia"]
    bar = learned(min_share=0.7).rules_[1]
    assert (bar.pattern, bar.label, bar.support, bar.share) == ("bar ze", "LAZER", 4, 0.75)
    assert [r.pattern for r in learned(min_support=1, min_share=1.0).rules_] == [
        "padaria santa luzia", "doceria maria", "loja unica"]


def test_majority_label_wins_and_ties_go_alphabetically() -> None:
    rows = txs("Casa Bonita", "Casa Bonita", "Casa Bonita", "Casa Bonita")
    s = RulesStrategy(use_directory=False, min_share=0.5).fit(
        rows, ["TRABALHO", "LAZER", "TRABALHO", "LAZER"])
    assert s.rules_ == [Rule(label="LAZER", pattern="casa bonita", support=4, share=0.5)]


def test_a_specific_rule_goes_ahead_of_a_general_one_with_another_label() -> None:
    rows = txs(*["UBER *TRIP"] * 3, "UBER EATS PEDIDO", "Uber Eats")
    s = RulesStrategy(use_directory=False).fit(rows, ["TRABALHO"] * 3 + ["LAZER"] * 2)
    assert [(r.pattern, r.support) for r in s.rules_] == [("uber eats", 2), ("uber", 3)]
    assert s.predict(txs("UBER EATS 99", "UBER TRIP HELP")) == ["LAZER", "TRABALHO"]


def test_specific_first_is_stable_and_survives_cycles() -> None:
    a, b = Rule("X", pattern="posto"), Rule("Y", pattern="posto shell")
    same = Rule("X", pattern="posto central")
    assert specific_first([a, same, b]) == [b, a, same]
    cycle = [Rule("X", pattern="extra|posto shell"), Rule("Y", pattern="extra hiper|shell")]
    assert specific_first(cycle) == cycle
    regex = Rule("X", regex="posto")
    assert specific_first([regex, b]) == [regex, b]


def test_directory_chains_are_appended_unless_covered_or_contradicted() -> None:
    rows = txs(*["Carrefour Hiper 12"] * 3, "DROGASIL 123", *LABELED_DESCRIPTIONS)
    labels = ["LAZER"] * 3 + ["LAZER"] + LABELED_LABELS
    s = RulesStrategy().fit(rows, labels)
    # Carrefour: learned from the user's labels (LAZER, not the directory's NECESSIDADE),
    # written with the chain's aliases, and not added again from the directory.
    carrefour = [r for r in s.rules_ if "carrefour" in (r.pattern or "").split("|")]
    assert len(carrefour) == 1 and carrefour[0].label == "LAZER" and carrefour[0].support == 3
    assert "carrefour hiper" in (carrefour[0].pattern or "").split("|")
    # Drogasil: one row the user labeled LAZER; the directory's NECESSIDADE is not forced on it.
    assert not [r for r in s.rules_ if "drogasil" in (r.pattern or "").split("|")]
    # Netflix: never seen; the directory rule answers.
    netflix = [r for r in s.rules_ if (r.pattern or "").startswith("netflix|")]
    assert netflix and netflix[0].support is None and netflix[0].note
    assert s.predict(txs("NETFLIX.COM", "Carrefour Bairro")) == ["LAZER", "LAZER"]
    learned_count = sum(r.support is not None for r in s.rules_)
    assert all(r.support is not None for r in s.rules_[:learned_count])  # learned ones first


def test_directory_rules_only_use_labels_of_the_label_set() -> None:
    s = RulesStrategy().fit(txs("Padaria Santa Luzia", "Bar do Ze"), ["NECESSIDADE", "LAZER"])
    assert {r.label for r in s.rules_} <= {"LAZER", "NECESSIDADE"}
    assert s.matched(txs("KALUNGA 123")) == [None]  # a TRABALHO chain, not in this label set
    wider = RulesStrategy(labels="LAZER,NECESSIDADE,TRABALHO").fit(
        txs("Padaria Santa Luzia"), ["NECESSIDADE"])
    assert wider.labels_ == ["LAZER", "NECESSIDADE", "TRABALHO"]
    assert wider.predict(txs("KALUNGA 123")) == ["TRABALHO"]


def test_nothing_learned_warns_and_answers_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        s = RulesStrategy(use_directory=False).fit(txs("a b", "c d"), ["LAZER", "TRABALHO"])
    assert s.rules_ == [] and "no rule learned" in caplog.text
    np.testing.assert_allclose(s.predict_proba(txs("a b")), [[0.0, 0.0]])


def test_one_label_only_and_no_rows() -> None:
    s = RulesStrategy(use_directory=False).fit(txs("Padaria X", "Padaria X"), ["NECESSIDADE"] * 2)
    np.testing.assert_allclose(s.predict_proba(txs("Padaria X", "other")), [[1.0], [1.0]])
    with pytest.raises(StrategyError, match="no training rows"):
        RulesStrategy().fit([], [])


def test_unfitted_without_a_rules_file_says_what_to_do() -> None:
    with pytest.raises(StrategyError, match=r"no rules yet: give -p rules_file=RULES.toml"):
        RulesStrategy().predict(txs("x"))


# -- saving and loading --------------------------------------------------------------------
LABELED_DESCRIPTIONS = [d for d, _ in LABELED]
LABELED_LABELS = [label for _, label in LABELED]
PROBE = txs("AUTO POSTO ESTRADA REAL", "Padaria Santa Luzia", "Netflix", "Uber Eats", "nothing",
            "IFD*BURGER KING", "Carrefour Express 12")


def test_learn_save_load_gives_the_same_predictions(tmp_path: Path, registered: None) -> None:
    s = RulesStrategy(confidence=0.9).fit(txs(*LABELED_DESCRIPTIONS), LABELED_LABELS)
    save_model(s, tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == [RULES_FILE, "txcat.json"]
    manifest = json.loads((tmp_path / "model" / "txcat.json").read_text(encoding="utf-8"))
    assert manifest["strategy"] == "rules" and manifest["params"]["confidence"] == 0.9
    written = tomllib.loads((tmp_path / "model" / RULES_FILE).read_text(encoding="utf-8"))
    assert len(written["rule"]) == len(s.rules_)

    loaded = load_model(tmp_path / "model")
    assert isinstance(loaded, RulesStrategy)
    assert loaded.rules_ == s.rules_ and loaded.labels_ == s.labels_
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), s.predict_proba(PROBE))
    assert loaded.matched(PROBE) == s.matched(PROBE)


def test_a_model_from_a_rules_file_does_not_need_the_file_later(
        tmp_path: Path, registered: None) -> None:
    text = ('# my rules\n[[rule]]\nregex = "\\\\bIFD\\\\*"  # iFood\nlabel = "LAZER"\n'
            '[[rule]]\npattern = "posto"\nlabel = "TRABALHO"\n')
    rules = write(tmp_path / "mine.toml", text)
    s = RulesStrategy(rules_file=rules)
    save_model(s, tmp_path / "model")  # never fitted: usable from the file alone
    rules.unlink()
    assert (tmp_path / "model" / RULES_FILE).read_text(encoding="utf-8") == text  # as written
    loaded = load_model(tmp_path / "model")
    assert loaded.predict(PROBE[:1] + PROBE[5:6]) == ["TRABALHO", "LAZER"]
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), s.predict_proba(PROBE))


@pytest.mark.parametrize(("damage", "message"), [
    ('[[rule]]\npattern = "x"\nlabel = "OUTRO"\n', r"rule 1: label 'OUTRO' is not in"),
    ("[[rule]\n", r"not valid TOML"),
    (None, rf"{RULES_FILE} is missing"),
])
def test_a_damaged_model_is_a_model_error(tmp_path: Path, registered: None,
                                          damage: str | None, message: str) -> None:
    save_model(learned(), tmp_path / "model")
    path = tmp_path / "model" / RULES_FILE
    if damage is None:
        path.unlink()
    else:
        path.write_text(damage, encoding="utf-8")
    with pytest.raises(ModelError, match=message):
        load_model(tmp_path / "model")
