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
        redact(tx.id) if redact_data else tx.id,  # 'Nº documento' can hold a CPF
        f"{tx.amount:.2f}" if tx.amount is not None else "",
        description,
    ])
    return f"{ROW_HEADER}\n{buffer.getvalue().rstrip(chr(10))}"


# Order matters: a tag holds no digits, so a later pattern never re-reads an earlier one.
_D = r"(?<![\d])"  # no digit just before
_ND = r"(?![\d])"  # no digit just after
# Between a number's groups, as people and banks write them: '.', '-', a space, or a
# '.' or '-' with spaces around it ('123.456.789 - 00').
_SEP = r"(?:\s?[.-]\s?|\s)?"
_ACCOUNT = r"\d[\d.]{3,}(?:-[\dxX])?(?!\w)"  # 4 digits or more: 'CONTA 10 BAR' is a name
_AGENCY = r"\d{3,}(?:-[\dxX])?(?!\w)"  # 3 digits or more: '123MILHAS' is a name
# The account's kind, written out or cut to a whole word: 'CORR', 'DIG', 'SAL', 'PGTO'
# ('C/CORREIOS', 'CTA SALDO' are no kind).
_ACCOUNT_KIND = (r"(?:corrente|de\s+pagamento|pagamento|digital|poupan[cç]a|poup\.?|"
                 r"sal[aá]rio|(?:corr|dig|sal|pgto|pagto)\b\.?)")
# 'Conta Poupança', 'CTA CORRENTE', 'CTA.CORRENTE', 'C/CORRENTE', 'C. CORRENTE', 'C.CORR',
# 'C/C', 'C/C.', 'CC'.
_ACCOUNT_WORD = (r"(?:(?:conta|cta\.?)(?:[\s.-]*" + _ACCOUNT_KIND + r")?|c[/.]\s*" +
                 _ACCOUNT_KIND + r"|c/c\.?|c\.c\.?|cc)")
# A number word: 'Conta nº 12345-6', 'N.º', 'N', 'N.', 'NR', 'NRO', 'NO', 'NUM', 'NÚMERO';
# a whole word ('CONTA NOVA 10' is a name), with its dot and spaces.
_NUMBER_WORD = r"(?:n(?:[º°]|\.º|(?:[uú]m(?:ero)?|ro?|o)?\b)\.?\s*)?"
# A colon after a label word, with the spaces after it: never ':?\s*' right after the
# label's own '\s*', whose two runs of spaces were tried in every split of a long run.
_COLON = r"(?::\s*)?"
# A hyphen after a label word, with its spaces ('CPF-123...', 'RG - SP ...', 'CTA-12345'):
# it takes its spaces with it, as the colon does.
_HYPHEN = r"(?:-\s*)?"
# After a document's word: a dot, spaces, a hyphen.
_AFTER_WORD = r"\.?\s*" + _HYPHEN
# The agencies that issue RGs, as statements print them before its number.
_RG_ISSUER = r"(?:ssp|sesp|sspds|sds|sjs|sejusp|sesdc|detran|ifp|iirgd|dgpc|igp|dic|pc|pol)"
_REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    # E-mails, also cut short by a fixed-width column ('JOAO.SILVA@GMAIL'). The match
    # starts only where a run of such characters starts: tried at every position of a
    # long run, it took time quadratic in the description's length.
    # Its domain holds a letter: 'CAFE@1' is a name.
    (re.compile(r"(?<![\w.+-])[\w.+-]+@(?=[\w.-]*[^\W\d_])[\w-]+(?:\.[\w-]+)*"), "[EMAIL]"),
    # Pix random keys (a UUID), which lead straight to a person's account.
    (re.compile(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
     "[CHAVE]"),
    # CNPJ: 12.345.678/0001-90, its 14 digits bare, and mixes of the two.
    (re.compile(_D + r"\d{2}\.?\d{3}\.?\d{3}\s?/?\s?\d{4}[-\s]?\d{2}" + _ND), "[CNPJ]"),
    # RG, PIS/PASEP, NIS after their label word; an RG's issuing agency ('SSP/SP',
    # 'DETRAN-RJ', 'SSP') or its state ('MG-') may come first, and a colon after them.
    # Only known agencies: 'RG MOTOS 123456' is a shop.
    (re.compile(r"(?i)(\b(?:rg|pis|pasep|nis|nit)\b" + _AFTER_WORD + _NUMBER_WORD + _COLON +
                r"(?:" + _RG_ISSUER + r"\.?[\s/-]?(?:[a-z]{2}[\s-]?)?|[a-z]{2}[\s-]?)?" +
                _COLON + r")\d[\d.-]{4,}[\dxX]"), r"\1[DOCUMENTO]"),
    # CPF: 123.456.789-00 and other separators or none, banks' masked forms
    # (***.456.789-**, XXX456789XX, and cut short: ***.456.789-0), 11 bare digits. A
    # letter may touch it ('PIX123...').
    (re.compile(r"(?<![\d*•])(?:[\d*•xX]{3}" + _SEP + r"\d{3}" + _SEP + r"\d{3}" + _SEP +
                r"[\d*•xX]{2}|[*•]{3}" + _SEP + r"\d{3}" + _SEP + r"\d{3}(?:" + _SEP +
                r"[\d*•xX])?|\d{11})(?![\d*•])"), "[CPF]"),
    # After the word CPF or CNPJ, what is left of a number cut short by a fixed-width
    # column ('CPF: 123.456.789-0'): for a CPF, 7 digits or more in its own groups
    # (3-3-3-2, a bank's mask first or last: 'CPF ***.456.789-0'), or 8 or more however
    # split. At most the document's own digits (11, 14): a date or amount after it is no
    # part of it.
    (re.compile(r"(?i)(\bcpf\b" + _AFTER_WORD + _NUMBER_WORD + _COLON +
                r")(?:[\d*•x]{3}" + _SEP + r"\d{3}" + _SEP + r"(?:\d{3}(?:" + _SEP +
                r"[\d*•x]{1,2})?|\d{1,2})|\d(?:[\s./-]?\d){7,10})(?![\d*•])"), r"\1[CPF]"),
    (re.compile(r"(?i)(\bcnpj\b" + _AFTER_WORD + _NUMBER_WORD + _COLON +
                r")\d(?:[\s./-]?\d){7,13}(?!\d)"), r"\1[CNPJ]"),
    # Card numbers: 13 to 19 digits, bare or in groups split by spaces, hyphens or dots.
    (re.compile(_D + r"\d{4}(?:[ .-]?\d){9,15}" + _ND), "[CARTAO]"),
    # Agency and account after their label words: 'Agência: 1234 Conta: 56789-0',
    # 'Ag/Conta 1234/56789-0', 'AG 1234/56789-0', 'CTA 12345-6', 'Conta Poupança 12345-6'.
    (re.compile(r"(?i)(\bag(?:[eê]ncia|\.)?\s*/\s*" + _ACCOUNT_WORD + r"\s*" + _COLON + r")" +
                _AGENCY + r"\s*/\s*" + _ACCOUNT), r"\1[AGENCIA]/[CONTA]"),
    (re.compile(r"(?i)(\bag(?:[eê]ncia|\.)?\s*" + _HYPHEN + _NUMBER_WORD + _COLON + r")" +
                _AGENCY + r"\s*/\s*" + _ACCOUNT), r"\1[AGENCIA]/[CONTA]"),
    # After a colon the label is sure, and any number goes ('Agência: 18', 'Conta: 123-4').
    (re.compile(r"(?i)(\bag(?:[eê]ncia|\.)?\s*" + _NUMBER_WORD + r":\s*)\d[\d.]*(?:-[\dxX])?"
                r"(?!\w)"), r"\1[AGENCIA]"),
    (re.compile(r"(?i)(\b" + _ACCOUNT_WORD + r"\s*" + _NUMBER_WORD + r":\s*)\d[\d.]*"
                r"(?:-[\dxX])?(?!\w)"), r"\1[CONTA]"),
    (re.compile(r"(?i)(\bag(?:[eê]ncia|\.)?\s*" + _HYPHEN + _NUMBER_WORD + r")" + _AGENCY),
     r"\1[AGENCIA]"),
    # With no colon, a year and nothing after it is a year: 'C.' is also short for 'com'
    # ('C. PAGAMENTO 2024 ACADEMIA'), 'CONTA' a bill ('PAGTO CONTA 2024 IPTU').
    (re.compile(r"(?i)(\b" + _ACCOUNT_WORD + r"\s*" + _HYPHEN + _NUMBER_WORD + r")"
                r"(?!(?:19|20)\d{2}(?![\d.-]))" + _ACCOUNT), r"\1[CONTA]"),
    # Bank, agency and account with no label: 'TED 341.1234.12345-6', '237 1234 12345-6'.
    (re.compile(_D + r"\d{3}[.\s]\d{4}(?:-[\dxX])?[.\s]\d{4,12}-?[\dxX]" + _ND), "[CONTA]"),
    # After a phone's label word ('TEL', 'FONE:', 'CEL', 'WhatsApp'), any number of 8 to
    # 13 digits, however split ('113456-7890', '1134567890').
    (re.compile(r"(?i)(\b(?:tel|telefone|fone|cel|celular|whats(?:app)?|wpp|contato)\b\.?:?\s*)"
                r"\(?\+?\d(?:[\s().-]?\d){7,12}" + _ND), r"\1[TELEFONE]"),
    # Phones: +55, a DDD (with a trunk 0: '011') in parentheses or followed by a space or
    # hyphen, a mobile's 9 set apart; both halves after dots ('11.91234.5678',
    # '11.3456.7890'; not a date's '12.2024 1234'); a hyphenated number (not a year
    # range: 'IPVA 2023-2024'), a mobile's DDD glued on ('1191234-5678', not an order
    # number's '123456-7890'); a bare mobile, its halves apart or not ('91234 5678').
    (re.compile(_D + r"(?:(?:\+?55[\s-]?)?(?:\(0?\d{2}\)\s?|0?\d{2}[\s-])9?[\s.]?\d{4}"
                r"[\s.-]?\d{4}"
                r"|0?\d{2}\.9?\d{4}\.\d{4}"
                r"|(?!(?:19|20)\d{2}-(?:19|20)\d{2}(?!\d))(?:\d{2}9\d{4}|9?\d{4})-\d{4}"
                r"|9\d{4}[\s.]?\d{4})" + _ND),
     "[TELEFONE]"),
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
