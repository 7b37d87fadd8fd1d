"""Open a statement file, find its header and layout, and stream its rows.

One row out per transaction row in: rows with an unreadable amount or date are kept
(with ``None``) and reported; blank lines are not data rows; rows that state a
balance, a total or a limit, and section titles (no date, no amount), are skipped
and counted (``_not_a_transaction``). A quote left open, which makes the rows after it one field,
is reported with the line it opened on. An amount a comma-delimited file splits at
an unquoted comma ('-30,50', '-1,234.56') is read as one amount, and reported. Rows are
read lazily, so a 100,000-row file never sits in memory as a whole.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from txcat.errors import StatementError
from txcat.labels import DEFAULT_LABELS, REVIEW_LABEL, normalise_label
from txcat.layouts import BALANCE_ROW, DESCRIPTION_ALIASES, LIMIT_ROW, Layout, guess_layout
from txcat.reading.encoding import detect_encoding
from txcat.reading.values import parse_amount, parse_date, parses
from txcat.text import FORMULA_START, column_key, first_column, fold
from txcat.transactions import Transaction
from txcat.wording import counted

logger = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024
MAX_PREAMBLE_LINES = 40
MAX_LINE_CHARS = 1_000_000
DELIMITERS = (";", ",", "\t", "|")
#: How many row-level problems of each kind are logged one by one before summarising.
SHOWN_PER_KIND = 3
#: Line breaks as the text stream splits lines (``newline=""``), so counts match line numbers.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: The part of an amount before an unquoted comma: '-30', '1.234', 'R$ 30', '(30'; and
#: after it: cents ('50', '5', '50 D', '50)'), or a thousands group before a decimal
#: point ('234.56' of '-1,234.56').
_INTEGER_PART = re.compile(r"\(?\s*(?:R\$\s*)?[+-]?\s*(?:R\$\s*)?(?:\d{1,3}(?:\.\d{3})+|\d+)")
_AFTER_COMMA = re.compile(r"(?:\d{1,2}|\d{3}\.\d{1,2})\s*(?:\)|[DCdc]|-)?")


@dataclass(frozen=True)
class ColumnOverrides:
    """Columns a user names for a CSV of no known layout (``--description-column`` ...)."""

    description: str | None = None
    amount: str | None = None
    date: str | None = None
    id: str | None = None
    #: The file is a credit-card bill, which lists purchases as positive amounts
    #: (``--card-bill``): read them as money out. Not a column, so not in :meth:`any`.
    card_bill: bool = False
    #: The label column of a labeled file (``--label-column``): never read as part of
    #: the description, which reads every description-like column ('Tipo' too).
    label: str | None = None

    def any(self) -> bool:
        """Whether a column is named."""
        return any((self.description, self.amount, self.date, self.id))


@dataclass
class ReadStats:
    """What happened while reading, for the warnings a user sees at the end."""

    rows: int = 0
    balance_rows: int = 0
    #: Rows with neither a date nor an amount: section titles, not transactions.
    title_rows: int = 0
    #: Such rows after a transaction: its description continued (Bradesco).
    continued_rows: int = 0
    bad_amounts: int = 0
    bad_dates: int = 0
    empty_descriptions: int = 0
    uneven_rows: int = 0
    split_amounts: int = 0
    repeated_ids: int = 0
    repeated_headers: int = 0
    runaway_quotes: int = 0
    _seen_ids: set[str] = field(default_factory=set, repr=False)


class _Prefixed(io.RawIOBase):
    """The bytes already read for sniffing, followed by the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._pos = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pos < len(self._head):
            n = min(len(buffer), len(self._head) - self._pos)
            buffer[:n] = self._head[self._pos : self._pos + n]
            self._pos += n
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@dataclass(frozen=True)
class _Header:
    index: int  # 0-based line index of the header row
    delimiter: str
    cells: list[str]
    layout: Layout
    #: 0-based index of its last line: a quoted cell may hold a line break.
    end: int = -1

    @property
    def last(self) -> int:
        return self.end if self.end >= 0 else self.index


class Statement:
    """An open statement: its layout and columns are known; iterate for transactions.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, name: str, stream: IO[bytes], owns_stream: bool,
                 overrides: ColumnOverrides | None = None,
                 layouts: Sequence[Layout] | None = None, *, allow_empty: bool = False) -> None:
        self.name = name
        self._stream = stream
        self._owns_stream = owns_stream
        self.stats = ReadStats()
        csv.field_size_limit(MAX_LINE_CHARS)
        try:
            head = stream.read(HEAD_BYTES)
            self.encoding, errors = detect_encoding(head, name)
            raw = io.BufferedReader(_Prefixed(head, stream))
            self._text = io.TextIOWrapper(raw, encoding=self.encoding, errors=errors,
                                          newline="")
            if layouts is None:
                from txcat.plugins import get_layouts

                layouts = get_layouts()
            lines = self._read_head_lines()
            header = _find_header(lines, layouts, overrides or ColumnOverrides(), name)
            self.layout = header.layout
            if overrides is not None and overrides.card_bill:
                self.layout = replace(self.layout, purchases_positive=True)
            if overrides is not None and overrides.label:
                kept = _description_without(self.layout, overrides.label)
                if kept:  # the only description column is refused by read_labeled
                    self.layout = replace(self.layout, description=kept)
            # The first rows, read once, settle what the header leaves open.
            first_rows = list(csv.reader(lines[header.last + 1 :], delimiter=header.delimiter))
            decimal = _decimal_mark(first_rows, header)
            own = self.layout.name not in ("generic", "custom")  # a bank's fixed mark
            if decimal and own and self.layout.decimal not in (None, decimal):
                # The bank's file saved again by a pt-BR spreadsheet (';', '-30,50').
                logger.info("%s: amounts are written with %r as the decimal mark, not %r "
                            "as %s writes them (saved again by a spreadsheet?); read so",
                            name, decimal, self.layout.decimal, self.layout.title)
                self.layout = replace(self.layout, decimal=decimal)
            elif decimal and self.layout.decimal is None:
                self.layout = replace(self.layout, decimal=decimal)
            self.layout = _dates_are_no_description(self.layout, first_rows, header)
            if self.layout.amount and not self.layout.direction:
                marks = _column_of_d_c_marks(first_rows, header)
                if marks:  # a second text column of directions ('Tipo') is no description
                    kept = _description_without(self.layout, marks)
                    self.layout = replace(self.layout, direction=marks,
                                          description=kept or self.layout.description)
            self.delimiter = header.delimiter
            self.header_line = header.last + 1
            self.columns = _unique_names(header.cells)
            self._column_keys = [column_key(c) for c in self.columns]
            self._header_cells = header.cells
            layout = self.layout
            named = [c for c in (layout.amount, layout.credit, layout.debit)
                     if c and column_key(c) in self._column_keys]
            if not named and len(self.columns) > 1:
                logger.warning("%s: no amount column found (columns: %s): rows are read "
                               "without amounts; name it with --amount-column", name,
                               _printable(", ".join(c.strip() for c in header.cells)))
            remaining = iter(lines[header.last + 1 :])
            self._reader = csv.reader(_chain(remaining, self._text),
                                      delimiter=header.delimiter)
            self._rows = self._transactions()
            self._first = next(self._rows, None)
            if self._first is None and self.stats.balance_rows + self.stats.title_rows \
                    + self.stats.continued_rows == 0:
                if not allow_empty:
                    raise StatementError(name, "no data rows after the header "
                                         f"(line {self.header_line})")
                logger.warning("%s: no data rows after the header (line %d); skipped", name,
                               self.header_line)
        except UnicodeDecodeError as exc:
            self.close()
            raise StatementError(name, f"cannot be decoded as {exc.encoding}: {exc.reason}") \
                from None
        except BaseException:
            self.close()
            raise

    def _read_head_lines(self) -> list[str]:
        lines = []
        for number in range(1, MAX_PREAMBLE_LINES + 1):
            line = self._text.readline(MAX_LINE_CHARS)
            if not line:
                break
            if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                raise StatementError(self.name, f"line is longer than {MAX_LINE_CHARS:,} "
                                     "characters: not a statement, or a quote left open",
                                     number)
            lines.append(line)
        return lines

    @property
    def empty(self) -> bool:
        """Whether no row has been read and none is left: a file of no transactions
        (only a header, or only balances), before iterating."""
        return self._first is None

    def __iter__(self) -> Statement:
        return self

    def __next__(self) -> Transaction:
        """The next row; a statement is its own iterator, so a loop left early
        (``break``, ``islice``) can carry on where it stopped."""
        if self._first is not None:
            first, self._first = self._first, None
            return first
        return next(self._rows)

    def _transactions(self) -> Iterator[Transaction]:
        layout, n = self.layout, len(self.columns)
        keys = self._column_keys
        index = {k: i for i, k in reversed(list(enumerate(keys)))}

        def col(name: str | None) -> int | None:
            return None if name is None else index.get(column_key(name))

        desc_cols = [i for i in (col(c) for c in layout.description) if i is not None]
        # Where an unquoted delimiter's extra fields go back: the last description column
        # when they stand together (Inter's Histórico;Descrição), else the main one
        # ('Data,Descrição,Valor,Favorecido': the comma is in Descrição's text).
        together = desc_cols == list(range(desc_cols[0], desc_cols[0] + len(desc_cols))) \
            if desc_cols else True
        primary = col(primary_description(layout))
        # Apart, the comma may be in any of them: the main one first, then the others.
        pivots = desc_cols[-1:] if together or primary is None else \
            [primary, *(i for i in desc_cols if i != primary)]
        header_keys = keys
        header_first = self.columns[0].strip().casefold() if self.columns else ""
        date_col, amount_col, id_col = col(layout.date), col(layout.amount), col(layout.id)
        credit_col, debit_col = col(layout.credit), col(layout.debit)
        direction_col = col(layout.direction)
        amount_cols = sorted({c for c in (amount_col, credit_col, debit_col) if c is not None})
        self._report_repeated_columns([*desc_cols, date_col, *amount_cols, id_col, direction_col])
        last_line = self.header_line
        held: Transaction | None = None
        failure: StatementError | None = None
        try:
            for cells in self._reader:
                line = last_line + 1
                last_line = self.header_line + self._reader.line_num
                if not cells or not any(c.strip() for c in cells):
                    continue
                if cells[0].lstrip("\ufeff").strip().casefold() == header_first and \
                        [column_key(c) for c in cells] == header_keys:  # two exports pasted
                    self.stats.repeated_headers += 1
                    continue
                self.stats.rows += 1
                row_no = self.stats.rows
                if last_line > line:  # a quoted field spans lines
                    self._check_runaway_quote(cells, n, line)
                pivot = pivots[:1]
                if len(cells) > n and len(pivots) > 1:  # the pivot whose amounts then read
                    pivot = next(([p] for p in pivots if self._amounts_read(self._fit_width(
                        cells, n, [p], line, amount_cols, notes=False), amount_cols)), pivot)
                cells = self._fit_width(cells, n, pivot, line, amount_cols)
                if any(c[:1] == "'" for c in cells):  # rare: a spreadsheet's text mark
                    cells = [_unmarked(c) for c in cells]
                desc_parts = [cells[i].strip() for i in desc_cols if cells[i].strip()]
                skipped = self._not_a_transaction(cells, desc_cols, desc_parts, date_col,
                                                  amount_cols)
                if skipped == "title_rows" and held is not None and desc_parts:
                    if any(c.strip() for i, c in enumerate(cells) if i not in desc_cols):
                        # A cell of its own (a label, a note a user added with the row):
                        # a row, kept with its missing date and amount warned about.
                        skipped = None
                    else:
                        # Bradesco prints the counterpart on a line of its own, with no
                        # date and no amount: the row above's description, continued.
                        held = replace(held, description=" - ".join(
                            [held.description, *desc_parts]) if held.description else
                            " - ".join(desc_parts))
                        self.stats.continued_rows += 1
                        continue
                if skipped:
                    setattr(self.stats, skipped, getattr(self.stats, skipped) + 1)
                    continue
                description = " - ".join(desc_parts)
                if not description:
                    self._note("empty_descriptions", line, "has an empty description")
                amount = self._amount(cells, amount_col, credit_col, debit_col, direction_col,
                                      line)
                date = None
                if date_col is not None:
                    try:
                        date = parse_date(cells[date_col], layout.date_formats)
                    except ValueError:
                        self._note("bad_dates", line, _not_understood("date", cells[date_col]))
                ident = cells[id_col].strip() if id_col is not None else ""
                if id_col is not None:  # an empty id is the row number: it may meet a real one
                    shown_id = ident or str(row_no)
                    if shown_id in self.stats._seen_ids:
                        self.stats.repeated_ids += 1
                    else:
                        self.stats._seen_ids.add(shown_id)
                if held is not None:  # held back one row, for a line that continues it
                    yield held
                held = Transaction(
                    description=description,
                    amount=amount,
                    date=date,
                    id=ident or str(row_no),
                    row=row_no,
                    line=line,
                    source=self.name,
                    raw=dict(zip(self.columns, cells, strict=True)),
                )
        except csv.Error as exc:
            failure = StatementError(self.name, f"malformed CSV: {exc}",
                                     self.header_line + self._reader.line_num)
        except UnicodeDecodeError as exc:
            failure = StatementError(self.name, f"cannot be decoded as {exc.encoding}: "
                                     f"{exc.reason}", last_line + 1)
        if held is not None:  # the last row read, whole, before any error after it
            yield held
        if failure is not None:
            raise failure
        self._summarise()

    def _report_repeated_columns(self, read: Sequence[int | None]) -> None:
        """Warn when a column that is read shares its name with another in the header.

        Only the first such column is read; without a word, the other's text (a second
        'tipo' holding the merchant, say) would be left out of every row unseen.
        """
        keys = [column_key(c) for c in self._header_cells]
        for i in sorted({c for c in read if c is not None}):
            others = [j for j, k in enumerate(keys) if k == keys[i] and j != i]
            if others and self._header_cells[i].strip():  # blank names are 'column_N'
                numbers = [str(c + 1) for c in (i, *others)]
                columns = ", ".join(numbers[:-1]) + " and " + numbers[-1]
                where = ", ".join(numbers[1:])
                times = "twice" if len(others) == 1 else f"{len(numbers)} times"
                logger.warning("%s: the header names %s %s (columns %s); column %d is read, "
                               "column%s %s %s not", self.name,
                               _shown(self._header_cells[i].strip()), times, columns, i + 1,
                               "s" if len(others) > 1 else "", where,
                               "are" if len(others) > 1 else "is")

    def _amounts_read(self, cells: list[str], amount_cols: Sequence[int]) -> bool:
        """Whether every amount cell of a fitted row is empty or an amount."""
        return all(parses(lambda text: parse_amount(text, self.layout.decimal), cells[i])
                   for i in amount_cols if cells[i].strip())

    def _fit_width(self, cells: list[str], n: int, desc_cols: list[int], line: int,
                   amount_cols: Sequence[int] = (), *, notes: bool = True) -> list[str]:
        """Make a row as wide as the header without losing text.

        Extra fields usually come from an unquoted delimiter inside the description:
        they are joined back into the (last) description column, after an amount split
        at an unquoted comma is put back together (:meth:`_rejoin_split_amounts`).
        Missing trailing fields become empty.
        """
        if len(cells) > n:
            cells = self._rejoin_split_amounts(cells, n, desc_cols, line, amount_cols,
                                               notes=notes)
            if len(cells) == n:
                return cells
            if not any(c.strip() for c in cells[n:]):
                return cells[:n]
            if desc_cols:
                i = desc_cols[-1]
                tail = n - i - 1
                end = len(cells) - tail
                return [*cells[:i], self.delimiter.join(cells[i:end]), *cells[end:]]
            if notes:
                self._note("uneven_rows", line,
                           f"has {counted(len(cells), 'field')}, the header {n}")
            return cells[:n]
        if len(cells) < n:
            self._note("uneven_rows", line, f"has {counted(len(cells), 'field')}, the header {n}")
            return cells + [""] * (n - len(cells))
        return cells

    def _rejoin_split_amounts(self, cells: list[str], n: int, desc_cols: list[int], line: int,
                              amount_cols: Sequence[int], *, notes: bool = True) -> list[str]:
        """Put back together an amount that an unquoted comma split in two.

        In a comma-delimited file, '-30,50' unquoted is two fields, '-30' and '50':
        left alone, the cents would shift into the next column (joined into the
        description, or taken for the id) and the amount would silently lose them.
        So in a row wider than the header (never in one of the header's width), an
        amount (credit, debit) cell that looks like the part of a number before the
        comma ('-30', '-1.234', 'R$ 30', '(30'), followed by what can follow it (cents:
        '50', '5', '50 D', '50)'; or a thousands group and decimals: '234.56'), is
        read as one amount, '-30,50', and the row is reported: the file is ambiguous,
        and the user can quote the amount or use ';' as the delimiter.

        Columns before the (last) description are found counting from the left;
        those after it counting from the right, since an unquoted comma in the
        description shifts them.
        """
        if self.delimiter != "," or not amount_cols:
            return cells
        last_desc = desc_cols[-1] if desc_cols else n
        joined: list[str] = []

        def rejoin(i: int) -> None:
            if _INTEGER_PART.fullmatch(cells[i].strip()) and \
                    _AFTER_COMMA.fullmatch(cells[i + 1].rstrip()):
                joined.append(f"{cells[i]},{cells[i + 1]}")
                cells[i : i + 2] = [joined[-1]]

        cells = list(cells)
        for col in (c for c in amount_cols if c < last_desc):  # left to right
            if len(cells) > n:
                rejoin(col)
        # Right to left, every column after the description takes one cell, or two
        # where a number split: a running balance ('saldo') splits as amounts do.
        numbers = {*amount_cols, *(i for i, key in enumerate(self._column_keys)
                                   if key.startswith("saldo") or key.endswith("balance"))}
        end = len(cells) - 1
        for col in range(n - 1, last_desc, -1):
            if len(cells) <= n:
                break
            before = len(cells)
            if col in numbers and end >= 1:
                rejoin(end - 1)
            end -= 1 + (before - len(cells))
        if joined and notes:
            amounts = " and ".join(_shown(j.strip()) for j in joined)
            self._note("split_amounts", line,
                       f"has its amount split at an unquoted comma: read {amounts} "
                       f"as one amount{' each' if len(joined) > 1 else ''} (quote it, or use "
                       "';' as the delimiter)")
        return cells

    def _check_runaway_quote(self, cells: list[str], n: int, line: int) -> None:
        """Warn when a quoted field holds lines that look like rows of this file.

        A quote left open (``"Uber`` with no closing quote) makes every line up to
        the next quote, often the end of the file, part of one field: the csv
        module accepts it, and only the field size limit would ever object. Such
        swallowed lines look like rows (as many delimiters as the header, less
        one), which a description's own second line almost never does.

        A warning, not an error: rows before it may already be on stdout, the
        text is kept (one row, as read), and a legitimate multi-line field that
        happens to hold that many delimiters must still be readable. A file of
        one column cannot tell a row from a line, so it is not checked.
        """
        if n < 2:
            return
        opened = line
        for cell in cells:
            embedded = _LINE_BREAK.split(cell)
            row_like = sum(1 for text in embedded[1:] if text.count(self.delimiter) >= n - 1)
            if row_like:
                lines = "1 line that looks like a row" if row_like == 1 \
                    else f"{row_like:,} lines that look like rows"
                self._note("runaway_quotes", opened,
                           f"opens a quote that runs over {lines} (a quote left open?), "
                           "read as part of this one row")
            opened += len(embedded) - 1

    def _not_a_transaction(self, cells: list[str], desc_cols: list[int],
                           desc_parts: list[str], date_col: int | None,
                           amount_cols: list[int]) -> str | None:
        """The stats counter of a row that is no transaction, or None for a transaction:
        a balance or a total ('balance_rows'), or, in a file with dates, a row with no
        date (none, or words: 'lançamentos;;;;') that has no amount (a section title,
        'title_rows') or names a limit ('balance_rows'). A dateless row with an amount
        is kept: some exports print the date once per day."""
        layout = self.layout
        if not amount_cols:  # a list of descriptions has no balances to skip
            return None
        first = fold(cells[desc_cols[0]]) if desc_cols else ""
        whole = fold(" ".join(desc_parts))
        no_amount = not any(cells[i].strip() for i in amount_cols)
        if (layout.balance_rows and first in layout.balance_rows) or \
                BALANCE_ROW.fullmatch(whole):
            return "balance_rows"
        limit = LIMIT_ROW.fullmatch(whole)
        if date_col is None or not (no_amount or limit) or parses(
                lambda text: parse_date(text, layout.date_formats), cells[date_col]):
            return None  # the usual row (an amount, no limit) is kept without parsing twice
        return "balance_rows" if limit else "title_rows"

    def _amount(self, cells: list[str], amount_col: int | None, credit_col: int | None,
                debit_col: int | None, direction_col: int | None, line: int) -> float | None:
        layout = self.layout
        try:
            if credit_col is not None or debit_col is not None:
                credit = _optional_amount(cells, credit_col, layout.decimal)
                debit = _optional_amount(cells, debit_col, layout.decimal)
                if credit is None and debit is None:
                    raise ValueError("no amount")
                return abs(credit or 0.0) - abs(debit or 0.0)
            if amount_col is None:
                return None
            value = parse_amount(cells[amount_col], layout.decimal)
        except ValueError:
            self._note("bad_amounts", line, _not_understood(
                "amount", cells[amount_col] if amount_col is not None else ""))
            return None
        if direction_col is not None:
            direction = fold(cells[direction_col])
            if direction in layout.outflow_values:
                value = -abs(value)
            elif direction:
                value = abs(value)
        marked = (direction_col is not None and cells[direction_col].strip()) or \
            _MARKED.search(cells[amount_col])
        return -value if layout.purchases_positive and not marked else value

    def _note(self, kind: str, line: int, message: str) -> None:
        count = getattr(self.stats, kind) + 1
        setattr(self.stats, kind, count)
        if count <= SHOWN_PER_KIND:
            logger.warning("%s:%d: row %s", self.name, line, message)

    def _summarise(self) -> None:
        s = self.stats
        for kind, what in (("bad_amounts", "an unreadable amount"),
                           ("bad_dates", "an unreadable date"),
                           ("empty_descriptions", "an empty description"),
                           ("uneven_rows", "a field count unlike the header's"),
                           ("split_amounts", "an amount split at an unquoted comma, "
                            "read as one"),
                           ("runaway_quotes", "a quote running over lines that look like "
                            "rows")):
            count = getattr(s, kind)
            if count > SHOWN_PER_KIND:
                logger.warning("%s: %d rows in all had %s (kept)", self.name, count, what)
        if s.repeated_headers:
            logger.warning("%s: skipped %s", self.name,
                           counted(s.repeated_headers, "repeated header row"))
        if s.repeated_ids:
            logger.warning("%s: %s an id seen earlier (kept)", self.name,
                           "1 row repeats" if s.repeated_ids == 1 else
                           f"{s.repeated_ids} rows repeat")
        if s.balance_rows:
            logger.info("%s: skipped %s (balances, limits, totals: not transactions)",
                        self.name, counted(s.balance_rows, "balance row"))
        if s.continued_rows:
            logger.info("%s: %s with neither a date nor an amount %s joined to the row "
                        "above, as its description continued", self.name,
                        counted(s.continued_rows, "line"),
                        "was" if s.continued_rows == 1 else "were")
        if s.title_rows:
            logger.info("%s: skipped %s with neither a date nor an amount (titles, not "
                        "transactions)", self.name, counted(s.title_rows, "row"))

    def close(self) -> None:
        if self._owns_stream:
            self._stream.close()

    def __enter__(self) -> Statement:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _not_understood(what: str, cell: str) -> str:
    """The warning for a date or amount cell that was not read: missing, or misread."""
    if not cell.strip():
        return f"has no {what}; row kept"
    return f"{what} {_shown(cell)} not understood; row kept"


def _shown(value: str) -> str:
    """A cell's value as a warning shows it: quoted, printable, at most 60 characters."""
    return _printable(repr(value), 60)


def _optional_amount(cells: list[str], col: int | None, decimal: str | None) -> float | None:
    if col is None or not cells[col].strip():
        return None
    return parse_amount(cells[col], decimal)


def _chain(first: Iterator[str], rest: IO[str]) -> Iterator[str]:
    yield from first
    yield from rest


#: An amount whose last separator is followed by one or two digits shows the decimal mark.
_DECIMAL_MARK = re.compile(r"\d([.,])\d{1,2}\s*\)?\s*[DCdc-]?$")


def _decimal_mark(rows: list[list[str]], header: _Header) -> str | None:
    """The decimal mark the first rows' amounts show ('-10,50': ','), when they all show
    the same one; else None, and each amount is read on its own.

    '5.000' alone could be five or five thousand; in a file whose other amounts read
    '-10,50' it is five thousand, as a person reading the file would take it.
    """
    keys = [column_key(c) for c in header.cells]
    layout = header.layout
    columns = [keys.index(column_key(name)) for name in (layout.amount, layout.credit,
                                                         layout.debit)
               if name and column_key(name) in keys]
    marks = set()
    for cells in rows:
        for i in columns:
            if i < len(cells):
                found = _DECIMAL_MARK.search(cells[i].strip())
                if found:
                    marks.add(found.group(1))
    return marks.pop() if len(marks) == 1 else None


#: Values of a column that says the direction of an amount beside it. Not 'Crédito' and
#: 'Débito': those also say how a card was used (a 'Cartão' or 'Tipo' column of an
#: expense list), and a wrong sign turns a purchase into income.
_MARKS = frozenset({"d", "c"})
_WAYS = frozenset({"entrada", "saida", "despesa", "receita"})


def _dates_are_no_description(layout: Layout, rows: list[list[str]], header: _Header) -> Layout:
    """A description-like column whose values in the first rows are all dates (a
    'Lançamento' column of dates) is no text: it is left out of the description, and
    is the date where no other column is."""
    if len(layout.description) < 2:
        return layout
    keys = [column_key(c) for c in header.cells]
    primary = column_key(primary_description(layout) or "")
    formats = layout.date_formats
    for name in layout.description:
        key = column_key(name)
        if key == primary or key not in keys:
            continue
        at = keys.index(key)
        values = [cells[at].strip() for cells in rows if at < len(cells) and cells[at].strip()]
        if values and all(parses(lambda v: parse_date(v, formats), v) for v in values):
            layout = replace(layout, description=_description_without(layout, name),
                             date=layout.date or name)
    return layout


def _description_without(layout: Layout, column: str) -> tuple[str, ...]:
    """``layout``'s description columns but ``column`` (found to be another role)."""
    return tuple(c for c in layout.description if column_key(c) != column_key(column))


def primary_description(layout: Layout) -> str | None:
    """The description column that names the row best: the first by
    :data:`DESCRIPTION_ALIASES` rank, else the layout's first."""
    return first_column(layout.description, DESCRIPTION_ALIASES) or \
        (layout.description[0] if layout.description else None)


#: An amount that says its own direction ('50,00 D', '10,00C').
_MARKED = re.compile(r"\d\s*[DCdc]\s*$")
#: What the CLI's --format full put before a cell a spreadsheet would run as a formula.
_SHEET_MARK = tuple("'" + start for start in FORMULA_START)


def _unmarked(cell: str) -> str:
    """A cell as it was before :func:`txcat.output.as_sheet_text` marked it as text."""
    return cell[1:] if cell.startswith(_SHEET_MARK) else cell


def _column_of_d_c_marks(rows: list[list[str]], header: _Header) -> str | None:
    """A column, read by no role, whose values in the first rows all say a direction:
    'D'/'C', 'Entrada'/'Saída' or 'Despesa'/'Receita'. It is the sign of the amount
    beside it, whatever its name ('Tipo' says nothing by its name: it often holds the
    description, or 'Débito' for a card bought on debit)."""
    layout = header.layout
    roles = {column_key(name) for name in (primary_description(layout), layout.date,
                                           layout.amount, layout.id) if name}
    seen: dict[int, set[str]] = {i: set() for i, cell in enumerate(header.cells)
                                 if cell.strip() and column_key(cell) not in roles}
    for cells in rows:
        for i, values in seen.items():
            if i < len(cells) and cells[i].strip():
                values.add(fold(cells[i]))
    return next((header.cells[i].strip() for i, values in seen.items()
                 if values and (values <= _MARKS or values <= _WAYS)), None)


def _unique_names(cells: list[str]) -> list[str]:
    """Column names, each unique: a repeated 'tipo' becomes 'tipo_2', a blank 'column_N'.

    Linear in the cells, as a statement whose line breaks were lost has a header line
    of thousands of them (a number to resume from per name, a set of names taken).
    """
    names: list[str] = []
    taken: set[str] = set()
    resume: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = cell.strip() or f"column_{i + 1}"
        base, k = name, resume.get(name, 2)
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        if name != base:
            resume[base] = k
        names.append(name)
        taken.add(name)
    return names


def _split(line: str, delimiter: str) -> list[str]:
    cells = next(csv.reader(io.StringIO(line.rstrip("\r\n"), newline=""),
                            delimiter=delimiter), [])
    return [" ".join(cell.split()) if "\n" in cell or "\r" in cell else cell for cell in cells]


def _find_header(lines: list[str], layouts: Sequence[Layout], overrides: ColumnOverrides,
                 source: str) -> _Header:
    """Find the header row (after any preamble) and the layout it names; a header whose
    quoted cell holds a line break ('"Tipo\nLançamento"') spans lines."""
    ends = _quoted_line_breaks(lines)
    joined = {i: "".join(lines[i : end + 1]) for i, end in ends.items()}
    header = _find_header_in([joined.get(i, line) for i, line in enumerate(lines)], layouts,
                             overrides, source)
    return replace(header, end=ends.get(header.index, header.index))


def _quoted_line_breaks(lines: list[str]) -> dict[int, int]:
    """Lines that open a quote they do not close, and the line that closes it (within
    three): such a line and the next ones are one row."""
    ends: dict[int, int] = {}
    for i, line in enumerate(lines):
        if line.count('"') % 2 == 0:
            continue
        quotes = line.count('"')
        for j in range(i + 1, min(i + 4, len(lines))):
            quotes += lines[j].count('"')
            if quotes % 2 == 0:
                ends[i] = j
                break
    return ends


def _find_header_in(lines: list[str], layouts: Sequence[Layout], overrides: ColumnOverrides,
                    source: str) -> _Header:
    candidates = [(i, d, _split(line, d)) for i, line in enumerate(lines) if line.strip()
                  for d in DELIMITERS if d in line]
    candidates += [(i, ",", _split(line, ",")) for i, line in enumerate(lines)
                   if line.strip() and not any(d in line for d in DELIMITERS)]
    candidates.sort(key=lambda c: c[0])
    if overrides.any():
        return _header_from_overrides(candidates, layouts, overrides, source, lines)
    for i, d, cells in candidates:
        layout = _best_layout(cells, layouts)
        if layout is not None:
            return _Header(i, d, cells, _with_unread_text(layout, cells))
    for i, d, cells in candidates:
        guessed = guess_layout(cells)
        if guessed is not None:
            if d == ";" and guessed.decimal is None:
                # Spreadsheets write ';' where ',' is the decimal mark (pt-BR Excel), so
                # '1.234' there is a thousand: values read '12.50' stay as they are.
                guessed = replace(guessed, decimal=",")
            return _Header(i, d, cells, guessed)
    first = next(((i, line) for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:  # a one-column file: a list of descriptions under one header
        cells = [first[1].strip()]
        guessed = guess_layout(cells, single_column=True)
        if guessed is not None:
            return _Header(first[0], ",", cells, guessed)
    for _, _, cells in candidates:  # a description column, but nothing to tell a header by
        named = first_column(cells, DESCRIPTION_ALIASES)
        if named is not None:
            raise StatementError(source, f"found a description column ({named!r}) but no "
                                 "date or amount column, so the header is not sure; read it "
                                 f"anyway with --description-column {named}")
    headerless = _header_for_a_data_row(candidates)
    if headerless:
        raise StatementError(source, headerless)
    raise StatementError(source, "no description column found; columns are: "
                         f"{_columns_seen(candidates, lines)}; "
                         "name it with --description-column")


def _header_for_a_data_row(candidates: list[tuple[int, str, list[str]]]) -> str | None:
    """The error for a file with no header line, whose first line is a row (it holds a
    date and an amount): naming a column cannot help there, a header line can, and
    the one suggested follows this file's own columns."""
    first_line = candidates[0][0] if candidates else None
    for line, delimiter, cells in (c for c in candidates if c[0] == first_line):
        message = _suggested_header(line, delimiter, cells)
        if message:
            return message
    return None


def _suggested_header(line: int, delimiter: str, cells: list[str]) -> str | None:
    values = [c.strip() for c in cells]
    dates = [i for i, v in enumerate(values) if parses(parse_date, v)]
    amounts = [i for i, v in enumerate(values) if i not in dates and parses(parse_amount, v)]
    texts = [i for i, v in enumerate(values) if i not in dates and i not in amounts and v]
    if not dates or not amounts or not texts:
        return None
    # An id may be digits too: the amount is the number with a decimal separator.
    amount = next((i for i in amounts if re.search(r"[.,]", values[i])), amounts[-1])
    description = max(texts, key=lambda i: len(values[i]))
    names = {dates[0]: "data", amount: "valor", description: "descricao"}
    # A labeled file's label column holds a label; the first other one-word cell is an id.
    known = {*DEFAULT_LABELS, REVIEW_LABEL}
    label = next((i for i in texts if i not in names
                  and normalise_label(values[i]) in known), None)
    if label is not None:
        names[label] = "label"
    ident = next((i for i, v in enumerate(values) if i not in names and v
                  and " " not in v), None)
    if ident is not None:
        names[ident] = "codigo"
    suggested = [names.get(i, f"coluna{i + 1}") for i in range(len(values))]
    shown = ", ".join(_shown(values[i]) for i in sorted((dates[0], amount)))
    return (f"no header: line {line + 1} is a row ({shown}), not column names; add a first "
            f"line naming the columns, such as: {delimiter.join(suggested)}")


def _best_layout(cells: list[str], layouts: Sequence[Layout]) -> Layout | None:
    keys = frozenset(column_key(c) for c in cells)
    matching = [layout for layout in layouts if layout.matches(keys)]
    if not matching:
        return None
    # The most specific layout wins; on a tie, the one whose description column has the
    # more telling name ('descricao' before 'tipo').
    return max(matching, key=lambda layout: (len(layout.required_keys()),
                                             -_description_rank(layout)))


def _with_unread_text(layout: Layout, cells: list[str]) -> Layout:
    """``layout`` reading also the description-like columns of this header that it reads
    in no role, joined in header order: another bank's file that holds this layout's
    columns ('Data;Descrição;Lançamento;Valor' holds Itaú's 'data;lançamento;valor'), or
    a note column a user added, would otherwise lose its merchant. The layout's other
    settings (a card bill's positive purchases, its decimal mark) stay. A 'tipo' column
    beside the layout's own description is left out: it is mostly how a card was used."""
    read = {column_key(c) for c in (*layout.description, layout.date, layout.amount, layout.id,
                                    layout.credit, layout.debit, layout.direction) if c}
    unread = [c.strip() for c in cells if column_key(c) in DESCRIPTION_ALIASES
              and column_key(c) not in read and column_key(c) != "tipo"]
    if not unread:
        return layout
    wanted = {column_key(c) for c in (*layout.description, *unread)}
    ordered: dict[str, str] = {}
    for cell in cells:
        if column_key(cell) in wanted:
            ordered.setdefault(column_key(cell), cell.strip())
    return replace(layout, description=tuple(ordered.values()))


def _description_rank(layout: Layout) -> int:
    key = column_key(layout.description[0]) if layout.description else ""
    return DESCRIPTION_ALIASES.index(key) if key in DESCRIPTION_ALIASES \
        else len(DESCRIPTION_ALIASES)


def _header_from_overrides(candidates: list[tuple[int, str, list[str]]],
                           layouts: Sequence[Layout], overrides: ColumnOverrides,
                           source: str, lines: list[str]) -> _Header:
    named = [c for c in (overrides.description, overrides.amount, overrides.date,
                         overrides.id) if c]
    wanted = {column_key(c) for c in named}
    for i, d, cells in candidates:
        keys = {column_key(c) for c in cells}
        if wanted <= keys:
            by_key = {column_key(c): c.strip() for c in cells}
            base = _best_layout(cells, layouts) or guess_layout(
                cells, description=by_key[column_key(overrides.description)]
                if overrides.description else None)
            if base is None:
                if overrides.description is None:
                    raise StatementError(source, "no description column found; columns are: "
                                         f"{', '.join(cells)}; name it with "
                                         "--description-column")
                base = Layout(name="custom", title="CSV with user-named columns",
                              columns=(), description=())
            layout = replace(
                base,
                name=base.name if base.name != "generic" else "custom",
                description=(by_key[column_key(overrides.description)],)
                if overrides.description else base.description,
                amount=by_key[column_key(overrides.amount)] if overrides.amount
                else base.amount,
                date=by_key[column_key(overrides.date)] if overrides.date else base.date,
                id=by_key[column_key(overrides.id)] if overrides.id else base.id,
                credit=None if overrides.amount else base.credit,
                debit=None if overrides.amount else base.debit,
            )
            return _Header(i, d, cells, layout)
    missing = ", ".join(repr(c) for c in named)
    raise StatementError(source, f"column(s) {missing} not found; columns are: "
                         f"{_columns_seen(candidates, lines)}")


def _columns_seen(candidates: list[tuple[int, str, list[str]]], lines: list[str]) -> str:
    if not candidates:
        first = next((line.strip() for line in lines if line.strip()), "")
        return _printable(repr(first[:80]))
    # A line of names, rather than one of numbers split at their decimal commas.
    named = [c for c in candidates if sum(any(ch.isalpha() for ch in cell) for cell in c[2])
             > len(c[2]) / 2] or candidates
    widest = max(named, key=lambda c: (len(c[2]), -c[0]))
    return _printable(", ".join(c.strip() for c in widest[2]))


def _printable(text: str, limit: int = 200) -> str:
    """Keep an error message on one readable line whatever bytes the file held."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def open_statement(source: str | Path | IO[bytes], *, name: str | None = None,
                   overrides: ColumnOverrides | None = None,
                   layouts: Sequence[Layout] | None = None,
                   allow_empty: bool = False) -> Statement:
    """Open a statement from a path, ``'-'`` (standard input) or a binary stream.

    Raises :class:`~txcat.errors.StatementError` with a one-line message naming
    the file when it cannot be read as a statement. A header with no rows after it is
    such an error, unless ``allow_empty`` (one file of many: a month with no
    transactions), when it is a warning and the statement yields no rows.
    """
    if isinstance(source, (str, Path)) and str(source) == "-":
        return Statement(name or "<stdin>", sys.stdin.buffer, False, overrides, layouts,
                         allow_empty=allow_empty)
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or str(source)
        if path.is_dir():
            raise StatementError(label, "is a directory, not a statement file")
        try:
            stream: IO[bytes] = path.open("rb")
        except FileNotFoundError:
            raise StatementError(label, "no such file") from None
        except OSError as exc:
            raise StatementError(label, f"cannot be opened: {exc.strerror}") from None
        return Statement(label, stream, True, overrides, layouts, allow_empty=allow_empty)
    return Statement(name or str(getattr(source, "name", "<stream>")), source, False, overrides,
                     layouts, allow_empty=allow_empty)
