"""The hooks a txcat plugin can implement.

Built-in strategies and bank layouts are registered through these same hooks, by
modules listed in :data:`txcat.plugins.DEFAULT_PLUGINS`; a third-party package
does the same from an entry point in the ``txcat`` group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("txcat")
hookimpl = pluggy.HookimplMarker("txcat")


@hookspec
def register_strategies(register: Callable[[Any], None]) -> None:
    """Call ``register(StrategyClass)`` for each :class:`txcat.strategies.base.Strategy`."""


@hookspec
def register_layouts(register: Callable[[Any], None]) -> None:
    """Call ``register(Layout(...))`` for each bank statement layout the plugin reads."""
