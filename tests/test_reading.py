"""The statement reader: every bank layout, every bad input, row-level problems,
robustness (line endings, quoting, encodings, stdin) and streaming.

Fixtures are small byte strings built here, written as each bank writes its
export (delimiter, encoding, BOM, preamble, decimal comma).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import itertools
import json
import logging
import random
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from txcat.errors import StatementError
from txcat.layouts import BUILTIN_LAYOUTS, Layout
from txcat.reading import ColumnOverrides, Statement, open_statement
from txcat.transactions import Transaction

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
LOGGER = "txcat.reading.statement"

D = dt.date


# --------------------------------------------------------------------------- helpers

def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(source: Any, **kwargs: Any) -> tuple[Statement, list[Transaction]]:
    with open_statement(source, **kwargs) as statement:
        return statement, list(statement)


def read_bytes(data: bytes, name: str = "extrato.csv",
               **kwargs: Any) -> tuple[Statement, list[Transaction]]:
    return read_all(io.BytesIO(data), name=name, **kwargs)


def fields(t: Transaction) -> tuple[str, float | None, dt.date | None, str]:
    return (t.description, t.amount, t.date, t.id)


def error_message(excinfo: pytest.ExceptionInfo[StatementError], source: str,
                  *words: str) -> str:
    """The message is one line, starts with the file name and holds every key word."""
    message = str(excinfo.value)
    assert message.startswith(f"{source}:"), message
    assert len(message.splitlines()) == 1 and "\n" not in message, message
    for word in words:
        assert word.lower() in message.lower(), (word, message)
    return message


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.LogCaptureFixture]:
    """The reader's log records, whether or not the CLI has detached the 'txcat' logger
    from the root (``_setup_logging`` sets ``propagate = False`` when a CLI test ran)."""
    txcat_logger = logging.getLogger("txcat")
    monkeypatch.setattr(txcat_logger, "propagate", True)
    monkeypatch.setattr(txcat_logger, "handlers", [])
    with caplog.at_level(logging.INFO, logger=LOGGER):
        yield caplog


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno == logging.WARNING]


# ---------------------------------------------------------------- 1. every layout

NUBANK_CONTA_HEADER = "Data,Valor,Identificador,Descrição"

ORIGIN_CODIGO = """data,código,valor,tipo
03/09/2024,d5g489fc,-30.50,Compra no débito - Mercado Econômico
02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES
24/10/2024,j1m045li,-500.56,Transferência enviada pelo Pix - MERCADINHO
""".encode()

NUBANK_CONTA = f"""{NUBANK_CONTA_HEADER}
03/09/2024,-30.50,66d6f0f4-1b2c-4d5e-8f90-a1b2c3d4e5f6,Compra no débito - Mercado Econômico
05/09/2024,1500.00,66d9a0b1-2c3d-4e5f-9a0b-c1d2e3f4a5b6,Transferência recebida pelo Pix - ACME LTDA
""".encode()

NUBANK_CARTAO = b"""date,title,amount
2024-09-03,Posto Shell Avenida,87.54
2024-09-10,Pagamento recebido,-500.00
2024-09-12,Netflix.com,39.90
"""

INTER = codecs.BOM_UTF8 + """Extrato Conta Corrente
Conta ;12345678
Período ;01/09/2024 a 30/09/2024
Saldo ;1.234,56

Data Lançamento;Histórico;Descrição;Valor;Saldo
03/09/2024;Pix enviado;MERCADINHO ESTRELA;-1.234,56;0,00
04/09/2024;Pix recebido;LOJA DE DOCES;20,00;20,00
""".encode()

ITAU = """data;lançamento;valor
03/09/2024;SALÁRIO ACME LTDA;5.000,00
04/09/2024;PADARIA PÃO QUENTE;-12,50
""".encode("cp1252")

C6 = """EXTRATO DE CONTA CORRENTE C6 BANK
Agência: 1 / Conta: 12345678
Extrato gerado em 30/09/2024

Data Lançamento,Data Contábil,Título,Descrição,Entrada(R$),Saída(R$),Saldo do Dia(R$)
03/09/2024,03/09/2024,Pix enviado,MERCADINHO ESTRELA,,"50,00","950,00"
04/09/2024,05/09/2024,Pix recebido,ACME LTDA,"1.500,00",,"2.450,00"
""".encode()

BANCO_DO_BRASIL = (
    '"Data","Lançamento","Detalhes","Nº documento","Valor","Tipo Lançamento"\n'
    '"31/08/2024","Saldo Anterior","","","1.000,00",""\n'
    '"02/09/2024","Pix - Enviado","02/09 10:15 MERCADINHO ESTRELA","123456","50,00","Saída"\n'
    '"02/09/2024","Saldo do dia","","","950,00",""\n'
    '"03/09/2024","Pix - Recebido","03/09 11:00 LOJA DE DOCES","234567","20,00","Entrada"\n'
    '"30/09/2024","S A L D O","","","970,00",""\n'
).encode("cp1252")

GENERIC_GUESSED = b"""Date,Description,Amount
2024-09-03,Coffee Shop Downtown,-4.50
2024-09-04,Client payment,250.00
"""

LAYOUT_CASES = [
    pytest.param(ORIGIN_CODIGO, "origin-codigo", [
        ("Compra no débito - Mercado Econômico", -30.5, D(2024, 9, 3), "d5g489fc"),
        ("Transferência recebida pelo Pix - LOJA DE DOCES", 20.0, D(2024, 9, 2), "c4f378db"),
        ("Transferência enviada pelo Pix - MERCADINHO", -500.56, D(2024, 10, 24), "j1m045li"),
    ], id="origin-codigo"),
    pytest.param(NUBANK_CONTA, "nubank-conta", [
        ("Compra no débito - Mercado Econômico", -30.5, D(2024, 9, 3),
         "66d6f0f4-1b2c-4d5e-8f90-a1b2c3d4e5f6"),
        ("Transferência recebida pelo Pix - ACME LTDA", 1500.0, D(2024, 9, 5),
         "66d9a0b1-2c3d-4e5f-9a0b-c1d2e3f4a5b6"),
    ], id="nubank-conta"),
    pytest.param(NUBANK_CARTAO, "nubank-cartao", [
        ("Posto Shell Avenida", -87.54, D(2024, 9, 3), "1"),  # purchase: money out
        ("Pagamento recebido", 500.0, D(2024, 9, 10), "2"),  # bill payment: money in
        ("Netflix.com", -39.9, D(2024, 9, 12), "3"),
    ], id="nubank-cartao"),
    pytest.param(INTER, "inter", [
        ("Pix enviado - MERCADINHO ESTRELA", -1234.56, D(2024, 9, 3), "1"),
        ("Pix recebido - LOJA DE DOCES", 20.0, D(2024, 9, 4), "2"),
    ], id="inter"),
    pytest.param(ITAU, "itau", [
        ("SALÁRIO ACME LTDA", 5000.0, D(2024, 9, 3), "1"),
        ("PADARIA PÃO QUENTE", -12.5, D(2024, 9, 4), "2"),
    ], id="itau"),
    pytest.param(C6, "c6", [
        ("Pix enviado - MERCADINHO ESTRELA", -50.0, D(2024, 9, 3), "1"),
        ("Pix recebido - ACME LTDA", 1500.0, D(2024, 9, 4), "2"),
    ], id="c6"),
    pytest.param(BANCO_DO_BRASIL, "bb", [
        ("Pix - Enviado - 02/09 10:15 MERCADINHO ESTRELA", -50.0, D(2024, 9, 2), "123456"),
        ("Pix - Recebido - 03/09 11:00 LOJA DE DOCES", 20.0, D(2024, 9, 3), "234567"),
    ], id="banco-do-brasil"),
    pytest.param(GENERIC_GUESSED, "generic", [
        ("Coffee Shop Downtown", -4.5, D(2024, 9, 3), "1"),
        ("Client payment", 250.0, D(2024, 9, 4), "2"),
    ], id="generic-guessed"),
]


@pytest.mark.parametrize(("data", "layout", "expected"), LAYOUT_CASES)
def test_layout_is_detected_without_flags_and_rows_are_canonical(
        tmp_path: Path, data: bytes, layout: str,
        expected: list[tuple[str, float, dt.date, str]]) -> None:
    path = write(tmp_path, "extrato.csv", data)
    statement, rows = read_all(path)
    assert statement.layout.name == layout
    assert [fields(t) for t in rows] == expected
    assert all(a.row < b.row and a.line < b.line for a, b in itertools.pairwise(rows))
    assert all(t.source == str(path) for t in rows)


def test_origin_descricao_layout_reads_samples_extrato() -> None:
    path = SAMPLES / "extrato.csv"
    statement, rows = read_all(path)
    assert statement.layout.name == "origin-descricao"
    assert statement.columns == ["data", "valor", "codigo", "descricao"]
    assert len(rows) == 10 and statement.stats.rows == 10
    first, second, last = rows[0], rows[1], rows[-1]
    assert first.id == "b900976c"
    assert first.amount == -22.13
    assert first.date == D(2024, 9, 3)
    assert first.description.startswith(
        "Transferência enviada pelo Pix - MERCADINHO ESTRELA - 11.111.222/0001-33")
    assert (first.row, first.line) == (1, 2)
    assert fields(second) == ("Compra no débito - Estacionamento Central", -37.06,
                              D(2024, 9, 7), "fae5940d")
    assert (last.id, last.amount, last.date, last.line) == ("3d9186dc", 42.93,
                                                            D(2024, 9, 5), 11)
    assert [t.id for t in rows] == [line.split(",")[2] for line in
                                    path.read_text(encoding="utf-8").splitlines()[1:]]


def test_inter_bom_preamble_and_semicolons() -> None:
    statement, rows = read_bytes(INTER)
    assert statement.encoding == "utf-8-sig"
    assert statement.delimiter == ";"
    assert statement.header_line == 6
    assert statement.columns == ["Data Lançamento", "Histórico", "Descrição", "Valor", "Saldo"]
    assert [t.line for t in rows] == [7, 8]
    assert rows[0].raw["Saldo"] == "0,00"


def test_itau_cp1252_accents_decode() -> None:
    statement, rows = read_bytes(ITAU)
    assert statement.encoding == "cp1252"
    assert statement.columns == ["data", "lançamento", "valor"]
    assert [t.description for t in rows] == ["SALÁRIO ACME LTDA", "PADARIA PÃO QUENTE"]
    assert not any("\ufffd" in t.description for t in rows)


def test_c6_amount_is_entrada_minus_saida() -> None:
    statement, rows = read_bytes(C6)
    assert statement.header_line == 5
    assert rows[0].raw["Saída(R$)"] == "50,00" and rows[0].raw["Entrada(R$)"] == ""
    assert rows[0].amount == -50.0
    assert rows[1].amount == 1500.0
    # Both money columns in one row: amount = Entrada - Saída.
    both = C6 + b'06/09/2024,06/09/2024,Estorno,LOJA X,"10,00","4,00","2.456,00"\n'
    _, rows = read_bytes(both)
    assert rows[-1].amount == 6.0


def test_banco_do_brasil_balance_rows_are_skipped_and_counted(
        log: pytest.LogCaptureFixture) -> None:
    statement, rows = read_bytes(BANCO_DO_BRASIL)
    assert statement.encoding == "cp1252"
    assert [t.id for t in rows] == ["123456", "234567"]
    assert statement.stats.balance_rows == 3
    assert not any("saldo" in t.description.lower() for t in rows)
    assert rows[0].raw["Tipo Lançamento"] == "Saída"
    assert rows[0].amount == -50.0  # a positive Valor on a 'Saída' row is money out
    assert [t.line for t in rows] == [3, 5]
    assert any("3 balance rows" in r.getMessage() for r in log.records)


def test_banco_do_brasil_direction_column_overrides_the_sign() -> None:
    data = ('"Data","Lançamento","Detalhes","Nº documento","Valor","Tipo Lançamento"\n'
            '"02/09/2024","Tarifa","Pacote de serviços","1","-12,90","Saída"\n'
            '"03/09/2024","Estorno","Tarifa","2","-12,90","Entrada"\n').encode("cp1252")
    _, rows = read_bytes(data)
    assert [t.amount for t in rows] == [-12.9, 12.9]


GENERIC_UNKNOWN = """Dia;Histórico do lançamento;Quantia;Ref
03/09/2024;Compra Padaria Pão Quente;-12,50;r-001
04/09/2024;Pix recebido Cliente;300,00;r-002
""".encode()


def test_generic_csv_with_column_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "minha-conta.csv", GENERIC_UNKNOWN)
    overrides = ColumnOverrides(description="Histórico do lançamento", amount="Quantia",
                                date="Dia", id="Ref")
    statement, rows = read_all(path, overrides=overrides)
    assert statement.layout.name == "custom"
    assert statement.delimiter == ";"
    assert [fields(t) for t in rows] == [
        ("Compra Padaria Pão Quente", -12.5, D(2024, 9, 3), "r-001"),
        ("Pix recebido Cliente", 300.0, D(2024, 9, 4), "r-002"),
    ]


def test_override_column_names_match_regardless_of_case_and_accents() -> None:
    overrides = ColumnOverrides(description="historico do lancamento", amount="QUANTIA")
    _, rows = read_bytes(GENERIC_UNKNOWN, overrides=overrides)
    assert [(t.description, t.amount, t.id) for t in rows] == [
        ("Compra Padaria Pão Quente", -12.5, "1"), ("Pix recebido Cliente", 300.0, "2")]


def test_generic_csv_of_unknown_columns_needs_an_override(tmp_path: Path) -> None:
    path = write(tmp_path, "minha-conta.csv", GENERIC_UNKNOWN)
    with pytest.raises(StatementError) as excinfo:
        open_statement(path)
    error_message(excinfo, str(path), "no description column",
                  "Dia, Histórico do lançamento, Quantia, Ref", "--description-column")


def test_explicit_layouts_argument_is_used_instead_of_the_plugins() -> None:
    mine = Layout(name="minha-conta", title="test", columns=("quando", "o que", "quanto"),
                  description=("o que",), date="quando", amount="quanto", decimal=",")
    data = b"quando|o que|quanto\n03/09/2024|Feira livre|-1.234,50\n"
    statement, rows = read_bytes(data, layouts=[mine, *BUILTIN_LAYOUTS])
    assert statement.layout.name == "minha-conta"
    assert statement.delimiter == "|"
    assert fields(rows[0]) == ("Feira livre", -1234.5, D(2024, 9, 3), "1")


# ------------------------------------------------------------- 2. bad input classes

def _junk(seed: int, size: int = 4096, nul: bool = True) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) if nul else rng.randrange(1, 256) for _ in range(size))
    assert not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                b"PK", b"%PDF", b"\x1f\x8b", b"\xd0\xcf"))
    assert (b"\x00" in data) == nul
    return data


BAD_INPUTS = [
    pytest.param(b"", ["empty"], id="empty"),
    pytest.param(b"  \r\n\t\n   \n\n", ["empty"], id="whitespace-only"),
    pytest.param(b"\xef\xbb\xbf\n\n", ["empty"], id="bom-and-newlines-only"),
    pytest.param(f"{NUBANK_CONTA_HEADER}\n".encode(), ["no data rows", "line 1"],
                 id="header-only"),
    pytest.param(f"{NUBANK_CONTA_HEADER}\r\n\r\n\r\n".encode(), ["no data rows"],
                 id="header-and-blank-lines"),
    pytest.param(INTER.split(b"03/09/2024")[0], ["no data rows", "line 6"],
                 id="inter-preamble-and-header-only"),
    pytest.param(_junk(20240903), ["binary"], id="binary-junk-with-nuls"),
    pytest.param(_junk(20241024, nul=False), ["binary"], id="binary-junk-without-nuls"),
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + _junk(1, 512), ["xlsx", "export", "csv"],
                 id="xlsx"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
                 ["pdf", "export", "csv"], id="pdf"),
    pytest.param(b"foo,bar,baz\n1,2,3\n4,5,6\n",
                 ["no description column", "foo, bar, baz"], id="no-description-column"),
    pytest.param(b"foo;bar;baz\n1;2;3\n",
                 ["no description column", "foo, bar, baz"], id="no-description-column-semi"),
    pytest.param(b"just some words\nand more words\n",
                 ["no description column", "just some words"], id="no-delimiter-at-all"),
    # No header at all: say so, rather than ask for a column name the file does not have.
    pytest.param("03/09/2024,d5g489fc,-30.50,Compra no débito - Mercado\n".encode(),
                 ["no header", "line 1 is a row", "'03/09/2024', '-30.50'",
                  "add a first line naming the columns, such as: data,codigo,valor,descricao"],
                 id="no-header-line"),
    pytest.param("2024-09-03;Padaria Pão Quente;-12,00\n".encode(),
                 ["no header", "line 1 is a row", "'2024-09-03', '-12,00'",
                  "such as: data;descricao;valor"], id="no-header-line-semicolon"),
]


@pytest.mark.parametrize(("data", "words"), BAD_INPUTS)
def test_bad_input_is_one_line_error_naming_the_file(
        tmp_path: Path, data: bytes, words: list[str]) -> None:
    path = write(tmp_path, "extrato.csv", data)
    with pytest.raises(StatementError) as excinfo:
        open_statement(path)
    error_message(excinfo, str(path), *words)
    assert excinfo.value.source == str(path)


@pytest.mark.parametrize(("data", "words"), BAD_INPUTS)
def test_bad_stream_error_uses_the_given_name(data: bytes, words: list[str]) -> None:
    with pytest.raises(StatementError) as excinfo:
        open_statement(io.BytesIO(data), name="upload.csv")
    error_message(excinfo, "upload.csv", *words)


def test_override_naming_a_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "extrato.csv", NUBANK_CONTA)
    with pytest.raises(StatementError) as excinfo:
        open_statement(path, overrides=ColumnOverrides(description="Histórico"))
    error_message(excinfo, str(path), "'Histórico'", "not found",
                  "Data, Valor, Identificador, Descrição")


def test_override_with_one_missing_column_among_present_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "extrato.csv", GENERIC_UNKNOWN)
    with pytest.raises(StatementError) as excinfo:
        open_statement(path, overrides=ColumnOverrides(
            description="Histórico do lançamento", amount="Valor"))
    error_message(excinfo, str(path), "'Valor'", "not found")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nao-existe.csv"
    with pytest.raises(StatementError) as excinfo:
        open_statement(path)
    error_message(excinfo, str(path), "no such file")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(StatementError) as excinfo:
        open_statement(tmp_path)
    error_message(excinfo, str(tmp_path), "directory")


def test_error_after_many_rows_names_the_line(tmp_path: Path) -> None:
    # An unterminated quote swallows the rest of the file; past the field size limit
    # the reader reports malformed CSV while iterating, with the line.
    body = "".join(f"03/09/2024,-1.00,id{i},Compra {i}\n" for i in range(50))
    data = f"{NUBANK_CONTA_HEADER}\n{body}03/09/2024,-1.00,x,\"" + "y" * 1_100_000 + "\n"
    path = write(tmp_path, "extrato.csv", data.encode())
    with open_statement(path) as statement:
        it = iter(statement)
        assert [t.id for t in itertools.islice(it, 50)] == [f"id{i}" for i in range(50)]
        with pytest.raises(StatementError) as excinfo:
            next(it)
    message = error_message(excinfo, f"{path}:52", "malformed csv")
    assert excinfo.value.line == 52, message


class _Tracker:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[Any] = []
        real_open = Path.open

        def tracking_open(path: Path, *args: Any, **kwargs: Any) -> Any:
            stream = real_open(path, *args, **kwargs)
            self.opened.append(stream)
            return stream

        monkeypatch.setattr(Path, "open", tracking_open)


CLOSE_CASES = [
    pytest.param(b"", id="empty"),
    pytest.param(b"%PDF-1.4\n", id="pdf"),
    pytest.param(f"{NUBANK_CONTA_HEADER}\n".encode(), id="header-only"),
    pytest.param(b"foo,bar\n1,2\n", id="no-description-column"),
    pytest.param(
        f'{NUBANK_CONTA_HEADER}\n03/09/2024,-1.00,x,"{"y" * 1_100_000}\n'.encode(),
        id="error-in-first-row"),
]


@pytest.mark.parametrize("data", CLOSE_CASES)
def test_file_opened_by_the_reader_is_closed_when_it_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    path = write(tmp_path, "extrato.csv", data)
    tracker = _Tracker(monkeypatch)
    with pytest.raises(StatementError):
        open_statement(path)
    assert tracker.opened, "the reader did not open the file through Path.open"
    assert all(stream.closed for stream in tracker.opened)


def test_file_opened_by_the_reader_is_closed_by_the_context_manager(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "extrato.csv", NUBANK_CONTA)
    tracker = _Tracker(monkeypatch)
    with open_statement(path) as statement:
        next(iter(statement))
        assert not tracker.opened[0].closed
    assert tracker.opened[0].closed


def test_a_stream_passed_in_is_left_open(tmp_path: Path) -> None:
    path = write(tmp_path, "extrato.csv", NUBANK_CONTA)
    with path.open("rb") as f:
        with open_statement(f) as statement:
            assert statement.name == str(path)  # taken from the stream's .name
            assert len(list(statement)) == 2
        assert not f.closed


def test_binary_junk_behind_a_utf8_bom_is_called_binary() -> None:
    data = codecs.BOM_UTF8 + _junk(5, nul=False)
    with pytest.raises(StatementError) as excinfo:
        open_statement(io.BytesIO(data), name="junk.csv")
    error_message(excinfo, "junk.csv", "binary")


# ------------------------------------------------------------- 3. row-level problems

def test_unreadable_amount_keeps_the_row_and_warns(log: pytest.LogCaptureFixture) -> None:
    data = f"""{NUBANK_CONTA_HEADER}
03/09/2024,-10.00,a1,Padaria
04/09/2024,dez reais,a2,Farmácia
05/09/2024,-30.00,a3,Mercado
""".encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [t.id for t in rows] == ["a1", "a2", "a3"]
    assert [t.amount for t in rows] == [-10.0, None, -30.0]
    assert rows[1].description == "Farmácia" and rows[1].date == D(2024, 9, 4)
    assert rows[1].direction == ""
    assert statement.stats.bad_amounts == 1 and statement.stats.bad_dates == 0
    [message] = warnings_of(log)
    assert message.startswith("conta.csv:3:")
    assert "'dez reais'" in message and "amount" in message


def test_an_empty_date_or_amount_is_said_missing_not_misread(
        log: pytest.LogCaptureFixture) -> None:
    """An empty cell was warned about as "date '' not understood": it is missing."""
    data = f"""{NUBANK_CONTA_HEADER}
,-10.00,a1,Padaria
03/09/2024,,a2,Farmácia
""".encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [(t.id, t.amount, t.date) for t in rows] == [
        ("a1", -10.0, None), ("a2", None, D(2024, 9, 3))]
    assert statement.stats.bad_dates == 1 and statement.stats.bad_amounts == 1
    assert warnings_of(log) == ["conta.csv:2: row has no date; row kept",
                                "conta.csv:3: row has no amount; row kept"]


def test_unreadable_date_keeps_the_row_and_warns(log: pytest.LogCaptureFixture) -> None:
    data = f"""{NUBANK_CONTA_HEADER}
03/09/2024,-10.00,a1,Padaria

31/02/2024,-20.00,a2,Farmácia
""".encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [(t.id, t.amount, t.date) for t in rows] == [
        ("a1", -10.0, D(2024, 9, 3)), ("a2", -20.0, None)]
    assert statement.stats.bad_dates == 1 and statement.stats.bad_amounts == 0
    [message] = warnings_of(log)
    assert message.startswith("conta.csv:4:")
    assert "'31/02/2024'" in message and "date" in message


def test_more_than_three_bad_rows_give_a_summary_with_the_count(
        log: pytest.LogCaptureFixture) -> None:
    bad = "".join(f"0{d}/09/2024,??{d},b{d},Loja {d}\n" for d in range(1, 8))
    data = f"{NUBANK_CONTA_HEADER}\n03/09/2024,-1.00,ok,Boa\n{bad}".encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert len(rows) == 8
    assert statement.stats.bad_amounts == 7
    messages = warnings_of(log)
    one_by_one = [m for m in messages if "not understood" in m]
    assert [m.split(":")[1] for m in one_by_one] == ["3", "4", "5"]
    summary = [m for m in messages if "in all" in m]
    assert summary == ["conta.csv: 7 rows in all had an unreadable amount (kept)"]


def test_three_bad_rows_give_no_summary(log: pytest.LogCaptureFixture) -> None:
    bad = "".join(f"0{d}/09/2024,x,b{d},Loja {d}\n" for d in range(1, 4))
    read_bytes(f"{NUBANK_CONTA_HEADER}\n{bad}".encode(), name="conta.csv")
    messages = warnings_of(log)
    assert len(messages) == 3
    assert not any("in all" in m for m in messages)


def test_duplicated_rows_are_all_kept_and_repeated_ids_counted(
        log: pytest.LogCaptureFixture) -> None:
    row = "03/09/2024,-10.00,same-id,Padaria\n"
    data = f"{NUBANK_CONTA_HEADER}\n{row}{row}04/09/2024,-5.00,other,Bar\n{row}".encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [t.id for t in rows] == ["same-id", "same-id", "other", "same-id"]
    assert [t.row for t in rows] == [1, 2, 3, 4]
    assert statement.stats.repeated_ids == 2
    assert statement.stats.rows == 4
    assert "conta.csv: 2 rows repeat an id seen earlier (kept)" in warnings_of(log)


def test_a_row_number_standing_in_for_an_empty_id_counts_as_a_repeat_when_ids_meet(
        log: pytest.LogCaptureFixture) -> None:
    """An empty id becomes the row number: where that is another row's real id, the two
    rows share a código, which the repeated-id warning must say, as for any repeat."""
    data = (f"{NUBANK_CONTA_HEADER}\n03/09/2024,-10.00,,Mercado\n"
            "04/09/2024,-10.00,1,Cinema\n05/09/2024,-1.00,3,Bar\n06/09/2024,-2.00,,Padaria\n")
    statement, rows = read_bytes(data.encode(), name="conta.csv")
    assert [t.id for t in rows] == ["1", "1", "3", "4"]
    assert statement.stats.repeated_ids == 1
    assert "conta.csv: 1 row repeats an id seen earlier (kept)" in warnings_of(log)


def test_rows_without_an_id_column_are_not_repeats() -> None:
    row = b"2024-09-03,Netflix.com,39.90\n"
    statement, rows = read_bytes(b"date,title,amount\n" + row * 3)
    assert [t.id for t in rows] == ["1", "2", "3"]
    assert statement.stats.repeated_ids == 0


def test_empty_description_and_short_rows_are_kept_and_counted(
        log: pytest.LogCaptureFixture) -> None:
    data = f"{NUBANK_CONTA_HEADER}\n03/09/2024,-10.00,a1,\n04/09/2024,-5.00\n".encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [(t.description, t.amount, t.id) for t in rows] == [
        ("", -10.0, "a1"), ("", -5.0, "2")]
    assert statement.stats.empty_descriptions == 2
    assert statement.stats.uneven_rows == 1
    assert any(m.startswith("conta.csv:3:") and "2 fields" in m for m in warnings_of(log))


# ---------------------------------------------------------------------- 4. robustness

def test_mixed_line_endings_and_quoted_newlines_and_delimiters() -> None:
    data = (f"{NUBANK_CONTA_HEADER}\r\n"
            "03/09/2024,-1.00,a1,Um\n"                     # line 2, \n
            "04/09/2024,-2.00,a2,\"Dois\nlinhas\"\r"        # lines 3-4, \r
            "05/09/2024,-3.00,a3,\"Três, com vírgula\"\r\n"  # line 5, \r\n
            "06/09/2024,-4.00,a4,\"Quatro\r\n\"\"aspas\"\"\"\n"  # lines 6-7
            "07/09/2024,-5.00,a5,Cinco\r"                   # line 8
            "08/09/2024,-6.00,a6,Seis").encode()            # line 9, no newline at end
    statement, rows = read_bytes(data)
    assert len(rows) == 6 and statement.stats.rows == 6
    assert [t.description for t in rows] == [
        "Um", "Dois\nlinhas", "Três, com vírgula", 'Quatro\r\n"aspas"', "Cinco", "Seis"]
    assert [t.amount for t in rows] == [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]
    assert [t.line for t in rows] == [2, 3, 5, 6, 8, 9]
    assert [t.row for t in rows] == [1, 2, 3, 4, 5, 6]
    assert statement.stats.uneven_rows == 0


ORIGIN_CODIGO_HEADER = "data,código,valor,tipo"


def test_an_unclosed_quote_that_swallows_rows_warns_with_its_line_and_count(
        log: pytest.LogCaptureFixture) -> None:
    body = "".join(f"01/07/2024,a{i},-10.5,Loja {i}\n" for i in range(2, 501))
    data = f'{ORIGIN_CODIGO_HEADER}\n01/07/2024,a1,-10.5,"Uber\n{body}'.encode()
    statement, rows = read_bytes(data, name="openquote.csv")
    assert [t.id for t in rows] == ["a1"]  # the rows are still swallowed...
    assert statement.stats.runaway_quotes == 1
    [message] = warnings_of(log)  # ...but never silently
    assert message.startswith("openquote.csv:2:"), message
    assert "499 lines that look like rows" in message and "quote" in message
    assert "\n" not in message


def test_each_runaway_quote_warns_once_at_the_line_it_opened(
        log: pytest.LogCaptureFixture) -> None:
    data = (f"{ORIGIN_CODIGO_HEADER}\n"
            "01/07/2024,a1,-1,Padaria\n"
            '01/07/2024,a2,-2,"Uber\n'           # line 3: opens a quote...
            "01/07/2024,a3,-3,iFood\n"
            '01/07/2024,a4,-4,Posto"\n'          # ...closed by a stray quote on line 5
            "01/07/2024,a5,-5,Mercado\n"
            '01/07/2024,"a6\n'                   # line 7: a legitimate two-line id,
            'x",-6,"Loja\n'                      # then a quote opened on line 8
            "01/07/2024,a7,-7,Farmácia\n").encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [t.id for t in rows] == ["a1", "a2", "a5", "a6\nx"]
    assert [t.line for t in rows] == [2, 3, 6, 7]
    assert statement.stats.runaway_quotes == 2
    messages = warnings_of(log)
    assert len(messages) == 2, messages
    assert messages[0].startswith("conta.csv:3:") and " 2 lines " in messages[0]
    assert messages[1].startswith("conta.csv:8:") and " 1 line " in messages[1]


def test_quoted_newlines_holding_delimiters_do_not_warn(log: pytest.LogCaptureFixture) -> None:
    data = (f"{ORIGIN_CODIGO_HEADER}\n"
            '01/07/2024,a1,-1,"Padaria, Leite\ne Cia, filial 2"\n'
            '01/07/2024,a2,-2,"Dois\nlinhas\ne três"\n'
            "01/07/2024,a3,-3,Posto\n").encode()
    statement, rows = read_bytes(data, name="conta.csv")
    assert [t.description for t in rows] == ["Padaria, Leite\ne Cia, filial 2",
                                             "Dois\nlinhas\ne três", "Posto"]
    assert statement.stats.runaway_quotes == 0
    assert warnings_of(log) == []


def test_quoted_delimiters_in_a_semicolon_layout() -> None:
    data = ("data;lançamento;valor\r\n"
            '03/09/2024;"PIX; ENVIADO\r\nJOÃO";-1.234,56\r\n'
            "04/09/2024;TARIFA;-9,90\r\n").encode("cp1252")
    _, rows = read_bytes(data)
    assert [(t.description, t.amount, t.line) for t in rows] == [
        ("PIX; ENVIADO\r\nJOÃO", -1234.56, 2), ("TARIFA", -9.9, 4)]


@pytest.mark.parametrize(("data", "description", "amount"), [
    pytest.param(f"{NUBANK_CONTA_HEADER}\n"
                 "03/09/2024,-8.50,a1,Compra no débito - Padaria Pão, Leite e Cia\n"
                 "04/09/2024,-1.00,a2,Outra\n".encode(),
                 "Compra no débito - Padaria Pão, Leite e Cia", -8.5, id="description-last"),
    pytest.param(b"date,title,amount\n2024-09-03,Loja A, filial B, centro,10.00\n"
                 b"2024-09-04,Outra,1.00\n",
                 "Loja A, filial B, centro", -10.0, id="description-in-the-middle"),
])
def test_unquoted_comma_in_description_is_joined_back(
        data: bytes, description: str, amount: float) -> None:
    statement, rows = read_bytes(data)
    assert len(rows) == 2
    assert (rows[0].description, rows[0].amount) == (description, amount)
    assert (rows[1].description, rows[1].amount) == ("Outra", -1.0)
    assert statement.stats.uneven_rows == 0


# An unquoted comma (decimal or thousands) in a comma-delimited file splits the
# amount in two: the reader puts it back together, and says so, rather than shifting
# the cents into the next column (the description, or worse, the id).
NUBANK_ID = "66d6f0f4-1b2c-4d5e-8f90-a1b2c3d4e5f6"


@pytest.mark.parametrize(("data", "expected", "raw_amount"), [
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n"
                 "03/09/2024,d5g489fc,-30,50,Compra no débito - Mercado Econômico\n"
                 "02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES\n",
                 ("Compra no débito - Mercado Econômico", -30.5, "d5g489fc"), ("valor", "-30,50"),
                 id="amount-before-description"),
    pytest.param(f"{NUBANK_CONTA_HEADER}\n"
                 f"03/09/2024,-30,50,{NUBANK_ID},Compra no débito - Mercado Econômico\n"
                 "02/09/2024,20.00,c4f378db,Transferência recebida pelo Pix - LOJA DE DOCES\n",
                 ("Compra no débito - Mercado Econômico", -30.5, NUBANK_ID), ("Valor", "-30,50"),
                 id="amount-before-id"),
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n"
                 "03/09/2024,d5g489fc,-1.234,56,Aluguel\n"
                 "02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES\n",
                 ("Aluguel", -1234.56, "d5g489fc"), ("valor", "-1.234,56"), id="thousands"),
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n"
                 "03/09/2024,d5g489fc,-1,234.56,Aluguel\n"
                 "02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES\n",
                 ("Aluguel", -1234.56, "d5g489fc"), ("valor", "-1,234.56"),
                 id="thousands-comma"),
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n"
                 "03/09/2024,d5g489fc,-8,50,Padaria Pão, Leite e Cia\n"
                 "02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES\n",
                 ("Padaria Pão, Leite e Cia", -8.5, "d5g489fc"), ("valor", "-8,50"),
                 id="and-a-comma-in-the-description"),
    pytest.param("date,title,amount\n2024-09-03,Loja A, filial B,39,90\n"
                 "2024-09-04,Outra,1.00\n",
                 ("Loja A, filial B", -39.9, "1"), ("amount", "39,90"),
                 id="amount-after-a-description-with-a-comma"),
])
def test_an_amount_split_at_an_unquoted_decimal_comma_is_read_as_one(
        data: str, expected: tuple[str, float, str], raw_amount: tuple[str, str],
        log: pytest.LogCaptureFixture) -> None:
    statement, rows = read_bytes(data.encode(), name="virgula.csv")
    assert len(rows) == 2
    assert (rows[0].description, rows[0].amount, rows[0].id) == expected
    assert rows[0].raw[raw_amount[0]] == raw_amount[1]
    assert rows[1].description in ("Transferência recebida pelo Pix - LOJA DE DOCES", "Outra")
    assert statement.stats.split_amounts == 1
    assert statement.stats.uneven_rows == 0
    [message] = warnings_of(log)
    assert message.startswith("virgula.csv:2: row "), message
    assert f"read {raw_amount[1]!r} as one amount" in message
    # 'comma', not 'decimal comma': in '-1,234.56' it is the thousands separator.
    assert "split at an unquoted comma:" in message
    assert "quote it, or use ';' as the delimiter" in message


@pytest.mark.parametrize(("data", "expected"), [
    pytest.param(f'{ORIGIN_CODIGO_HEADER}\n03/09/2024,a1,-30,"50,Compra no débito"\n',
                 ("50,Compra no débito", -30.0, "a1"), id="quoted-comma-header-width"),
    pytest.param(f"{NUBANK_CONTA_HEADER}\n03/09/2024,-30,50,Compra no débito\n",
                 ("Compra no débito", -30.0, "50"), id="header-width-is-left-as-read"),
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n03/09/2024,a1,-8.50,Padaria Pão, Leite\n",
                 ("Padaria Pão, Leite", -8.5, "a1"), id="extra-field-not-cents"),
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n03/09/2024,a1,-8,Padaria Pão, 12\n",
                 ("Padaria Pão, 12", -8.0, "a1"), id="integer-amount-then-text"),
    pytest.param(f"{ORIGIN_CODIGO_HEADER}\n03/09/2024,a1,-8,505,Padaria\n",
                 ("505,Padaria", -8.0, "a1"), id="three-digits-are-not-cents"),
])
def test_rows_without_a_split_amount_are_read_as_before(
        data: str, expected: tuple[str, float, str], log: pytest.LogCaptureFixture) -> None:
    statement, rows = read_bytes(data.encode())
    assert [(t.description, t.amount, t.id) for t in rows] == [expected]
    assert statement.stats.split_amounts == 0
    assert warnings_of(log) == []


def test_split_amounts_are_noted_by_line_then_summed_up_once(
        log: pytest.LogCaptureFixture) -> None:
    body = "".join(f"0{d}/09/2024,a{d},-{d},50,Loja {d}\n" for d in range(1, 6))
    data = f"{ORIGIN_CODIGO_HEADER}\n03/09/2024,a0,-1.00,Padaria\n{body}".encode()
    statement, rows = read_bytes(data, name="virgula.csv")
    assert [t.amount for t in rows] == [-1.0, -1.5, -2.5, -3.5, -4.5, -5.5]
    assert [t.description for t in rows] == ["Padaria", *(f"Loja {d}" for d in range(1, 6))]
    assert statement.stats.split_amounts == 5
    messages = warnings_of(log)
    assert [m.split(" row ")[0] for m in messages[:3]] == [
        "virgula.csv:3:", "virgula.csv:4:", "virgula.csv:5:"]
    assert "'-1,50'" in messages[0] and "'-3,50'" in messages[2]
    assert messages[3:] == ["virgula.csv: 5 rows in all had an amount split at an unquoted "
                            "comma, read as one (kept)"]


def test_classify_reads_a_split_amount_as_one_and_says_so(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from txcat.cli import main

    path = tmp_path / "virgula.csv"
    path.write_text(f"{ORIGIN_CODIGO_HEADER}\n"
                    "03/09/2024,d5g489fc,-30,50,Compra no débito - Mercado Econômico\n"
                    "02/09/2024,c4f378db,20.00,Transferência recebida pelo Pix - LOJA DE DOCES\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["amount"], r["description"]) for r in rows] == [
        ("d5g489fc", -30.5, "Compra no débito - Mercado Econômico"),
        ("c4f378db", 20.0, "Transferência recebida pelo Pix - LOJA DE DOCES")]
    warned = [line for line in result.stderr.splitlines() if "split at an unquoted comma" in line]
    assert len(warned) == 1 and f"{path}:2: row " in warned[0], result.stderr
    assert "'-30,50' as one amount" in warned[0]


@pytest.mark.parametrize("header_too", [True, False], ids=["header-too", "rows-only"])
def test_trailing_delimiter_on_every_row(header_too: bool) -> None:
    header = "data;lançamento;valor" + (";" if header_too else "")
    data = (f"{header}\n03/09/2024;SALÁRIO;5.000,00;\n04/09/2024;PADARIA;-12,50;\n"
            ).encode("cp1252")
    statement, rows = read_bytes(data)
    assert statement.layout.name == "itau"
    assert [fields(t) for t in rows] == [("SALÁRIO", 5000.0, D(2024, 9, 3), "1"),
                                         ("PADARIA", -12.5, D(2024, 9, 4), "2")]
    assert statement.stats.uneven_rows == 0


def test_blank_lines_between_rows_are_not_rows() -> None:
    data = (f"{NUBANK_CONTA_HEADER}\n\n03/09/2024,-1.00,a1,Um\n\n   \n,,,\n"
            "04/09/2024,-2.00,a2,Dois\n\n\n").encode()
    statement, rows = read_bytes(data)
    assert [t.id for t in rows] == ["a1", "a2"]
    assert [t.row for t in rows] == [1, 2]
    assert [t.line for t in rows] == [3, 7]
    assert statement.stats.rows == 2
    assert statement.stats.empty_descriptions == 0


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + NUBANK_CONTA.decode().replace("\n", "\r\n").encode(codec)
    statement, rows = read_bytes(data)
    assert statement.layout.name == "nubank-conta"
    assert statement.encoding.startswith("utf-16")
    assert [fields(t) for t in rows] == LAYOUT_CASES[1].values[2]


def test_stray_cp1252_byte_in_an_ascii_header_file_keeps_the_row() -> None:
    data = b"Date,Description,Amount\n2024-09-03,Caf\xe9 Central,-4.50\n" \
           b"2024-09-04,Padaria,-2.00\n"
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [("Café Central", -4.5),
                                                         ("Padaria", -2.0)]


def test_stray_cp1252_bytes_after_the_first_64k_are_read_as_cp1252() -> None:
    filler = "".join(f"03/09/2024,-1.00,f{i},Padaria São João {i}\n" for i in range(2000))
    data = (f"{NUBANK_CONTA_HEADER}\n{filler}".encode()
            + b"04/09/2024,-4.50,cafe,Caf\xe9 Central\n"
            + "05/09/2024,-2.00,fim,Açougue Boi\n".encode())
    assert len(data) > 64 * 1024
    statement, rows = read_bytes(data)
    assert statement.encoding == "utf-8"
    assert len(rows) == 2002
    assert rows[0].description == "Padaria São João 0"
    assert [(t.id, t.description) for t in rows[-2:]] == [("cafe", "Café Central"),
                                                         ("fim", "Açougue Boi")]


# Regression: one stray cp1252 byte in the first 64 KiB used to make the whole
# file cp1252, turning every UTF-8 character into mojibake.
def test_stray_cp1252_byte_in_a_utf8_nubank_file_keeps_the_row() -> None:
    data = NUBANK_CONTA + b"06/09/2024,-4.50,cafe,Caf\xe9 Central\n"
    statement, rows = read_bytes(data)
    assert statement.layout.name == "nubank-conta"
    assert [t.description for t in rows] == [
        "Compra no débito - Mercado Econômico",
        "Transferência recebida pelo Pix - ACME LTDA",
        "Café Central"]


def test_stray_cp1252_byte_does_not_garble_the_utf8_rows() -> None:
    data = (b"Date,Description,Amount\n2024-09-03,Caf\xe9 Central,-4.50\n"
            + "2024-09-04,Padaria São João,-2.00\n".encode())
    _, rows = read_bytes(data)
    assert [t.description for t in rows] == ["Café Central", "Padaria São João"]


# One valid UTF-8 sequence against one stray byte is a tie that used to go to cp1252.
def test_one_utf8_character_and_one_stray_cp1252_byte_is_read_as_utf8() -> None:
    data = (b"data,descricao,valor\n01/07/2024,Padaria Jo\xc3\xa3o,-1\n"
            b"01/07/2024,A\xe7ougue,-2\n")
    statement, rows = read_bytes(data, name="mixenc.csv")
    assert statement.encoding == "utf-8"
    assert [t.description for t in rows] == ["Padaria João", "Açougue"]


def test_a_cp1252_file_is_still_read_as_cp1252() -> None:
    data = "data;lançamento;valor\n03/09/2024;AÇOUGUE SÃO JOÃO;-1,00\n".encode("cp1252")
    statement, rows = read_bytes(data)
    assert statement.encoding == "cp1252"
    assert [t.description for t in rows] == ["AÇOUGUE SÃO JOÃO"]


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(ITAU)))
    statement, rows = read_all("-")
    assert statement.name == "<stdin>"
    assert statement.layout.name == "itau"
    assert [t.description for t in rows] == ["SALÁRIO ACME LTDA", "PADARIA PÃO QUENTE"]
    assert all(t.source == "<stdin>" for t in rows)


def test_standard_input_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(b"")))
    with pytest.raises(StatementError) as excinfo:
        open_statement("-")
    error_message(excinfo, "<stdin>", "empty")


# ----------------------------------------------------------------------- 5. streaming

BIG_ROWS = 100_000


def _big_row(i: int) -> str:
    day = i % 28 + 1
    return f"{day:02d}/09/2024,-{i % 1000}.{i % 100:02d},id-{i:06d},Compra no débito - Loja {i}\n"


@pytest.fixture(scope="module")
def big_statement(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "nubank-100k.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(NUBANK_CONTA_HEADER + "\n")
        f.writelines(_big_row(i) for i in range(BIG_ROWS))
    return path


@pytest.mark.slow
def test_100k_row_statement_is_read_fully(big_statement: Path) -> None:
    count = 0
    last: Transaction | None = None
    with open_statement(big_statement) as statement:
        for last in statement:  # noqa: B007 - only the count and the last row matter
            count += 1
        stats = statement.stats
    assert count == BIG_ROWS == stats.rows
    assert stats.bad_amounts == stats.bad_dates == stats.repeated_ids == 0
    assert last is not None
    i = BIG_ROWS - 1
    assert fields(last) == (f"Compra no débito - Loja {i}", -999.99,
                            D(2024, 9, i % 28 + 1), f"id-{i:06d}")
    assert (last.row, last.line) == (BIG_ROWS, BIG_ROWS + 1)


def test_reading_is_lazy(big_statement: Path) -> None:
    size = big_statement.stat().st_size
    assert size > 5_000_000
    with big_statement.open("rb") as f, open_statement(f) as statement:
        rows = iter(statement)
        first = list(itertools.islice(rows, 10))
        assert [t.id for t in first] == [f"id-{i:06d}" for i in range(10)]
        position = f.tell()
        assert position < size // 20, (position, size)
        # ...and the rest still follows from where it stopped.
        assert next(rows).id == "id-000010"
        assert f.tell() == position


def _five_rows() -> bytes:
    body = "".join(f"0{i}/09/2024,-1.00,a{i},Loja {i}\n" for i in range(1, 6))
    return f"{NUBANK_CONTA_HEADER}\n{body}".encode()


def test_iteration_stopped_at_the_first_row_resumes_where_it_stopped() -> None:
    with open_statement(io.BytesIO(_five_rows()), name="conta.csv") as statement:
        for t in statement:
            if t.id == "a1":
                break
        assert [t.id for t in statement] == ["a2", "a3", "a4", "a5"]


def test_iteration_stopped_after_the_first_row_resumes_where_it_stopped() -> None:
    with open_statement(io.BytesIO(_five_rows()), name="conta.csv") as statement:
        for t in statement:
            if t.id == "a2":
                break
        assert [t.id for t in statement] == ["a3", "a4", "a5"]


# --- regressions from the code review -------------------------------------------------

def test_a_preamble_line_is_not_taken_for_a_header() -> None:
    data = ("Nome;FULANO DE TAL\nConta;12345-6\n\nData;Histórico;Valor\n"
            "03/09/2024;NETFLIX.COM;-39,90\n").encode()
    statement, rows = read_bytes(data)
    assert statement.header_line == 4
    assert [(t.description, t.amount) for t in rows] == [("NETFLIX.COM", -39.9)]


def test_a_descricao_column_wins_over_tipo_when_both_layouts_match() -> None:
    data = ("data,código,valor,tipo,descrição\n"
            "03/09/2024,a1,-80.00,Débito,AUTO POSTO SHELL\n").encode()
    _, rows = read_bytes(data)
    assert rows[0].description == "AUTO POSTO SHELL"


def test_a_single_column_csv_naming_a_description_is_read() -> None:
    _, rows = read_bytes(b"descricao\nUBER *TRIP\nNETFLIX.COM\n")
    assert [t.description for t in rows] == ["UBER *TRIP", "NETFLIX.COM"]


def test_an_overlong_line_near_the_top_is_an_error_not_two_rows() -> None:
    data = (f"{NUBANK_CONTA_HEADER}\n03/09/2024,-1.00,x1,\"{'y' * 1_100_000}\"\n"
            "04/09/2024,-2.00,x2,Padaria\n").encode()
    with pytest.raises(StatementError, match="longer than"):
        read_bytes(data)


def test_a_repeated_header_row_is_skipped_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    data = (f"{NUBANK_CONTA_HEADER}\n03/09/2024,-1.00,a,Padaria\n{NUBANK_CONTA_HEADER}\n"
            "04/09/2024,-2.00,b,Posto\n").encode()
    statement, rows = read_bytes(data)
    assert [t.id for t in rows] == ["a", "b"]
    assert statement.stats.repeated_headers == 1
    # 'cat jan.csv fev.csv' of two UTF-8 files with a BOM: the second header has one.
    bom = "\ufeff"
    data = (f"{bom}{NUBANK_CONTA_HEADER}\n03/09/2024,-1.00,a,Padaria\n{bom}{NUBANK_CONTA_HEADER}\n"
            "04/09/2024,-2.00,b,Posto\n").encode()
    statement, rows = read_bytes(data)
    assert [t.id for t in rows] == ["a", "b"]
    assert statement.stats.repeated_headers == 1


@pytest.mark.parametrize(("layout_rows", "expected"), [
    ('"Data","Lançamento","Detalhes","Nº documento","Valor","Tipo Lançamento"\n'
     '"02/09/2024","Pix - Enviado","Aluguel","1","1.500","Saída"\n', -1500.0),
    ("Data Lançamento,Data Contábil,Título,Descrição,Entrada(R$),Saída(R$),Saldo do Dia(R$)\n"
     '03/09/2024,03/09/2024,Pix enviado,Aluguel,,"1.200",\n', -1200.0),
])
def test_c6_and_bb_amounts_without_cents_keep_their_thousands(layout_rows: str,
                                                              expected: float) -> None:
    _, rows = read_bytes(layout_rows.encode())
    assert rows[0].amount == expected


def test_a_warning_never_echoes_a_huge_value(caplog: pytest.LogCaptureFixture) -> None:
    data = f"{NUBANK_CONTA_HEADER}\n03/09/2024,{'9' * 5000}x,a,Padaria\n".encode()
    with caplog.at_level("WARNING", logger="txcat"):
        read_bytes(data)
    assert max(len(r.getMessage()) for r in caplog.records) < 300


def test_a_single_column_csv_is_read_with_an_override_too() -> None:
    data = io.BytesIO(b"Historico do lancamento\nUBER *TRIP\n")
    with open_statement(data, name="one.csv",
                        overrides=ColumnOverrides(description="Historico do lancamento")) as st:
        assert [t.description for t in st] == ["UBER *TRIP"]


def test_a_semicolon_file_of_no_known_bank_reads_amounts_with_a_decimal_comma() -> None:
    """';' as the delimiter is what spreadsheets write where ',' is the decimal mark
    (pt-BR): '1.234' there is one thousand two hundred and thirty-four."""
    _, txs = read_bytes(b"data;descricao;valor\n01/07/2024;Loja A;1.234\n"
                        b"02/07/2024;Loja B;-10,50\n03/07/2024;Loja C;12.50\n")
    assert [t.amount for t in txs] == [1234.0, -10.5, 12.5]
    _, txs = read_bytes(b"data,descricao,valor\n01/07/2024,Loja A,1.234\n")
    assert [t.amount for t in txs] == [1.234]  # ',' files keep the decimal point


def test_a_description_column_without_date_or_amount_says_how_to_read_it() -> None:
    with pytest.raises(StatementError) as excinfo:
        read_bytes(b"descricao,categoria\nUber,LAZER\n", name="dc.csv")
    message = str(excinfo.value)
    assert "a description column ('descricao') but no date or amount column" in message
    assert "--description-column descricao" in message
    _, txs = read_bytes(b"descricao,categoria\nUber,LAZER\n",
                        overrides=ColumnOverrides(description="descricao"))
    assert [t.description for t in txs] == ["Uber"]


def test_a_column_named_twice_in_the_header_is_reported(log: pytest.LogCaptureFixture) -> None:
    data = ("data,código,valor,tipo,tipo\n"
            "03/09/2024,d5g489fc,-30.50,Compra no débito - Mercado Econômico,Posto XYZ\n").encode()
    _, rows = read_bytes(data, name="dup.csv")
    assert [t.description for t in rows] == ["Compra no débito - Mercado Econômico"]
    assert warnings_of(log) == ["dup.csv: the header names 'tipo' twice (columns 4 and 5); "
                                "column 4 is read, column 5 is not"]


def test_a_repeated_column_no_role_reads_is_not_reported(log: pytest.LogCaptureFixture) -> None:
    data = ("data,código,valor,tipo,nota,nota\n"
            "03/09/2024,d5g489fc,-30.50,Mercado,a,b\n").encode()
    _, rows = read_bytes(data, name="notas.csv")
    assert [t.description for t in rows] == ["Mercado"]
    assert warnings_of(log) == []


@pytest.mark.parametrize("row", [
    "03/09/2024,d5g489fc,-30.50,Compra no débito - Mercado Econômico",
    "2024-09-03;Padaria Pão Quente;-12,00",
    "03/09/2024,Uber; viagem ao cliente,-23.90,20240903",  # ';' in the text, an id of digits
])
def test_the_header_suggested_for_a_headerless_file_reads_it(tmp_path: Path, row: str) -> None:
    path = write(tmp_path, "sem-cabecalho.csv", f"{row}\n".encode())
    with pytest.raises(StatementError) as excinfo:
        open_statement(path)
    suggested = str(excinfo.value).rsplit("such as: ", 1)[1]
    write(tmp_path, "com-cabecalho.csv", f"{suggested}\n{row}\n".encode())
    with open_statement(tmp_path / "com-cabecalho.csv") as statement:
        (tx,) = list(statement)
    assert tx.amount in (-30.5, -12.0, -23.9)
    assert tx.description in row and len(tx.description) > 10


def test_repeated_column_names_get_numbered_names_of_their_own() -> None:
    from txcat.reading.statement import _unique_names

    assert _unique_names(["a", "a", "a_2", "", "a"]) == ["a", "a_2", "a_2_2", "column_4", "a_3"]
    # A line whose breaks were lost is one header of thousands of cells: each one named.
    wide = _unique_names(["data", "descricao", "valor"] * 3000)
    assert len(set(wide)) == 9000 and wide[-3:] == ["data_3000", "descricao_3000", "valor_3000"]


@pytest.mark.parametrize(("cell", "amount"), [
    ("-30,5", -30.5),  # one digit after the comma
    ("R$ 30,50", 30.5),  # a currency sign before the number
    ("30,50 D", -30.5),  # a debit mark after it
    ("(30,50)", -30.5),  # an accountant's negative
    ("-1,234.56", -1234.56),  # a thousands comma before a decimal point
])
def test_other_amount_spellings_split_at_an_unquoted_comma_are_read_as_one(
        cell: str, amount: float, log: pytest.LogCaptureFixture) -> None:
    data = f"data,descricao,valor\n03/09/2024,Padaria,{cell}\n04/09/2024,Mercado,-1.00\n"
    statement, rows = read_bytes(data.encode(), name="virgula.csv")
    assert [(t.description, t.amount) for t in rows] == [("Padaria", amount), ("Mercado", -1.0)]
    assert statement.stats.split_amounts == 1
    [message] = warnings_of(log)
    assert message.startswith("virgula.csv:2: ") and f"read {cell!r} as one amount" in message


@pytest.mark.parametrize(("header", "rows", "amounts"), [
    pytest.param("Data;Descrição;Crédito (R$);Débito (R$)",
                 ["03/09/2024;PIX FULANO;1.500,00;", "04/09/2024;PIX FULANO;;-1.500,00"],
                 [1500.0, -1500.0], id="credit-and-debit-columns"),
    pytest.param("Data,Histórico,Entradas,Saídas",
                 ["03/09/2024,Salario,3200.00,", "04/09/2024,Mercado,,87.50"],
                 [3200.0, -87.5], id="money-in-and-out-columns"),
    pytest.param("Data;Descrição;Valor;D/C",
                 ["03/09/2024;PIX FULANO;1.500,00;D", "04/09/2024;PIX FULANO;1.500,00;C"],
                 [-1500.0, 1500.0], id="a-debit-credit-mark-column"),
    pytest.param("Data_Mov;Descrição;Valor;Natureza",
                 ["03/09/2024;Padaria;12,00;D"], [-12.0], id="natureza"),
    pytest.param('"Conta";"Data_Mov";"Nr_Doc";"Historico";"Valor";"Deb_Cred"',
                 ['"0001";"20240903";"000001";"COMPRA SUPERMERCADO";"250.00";"D"',
                  '"0001";"20240905";"000002";"CRED SALARIO";"5000.00";"C"'],
                 [-250.0, 5000.0], id="caixa"),
])
def test_columns_of_no_known_bank_for_money_in_out_and_its_sign_are_read(
        header: str, rows: list[str], amounts: list[float],
        log: pytest.LogCaptureFixture) -> None:
    _, read = read_bytes(("\n".join([header, *rows]) + "\n").encode())
    assert [t.amount for t in read] == amounts
    assert all(t.date is not None for t in read)
    assert warnings_of(log) == []


def test_a_statement_with_no_amount_column_says_so_once(log: pytest.LogCaptureFixture) -> None:
    _, rows = read_bytes(b"Data;Descricao;Quanto\n03/09/2024;Padaria;12,00\n04/09/2024;Bar;9\n",
                         name="semvalor.csv")
    assert [t.amount for t in rows] == [None, None]
    assert warnings_of(log) == ["semvalor.csv: no amount column found (columns: Data, Descricao, "
                                "Quanto): rows are read without amounts; name it with "
                                "--amount-column"]


@pytest.mark.parametrize(("data", "amounts"), [
    pytest.param("data\tdescricao\tvalor\n03/09/2024\tPadaria\t-10,50\n"
                 "05/09/2024\tSalario ACME\t5.000\n06/09/2024\tAluguel\t-1.200\n",
                 [-10.5, 5000.0, -1200.0], id="tab-decimal-comma"),
    pytest.param('data,descricao,valor\n03/09/2024,Padaria,"-10,50"\n'
                 '05/09/2024,Salario ACME,"5.000"\n',
                 [-10.5, 5000.0], id="comma-quoted-decimal-comma"),
    pytest.param("data|descricao|valor\n03/09/2024|Padaria|-10.50\n"
                 "05/09/2024|Salario ACME|5,000\n",
                 [-10.5, 5000.0], id="pipe-decimal-point"),
    pytest.param("data\tdescricao\tvalor\n03/09/2024\tAluguel\t-1.234,56\n"
                 "05/09/2024\tSalario ACME\t5.000\n",
                 [-1234.56, 5000.0], id="tab-thousands-and-decimal-comma"),
    pytest.param("data\tdescricao\tvalor\n03/09/2024\tPadaria\t-10,50\n"
                 "05/09/2024\tMercado\t-8.25\n05/09/2024\tSalario ACME\t5.000\n",
                 [-10.5, -8.25, 5.0], id="mixed-marks-leave-each-value-to-itself"),
])
def test_a_file_s_own_decimal_mark_decides_its_ambiguous_amounts(
        data: str, amounts: list[float]) -> None:
    """'5.000' alone could be five or five thousand: where the file's other amounts
    show its decimal mark ('-10,50'), that mark decides, as a person reading it would."""
    _, rows = read_bytes(data.encode())
    assert [t.amount for t in rows] == amounts


def test_a_column_of_only_d_and_c_marks_gives_the_amounts_sign(
        log: pytest.LogCaptureFixture) -> None:
    """'Tipo' is no sign column by its name (it often holds the description, or 'Débito'
    for a card bought on debit): a column whose values are all D or C is one by them."""
    data = ("Data;Descrição;Valor;Tipo\n03/09/2024;PIX FULANO;1.500,00;D\n"
            "04/09/2024;PIX FULANO;1.500,00;C\n05/09/2024;Padaria;-12,00;d\n")
    _, rows = read_bytes(data.encode())
    assert [t.amount for t in rows] == [-1500.0, 1500.0, -12.0]
    card = ("Data;Descrição;Valor;Tipo\n03/09/2024;Padaria;-12,00;Débito\n"
            "04/09/2024;Posto;-80,00;Crédito\n")
    _, rows = read_bytes(card.encode())
    assert [t.amount for t in rows] == [-12.0, -80.0]
    assert warnings_of(log) == []


# ------------------------------------------- real exports a helper found mis-read (2026-11-22)

def test_banco_do_brasil_is_recognised_with_a_degree_sign_for_numero() -> None:
    """Exports write 'Nº documento' or 'N° documento' (a degree sign): both are BB, and
    its Detalhes (the merchant) is read, not dropped by a three-column layout."""
    data = ('"Data","Lançamento","Detalhes","N° documento","Valor","Tipo Lançamento"\n'
            '"31/08/2026","Saldo Anterior","","","200,00",""\n'
            '"01/09/2026","Compra com Cartão","01/09 10:00 PADARIA REAL","1","-50,00","Saída"\n'
            '"00/00/0000","Saldo do dia","","","150,00",""\n').encode("cp1252")
    statement, rows = read_bytes(data)
    assert statement.layout.name == "bb"
    assert [fields(t)[:2] for t in rows] == [
        ("Compra com Cartão - 01/09 10:00 PADARIA REAL", -50.0)]


@pytest.mark.parametrize("data, kept", [
    # Itaú as the site exports it: section title, balances, and the overdraft limit.
    ("data;lançamento;ag./origem;valor (R$);saldos (R$)\n"
     "lançamentos;;;;\n"
     "30/09/2026;SALDO ANTERIOR;;;1.000,00\n"
     "01/10/2026;PIX TRANSF ERICA G01/10;;-95,00;\n"
     "01/10/2026;SALDO DO DIA;;;905,00\n"
     ";(+) LIMITE DA CONTA TOTAL;;15.500,00;\n", [("PIX TRANSF ERICA G01/10", -95.0)]),
    ("data;lançamento;valor\n"
     "30/09/2026;SALDO ANTERIOR;1.000,00\n"
     "01/10/2026;TOTAL PASS;-120,00\n"
     "02/10/2026;S A L D O;880,00\n", [("TOTAL PASS", -120.0)]),
    ("Data;Histórico;Crédito;Débito;Saldo\n"
     "01/10/2026;PADARIA REAL;;45,00;955,00\n"
     ";Total;3.200,00;-1.545,00;\n", [("PADARIA REAL", -45.0)]),
])
def test_balance_limit_total_and_section_rows_are_skipped_and_counted(
        data: str, kept: list[tuple[str, float]], log: pytest.LogCaptureFixture) -> None:
    statement, rows = read_bytes(data.encode("utf-8"))
    assert [fields(t)[:2] for t in rows] == kept
    assert statement.stats.balance_rows >= 1
    assert any("balance row" in r.getMessage() or "neither a date nor an amount"
               in r.getMessage() for r in log.records)


@pytest.mark.parametrize("tipo, amounts", [
    (["Saída", "Entrada"], [-45.0, 3200.0]),
    (["D", "C"], [-45.0, 3200.0]),
])
def test_a_type_column_of_directions_signs_unsigned_amounts(
        tipo: list[str], amounts: list[float]) -> None:
    data = ("Data;Descrição;Valor;Tipo\n"
            f"01/10/2024;PADARIA PAO QUENTE;45,00;{tipo[0]}\n"
            f"02/10/2024;SALARIO ACME;3.200,00;{tipo[1]}\n").encode()
    _, rows = read_bytes(data)
    assert [t.amount for t in rows] == amounts


def test_a_card_type_column_beside_signed_amounts_leaves_the_sign_alone() -> None:
    """'Crédito' there says how the card was used, not that money came in."""
    data = ("Data;Descrição;Valor;Tipo\n"
            "01/10/2024;PADARIA PAO QUENTE;-45,00;Crédito\n"
            "02/10/2024;ESTORNO PADARIA;45,00;Débito\n").encode()
    _, rows = read_bytes(data)
    assert [t.amount for t in rows] == [-45.0, 45.0]


def test_naming_the_description_column_keeps_the_date_and_amount_found() -> None:
    data = b"Data;Hist;Valor\n01/10/2024;PADARIA;-45,00\n"
    _, rows = read_bytes(data, overrides=ColumnOverrides(description="Hist"))
    assert [fields(t)[:3] for t in rows] == [("PADARIA", -45.0, dt.date(2024, 10, 1))]


@pytest.mark.parametrize("data, what", [
    (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n<BANKMSGSRSV1>\n", "an OFX file"),
    (b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX>\n', "an OFX file"),
    (b"!Type:Bank\nD01/10/2024\nT-45.00\nPPADARIA\n^\n", "a QIF file"),
    (b"<html><body><table><tr><td>Data</td></tr></table></body></html>",
     "a web page (HTML)"),
])
def test_other_statement_formats_are_named_with_what_to_do(data: bytes, what: str) -> None:
    with pytest.raises(StatementError) as excinfo:
        read_bytes(data)
    error_message(excinfo, "extrato.csv", what, "export the statement as CSV")


@pytest.mark.parametrize("text", ["\u221245,00", "\u201345,00", "R$ \u221245,00"])
def test_a_typographic_minus_is_a_minus(text: str) -> None:
    from txcat.reading.values import parse_amount

    assert parse_amount(text) == -45.0


@pytest.mark.parametrize("data, description", [
    # A known bank's three columns are in this header, but so is another text column.
    ("Data;Descrição;Lançamento;Valor\n01/10/2024;PADARIA REAL;Débito;-45,00\n",
     "PADARIA REAL - Débito"),
    ("Data,Lançamento,Detalhes,Valor\n01/09/2026,Compra com Cartão,PADARIA REAL,\"-50,00\"\n",
     "Compra com Cartão - PADARIA REAL"),
    # The counterpart has a column of its own.
    ("Data;Tipo;Favorecido;Valor\n02/10/2024;Pix enviado;NETFLIX;-55,90\n",
     "Pix enviado - NETFLIX"),
    ("Data;Beneficiário;Valor\n02/10/2024;NETFLIX;-55,90\n", "NETFLIX"),
])
def test_every_text_column_of_a_csv_of_no_known_layout_is_read(
        data: str, description: str) -> None:
    _, rows = read_bytes(data.encode("utf-8"))
    assert [t.description for t in rows] == [description]
    assert rows[0].amount is not None and rows[0].amount < 0


def test_credit_and_debit_value_columns_are_read_as_money_in_and_out() -> None:
    data = (b"Data;Lancamento;Valor Credito;Valor Debito\n"
            b"01/10/2024;PADARIA;0,00;45,00\n"
            b"02/10/2024;SALARIO;3.200,00;0,00\n")
    _, rows = read_bytes(data)
    assert [t.amount for t in rows] == [-45.0, 3200.0]


def test_a_mercado_pago_export_is_read_past_its_summary_lines() -> None:
    data = (b"INITIAL_BALANCE;CREDITS;DEBITS;FINAL_BALANCE\n"
            b"100,00;1.500,00;-325,00;1.275,00\n"
            b"\n"
            b"RELEASE_DATE;TRANSACTION_TYPE;REFERENCE_ID;TRANSACTION_NET_AMOUNT;PARTIAL_BALANCE\n"
            b"01-10-2024;Pagamento com QR Pix Padaria;1;-25,00;75,00\n")
    _, rows = read_bytes(data)
    assert [fields(t) for t in rows] == [
        ("Pagamento com QR Pix Padaria", -25.0, dt.date(2024, 10, 1), "1")]


def test_with_no_header_found_the_error_shows_a_line_of_names_not_of_numbers() -> None:
    data = (b"SALDO_INICIAL;CREDITOS;DEBITOS\n"
            b"100,00;1.500,00;-325,00\n"
            b"QUANDO;O_QUE;QUANTO\n"
            b"01-10-2024;Padaria;-25,00\n")
    with pytest.raises(StatementError) as excinfo:
        read_bytes(data)
    message = error_message(excinfo, "extrato.csv", "no description column")
    assert "QUANDO, O_QUE, QUANTO" in message or "SALDO_INICIAL, CREDITOS, DEBITOS" in message
    assert "100, 00" not in message


def test_two_amounts_split_at_unquoted_commas_are_each_put_back(
        log: pytest.LogCaptureFixture) -> None:
    """A balance column after the amount, split too: counted from the right, each
    column gets its own number back, and the row is reported."""
    data = (b"data,descricao,valor,saldo\n"
            b"01/10/2024,PADARIA,-45,00,955,00\n"
            b"02/10/2024,SALARIO ACME,3200,00,4155,00\n"
            b"03/10/2024,LOJA 2,5,-10,50,4144,50\n")
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [
        ("PADARIA", -45.0), ("SALARIO ACME", 3200.0), ("LOJA 2,5", -10.5)]
    assert [t.raw["saldo"] for t in rows] == ["955,00", "4155,00", "4144,50"]
    assert any("split at an unquoted comma" in w for w in warnings_of(log))
    _, rows = read_bytes(b"data,descricao,valor,id\n01/10/2024,PADARIA,-45,00,12\n")
    assert [(t.amount, t.id) for t in rows] == [(-45.0, "12")]  # an id is no split number


def test_a_labeled_file_with_no_header_is_told_a_header_naming_its_label_column() -> None:
    data = (b"03/09/2024,-30.50,d5g489fc,Compra no debito - Mercado Economico,NECESSIDADE\n"
            b"02/09/2024,20.00,c4f378db,Transferencia recebida - LOJA DE DOCES,LAZER\n")
    with pytest.raises(StatementError) as excinfo:
        read_bytes(data)
    message = error_message(excinfo, "extrato.csv", "no header")
    assert message.endswith("such as: data,valor,codigo,descricao,label")


def test_a_header_cell_holding_a_line_break_is_one_header() -> None:
    """A Banco do Brasil export seen in the wild: 'Tipo Lançamento' broken over two
    lines inside its quotes."""
    data = ('"Data","Lançamento","Detalhes","Nº documento","Valor","Tipo\r\nLançamento"\r\n'
            '"02/01/2026","Cobrança de Juros","Juros Saldo Devedor Conta","511058923",'
            '"-86,70","Saída"\r\n').encode("cp1252")
    statement, rows = read_bytes(data)
    assert statement.layout.name == "bb"
    assert [(t.description, t.amount, t.id, t.line) for t in rows] == [
        ("Cobrança de Juros - Juros Saldo Devedor Conta", -86.7, "511058923", 3)]


def test_a_bank_export_saved_again_with_decimal_commas_reads_its_amounts_so(
        log: pytest.LogCaptureFixture) -> None:
    """A Nubank CSV opened and saved by a pt-BR spreadsheet: ';' and decimal commas,
    where Nubank writes ',' and points. '-1.500' there is fifteen hundred."""
    data = ("Data;Valor;Identificador;Descrição\n"
            "01/10/2024;-30,50;a1;Compra no débito - Padaria Real\n"
            "02/10/2024;-1.500;a2;Aluguel\n"
            "03/10/2024;-1.234,56;a3;Condomínio\n").encode()
    statement, rows = read_bytes(data)
    assert statement.layout.name == "nubank-conta"
    assert [t.amount for t in rows] == [-30.5, -1500.0, -1234.56]
    assert any("decimal mark" in r.getMessage() for r in log.records)


# ----------------------------------------------- regressions a review found (2026-11-22)

@pytest.mark.parametrize("header, marks", [
    ("Data;Tipo;Histórico;Valor", ("D", "C")),
    ("Data;Tipo;Descrição;Valor", ("Saída", "Entrada")),
])
def test_a_direction_column_before_the_description_still_signs_the_amount(
        header: str, marks: tuple[str, str]) -> None:
    data = (f"{header}\n01/10/2024;{marks[0]};Padaria;10,00\n"
            f"02/10/2024;{marks[1]};Salario;20,00\n").encode()
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [("Padaria", -10.0), ("Salario", 20.0)]


def test_an_unquoted_comma_in_the_description_before_the_amount_keeps_the_amount() -> None:
    data = (b"Data,Descricao,Valor,Favorecido\n"
            b"01/02/2024,Compra, cartao final 1234,-10.00,PADARIA JOAO\n")
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [
        ("Compra, cartao final 1234 - PADARIA JOAO", -10.0)]


def test_a_description_column_named_twice_is_read_once() -> None:
    _, rows = read_bytes("Data;Descrição;Valor;Descrição\n01/10/2024;Padaria;-10,00;x\n"
                         .encode())
    assert [t.description for t in rows] == ["Padaria"]


@pytest.mark.parametrize("row", ["01/02/2024;SALDO DE SALARIO;2000,00",
                                 "01/02/2024;Total;-200,00"])
def test_a_dated_row_with_an_amount_is_kept_unless_it_names_a_balance(row: str) -> None:
    _, rows = read_bytes(f"data;lançamento;valor\n{row}\n".encode())
    assert len(rows) == 1 and rows[0].amount is not None


def test_card_bill_leaves_amounts_whose_direction_is_marked_alone() -> None:
    data = ("Data;Histórico;Valor;D/C\n01/10/2026;RESTAURANTE;50,00;D\n"
            "02/10/2026;PAGAMENTO FATURA;500,00;C\n"
            "03/10/2026;LOJA;30,00 D\n").encode()
    _, rows = read_bytes(data, overrides=ColumnOverrides(card_bill=True))
    assert [t.amount for t in rows] == [-50.0, 500.0, -30.0]


def test_a_plugin_layout_that_does_not_require_its_amount_column_still_reads() -> None:
    layout = Layout(name="semvalor", title="no amount required",
                    columns=("quando", "oque", "valor"), required=("quando", "oque"),
                    description=("oque",), date="quando", amount="valor")
    _, rows = read_bytes(b"quando;oque\n01/10/2024;Padaria\n",
                         layouts=[*BUILTIN_LAYOUTS, layout])
    assert [t.description for t in rows] == ["Padaria"]


def test_full_output_read_back_keeps_amounts_and_descriptions(tmp_path: Path) -> None:
    """--format full output is a labeled file: what as_sheet_text marks reads back as it
    was written before the mark."""
    from txcat.output import as_sheet_text

    values = ["- R$ 30,50", "-30,50 BRL", "-PIX JOAO", "=1+1"]
    data = ("data;valor;descricao\n" + "".join(
        f"01/10/2024;{as_sheet_text(v) if i < 2 else '-1,00'};"
        f"{as_sheet_text(v) if i >= 2 else 'x'}\n" for i, v in enumerate(values))).encode()
    _, rows = read_bytes(data)
    assert [t.amount for t in rows[:2]] == [-30.5, -30.5]
    assert [t.description for t in rows[2:]] == ["-PIX JOAO", "=1+1"]


# ------------------------------------------ a second review's finds (2026-11-22)

@pytest.mark.parametrize("description", [
    "SALDO ANTERIOR EM 30/09/2024", "Saldo em conta corrente", "SALDO FINAL DO PERIODO",
    "Saldo Total Disponível", "SALDO DIA", "SALDO ANT", "SALDO APLIC AUT MAIS",
    "Total do dia", "SUBTOTAL", "Total geral"])
def test_a_dated_balance_row_with_an_amount_is_skipped(description: str) -> None:
    statement, rows = read_bytes(f"data;lançamento;valor\n01/10/2024;{description};1.500,00\n"
                                 "02/10/2024;PADARIA;-10,00\n".encode())
    assert [t.description for t in rows] == ["PADARIA"]
    assert statement.stats.balance_rows == 1


def test_an_unquoted_comma_in_the_counterpart_column_keeps_the_amount() -> None:
    data = (b"Data,Descricao,Valor,Favorecido\n"
            b"01/02/2024,Compra,-10.00,PADARIA, JOAO\n")
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [("Compra - PADARIA, JOAO", -10.0)]


def test_card_bill_flips_a_row_whose_own_direction_cell_is_blank() -> None:
    data = "Data;Histórico;Valor;D/C\n01/10/2026;RESTAURANTE;50,00;D\n03/10/2026;LOJA;30,00;\n"
    _, rows = read_bytes(data.encode(), overrides=ColumnOverrides(card_bill=True))
    assert [t.amount for t in rows] == [-50.0, -30.0]


def test_a_layout_s_amount_column_missing_from_the_file_is_warned_about(
        log: pytest.LogCaptureFixture) -> None:
    layout = Layout(name="semvalor", title="no amount required",
                    columns=("quando", "oque", "valor"), required=("quando", "oque"),
                    description=("oque",), date="quando", amount="valor")
    read_bytes(b"quando;oque\n01/10/2024;Padaria\n", layouts=[*BUILTIN_LAYOUTS, layout])
    assert any("no amount column found" in w for w in warnings_of(log))


# ------------------------------------- a regression hunt against 7dd84b9 (2026-11-22)

def test_bradesco_s_second_description_line_joins_the_row_above(
        log: pytest.LogCaptureFixture) -> None:
    """Bradesco prints the counterpart on a line of its own, with no date and no amount."""
    data = ("Data;Histórico;Docto.;Crédito (R$);Débito (R$);Saldo (R$);\n"
            '01/07/25; Transfe Pix;1357553;"1.296,00";;"19.312,00";\n'
            ";Rem: Leticia Pires;;;;;\n"
            '04/07/25; Visa Electron;4488;;"89,90";"19.222,10";\n'
            ";Ifood *Restaurante;;;;;\n").encode()
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [
        ("Transfe Pix - Rem: Leticia Pires", 1296.0),
        ("Visa Electron - Ifood *Restaurante", -89.9)]
    assert any("joined to the row above" in r.getMessage() for r in log.records)


def test_a_dateless_row_with_a_cell_of_its_own_is_a_row_not_a_continuation(
        log: pytest.LogCaptureFixture) -> None:
    """A row a user added to a labeled file with only its description and its label was
    joined to the row above as Bradesco's second line, and its label was lost."""
    data = ("Data;Descrição;Valor;label\n01/07/2025;Tam Linhas Aereas;-900,00;LAZER\n"
            ";Uber para cliente ACME;;TRABALHO\n").encode()
    statement, rows = read_bytes(data)
    assert [(t.description, t.amount, t.raw["label"]) for t in rows] == [
        ("Tam Linhas Aereas", -900.0, "LAZER"), ("Uber para cliente ACME", None, "TRABALHO")]
    assert statement.stats.continued_rows == 0
    assert any("row has no amount; row kept" in w for w in warnings_of(log))


def test_a_note_column_beside_a_nubank_card_file_keeps_its_layout_and_signs() -> None:
    data = (b"date,title,amount,Detalhes\n"
            b"2025-03-01,iFood *Restaurante,45.90,jantar com Ana\n"
            b"2025-03-03,Pagamento recebido,-1500.00,\n")
    statement, rows = read_bytes(data)
    assert statement.layout.name == "nubank-cartao"
    assert [(t.description, t.amount) for t in rows] == [
        ("iFood *Restaurante - jantar com Ana", -45.9), ("Pagamento recebido", 1500.0)]


@pytest.mark.parametrize("column", ["Cartão", "Tipo"])
def test_a_card_column_of_credito_and_debito_is_not_read_as_the_sign(column: str) -> None:
    data = (f"Data;Descrição;Valor;{column}\n01/03/2025;Supermercado Extra;250,30;Crédito\n"
            "02/03/2025;Padaria Real;12,50;Débito\n").encode()
    _, rows = read_bytes(data)
    assert [t.amount for t in rows] == [250.3, 12.5]
    _, rows = read_bytes(data, overrides=ColumnOverrides(card_bill=True))
    assert [t.amount for t in rows] == [-250.3, -12.5]


def test_a_semicolon_file_of_no_known_layout_still_reads_a_thousands_point() -> None:
    data = ("Data;Descrição;Valor\n01/03/2025;Supermercado Extra;-250.30\n"
            "04/03/2025;Condominio;-1.500\n").encode()
    _, rows = read_bytes(data)
    assert [t.amount for t in rows] == [-250.3, -1500.0]


def test_a_description_like_column_holding_dates_is_the_date_not_text() -> None:
    _, rows = read_bytes("Lançamento;Histórico;Valor\n03/03/2025;PIX ENVIADO;-150,00\n"
                         .encode())
    assert [(t.description, t.date) for t in rows] == [("PIX ENVIADO", dt.date(2025, 3, 3))]


def test_despesa_and_receita_sign_unsigned_amounts() -> None:
    data = ("Data;Descrição;Valor;Tipo\n01/03/2025;Netflix;55,90;Despesa\n"
            "05/03/2025;Salário ACME;3.200,00;Receita\n").encode()
    _, rows = read_bytes(data)
    assert [(t.description, t.amount) for t in rows] == [("Netflix", -55.9),
                                                         ("Salário ACME", 3200.0)]


def test_a_list_of_descriptions_keeps_a_line_that_says_saldo() -> None:
    _, rows = read_bytes("Descrição\nIFOOD RESTAURANTE\nSaldo\nTotal\n".encode())
    assert [t.description for t in rows] == ["IFOOD RESTAURANTE", "Saldo", "Total"]


def test_the_counts_on_stderr_say_one_row_and_one_line(log: pytest.LogCaptureFixture) -> None:
    """'skipped 1 balance row', '1 line ... was joined': never '1 rows', '1 lines'."""
    data = (f"{NUBANK_CONTA_HEADER}\nlançamentos,,,\n03/09/2024,-1.00,a,Transfe Pix\n"
            ",,,Rem: Leticia Pires\n03/09/2024,100.00,s,SALDO DO DIA\n"
            f"{NUBANK_CONTA_HEADER}\n04/09/2024,-2.00,b,Posto\n").encode()
    statement, rows = read_bytes(data)
    assert [t.description for t in rows] == ["Transfe Pix - Rem: Leticia Pires", "Posto"]
    stats = statement.stats
    assert (stats.title_rows, stats.continued_rows, stats.balance_rows,
            stats.repeated_headers) == (1, 1, 1, 1)
    messages = " | ".join(r.getMessage() for r in log.records)
    assert "skipped 1 balance row (" in messages
    assert "1 line with neither a date nor an amount was joined to the row above" in messages
    assert "skipped 1 row with neither a date nor an amount" in messages
    assert "skipped 1 repeated header row" in messages and "header rows" not in messages
