"""The hf: backend and the prompt strategies, offline, on a tiny decoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from click.testing import CliRunner
from helpers import SAMPLES
from test_bert import NAMES, rows
from tiny_models import build_tiny_decoder, build_tiny_gguf

from txcat.cli import main
from txcat.errors import StrategyError
from txcat.export.prompts import row_text, system_prompt
from txcat.llm.base import BackendOptions, NoLLMConfigured, make_backend, parse_spec
from txcat.modeldir import load_model, save_model
from txcat.plugins import create_strategy
from txcat.strategies.few_shot import FewShotStrategy
from txcat.strategies.likelihood import ALPACA, LabelScorer

LABELS = ["LAZER", "NECESSIDADE", "TRABALHO"]


@pytest.fixture(scope="module")
def decoder(tmp_path_factory: pytest.TempPathFactory) -> str:
    txs, _ = rows(NAMES)
    texts = [ALPACA.format(instruction=system_prompt(LABELS), row=row_text(t)) for t in txs]
    template = (Path(__file__).parent.parent / "txcat" / "llm" / "templates" /
                "few_shot.txt").read_text(encoding="utf-8")
    return str(build_tiny_decoder(tmp_path_factory.mktemp("decoder"),
                                  [*texts, template, *LABELS, "=> ,"]))


def test_fast_label_scoring_equals_a_plain_forward_pass(decoder: str) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(decoder).eval()
    tokenizer = AutoTokenizer.from_pretrained(decoder)
    scorer = LabelScorer(model, tokenizer, torch.device("cpu"))
    prompts = [scorer.prompt(system_prompt(LABELS), row_text(t)) for t in rows(NAMES[:2])[0]]
    fast = scorer.label_probabilities(prompts, LABELS)
    slow = np.zeros_like(fast)
    with torch.inference_mode():
        for i, prompt in enumerate(prompts):  # one unpadded sequence at a time, all logits
            for j, label in enumerate(LABELS):
                ids, labels = scorer.features(prompt, scorer.answer_ids(label))
                logp = torch.log_softmax(model(input_ids=torch.tensor([ids])).logits[0], -1)
                slow[i, j] = sum(float(logp[t - 1, ids[t]]) for t in range(len(ids))
                                 if labels[t] != -100)
    slow = np.exp(slow - slow.max(axis=1, keepdims=True))
    np.testing.assert_allclose(fast, slow / slow.sum(axis=1, keepdims=True), rtol=1e-4)


def test_the_hf_backend_always_answers_a_label(decoder: str) -> None:
    backend = make_backend(f"hf:{decoder}", BackendOptions())
    answers = backend.choose(system_prompt(LABELS), [row_text(t) for t in rows(NAMES[:3])[0]],
                             LABELS)
    assert len(answers) == 9
    for answer in answers:
        assert answer is not None and set(answer) == set(LABELS)
        assert abs(sum(answer.values()) - 1) < 1e-6
    assert not backend.remote


def test_a_gguf_file_is_a_local_llm(tmp_path: Path) -> None:
    """``--llm hf:FILE.gguf``: a llama.cpp model file scores the labels like a folder."""
    pytest.importorskip("gguf")
    gguf = build_tiny_gguf(tmp_path / "tiny.gguf")
    result = CliRunner().invoke(main, [
        "classify", str(SAMPLES / "extrato.csv"), "--strategy", "few-shot",
        "--llm", f"hf:{gguf}"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "código,informação" and len(lines) == 11
    assert {line.split(",")[1] for line in lines[1:]} <= set(LABELS)
    assert "GGUF" not in result.stderr  # transformers' 'de-quantizing' bar is not shown


def test_few_shot_picks_similar_examples_balanced_across_labels(decoder: str) -> None:
    txs, labels = rows(NAMES)
    strategy = FewShotStrategy(llm=f"hf:{decoder}", k=3, selector="tfidf").fit(txs, labels)
    queries, query_labels = rows(["sol"])  # Padaria Sol, Pizzaria Sol, Posto Sol
    picks = strategy.select(queries)
    for query, label, chosen in zip(queries, query_labels, picks, strict=True):
        assert sorted(strategy.pool_[i][1] for i in chosen) == LABELS  # one per label
        # The most similar example of the row's own label is the identical row.
        own = next(i for i in chosen if strategy.pool_[i][1] == label)
        assert strategy.pool_[own][0].description == query.description
        assert chosen[0] == own  # and it comes first
    prompt = strategy.prompt_for(picks[0])
    assert "=> " in prompt and "Compra no débito - Padaria sol" in prompt


def test_few_shot_with_the_hf_backend_round_trips(decoder: str, tmp_path: Path) -> None:
    txs, labels = rows(NAMES[:6])
    strategy = FewShotStrategy(llm=f"hf:{decoder}", k=3, batch_size=4).fit(txs, labels)
    proba = strategy.predict_proba(rows(NAMES[6:8])[0])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert strategy.usage_["requests"] == 6
    save_model(strategy, tmp_path / "fs")
    assert (tmp_path / "fs" / "examples.jsonl").read_text().count("\n") == 18
    loaded = load_model(tmp_path / "fs")
    np.testing.assert_allclose(loaded.predict_proba(rows(NAMES[6:8])[0]), proba, atol=1e-6)


def test_prompt_strategies_need_an_llm_and_say_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TXCAT_LLM", raising=False)
    with pytest.raises(NoLLMConfigured, match="--llm openai:MODEL"):
        create_strategy("few-shot").fit(*rows(NAMES[:2]))
    result = CliRunner().invoke(main, ["classify", str(SAMPLES / "extrato.csv"),
                                       "--strategy", "few-shot"])
    assert result.exit_code == 1
    assert result.stderr.startswith("txcat: error: no LLM configured")
    assert "first use" not in result.stderr


@pytest.mark.parametrize("spec", ["gpt-4o", "azure:gpt", "openai:"])
def test_bad_model_specs(spec: str) -> None:
    with pytest.raises(StrategyError, match="not understood"):
        parse_spec(spec)


def test_a_template_with_an_unknown_placeholder_is_refused(decoder: str, tmp_path: Path) -> None:
    template = tmp_path / "t.txt"
    template.write_text("Rótulos: $labels $nonsense")
    with pytest.raises(StrategyError, match="placeholder"):
        FewShotStrategy(llm=f"hf:{decoder}", prompt_template=str(template)).fit(*rows(NAMES[:2]))


def test_embedding_selection_is_the_default_when_an_encoder_is_installed(decoder: str) -> None:
    txs, labels = rows(NAMES)
    strategy = FewShotStrategy(llm=f"hf:{decoder}", k=3).fit(txs, labels)
    assert strategy.selector_ == "embeddings"
    queries, query_labels = rows(["sol"])
    for query, label, chosen in zip(queries, query_labels, strategy.select(queries),
                                    strict=True):
        own = next(i for i in chosen if strategy.pool_[i][1] == label)
        assert strategy.pool_[own][0].description == query.description


def test_an_unreachable_local_llm_says_how_to_point_at_a_copy(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    """The hint names the option this backend is chosen with (``--llm hf:DIR``), not
    the encoder strategies' ``--base-model``."""
    from txcat.errors import ModelError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = make_backend("hf:someone/not-downloaded", BackendOptions())
    with pytest.raises(ModelError, match=r"pass the folder as --llm hf:DIR"):
        backend.choose("system", ["row"], LABELS)
