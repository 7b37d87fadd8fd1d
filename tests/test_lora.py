"""lora on a tiny decoder built offline: masking, learning, label likelihoods, adapters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("peft")

from test_bert import NAMES, rows
from tiny_models import build_tiny_decoder

from txcat.errors import ModelError, StrategyError
from txcat.export.prompts import row_text, system_prompt
from txcat.modeldir import load_model, save_model
from txcat.strategies.likelihood import ALPACA
from txcat.strategies.lora import LoraStrategy

LABELS = ["LAZER", "NECESSIDADE", "TRABALHO"]


@pytest.fixture(scope="module")
def tiny_decoder(tmp_path_factory: pytest.TempPathFactory) -> str:
    txs, _ = rows(NAMES)
    texts = [ALPACA.format(instruction=system_prompt(LABELS),
                           row=row_text(t, redact_data=False)) for t in txs]
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
    short = tiny(fitted.settings.base_model, max_length=10)
    short.tokenizer_ = fitted.tokenizer_
    short.labels_ = LABELS
    ids, labels = short.features(prompt, answer)
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


def test_an_unreachable_base_model_says_how_to_point_at_a_local_copy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match=r"HuggingFaceTB/SmolLM2-135M-Instruct.*--base-model"):
        LoraStrategy().fit(*rows(NAMES[:2]))


def test_a_chat_template_is_required_when_asked_for(tiny_decoder: str) -> None:
    with pytest.raises(StrategyError, match="no chat template"):
        tiny(tiny_decoder, template="chat", epochs=1).fit(*rows(NAMES[:2]))


@pytest.mark.parametrize("params, message", [
    ({"template": "jinja"}, "template must be"),
    ({"r": 0}, "at least 1"),
    ({"rank": 8}, "unknown parameter 'rank'"),
])
def test_bad_options(params: dict[str, object], message: str) -> None:
    from txcat.plugins import create_strategy

    with pytest.raises(StrategyError, match=message):
        create_strategy("lora", params)
