from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import TRAIN, set_manifest_labels, txs

from txcat.errors import ModelError, StrategyError
from txcat.merchants import Merchant, MerchantMatcher
from txcat.modeldir import MANIFEST, load_model, read_manifest, save_model
from txcat.strategies.tfidf import TfidfStrategy


def fitted(**params: object) -> TfidfStrategy:
    descriptions, labels = zip(*TRAIN, strict=True)
    return TfidfStrategy(**params).fit(txs(*descriptions), list(labels))  # type: ignore[arg-type]


def test_learns_kind_words_and_generalises_to_new_names() -> None:
    model = fitted(directory=False)
    new = txs("Compra no débito - Supermercado Novo Dia", "Compra no crédito - Pizzaria Napoli",
              "Compra no débito - Auto Posto Boa Viagem")
    assert model.predict(new) == ["NECESSIDADE", "LAZER", "TRABALHO"]


def test_predict_proba_columns_follow_labels_and_rows_sum_to_one() -> None:
    model = fitted(directory=False)
    proba = model.predict_proba(txs("Pizzaria Napoli", "Posto Shell", "Mercado X"))
    assert model.labels_ == ["LAZER", "NECESSIDADE", "TRABALHO"]
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert model.predict_proba([]).shape == (0, 3)


def test_save_load_round_trip_gives_identical_probabilities(tmp_path: Path) -> None:
    model = fitted()
    save_model(model, tmp_path / "m", training={"rows": len(TRAIN)})
    loaded = load_model(tmp_path / "m")
    probe = txs("Compra no débito - Supermercado Novo Dia", "Uber Trip", "Netflix.com")
    np.testing.assert_allclose(loaded.predict_proba(probe), model.predict_proba(probe),
                               rtol=1e-6)
    manifest = json.loads((tmp_path / "m" / MANIFEST).read_text())
    assert manifest["strategy"] == "tfidf"
    assert manifest["labels"] == ["LAZER", "NECESSIDADE", "TRABALHO"]
    assert manifest["params"]["C"] == model.C
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "tfidf.json", "tfidf.npz", "txcat.json"]


def test_saved_arrays_hold_no_pickled_objects(tmp_path: Path) -> None:
    save_model(fitted(), tmp_path / "m")
    with np.load(tmp_path / "m" / "tfidf.npz", allow_pickle=False) as arrays:
        assert all(arrays[k].dtype != object for k in arrays.files)


def test_one_label_only_always_predicts_it() -> None:
    model = TfidfStrategy().fit(txs("Posto A", "Posto B"), ["TRABALHO", "TRABALHO"])
    assert model.predict(txs("Restaurante Z")) == ["TRABALHO"]


def test_two_labels_give_two_probability_columns() -> None:
    model = TfidfStrategy(directory=False).fit(
        txs("Posto A", "Posto B", "Restaurante C", "Restaurante D"),
        ["TRABALHO", "TRABALHO", "LAZER", "LAZER"])
    proba = model.predict_proba(txs("Posto E", "Restaurante F"))
    assert proba.shape == (2, 2)
    assert model.predict(txs("Posto E", "Restaurante F")) == ["TRABALHO", "LAZER"]


def test_no_training_rows_is_a_clear_error() -> None:
    with pytest.raises(StrategyError, match="no training rows"):
        TfidfStrategy().fit([], [])


def test_unfitted_strategy_says_so() -> None:
    with pytest.raises(StrategyError, match="not fitted"):
        TfidfStrategy().predict(txs("x"))


def test_damaged_or_foreign_model_directories_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such model directory"):
        load_model(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(ModelError, match="not a txcat model directory"):
        load_model(tmp_path / "plain")
    save_model(fitted(), tmp_path / "m")
    (tmp_path / "m" / "tfidf.npz").unlink()
    with pytest.raises(ModelError, match="missing or damaged"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / MANIFEST).write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        read_manifest(tmp_path / "m")


def test_save_refuses_to_overwrite_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_text("precious")
    with pytest.raises(ModelError, match="not a txcat model directory"):
        save_model(fitted(), tmp_path / "docs")
    assert (tmp_path / "docs" / "thesis.txt").read_text() == "precious"


def test_directory_tokens_name_label_and_kind_of_matched_merchants() -> None:
    matcher = MerchantMatcher([
        (Merchant("Drogasil", "farmacia", "NECESSIDADE", "chain"), ["DROGASIL", "RAIA DROGASIL"]),
        (Merchant("padaria", "padaria", "NECESSIDADE", "generic"), ["padaria", "panificadora"]),
        (Merchant("Uber", "transporte_app", "TRABALHO", "chain"), ["UBER *TRIP", "UBER"]),
    ])
    assert [m.name for m in matcher.find("Compra RAIA DROGASIL 123 SAO PAULO")] == ["Drogasil"]
    assert [m.name for m in matcher.find("PANIFICADORA ESTRELA")] == ["padaria"]
    assert [m.name for m in matcher.find("Uber *Trip help.uber.com")] == ["Uber"]
    assert matcher.find("Superuber Lanches") == []  # whole words only
    assert matcher.feature_tokens("Uber *Trip") == ["dirchain_trabalho",
                                                    "dirkind_transporte_app"]


@pytest.mark.parametrize("damage", [
    "truncate-arrays", "manifest-is-a-list", "unknown-param", "labels-is-a-string",
    "fewer-labels-than-weights", "weights-of-another-shape", "weights-as-text",
    "weights-not-finite", "a-label-twice", "an-empty-label", "a-blank-label",
])
def test_damaged_model_directories_are_model_errors(damage: str, tmp_path: Path) -> None:
    directory = tmp_path / "m"
    save_model(fitted(), directory)
    manifest_path = directory / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    if damage == "truncate-arrays":
        blob = (directory / "tfidf.npz").read_bytes()
        (directory / "tfidf.npz").write_bytes(blob[:1000])
    elif damage == "manifest-is-a-list":
        manifest_path.write_text("[]")
    elif damage == "unknown-param":
        manifest["params"]["foo"] = 1
    elif damage == "labels-is-a-string":
        manifest["labels"] = "LAZER"
    elif damage == "fewer-labels-than-weights":
        manifest["labels"] = ["LAZER", "TRABALHO"]
    elif damage == "a-label-twice":
        manifest["labels"] = ["LAZER", "LAZER", "TRABALHO"]
    elif damage == "an-empty-label":
        manifest["labels"] = ["LAZER", "", "TRABALHO"]
    elif damage == "a-blank-label":
        manifest["labels"] = ["LAZER", "NECESSIDADE", "  "]
    else:
        with np.load(directory / "tfidf.npz") as arrays:
            state = dict(arrays)
        if damage == "weights-as-text":
            state["coef"] = state["coef"].astype(str)
        elif damage == "weights-not-finite":
            state["coef"][0, 0] = np.nan
        else:
            state["coef"] = state["coef"][:, :10]
        np.savez(directory / "tfidf.npz", **state)
    if damage in ("unknown-param", "labels-is-a-string", "fewer-labels-than-weights",
                  "a-label-twice", "an-empty-label", "a-blank-label"):
        manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ModelError):
        load_model(directory)


@pytest.mark.parametrize("params, message", [
    ({"C": ""}, "C must be a positive number"),
    ({"C": -1}, "C must be a positive number"),
    ({"C": float("inf")}, "C must be a positive number"),  # would be 'Infinity' in txcat.json
    ({"char_ngrams": 1}, "char_ngrams must be an integer from 2"),
    ({"word_ngrams": 0}, "word_ngrams must be an integer from 1"),
    ({"min_df": 0}, "min_df must be an integer from 1"),
    ({"directory": "maybe"}, "directory must be true or false"),
])
def test_bad_parameters_are_strategy_errors(params: dict[str, object], message: str) -> None:
    from txcat.plugins import create_strategy

    with pytest.raises(StrategyError, match=message):
        create_strategy("tfidf", params)


def test_saving_twice_leaves_neighbouring_folders_alone(tmp_path: Path) -> None:
    (tmp_path / ".m.old").mkdir()
    (tmp_path / ".m.old" / "notes.txt").write_text("precious")
    save_model(fitted(), tmp_path / "m")
    save_model(fitted(), tmp_path / "m")
    assert (tmp_path / ".m.old" / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".m.old", "m"]


def test_a_model_can_be_saved_into_the_current_folder_by_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    save_model(fitted(), ".")
    assert (tmp_path / "here" / MANIFEST).exists()


def test_a_min_df_above_the_training_rows_says_so() -> None:
    from txcat.plugins import create_strategy

    rows = txs("Padaria", "Cinema", "Posto")
    with pytest.raises(StrategyError, match=r"tfidf: min_df 10 is more than the 3 training "
                                            r"rows; no word would be kept"):
        create_strategy("tfidf", {"min_df": 10}).fit(rows, ["NECESSIDADE", "LAZER", "TRABALHO"])


def test_labels_reordered_in_the_manifest_are_refused_not_swapped(tmp_path: Path) -> None:
    """The weights' rows follow the labels the model was trained with: a manifest
    listing them in another order would swap the answers without a word."""
    save_model(fitted(), tmp_path / "m")
    set_manifest_labels(tmp_path / "m", ["TRABALHO", "NECESSIDADE", "LAZER"])
    with pytest.raises(ModelError, match="do not match"):
        load_model(tmp_path / "m")


@pytest.mark.parametrize("index", [999_999, -1, "x", 1.5])
def test_a_vocabulary_index_out_of_place_is_damage_found_at_load(index: object,
                                                                  tmp_path: Path) -> None:
    save_model(fitted(), tmp_path / "m")
    state = json.loads((tmp_path / "m" / "tfidf.json").read_text())
    state["char_vocabulary"][next(iter(state["char_vocabulary"]))] = index
    (tmp_path / "m" / "tfidf.json").write_text(json.dumps(state))
    with pytest.raises(ModelError, match="missing or damaged"):
        load_model(tmp_path / "m")


@pytest.mark.parametrize("bad", [None, "", "  ", 3])
def test_a_label_that_is_not_text_is_refused_at_fit(bad: object) -> None:
    """From the Python API nothing stands between a column of None and the model: it
    would learn None as a label and answer it."""
    descriptions, labels = zip(*TRAIN, strict=True)
    given = [*labels[:-1], bad]
    with pytest.raises(StrategyError, match=rf"label of row {len(labels)} is {bad!r}; "
                                            "labels are non-empty text"):
        TfidfStrategy().fit(txs(*descriptions), given)  # type: ignore[arg-type]


def test_saving_over_a_model_folder_keeps_the_users_own_files(tmp_path: Path) -> None:
    """A model folder is replaced whole: a file the user put there (notes.txt) was
    deleted without a word. The manifest lists the model's files, so any other file
    stops the save, before training when it comes from 'txcat train'."""
    from txcat.modeldir import check_model_target

    save_model(fitted(), tmp_path / "m")
    listed = json.loads((tmp_path / "m" / MANIFEST).read_text())["files"]
    assert sorted(listed) == ["tfidf.json", "tfidf.npz"]
    (tmp_path / "m" / ".DS_Store").write_bytes(b"\0")  # a file browser's: not data
    save_model(fitted(), tmp_path / "m")  # the model's own files: replaced as before
    (tmp_path / "m" / "notas.txt").write_text("meus comentários")
    with pytest.raises(ModelError, match=r"m: holds files that are not the model's "
                                         r"\(notas.txt\)"):
        check_model_target(tmp_path / "m")
    with pytest.raises(ModelError, match="not the model's"):
        save_model(fitted(), tmp_path / "m")
    assert (tmp_path / "m" / "notas.txt").read_text() == "meus comentários"


def test_a_label_not_in_txcats_form_is_refused_at_fit() -> None:
    """Files' labels are read upper-case and stripped; from the Python API 'lazer'
    made a cascade of rules (which upper-cases) and tfidf (which did not) answer six
    labels. The error says how to put them in that form."""
    descriptions, labels = zip(*TRAIN, strict=True)
    given = [label.lower() for label in labels]
    with pytest.raises(StrategyError, match=r"label of row 1 is '\w+'; labels are upper-case "
                                            r"without surrounding spaces \('[A-Z]+'\): "
                                            r"txcat.labels.normalise_label gives that form"):
        TfidfStrategy().fit(txs(*descriptions), given)


def test_a_min_df_no_word_reaches_says_so_in_txcat_s_terms() -> None:
    """scikit-learn's message names max_df, which is no txcat parameter."""
    rows = txs("Padaria Sol", "Pizzaria Lua", "Posto Mar", "Mercado Rio")
    with pytest.raises(StrategyError, match=r"^tfidf: min_df 4 keeps no word: none is in 4 "
                                            r"of the 4 training rows; use a lower min_df$"):
        TfidfStrategy(min_df=4).fit(rows, ["NECESSIDADE", "LAZER", "TRABALHO", "NECESSIDADE"])
