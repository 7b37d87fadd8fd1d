"""Shared test set-up.

Entry points of installed plugins are not loaded while tests run
(``sys._called_from_test``), so only the built-ins and what a test registers on
purpose are seen. The default model is cached once per test session.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(sys, "_called_from_test"):
        del sys._called_from_test


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("txcat-cache")


@pytest.fixture(autouse=True)
def _plugin_warnings_given_afresh() -> None:
    """Each test sees a broken plugin's warning once, as each command does."""
    from txcat.plugins import forget_warnings

    forget_warnings()


@pytest.fixture(autouse=True)
def _llm_servers_learned_afresh() -> None:
    """What a test's LLM server took (response format, temperature) is remembered per
    URL for the process; a later test's server may get the same port."""
    import sys

    module = sys.modules.get("txcat.llm.openai_backend")
    if module is not None:
        module._LEARNED.clear()


@pytest.fixture(autouse=True)
def _cache_dir(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never write into the user's real cache from tests."""
    monkeypatch.setenv("TXCAT_CACHE_DIR", str(session_cache))
    yield
