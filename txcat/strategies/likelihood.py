"""Score each label's likelihood after a prompt, with any causal language model.

Shared by the ``lora`` strategy (training and prediction) and the ``hf:`` LLM
backend: the answer is always one of the labels, with a probability, because
the model is never asked to generate, only to score the label texts.

Sequences are left-padded so every answer ends at the last positions, and
vocabulary logits are computed only there (``logits_to_keep``): measured about
3.5x cheaper than logits for the whole sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

ALPACA = "### Instruction:\n{instruction}\n\n### Input:\n{row}\n\n### Response:\n"


class LabelScorer:
    """Log-likelihoods of answers after prompts, for one model and tokenizer."""

    def __init__(self, model: Any, tokenizer: Any, device: Any, *, bf16: bool = False,
                 max_length: int = 256, use_chat: bool = False) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.bf16 = bf16
        self.max_length = max_length
        self.use_chat = use_chat
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token

    def prompt(self, instruction: str, row: str) -> str:
        """The model's chat template when it has one (and ``use_chat``), else Alpaca style."""
        if self.use_chat:
            messages = [{"role": "system", "content": instruction},
                        {"role": "user", "content": row}]
            return str(self.tokenizer.apply_chat_template(messages, tokenize=False,
                                                          add_generation_prompt=True))
        return ALPACA.format(instruction=instruction, row=row)

    def answer_ids(self, label: str) -> list[int]:
        """The tokens of an answer: the label, then end-of-sequence."""
        ids = self.tokenizer(label, add_special_tokens=False)["input_ids"]
        eos = self.tokenizer.eos_token_id
        return list(ids) + ([eos] if eos is not None else [])

    def features(self, prompt: str, answer: list[int]) -> tuple[list[int], list[int]]:
        """``(input_ids, labels)``: prompt tokens are masked with -100, so only the answer
        is learned or scored. A long prompt loses its start, never the answer."""
        prompt_ids = list(self.tokenizer(prompt, add_special_tokens=False)["input_ids"])
        bos = self.tokenizer.bos_token_id
        if bos is not None and not self.use_chat:
            prompt_ids = [bos, *prompt_ids]
        room = max(1, self.max_length - len(answer))
        prompt_ids = prompt_ids[-room:]
        return prompt_ids + answer, [-100] * len(prompt_ids) + answer

    def log_likelihood(self, batch: Sequence[tuple[list[int], list[int]]]) -> Any:
        """Summed log-probability of each sequence's answer tokens (labels != -100)."""
        import torch

        from txcat.strategies.neural import autocast

        answers = [[t for t in labels if t != -100] for _, labels in batch]
        answer_len = max(len(a) for a in answers)
        sequences = [ids for ids, _ in batch]
        width = max(len(s) for s in sequences)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(s)) + list(s) for s in sequences],
                           device=self.device)
        mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in sequences],
                            device=self.device)
        positions = (mask.cumsum(dim=1) - 1).clamp(min=0)
        with autocast(self.device, self.bf16):
            out = self.model(input_ids=ids, attention_mask=mask, position_ids=positions,
                             logits_to_keep=answer_len + 1)
        logits = out.logits.float()[:, :-1]  # position t predicts token t + 1
        targets = torch.tensor([[-100] * (answer_len - len(a)) + a for a in answers],
                               device=self.device)
        logp = torch.log_softmax(logits, dim=-1)
        picked = logp.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        return (picked * (targets != -100)).sum(dim=1)

    def label_probabilities(self, prompts: Sequence[str], labels: Sequence[str], *,
                            rows_per_batch: int = 8,
                            progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Softmax over the labels' log-likelihoods, one row per prompt."""
        import numpy as np
        import torch

        answers = [self.answer_ids(label) for label in labels]
        k = len(labels)
        scores = np.zeros((len(prompts), k))
        with torch.inference_mode():
            for start in range(0, len(prompts), rows_per_batch):
                chunk = prompts[start : start + rows_per_batch]
                batch = [self.features(p, a) for p in chunk for a in answers]
                ll = self.log_likelihood(batch).cpu().numpy().reshape(len(chunk), k)
                scores[start : start + len(chunk)] = ll
                if progress is not None:
                    progress(start + len(chunk), len(prompts))
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)
