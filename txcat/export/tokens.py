"""Token counts for training files: exact with tiktoken, else about 4 characters a token.

Services bill fine-tuning by training tokens (every token of every example, once
per epoch), so a count before uploading is a cost estimate. tiktoken is optional;
without it (or when its vocabulary cannot be loaded offline) the count is an
estimate, and the caller is told so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

#: The vocabulary of OpenAI's current fine-tunable models (gpt-4o, gpt-4o-mini, gpt-4.1).
ENCODING = "o200k_base"
#: Characters per token when no tokenizer is available: OpenAI's rule of thumb.
CHARS_PER_TOKEN = 4
#: OpenAI's chat accounting: tokens around each message, and priming the reply.
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REPLY = 3


@lru_cache(maxsize=1)
def _load_encoding() -> Callable[[str], int] | None:
    """The tiktoken counter, or None when tiktoken is missing or its vocabulary is unreachable."""
    try:
        import tiktoken

        encoding = tiktoken.get_encoding(ENCODING)
    except Exception:  # not installed, or the first-use vocabulary download failed offline
        return None
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def is_exact() -> bool:
    """True when counts come from tiktoken, False when they are character-based estimates."""
    return _load_encoding() is not None


def count_text(text: str) -> int:
    """Tokens in ``text``: tiktoken's count, else ``ceil(len(text) / 4)``."""
    encoder = _load_encoding()
    if encoder is None:
        return math.ceil(len(text) / CHARS_PER_TOKEN)
    return encoder(text)


def count_record(record: dict[str, Any]) -> int:
    """Tokens a service trains on for one record.

    Chat records count each message's content plus :data:`TOKENS_PER_MESSAGE`
    (role and delimiters) and :data:`TOKENS_PER_REPLY`, as OpenAI's cookbook does;
    other records count their string values.
    """
    messages = record.get("messages")
    if isinstance(messages, list):
        total = TOKENS_PER_REPLY
        for message in messages:
            content = message.get("content") if isinstance(message, dict) else None
            total += TOKENS_PER_MESSAGE + (count_text(content) if isinstance(content, str) else 0)
        return total
    return sum(count_text(value) for value in record.values() if isinstance(value, str))
