"""Errors a user can act on.

The library raises these with a complete, one-line message; the CLI prints the
message once and exits non-zero, never a traceback.
"""

from __future__ import annotations


class TxcatError(Exception):
    """Base class of every error txcat reports to a user."""


class StatementError(TxcatError):
    """A statement file cannot be read: names the file and, where known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.reason = message


class LabelError(TxcatError):
    """A labeled file has no usable label column or holds labels outside the label set."""


class StrategyError(TxcatError):
    """A strategy is unknown, unusable here, or was used before it was fitted."""


class UnknownParameterError(StrategyError):
    """A strategy was given a parameter it does not take (not: a bad value for one)."""


class ModelError(TxcatError):
    """A model directory is missing, incomplete or made by an incompatible version."""


class OutputError(TxcatError):
    """An output file or model directory cannot be written where the user asked."""
