"""A disk cache of LLM answers: the same request never pays twice.

One JSON file per key under ``DIRECTORY/llm-cache/<key[:2]>/<key>.json``, written
atomically (a temporary file, then :func:`os.replace`), so concurrent batches and
interrupted runs never leave a half-written answer. A file that cannot be read
is a miss; a file that cannot be written is logged and skipped: the cache only
ever saves work, it never stops a run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_KEY = re.compile(r"[0-9a-f]{16,128}")


def request_key(model: str, base_url: str | None, messages: list[dict[str, str]],
                response_format: dict[str, Any] | None) -> str:
    """The cache key of one chat request: sha256 of what decides its answer."""
    payload = json.dumps({"model": model, "base_url": base_url, "messages": messages,
                          "response_format": response_format}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    """JSON answers stored by key under ``directory/llm-cache``."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.root = Path(directory) / "llm-cache"

    def path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"cache key {key!r} is not a lowercase hex digest")
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored answer, or None when absent or unreadable."""
        path = self.path(key)
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable LLM cache entry %s (%s)", path, exc)
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` under ``key`` (atomically); a failure is only logged."""
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(value, handle, ensure_ascii=False)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            logger.warning("could not write the LLM cache entry %s (%s); set TXCAT_CACHE_DIR "
                           "to a writable folder", path, exc)
