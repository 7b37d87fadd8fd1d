"""How names, money and document numbers are spelled on statements.

Small text helpers shared by the counterpart builders and the per-bank wording:
Portuguese title case, upper case with or without accents, card-descriptor cuts,
dot and Brazilian decimal amounts, CNPJs and masked CPFs.
"""

from __future__ import annotations

import random
import re

from txcat.text import strip_accents

_SMALL_WORDS = frozenset({"de", "da", "do", "das", "dos", "e", "a", "o", "em"})


def title_pt(text: str) -> str:
    """'PADARIA SÃO JOSÉ DO NORTE' -> 'Padaria São José do Norte'."""
    words = text.split()
    out = []
    for i, w in enumerate(words):
        lw = w.lower()
        out.append(lw if i and lw in _SMALL_WORDS else lw[:1].upper() + lw[1:])
    return " ".join(out)


def upper(text: str, accents: bool = False) -> str:
    return text.upper() if accents else strip_accents(text).upper()


def nubank_title(text: str) -> str:
    """How Nubank prints card descriptors: 'IFD*BURGER KING' -> 'Ifd*Burger King'."""
    out, prev_alpha = [], False
    for ch in strip_accents(text).lower():
        out.append(ch.upper() if ch.isalpha() and not prev_alpha else ch)
        prev_alpha = ch.isalnum() or ch == "'"
    return "".join(out)


def squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", strip_accents(text).upper())


def cut(text: str, width: int) -> str:
    return text[:width].rstrip(" -.*/&")


def money_dot(value: float) -> str:
    return f"{value:.2f}"


def money_br(value: float, thousands: bool = True) -> str:
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def cnpj(rng: random.Random) -> str:
    d = f"{rng.randrange(10**8):08d}"
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{rng.choice(('0001', '0001', '0001', '0002', '0003'))}" \
           f"-{rng.randrange(100):02d}"


def masked_cpf(rng: random.Random) -> str:
    return f"***.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}-**"
