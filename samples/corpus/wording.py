"""How each bank words a transaction: descriptions and history columns per layout.

Nubank's 'Transferência enviada pelo Pix - ...', Itaú's 'PIX TRANSF ...', Inter's
'Cp :ISPB-' parties, C6's and Banco do Brasil's two columns. One function per
bank, each taking a ``Tx`` and returning its text.
"""

from __future__ import annotations

import random

from .formats import cut, nubank_title, upper
from .transactions import Tx


def _nubank_party(tx: Tx) -> str:
    cp = tx.cp
    return (f"{cp.pix_name} - {cp.doc} - {cp.bank.name} ({cp.bank.code}) "
            f"Agência: {cp.agency} Conta: {cp.account}")


def _store(tx: Tx, width: int = 22) -> str:
    return cut(tx.store or upper(tx.cp.name), width)


def nubank_conta_description(tx: Tx, rng: random.Random) -> str:
    cp, ch = tx.cp, tx.channel
    if ch == "pix_out":
        return f"Transferência enviada pelo Pix - {_nubank_party(tx)}"
    if ch in ("pix_in", "salary") and (ch == "pix_in" or rng.random() < 0.5):
        return f"Transferência recebida pelo Pix - {_nubank_party(tx)}"
    if ch in ("ted_in", "salary"):
        return f"Transferência Recebida - {_nubank_party(tx)}"
    if ch == "debit":
        return f"Compra no débito - {nubank_title(_store(tx))}"
    if ch in ("boleto", "auto_debit"):
        return f"Pagamento de boleto efetuado - {cp.legal}"
    if ch == "refund":
        return f"Estorno - {nubank_title(_store(tx))}" if rng.random() < 0.6 else \
            f"Estorno - Compra no débito - {nubank_title(_store(tx))}"
    if ch == "pix_refund":
        return f"Reembolso recebido pelo Pix - {_nubank_party(tx)}"
    raise ValueError(ch)


def origin_description(tx: Tx, rng: random.Random) -> str:
    cp, ch = tx.cp, tx.channel
    if ch == "credit":
        return f"Compra no crédito - {cp.name if rng.random() < 0.6 else _store(tx, 25)}"
    if ch == "debit":
        return f"Compra no débito - {cp.name if rng.random() < 0.6 else _store(tx, 25)}"
    if ch == "salary":
        what = {"adiantamento": "Adiantamento salarial", "13": "13º salário"}.get(
            tx.note, rng.choice(("Salário", "Pagamento de salário", "Crédito de salário")))
        return f"{what} - {cp.legal}"
    if ch in ("pix_in", "ted_in") and cp.group == "income":
        nf = f"NF {tx.note}" if rng.random() < 0.5 else f"nota fiscal {tx.note}"
        how = "Transferência recebida pelo Pix" if ch == "pix_in" else "TED recebida"
        return f"{how} - {_nubank_party(tx)} - {nf}"
    if ch == "refund":
        return f"Estorno - {cp.name}"
    if ch == "ted_in":
        return f"TED recebida - {_nubank_party(tx)}"
    return nubank_conta_description(tx, rng)


def nubank_cartao_title(tx: Tx, rng: random.Random) -> str:
    title = nubank_title(_store(tx, 22))
    if tx.channel == "refund":
        return f'Estorno de "{title}"'
    if tx.part:
        return f"{title} - Parcela {tx.part[0]}/{tx.part[1]}"
    return title


def inter_columns(tx: Tx, rng: random.Random, city: str) -> tuple[str, str]:
    cp, ch = tx.cp, tx.channel
    party = f"Cp :{cp.bank.ispb}-{cp.pix_name}" if rng.random() < 0.7 else cp.pix_name
    if ch == "pix_out":
        return "Pix enviado ", party
    if ch == "pix_in":
        if cp.group == "income" and rng.random() < 0.5:
            return "Pix recebido", f"{party} - NF {tx.note}"
        return "Pix recebido", party
    if ch == "salary":
        return rng.choice((("Pix recebido", party), ("Credito de salario", cp.legal),
                           ("TED recebida", cp.legal), ("Salario", cp.legal)))
    if ch == "ted_in":
        return "TED recebida", cp.legal + (f" - Nota fiscal {tx.note}" if tx.note else "")
    if ch == "debit":
        store = _store(tx)
        return "Compra no debito", (f"No estabelecimento {store} {city} BRA"
                                    if rng.random() < 0.4 else store)
    if ch == "boleto":
        return "Pagamento efetuado", (f"Pagamento de titulo - {cp.legal}" if rng.random() < 0.3
                                      else cp.legal)
    if ch == "auto_debit":
        return "Debito automatico", upper(cp.name)
    if ch == "refund":
        return "Estorno", _store(tx)
    if ch == "pix_refund":
        return "Pix recebido", f"Devolucao - {party}"
    raise ValueError(ch)


def itau_description(tx: Tx, rng: random.Random) -> str:
    cp, ch = tx.cp, tx.channel
    a = cp.accents
    ddmm = tx.date.strftime("%d/%m")
    short = cut(upper(cp.pix_name, a), rng.choice((14, 16, 18, 20)))
    if ch in ("pix_out", "pix_in"):
        if ch == "pix_out" and cp.group in ("local", "example", "chain") and rng.random() < 0.3:
            return f"PIX QRS {cut(upper(cp.name, a), 18)}{ddmm}"
        return f"PIX TRANSF {short}{ddmm}"
    if ch == "salary":
        return rng.choice(("SISPAG SALARIO", f"SISPAG {cut(upper(cp.legal), 16)}",
                           "REMUNERACAO/SALARIO", f"SALARIO {cut(upper(cp.legal), 16)}",
                           f"PIX TRANSF {short}{ddmm}"))
    if ch == "ted_in":
        return f"TED {cp.bank.code[1:]}.{cp.agency}{cut(upper(cp.legal), 14)}"
    if ch == "debit":
        return f"{rng.choice(('COMPRA CARTAO', 'COMPRA CARTAO', 'CARTAO DEBITO'))} {_store(tx, 20)}"
    if ch == "boleto":
        return f"{rng.choice(('PAG BOLETO', 'PAG BOLETO', 'PAGTO TITULO'))} " \
               f"{cut(upper(cp.legal, a), 22)}"
    if ch == "auto_debit":
        return f"{rng.choice(('DEBITO AUT', 'DA'))} {cut(upper(cp.name, a), 18)}"
    if ch == "refund":
        return f"ESTORNO COMPRA {_store(tx, 20)}"
    if ch == "fee":
        return rng.choice(("TAR PACOTE ITAU", "TARIFA MENSALIDADE PACOTE", "TAR MANUT CONTA"))
    raise ValueError(ch)


def c6_columns(tx: Tx, rng: random.Random, city: str) -> tuple[str, str]:
    cp, ch = tx.cp, tx.channel
    if ch == "pix_out":
        if tx.note:  # the Pix message the payer typed
            return f"Pix enviado para {cp.pix_name}", f"{tx.note.capitalize()} " \
                                                     f"{tx.date.strftime('%m/%Y')}"
        return f"Pix enviado para {cp.pix_name}", cp.pix_name
    if ch == "pix_in":
        if cp.group == "income":
            return f"Pix recebido de {cp.legal}", f"Pagamento nota fiscal {tx.note}"
        return f"Pix recebido de {cp.pix_name}", cp.pix_name
    if ch == "salary":
        return rng.choice((("Salário", cp.legal), ("Pagamento de salário", cp.legal),
                           (f"Pix recebido de {cp.legal}", cp.legal)))
    if ch == "ted_in":
        return "TED recebida", cp.legal
    if ch == "debit":
        return "Compra no débito", f"{_store(tx)} {city}" if rng.random() < 0.5 else _store(tx)
    if ch == "boleto":
        return "Pagamento de boleto", cp.legal
    if ch == "auto_debit":
        return "Débito automático", cp.legal
    if ch == "refund":
        return "Estorno de compra", _store(tx)
    if ch == "pix_refund":
        return f"Devolução de Pix de {cp.pix_name}", cp.pix_name
    raise ValueError(ch)


def bb_columns(tx: Tx, rng: random.Random) -> tuple[str, str]:
    cp, ch = tx.cp, tx.channel
    stamp = f"{tx.date.strftime('%d/%m')} {tx.minute // 60:02d}:{tx.minute % 60:02d}"
    name = upper(cp.pix_name, cp.accents) if cp.group != "person" else cp.legal
    if ch == "pix_out":
        return "Pix - Enviado", f"{stamp} {name}"
    if ch == "pix_in":
        return "Pix - Recebido", f"{stamp} {name}"
    if ch == "salary":
        return rng.choice((("Crédito de Salário", upper(cp.legal)),
                           ("Transferência recebida", f"{tx.date.strftime('%d/%m')} "
                            f"{cp.bank.code} {cp.agency} {cp.account} {upper(cp.legal)}"),
                           ("Pix - Recebido", f"{stamp} {upper(cp.legal)}")))
    if ch == "ted_in":
        return "Transferência recebida", (f"{tx.date.strftime('%d/%m')} {cp.bank.code} "
                                          f"{cp.agency} {cp.account} {upper(cp.legal)}")
    if ch == "debit":
        return "Compra com Cartão", f"{stamp} {_store(tx)}"
    if ch == "boleto":
        return "Pagamento de Boleto", upper(cp.legal, cp.accents)
    if ch == "auto_debit":
        return "Débito Automático", upper(cp.name, cp.accents)
    if ch == "refund":
        return "Estorno de Compra", f"{stamp} {_store(tx)}"
    if ch == "fee":
        return "Tarifa Pacote de Serviços", f"Cobrança referente {tx.date.strftime('%m/%Y')}"
    raise ValueError(ch)
