"""``few-shot``: an LLM prompt carrying k labeled examples chosen for each row.

The project started from prompting a chat model with a CSV row and a few labeled
examples; this makes it a measurable strategy. For each row, the k most similar
examples of the pool (TF-IDF character n-grams, or sentence embeddings) are put
in the prompt, balanced across labels. The pool is the training rows, or
``examples_file``; ``train`` stores it in the model directory.

The prompt template is a plain file (``-p prompt_template=FILE``; the default is
``txcat/llm/templates/few_shot.txt``) with ``$labels``, ``$descriptions`` and
``$examples``. Rows are sent as data, delimited and escaped by the backend; an
answer that is not a label is retried once, then the row abstains (REVISAR).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from txcat.errors import StrategyError
from txcat.hookspecs import hookimpl
from txcat.llm.prompting import (
    PromptSettings,
    ask,
    label_descriptions,
    load_template,
    make_llm,
    render,
    report_usage,
    row_line,
)
from txcat.strategies.base import Strategy, check_settings, validate_training
from txcat.transactions import Transaction

if TYPE_CHECKING:
    import numpy as np

POOL_FILE = "examples.jsonl"
TEMPLATE_FILE = "prompt_template.txt"


@dataclass
class FewShotSettings(PromptSettings):
    k: int = 8
    selector: str = "auto"  # embeddings when the transformers extra is installed, else tfidf
    examples_file: str = ""  # a labeled file: the example pool instead of the training rows


class FewShotStrategy(Strategy):
    """An LLM prompt with k similar labeled examples per row."""

    name = "few-shot"
    cache_bundled = False
    #: The model spec is stored as fitted, $TXCAT_LLM's included: a saved model keeps
    #: asking the LLM it was made for. Older models, which lack it, still read $TXCAT_LLM.
    pinned: ClassVar[dict[str, Any]] = {"llm": ""}
    description = ("LLM prompt with k labeled examples chosen per row by similarity "
                   "(--llm openai:MODEL, ollama:MODEL or hf:PATH)")

    progress: Callable[[str, int, int], None] | None = None

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.settings = FewShotSettings(**params)

    @classmethod
    def availability(cls, params: dict[str, Any] | None = None) -> tuple[bool, str]:
        """With a model spec, usable when its backend's package is installed; without
        one, usable wherever a spec will be given, saying what each kind needs."""
        import importlib.util

        spec = (params or {}).get("llm")
        if isinstance(spec, str) and spec:  # what requirements() names for its backend
            usable, reason = super().availability(params)
            kind = spec.partition(":")[0].strip().lower()
            return usable, reason if usable else f"{kind}: {reason}"
        remote = "yes" if importlib.util.find_spec("openai") else "pip install 'txcat[llm]'"
        local = "yes" if importlib.util.find_spec("torch") else \
            "pip install 'txcat[transformers]'"
        return True, (f"needs --llm SPEC or $TXCAT_LLM; openai:/ollama: {remote}; "
                      f"hf: {local}")

    @classmethod
    def requirements(cls, params: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
        """What the backend of the ``llm`` spec needs, as for zero-shot."""
        from txcat.llm.base import backend_requirements

        llm = params.get("llm")
        if not llm or not isinstance(llm, str):
            return cls.requires, cls.extra
        return backend_requirements(llm)

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        check_settings(params, FewShotSettings, cls.name)
        if params.get("selector", "auto") not in ("auto", "tfidf", "embeddings"):
            raise StrategyError("few-shot: selector must be auto, tfidf or embeddings")
        if params.get("k", 8) < 1:
            raise StrategyError("few-shot: k must be at least 1")
        from txcat.llm.base import check_prompt_params

        check_prompt_params(params, cls.name)

    # -- the example pool -------------------------------------------------------------
    def fit(self, transactions: Sequence[Transaction], labels: Sequence[str]) -> FewShotStrategy:
        from txcat.llm.base import configured_spec

        # No LLM: unavailable, say so before any work.
        self.settings.llm = configured_spec(self.settings.llm)
        if self.settings.examples_file:
            from txcat.labels import DEFAULT_LABELS
            from txcat.training import read_labeled

            # The label set is the training rows' (train read them with --labels), or
            # the default one when theirs is part of it.
            given = sorted(set(labels))
            pool = read_labeled([self.settings.examples_file], labels=(
                DEFAULT_LABELS if set(given) <= set(DEFAULT_LABELS) else given))
            transactions, labels = pool.transactions, pool.labels
        validate_training(transactions, labels)
        seen: dict[str, tuple[Transaction, str]] = {}
        for tx, label in zip(transactions, labels, strict=True):
            seen.setdefault(f"{tx.description}\x1f{label}", (tx, label))
        self.pool_ = list(seen.values())
        self.labels_ = sorted({label for _, label in self.pool_})
        self.template_ = load_template(self.settings.prompt_template, "few_shot.txt")
        render(self.template_, labels="", descriptions="", examples="")  # fail early
        self._index()
        return self

    def _selector(self) -> str:
        if self.settings.selector != "auto":
            return self.settings.selector
        from txcat.strategies.zero_shot import ZeroShotStrategy

        return "embeddings" if ZeroShotStrategy.availability()[0] else "tfidf"

    def _index(self) -> None:
        texts = [tx.description for tx, _ in self.pool_]
        self.selector_ = self._selector()
        if self.selector_ == "embeddings":
            from txcat.strategies.zero_shot import ZeroShotStrategy

            self.encoder_ = ZeroShotStrategy().fitted_encoder()
            self.pool_vectors_ = self.encoder_.embed(texts)
        else:
            from sklearn.feature_extraction.text import TfidfVectorizer

            from txcat.text import clean_description

            self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                               preprocessor=clean_description,
                                               sublinear_tf=True)
            self.pool_vectors_ = self.vectorizer_.fit_transform(texts)

    def select(self, transactions: Sequence[Transaction]) -> list[list[int]]:
        """For each row, the indices of its examples: the most similar of each label,
        about k/len(labels) per label, most similar first."""
        import numpy as np

        texts = [tx.description for tx in transactions]
        if self.selector_ == "embeddings":
            similarity = self.encoder_.embed(texts) @ self.pool_vectors_.T
        else:
            similarity = (self.vectorizer_.transform(texts) @ self.pool_vectors_.T).toarray()
        owners = np.array([self.labels_.index(label) for _, label in self.pool_])
        per_label = math.ceil(self.settings.k / len(self.labels_))
        chosen = []
        for row in similarity:
            picks: list[int] = []
            for j in range(len(self.labels_)):
                candidates = np.flatnonzero(owners == j)
                best = candidates[np.argsort(-row[candidates])[:per_label]]
                picks += best.tolist()
            picks.sort(key=lambda i: -row[i])
            chosen.append(picks[: self.settings.k])
        return chosen

    # -- prompting --------------------------------------------------------------------
    def prompt_for(self, examples: Sequence[int]) -> str:
        lines = [f"{row_line(self.pool_[i][0])} => {self.pool_[i][0].id or i},{self.pool_[i][1]}"
                 for i in examples]
        return render(self.template_, labels=", ".join(self.labels_),
                      descriptions=label_descriptions(self.labels_),
                      examples="\n".join(lines))

    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        import numpy as np

        from txcat.llm.base import in_threads

        self.check_fitted()
        if not transactions:
            return np.zeros((0, len(self.labels_)))
        with make_llm(self.settings) as backend:
            chosen = self.select(transactions)
            out = np.zeros((len(transactions), len(self.labels_)))
            size = self.settings.batch_size
            batches: list[tuple[str, list[str]]] = []
            for start in range(0, len(transactions), size):
                batch = range(start, min(start + size, len(transactions)))
                examples: list[int] = []
                for i in batch:  # the union of the batch's examples, at most 3k
                    examples += [e for e in chosen[i] if e not in examples]
                batches.append((self.prompt_for(examples[: 3 * self.settings.k]),
                                [row_line(transactions[i]) for i in batch]))
            # Each batch has its own prompt: ``concurrency`` of them are asked at once.
            workers = self.settings.concurrency if backend.concurrent else 1
            done = 0
            for proba in in_threads(lambda job: ask(backend, job[0], job[1], self.labels_),
                                    batches, workers):
                out[done : done + len(proba)] = proba
                done += len(proba)
                if self.progress is not None:
                    self.progress("predict", done, len(transactions))
            self.usage_ = report_usage(backend, getattr(self, "usage_", None))
        return out

    # -- persistence ------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        self.check_fitted()
        with (directory / POOL_FILE).open("w", encoding="utf-8") as handle:
            for tx, label in self.pool_:
                handle.write(json.dumps({"description": tx.description, "amount": tx.amount,
                                         "date": tx.date.isoformat() if tx.date else None,
                                         "id": tx.id, "label": label},
                                        ensure_ascii=False) + "\n")
        (directory / TEMPLATE_FILE).write_text(self.template_, encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, params: dict[str, Any],
             labels: list[str]) -> FewShotStrategy:
        import datetime as dt

        strategy = cls(**params)
        strategy.pool_ = []
        for line in (directory / POOL_FILE).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            date = dt.date.fromisoformat(row["date"]) if row["date"] else None
            strategy.pool_.append((Transaction(description=row["description"],
                                               amount=row["amount"], date=date,
                                               id=row["id"]), row["label"]))
        strategy.template_ = (directory / TEMPLATE_FILE).read_text(encoding="utf-8")
        strategy.labels_ = list(labels)
        strategy._index()
        return strategy


@hookimpl
def register_strategies(register: Callable[[type[Strategy]], None]) -> None:
    register(FewShotStrategy)
