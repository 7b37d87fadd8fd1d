"""zero-shot: nearest label description by embeddings, no labeled rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from click.testing import CliRunner
from helpers import SAMPLES, set_manifest_param
from tiny_models import build_tiny_bert

from txcat.cli import main
from txcat.errors import ModelError, StrategyError
from txcat.modeldir import load_model, save_model
from txcat.strategies.zero_shot import ZeroShotStrategy
from txcat.transactions import Transaction

DESCRIPTIONS = {"LAZER": ["saida | pizzaria bella"], "NECESSIDADE": ["saida | padaria sol"],
                "TRABALHO": ["saida | posto shell", "saida | estacionamento centro"]}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("zero-shot")
    words = [t for texts in DESCRIPTIONS.values() for t in texts]
    base = build_tiny_bert(root / "encoder", words)
    descriptions = root / "descriptions.json"
    descriptions.write_text(json.dumps(DESCRIPTIONS), encoding="utf-8")
    return str(base), str(descriptions)


def tx(description: str) -> Transaction:
    return Transaction(description=description, amount=-10.0)


def model(setup: tuple[str, str]) -> ZeroShotStrategy:
    base, descriptions = setup
    return ZeroShotStrategy(base_model=base, descriptions_file=descriptions,
                            directory_hints=False, device="cpu").fit([], [])


def test_a_row_worded_like_a_description_gets_its_label(setup: tuple[str, str]) -> None:
    # Identical text -> identical embedding -> cosine 1, the maximum: a property of the
    # method, whatever the (here random) encoder weights.
    m = model(setup)
    rows = [tx("Pizzaria Bella"), tx("Padaria Sol"), tx("Estacionamento Centro")]
    assert m.labels_ == ["LAZER", "NECESSIDADE", "TRABALHO"]
    assert m.predict(rows) == ["LAZER", "NECESSIDADE", "TRABALHO"]
    proba = m.predict_proba(rows)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_save_load_round_trip(setup: tuple[str, str], tmp_path: Path) -> None:
    m = model(setup)
    save_model(m, tmp_path / "zs")
    assert json.loads((tmp_path / "zs" / "descriptions.json").read_text()) == DESCRIPTIONS
    loaded = load_model(tmp_path / "zs")
    rows = [tx("Pizzaria Bella"), tx("Posto Shell Centro")]
    np.testing.assert_allclose(loaded.predict_proba(rows), m.predict_proba(rows), atol=1e-6)


def test_rows_longer_than_the_encoder_reads_are_cut(setup: tuple[str, str]) -> None:
    """The tiny encoder has 64 positions; -p max_length=100000 cut nothing, and a long
    description was a RuntimeError traceback deep in the model."""
    base, descriptions = setup
    m = ZeroShotStrategy(base_model=base, descriptions_file=descriptions,
                         directory_hints=False, device="cpu", max_length=100_000).fit([], [])
    assert m.predict([tx("Pizzaria Bella " * 100)]) == ["LAZER"]


def test_an_encoder_named_by_a_relative_path_loads_from_any_folder(
        setup: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`txcat train --base-model encoder` recorded 'encoder' and classify, run from
    anywhere else, looked for it there (and then on the Hub)."""
    base, descriptions = setup
    monkeypatch.chdir(Path(base).parent)
    m = ZeroShotStrategy(base_model=Path(base).name, descriptions_file=descriptions,
                         directory_hints=False, device="cpu").fit([], [])
    save_model(m, tmp_path / "zs")
    monkeypatch.chdir(tmp_path)
    assert load_model(tmp_path / "zs").predict([tx("Padaria Sol")]) == ["NECESSIDADE"]


def test_a_saved_model_whose_encoder_cannot_be_loaded_says_where_to_name_a_copy(
        setup: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """classify has no --base-model, which the message told the user to pass."""
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    save_model(model(setup), tmp_path / "zs")
    manifest_path = set_manifest_param(tmp_path / "zs", "base_model", "someorg/bert-pt")
    with pytest.raises(ModelError) as error:
        load_model(tmp_path / "zs")
    assert "pass the folder as base_model in " + str(manifest_path) in str(error.value)
    assert "--base-model" not in str(error.value)


def test_labels_without_a_description_are_refused(setup: tuple[str, str]) -> None:
    base, descriptions = setup
    strategy = ZeroShotStrategy(base_model=base, descriptions_file=descriptions)
    with pytest.raises(StrategyError, match="no description for label"):
        strategy.fit([tx("x")], ["VIAGEM"])


@pytest.mark.parametrize("content", ["[]", "{\"LAZER\": []}", "not json"])
def test_bad_descriptions_files_are_clear_errors(content: str, tmp_path: Path,
                                                 setup: tuple[str, str]) -> None:
    path = tmp_path / "d.json"
    path.write_text(content)
    with pytest.raises(StrategyError, match=r"d\.json"):
        ZeroShotStrategy(base_model=setup[0], descriptions_file=str(path)).fit([], [])


def test_a_label_written_twice_in_the_descriptions_file_is_refused(tmp_path: Path,
                                                                  setup: tuple[str, str]) -> None:
    """'lazer' and 'LAZER' are one label: the first one's descriptions were dropped
    without a word."""
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"lazer": ["cinema"], "LAZER": ["bar"],
                                "NECESSIDADE": ["padaria"]}))
    with pytest.raises(StrategyError, match=r"d\.json: label LAZER is written twice "
                                            r"\('lazer', 'LAZER'\)"):
        ZeroShotStrategy(base_model=setup[0], descriptions_file=str(path)).fit([], [])


def test_classify_with_zero_shot_needs_no_labeled_rows() -> None:
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"), "--strategy",
                                       "zero-shot"])
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0] == "código,informação" and len(rows) == 11
    assert {r.split(",")[1] for r in rows[1:]} <= {"LAZER", "NECESSIDADE", "TRABALHO"}


def test_train_warns_of_exactly_the_labels_the_model_cannot_answer(
        setup: tuple[str, str], tmp_path: Path) -> None:
    """zero-shot's labels come from its descriptions, not from rows: a label with a
    description but no row was said to be one 'this model can never answer'."""
    base, _ = setup
    descriptions = tmp_path / "d.json"
    descriptions.write_text(json.dumps({**DESCRIPTIONS, "OUTRO": ["saida | loja x"]}),
                            encoding="utf-8")
    labeled = tmp_path / "l.csv"
    labeled.write_text("data,valor,codigo,descricao,label\n"
                       "03/09/2024,-5.00,a1,Padaria Sol,NECESSIDADE\n"
                       "04/09/2024,-9.00,a2,Pizzaria Bella,LAZER\n", encoding="utf-8")
    common = ["train", str(labeled), "--strategy", "zero-shot", "-p", f"base_model={base}",
              "-p", "device=cpu"]
    result = CliRunner().invoke(main, [*common, "-p", f"descriptions_file={descriptions}",
                                       "--labels", "LAZER,NECESSIDADE,TRABALHO,OUTRO",
                                       "-o", str(tmp_path / "m1")])
    assert result.exit_code == 0, result.output
    assert "never answer" not in result.stderr  # TRABALHO and OUTRO have descriptions
    assert json.loads((tmp_path / "m1" / "txcat.json").read_text())["labels"] == [
        "LAZER", "NECESSIDADE", "OUTRO", "TRABALHO"]
    result = CliRunner().invoke(main, [*common, "-p", f"descriptions_file={setup[1]}",
                                       "--labels", "LAZER,NECESSIDADE,TRABALHO,OUTRO",
                                       "-o", str(tmp_path / "m2")])
    assert "TRABALHO" not in result.stderr  # described: zero-shot answers it
    assert "OUTRO never appears in the training rows: this model can never answer it" \
        in result.stderr
