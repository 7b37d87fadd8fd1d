"""Bank statement layouts: which columns hold the date, amount, id and description.

A layout is recognised by its header row, whatever the delimiter, encoding or
preamble lines before it. Built-in layouts are registered through the same
``register_layouts`` hook a plugin uses to add a bank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from txcat.hookspecs import hookimpl
from txcat.text import column_key, first_column


@dataclass(frozen=True)
class Layout:
    """How to turn one bank's rows into :class:`~txcat.transactions.Transaction` fields.

    Column names are written as the bank writes them; matching is by
    :func:`~txcat.text.column_key`, so case, accents and punctuation do not matter.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    description: tuple[str, ...]
    date: str | None = None
    amount: str | None = None
    id: str | None = None
    #: Separate money-in / money-out columns (C6): amount = credit - debit.
    credit: str | None = None
    debit: str | None = None
    #: A column whose value says the direction (Banco do Brasil's 'Tipo Lançamento').
    direction: str | None = None
    outflow_values: tuple[str, ...] = ("saida", "debito", "d", "despesa")
    #: Card bills list purchases as positive numbers; flip them to money out.
    purchases_positive: bool = False
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)
    #: "," or "." when the bank is consistent; None to decide per value.
    decimal: str | None = None
    #: Folded descriptions of rows that are balances, not transactions (skipped, counted).
    balance_rows: tuple[str, ...] = ()
    #: Columns that must be present for the header to match (default: all of ``columns``).
    required: tuple[str, ...] = ()
    #: How the bank writes the file; used by the sample generator and the docs.
    delimiter: str = ","
    encoding: str = "utf-8"
    preamble: tuple[str, ...] = field(default=(), compare=False)

    def required_keys(self) -> frozenset[str]:
        return frozenset(column_key(c) for c in (self.required or self.columns))

    def matches(self, header_keys: frozenset[str]) -> bool:
        return self.required_keys() <= header_keys


ORIGIN_CODIGO = Layout(
    name="origin-codigo",
    title="txcat origin example (data,código,valor,tipo)",
    columns=("data", "código", "valor", "tipo"),
    description=("tipo",),
    date="data",
    amount="valor",
    id="código",
    decimal=".",
)

ORIGIN_DESCRICAO = Layout(
    name="origin-descricao",
    title="txcat origin example (data,valor,codigo,descricao)",
    columns=("data", "valor", "codigo", "descricao"),
    description=("descricao",),
    date="data",
    amount="valor",
    id="codigo",
    decimal=".",
)

NUBANK_CONTA = Layout(
    name="nubank-conta",
    title="Nubank, conta (Data,Valor,Identificador,Descrição)",
    columns=("Data", "Valor", "Identificador", "Descrição"),
    description=("Descrição",),
    date="Data",
    amount="Valor",
    id="Identificador",
    decimal=".",
)

NUBANK_CARTAO = Layout(
    name="nubank-cartao",
    title="Nubank, cartão de crédito (date,title,amount)",
    columns=("date", "title", "amount"),
    description=("title",),
    date="date",
    amount="amount",
    purchases_positive=True,
    date_formats=("%Y-%m-%d",),
    decimal=".",
)

INTER = Layout(
    name="inter",
    title="Banco Inter (Data Lançamento;Histórico;Descrição;Valor;Saldo)",
    columns=("Data Lançamento", "Histórico", "Descrição", "Valor", "Saldo"),
    description=("Histórico", "Descrição"),
    date="Data Lançamento",
    amount="Valor",
    decimal=",",
    delimiter=";",
    encoding="utf-8-sig",
    preamble=("Extrato Conta Corrente", "Conta ;{conta}", "Período ;{inicio} a {fim}",
              "Saldo ;{saldo}", ""),
)

ITAU = Layout(
    name="itau",
    title="Itaú (data;lançamento;valor)",
    columns=("data", "lançamento", "valor"),
    description=("lançamento",),
    date="data",
    amount="valor",
    decimal=",",
    delimiter=";",
    encoding="cp1252",
)

C6 = Layout(
    name="c6",
    title="C6 Bank (Entrada(R$)/Saída(R$) columns)",
    columns=("Data Lançamento", "Data Contábil", "Título", "Descrição", "Entrada(R$)",
             "Saída(R$)", "Saldo do Dia(R$)"),
    required=("Data Lançamento", "Descrição", "Entrada(R$)", "Saída(R$)"),
    description=("Título", "Descrição"),
    date="Data Lançamento",
    credit="Entrada(R$)",
    debit="Saída(R$)",
    decimal=",",
    preamble=("EXTRATO DE CONTA CORRENTE C6 BANK", "Agência: 1 / Conta: {conta}",
              "Extrato gerado em {hoje}", ""),
)

BANCO_DO_BRASIL = Layout(
    name="bb",
    title="Banco do Brasil (Data,Lançamento,Detalhes,Nº documento,Valor,Tipo Lançamento)",
    columns=("Data", "Lançamento", "Detalhes", "Nº documento", "Valor", "Tipo Lançamento"),
    description=("Lançamento", "Detalhes"),
    date="Data",
    amount="Valor",
    id="Nº documento",
    direction="Tipo Lançamento",
    decimal=",",
    balance_rows=("saldo anterior", "saldo do dia", "s a l d o", "saldo", "saldo final"),
    encoding="cp1252",
)

BUILTIN_LAYOUTS: tuple[Layout, ...] = (
    ORIGIN_CODIGO,
    ORIGIN_DESCRICAO,
    NUBANK_CONTA,
    NUBANK_CARTAO,
    INTER,
    ITAU,
    C6,
    BANCO_DO_BRASIL,
)


@hookimpl
def register_layouts(register: Callable[[Layout], None]) -> None:
    for layout in BUILTIN_LAYOUTS:
        register(layout)


#: Folded descriptions of rows that state a balance or a total, not a transaction, in
#: any bank's export, whatever their date and amount: every 'SALDO ...' row ('SALDO
#: ANTERIOR', 'Saldo do dia', 'SALDO APLIC AUT MAIS', 'S A L D O') but the rare
#: transaction worded so ('SALDO DE SALARIO'), and named totals ('Total do dia').
#: 'TOTAL PASS' is a gym: a total is the whole description.
BALANCE_ROW = re.compile(r"(?!saldo de salario)(saldo|s a l d o)( .*)?|subtotal|totais"
                         r"|total (geral|do dia|do mes|do periodo)")
#: Rows with no date that are a bare total (a Bradesco 'Total' line) or name a limit
#: (the overdraft limit on offer, '(+) LIMITE DA CONTA TOTAL;15.500,00'), not money in.
LIMIT_ROW = re.compile(r"limite( .*)?|total")

# Names a column goes by in CSVs of no known layout ("any other CSV").
#: Every such column is read, joined in header order ('Pix enviado - NETFLIX'); the
#: first in this order ranks layouts. The counterpart's own column ('Favorecido') too.
DESCRIPTION_ALIASES = ("descricao", "description", "historico", "lancamento", "title", "titulo",
                       "memo", "detalhes", "details", "estabelecimento", "payee", "merchant",
                       "narrative", "tipo", "favorecido", "beneficiario", "destinatario",
                       "recebedor", "pagador", "remetente", "contraparte", "transactiontype")
AMOUNT_ALIASES = ("valor", "amount", "value", "valorrs", "valorr", "quantia", "montante",
                  "transactionnetamount", "netamount")
DATE_ALIASES = ("data", "date", "datalancamento", "dataoperacao", "datatransacao",
                "datamovimento", "datamovimentacao", "datamov", "dt", "releasedate")
#: Separate money-in / money-out columns, read where no single amount column is named.
CREDIT_ALIASES = ("credito", "creditor", "creditors", "creditos", "entrada", "entradas",
                  "entradar", "credit", "credits", "moneyin", "paidin", "valorcredito",
                  "valorcreditor", "valorcreditors", "vlrcredito")
DEBIT_ALIASES = ("debito", "debitor", "debitors", "debitos", "saida", "saidas", "saidar",
                 "debit", "debits", "moneyout", "paidout", "valordebito", "valordebitor",
                 "valordebitors", "vlrdebito")
#: A column of D/C marks beside an amount. Not 'tipo': it often names the description,
#: or whether a card was used on credit or debit, which says nothing of the sign.
DIRECTION_ALIASES = ("dc", "cd", "debcred", "creddeb", "debitocredito", "creditodebito",
                     "natureza", "tipolancamento", "tipomovimento")
ID_ALIASES = ("id", "identificador", "codigo", "documento", "nodocumento", "ndocumento",
              "nrdoc", "numdoc", "transactionid", "referenceid")


def guess_layout(columns: Sequence[str], *, single_column: bool = False,
                 description: str | None = None) -> Layout | None:
    """A layout for a header of no known bank, from its column names.

    A description column and a date or amount column must be recognised: a
    preamble line such as 'Conta;12345' names neither. With ``single_column``, a
    header of one cell naming a description is enough (a list of descriptions).
    ``description`` is the description column when the user named it
    (``--description-column Hist``): the other columns are still found by name.
    """
    given = description is not None
    description = description or first_column(columns, DESCRIPTION_ALIASES)
    if description is None:
        return None
    date = first_column(columns, DATE_ALIASES)
    amount = first_column(columns, AMOUNT_ALIASES)
    credit = debit = direction = None
    if amount is None:  # money in and money out in columns of their own
        credit = first_column(columns, CREDIT_ALIASES)
        debit = first_column(columns, DEBIT_ALIASES)
    else:
        direction = first_column(columns, DIRECTION_ALIASES)
    if date is None and amount is None and credit is None and debit is None and \
            not (single_column and len(columns) == 1):
        return None
    direction = direction if direction != description else None
    # Every text column: a counterpart or a detail in a column of its own is the row's
    # most telling part ('Tipo: Pix enviado', 'Favorecido: NETFLIX').
    descriptions: tuple[str, ...] = (description,)
    if not given:
        by_key: dict[str, str] = {}  # a name given twice is read once, as the first
        for c in columns:
            if column_key(c) in DESCRIPTION_ALIASES and c != direction:
                by_key.setdefault(column_key(c), c)
        descriptions = tuple(by_key.values())
    return Layout(
        name="generic",
        title="generic CSV (columns guessed from their names)",
        columns=descriptions,
        description=descriptions,
        date=date,
        amount=amount,
        credit=credit,
        debit=debit,
        direction=direction,
        id=first_column(columns, ID_ALIASES),
        date_formats=("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d"),
    )
