"""Shared set-up: txcat loads no entry points while tests run, as in txcat's own suite,
so a test sees only the built-ins and what it registers through the real manager."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(sys, "_called_from_test"):
        del sys._called_from_test


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never write into the user's real txcat cache."""
    monkeypatch.setenv("TXCAT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    yield


@pytest.fixture
def registered() -> Iterator[None]:
    """txcat_rules registered through txcat's real plugin manager, as an entry point would."""
    import txcat_rules

    from txcat import plugins

    pm = plugins.get_plugin_manager()
    pm.register(txcat_rules, name="rules")
    try:
        yield
    finally:
        pm.unregister(name="rules")
