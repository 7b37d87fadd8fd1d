"""The one error class of the export package."""

from __future__ import annotations

from txcat.errors import TxcatError


class ExportError(TxcatError):
    """Training files cannot be made or checked: unknown format, impossible split, unreadable
    file. Problems *inside* a checked file are reported with line numbers, never raised."""
