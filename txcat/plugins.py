"""The plugin manager: built-in modules and installed plugins, registered alike.

Modelled on simonw/llm: one pluggy manager, a ``DEFAULT_PLUGINS`` tuple of
internal modules registered exactly like third-party ones, entry points from the
``txcat`` group, ``TXCAT_LOAD_PLUGINS`` to load only a chosen subset, and no
entry-point loading while the test suite runs (tests register what they mean to).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import pluggy

from txcat import hookspecs

if TYPE_CHECKING:
    from txcat.layouts import Layout
    from txcat.strategies.base import Strategy

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "txcat"

#: Which installed distribution each entry-point plugin came from, for 'txcat plugins'.
_SOURCES: dict[str, str] = {}

DEFAULT_PLUGINS: tuple[str, ...] = (
    "txcat.layouts",
    "txcat.strategies.tfidf",
    "txcat.strategies.bert",
    "txcat.strategies.zero_shot",
    "txcat.strategies.lora",
    "txcat.strategies.cascade",
    "txcat.strategies.few_shot",
)


@lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    """Build the manager once, on first use, so importing txcat stays cheap."""
    pm = pluggy.PluginManager("txcat")
    pm.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if not getattr(sys, "_called_from_test", False):
        _load_entry_points(pm)
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    wanted_env = os.environ.get("TXCAT_LOAD_PLUGINS")
    wanted = None if wanted_env is None else {n.strip() for n in wanted_env.split(",")
                                              if n.strip()}
    found = entry_points(group=ENTRY_POINT_GROUP)
    installed = sorted({ep.name for ep in found})
    for name in sorted((wanted or set()) - set(installed)):  # a typo loads nothing, silently
        logger.warning("TXCAT_LOAD_PLUGINS names %r, which no installed plugin is called "
                       "(installed: %s)", name, ", ".join(installed) or "none")
    for ep in found:
        if wanted is not None and ep.name not in wanted:
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            dist = getattr(ep, "dist", None)
            if dist is not None:
                _SOURCES[ep.name] = f"{dist.metadata['Name']} {dist.version}"
        except Exception as exc:  # a broken plugin must not break txcat
            logger.warning("plugin %r could not be loaded and is skipped: %s", ep.name, exc)


def get_layouts() -> list[Layout]:
    """Every registered layout, built-ins first, in registration order."""
    layouts: list[Layout] = []
    seen: dict[str, str] = {}

    def register(layout: Layout) -> None:
        if layout.name in seen:
            _warn_once("layout %r is registered twice; keeping the first", layout.name)
            return
        seen[layout.name] = layout.name
        layouts.append(layout)

    _call_each(get_plugin_manager().hook.register_layouts, register)
    return layouts


def get_strategies() -> dict[str, type[Strategy]]:
    """Every registered strategy class by its name."""
    strategies: dict[str, type[Strategy]] = {}

    def register(cls: type[Strategy]) -> None:
        if _is_a_strategy_instance(cls):
            kind = type(cls).__name__
            _warn_once("strategy %r is registered as an instance of %s: register the class "
                       "(register(%s)), and it is skipped", cls.name, kind, kind)
            return
        problem = _not_a_usable_strategy(cls)
        if problem:
            _warn_once("strategy class %r %s, and is skipped", cls, problem)
            return
        name = cls.name
        if name in strategies and strategies[name] is not cls:
            _warn_once("strategy %r is registered twice; keeping the first", name)
            return
        strategies[name] = cls

    _call_each(get_plugin_manager().hook.register_strategies, register)
    return strategies


def _is_a_strategy_instance(cls: object) -> bool:
    """Whether a plugin registered a strategy object instead of its class (a new one each
    time the hook runs, so a warning naming the object would repeat)."""
    from txcat.strategies.base import Strategy

    return isinstance(cls, Strategy)


def _not_a_usable_strategy(cls: object) -> str | None:
    """Why a class a plugin registered cannot be used as a strategy, or None."""
    from txcat.strategies.base import Strategy

    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        return "is not a txcat Strategy subclass"
    if not cls.name or not isinstance(cls.name, str):
        return "has no name"
    if not isinstance(cls.requires, (tuple, list)) or not all(
            isinstance(m, str) for m in cls.requires):
        return (f"has requires = {cls.requires!r}: its requires is a "
                f"{type(cls.requires).__name__}; it must be a tuple of module names")
    return None


#: Plugin warnings already given in this command: strategies are listed several times
#: in one command (a cascade asks again), and a broken plugin is told once. The CLI
#: empties it as each command starts (:func:`forget_warnings`).
_WARNED: set[str] = set()


def _warn_once(message: str, *args: object) -> None:
    text = message % args
    if text not in _WARNED:
        _WARNED.add(text)
        logger.warning(message, *args)


def forget_warnings() -> None:
    """Let each plugin warning be given again (once), as a new command starts."""
    _WARNED.clear()


def _call_each(hook: Any, register: Any) -> None:
    """Call a register hook on every plugin separately, so one failing plugin is named
    in a warning and the others still register."""
    pm = get_plugin_manager()
    for impl in hook.get_hookimpls():  # registration order: built-ins first
        try:
            impl.function(register=register)
        except Exception as exc:
            _warn_once("plugin %r failed in %s: %s",
                           pm.get_name(impl.plugin), hook.name, exc)


def registered_strategy(name: str) -> type[Strategy]:
    """The strategy class called ``name``, usable here or not, or a :class:`StrategyError`
    naming the installed ones (a typo is told apart from a missing extra)."""
    from txcat.errors import StrategyError

    strategies = get_strategies()
    if name not in strategies:
        raise StrategyError(f"unknown strategy {name!r}; installed: "
                            f"{', '.join(sorted(strategies))} (see 'txcat strategies')")
    return strategies[name]


def availability_of(cls: type[Strategy],
                    params: dict[str, Any] | None = None) -> tuple[bool, str]:
    """``cls.availability(params)``; a plugin written before ``availability`` took the
    parameters overrides it with none, and keeps working."""
    import inspect

    try:
        if not inspect.signature(cls.availability).parameters:
            return cls.availability()
        return cls.availability(params)
    except Exception as exc:  # a plugin's bug must not stop 'strategies' or 'bench'
        return False, f"its availability check failed ({type(exc).__name__}: {exc})"


def get_strategy(name: str, params: dict[str, Any] | None = None) -> type[Strategy]:
    """The strategy class called ``name``, usable here with ``params``, or a
    :class:`StrategyError`."""
    from txcat.errors import StrategyError

    cls = registered_strategy(name)
    usable, reason = availability_of(cls, params)
    if not usable:
        raise StrategyError(f"strategy {name!r} cannot run here: {reason}")
    return cls


def param_value(text: str) -> Any:
    """A strategy parameter's value as typed: JSON when it parses ('5', '0.5', 'true',
    case-insensitive booleans), else the text itself ('tfidf', a path)."""
    import json

    try:
        return json.loads(text.lower() if text.lower() in ("true", "false") else text)
    except json.JSONDecodeError:
        return text


def check_strategy_params(cls: type[Strategy], params: dict[str, Any] | None) -> None:
    """A :class:`StrategyError` for a parameter ``cls`` does not take or cannot use;
    whether it can run here is not asked (``bench`` lists unusable ones with why)."""
    from txcat.errors import UnknownParameterError
    from txcat.strategies.base import init_arguments

    accepted, catch_all = init_arguments(cls)
    unknown = sorted(set(params or {}) - set(accepted))
    if unknown and not catch_all:
        raise UnknownParameterError(f"strategy {cls.name!r} has no parameter "
                                    f"{', '.join(unknown)}; its parameters: "
                                    f"{', '.join(accepted) or 'none'}")
    cls.check_params(dict(params or {}))


def create_strategy(name: str, params: dict[str, Any] | None = None) -> Strategy:
    """An unfitted strategy ``name`` made with ``params``, or a clear error."""
    from txcat.errors import StrategyError

    cls = get_strategy(name, params)
    check_strategy_params(cls, params)
    try:
        return cls(**(params or {}))
    except (TypeError, ValueError) as exc:
        raise StrategyError(f"strategy {name!r}: bad parameters ({exc})") from None


def list_plugins() -> list[dict[str, Any]]:
    """Every registered plugin: its name, the hooks it implements, and where it comes
    from (a built-in module, or the distribution that installed its entry point)."""
    pm = get_plugin_manager()
    plugins = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        source = "built-in" if name in DEFAULT_PLUGINS else _SOURCES.get(name, "registered")
        plugins.append({"name": name, "hooks": hooks, "source": source})
    order = {name: i for i, name in enumerate(DEFAULT_PLUGINS)}
    return sorted(plugins, key=lambda p: (order.get(p["name"], len(order)), p["name"]))
