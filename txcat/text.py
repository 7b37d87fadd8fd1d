"""Text normalisation shared by the reader, the merchant directory and strategies.

Statement descriptions mix case, accents, CNPJ/CPF numbers, agency and account
numbers and card-acquirer prefixes. Strategies should learn from the words that
name the counterpart, not from that noise, and must not depend on how a bank
happens to spell accents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

#: Statements repeat the same descriptions (the same bakery every week): the pure text
#: functions below remember this many recent results.
CACHE_SIZE = 65536

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")

# Identifiers that carry personal data or no meaning for the label.
_NOISE_PATTERNS = [
    re.compile(r"\b\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}\b"),  # CNPJ
    re.compile(r"\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b"),  # CPF
    re.compile(r"[*•]{3}\.?\d{3}\.?\d{3}-?[*•]{2}"),  # masked CPF as banks print it
    re.compile(r"ag[eê]ncia:?\s*\d+(-\d)?", re.IGNORECASE),
    re.compile(r"conta:?\s*[\d.]+-?[\dxX]?", re.IGNORECASE),
    re.compile(r"\(\d{1,4}\)"),  # bank code in parentheses
]


_BANK_DETAILS = re.compile(r"\(\d{1,4}\)\s*Ag[eê]ncia", re.IGNORECASE)
_SEGMENT = " - "


def strip_bank_details(text: str) -> str:
    """Drop the counterpart's bank segment: '... - BANCO X (0341) Agência: 1 Conta: 2'.

    Banks print where the counterpart keeps its account; it names a bank, not
    the merchant, and a bank called 'Mercado Pago' must not read as a market.
    """
    match = _BANK_DETAILS.search(text)
    if match is None:
        return text
    cut = text.rfind(_SEGMENT, 0, match.start())
    # Bank names can hold ' - ' themselves ('NU PAGAMENTOS - IP').
    while cut > 0 and len(text[cut + len(_SEGMENT) : match.start()].strip()) <= 4:
        cut = text.rfind(_SEGMENT, 0, cut)
    return text[:cut].rstrip() if cut >= 0 else text[: match.start()].rstrip()


def strip_accents(text: str) -> str:
    """'Lançamento' -> 'Lancamento'; keeps the base letters of every character."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


#: How a cell a spreadsheet runs as a formula starts: '=', '+', '-' or '@' (or a tab or
#: carriage return, which some strip before looking). ``--format full`` marks such cells
#: as text with a leading apostrophe; the reader drops the mark.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def column_key(name: str) -> str:
    """The key a header cell is matched by: 'Data Lançamento' -> 'datalancamento'.

    'Nº' and 'N°' (a degree sign typed for the ordinal) are both 'no'."""
    return _NON_ALNUM.sub("", strip_accents(name.replace("\u00b0", "o")).lower())


def first_column(columns: Sequence[str], aliases: Sequence[str]) -> str | None:
    """The first of ``columns`` (in alias order) whose :func:`column_key` is an alias."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(column_key(column), column)
    return next((by_key[alias] for alias in aliases if alias in by_key), None)


@lru_cache(maxsize=CACHE_SIZE)
def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation turned to spaces, single-spaced."""
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", strip_accents(text).lower())).strip()


@lru_cache(maxsize=CACHE_SIZE)
def clean_description(text: str) -> str:
    """Fold a description after removing CNPJ/CPF, agency/account numbers and digits.

    Digits are dropped because store numbers, dates and card endings vary per row
    and would make two rows of one merchant look different.
    """
    text = strip_bank_details(text)
    for pattern in _NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    folded = fold(text)
    return _SPACES.sub(" ", re.sub(r"\d+", " ", folded)).strip()
