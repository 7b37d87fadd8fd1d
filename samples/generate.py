#!/usr/bin/env python3
"""Generate txcat's labeled sample corpus: synthetic bank statements, one per layout.

Writes ``samples/labeled/<layout>.csv`` for each built-in layout (written the way
that bank writes its export: header, delimiter, encoding, decimal comma, BOM,
preamble, balance rows) plus one label column, and ``txcat/data/training.csv.gz``:
the same rows read back with txcat's own reader (``description,amount,label``).

Counterparts come from the merchant directory (``txcat/data/merchants.csv``):
chains under their statement aliases, and local small businesses built from the
directory's kind-words and Brazilian names. Labels follow ``LABELS.md``: the
counterpart's kind decides, whatever the sign of the amount.

Deterministic: a fixed seed, no dependence on hash order or the clock, so running
it twice writes byte-identical files.

    python samples/generate.py                 # write into this repository
    python samples/generate.py --out-dir DIR   # write DIR/samples/labeled/*.csv and
                                               # DIR/txcat/data/training.csv.gz
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import csv
import datetime as dt
import gzip
import io
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import txcat  # noqa: F401
except ImportError:  # run from a checkout without installing txcat
    sys.path.insert(0, str(ROOT))

from txcat.labels import find_label_column, normalise_label  # noqa: E402
from txcat.layouts import BUILTIN_LAYOUTS, Layout  # noqa: E402
from txcat.reading import open_statement  # noqa: E402
from txcat.text import fold, strip_accents  # noqa: E402

SEED = 20240903  # the date of the first row of the origin example
LABELS = ("LAZER", "NECESSIDADE", "TRABALHO")
LABELED_DIR = Path("samples") / "labeled"
TRAINING_PATH = Path("txcat") / "data" / "training.csv.gz"
MERCHANTS_PATH = ROOT / "txcat" / "data" / "merchants.csv"


# --------------------------------------------------------------------------------------
# What to write: one household (or card) per layout
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FilePlan:
    layout: str
    rows: int  # target number of data rows (instalments may add a few)
    label_column: str
    start: dt.date
    end: dt.date
    city: str
    locals: int  # local small businesses in this household's neighbourhood
    chains: int  # chains this household buys from
    newline: str = "\n"
    kind: str = "account"  # "account" or "card"


PLANS: tuple[FilePlan, ...] = (
    FilePlan("origin-codigo", 330, "informação", dt.date(2024, 6, 1), dt.date(2025, 5, 31),
             "SAO PAULO", 34, 24),
    FilePlan("origin-descricao", 330, "label", dt.date(2024, 7, 1), dt.date(2025, 6, 30),
             "SAO PAULO", 34, 24),
    FilePlan("nubank-conta", 1500, "label", dt.date(2024, 1, 1), dt.date(2025, 12, 31),
             "SAO PAULO", 118, 100),
    FilePlan("nubank-cartao", 1450, "label", dt.date(2024, 1, 1), dt.date(2025, 12, 31),
             "SAO PAULO", 96, 130, kind="card"),
    FilePlan("inter", 1150, "categoria", dt.date(2024, 2, 1), dt.date(2025, 11, 30),
             "BELO HORIZONTE", 92, 80, newline="\r\n"),
    FilePlan("itau", 1150, "label", dt.date(2024, 3, 1), dt.date(2025, 12, 31),
             "RIO DE JANEIRO", 92, 80, newline="\r\n"),
    FilePlan("c6", 560, "label", dt.date(2024, 9, 1), dt.date(2025, 8, 31),
             "CURITIBA", 48, 40),
    FilePlan("bb", 560, "label", dt.date(2024, 4, 1), dt.date(2025, 3, 31),
             "SALVADOR", 48, 40, newline="\r\n"),
)

#: Channels each file can show; others are mapped (credit -> debit ...) or not drawn.
FILE_CHANNELS: dict[str, frozenset[str]] = {
    "origin-codigo": frozenset({"pix_out", "pix_in", "debit", "credit", "boleto", "ted_in",
                                "salary", "refund", "pix_refund"}),
    "origin-descricao": frozenset({"pix_out", "pix_in", "debit", "credit", "boleto", "ted_in",
                                   "salary", "refund", "pix_refund"}),
    "nubank-conta": frozenset({"pix_out", "pix_in", "debit", "boleto", "ted_in", "salary",
                               "refund", "pix_refund"}),
    "nubank-cartao": frozenset({"credit", "refund"}),
    "inter": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                        "salary", "refund", "pix_refund"}),
    "itau": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                       "salary", "refund", "fee"}),
    "c6": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                     "salary", "refund", "pix_refund"}),
    "bb": frozenset({"pix_out", "pix_in", "debit", "boleto", "auto_debit", "ted_in",
                     "salary", "refund", "fee"}),
}
CHANNEL_FALLBACK = {"credit": "debit", "debit": "credit", "auto_debit": "boleto"}


# --------------------------------------------------------------------------------------
# Kinds: how much and how people pay, by the counterpart's kind
# --------------------------------------------------------------------------------------

SHOP = (("debit", 0.45), ("credit", 0.35), ("pix_out", 0.20))
ONLINE = (("credit", 0.80), ("debit", 0.15), ("pix_out", 0.05))
BILL = (("boleto", 0.50), ("auto_debit", 0.35), ("pix_out", 0.15))
SUBSCRIPTION = (("credit", 0.80), ("debit", 0.20))


@dataclass(frozen=True)
class Profile:
    name: str
    lo: float
    hi: float
    channels: tuple[tuple[str, float], ...]
    weight: float = 1.0  # how often a household pays such a counterpart
    instalments: bool = False
    round_to: float = 0.0  # share of amounts rounded to whole tens (fuel, Pix to shops)


def _p(name: str, lo: float, hi: float, channels: tuple[tuple[str, float], ...],
       weight: float = 1.0, instalments: bool = False, round_to: float = 0.0) -> Profile:
    return Profile(name, lo, hi, channels, weight, instalments, round_to)


PROFILES: dict[str, Profile] = {p.name: p for p in (
    _p("fuel", 60, 350, SHOP, 3.0, round_to=0.45),
    _p("parking", 6, 60, SHOP, 2.2, round_to=0.3),
    _p("toll", 6, 160, (("credit", 0.6), ("auto_debit", 0.3), ("debit", 0.1)), 1.5),
    _p("ride", 9, 85, ONLINE, 2.2),
    _p("transit", 4.4, 200, (("debit", 0.5), ("pix_out", 0.3), ("credit", 0.2)), 1.5),
    _p("housing", 450, 3500, BILL, 0.15),
    _p("fee", 12, 80, (("fee", 1.0),), 0.1),
    _p("energy", 70, 480, BILL, 0.3),
    _p("water", 35, 260, BILL, 0.3),
    _p("gas", 30, 160, (("boleto", 0.4), ("pix_out", 0.3), ("debit", 0.3)), 0.4),
    _p("health-plan", 250, 1600, BILL, 0.2),
    _p("telecom", 45, 280, (("boleto", 0.35), ("auto_debit", 0.35), ("credit", 0.3)), 0.4),
    _p("insurance", 60, 450, (("boleto", 0.4), ("auto_debit", 0.3), ("credit", 0.3)), 0.2),
    _p("tax", 80, 2500, (("boleto", 1.0),), 0.15),
    _p("work-tax", 70, 900, (("boleto", 1.0),), 0.4),
    _p("work-services", 30, 900, (("boleto", 0.3), ("pix_out", 0.3), ("credit", 0.4)), 0.4),
    _p("school", 250, 2800, BILL, 0.2),
    _p("course", 30, 2500, ONLINE, 0.4, instalments=True),
    _p("coworking", 250, 1600, (("boleto", 0.5), ("pix_out", 0.3), ("credit", 0.2)), 0.3),
    _p("accountant", 150, 950, (("boleto", 0.5), ("pix_out", 0.5)), 0.4),
    _p("stationery", 5, 350, SHOP, 1.1),
    _p("equipment", 60, 6500, ONLINE, 0.5, instalments=True),
    _p("software", 15, 450, SUBSCRIPTION, 0.9),
    _p("streaming", 9, 60, SUBSCRIPTION, 0.9),
    _p("games", 8, 350, ONLINE, 0.6),
    _p("betting", 10, 300, (("pix_out", 0.5), ("credit", 0.3), ("debit", 0.2)), 0.4),
    _p("entertainment", 20, 350, ONLINE, 0.8),
    _p("travel", 120, 3800, ONLINE, 0.45, instalments=True),
    _p("hotel", 150, 2500, ONLINE, 0.4, instalments=True),
    _p("airline", 250, 3800, ONLINE, 0.3, instalments=True),
    _p("gym", 60, 320, SUBSCRIPTION, 0.5),
    _p("pet", 20, 380, SHOP, 0.7),
    _p("supermarket", 25, 650, SHOP, 3.0),
    _p("grocery", 6, 220, SHOP, 3.0, round_to=0.1),
    _p("bakery", 4, 75, SHOP, 3.2),
    _p("pharmacy", 9, 320, SHOP, 2.2),
    _p("health", 60, 950, (("debit", 0.35), ("credit", 0.35), ("pix_out", 0.3)), 0.7,
       instalments=True),
    _p("cafe", 6, 42, SHOP, 2.2),
    _p("sweets", 6, 90, SHOP, 1.3),
    _p("snack", 7, 75, SHOP, 2.4),
    _p("fast-food", 12, 95, SHOP, 2.4),
    _p("convenience", 5, 60, SHOP, 1.2),
    _p("bar", 15, 240, SHOP, 1.8),
    _p("delivery", 18, 160, ONLINE, 2.6),
    _p("restaurant", 18, 260, SHOP, 2.6),
    _p("fashion", 30, 950, SHOP, 1.0, instalments=True),
    _p("beauty", 25, 260, SHOP, 0.8),
    _p("hobby", 15, 400, SHOP, 0.6, instalments=True),
    _p("home-repair", 15, 1500, SHOP, 0.6, instalments=True),
    _p("home-service", 20, 350, (("pix_out", 0.6), ("debit", 0.3), ("credit", 0.1)), 0.5),
    _p("car-service", 25, 1400, SHOP, 0.7, instalments=True),
    _p("electronics", 40, 4500, ONLINE, 0.6, instalments=True),
    _p("retail", 20, 2800, ONLINE, 1.0, instalments=True),
    _p("other-leisure", 15, 300, SHOP, 0.6),
    _p("other-essential", 15, 400, SHOP, 0.6),
    _p("other-work", 20, 500, SHOP, 0.6),
)}
DEFAULT_PROFILES = {"LAZER": PROFILES["other-leisure"],
                    "NECESSIDADE": PROFILES["other-essential"],
                    "TRABALHO": PROFILES["other-work"]}
INCOME_SALARY = Profile("salary", 2500, 15000, (("salary", 1.0),), 0)
INCOME_CLIENT = Profile("client", 400, 7000, (("pix_in", 0.6), ("ted_in", 0.4)), 0)

#: The directory's kinds (``merchants.csv`` column ``kind``) -> how people pay them.
KIND_PROFILES = {
    "academia": "gym", "agua": "water", "aluguel": "housing", "apostas": "betting",
    "bar": "bar", "beleza": "beauty", "cafeteria": "cafe", "casa_decoracao": "retail",
    "cinema": "entertainment", "companhia_aerea": "airline", "condominio": "housing",
    "contabilidade": "accountant", "conveniencia": "convenience", "coworking": "coworking",
    "cursos_profissionais": "course", "delivery": "delivery", "doceria": "sweets",
    "educacao": "school", "eletronicos": "electronics", "energia": "energy",
    "estacionamento": "parking", "farmacia": "pharmacy", "fast_food": "fast-food",
    "games": "games", "gas": "gas", "hotel": "hotel", "imposto": "tax",
    "imposto_empresa": "work-tax", "informatica": "equipment", "ingresso": "entertainment",
    "livraria": "hobby", "loja_departamento": "retail", "manutencao_veiculo": "car-service",
    "materiais_construcao": "home-repair", "padaria": "bakery", "papelaria": "stationery",
    "pedagio": "toll", "pet": "pet", "plano_saude": "health-plan",
    "posto_combustivel": "fuel", "presentes": "hobby", "restaurante": "restaurant",
    "saude": "health", "seguro": "insurance", "servicos_domesticos": "home-service",
    "servicos_empresa": "work-services", "shopping": "fashion", "software_saas": "software",
    "streaming": "streaming", "supermercado": "supermarket", "tarifa_bancaria": "fee",
    "telecom": "telecom", "transporte_app": "ride", "transporte_publico": "transit",
    "vestuario": "fashion", "viagem": "travel",
}
#: Kinds of public bodies and councils: no 'LTDA' after their names.
PUBLIC_KINDS = frozenset({"imposto", "imposto_empresa", "servicos_empresa"})
#: Kinds that name income, not a counterpart one pays: their chains (Deel, Upwork) pay in.
INCOME_KINDS = frozenset({"salario", "servicos_prestados"})
#: Small shops of a big kind whose tickets are smaller ('Mercadinho' vs 'Supermercado').
NAME_PROFILES = (
    (re.compile(r"\b(?:mercadinho|minimercado|mini mercado|mercearia|armazem|emporio|"
                r"hortifruti|sacolao|quitanda|frutaria|verdurao|acougue|casa de carnes|"
                r"frigorifico|casa de frios|avicola|peixaria|mercado)\b"), "grocery"),
    (re.compile(r"\b(?:lanchonete|lanches|pastelaria|espetinho)\b"), "snack"),
)


def profile_for(kind: str, name: str, label: str) -> Profile:
    for pattern, profile_name in NAME_PROFILES:
        if kind in ("supermercado", "restaurante", "fast_food") and pattern.search(fold(name)):
            return PROFILES[profile_name]
    known = KIND_PROFILES.get(kind.strip().lower())
    return PROFILES[known] if known else DEFAULT_PROFILES[label]


#: Directory kind-words (generic entries, by name) that name a neighbourhood business,
#: and the words such a business puts before its name. Each word is used only when it
#: is the entry's name or one of its aliases, so the label is the directory's.
LOCAL_WORDS: dict[str, tuple[str, ...]] = {
    "Supermercado": ("Supermercado", "Supermercados"), "Mercado": ("Mercado",),
    "Mercadinho": ("Mercadinho",), "Minimercado": ("Minimercado", "Mini Mercado"),
    "Mercearia": ("Mercearia",), "Armazém": ("Armazém",), "Empório": ("Empório",),
    "Hortifruti": ("Hortifruti",), "Sacolão": ("Sacolão",), "Quitanda": ("Quitanda",),
    "Frutaria": ("Frutaria", "Verdurão"), "Açougue": ("Açougue", "Casa de Carnes"),
    "Frigorífico": ("Frigorífico", "Casa de Frios", "Avícola"), "Peixaria": ("Peixaria",),
    "Padaria": ("Padaria",), "Panificadora": ("Panificadora",),
    "Farmácia": ("Farmácia",), "Drogaria": ("Drogaria",),
    "Farmácia de manipulação": ("Farmácia de Manipulação",),
    "Conveniência": ("Conveniência",), "Adega": ("Adega",),
    "Distribuidora de bebidas": ("Distribuidora de Bebidas", "Depósito de Bebidas"),
    "Tabacaria": ("Tabacaria",), "Posto": ("Posto",), "Auto posto": ("Auto Posto",),
    "Estacionamento": ("Estacionamento",), "Parking": ("Park", "Garagem"),
    "Restaurante": ("Restaurante", "Cantina", "Marmitaria", "Rotisseria"),
    "Churrascaria": ("Churrascaria", "Espetinho", "Galeteria"), "Pizzaria": ("Pizzaria",),
    "Comida japonesa": ("Sushi", "Temakeria"), "Pastelaria": ("Pastelaria",),
    "Bistrô": ("Bistrô",), "Lanchonete": ("Lanchonete", "Lanches"),
    "Hamburgueria": ("Hamburgueria", "Burger"), "Café": ("Café", "Cafeteria"),
    "Doceria": ("Doceria", "Loja de Doces", "Bomboniere"), "Confeitaria": ("Confeitaria",),
    "Chocolateria": ("Chocolateria",), "Sorveteria": ("Sorveteria", "Gelateria"),
    "Açaí": ("Açaí",), "Bar": ("Bar",), "Boteco": ("Boteco", "Botequim"),
    "Choperia": ("Choperia", "Cervejaria"), "Casa noturna": ("Casa de Shows",),
    "Cinema": ("Cine",), "Teatro": ("Teatro",), "Boliche e jogos": ("Boliche", "Kart"),
    "Festas infantis": ("Buffet Infantil",), "Viagem": ("Turismo", "Agência de Viagens"),
    "Aluguel de carros": ("Locadora de Veículos",), "Camping": ("Camping",),
    "Hotel": ("Hotel",), "Pousada": ("Pousada",), "Hostel": ("Hostel",),
    "Loja de roupas": ("Confecções",), "Modas": ("Modas", "Ateliê"),
    "Boutique": ("Boutique",), "Calçados": ("Calçados", "Sapataria"),
    "Lingerie": ("Lingerie",), "Artigos esportivos": ("Bicicletaria", "Esportes"),
    "Barbearia": ("Barbearia",), "Salão de beleza": ("Salão de Beleza", "Cabeleireiro",
                                                     "Espaço de Beleza"),
    "Manicure": ("Esmalteria",), "Estética": ("Estética", "Spa"),
    "Cosméticos": ("Perfumaria", "Cosméticos"), "Tatuagem": ("Tattoo",),
    "Academia": ("Academia",), "Crossfit": ("Crossfit",), "Pilates": ("Studio Pilates",),
    "Artes marciais": ("Jiu Jitsu", "Muay Thai"), "Dança": ("Studio de Dança",),
    "Clube": ("Clube", "Esporte Clube"), "Hobbies": ("Armarinho", "Artesanato"),
    "Pet shop": ("Pet Shop", "Pet Center", "Agropet"),
    "Veterinária": ("Veterinária", "Centro Veterinário"),
    "Livraria": ("Livraria", "Sebo"), "Brinquedos": ("Loja de Brinquedos",),
    "Presentes": ("Presentes",), "Floricultura": ("Floricultura",),
    "Joalheria": ("Joalheria", "Relojoaria"),
    "Loja de departamentos": ("Bazar", "Magazine", "Utilidades"),
    "Móveis e decoração": ("Móveis", "Colchões", "Decorações"),
    "Eletrônicos": ("Eletrônicos", "Celulares"), "Informática": ("Informática",),
    "Papelaria": ("Papelaria",), "Gráfica": ("Gráfica", "Copiadora"),
    "Coworking": ("Coworking",),
    "Contabilidade": ("Contabilidade", "Escritório Contábil", "Assessoria Contábil"),
    "Clínica": ("Clínica", "Clínica Médica", "Centro Médico", "Policlínica"),
    "Consultório": ("Consultório",), "Laboratório": ("Laboratório",),
    "Hospital": ("Hospital",), "Odontologia": ("Odontologia", "Dental",
                                               "Clínica Odontológica"),
    "Fisioterapia": ("Fisioterapia",), "Psicologia": ("Psicologia",), "Ótica": ("Ótica",),
    "Escola": ("Escola", "Colégio"), "Creche": ("Creche", "Berçário"),
    "Idiomas": ("Escola de Inglês", "Idiomas"), "Autoescola": ("Autoescola",),
    "Gás de cozinha": ("Disk Gás", "Depósito de Gás"), "Água e saneamento": ("Disk Água",),
    "Materiais de construção": ("Materiais de Construção", "Madeireira", "Vidraçaria",
                                "Home Center"),
    "Ferragens": ("Ferragens", "Tintas", "Chaveiro"),
    "Lavanderia": ("Lavanderia", "Tinturaria"),
    "Oficina mecânica": ("Oficina Mecânica", "Auto Center", "Auto Mecânica", "Funilaria"),
    "Autopeças": ("Autopeças", "Borracharia"), "Lava-rápido": ("Lava Rápido", "Lava Jato"),
    "Reparos domésticos": ("Serralheria", "Marcenaria", "Dedetizadora"),
    "Seguro": ("Corretora de Seguros",), "Frete de mercadorias": ("Transportadora",),
}


# --------------------------------------------------------------------------------------
# Names: banks, cities, people, and the words small businesses are named with
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bank:
    name: str  # as Nubank prints it
    code: str  # 4 digits, as in '(0341)'
    ispb: str  # 8 digits, as in Inter's 'Cp :60701190-'


BANKS = (
    Bank("NU PAGAMENTOS - IP", "0260", "18236120"),
    Bank("ITAÚ UNIBANCO S.A.", "0341", "60701190"),
    Bank("BCO DO BRASIL S.A.", "0001", "00000000"),
    Bank("CAIXA ECONOMICA FEDERAL", "0104", "00360305"),
    Bank("BCO BRADESCO S.A.", "0237", "60746948"),
    Bank("BCO SANTANDER (BRASIL) S.A.", "0033", "90400888"),
    Bank("BCO INTER S.A.", "0077", "00416968"),
    Bank("BCO C6 S.A.", "0336", "31872495"),
    Bank("BCO BTG PACTUAL S.A.", "0208", "30306294"),
    Bank("BCO COOPERATIVO SICREDI S.A.", "0748", "01181521"),
    Bank("BANCO SICOOB S.A.", "0756", "02038232"),
)
SHOP_BANKS = (
    Bank("PAGSEGURO INTERNET IP S.A.", "0290", "08561701"),
    Bank("MERCADO PAGO IP LTDA.", "0323", "10573521"),
    Bank("STONE INSTITUIÇÃO DE PAGAMENTO S.A.", "0197", "16501555"),
    Bank("CORA SCD S.A.", "0403", "37880206"),
    Bank("PICPAY", "0380", "22896431"),
)

FIRST_NAMES = (
    "Maria", "José", "Ana", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro",
    "Lucas", "Luiz", "Marcos", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo",
    "Felipe", "Raimundo", "Rodrigo", "Fernanda", "Juliana", "Patrícia", "Aline", "Adriana",
    "Camila", "Bruna", "Letícia", "Beatriz", "Larissa", "Vanessa", "Sandra", "Francisca",
    "Luciana", "Márcia", "Sebastião", "Benedito", "Joana", "Rita", "Sônia", "Cláudia",
    "Tereza", "Helena", "Júlia", "Mariana", "Thiago", "Gustavo", "Vinícius", "Leonardo",
    "Mateus", "Diego", "Renata", "Priscila", "Simone", "Débora", "Edson", "Sérgio",
    "Roberto", "Ricardo", "Jorge", "Fábio", "Alexandre", "Cristiane", "Elaine", "Jéssica",
    "Raquel", "Vera", "Lúcia", "Irene", "Rosana", "Valdir", "Nilson", "Gilberto", "Otávio",
)
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
    "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares",
    "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira",
    "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves",
    "Santana", "Teixeira", "Araújo", "Pinto", "Correia", "Cavalcanti", "Monteiro", "Moura",
    "Campos", "Batista", "Azevedo", "Castro", "Borges", "Rezende", "Barros", "Pires",
    "Fonseca", "Brandão", "Siqueira", "Xavier", "Miranda", "Queiroz", "Sampaio", "Tavares",
    "Farias", "Coelho", "Leite", "Magalhães", "Medeiros", "Prado", "Aguiar", "Bezerra",
    "Cunha", "Duarte", "Guimarães", "Macedo", "Vasconcelos", "Peixoto", "Falcão", "Lacerda",
)
NICKNAMES = (
    "do Zé", "do João", "do Tonho", "do Chico", "do Bira", "do Tião", "do Juca", "do Nando",
    "do Beto", "do Léo", "do Português", "do Alemão", "do Japa", "do Careca", "do Dudu",
    "do Paulinho", "do Marcão", "do Gaúcho", "do Baiano", "do Mineiro", "da Maria",
    "da Neide", "da Cida", "da Lurdes", "da Fátima", "da Tia Rosa", "da Vó Nina",
    "da Dona Benta", "da Márcia", "da Tereza", "da Rosinha", "do Seu Jorge", "do Valdir",
)
SAINTS = (
    "Santa Luzia", "São Jorge", "São José", "São Judas Tadeu", "Santo Antônio",
    "São Francisco", "Santa Rita", "Santa Clara", "Nossa Senhora Aparecida", "Bom Jesus",
    "Divino Espírito Santo", "São Pedro", "São Bento", "Santa Terezinha", "Sagrado Coração",
    "São Cristóvão", "Santa Cecília", "São Lucas", "Santa Mônica", "São Sebastião",
    "Nossa Senhora de Fátima", "São Miguel", "Santa Edwiges", "São Benedito",
)
PLACE_WORDS = (
    "Estrela", "Central", "Real", "Ideal", "Progresso", "Primavera", "Vitória",
    "Esperança", "Boa Vista", "Bela Vista", "Nova Era", "Novo Horizonte", "Sol Nascente",
    "Aurora", "Paraíso", "Imperial", "Avenida", "Vila Nova", "Copacabana", "Ipanema",
    "Moema", "Pinheiros", "Tijuca", "Boa Viagem", "Savassi", "Batel", "Aldeota", "Alvorada",
    "Serra Azul", "das Flores", "da Praça", "da Esquina", "do Povo", "Popular", "Harmonia",
    "Tropical", "Cristal", "Diamante", "Ouro Verde", "Pérola", "Girassol", "Oásis",
    "Atlântico", "Mineira", "Gaúcha", "Nordeste", "Carioca", "Paulista", "Bahia",
    "Recanto", "Ponto Certo", "Jardim América", "Vila Mariana", "Lapa", "Mooca",
    "Butantã", "Santa Teresa", "Pampulha", "Barra", "Itapuã", "Boqueirão", "Portão",
    "Água Verde", "Cabral", "Liberdade", "Bom Retiro", "Ipiranga", "Méier", "Madureira",
    "Real Grandeza", "Colonial", "Modelo", "Confiança", "União", "Aliança", "Vitória Régia",
    "Nova Aliança", "Horizonte", "Planalto", "Continental", "Cruzeiro", "Triângulo",
    "Premium", "Express", "Prime", "Estrela do Sul", "Sete de Setembro", "Quinze de Novembro",
)
FAMILY_WORDS = ("Três Irmãos", "Dois Irmãos", "Irmãos {s}", "{s} & Filhos", "Família {s}",
                "Pai e Filho", "{s}", "{f} {s}", "Irmãs {s}")
#: Names that fit one kind of business better than the universal ones.
FLAVOURS: dict[str, tuple[str, ...]] = {
    "restaurant": ("Sabor Caseiro", "Sabor de Minas", "Tempero da Vovó", "Fogão a Lenha",
                   "Bom Sabor", "Bella Vista", "Cheiro Verde", "Sabor da Terra", "Dona Florinda",
                   "Panela de Barro", "Villa Toscana", "Sakura", "Tóquio", "Don Giovanni",
                   "Bella Napoli", "Sertanejo", "Paladar", "Mesa Farta", "Tempero Baiano"),
    "snack": ("Bom Lanche", "Ponto do Lanche", "Sabor Express", "Lanche Feliz", "Mordida"),
    "bar": ("Ponto Final", "Cantinho", "Esquina", "Saideira", "Resenha", "Pé Sujo",
            "Boa Prosa", "Amigos", "Chopp Gelado"),
    "cafe": ("Grão Nobre", "Aroma", "Bom Dia", "Expresso Paulista", "Grão de Ouro",
             "Xícara", "Colonial"),
    "sweets": ("Doce Encanto", "Doce Sabor", "Delícia", "Brigadeiro & Cia", "Mel",
               "Doce Magia", "Açúcar e Afeto"),
    "pet": ("Amigo Fiel", "Pet Feliz", "Patas e Cia", "Cão Amigo", "Bicho Mimado",
            "Quatro Patas", "Focinho Gelado"),
    "health": ("Sorriso", "Vida", "Saúde Total", "Bem Estar", "São Lucas", "Santa Mônica",
               "Sorriso Perfeito", "Vida Plena", "Viver Bem", "Dente de Leite"),
    "stationery": ("Criativa", "Arte & Papel", "Escolar", "Papel e Cia", "Ponto do Papel",
                   "Lápis de Cor", "Office Center"),
    "beauty": ("Bella Donna", "Charme", "Espaço Beleza", "Visual", "Estilo", "Navalha de Ouro"),
    "bakery": ("Pão Quente", "Trigo de Ouro", "Pão Nosso", "Flor do Trigo", "Doce Pão"),
    "grocery": ("Bom Preço", "Preço Bom", "Economia", "Compre Bem", "Da Família", "Do Bairro"),
    "supermarket": ("Bom Preço", "Economia", "Compre Bem", "Da Família", "Do Bairro", "Irmãos"),
    "fuel": ("Três Irmãos", "Trevo", "Rodovia", "Estrada Real", "Ponte", "Triângulo", "Via Sul"),
    "parking": ("Central", "Centro", "Park Seguro", "Garagem", "Praça", "Vaga Certa"),
    "car-service": ("Roda Viva", "Motor Forte", "Pit Stop", "Garagem", "Auto Mecânica"),
}
#: A person's role decides the most plausible label of a Pix with no other hint (rule 5).
#: National chains most households pay (matched by directory name or alias): each is in a
#: household's pool more often than not, and bought from more often than the long tail.
STAPLES = (
    "iFood", "Uber", "99 App", "99Pop", "Netflix", "Spotify", "Amazon", "Mercado Livre",
    "Drogasil", "Droga Raia", "Pague Menos", "Carrefour", "Assaí Atacadista", "Atacadão",
    "Pão de Açúcar", "Dia Supermercados", "Extra Hipermercado", "Shell", "Ipiranga",
    "Petrobras", "Sem Parar", "ConectCar", "Veloe", "Estapar", "McDonald's", "Burger King",
    "Subway", "Habib's", "Madero", "Outback", "Starbucks", "Cacau Show", "Kopenhagen",
    "Zé Delivery", "Rappi", "Smart Fit", "Bodytech", "TotalPass", "Wellhub", "Google Play",
    "Apple App Store e iCloud", "Shopee", "Magazine Luiza", "Casas Bahia", "Renner", "C&A Modas",
    "Riachuelo", "Centauro", "Netshoes", "Decathlon", "O Boticário", "Natura", "Havan",
    "Leroy Merlin", "Kalunga", "Amazon Web Services", "GitHub", "Microsoft 365",
    "Google Workspace", "Canva", "Adobe", "OpenAI", "Notion", "Hostinger", "Registro.br",
    "Steam", "PlayStation", "Disney+", "HBO Max", "Amazon Prime Video", "Globoplay",
    "Cinemark", "Sympla", "Ingresso.com", "Petz", "Cobasi", "Localiza", "LATAM",
    "Gol Linhas Aéreas", "Azul Linhas Aéreas", "Airbnb", "Booking.com", "Decolar", "Hotmart",
    "Udemy", "Alura", "Claro Telecom", "TIM Brasil", "Vivo Telefônica",
)
#: The utilities of each household's city, by directory name or alias.
REGIONAL_UTILITIES = {
    "SAO PAULO": ("Enel SP", "Sabesp", "Comgás"),
    "BELO HORIZONTE": ("Cemig", "Copasa", "Gasmig"),
    "RIO DE JANEIRO": ("Light Energia", "Cedae", "Naturgy"),
    "CURITIBA": ("Copel", "Sanepar", "Compagas"),
    "SALVADOR": ("Coelba", "Embasa", "Bahiagás"),
}

PERSON_ROLES = (("landlord", "NECESSIDADE"), ("friend", "LAZER"), ("payer", "TRABALHO"),
                ("cleaner", "NECESSIDADE"))

#: Employers and clients that pay the account holder (TRABALHO).
EMPLOYERS = (
    "ACME TECNOLOGIA LTDA", "NOVA ERA SISTEMAS LTDA", "ORION SOFTWARE LTDA",
    "CONSTRUTORA ALICERCE LTDA", "TRANSPORTADORA RAPIDO SUL LTDA",
    "INDUSTRIA METALURGICA PAULISTA S.A.", "VETOR ARQUITETURA E URBANISMO LTDA",
    "CIA BRASILEIRA DE LOGISTICA S.A.", "QUANTUM ANALYTICS LTDA",
)
CLIENTS = (
    "BETA CONSULTORIA EMPRESARIAL LTDA", "AGENCIA PIXEL DIGITAL LTDA", "DELTA SERVICOS DE TI LTDA",
    "PRIMUS MARKETING DIGITAL LTDA", "LUMEN DESIGN STUDIO LTDA", "ATLAS AUDITORIA E CONSULTORIA",
    "TECNOVIA SOLUCOES LTDA", "INSTITUTO ALFA DE PESQUISA", "MOURA & ASSOCIADOS ADVOGADOS",
    "VALE VERDE AGRONEGOCIOS S.A.", "GAMMA ENGENHARIA E PROJETOS LTDA", "SIGMA TRADUCOES LTDA",
    "OMEGA EVENTOS CORPORATIVOS LTDA", "HELIX BIOTECNOLOGIA S.A.", "KAPPA COMUNICACAO LTDA",
)
#: Rent and condominium counterparts (NECESSIDADE).
HOUSING = (
    ("Imobiliária Lopes", "IMOBILIARIA LOPES LTDA", "aluguel"),
    ("Imobiliária Central", "IMOBILIARIA CENTRAL ADM DE IMOVEIS LTDA", "aluguel"),
    ("Administradora São Jorge", "ADMINISTRADORA DE IMOVEIS SAO JORGE LTDA", "aluguel"),
    ("Imobiliária Horizonte", "HORIZONTE IMOVEIS E ALUGUEIS LTDA", "aluguel"),
    ("Imobiliária Moraes", "MORAES NEGOCIOS IMOBILIARIOS LTDA", "aluguel"),
    ("Administradora Predial Boa Vista", "BOA VISTA ADMINISTRACAO DE IMOVEIS LTDA", "aluguel"),
    ("Aluguel Residencial Bela Vista", "ALUGUEL RESIDENCIAL BELA VISTA LTDA", "aluguel"),
    ("Condomínio Edifício Solar das Palmeiras", "CONDOMINIO EDIFICIO SOLAR DAS PALMEIRAS",
     "condominio"),
    ("Condomínio Residencial Parque das Árvores",
     "CONDOMINIO RESIDENCIAL PARQUE DAS ARVORES", "condominio"),
    ("Cond Ed Monte Verde", "COND ED MONTE VERDE", "condominio"),
    ("Condomínio Edifício Ipê Amarelo", "CONDOMINIO EDIFICIO IPE AMARELO", "condominio"),
    ("Condomínio Vila Serena", "CONDOMINIO RESIDENCIAL VILA SERENA", "condominio"),
    ("Condomínio Edifício Atlântico", "CONDOMINIO DO EDIFICIO ATLANTICO", "condominio"),
)

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


# --------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------

_SMALL_WORDS = frozenset({"de", "da", "do", "das", "dos", "e", "a", "o", "em"})


def title_pt(text: str) -> str:
    """'PADARIA SÃO JOSÉ DO NORTE' -> 'Padaria São José do Norte'."""
    words = text.split()
    out = []
    for i, w in enumerate(words):
        lw = w.lower()
        out.append(lw if i and lw in _SMALL_WORDS else lw[:1].upper() + lw[1:])
    return " ".join(out)


def upper(text: str, accents: bool = False) -> str:
    return text.upper() if accents else strip_accents(text).upper()


def nubank_title(text: str) -> str:
    """How Nubank prints card descriptors: 'IFD*BURGER KING' -> 'Ifd*Burger King'."""
    out, prev_alpha = [], False
    for ch in strip_accents(text).lower():
        out.append(ch.upper() if ch.isalpha() and not prev_alpha else ch)
        prev_alpha = ch.isalnum() or ch == "'"
    return "".join(out)


def squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", strip_accents(text).upper())


def cut(text: str, width: int) -> str:
    return text[:width].rstrip(" -.*/&")


def money_dot(value: float) -> str:
    return f"{value:.2f}"


def money_br(value: float, thousands: bool = True) -> str:
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def cnpj(rng: random.Random) -> str:
    d = f"{rng.randrange(10**8):08d}"
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{rng.choice(('0001', '0001', '0001', '0002', '0003'))}" \
           f"-{rng.randrange(100):02d}"


def masked_cpf(rng: random.Random) -> str:
    return f"***.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}-**"


# --------------------------------------------------------------------------------------
# Counterparts
# --------------------------------------------------------------------------------------

@dataclass
class Counterpart:
    key: str
    group: str  # chain | local | example | income | housing | person | bank
    name: str  # the name people know it by
    legal: str  # the name on Pix, boleto and TED rows
    stores: list[str]  # card descriptors, upper-case, before any bank truncation
    kind: str
    label: str
    profile: Profile
    doc: str  # CNPJ or masked CPF
    bank: Bank
    agency: str
    account: str
    accents: bool = False  # keeps accents in upper-case forms (Itaú, BB)
    online: bool = False
    role: str = ""
    price: float = 0.0  # for monthly bills and subscriptions
    popularity: float = 1.0
    pix_name: str = ""  # the name as Nubank prints a Pix counterpart
    keys: frozenset[str] = frozenset()  # folded name and aliases, to find it by name
    staple: bool = False
    prefixes: tuple[str, ...] = ()  # acquirer-style aliases ('IFD*') a shop name follows

    def __post_init__(self) -> None:
        if not self.pix_name:
            self.pix_name = self.legal


@dataclass(frozen=True)
class DirectoryEntry:
    name: str
    aliases: tuple[str, ...]
    kind: str
    label: str
    scope: str


def read_directory(path: Path) -> list[DirectoryEntry]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    entries = []
    for r in rows:
        label = normalise_label(r.get("label") or "")
        scope = (r.get("scope") or "").strip().lower()
        if label not in LABELS or scope not in ("chain", "generic") or not r.get("name"):
            continue
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        entries.append(DirectoryEntry(r["name"].strip(), aliases, (r.get("kind") or "").strip(),
                                      label, scope))
    return entries


_LEGAL_SUFFIX = re.compile(r"\b(?:ltda|s\.?/?a\.?|me|eireli|epp|cia)\b\.?", re.IGNORECASE)
_PREFIX_ALIAS = re.compile(r"^[A-Za-z0-9 .]{2,12}\s?\*\s?$")  # 'IFD*', 'UBER *'


def chain_counterpart(entry: DirectoryEntry, key: str, rng: random.Random,
                      food_names: Sequence[str]) -> Counterpart:
    """A chain under the names it has on statements: aliases, store numbers, acquirers."""
    profile = profile_for(entry.kind, entry.name, entry.label)
    digital = profile.name in ("streaming", "software", "games") or \
        "com" in fold(entry.name).split()
    online = digital or profile.name in ("delivery", "ride", "travel", "course", "shipping",
                                         "retail", "entertainment", "toll")
    prefixes = [a for a in entry.aliases if _PREFIX_ALIAS.match(a)]
    plain = [a for a in entry.aliases if a not in prefixes and not _LEGAL_SUFFIX.search(a)]
    legal_forms = [a for a in entry.aliases if a not in prefixes and _LEGAL_SUFFIX.search(a)]
    names = plain or [entry.name]
    stores: list[str] = []
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        if prefixes and rng.random() < 0.7:
            prefix = upper(rng.choice(prefixes)).rstrip()
            tail = rng.choice(food_names) if profile.name == "delivery" and food_names \
                else upper(rng.choice(names))
            if prefix.endswith("*") and fold(tail) and fold(tail) in fold(prefix):
                tail = "TRIP" if profile.name == "ride" else tail
            store = f"{prefix}{tail}"
        else:
            base = upper(rng.choice(names))
            r = rng.random()
            if digital:  # foreign services bill through Ebanx, dLocal, PayPal
                if r < 0.3:
                    base = f"{rng.choice(('EBN*', 'DL*', 'PAYPAL *', 'EBANX*'))}{base}"
                elif r < 0.4 and "." not in base and " " not in base:
                    base = f"{base}.COM"
            elif online:
                if r < 0.2 and profile.name in ("travel", "retail", "course", "entertainment"):
                    base = f"{rng.choice(('PG *', 'MP*', 'PAYPAL *', 'PAGSEGURO*'))}{base}"
            elif r < 0.55:
                base = f"{base} {rng.randrange(1, 2000):04d}" if rng.random() < 0.6 \
                    else f"{base} {rng.choice(('LJ', 'FILIAL', 'UN', 'LOJA'))} " \
                         f"{rng.randrange(1, 400)}"
            elif r < 0.65:
                base = f"{base} {rng.choice(('CENTRO', 'MATRIZ', 'EXPRESS', 'FILIAL'))}"
            store = base
        if store not in stores:
            stores.append(store)
    if legal_forms:
        legal = upper(rng.choice(legal_forms))
    elif entry.kind in PUBLIC_KINDS or rng.random() < 0.35:
        legal = upper(names[0])
    else:
        legal = f"{upper(names[0])} {rng.choice(('LTDA', 'LTDA', 'S.A.', 'S/A', 'COMERCIO LTDA'))}"
    return Counterpart(
        key=key, group="chain", name=entry.name, legal=legal, stores=stores, kind=entry.kind,
        label=entry.label, profile=profile, doc=cnpj(rng), bank=rng.choice(BANKS),
        agency=f"{rng.randrange(1, 9999):04d}", account=f"{rng.randrange(10**4, 10**7)}-"
                                                       f"{rng.randrange(10)}",
        accents=rng.random() < 0.5, online=online,
        popularity=1.0 / (1 + rng.random() * 6),
        keys=frozenset(fold(a) for a in (entry.name, *entry.aliases)),
        prefixes=tuple(upper(p).rstrip() for p in prefixes),
    )


class LabelCheck:
    """Which labels the directory's aliases found inside a text suggest (any phrase)."""

    def __init__(self, entries: Sequence[DirectoryEntry]) -> None:
        self.labels: dict[tuple[str, ...], set[str]] = {}
        self.chain_names: set[str] = set()
        for e in entries:
            for alias in (e.name, *e.aliases):
                key = tuple(fold(alias).split())
                if key:
                    self.labels.setdefault(key, set()).add(e.label)
                    if e.scope == "chain":
                        self.chain_names.add(" ".join(key))
        self.longest = max((len(k) for k in self.labels), default=0)

    def names_chain(self, text: str) -> bool:
        return fold(text) in self.chain_names

    def agrees(self, text: str, label: str) -> bool:
        """No alias found inside ``text`` belongs to another label."""
        tokens = fold(text).split()
        for i in range(len(tokens)):
            for n in range(1, min(self.longest, len(tokens) - i) + 1):
                found = self.labels.get(tuple(tokens[i:i + n]))
                if found and found != {label}:
                    return False
        return True


def build_locals(generic: list[DirectoryEntry], count: int, rng: random.Random,
                 label_mix: dict[str, float], check: LabelCheck) -> list[Counterpart]:
    """Neighbourhood businesses named from kind-words: 'Padaria Santa Luzia'."""
    usable = []
    for entry in generic:
        known = {fold(a) for a in (entry.name, *entry.aliases)}
        words = [w for w in LOCAL_WORDS.get(entry.name, ()) if fold(w) in known]
        if words:
            usable.append((entry, words))
    if not usable:
        raise SystemExit("the merchant directory has no generic kind-words to name shops with")
    by_label: dict[str, list] = {lab: [u for u in usable if u[0].label == lab] for lab in LABELS}
    out: list[Counterpart] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        label = _weighted(rng, [(lab, w) for lab, w in label_mix.items() if by_label[lab]])
        entry, words = rng.choice(by_label[label])
        word = rng.choice(words)
        profile = profile_for(entry.kind, word, entry.label)
        r = rng.random()
        flavour = FLAVOURS.get(profile.name)
        if flavour and r < 0.25:
            rest = rng.choice(flavour)
        elif r < 0.45:
            rest = rng.choice(SAINTS)
        elif r < 0.62:
            rest = rng.choice(NICKNAMES)
        elif r < 0.80:
            rest = rng.choice(PLACE_WORDS)
        else:
            rest = rng.choice(FAMILY_WORDS).format(s=rng.choice(SURNAMES),
                                                   f=rng.choice(FIRST_NAMES))
        name = f"{word} {rest}"
        if fold(name) in seen or len(name) > 40 or not check.agrees(name, entry.label) or \
                check.names_chain(name):
            continue
        cp = _local_counterpart(name, word, rest, entry, profile, f"local:{len(out)}", rng)
        if not all(check.agrees(text, entry.label) for text in (cp.legal, *cp.stores)):
            continue
        seen.add(fold(name))
        out.append(cp)
    return out


def _local_counterpart(name: str, word: str, rest: str, entry: DirectoryEntry,
                       profile: Profile, key: str, rng: random.Random) -> Counterpart:
    accents = rng.random() < 0.5
    up_name = upper(name, accents)
    suffix = rng.choice(("LTDA", "LTDA", "LTDA ME", "ME", "EIRELI", "", "EPP"))
    if rng.random() < 0.2 and not rest.startswith(("do ", "da ", "das ", "dos ")):
        legal = f"{upper(rest, accents)} {upper(word, accents)} {suffix}".strip()
    else:
        legal = f"{up_name} {suffix}".strip()
    stores = []
    for _ in range(rng.choice((1, 1, 2))):
        r = rng.random()
        if r < 0.18:
            store = f"PAG*{squash(name)}"
        elif r < 0.30:
            store = f"MP*{squash(name)}"
        elif r < 0.38:
            store = f"{rng.choice(('SUMUP *', 'PG *', 'STONE*', 'EC *'))}{upper(name)}"
        elif r < 0.50:
            store = cut(legal, 25)
        else:
            store = upper(name)
        if store not in stores:
            stores.append(store)
    return Counterpart(
        key=key, group="local", name=name, legal=legal, stores=stores, kind=entry.kind,
        label=entry.label, profile=profile, doc=cnpj(rng),
        bank=rng.choice(SHOP_BANKS + BANKS[:6]), agency=f"{rng.randrange(1, 9999):04d}",
        account=f"{rng.randrange(10**4, 10**8)}-{rng.randrange(10)}", accents=accents,
        popularity=1.0 / (1 + rng.random() * 6),
        pix_name=legal if rng.random() < 0.8 else name,
    )


def origin_counterparts(rng: random.Random) -> list[Counterpart]:
    out = []
    for i, (name, kind, label, doc, bank, agency, account) in enumerate(ORIGIN_COUNTERPARTS):
        profile = profile_for(kind, name, label)
        out.append(Counterpart(
            key=f"example:{i}", group="example", name=name,
            legal=name if name.isupper() else upper(name, True),
            stores=[name if rng.random() < 0.5 else upper(name, True)], kind=kind, label=label,
            profile=profile, doc=doc or cnpj(rng), bank=bank or rng.choice(SHOP_BANKS),
            agency=agency or f"{rng.randrange(1, 999)}",
            account=account or f"{rng.randrange(10**4, 10**6)}-{rng.randrange(10)}",
            accents=True, popularity=0.5,
        ))
    return out


def income_counterparts(rng: random.Random, payers: Sequence[DirectoryEntry]) -> tuple[
        list[Counterpart], list[Counterpart]]:
    """Employers (salary) and clients (invoices; platforms such as Deel or Upwork)."""
    def make(name: str, legal: str, group_key: str, role: str, profile: Profile) -> Counterpart:
        return Counterpart(key=f"{group_key}:{name}", group="income", name=name, legal=legal,
                           stores=[], kind="salario" if role == "employer"
                           else "servicos_prestados", label="TRABALHO", profile=profile,
                           doc=cnpj(rng), bank=rng.choice(BANKS[1:6] + BANKS[8:9]),
                           agency=f"{rng.randrange(1, 9999):04d}",
                           account=f"{rng.randrange(10**4, 10**6)}-{rng.randrange(10)}",
                           role=role)
    employers = [make(title_pt(n), n, "employer", "employer", INCOME_SALARY) for n in EMPLOYERS]
    clients = [make(title_pt(n), n, "client", "client", INCOME_CLIENT) for n in CLIENTS]
    for e in payers:
        legal = next((a for a in e.aliases if _LEGAL_SUFFIX.search(a)), upper(e.name))
        clients.append(make(e.name, upper(legal), "client", "client", INCOME_CLIENT))
    return employers, clients


def housing_counterparts(rng: random.Random) -> list[Counterpart]:
    out = []
    for name, legal, kind in HOUSING:
        profile = profile_for(kind, name, "NECESSIDADE")
        out.append(Counterpart(
            key=f"housing:{name}", group="housing", name=name, legal=legal, stores=[],
            kind=kind, label="NECESSIDADE", profile=profile, doc=cnpj(rng),
            bank=rng.choice(BANKS), agency=f"{rng.randrange(1, 9999):04d}",
            account=f"{rng.randrange(10**4, 10**6)}-{rng.randrange(10)}",
            role="rent" if kind == "aluguel" else "condo", accents=rng.random() < 0.5,
        ))
    return out


def person_counterparts(rng: random.Random, count: int) -> list[Counterpart]:
    out, seen = [], set()
    while len(out) < count:
        first = rng.choice(FIRST_NAMES)
        middle = rng.choice((*SURNAMES, "Silva", "Santos", "Costa", "Souza"))
        last = rng.choice(SURNAMES)
        particle = {"Silva": "da ", "Costa": "da ", "Cunha": "da ", "Rocha": "da ",
                    "Santos": "dos "}.get(middle, "")
        name = f"{first} {particle}{middle} {last}"
        if name in seen or middle == last:
            continue
        seen.add(name)
        role, label = PERSON_ROLES[len(out) % len(PERSON_ROLES)]
        shown = upper(name, True) if rng.random() < 0.5 else name
        out.append(Counterpart(
            key=f"person:{name}", group="person", name=name, legal=shown, stores=[],
            kind="pessoa física", label=label, profile=DEFAULT_PROFILES[label],
            doc=masked_cpf(rng), bank=rng.choice(BANKS), agency=f"{rng.randrange(1, 9999):04d}",
            account=f"{rng.randrange(10**4, 10**8)}-{rng.randrange(10)}", role=role,
        ))
    return out


def bank_fee_counterpart(layout: str, rng: random.Random) -> Counterpart:
    name = {"itau": "Itaú Unibanco", "bb": "Banco do Brasil"}.get(layout, "Banco")
    return Counterpart(key=f"bank:{layout}", group="bank", name=name, legal=upper(name),
                       stores=[], kind="tarifa bancária", label="NECESSIDADE",
                       profile=profile_for("tarifa", "", "NECESSIDADE"), doc="",
                       bank=BANKS[1], agency="", account="")


# --------------------------------------------------------------------------------------
# Transactions
# --------------------------------------------------------------------------------------

@dataclass
class Tx:
    date: dt.date
    minute: int
    cp: Counterpart
    channel: str
    amount: float  # signed, the account holder's view
    part: tuple[int, int] | None = None
    store: str = ""
    note: str = ""
    seq: int = 0

    @property
    def label(self) -> str:
        return self.cp.label


def _weighted(rng: random.Random, items: Sequence[tuple[object, float]]):  # type: ignore[no-untyped-def]
    total = sum(w for _, w in items)
    x = rng.random() * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


def _amount(rng: random.Random, profile: Profile) -> float:
    value = math.exp(rng.uniform(math.log(profile.lo), math.log(profile.hi)))
    if profile.round_to and rng.random() < profile.round_to:
        return float(max(10, round(value, -1)))
    return round(value, 2)


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _business_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _months(plan: FilePlan) -> list[dt.date]:
    out, day = [], plan.start.replace(day=1)
    while day <= plan.end:
        out.append(day)
        day = _add_months(day, 1)
    return out


def _random_day(rng: random.Random, plan: FilePlan) -> dt.date:
    return plan.start + dt.timedelta(days=rng.randrange((plan.end - plan.start).days + 1))


def _minute(rng: random.Random, lo: int = 7 * 60, hi: int = 23 * 60) -> int:
    return rng.randrange(lo, hi)


def _channel(rng: random.Random, cp: Counterpart, allowed: frozenset[str]) -> str | None:
    options = []
    for channel, w in cp.profile.channels:
        if channel not in allowed:
            channel = CHANNEL_FALLBACK.get(channel, channel)
        if channel in allowed:
            if channel == "pix_out":  # small shops are paid by Pix far more often than chains
                w *= 1.8 if cp.group in ("local", "example") else 0.4
            options.append((channel, w))
    return _weighted(rng, options) if options else None


@dataclass
class Household:
    plan: FilePlan
    txs: list[Tx] = field(default_factory=list)

    def add(self, tx: Tx) -> None:
        if self.plan.start <= tx.date <= self.plan.end:
            tx.seq = len(self.txs)
            self.txs.append(tx)


def _purchase(h: Household, rng: random.Random, cp: Counterpart, channel: str,
              day: dt.date | None = None) -> None:
    """One spend at ``cp`` (and sometimes its refund, its instalments)."""
    plan = h.plan
    day = day or _random_day(rng, plan)
    amount = _amount(rng, cp.profile)
    store = rng.choice(cp.stores) if cp.stores else ""
    minute = _minute(rng)
    if channel == "credit" and plan.kind == "card" and cp.profile.instalments and \
            amount >= 200 and rng.random() < 0.3:
        # 'Parcela k/n' rows a month apart; parts outside the statement's span are dropped.
        n = rng.choice((2, 2, 3, 3, 4, 5, 6, 10))
        part = round(amount / n, 2)
        first = _add_months(day, -rng.randrange(0, n)) if rng.random() < 0.5 else day
        for k in range(n):
            h.add(Tx(_add_months(first, k), minute, cp, "credit", -part, (k + 1, n), store))
        return
    if plan.kind == "card" and cp.group == "local" and rng.random() < 0.25:
        store = store if store.startswith(("PAG*", "MP*", "SUMUP", "PG *")) \
            else f"PAG*{squash(cp.name)}"
    h.add(Tx(day, minute, cp, channel, -amount, store=store))
    r = rng.random()
    if channel in ("debit", "credit") and r < 0.018:
        back = amount if rng.random() < 0.7 else round(amount * rng.uniform(0.2, 0.8), 2)
        later = day + dt.timedelta(days=rng.randrange(1, 20))
        h.add(Tx(later, _minute(rng, 0, 24 * 60), cp, "refund", back, store=store))
    elif channel == "pix_out" and r < 0.012 and "pix_refund" in FILE_CHANNELS[plan.layout]:
        later = day + dt.timedelta(days=rng.randrange(0, 6))
        h.add(Tx(later, _minute(rng), cp, "pix_refund", amount, store=store))
    elif cp.group in ("local", "example") and r < 0.022 and "pix_in" in FILE_CHANNELS[plan.layout]:
        # A shop sends money back (change, cashback, a cancelled order): still its label.
        h.add(Tx(day + dt.timedelta(days=rng.randrange(0, 10)), _minute(rng), cp, "pix_in",
                 round(rng.uniform(5, min(120, amount + 5)), 2)))


def _pick(rng: random.Random, pool: Sequence[Counterpart]) -> Counterpart:
    weights = [cp.popularity * cp.profile.weight for cp in pool]
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return pool[min(bisect.bisect_right(cumulative, rng.random() * total), len(pool) - 1)]


def _monthly(h: Household, rng: random.Random, cp: Counterpart, channel: str, day_of_month: int,
             lo: float, hi: float, months: Iterable[dt.date] | None = None, vary: float = 0.0,
             note: str = "") -> None:
    allowed = FILE_CHANNELS[h.plan.layout]
    if channel not in allowed:
        channel = CHANNEL_FALLBACK.get(channel, channel)
        if channel not in allowed:
            return
    base = round(rng.uniform(lo, hi), 2) if not cp.price else cp.price
    if channel == "credit":
        base = math.floor(base) + 0.90  # subscriptions cost '39.90'
    for month in months if months is not None else _months(h.plan):
        day = _business_day(month.replace(day=min(day_of_month, 28)))
        amount = base * (1 + rng.uniform(-vary, vary)) * (1.05 if month.year > 2024 else 1)
        sign = 1 if channel in ("salary", "pix_in", "ted_in") else -1
        store = rng.choice(cp.stores) if cp.stores else ""
        h.add(Tx(day, _minute(rng, 6 * 60, 12 * 60), cp, channel, sign * round(amount, 2),
                 store=store, note=note))


@dataclass
class Universe:
    chains: list[Counterpart]
    locals_: list[Counterpart]
    examples: list[Counterpart]
    employers: list[Counterpart]
    clients: list[Counterpart]
    housing: list[Counterpart]
    persons: list[Counterpart]


def build_universe(entries: list[DirectoryEntry], rng: random.Random) -> Universe:
    chains_in = [e for e in entries if e.scope == "chain" and e.kind not in INCOME_KINDS]
    payers = [e for e in entries if e.scope == "chain" and e.kind in INCOME_KINDS]
    generic = [e for e in entries if e.scope == "generic"]
    food = [e for e in chains_in if profile_for(e.kind, e.name, e.label).name in
            ("restaurant", "fast-food")]
    food_names = [upper(e.name) for e in food] or ["RESTAURANTE"]
    chains = [chain_counterpart(e, f"chain:{i}", rng, food_names) for i, e in enumerate(chains_in)]
    for name in STAPLES:
        for cp in find_chains(chains, name)[:1]:
            cp.staple, cp.popularity = True, rng.uniform(2.5, 4.0)
    check = LabelCheck(entries)
    total_locals = sum(p.locals for p in PLANS)
    locals_ = build_locals(generic, total_locals, rng,
                           {"LAZER": 0.42, "NECESSIDADE": 0.38, "TRABALHO": 0.20}, check)
    # A delivery app's card line names the restaurant: 'IFD*PIZZARIA DO ZE'.
    kitchens = [upper(cp.name) for cp in locals_
                if cp.profile.name in ("restaurant", "fast-food", "snack", "sweets")]
    for cp in chains:
        if cp.profile.name == "delivery" and cp.prefixes and kitchens:
            cp.stores += [f"{rng.choice(cp.prefixes)}{rng.choice(kitchens)}" for _ in range(8)]
            cp.stores += [f"{rng.choice(cp.prefixes)}{rng.choice(food_names)}" for _ in range(4)]
    employers, clients = income_counterparts(rng, payers)
    housing = housing_counterparts(rng)
    for cp in (*employers, *clients, *housing):
        if not check.agrees(cp.legal, cp.label):
            raise SystemExit(f"{cp.legal!r} reads as another label in the directory; rename it")
    return Universe(chains, locals_, origin_counterparts(rng), employers, clients, housing,
                    person_counterparts(rng, 28))


def find_chains(chains: Sequence[Counterpart], name: str) -> list[Counterpart]:
    """Chains whose directory name or one of whose aliases is ``name``."""
    key = fold(name)
    exact = [cp for cp in chains if fold(cp.name) == key]
    return exact or [cp for cp in chains if key in cp.keys]


def _sample(rng: random.Random, pool: Sequence[Counterpart], k: int) -> list[Counterpart]:
    """Weighted sample without replacement (popular chains show up in more households)."""
    keyed = sorted(pool, key=lambda cp: -(rng.random() ** (1.0 / max(cp.popularity, 1e-6))))
    return keyed[:k]


def simulate(plan: FilePlan, u: Universe, rng: random.Random, locals_: list[Counterpart],
             extra_examples: list[Counterpart]) -> list[Tx]:
    """One statement's transactions, in date order."""
    h = Household(plan)
    allowed = FILE_CHANNELS[plan.layout]

    def usable(cp: Counterpart) -> bool:
        return any(ch in allowed or CHANNEL_FALLBACK.get(ch) in allowed
                   for ch, _ in cp.profile.channels)

    share = 0.7 if plan.kind == "card" else 0.55
    staples = [cp for cp in u.chains if cp.staple and usable(cp) and rng.random() < share]
    rest = [cp for cp in u.chains if not cp.staple]
    chains = staples + [cp for cp in _sample(rng, rest, plan.chains * 2) if usable(cp)][
        :plan.chains]
    pool = [cp for cp in chains + locals_ + extra_examples if usable(cp)]
    by_profile: dict[str, list[Counterpart]] = {}
    for cp in u.chains:
        by_profile.setdefault(cp.profile.name, []).append(cp)

    if plan.kind == "account":
        _recurring_account(h, rng, u, by_profile)
    else:
        _recurring_card(h, rng, by_profile)

    # Every counterpart of the household's pool at least once, then the habits.
    for cp in pool:
        channel = _channel(rng, cp, allowed)
        if channel:
            _purchase(h, rng, cp, channel)
    label_mix = {"LAZER": 0.44, "NECESSIDADE": 0.36, "TRABALHO": 0.20} if plan.kind == "card" \
        else {"LAZER": 0.38, "NECESSIDADE": 0.42, "TRABALHO": 0.20}
    by_label = {lab: [cp for cp in pool if cp.label == lab] for lab in LABELS}
    persons = [cp for cp in u.persons if cp.role in ("friend", "payer", "cleaner")]
    persons = rng.sample(persons, 4) if plan.kind == "account" else []
    while len(h.txs) < plan.rows:
        if persons and rng.random() < 0.012:
            _person_pix(h, rng, rng.choice(persons))
            continue
        label = _weighted(rng, [(lab, w) for lab, w in label_mix.items() if by_label[lab]])
        group = by_label[label]
        local = [cp for cp in group if cp.group != "chain"]
        chain = [cp for cp in group if cp.group == "chain"]
        options = local if local and (not chain or rng.random() < 0.45) else chain
        cp = _pick(rng, options)
        channel = _channel(rng, cp, allowed)
        if channel:
            _purchase(h, rng, cp, channel)
    if plan.kind == "account":
        _size_salary(h.txs, rng)
    return sorted(h.txs, key=lambda t: (t.date, t.minute, t.seq))


def _size_salary(txs: list[Tx], rng: random.Random) -> None:
    """Scale the salary so income roughly pays the household's spending (2,500-15,000)."""
    salary = [t for t in txs if t.channel == "salary"]
    if not salary:
        return
    spent = -sum(t.amount for t in txs if t.amount < 0)
    other = sum(t.amount for t in txs if t.amount > 0 and t.channel != "salary")
    paid = sum(t.amount for t in salary)
    factor = max(spent * rng.uniform(0.97, 1.03) - other, paid * 0.5) / paid
    monthly = Counter()
    for t in salary:
        monthly[(t.date.year, t.date.month)] += t.amount
    top, low = max(monthly.values()), min(monthly.values())
    factor = min(max(factor, 2500 / low), 15000 / top)
    for t in salary:
        t.amount = round(t.amount * factor, 2)


def _person_pix(h: Household, rng: random.Random, cp: Counterpart) -> None:
    day = _random_day(rng, h.plan)
    if cp.role == "friend":
        amount = round(rng.uniform(12, 140), 2)
        sign = rng.choice((-1, 1))
    elif cp.role == "payer":  # pays for a freelance job
        amount, sign = float(rng.randrange(300, 2500, 50)), 1
    else:  # cleaner
        amount, sign = float(rng.choice((150, 160, 180, 200, 220))), -1
    h.add(Tx(day, _minute(rng), cp, "pix_out" if sign < 0 else "pix_in", sign * amount))


def _recurring_account(h: Household, rng: random.Random, u: Universe,
                       by_profile: dict[str, list[Counterpart]]) -> None:
    plan = h.plan
    i = [p.layout for p in PLANS].index(plan.layout)
    months = _months(plan)
    employer = u.employers[i % len(u.employers)]
    salary = rng.randrange(3200, 12000, 50)
    # Salary on the 5th business day; an advance on the 20th in some households.
    advance = rng.random() < 0.4
    for month in months:
        day = month
        for _ in range(5):
            day = _business_day(day + dt.timedelta(days=1))
        raise_ = 1.06 if month.year > 2024 else 1.0
        first = salary * (0.6 if advance else 1.0) * raise_
        h.add(Tx(day, _minute(rng, 0, 9 * 60), employer, "salary", round(first, 2)))
        if advance:
            h.add(Tx(_business_day(month.replace(day=20)), _minute(rng, 0, 9 * 60), employer,
                     "salary", round(salary * 0.4 * raise_, 2), note="adiantamento"))
        if month.month == 12:
            h.add(Tx(_business_day(month.replace(day=18)), _minute(rng, 0, 9 * 60), employer,
                     "salary", round(salary * 0.5 * raise_, 2), note="13"))
    # Freelance clients paying invoices.
    for cp in rng.sample(u.clients, rng.randrange(1, 4)):
        for month in months:
            if rng.random() < 0.25:
                channel = _weighted(rng, cp.profile.channels)
                day = month + dt.timedelta(days=rng.randrange(28))
                h.add(Tx(day, _minute(rng), cp, channel,
                         float(rng.randrange(600, 7000, 50)), note=f"{rng.randrange(1, 999)}"))
    # Rent and condominium.
    rents = [cp for cp in u.housing if cp.role == "rent"] + \
        [cp for cp in u.chains if cp.kind == "aluguel"]
    condos = [cp for cp in u.housing if cp.role == "condo"] + \
        [cp for cp in u.chains if cp.kind == "condominio"]
    rent = rents[i % len(rents)]
    rent.price = float(rng.randrange(1100, 3400, 50))
    rent_channel = rng.choice(("boleto", "pix_out", "boleto"))
    landlord = None
    if plan.layout == "nubank-conta":
        landlord = next(cp for cp in u.persons if cp.role == "landlord")
    if plan.layout == "c6":
        landlord = [cp for cp in u.persons if cp.role == "landlord"][1]
    if landlord is not None:  # moved house: the rent goes to a person after a while
        moved = len(months) * 2 // 3 if plan.layout == "nubank-conta" else len(months) // 2
        _monthly(h, rng, rent, rent_channel, 8, 0, 0, months[:moved])
        landlord.price = float(rng.randrange(1300, 2600, 50))
        _monthly(h, rng, landlord, "pix_out", 5, 0, 0, months[moved:],
                 note="aluguel" if plan.layout == "c6" else "")
    else:
        _monthly(h, rng, rent, rent_channel, 8, 0, 0)
    if rng.random() < 0.7:
        condo = condos[i % len(condos)]
        condo.price = float(rng.randrange(380, 1200, 10))
        _monthly(h, rng, condo, "boleto", 10, 0, 0, vary=0.05)
    # Utilities, one of each kind the directory knows.
    for profile_name, day, channel, vary in (("energy", 15, "auto_debit", 0.3),
                                             ("water", 20, "auto_debit", 0.25),
                                             ("telecom", 12, "auto_debit", 0.02),
                                             ("health-plan", 5, "boleto", 0.0),
                                             ("school", 10, "boleto", 0.0),
                                             ("insurance", 18, "auto_debit", 0.0),
                                             ("accountant", 10, "pix_out", 0.0),
                                             ("work-tax", 20, "boleto", 0.0),
                                             ("coworking", 5, "boleto", 0.0)):
        candidates = by_profile.get(profile_name, [])
        regional = [cp for name in REGIONAL_UTILITIES.get(plan.city, ())
                    for cp in find_chains(candidates, name)]
        candidates = regional or [cp for cp in candidates if cp.staple] or candidates
        optional = profile_name in ("health-plan", "school", "insurance", "accountant",
                                    "work-tax", "coworking")
        if not candidates or (optional and rng.random() < 0.55):
            continue
        cp = rng.choice(candidates)
        p = cp.profile
        cp_channel = channel if rng.random() < 0.7 else rng.choice(("boleto", "pix_out"))
        _monthly(h, rng, cp, cp_channel, day, p.lo * 1.5, p.hi * 0.6, vary=vary)
    if "fee" in FILE_CHANNELS[plan.layout]:
        fee = bank_fee_counterpart(plan.layout, rng)
        _monthly(h, rng, fee, "fee", 1, 19.9, 49.9)


def _recurring_card(h: Household, rng: random.Random,
                    by_profile: dict[str, list[Counterpart]]) -> None:
    for profile_name, count in (("streaming", 4), ("software", 2), ("gym", 1), ("telecom", 1)):
        candidates = by_profile.get(profile_name, [])
        for cp in rng.sample(candidates, min(count, len(candidates))):
            p = cp.profile
            start = rng.randrange(0, 8)
            months = _months(h.plan)
            months = months[start:start + rng.randrange(10, len(months) + 1)]
            _monthly(h, rng, cp, "credit", rng.randrange(1, 28), p.lo, min(p.hi, p.lo * 4),
                     months)


# --------------------------------------------------------------------------------------
# How each bank writes a transaction
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Writing the files
# --------------------------------------------------------------------------------------

def _encodable(text: str, encoding: str) -> str:
    if encoding.startswith("utf"):
        return text
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
            out.append(ch)
        except UnicodeEncodeError:
            out.append(strip_accents(ch).encode(encoding, "replace").decode(encoding))
    return "".join(out)


def _unique(rng: random.Random, seen: set[str], make) -> str:  # type: ignore[no-untyped-def]
    while True:
        value = make(rng)
        if value not in seen:
            seen.add(value)
            return value


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


@dataclass
class Written:
    layout: str
    rows: list[list[str]]  # data rows as written (labels last), balance rows excluded
    expected: list[tuple[str, float, str]]  # (description, signed amount, label)
    balance_rows: int = 0
    counterparts: Counter = field(default_factory=Counter)  # key -> rows
    groups: dict[str, str] = field(default_factory=dict)  # key -> group


def render(plan: FilePlan, layout: Layout, txs: list[Tx], rng: random.Random,
           head_rows: Sequence[tuple[dt.date, list[str], str, float, str]] = ()) -> tuple[
               list[str], list[list[str]], Written]:
    """Rows (with the label column) and preamble lines for one file."""
    written = Written(plan.layout, [], [])
    out: list[list[str]] = []
    ids: set[str] = {cells[2] for _, cells, *_rest in head_rows}
    # An opening balance that keeps the account above zero most of the time.
    running, lowest = 0.0, 0.0
    for tx in txs:
        running += tx.amount
        lowest = min(lowest, running)
    opening = round(-lowest + rng.uniform(300, 2500), 2)
    balance = opening
    day_end: dict[dt.date, float] = {}
    for tx in txs:
        balance = round(balance + tx.amount, 2)
        day_end[tx.date] = balance
    balance = opening
    merged: list[tuple[dt.date, int, object]] = [(t.date, i, t) for i, t in enumerate(txs)]
    for j, (day, cells, *_rest) in enumerate(head_rows):
        merged.append((day, -len(head_rows) + j, cells))
    merged.sort(key=lambda m: (m[0], m[1]))
    for _, _, item in merged:
        if not isinstance(item, Tx):  # a verbatim origin row (data,valor,codigo,descricao,label)
            cells = list(item)  # type: ignore[call-overload]
            ids.add(cells[2])
            out.append(cells)
            written.expected.append((cells[3], float(cells[1]), cells[4]))
            written.counterparts[_origin_key(cells[3])] += 1
            written.groups[_origin_key(cells[3])] = "example"
            continue
        tx = item
        balance = round(balance + tx.amount, 2)
        desc_parts: list[str]
        name = plan.layout
        d = tx.date.strftime("%d/%m/%Y")
        if name == "origin-codigo":
            desc = origin_description(tx, rng)
            code = _unique(rng, ids, lambda r: "".join(
                r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)))
            row = [d, code, money_dot(tx.amount), desc]
            desc_parts = [desc]
        elif name == "origin-descricao":
            desc = origin_description(tx, rng)
            code = _unique(rng, ids, lambda r: f"{r.getrandbits(32):08x}")
            row = [d, money_dot(tx.amount), code, desc]
            desc_parts = [desc]
        elif name == "nubank-conta":
            desc = nubank_conta_description(tx, rng)
            row = [d, money_dot(tx.amount), _unique(rng, ids, _uuid), desc]
            desc_parts = [desc]
        elif name == "nubank-cartao":
            title = nubank_cartao_title(tx, rng)
            row = [tx.date.isoformat(), title, money_dot(-tx.amount)]
            desc_parts = [title]
        elif name == "inter":
            hist, desc = inter_columns(tx, rng, plan.city)
            row = [d, hist, desc, money_br(tx.amount), money_br(balance)]
            desc_parts = [hist, desc]
        elif name == "itau":
            desc = itau_description(tx, rng)
            row = [d, desc, money_br(tx.amount, thousands=False)]
            desc_parts = [desc]
        elif name == "c6":
            title, desc = c6_columns(tx, rng, plan.city)
            accounted = _business_day(tx.date).strftime("%d/%m/%Y")
            credit = money_br(tx.amount) if tx.amount > 0 else ""
            debit = money_br(-tx.amount) if tx.amount < 0 else ""
            row = [d, accounted, title, desc, credit, debit, money_br(day_end[tx.date])]
            desc_parts = [title, desc]
        elif name == "bb":
            what, detail = bb_columns(tx, rng)
            doc = _unique(rng, ids, lambda r: f"{r.randrange(10**5, 10**6)}" if r.random() < 0.6
                          else f"{r.randrange(10**11, 10**12)}")
            row = [d, what, detail, doc, money_br(abs(tx.amount)),
                   "Entrada" if tx.amount > 0 else "Saída"]
            desc_parts = [what, detail]
        else:
            raise ValueError(name)
        row = [_encodable(c, layout.encoding) for c in row] + [tx.label]
        desc_parts = [_encodable(p, layout.encoding).strip() for p in desc_parts]
        out.append(row)
        written.expected.append((" - ".join(p for p in desc_parts if p), tx.amount, tx.label))
        written.counterparts[tx.cp.key] += 1
        written.groups[tx.cp.key] = tx.cp.group
    written.rows = out
    preamble_values = {
        "conta": f"{rng.randrange(10**6, 10**8)}-{rng.randrange(10)}",
        "inicio": plan.start.strftime("%d/%m/%Y"), "fim": plan.end.strftime("%d/%m/%Y"),
        "saldo": money_br(balance), "hoje": (plan.end + dt.timedelta(days=1)).strftime(
            "%d/%m/%Y") + " às 09:12",
    }
    preamble = [line.format(**preamble_values) for line in layout.preamble]
    if plan.layout == "bb":  # balance rows the reader skips
        first = ["", "Saldo Anterior", "", "", money_br(opening), "", ""]
        first[0] = plan.start.strftime("%d/%m/%Y")
        last = [plan.end.strftime("%d/%m/%Y"), "S A L D O", "", "", money_br(balance), "", ""]
        out.insert(0, first)
        out.append(last)
        written.balance_rows = 2
    return preamble, out, written


def _origin_key(description: str) -> str:
    for i, (name, *_rest) in enumerate(ORIGIN_COUNTERPARTS):
        if f"- {name} -" in description + " -":
            return f"example:{i}"
    return "example:?"


def write_csv(path: Path, layout: Layout, label_column: str, preamble: list[str],
              rows: list[list[str]], newline: str) -> None:
    buf = io.StringIO()
    for line in preamble:
        buf.write(line + newline)
    quoting = csv.QUOTE_ALL if layout.name == "bb" else csv.QUOTE_MINIMAL
    writer = csv.writer(buf, delimiter=layout.delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow([*layout.columns, label_column])
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encodable(buf.getvalue(), layout.encoding).encode(layout.encoding))


def read_back(paths: Sequence[Path]) -> list[tuple[str, str, float | None, str]]:
    """(file, description, amount, label) of every labeled row, as txcat's reader sees it."""
    out = []
    for path in paths:
        with open_statement(path) as statement:
            column = find_label_column(statement.columns)
            if column is None:
                raise SystemExit(f"{path}: no label column found by txcat")
            for tx in statement:
                label = normalise_label(tx.raw.get(column, ""))
                if label:
                    out.append((path.stem, tx.description, tx.amount, label))
            stats = statement.stats
            problems = {k: getattr(stats, k) for k in ("bad_amounts", "bad_dates",
                        "empty_descriptions", "uneven_rows", "repeated_ids") if getattr(stats, k)}
            if problems:
                print(f"warning: txcat's reader reported {problems} in {path}", file=sys.stderr)
    return out


def write_training(path: Path, rows: Sequence[tuple[str, str, float | None, str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["description", "amount", "label"])
    for _, description, amount, label in rows:
        writer.writerow([description, "" if amount is None else repr(amount), label])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh, gzip.GzipFile(filename="training.csv", mode="wb", fileobj=fh,
                                              compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def generate(out_dir: Path, merchants: Path, quiet: bool = False) -> dict[str, object]:
    entries = read_directory(merchants)
    rng = random.Random(SEED)
    u = build_universe(entries, rng)
    layouts = {layout.name: layout for layout in BUILTIN_LAYOUTS}
    # Neighbourhood businesses are split between households; the origin example's
    # counterparts live near the origin files' and a few other households.
    offsets, start = {}, 0
    for plan in PLANS:
        offsets[plan.layout] = (start, start + plan.locals)
        start += plan.locals
    example_homes = {"origin-codigo": u.examples, "origin-descricao": u.examples,
                     "nubank-conta": u.examples[:3] + u.examples[6:8],
                     "inter": u.examples[3:6], "c6": u.examples[8:]}
    written_all: list[Written] = []
    paths = []
    for n, plan in enumerate(PLANS):
        layout = layouts[plan.layout]
        file_rng = random.Random(SEED * 100 + n)
        a, b = offsets[plan.layout]
        txs = simulate(plan, u, file_rng, u.locals_[a:b], example_homes.get(plan.layout, []))
        head = []
        if plan.layout == "origin-descricao":
            head = [(dt.datetime.strptime(r[0], "%d/%m/%Y").date(), list(r), r[3], float(r[1]),
                     r[4]) for r in ORIGIN_ROWS]
        preamble, rows, written = render(plan, layout, txs, file_rng, head)
        path = out_dir / LABELED_DIR / f"{plan.layout}.csv"
        write_csv(path, layout, plan.label_column, preamble, rows, plan.newline)
        written_all.append(written)
        paths.append(path)
    seen = read_back(paths)
    _check(seen, written_all)
    write_training(out_dir / TRAINING_PATH, seen)
    return summarise(written_all, quiet)


def _check(seen: list[tuple[str, str, float | None, str]], written: list[Written]) -> None:
    """Compare what txcat read with what was written; report (never hide) differences."""
    expected = [(w.layout, *e) for w in written for e in w.expected]
    if len(seen) != len(expected):
        print(f"warning: wrote {len(expected)} labeled rows, txcat read {len(seen)}",
              file=sys.stderr)
    shown = 0
    for got, want in zip(seen, expected, strict=False):
        same_amount = got[2] is not None and abs(got[2] - want[2]) < 0.005
        if got[0] != want[0] or got[1] != want[1] or not same_amount or got[3] != want[3]:
            shown += 1
            if shown <= 5:
                print(f"warning: {want[0]}: wrote {want[1:]!r}, txcat read {got[1:]!r}",
                      file=sys.stderr)
    if shown:
        print(f"warning: {shown} rows read back differently", file=sys.stderr)


def summarise(written: list[Written], quiet: bool) -> dict[str, object]:
    rows = {w.layout: len(w.expected) for w in written}
    counterparts: Counter = Counter()
    groups: dict[str, str] = {}
    labels: Counter = Counter()
    for w in written:
        counterparts.update(w.counterparts)
        groups.update(w.groups)
        labels.update(e[2] for e in w.expected)
    by_group = Counter(groups[k] for k in counterparts)
    person_rows = sum(n for k, n in counterparts.items() if groups[k] == "person")
    total = sum(rows.values())
    summary = {
        "rows": rows, "total_rows": total, "counterparts": len(counterparts),
        "counterparts_by_group": dict(sorted(by_group.items())),
        "labels": dict(sorted(labels.items())),
        "person_rows": person_rows,
    }
    if not quiet:
        for layout, n in rows.items():
            print(f"{layout:18} {n:5d} rows")
        print(f"{'total':18} {total:5d} rows, {len(counterparts)} distinct counterparts "
              f"{dict(sorted(by_group.items()))}")
        print("labels: " + ", ".join(f"{k} {v} ({v / total:.1%})"
                                     for k, v in sorted(labels.items())))
        print(f"local (generic-kind) counterparts: "
              f"{(by_group['local'] + by_group['example']) / len(counterparts):.1%}; "
              f"rows with a bare person's name: {person_rows} ({person_rows / total:.1%})")
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT,
                        help="root to write samples/labeled/ and txcat/data/training.csv.gz "
                             "under (default: this repository)")
    parser.add_argument("--merchants", type=Path, default=MERCHANTS_PATH,
                        help="the merchant directory to draw counterparts from")
    parser.add_argument("-q", "--quiet", action="store_true", help="print no summary")
    args = parser.parse_args(argv)
    generate(args.out_dir, args.merchants, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
