"""The one interface every LLM backend implements, and the model-spec parser.

Strategies hand a backend a system prompt and rows (each already rendered as
text); the backend answers, for each row, a probability per label, or None when
the model gave no valid label even after one retry (the row then gets REVISAR,
never a made-up label).
"""

from __future__ import annotations

import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from txcat.errors import StrategyError, TxcatError


class LLMError(TxcatError):
    """A backend cannot answer at all (server unreachable after retries, bad key...)."""


class NoLLMConfigured(StrategyError):
    """A prompt strategy was asked to run with no model spec: it is unavailable, not broken."""


@dataclass
class Usage:
    """What a run cost, reported on stderr and in ``txcat bench`` (``usage_``)."""

    requests: int = 0
    cached: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "cached": self.cached, "retries": self.retries,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "tokens": self.tokens,
                "cost_usd": self.cost_usd}


@dataclass
class BackendOptions:
    """Settings shared by backends; each uses the ones that apply to it."""

    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    redact: bool = True
    batch_size: int = 20
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 3
    cache_dir: str | None = None  # None: txcat's cache dir; "" disables the cache
    price_input_per_million: float | None = None
    price_output_per_million: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class LLMBackend(ABC):
    """Label rows with a language model."""

    #: Whether prompts leave the machine (then personal data is redacted by default).
    remote: bool = False
    #: Whether :meth:`choose` may run in several threads at once (requests to a server).
    concurrent: bool = False

    def __init__(self, model: str, options: BackendOptions) -> None:
        self.model = model
        self.options = options
        self.usage = Usage()

    @abstractmethod
    def choose(self, system: str, rows: Sequence[str],
               labels: Sequence[str]) -> list[dict[str, float] | None]:
        """For each row text, ``{label: probability}`` over ``labels``, or None when no
        valid label came back after one retry."""

    def close(self) -> None:  # noqa: B027 -- most backends hold nothing open
        """Free what the backend holds open (an HTTP client's connections)."""

    def __enter__(self) -> LLMBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_Job = TypeVar("_Job")
_Result = TypeVar("_Result")


def in_threads(function: Callable[[_Job], _Result], jobs: Sequence[_Job],
               workers: int) -> Iterator[_Result]:
    """``function(job)`` for each job, ``workers`` at a time, yielded in the jobs' order.

    The threads are daemons and nobody waits for them: when a job fails, or the run is
    interrupted (Ctrl-C), no new job starts and the requests in flight are abandoned,
    instead of being waited for (up to the timeout times the retries each).
    """
    if workers <= 1 or len(jobs) <= 1:  # here, in this thread
        yield from map(function, jobs)
        return
    futures: list[Future[_Result]] = [Future() for _ in jobs]
    pending = iter(range(len(jobs)))
    lock, stop = threading.Lock(), threading.Event()

    def work() -> None:
        while not stop.is_set():
            with lock:
                i = next(pending, None)
            if i is None:
                return
            try:
                futures[i].set_result(function(jobs[i]))
            except BaseException as exc:  # handed to the caller by result()
                stop.set()  # the jobs before it have all started: the caller gets here
                futures[i].set_exception(exc)

    for _ in range(min(workers, len(jobs))):
        threading.Thread(target=work, name="txcat-llm", daemon=True).start()
    try:
        for future in futures:
            yield future.result()
    finally:
        stop.set()


def parse_spec(spec: str) -> tuple[str, str]:
    """``'openai:gpt-4o-mini'`` -> ``('openai', 'gpt-4o-mini')``; also ``hf:``, ``ollama:``."""
    kind, sep, model = spec.partition(":")
    kind = kind.strip().lower()
    if not sep or not model.strip() or kind not in ("openai", "ollama", "hf"):
        raise StrategyError(f"model spec {spec!r} not understood: use openai:MODEL (any "
                            "OpenAI-compatible server, with --llm-base-url), ollama:MODEL "
                            "or hf:PATH_OR_ID")
    return kind, model.strip()


def check_prompt_params(params: dict[str, Any], strategy: str) -> None:
    """The batch size, model spec and server URL a prompt strategy was given, checked
    before any request: a URL without its scheme was retried three times before the
    client said so."""
    if params.get("batch_size", 1) < 1:
        raise StrategyError(f"{strategy}: batch_size must be at least 1")
    if params.get("llm"):
        parse_spec(params["llm"])
    url = params.get("llm_base_url")
    if isinstance(url, str) and url and not re.match(r"https?://", url, re.IGNORECASE):
        raise StrategyError(f"the LLM base URL {url!r} needs its scheme: http://{url} "
                            "(or https://)")


def backend_requirements(spec: str) -> tuple[tuple[str, ...], str]:
    """The modules a model spec's backend needs here, and the pip extra that installs
    them: ``hf:`` runs a transformers model on this machine; ``openai:`` and ``ollama:``
    need only the openai client. The spec is not checked here (:func:`parse_spec` is)."""
    if spec.partition(":")[0].strip().lower() == "hf":
        return ("torch", "transformers"), "transformers"
    return ("openai",), "llm"


def configured_spec(spec: str | None) -> str:
    """The spec given, else ``$TXCAT_LLM``, else :class:`NoLLMConfigured`."""
    chosen = spec or os.environ.get("TXCAT_LLM", "")
    if not chosen:
        raise NoLLMConfigured("no LLM configured: pass --llm openai:MODEL (in bench: "
                              "few-shot:llm=openai:MODEL), or set TXCAT_LLM")
    return chosen


def make_backend(spec: str, options: BackendOptions | None = None) -> LLMBackend:
    """The backend a model spec names."""
    options = options or BackendOptions()
    kind, model = parse_spec(spec)
    if kind == "hf":
        from txcat.llm.hf_backend import HFBackend

        return HFBackend(model, options)
    from txcat.llm.openai_backend import OpenAIBackend

    if kind == "ollama" and not options.base_url:
        options.base_url = "http://localhost:11434/v1"
        if options.api_key_env == "OPENAI_API_KEY":  # the OpenAI key goes to OpenAI only
            options.api_key_env = "TXCAT_LLM_API_KEY"
    return OpenAIBackend(model, options)
