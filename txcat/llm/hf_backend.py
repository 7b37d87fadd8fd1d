"""``hf:PATH_OR_ID``: a local transformers causal LM as an LLM backend.

It never generates text: each label's likelihood after the prompt is scored
(:class:`~txcat.strategies.likelihood.LabelScorer`), so the answer is always a
valid label, with a probability. Nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from txcat.llm.base import BackendOptions, LLMBackend, LLMError


class HFBackend(LLMBackend):
    remote = False

    def __init__(self, model: str, options: BackendOptions) -> None:
        super().__init__(model, options)
        self._scorer: Any = None

    def _load(self) -> Any:
        if self._scorer is None:
            try:
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as exc:  # torch, or transformers itself
                raise LLMError(f"hf:{self.model} runs a local transformers model, and "
                               "transformers is not installed here: pip install "
                               "'txcat[transformers]'") from exc

            from txcat.strategies.likelihood import LabelScorer
            from txcat.strategies.neural import (
                bf16_ok,
                load_pretrained,
                pick_device,
                quiet_transformers,
            )

            quiet_transformers()
            device = pick_device(str(self.options.extra.get("device", "auto")))
            local = "--llm hf:DIR"
            tokenizer = load_pretrained(AutoTokenizer.from_pretrained, self.model, "tokenizer",
                                        local_option=local)
            model = load_pretrained(AutoModelForCausalLM.from_pretrained, self.model,
                                    "language model", local_option=local)
            model.to(device).eval()
            self._scorer = LabelScorer(
                model, tokenizer, device, bf16=bf16_ok(device),
                max_length=int(self.options.extra.get("max_length", 1024)),
                use_chat=bool(getattr(tokenizer, "chat_template", None)))
        return self._scorer

    def choose(self, system: str, rows: Sequence[str],
               labels: Sequence[str]) -> list[dict[str, float] | None]:
        scorer = self._load()
        prompts = [scorer.prompt(system, row) for row in rows]
        proba = scorer.label_probabilities(prompts, labels)
        self.usage.requests += len(prompts)
        return [dict(zip(labels, map(float, p), strict=True)) for p in proba]
