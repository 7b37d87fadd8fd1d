"""Amounts and dates as Brazilian statements write them."""

from __future__ import annotations

import datetime as dt

import pytest

from txcat.reading.values import parse_amount, parse_date

D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("-1.234,56", -1234.56),
    ("1.234,56", 1234.56),
    ("1,234.56", 1234.56),
    ("-1,234.56", -1234.56),
    ("1.234.567,89", 1234567.89),
    ("1,234,567.89", 1234567.89),
    ("R$ 30,50", 30.5),
    ("R$ -30,50", -30.5),
    ("-R$ 30,50", -30.5),
    ("BRL 30.50", 30.5),
    ("(12,34)", -12.34),
    ("(R$ 12,34)", -12.34),
    ("30,50 D", -30.5),
    ("30,50D", -30.5),
    ("30,50 d", -30.5),
    ("30,50 C", 30.5),
    ("30,50-", -30.5),
    ("1.234,56-", -1234.56),
    ("+5", 5.0),
    ("5", 5.0),
    ("-0", 0.0),
    ("1234.5", 1234.5),
    ("0,99", 0.99),
    (",99", 0.99),
    ("  -22.13  ", -22.13),
    ("1\u00a0234,56", 1234.56),  # a no-break space as thousands separator
])
def test_parse_amount(text: str, expected: float) -> None:
    assert parse_amount(text) == pytest.approx(expected, abs=1e-9)


def test_parse_amount_returns_a_float() -> None:
    assert type(parse_amount("10")) is float


@pytest.mark.parametrize("text", [
    "abc", "", "   ", "-", "+", "R$", "D", "()", "1,2,3,4x", "12,34abc", "1-2", "--5",
    "1.234,56 X", "R$ 30,50 reais", "3O,50", "1..2", "1,,2", "12 34,5x",
])
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(text)


@pytest.mark.parametrize(("text", "decimal", "expected"), [
    # The layout says the decimal separator; thousands go.
    ("1.234", ",", 1234.0),
    ("1.234,5", ",", 1234.5),
    ("-1.234,56", ",", -1234.56),
    ("1,234", ".", 1234.0),
    ("1,234.5", ".", 1234.5),
    ("-22.13", ".", -22.13),
    ("1234", ",", 1234.0),
    ("1234", ".", 1234.0),
    # A value that plainly uses the other separator (not three digits after it) wins.
    ("30,5", ".", 30.5),
    ("30,50", ".", 30.5),
    ("12.5", ",", 12.5),
    ("12.50", ",", 12.5),
])
def test_parse_amount_with_a_decimal_hint(text: str, decimal: str, expected: float) -> None:
    assert parse_amount(text, decimal) == pytest.approx(expected, abs=1e-9)


def test_the_hint_decides_ambiguous_three_digit_groups() -> None:
    # No hint: a lone separator is decimal; the hint makes it a thousands separator.
    assert parse_amount("1.234") == pytest.approx(1.234)
    assert parse_amount("1.234", ",") == 1234.0
    assert parse_amount("1,234") == pytest.approx(1.234)
    assert parse_amount("1,234", ".") == 1234.0


@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("-1.234,56", ".", -1234.56),
    ("1,234.56", ",", 1234.56),
])
def test_parse_amount_hint_contradicted_by_both_separators(
        text: str, decimal: str, expected: float) -> None:
    try:
        value = parse_amount(text, decimal)
    except ValueError:
        return  # refusing the value is acceptable too; a wrong number is not
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("03/09/2024", D(2024, 9, 3)),
    ("3/9/2024", D(2024, 9, 3)),
    ("31/12/2024", D(2024, 12, 31)),
    ("29/02/2024", D(2024, 2, 29)),
    ("03/09/24", D(2024, 9, 3)),
    ("2024-09-03", D(2024, 9, 3)),
    ("2024-09-03T10:15:00", D(2024, 9, 3)),
    ("2024-09-03T10:15:00Z", D(2024, 9, 3)),
    ("2024-09-03T10:15:00-03:00", D(2024, 9, 3)),
    ("2024-09-03 10:15", D(2024, 9, 3)),
    ("03/09/2024 10:15:00", D(2024, 9, 3)),
    ("  03/09/2024  ", D(2024, 9, 3)),
    ("03-09-2024", D(2024, 9, 3)),
    ("03.09.2024", D(2024, 9, 3)),
    ("2024/09/03", D(2024, 9, 3)),
])
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "31/02/2024", "29/02/2023", "32/01/2024", "03/13/2024", "", "   ", "ontem",
    "2024-13-01", "2024-02-30T10:00:00", "03/09", "10:15",
])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


def test_parse_date_tries_the_layouts_formats_first() -> None:
    # '03/09/2024' is 3 September in Brazil; a layout may say month first.
    assert parse_date("03/09/2024") == D(2024, 9, 3)
    assert parse_date("03/09/2024", ("%m/%d/%Y",)) == D(2024, 3, 9)
    # ...and still falls back to the generic formats when its own do not fit.
    assert parse_date("2024-09-03", ("%m/%d/%Y",)) == D(2024, 9, 3)


def test_an_amount_too_large_for_a_float_is_not_an_amount() -> None:
    with pytest.raises(ValueError):
        parse_amount("9" * 400)
