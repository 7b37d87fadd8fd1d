"""LabelScorer's prediction path (the prompt read once, its cache shared by every
label) against the per-label full sequences that training scores, on a tiny Llama."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_models import build_tiny_decoder

from txcat.strategies.likelihood import ALPACA, LabelScorer

# Labels of 1, 2 and 3 word-level tokens (then eos): answers of different lengths.
LABELS = ["LAZER", "NECESSIDADE basica", "TRABALHO de casa"]
EQUAL = ["LAZER", "NECESSIDADE", "TRABALHO"]  # one token each
ROWS = ["padaria", "uber viagem centro", "mercado pao leite cafe arroz feijao",
        "aluguel", "farmacia remedio", "cinema pipoca refrigerante ingresso sessao noite",
        "posto gasolina", "escritorio papel caneta"]
INSTRUCTION = "Classifique a linha com um rótulo"


@pytest.fixture(scope="module")
def decoder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    texts = [ALPACA.format(instruction=INSTRUCTION, row=row) for row in ROWS]
    folder = build_tiny_decoder(tmp_path_factory.mktemp("likelihood"),
                                [*texts, *LABELS, *EQUAL])
    model = AutoModelForCausalLM.from_pretrained(folder, dtype="float32").eval()
    return model, AutoTokenizer.from_pretrained(folder)


def scorer(decoder: tuple[Any, Any], **options: Any) -> LabelScorer:
    import torch

    model, tokenizer = decoder
    return LabelScorer(model, tokenizer, torch.device("cpu"), **options)


def prompts(rows: Sequence[str] = ROWS) -> list[str]:
    return [ALPACA.format(instruction=INSTRUCTION, row=row) for row in rows]


def softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def full_sequences(scorer: LabelScorer, texts: Sequence[str], labels: Sequence[str],
                   build: Any = None) -> np.ndarray:
    """The computation before the prompt was shared: one whole sequence (prompt, answer)
    per prompt and label, scored by ``log_likelihood`` as training scores it, a few
    prompts per batch so that padding is exercised too."""
    import torch

    build = build or scorer.features
    answers = [scorer.answer_ids(label) for label in labels]
    scores = np.zeros((len(texts), len(labels)))
    with torch.inference_mode():
        for start in range(0, len(texts), 3):
            chunk = texts[start : start + 3]
            batch = [build(p, a) for p in chunk for a in answers]
            ll = scorer.log_likelihood(batch).cpu().numpy()
            scores[start : start + len(chunk)] = ll.reshape(len(chunk), len(labels))
    return softmax(scores)


def test_the_labels_have_different_token_lengths(decoder: tuple[Any, Any]) -> None:
    s = scorer(decoder)
    assert sorted(len(s.answer_ids(label)) for label in LABELS) == [2, 3, 4]
    lengths = {len(s.features(p, [])[0]) for p in prompts()}
    assert len(lengths) > 3  # prompts of different lengths share a batch


@pytest.mark.parametrize("rows_per_batch", [1, 3, 8])
def test_sharing_the_prompt_scores_as_whole_sequences_do(decoder: tuple[Any, Any],
                                                        rows_per_batch: int) -> None:
    s = scorer(decoder)
    shared = s.label_probabilities(prompts(), LABELS, rows_per_batch=rows_per_batch)
    np.testing.assert_allclose(shared, full_sequences(s, prompts(), LABELS),
                               rtol=0, atol=1e-5)
    np.testing.assert_allclose(shared.sum(axis=1), 1.0, atol=1e-9)


def test_each_prompt_passes_through_the_model_once(decoder: tuple[Any, Any]) -> None:
    """The prompt pass sees each prompt once; the label pass sees only answer tokens
    (all but each answer's last, whose successor is never scored)."""
    model, _ = decoder
    seen: list[tuple[int, int]] = []
    hook = model.get_input_embeddings().register_forward_hook(
        lambda _module, args, _out: seen.append(tuple(args[0].shape)))
    try:
        s = scorer(decoder)
        s.label_probabilities(prompts(), LABELS, rows_per_batch=8)
    finally:
        hook.remove()
    longest = max(len(s.features(p, [])[0]) for p in prompts())
    longest_answer = max(len(s.answer_ids(label)) for label in LABELS)
    assert seen == [(len(ROWS), longest), (len(ROWS) * len(LABELS), longest_answer - 1)]


def test_bos_is_kept_and_the_chat_template_adds_none(decoder: tuple[Any, Any]) -> None:
    _, tokenizer = decoder
    s = scorer(decoder)
    assert s.prompt_ids(prompts()[0], 2)[0] == tokenizer.bos_token_id
    chat = scorer(decoder, use_chat=True)
    assert chat.prompt_ids(prompts()[0], 2)[0] != tokenizer.bos_token_id
    np.testing.assert_allclose(chat.label_probabilities(prompts(), LABELS),
                               full_sequences(chat, prompts(), LABELS), rtol=0, atol=1e-5)


def test_truncation_with_answers_of_one_length_is_as_before(decoder: tuple[Any, Any]) -> None:
    s = scorer(decoder, max_length=9)
    assert all(len(s.features(p, s.answer_ids(label))[0]) == 9
               for p in prompts() for label in EQUAL)  # every prompt loses its start
    np.testing.assert_allclose(s.label_probabilities(prompts(), EQUAL),
                               full_sequences(s, prompts(), EQUAL), rtol=0, atol=1e-5)


def test_a_long_prompt_loses_its_start_never_the_answer(decoder: tuple[Any, Any]) -> None:
    """One prompt, read once, for every label: truncated to leave room for the longest
    answer, so each whole sequence still fits ``max_length``."""
    s = scorer(decoder, max_length=10)
    longest = max(len(s.answer_ids(label)) for label in LABELS)
    for p in prompts():
        ids = s.prompt_ids(p, longest)
        assert ids == s.features(p, [])[0][-(10 - longest):]
        for label in LABELS:
            assert len(ids + s.answer_ids(label)) <= 10

    def shared_prompt(prompt: str, answer: list[int]) -> tuple[list[int], list[int]]:
        ids = s.prompt_ids(prompt, longest)
        return ids + answer, [-100] * len(ids) + answer

    np.testing.assert_allclose(s.label_probabilities(prompts(), LABELS),
                               full_sequences(s, prompts(), LABELS, shared_prompt),
                               rtol=0, atol=1e-5)
    # Even when the room left is a single token, the answer is whole.
    tiny = scorer(decoder, max_length=2)
    assert len(tiny.prompt_ids(prompts()[0], longest)) == 1
    assert tiny.label_probabilities(prompts()[:2], LABELS).shape == (2, 3)


def test_one_token_answers_need_no_label_pass(decoder: tuple[Any, Any],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """As for a tokenizer without eos: every answer is its label's single token."""
    model, tokenizer = decoder
    s = scorer(decoder)
    monkeypatch.setattr(s, "answer_ids", lambda label: [tokenizer.convert_tokens_to_ids(label)])
    seen: list[tuple[int, int]] = []
    hook = model.get_input_embeddings().register_forward_hook(
        lambda _module, args, _out: seen.append(tuple(args[0].shape)))
    try:
        shared = s.label_probabilities(prompts(), EQUAL)
    finally:
        hook.remove()
    assert len(seen) == 1
    np.testing.assert_allclose(shared, full_sequences(s, prompts(), EQUAL), rtol=0, atol=1e-5)


def test_bf16_autocast_agrees_roughly(decoder: tuple[Any, Any]) -> None:
    s = scorer(decoder, bf16=True)
    np.testing.assert_allclose(s.label_probabilities(prompts(), LABELS),
                               full_sequences(scorer(decoder), prompts(), LABELS),
                               rtol=0, atol=0.05)


def test_progress_counts_prompts(decoder: tuple[Any, Any]) -> None:
    calls: list[tuple[int, int]] = []
    scorer(decoder).label_probabilities(prompts(), LABELS, rows_per_batch=3,
                                        progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 8), (6, 8), (8, 8)]


def test_a_prompt_cut_to_fit_is_warned_about_once(decoder: tuple[Any, Any],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """A few-shot prompt of ~2,100 tokens read by `--llm hf:` (1,024 at most) lost its
    instructions, label list and first examples, without a word."""
    import logging

    caplog.set_level(logging.WARNING, logger="txcat")
    s = scorer(decoder, max_length=10)
    s.label_probabilities(prompts(), LABELS)
    s.label_probabilities(prompts(), LABELS)
    cut = [r.getMessage() for r in caplog.records if "lost their start" in r.getMessage()]
    assert len(cut) == 1, cut
    assert "longer than the 10 tokens this model is given" in cut[0]
    caplog.clear()
    scorer(decoder, max_length=10_000).label_probabilities(prompts(), LABELS)
    assert "lost their start" not in caplog.text
