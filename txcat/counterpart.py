"""Who a transaction was with: the counterpart name inside a description.

Descriptions wrap the counterpart in payment wording ('Transferência enviada pelo
Pix - X - CNPJ - BANCO (code) Agência: .. Conta: ..', 'PIX TRANSF X03/09',
'IFD*X'). Grouping rows by counterpart lets a benchmark keep every test
merchant out of training, as a user's new merchants would be.
"""

from __future__ import annotations

import re

from txcat.text import clean_description

# Words of payment wording, banks and company suffixes, never a counterpart's name.
# Payment processors and card acquirers print their own name before the merchant's
# ('PAYPAL *LOJA', 'EBANX*SPOTIFY'): theirs is never the counterpart.
PROCESSORS = frozenset([
    "paypal", "ebanx", "dlocal", "picpay", "payu", "iugu", "pagarme", "zoop", "getnet",
    "safrapay", "infinitepay", "ton", "moip", "wirecard", "paddle", "fastspring", "adyen",
    "stripe", "vindi", "asaas", "mercpago", "pagbank", "pagbrasil", "hotmart", "eduzz",
    "kiwify", "braip", "monetizze", "yapay", "sumup", "cielo", "stone", "rede", "pagseguro",
    "mercadopago",
])

WORDING = PROCESSORS | frozenset([
    "transferencia", "transf", "enviada", "enviado", "recebida", "recebido", "pelo", "pela",
    "pix", "ted", "doc", "tev", "compra", "compras", "no", "na", "com", "cartao", "credito",
    "debito", "debitos", "aut", "automatico", "automatica", "pagamento", "pagto", "pag", "pg",
    "efetuado", "efetuada", "boleto", "boletos", "de", "do", "da", "dos", "das", "para",
    "estorno", "estornado", "reembolso", "devolucao", "parcela", "parcelado", "parc", "cp",
    "sispag", "int", "banco", "bco", "agencia", "ag", "conta", "cc", "instituicao", "pagamentos",
    "ip", "sa", "s", "a", "ltda", "me", "eireli", "epp", "br", "com", "www", "ifd", "ifood",
    "mp", "ebn", "dl", "pp", "ec", "pagseguro", "mercadopago", "sumup", "stone", "cielo", "rede",
    "saque", "tarifa", "valor", "via", "app", "titulo", "tit", "ref", "referente", "fatura",
    "estabelecimento",
])

_SEGMENT_SPLIT = re.compile(r"\s+-\s+|\s*:\s*|\*")


def counterpart(description: str) -> str:
    """A normalised key for the counterpart: 'padaria santa luzia', 'drogasil'.

    Known chains from the merchant directory map to their directory name, so
    'IFD*BURGER KING' and 'BURGER KING 123' share one key. Falls back to the
    cleaned description when no name survives the wording filter.
    """
    from txcat.merchants import default_matcher

    for merchant in default_matcher().find(description):
        if merchant.scope == "chain":
            return merchant.name.lower()
    for segment in _SEGMENT_SPLIT.split(description):
        tokens = [t for t in clean_description(segment).split()
                  if t not in WORDING and len(t) > 1]
        if tokens:
            return " ".join(tokens[:4])
    return clean_description(description)
