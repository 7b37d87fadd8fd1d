"""The bert strategy on a tiny BERT built offline: it learns, saves, loads, and fails clearly."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from helpers import drop_weights, set_manifest_labels
from tiny_models import (
    build_tiny_bert,
    build_tiny_bertimbau,
    build_tiny_decoder,
    build_tiny_roberta,
)

from txcat.errors import ModelError, StrategyError
from txcat.modeldir import load_model, save_model
from txcat.plugins import create_strategy
from txcat.strategies.bert import BertStrategy, as_a_bank_might_print
from txcat.strategies.early_stopping import EarlyStopping
from txcat.strategies.neural import encoder_text
from txcat.transactions import Transaction

KINDS = {"padaria": "NECESSIDADE", "pizzaria": "LAZER", "posto": "TRABALHO"}
NAMES = ["sol", "lua", "mar", "rio", "luz", "paz", "flor", "serra", "vale", "sul", "norte",
         "ouro", "prata", "bela", "nova", "alta", "boa", "real", "leste", "oeste"]


def rows(names: list[str]) -> tuple[list[Transaction], list[str]]:
    txs, labels = [], []
    for i, (kind, label) in enumerate(KINDS.items()):
        for name in names:
            txs.append(Transaction(description=f"Compra no débito - {kind.title()} {name}",
                                   amount=-10.0, row=i))
            labels.append(label)
    return txs, labels


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> str:
    txs, _ = rows(NAMES)
    texts = [encoder_text(t, hints=False) for t in txs] + ["entrada ?"]
    return str(build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), texts))


def tiny(base: str, **extra: object) -> BertStrategy:
    params = dict(base_model=base, epochs=40, learning_rate=3e-3, batch_size=16,
                  validation_fraction=0.0, directory_hints=False, precision="fp32",
                  device="cpu", warmup_fraction=0.0,
                  augment=0.0)  # cut words are unknown to a tiny vocabulary
    params.update(extra)
    return BertStrategy(**params)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fitted(tiny_base: str) -> BertStrategy:
    random.seed(0)
    txs, labels = rows(NAMES[:15])
    return tiny(tiny_base).fit(txs, labels)


def test_the_loss_falls_and_unseen_names_are_labeled_right(fitted: BertStrategy) -> None:
    history = fitted.history_
    assert history[-1]["train_loss"] < history[0]["train_loss"] / 5
    txs, labels = rows(NAMES[15:])  # names never seen in training
    assert fitted.predict(txs) == labels


def test_save_load_round_trip_offline(fitted: BertStrategy, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    save_model(fitted, tmp_path / "m")
    names = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert "model.safetensors" in names and "txcat.json" in names
    assert not any(n.endswith((".bin", ".pt", ".pkl")) for n in names)
    loaded = load_model(tmp_path / "m")
    probe, _ = rows(NAMES[15:])
    np.testing.assert_allclose(loaded.predict_proba(probe), fitted.predict_proba(probe),
                               atol=1e-5)


def test_a_portuguese_bert_laid_out_as_on_the_hub_is_used_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """neuralmind/bert-base-portuguese-cased as its Hub folder holds it: pickled
    BertForPreTraining weights, a cased vocab.txt and no tokenizer.json."""
    import torch

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    txs, _ = rows(NAMES)
    base = build_tiny_bertimbau(tmp_path / "bertimbau",
                                [encoder_text(t, hints=False) for t in txs] + ["entrada ?"])
    checkpoint = torch.load(base / "pytorch_model.bin", weights_only=True)
    # The encoder starts from the checkpoint's weights, not from a random draw.
    still = tiny(str(base), epochs=1, learning_rate=1e-12).fit(*rows(NAMES[:15]))
    for key in ("embeddings.word_embeddings.weight", "encoder.layer.1.output.dense.weight"):
        np.testing.assert_allclose(still.model_.bert.get_parameter(key).detach().numpy(),
                                   checkpoint[f"bert.{key}"].numpy(), atol=1e-6)
    random.seed(0)
    fitted = tiny(str(base)).fit(*rows(NAMES[:15]))
    probe, labels = rows(NAMES[15:])
    assert fitted.predict(probe) == labels
    save_model(fitted, tmp_path / "m")
    names = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert "model.safetensors" in names and "tokenizer.json" in names
    assert not any(n.endswith(".bin") for n in names)
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(probe),
                               fitted.predict_proba(probe), atol=1e-6)


def test_a_saved_model_records_how_it_reads_rows(fitted: BertStrategy,
                                                 tmp_path: Path) -> None:
    save_model(fitted, tmp_path / "m")
    params = json.loads((tmp_path / "m" / "txcat.json").read_text())["params"]
    assert params["pooling"] == "mean" and params["amount_hint"] is True


def test_a_model_saved_before_pooling_and_amounts_loads_as_it_was_trained(
        tiny_base: str, tmp_path: Path) -> None:
    txs, labels = rows(NAMES[:15])
    old = tiny(tiny_base, epochs=5, pooling="model", amount_hint=False).fit(txs, labels)
    save_model(old, tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / "txcat.json").read_text())
    for setting in ("pooling", "amount_hint"):  # as written before these settings existed
        del manifest["params"][setting]
    (tmp_path / "m" / "txcat.json").write_text(json.dumps(manifest))
    loaded = load_model(tmp_path / "m")
    probe, _ = rows(NAMES[15:])
    np.testing.assert_allclose(loaded.predict_proba(probe), old.predict_proba(probe),
                               atol=1e-5)


def test_a_decoder_without_a_padding_token_pads_with_its_end_token(tmp_path: Path) -> None:
    """Llama, Mistral and GPT-2 have no padding token: given to bert, training failed
    with transformers' advice to set tokenizer.pad_token, which no option reaches."""
    from transformers import AutoTokenizer

    txs, labels = rows(NAMES[:15])
    base = build_tiny_decoder(tmp_path / "llama", [encoder_text(t, hints=False) for t in txs])
    tokenizer = AutoTokenizer.from_pretrained(base)
    tokenizer.pad_token = None
    tokenizer.save_pretrained(base)
    config = json.loads((base / "config.json").read_text())
    del config["pad_token_id"]
    (base / "config.json").write_text(json.dumps(config))
    model = tiny(str(base), epochs=2).fit(txs, labels)
    save_model(model, tmp_path / "m")
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(txs),
                               model.predict_proba(txs), atol=1e-5)


def test_a_head_that_cannot_be_mean_pooled_keeps_its_own(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    txs, _ = rows(NAMES)
    base = build_tiny_roberta(tmp_path / "roberta", [encoder_text(t, hints=False)
                                                     for t in txs])
    model = tiny(str(base)).fit(*rows(NAMES[:15]))
    assert model.pooling_ == "model"
    assert "no BERT-style head" in caplog.text
    assert model.history_[-1]["train_loss"] < model.history_[0]["train_loss"] / 2
    probe, _ = rows(NAMES[15:])
    np.testing.assert_allclose(model.predict_proba(probe).sum(axis=1), 1.0, atol=1e-5)


def test_a_model_whose_labels_disagree_with_its_manifest_is_refused(fitted: BertStrategy,
                                                                    tmp_path: Path) -> None:
    save_model(fitted, tmp_path / "m")
    set_manifest_labels(tmp_path / "m", ["LAZER", "TRABALHO", "NECESSIDADE"])
    with pytest.raises(ModelError, match="do not match"):
        load_model(tmp_path / "m")


@pytest.mark.parametrize("lost", ["classifier.", "encoder.layer.1."])
def test_a_model_missing_some_of_its_weights_is_refused(fitted: BertStrategy, tmp_path: Path,
                                                        lost: str) -> None:
    """transformers fills weights missing from the file with random ones, and its note
    saying so is silenced: every row was labeled at random without a word."""
    save_model(fitted, tmp_path / "m")
    drop_weights(tmp_path / "m" / "model.safetensors", lost)
    with pytest.raises(ModelError, match=rf"weights lack .*{lost}"):
        load_model(tmp_path / "m")


def test_prediction_encodes_each_distinct_text_once(fitted: BertStrategy) -> None:
    stages: list[tuple[str, int, int]] = []
    fitted.progress = lambda stage, done, total: stages.append((stage, done, total))
    try:
        txs, _ = rows(NAMES[15:16])
        proba = fitted.predict_proba(txs * 50)  # 150 rows, 3 distinct texts
    finally:
        fitted.progress = None
    assert proba.shape == (150, 3)
    assert stages[-1] == ("predict", 3, 3)


def test_rows_longer_than_the_model_reads_are_cut_whatever_max_length_asks(
        tiny_base: str) -> None:
    """The tiny BERT has 64 positions: -p max_length=100000 cut nothing, and a long
    description was a RuntimeError traceback deep in the model."""
    txs, labels = rows(NAMES[:3])
    long = Transaction(description="Compra no débito - Padaria " + "sol lua " * 100,
                       amount=-10.0)
    model = tiny(tiny_base, epochs=1, max_length=100_000).fit([*txs, long],
                                                                [*labels, "NECESSIDADE"])
    assert model.predict_proba([long]).shape == (1, 3)


@pytest.mark.parametrize("strategy", ["bert", "zero-shot"])
@pytest.mark.parametrize("max_length", [0, 1, 2])
def test_a_max_length_too_short_to_hold_a_word_is_refused(strategy: str,
                                                          max_length: int) -> None:
    """Below its special tokens' count the tokenizer cuts nothing at all."""
    with pytest.raises(StrategyError, match="max_length must be at least 3"):
        create_strategy(strategy, {"max_length": max_length})


def test_validation_holds_out_whole_merchants_and_stops_early(tiny_base: str) -> None:
    txs, labels = rows(NAMES)
    model = tiny(tiny_base, epochs=60, validation_fraction=0.25, patience=2,
                 learning_rate=1e-2).fit(txs, labels)
    assert all("validation_loss" in h for h in model.history_)
    assert len(model.history_) < 60  # stopped before the last epoch


def test_the_amount_s_size_tells_apart_rows_whose_words_are_the_same(
        tmp_path: Path) -> None:
    """A Pix of R$ 45 from a person is a friend's share of a bill (LAZER), one of
    R$ 3.200 is pay (TRABALHO): the same words, told apart by the amount's magnitude."""
    txs, labels = [], []
    for name in NAMES:
        for amount, label in ((45.0, "LAZER"), (3200.0, "TRABALHO")):
            txs.append(Transaction(description=f"Pix recebido - {name}", amount=amount))
            labels.append(label)
    base = build_tiny_bert(tmp_path / "base",
                           [encoder_text(t, hints=False, amount=True) for t in txs])
    model = tiny(str(base), amount_hint=True).fit(txs[:30], labels[:30])
    assert model.predict(txs[30:]) == labels[30:]  # people never seen in training
    assert encoder_text(txs[0], amount=True).startswith("entrada dezenas | ")


def test_training_rows_are_also_seen_cut_and_glued_as_banks_print_them() -> None:
    description = "Compra no débito - PADARIA E CONFEITARIA TRIGO DA ILHA 04/08"
    rng = random.Random(0)
    printed = {as_a_bank_might_print(description, rng) for _ in range(200)}
    assert len(printed) > 20
    assert any("PADAR " in p for p in printed)  # cut
    assert any("TRIGODA" in p for p in printed)  # glued
    for p in printed:
        assert p.startswith("Comp") and p.endswith("ILHA 04/08") and " - " in p
        original = iter(description.replace(" ", ""))  # what is left keeps its order
        assert all(ch in original for ch in p.replace(" ", ""))
        for word in description.split():
            assert word[:4] in p  # no word loses its first four letters


def test_training_sees_each_distinct_row_as_a_bank_might_print_it(
        tiny_base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import txcat.strategies.bert as bert_module

    printed: list[str] = []

    def recording(description: str, rng: random.Random) -> str:
        printed.append(description)
        return as_a_bank_might_print(description, rng)

    monkeypatch.setattr(bert_module, "as_a_bank_might_print", recording)
    txs, labels = rows(NAMES[:5])
    tiny(tiny_base, epochs=1, augment=0.5).fit(txs + txs, labels + labels)
    assert sorted(printed) == sorted(t.description for t in txs)  # once per distinct row
    printed.clear()
    tiny(tiny_base, epochs=1).fit(txs, labels)
    assert printed == []


def test_an_unknown_base_model_is_a_clear_error(tmp_path: Path) -> None:
    txs, labels = rows(NAMES[:3])
    with pytest.raises(ModelError, match=r"cannot load tokenizer .*pass the folder as "
                                         r"--base-model DIR"):
        BertStrategy(base_model="no-such-org/no-such-model-xyz").fit(txs, labels)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="does not hold a transformers model"):
        BertStrategy(base_model=str(tmp_path / "empty")).fit(txs, labels)


@pytest.mark.parametrize("name", ["/no/such/folder", "./modelos/bert", "~/modelos/bert",
                                  "modelos/bert/final"])
def test_a_path_that_does_not_exist_is_called_a_missing_folder(name: str) -> None:
    """A path is not a Hub id (org/name): 'the Hub could not be reached; download
    /no/such/folder' sent the user looking for a network problem."""
    from txcat.strategies.neural import load_pretrained

    def loader(name: str, **kwargs: object) -> None:
        raise OSError("not there")

    with pytest.raises(ModelError, match=rf"cannot load base model '{name}': no such folder "
                                         r"\(OSError\)$"):
        load_pretrained(loader, name, "base model")


def test_an_unreachable_hub_fails_at_once_instead_of_retrying(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline, huggingface_hub retries a download for about 50 s before failing; a
    model that is neither a folder nor in the local cache must fail without that wait."""
    import huggingface_hub

    from txcat.strategies.neural import load_pretrained

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    calls: list[dict[str, object]] = []

    def loader(name: str, **kwargs: object) -> None:
        calls.append(kwargs)
        raise OSError("not in the cache and no network")

    with pytest.raises(ModelError, match="Hub could not be reached"):
        load_pretrained(loader, "some-org/some-model", "base model")
    assert calls == [{"local_files_only": True}]  # the cache only: no download attempt


@pytest.mark.parametrize("params, message", [
    ({"epochs": 0}, "at least 1"),
    ({"learning_rate": "fast"}, "learning_rate must be float"),
    ({"precision": "fp8"}, "precision must be"),
    ({"augment": 1.5}, "augment must be"),
    ({"layers": 3}, "unknown parameter 'layers'"),
    ({"learning_rate": -1e-5}, "learning_rate must not be negative"),
    # accepted before: no learning at all, a learning rate that never peaks, patience 0
    # meaning 1
    ({"learning_rate": 0}, "learning_rate must be above 0"),
    ({"warmup_fraction": 2}, r"warmup_fraction must be in \[0, 1\)"),
    ({"patience": 0}, "patience must be at least 1"),
])
def test_bad_options_are_strategy_errors(params: dict[str, object], message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        create_strategy("bert", params)


def test_the_encoder_reads_a_glued_kind_word_as_a_word() -> None:
    """Word pieces of 'peixariaprecobom' are noise; 'peixaria precobom' is a fish shop."""
    text = encoder_text(Transaction(description="Compra no débito - MP*PEIXARIAPRECOBOM",
                                    amount=-10.0))
    assert text.endswith("mp peixaria precobom")
    assert "supermercado necessidade" in text  # the directory hint of 'peixaria'
    unhinted = encoder_text(Transaction(description="MP*PEIXARIAPRECOBOM", amount=-1.0),
                            hints=False)
    assert unhinted.endswith("mp peixariaprecobom")


def test_early_stopping_rule() -> None:
    stopper = EarlyStopping(patience=2)
    assert stopper.update(1.0) == (True, False)
    assert stopper.update(0.8) == (True, False)
    assert stopper.update(0.80005) == (False, False)  # within min_delta: no improvement
    assert stopper.update(0.9) == (False, True)  # second epoch in a row without one
    assert stopper.best_epoch == 2 and stopper.best == 0.8


def test_train_and_classify_with_bert_from_the_cli(tiny_base: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from txcat.cli import main

    labeled = tmp_path / "l.csv"
    txs, labels = rows(NAMES[:15])
    labeled.write_text("data,valor,codigo,descricao,label\n" + "".join(
        f"01/09/2024,-10.00,r{i},{t.description},{label}\n"
        for i, (t, label) in enumerate(zip(txs, labels, strict=True))), encoding="utf-8")
    result = CliRunner().invoke(main, [
        "train", str(labeled), "--strategy", "bert", "--base-model", tiny_base,
        "-p", "epochs=40", "-p", "learning_rate=0.003", "-p", "batch_size=16",
        "-p", "validation_fraction=0.0", "-p", "directory_hints=false",
        "-p", "precision=fp32", "-p", "device=cpu", "-p", "warmup_fraction=0.0",
        "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "bert epoch 40" in result.stderr
    unseen, expected = rows(NAMES[15:])
    statement = tmp_path / "new.csv"
    statement.write_text("data,valor,codigo,descricao\n" + "".join(
        f"02/09/2024,-5.00,n{i},{t.description}\n" for i, t in enumerate(unseen)),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(statement), "--model", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[1] for line in result.stdout.splitlines()[1:]] == expected


def test_a_gguf_file_is_loaded_from_its_folder(tmp_path: Path) -> None:
    """llama.cpp's single-file models: transformers reads them as ``gguf_file`` inside a
    folder, dequantizing the weights; a user just names the file."""
    from txcat.strategies.neural import load_pretrained

    model = tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf"
    model.write_bytes(b"GGUF")
    calls: list[tuple[str, dict[str, object]]] = []

    def loader(name: str, **kwargs: object) -> str:
        calls.append((name, kwargs))
        return "loaded"

    assert load_pretrained(loader, str(model), "base model", local_files_only=True) == "loaded"
    assert calls == [(str(tmp_path), {"gguf_file": model.name, "local_files_only": True})]

    def unreadable(name: str, **kwargs: object) -> None:
        raise ValueError("GGUF model with architecture foo is not supported yet.")

    with pytest.raises(ModelError, match=r"cannot load base model .*\.gguf'.*"
                                         r"architecture foo is not supported"):
        load_pretrained(unreadable, str(model), "base model")


def test_a_gguf_file_without_the_gguf_package_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from txcat.strategies.neural import load_pretrained

    monkeypatch.setitem(sys.modules, "gguf", None)  # import gguf now fails
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match=r"pip install gguf"):
        load_pretrained(lambda name, **kwargs: None, str(model), "base model")


@pytest.mark.parametrize("missing", [["tokenizer.json"], ["tokenizer_config.json"],
                                     ["tokenizer.json", "tokenizer_config.json"]])
def test_a_model_missing_its_tokenizer_files_is_refused(missing: list[str],
                                                        fitted: BertStrategy,
                                                        tmp_path: Path) -> None:
    """Without them transformers still builds a tokenizer (of five tokens, or one
    that no longer lowercases), which would label every row wrong without a word."""
    save_model(fitted, tmp_path / "m")
    for name in missing:
        (tmp_path / "m" / name).unlink()
    with pytest.raises(ModelError, match="missing or damaged"):
        load_model(tmp_path / "m")


def test_every_saved_file_gets_the_users_usual_permissions(fitted: BertStrategy,
                                                          tmp_path: Path) -> None:
    """safetensors writes its file private (0600): a model folder shared with another
    account or a service would then not load. Every file gets what the umask gives."""
    import os

    from txcat.output import default_mode

    save_model(fitted, tmp_path / "m")
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "m").iterdir()}
    assert "model.safetensors" in modes
    assert set(modes.values()) == {default_mode()}, modes
    assert (tmp_path / "m").stat().st_mode & 0o777 == default_mode(directory=True)
    assert os.access(tmp_path / "m" / "model.safetensors", os.R_OK)


@pytest.mark.parametrize("strategy", ["bert", "lora", "zero-shot"])
@pytest.mark.parametrize("device", ["tpu", "", "gpu", "cuda:x"])
def test_a_device_that_is_no_device_is_a_clear_error(strategy: str, device: str) -> None:
    with pytest.raises(StrategyError, match=rf"{strategy}: device must be auto, cpu, cuda "
                                            r"\(or cuda:N\) or mps"):
        create_strategy(strategy, {"device": device})


def test_a_device_this_machine_lacks_is_a_clear_error(tiny_base: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    model = create_strategy("bert", {"base_model": tiny_base, "device": "cuda", "epochs": 1})
    txs, labels = rows(NAMES[:3])
    with pytest.raises(StrategyError, match=r"device cuda was asked for, but torch here "
                                            r"sees no CUDA GPU; use device=auto or cpu"):
        model.fit(txs, labels)


def test_too_few_rows_for_a_validation_split_is_said(
        tiny_base: str, caplog: pytest.LogCaptureFixture) -> None:
    """Early stopping needs held-out merchants; with 12 rows there are none, and every
    epoch is trained. That was silent: a user asking for patience got none."""
    caplog.set_level(logging.INFO, logger="txcat")
    model = tiny(tiny_base, epochs=2, validation_fraction=0.2).fit(*rows(NAMES[:4]))
    assert all("validation_loss" not in record for record in model.history_)
    assert "too few rows for a validation split" in caplog.text
    assert "training all 2 epochs without early stopping" in caplog.text
    caplog.clear()
    tiny(tiny_base, epochs=1, validation_fraction=0.0).fit(*rows(NAMES[:4]))
    assert "validation split" not in caplog.text  # none was asked for
