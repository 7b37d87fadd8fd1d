"""Parse the amounts and dates Brazilian statements write.

Amounts: '-1.234,56', '1,234.56', 'R$ 30,50', '(12,34)', '30,50 D', '1234.5'.
Dates: dd/mm/yyyy, dd/mm/yy, ISO, with or without a time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence

#: Minus signs a word processor or a PDF puts where '-' was meant ('−45,00', '–45,00').
_DASHES = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\ufe63": "-", "\uff0d": "-"})
_CURRENCY = re.compile(r"r\$|brl|\s", re.IGNORECASE)
# Plain digits with one decimal separator, or digits grouped by threes and an
# optional decimal part: '1234.5', ',99', '1.234,56', '1,234,567.8'.
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|\d*[.,]\d+|\d{1,3}([.,]\d{3})+([.,]\d+)?)$")


def parse_amount(text: str, decimal: str | None = None) -> float:
    """Parse an amount; raise ValueError when ``text`` is not one.

    ``decimal`` is the layout's decimal separator when it is known; otherwise the
    separator is decided from the value itself (the last of ',' and '.' is the
    decimal one; a lone ',' is decimal, a lone '.' followed by three digits in a
    value with more than one '.' is a thousands separator).
    """
    s = _CURRENCY.sub("", text.strip().translate(_DASHES))
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    suffix = s[-1:].upper()
    if suffix in ("D", "C") and len(s) > 1 and s[-2].isdigit():
        negative, s = negative or suffix == "D", s[:-1]
    if s.endswith("-"):  # '30,50-' as some banks print debits
        negative, s = True, s[:-1]
    if not s or not _NUMBER.match(s):
        raise ValueError(f"not an amount: {text!r}")
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    s = _to_plain_number(s, decimal)
    value = sign * float(s)
    if not math.isfinite(value):
        raise ValueError(f"not an amount: {text[:40]!r}")
    return -abs(value) if negative else value


def _to_plain_number(s: str, decimal: str | None) -> str:
    has_comma, has_dot = "," in s, "." in s
    if has_comma and has_dot:  # both present: the last one is the decimal, whatever the hint
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
    elif decimal is None:
        if has_comma:
            decimal = "," if s.count(",") == 1 else "."
        elif has_dot:
            decimal = "." if s.count(".") == 1 else ","
        else:
            return s
    thousands = "." if decimal == "," else ","
    if decimal == "." and has_comma and not has_dot and s.count(",") == 1 and \
            len(s) - s.rfind(",") - 1 != 3:
        # A layout said '.', but this value is plainly '30,5': trust the value.
        decimal, thousands = ",", "."
    if decimal == "," and has_dot and not has_comma and s.count(".") == 1 and \
            len(s) - s.rfind(".") - 1 != 3:
        decimal, thousands = ".", ","
    return s.replace(thousands, "").replace(decimal, ".")


GENERIC_DATE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d",
)


def parse_date(text: str, formats: Sequence[str] = ()) -> dt.date:
    """Parse a date, trying the layout's formats first; raise ValueError if none fits."""
    s = text.strip()
    # Drop a time part: '03/09/2024 10:15', '2024-09-03T10:15:00Z'.
    s = re.split(r"[ T](?=\d{1,2}:\d{2})", s, maxsplit=1)[0]
    for fmt in (*formats, *GENERIC_DATE_FORMATS):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parses(parse: Callable[[str], object], text: str) -> bool:
    """Whether ``parse`` (:func:`parse_amount`, :func:`parse_date`) accepts ``text``."""
    try:
        parse(text)
    except ValueError:
        return False
    return True
