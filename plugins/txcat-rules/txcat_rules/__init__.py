"""txcat-rules: a ``rules`` strategy for txcat, registered through txcat's plugin hooks.

Installed, it shows up in ``txcat strategies`` and ``txcat bench`` and trains with
``txcat train --strategy rules``. Importing this module stays cheap: NumPy is only
imported when rows are labeled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from txcat.hookspecs import hookimpl
from txcat_rules.rules import Rule, dump_rules, parse_rules, read_rules_file
from txcat_rules.strategy import RULES_FILE, RulesStrategy

__version__ = "0.1.0"

__all__ = ["RULES_FILE", "Rule", "RulesStrategy", "dump_rules", "parse_rules",
           "read_rules_file", "register_strategies"]


@hookimpl
def register_strategies(register: Callable[[Any], None]) -> None:
    register(RulesStrategy)
