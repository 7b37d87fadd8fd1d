"""Hooks stay honest (as in datasette): each one documented with its signature, and tested."""

from __future__ import annotations

import inspect

import pytest
from helpers import REPO

from txcat import hookspecs

HOOKS = [name for name, value in vars(hookspecs).items()
         if inspect.isfunction(value) and hasattr(value, "txcat_spec")]


def test_the_hooks_are_found() -> None:
    assert set(HOOKS) >= {"register_strategies", "register_layouts"}


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_documentation_heading_with_its_signature(hook: str) -> None:
    params = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    docs = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert f"### `{hook}({params})`" in docs


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test_of_its_own(hook: str) -> None:
    tests = (REPO / "tests" / "test_plugins.py").read_text(encoding="utf-8")
    assert f"def test_hook_{hook}(" in tests
