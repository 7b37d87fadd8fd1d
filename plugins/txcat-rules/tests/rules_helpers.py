"""Small builders shared by the tests."""

from __future__ import annotations

from pathlib import Path

from txcat.transactions import Transaction

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "rules.toml"


def txs(*descriptions: str) -> list[Transaction]:
    return [Transaction(description=d, amount=-10.0, id=str(n), row=n)
            for n, d in enumerate(descriptions, start=1)]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
