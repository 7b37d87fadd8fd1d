"""Every counterpart of a run, built in one fixed order, and the staples among them.

The order of the random draws here decides every name in the corpus, so building
the whole cast (chains, locals, examples, payers, housing, people) lives in one
function; households then draw their pools from it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from txcat.text import fold

from .counterparts import (
    Counterpart,
    build_locals,
    chain_counterpart,
    housing_counterparts,
    income_counterparts,
    origin_counterparts,
    person_counterparts,
)
from .directory import DirectoryEntry, LabelCheck
from .formats import upper
from .plans import PLANS
from .profiles import INCOME_KINDS, profile_for

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
