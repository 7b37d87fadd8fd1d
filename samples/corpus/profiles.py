"""How much and how people pay, by the counterpart's kind.

A ``Profile`` is an amount range and a mix of payment channels; the directory's
kinds (and a few shop names) map to one. Kept apart from the name lists because
these numbers, not the words, decide the amounts and channels of every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from txcat.text import fold

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
