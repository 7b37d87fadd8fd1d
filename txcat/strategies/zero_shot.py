"""``zero-shot``: no labeled rows needed; label descriptions vs transaction text.

Each label has a few short descriptions (Portuguese defaults from the labeling
policy; editable in a JSON file). A row's label is the one whose description is
nearest by cosine similarity of sentence embeddings, with a softmax over the
similarities as confidence. Any encoder works, by Hub id or folder, including
sentence-transformers model folders (their pooling settings are read); the
offline default is the bundled all-MiniLM-L6-v2.

Nothing is trained: ``fit`` only records the label set. The model directory
holds the descriptions and their embeddings, and names the encoder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from txcat.errors import ModelError, StrategyError
from txcat.hookspecs import hookimpl
from txcat.labels import normalise_label
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
from txcat.strategies.base import Strategy, check_max_length, check_settings
from txcat.transactions import Transaction

if TYPE_CHECKING:
    import numpy as np

#: One entry per kind of counterpart LABELS.md lists; a row matches its nearest entry.
DEFAULT_DESCRIPTIONS: dict[str, list[str]] = {
    "LAZER": [
        "restaurante, bar, lanchonete, pizzaria, hamburgueria, comida pronta",
        "cafeteria, sorveteria, doceria, loja de doces, padaria de doces",
        "delivery de comida ifood rappi",
        "cinema, teatro, show, ingresso, evento",
        "streaming netflix spotify disney prime video hbo max, assinatura de música",
        "jogos, games, steam, playstation, xbox",
        "viagem, hotel, pousada, airbnb, passagem aérea, turismo",
        "loja de roupas, calçados, shopping, loja de departamento, presentes",
        "academia, clube, esporte",
        "pet shop, brinquedos",
    ],
    "NECESSIDADE": [
        "supermercado, mercado, mercadinho, atacadão, hortifruti, açougue",
        "padaria, pão",
        "farmácia, drogaria, remédio",
        "aluguel, condomínio, imobiliária",
        "conta de luz, energia elétrica, água, saneamento, gás",
        "internet, telefone, celular, operadora",
        "plano de saúde, hospital, clínica, laboratório, dentista, médico",
        "escola, faculdade, creche, mensalidade escolar",
        "seguro, IPTU, IPVA, imposto, taxa",
        "transporte público, metrô, ônibus, bilhete único",
        "tarifa bancária, pacote de serviços do banco",
    ],
    "TRABALHO": [
        "posto de combustível, gasolina, etanol, diesel",
        "estacionamento, pedágio, sem parar",
        "uber, 99, corrida de aplicativo, táxi",
        "papelaria, material de escritório, gráfica",
        "software, assinatura SaaS, aws, google workspace, microsoft 365, github, adobe",
        "coworking, escritório",
        "contador, contabilidade, DAS MEI, CNPJ, nota fiscal",
        "salário, pagamento recebido de cliente, honorários, serviços prestados",
        "computador, informática, equipamentos, cursos profissionais, certificação",
    ],
}

DESCRIPTIONS_FILE = "descriptions.json"
TEMPLATE_FILE = "prompt_template.txt"
EMBEDDINGS_FILE = "description_embeddings.npy"


@dataclass
class ZeroShotSettings(PromptSettings):
    """Embedding backend by default; with ``llm`` set, the labels and their descriptions
    go into an LLM prompt instead (``prompt_template`` default: llm/templates/zero_shot.txt)."""

    base_model: str = ""  # empty: the bundled all-MiniLM-L6-v2
    descriptions_file: str = ""  # JSON {"LABEL": ["description", ...]}; empty: defaults
    temperature: float = 20.0  # scales similarities before the softmax
    max_length: int = 64
    batch_size: int = 64
    directory_hints: bool = True
    device: str = "auto"


class ZeroShotStrategy(Strategy):
    """Nearest label description by sentence-embedding cosine similarity."""

    name = "zero-shot"
    description = ("no labeled data: nearest label description by sentence embeddings "
                   "(offline default all-MiniLM-L6-v2), or an LLM prompt with --llm SPEC "
                   "(openai:MODEL and ollama:MODEL need only the llm extra)")
    #: What the embedding backend (the default) needs; see :meth:`requirements`.
    requires = ("torch", "transformers")
    extra = "transformers"

    progress: Callable[[str, int, int], None] | None = None

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.settings = ZeroShotSettings(**params)

    @classmethod
    def requirements(cls, params: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
        """The backend decides: an LLM behind an OpenAI-compatible API (``openai:``,
        ``ollama:``) needs only the openai client, so ``--llm`` works without torch;
        ``hf:`` and the embedding backend run torch and transformers here."""
        from txcat.llm.base import backend_requirements

        llm = params.get("llm")
        if not llm or not isinstance(llm, str):
            return cls.requires, cls.extra
        return backend_requirements(llm)

    @classmethod
    def check_params(cls, params: dict[str, Any]) -> None:
        check_settings(params, ZeroShotSettings, cls.name)
        check_max_length(params, cls.name)
        from txcat.llm.base import check_prompt_params

        check_prompt_params(params, cls.name)

    def fitted_encoder(self) -> ZeroShotStrategy:
        """This strategy with its encoder loaded, for embedding any texts (few-shot uses it)."""
        from txcat.strategies.neural import default_encoder

        self._load_encoder(self.settings.base_model or default_encoder())
        return self

    def _descriptions(self) -> dict[str, list[str]]:
        path = self.settings.descriptions_file
        if not path:
            return {label: list(texts) for label, texts in DEFAULT_DESCRIPTIONS.items()}
        return read_descriptions(Path(path))

    def _load_encoder(self, name: str, **kwargs: Any) -> None:
        from transformers import AutoModel, AutoTokenizer

        from txcat.strategies.neural import load_pretrained, pick_device, quiet_transformers

        quiet_transformers()
        self.device_ = pick_device(self.settings.device)
        self.tokenizer_ = load_pretrained(AutoTokenizer.from_pretrained, name, "tokenizer",
                                          **kwargs)
        self.encoder_ = load_pretrained(AutoModel.from_pretrained, name, "encoder", **kwargs)
        self.encoder_.to(self.device_).eval()
        self.pooling_ = _pooling_mode(name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised sentence embeddings, pooled as the encoder was trained to be."""
        import numpy as np
        import torch

        from txcat.strategies.neural import dedupe, length_batches, token_limit

        unique, index = dedupe(texts)
        ids = self.tokenizer_(unique, truncation=True, max_length=token_limit(
            self.settings.max_length, self.tokenizer_, self.encoder_))["input_ids"]
        out = np.zeros((len(unique), self.encoder_.config.hidden_size), dtype=np.float32)
        done = 0
        with torch.inference_mode():
            for batch in length_batches([len(i) for i in ids], self.settings.batch_size):
                padded = self.tokenizer_.pad({"input_ids": [ids[b] for b in batch]},
                                             return_tensors="pt").to(self.device_)
                hidden = self.encoder_(**padded).last_hidden_state.float()
                if self.pooling_ == "cls":
                    pooled = hidden[:, 0]
                else:
                    mask = padded["attention_mask"].unsqueeze(-1).float()
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, dim=1)
                out[batch] = pooled.cpu().numpy()
                done += len(batch)
                if self.progress is not None:
                    self.progress("embed", done, len(unique))
        return out[index]

    def get_params(self) -> dict[str, Any]:
        """The parameters, with a local base model's path made absolute: the saved model
        loads it again, from whatever folder it is used in."""
        from txcat.strategies.neural import with_absolute_base

        return with_absolute_base(super().get_params())

    def fit(self, transactions: Sequence[Transaction], labels: Sequence[str]) -> ZeroShotStrategy:
        """Nothing is learned from rows; the label set comes from the descriptions and
        must cover any labels given."""
        from txcat.strategies.neural import default_encoder

        for key in ("llm_base_url", "prompt_template"):  # unused by the embedding backend
            if getattr(self.settings, key) and not self.settings.llm:
                raise StrategyError(f"zero-shot: {key} is for an LLM, and none is given: add "
                                    "--llm openai:MODEL (without it, zero-shot compares "
                                    "sentence embeddings)")
        descriptions = self._descriptions()
        missing = sorted(set(labels) - set(descriptions))
        if missing:
            raise StrategyError(f"zero-shot: no description for label(s) {', '.join(missing)}; "
                                "add them to the descriptions file (-p descriptions_file=...)")
        self.labels_ = sorted(descriptions)
        self.descriptions_ = descriptions
        if self.settings.llm:
            self.template_ = load_template(self.settings.prompt_template, "zero_shot.txt")
            render(self.template_, labels="", descriptions="", examples="")  # fail early
            return self
        self._load_encoder(self.settings.base_model or default_encoder())
        self._embed_descriptions()
        return self

    def _llm_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        described = "\n".join(f"{label}: " + "; ".join(self.descriptions_[label]) + "."
                               for label in self.labels_)
        system = render(self.template_, labels=", ".join(self.labels_),
                        descriptions=described or label_descriptions(self.labels_),
                        examples="")
        with make_llm(self.settings) as backend:
            # All rows at once: the backend sends them in batches, ``concurrency`` at a
            # time.
            out = ask(backend, system, [row_line(tx) for tx in transactions], self.labels_)
            self.usage_ = report_usage(backend, getattr(self, "usage_", None))
        return out

    def _embed_descriptions(self) -> None:
        import numpy as np

        texts, owners = [], []
        for i, label in enumerate(self.labels_):
            texts += self.descriptions_[label]
            owners += [i] * len(self.descriptions_[label])
        self.description_embeddings_ = self.embed(texts)
        self.owners_ = np.array(owners)

    def predict_proba(self, transactions: Sequence[Transaction]) -> np.ndarray:
        import numpy as np

        from txcat.strategies.neural import encoder_text

        self.check_fitted()
        if not transactions:
            return np.zeros((0, len(self.labels_)))
        if self.settings.llm:
            return self._llm_proba(transactions)
        rows = self.embed([encoder_text(tx, self.settings.directory_hints)
                           for tx in transactions])
        similarity = rows @ self.description_embeddings_.T  # cosine: both are unit vectors
        best = np.full((len(rows), len(self.labels_)), -1.0)
        for i in range(len(self.labels_)):
            best[:, i] = similarity[:, self.owners_ == i].max(axis=1)
        scores = best * self.settings.temperature
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, directory: Path) -> None:
        import numpy as np

        self.check_fitted()
        (directory / DESCRIPTIONS_FILE).write_text(
            json.dumps(self.descriptions_, ensure_ascii=False, indent=2), encoding="utf-8")
        if self.settings.llm:
            (directory / TEMPLATE_FILE).write_text(self.template_, encoding="utf-8")
            return
        np.save(directory / EMBEDDINGS_FILE, self.description_embeddings_, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, params: dict[str, Any],
             labels: list[str]) -> ZeroShotStrategy:
        import numpy as np

        from txcat.modeldir import MANIFEST
        from txcat.strategies.neural import default_encoder

        strategy = cls(**params)
        strategy.descriptions_ = read_descriptions(directory / DESCRIPTIONS_FILE)
        strategy.labels_ = list(labels)
        if sorted(strategy.descriptions_) != strategy.labels_:
            raise ModelError(f"{directory}: descriptions do not match the labels "
                             f"{strategy.labels_}")
        if strategy.settings.llm:
            strategy.template_ = (directory / TEMPLATE_FILE).read_text(encoding="utf-8")
            return strategy
        strategy._load_encoder(strategy.settings.base_model or default_encoder(),
                               local_option=f"base_model in {directory / MANIFEST}",
                               recorded=True)
        strategy.description_embeddings_ = np.load(directory / EMBEDDINGS_FILE,
                                                   allow_pickle=False)
        owners = [i for i, label in enumerate(strategy.labels_)
                  for _ in strategy.descriptions_[label]]
        strategy.owners_ = np.array(owners)
        if strategy.description_embeddings_.shape != (len(owners),
                                                      strategy.encoder_.config.hidden_size):
            raise ModelError(f"{directory}: description embeddings do not fit the encoder")
        return strategy


def read_descriptions(path: Path) -> dict[str, list[str]]:
    """``{"LABEL": ["description", ...]}`` from a JSON file, checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StrategyError(f"{path}: no such descriptions file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StrategyError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not data or not all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(t, str) and
                                                                     t.strip() for t in v)
            for k, v in data.items()):
        raise StrategyError(f'{path}: expected {{"LABEL": ["description", ...], ...}} with at '
                            "least one non-empty description per label")
    written: dict[str, str] = {}
    for key in data:
        first = written.setdefault(normalise_label(key), key)
        if first != key:  # one label: the first one's descriptions would be dropped
            raise StrategyError(f"{path}: label {normalise_label(key)} is written twice "
                                f"({first!r}, {key!r}); give all its descriptions once")
    return {normalise_label(k): [t.strip() for t in v] for k, v in data.items()}


def _pooling_mode(name: str) -> str:
    """'cls' or 'mean', from a sentence-transformers folder's pooling config (default mean)."""
    config = Path(name) / "1_Pooling" / "config.json"
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "mean"
    return "cls" if settings.get("pooling_mode_cls_token") else "mean"


@hookimpl
def register_strategies(register: Callable[[type[Strategy]], None]) -> None:
    register(ZeroShotStrategy)
