"""What a fine-tuned model is shown: the instructions, one statement row, and its answer.

The row is rendered exactly as the project's origin prompt showed statements (a
``data,código,valor,tipo`` CSV), so a model tuned on these files is asked the
same way at inference time. The answer is the bare label.

These files are uploaded to remote services, and descriptions carry personal
data (CPF, CNPJ, agency and account numbers, card numbers, e-mails, phones).
:func:`redact` replaces them with tags such as ``[CPF]``; the counterpart's name,
which decides the label, is kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from functools import lru_cache

from txcat.labels import DEFAULT_LABELS
from txcat.transactions import Transaction

#: The header line of every rendered row: the origin prompt's layout.
ROW_HEADER = "data,código,valor,tipo"

#: One-line meanings of the default labels, from LABELS.md.
LABEL_MEANINGS: dict[str, str] = {
    "NECESSIDADE": "custos essenciais da casa (mercado, padaria, farmácia, aluguel, condomínio, "
                   "luz, água, gás, internet, saúde, escola, seguro, impostos, transporte "
                   "público, tarifa bancária)",
    "LAZER": "lazer e gastos discricionários (restaurante, bar, delivery, cinema, streaming, "
             "jogos, viagem, roupas, presentes, academia)",
    "TRABALHO": "custos ou receitas do trabalho (combustível, estacionamento, pedágio, "
                "software, material de escritório, coworking, contador, MEI, salário e "
                "pagamentos de clientes)",
}


@lru_cache(maxsize=8)
def _system_prompt(labels: tuple[str, ...]) -> str:
    lines = ["Você classifica linhas de extrato bancário brasileiro. A linha vem em CSV com o "
             f"cabeçalho {ROW_HEADER}.",
             f"Responda só com um rótulo: {', '.join(labels)}."]
    lines += [f"{label}: {LABEL_MEANINGS[label]}." for label in labels if label in LABEL_MEANINGS]
    lines.append("O rótulo segue a finalidade do dinheiro (a contraparte), não o sinal do valor.")
    return "\n".join(lines)


def system_prompt(labels: Sequence[str] = DEFAULT_LABELS) -> str:
    """The instructions (Portuguese): the task, the label set and each known label's meaning.

    A label outside the default set is listed without a meaning: txcat cannot know it.
    """
    return _system_prompt(tuple(labels))


#: The instructions for the default label set.
SYSTEM_PROMPT = system_prompt()


def row_text(tx: Transaction, *, redact_data: bool = True) -> str:
    """One transaction as the origin prompt showed it: the CSV header line, then its row.

    Date as dd/mm/yyyy, amount signed with two decimals and a decimal point, either
    empty when unknown; fields holding commas or quotes are CSV-quoted. No trailing
    newline.
    """
    description = redact(tx.description) if redact_data else tx.description
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([
        tx.date.strftime("%d/%m/%Y") if tx.date else "",
        tx.id,
        f"{tx.amount:.2f}" if tx.amount is not None else "",
        description,
    ])
    return f"{ROW_HEADER}\n{buffer.getvalue().rstrip(chr(10))}"


# Order matters: a tag holds no digits, so a later pattern never re-reads an earlier one.
_D = r"(?<![\d])"  # no digit just before
_ND = r"(?![\d])"  # no digit just after
_REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    # CNPJ: 12.345.678/0001-90, or its 14 digits bare.
    (re.compile(_D + r"(?:\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{14})" + _ND), "[CNPJ]"),
    # CPF: 123.456.789-00, banks' masked forms (***.456.789-**, •••.456.789-••), 11 bare digits.
    (re.compile(r"(?<![\d*•xX])(?:[\d*•xX]{3}\.[\d*•xX]{3}\.[\d*•xX]{3}-[\d*•xX]{2}|\d{11})"
                r"(?![\d*•xX])"), "[CPF]"),
    # Card numbers: 13 to 19 digits, bare or in groups split by spaces or hyphens.
    (re.compile(_D + r"\d{4}(?:[ -]?\d){9,15}" + _ND), "[CARTAO]"),
    # Agency and account numbers after their label word: 'Agência: 1234 Conta: 56789-0'.
    (re.compile(r"(?i)(\bag(?:[eê]ncia|\.)?\s*:?\s*)\d[\d.]*(?:-[\dxX])?"), r"\1[AGENCIA]"),
    (re.compile(r"(?i)(\b(?:conta(?:\s+corrente)?|c/c|cc)\s*:?\s*)\d[\d.]*(?:-[\dxX])?"),
     r"\1[CONTA]"),
    # Phones: +55, a DDD in parentheses or followed by a space/hyphen, or a hyphenated number.
    (re.compile(_D + r"(?:(?:\+?55[\s-]?)?(?:\(\d{2}\)\s?|\d{2}[\s-])9?\d{4}[\s-]?\d{4}"
                r"|9?\d{4}-\d{4})" + _ND), "[TELEFONE]"),
    # Whatever long number is left (bare account, phone, boleto line) identifies someone.
    (re.compile(_D + r"\d{10,}" + _ND), "[NUMERO]"),
]


def redact(text: str) -> str:
    """Replace personal identifiers in a description with tags ([CPF], [CNPJ], [EMAIL] ...).

    Short numbers (store numbers, card endings, bank codes like '(0341)') are kept:
    they identify nobody and are part of how statements are worded.
    """
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text
