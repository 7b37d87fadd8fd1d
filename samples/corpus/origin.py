"""The project's origin example: its counterparts and its ten rows, with their labels.

The origin files must carry the example the project was first asked to categorise;
this keeps that fixed material (and how to recognise its rows again) in one place.
"""

from __future__ import annotations

import datetime as dt

from .names import Bank

#: The counterparts of the project's origin example, with the labels LABELS.md gives.
ORIGIN_COUNTERPARTS = (
    # name, kind, label, CNPJ (as in the example, where it has one), bank
    ("MERCADINHO ESTRELA", "mercadinho", "NECESSIDADE", "11.111.222/0001-33",
     Bank("BANCO ABC", "1234", "12345678"), "567", "101112-3"),
    ("LOJA DE DOCES", "loja de doces", "LAZER", "44.777.888/0001-99",
     Bank("BANCO TUV", "4567", "45678901"), "876", "43210-9"),
    ("LANCHONETE DO JOÃO", "lanchonete", "LAZER", "33.555.666/0001-77",
     Bank("BANCO PQR", "9876", "98765432"), "321", "54321-0"),
    ("Restaurante Bella Vista", "restaurante", "LAZER", "", None, "", ""),
    ("Restaurante Gourmet", "restaurante", "LAZER", "", None, "", ""),
    ("Café Expresso", "café", "LAZER", "", None, "", ""),
    ("Mercado Econômico", "mercado", "NECESSIDADE", "", None, "", ""),
    ("Estacionamento Central", "estacionamento", "TRABALHO", "", None, "", ""),
    ("Posto XYZ", "posto de combustível", "TRABALHO", "", None, "", ""),
    ("MERCADINHO", "mercadinho", "NECESSIDADE", "", None, "", ""),
)
#: The ten rows of /work/shared/origin_extrato.csv (data,valor,codigo,descricao), with
#: their labels; written verbatim into origin-descricao.csv.
ORIGIN_ROWS = (
    ("03/09/2024", "-22.13", "b900976c", "Transferência enviada pelo Pix - MERCADINHO ESTRELA - "
     "11.111.222/0001-33 - BANCO ABC (1234) Agência: 567 Conta: 101112-3", "NECESSIDADE"),
    ("07/09/2024", "-37.06", "fae5940d", "Compra no débito - Estacionamento Central", "TRABALHO"),
    ("04/09/2024", "21.36", "9947be3d", "Transferência recebida pelo Pix - LOJA DE DOCES - "
     "44.777.888/0001-99 - BANCO TUV (4567) Agência: 876 Conta: 43210-9", "LAZER"),
    ("04/09/2024", "-64.95", "31fc9376", "Compra no débito - Restaurante Bella Vista", "LAZER"),
    ("06/09/2024", "-18.77", "aeafab53", "Compra no débito - Restaurante Gourmet", "LAZER"),
    ("05/09/2024", "-56.16", "6f6ec6ae", "Compra no crédito - Mercado Econômico", "NECESSIDADE"),
    ("07/09/2024", "-96.05", "bd8d8e3c", "Compra no crédito - Café Expresso", "LAZER"),
    ("05/09/2024", "12.12", "325d56ea", "Transferência enviada pelo Pix - LANCHONETE DO JOÃO - "
     "33.555.666/0001-77 - BANCO PQR (9876) Agência: 321 Conta: 54321-0", "LAZER"),
    ("02/09/2024", "86.59", "51950070", "Transferência recebida pelo Pix - LOJA DE DOCES - "
     "44.777.888/0001-99 - BANCO TUV (4567) Agência: 876 Conta: 43210-9", "LAZER"),
    ("05/09/2024", "42.93", "3d9186dc", "Transferência enviada pelo Pix - MERCADINHO ESTRELA - "
     "11.111.222/0001-33 - BANCO ABC (1234) Agência: 567 Conta: 101112-3", "NECESSIDADE"),
)


def origin_key(description: str) -> str:
    for i, (name, *_rest) in enumerate(ORIGIN_COUNTERPARTS):
        if f"- {name} -" in description + " -":
            return f"example:{i}"
    return "example:?"


def origin_head_rows() -> list[tuple[dt.date, list[str], str, float, str]]:
    """ORIGIN_ROWS as rows to merge into origin-descricao.csv, by date."""
    return [(dt.datetime.strptime(r[0], "%d/%m/%Y").date(), list(r), r[3], float(r[1]),
             r[4]) for r in ORIGIN_ROWS]
