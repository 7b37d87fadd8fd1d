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


USER_DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")),
             REPO / "samples" / "README.md", REPO / "plugins" / "txcat-rules" / "README.md"]


def _documented_command_lines() -> list[tuple[str, str, str]]:
    """(document, command, the rest of the line) for every 'txcat COMMAND ...' the user
    documents show, a command continued with a backslash read as one line."""
    import re

    from txcat.cli import main

    found = []
    for doc in USER_DOCS:
        text = re.sub(r"\\\n\s*", " ", doc.read_text(encoding="utf-8"))
        for match in re.finditer(r"\btxcat ([a-z-]+)([^\n`#]*)", text):
            if match.group(1) in main.commands:
                found.append((doc.name, match.group(1), match.group(2)))
    return found


def test_the_documents_show_every_command() -> None:
    from txcat.cli import main

    shown = {command for _, command, _ in _documented_command_lines()}
    assert shown == set(main.commands)


def test_every_option_a_document_gives_a_command_is_one_it_has() -> None:
    """'txcat classify ... --card-bill' in a document: classify has --card-bill."""
    import re

    from txcat.cli import main

    unknown = []
    for doc, command, rest in _documented_command_lines():
        params = main.commands[command].params
        options = {o for p in params for o in (*p.opts, *p.secondary_opts)}
        unknown += [f"{doc}: txcat {command} {option}"
                    for option in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", rest)
                    if option not in options]
    assert not unknown


def test_every_class_attribute_a_strategy_may_set_is_documented() -> None:
    """Strategy's class attributes (name, requires, cache_bundled, pinned, ...) each have
    their row in docs/plugins.md, where plugin authors look for them."""
    from txcat.strategies.base import Strategy

    docs = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    attributes = [name for name, kind in Strategy.__annotations__.items() if "ClassVar" in kind]
    assert "name" in attributes
    assert [a for a in attributes if f"| `{a}`" not in docs] == []
