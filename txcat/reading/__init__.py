"""Reading statements: any supported bank layout in, canonical transactions out."""

from txcat.reading.statement import ColumnOverrides, Statement, open_statement

__all__ = ["ColumnOverrides", "Statement", "open_statement"]
