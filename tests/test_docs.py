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


ARCHITECTURE = REPO / "docs" / "architecture.md"


def _architecture_names() -> set[str]:
    """Every backquoted name in docs/architecture.md, as written and as its parts
    (``txcat/bench/report.py``, ``charts.py`` both count for a row naming both)."""
    import re

    text = ARCHITECTURE.read_text(encoding="utf-8")
    return set(re.findall(r"`([^`\s]+)`", text))


def test_every_module_is_in_the_architecture_map() -> None:
    """A module added (or moved) without its row in docs/architecture.md is caught: its
    path is named, or its file name is, with a row naming its folder."""
    names = _architecture_names()
    missing = []
    for path in sorted((REPO / "txcat").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(REPO).as_posix()
        folder = path.parent.relative_to(REPO).as_posix()
        if relative not in names and f"{folder}/" not in names and path.name not in names:
            missing.append(relative)
    assert not missing, f"not in docs/architecture.md: {missing}"


def test_every_path_the_architecture_map_names_exists() -> None:
    """No row names a module that was moved or removed."""
    gone = [name for name in _architecture_names()
            if name.startswith(("txcat/", "plugins/")) and not (REPO / name).exists()]
    assert not gone, f"docs/architecture.md names paths that do not exist: {gone}"
