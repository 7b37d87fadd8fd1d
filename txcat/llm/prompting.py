"""What the LLM prompt strategies share: settings, templates, rows as text, asking.

Used by ``few-shot`` and by ``zero-shot`` with an LLM backend.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from txcat.errors import StrategyError
from txcat.transactions import Transaction

if TYPE_CHECKING:
    import numpy as np

    from txcat.llm.base import LLMBackend

logger = logging.getLogger(__name__)


@dataclass
class PromptSettings:
    """What every LLM prompt strategy takes (few-shot and zero-shot with an LLM)."""

    llm: str = ""  # model spec: openai:MODEL, ollama:MODEL, hf:PATH_OR_ID; "" -> $TXCAT_LLM
    llm_base_url: str = ""  # any OpenAI-compatible server
    prompt_template: str = ""  # a file; "" -> the packaged default
    redact: bool = True  # mask personal data in prompts sent to a remote endpoint
    batch_size: int = 10
    concurrency: int = 4
    timeout: float = 60.0
    price_input_per_million: float = 0.0  # 0: unknown, no cost estimate
    price_output_per_million: float = 0.0


def row_line(tx: Transaction, *, redact: bool = False) -> str:
    """The row as the origin prompt shows it (data,código,valor,tipo), without the header."""
    from txcat.export.prompts import row_text

    return row_text(tx, redact_data=redact).split("\n", 1)[1]


def label_descriptions(labels: Sequence[str]) -> str:
    from txcat.strategies.zero_shot import DEFAULT_DESCRIPTIONS

    lines = []
    for label in labels:
        kinds = DEFAULT_DESCRIPTIONS.get(label)
        if kinds:
            lines.append(f"{label}: " + "; ".join(kinds) + ".")
    return "\n".join(lines)


def load_template(path: str, default: str) -> str:
    if not path:
        return resources.files("txcat").joinpath(f"llm/templates/{default}").read_text(
            encoding="utf-8")
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise StrategyError(f"{path}: cannot read the prompt template ({exc.strerror})") \
            from None
    except UnicodeDecodeError as exc:
        raise StrategyError(f"{path}: the prompt template is not UTF-8 text (byte "
                            f"0x{exc.object[exc.start]:02x} at position {exc.start + 1}); "
                            "save it as UTF-8") from None


def render(template: str, **values: str) -> str:
    try:
        return string.Template(template).substitute(values)
    except (KeyError, ValueError) as exc:
        raise StrategyError(f"prompt template: unknown or malformed placeholder {exc}; use "
                            "$labels, $descriptions and $examples") from None


def api_key_env(base_url: str) -> str:
    """Which environment variable holds the key for this endpoint.

    The OpenAI key (``OPENAI_API_KEY``) goes to OpenAI only: any other server
    (a third party's, a local one) gets ``TXCAT_LLM_API_KEY`` when it is set, and
    no key otherwise, so pointing ``--llm-base-url`` elsewhere never leaks it.
    """
    from urllib.parse import urlparse

    host = urlparse(base_url).hostname or "" if base_url else "api.openai.com"
    return "OPENAI_API_KEY" if host == "api.openai.com" else "TXCAT_LLM_API_KEY"


def make_llm(settings: PromptSettings) -> LLMBackend:
    from txcat.llm.base import BackendOptions, configured_spec, make_backend

    options = BackendOptions(
        base_url=settings.llm_base_url or None, redact=settings.redact,
        api_key_env=api_key_env(settings.llm_base_url),
        batch_size=settings.batch_size, concurrency=settings.concurrency,
        timeout=settings.timeout,
        price_input_per_million=settings.price_input_per_million or None,
        price_output_per_million=settings.price_output_per_million or None)
    return make_backend(configured_spec(settings.llm), options)


def ask(backend: LLMBackend, system: str, rows: Sequence[str],
        labels: Sequence[str]) -> np.ndarray:
    """Probabilities from the backend; a row with no valid answer is all zeros (abstain)."""
    import numpy as np

    answers = backend.choose(system, rows, labels)
    out = np.zeros((len(rows), len(labels)))
    for i, answer in enumerate(answers):
        if answer is not None:
            out[i] = [answer.get(label, 0.0) for label in labels]
    return out


def report_usage(backend: LLMBackend, earlier: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the backend's requests cost, added to ``earlier``: the same model's earlier
    predictions (bench predicts 512 rows at a time, classify 4,096), so the figure kept
    and the last line logged are the whole run's."""
    usage = backend.usage.as_dict()
    for key, value in (earlier or {}).items():
        if key != "cost_usd":
            usage[key] += value
        elif value is not None:
            usage[key] = (usage[key] or 0.0) + value
    cost = f", about US$ {usage['cost_usd']:.4f}" if usage["cost_usd"] is not None else ""
    logger.info("LLM %s: %d requests (%d from cache, %d retries), %d tokens%s",
                backend.model, usage["requests"], usage["cached"], usage["retries"],
                usage["tokens"], cost)
    return usage
