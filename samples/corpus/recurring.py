"""What comes back every month: salary, invoices, rent, utilities, subscriptions.

Account households get income, housing, their city's utilities and bank fees;
card households get subscriptions. Kept apart from everyday purchases because
these follow the calendar, not the household's habits.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable

from .counterparts import Counterpart, bank_fee_counterpart
from .dates import business_day, months_of
from .draws import draw_minute, weighted
from .plans import CHANNEL_FALLBACK, FILE_CHANNELS, PLANS
from .transactions import Household, Tx
from .universe import Universe, find_chains

#: The utilities of each household's city, by directory name or alias.
REGIONAL_UTILITIES = {
    "SAO PAULO": ("Enel SP", "Sabesp", "Comgás"),
    "BELO HORIZONTE": ("Cemig", "Copasa", "Gasmig"),
    "RIO DE JANEIRO": ("Light Energia", "Cedae", "Naturgy"),
    "CURITIBA": ("Copel", "Sanepar", "Compagas"),
    "SALVADOR": ("Coelba", "Embasa", "Bahiagás"),
}


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
    for month in months if months is not None else months_of(h.plan):
        day = business_day(month.replace(day=min(day_of_month, 28)))
        amount = base * (1 + rng.uniform(-vary, vary)) * (1.05 if month.year > 2024 else 1)
        sign = 1 if channel in ("salary", "pix_in", "ted_in") else -1
        store = rng.choice(cp.stores) if cp.stores else ""
        h.add(Tx(day, draw_minute(rng, 6 * 60, 12 * 60), cp, channel, sign * round(amount, 2),
                 store=store, note=note))


def recurring_account(h: Household, rng: random.Random, u: Universe,
                       by_profile: dict[str, list[Counterpart]]) -> None:
    plan = h.plan
    i = [p.layout for p in PLANS].index(plan.layout)
    months = months_of(plan)
    employer = u.employers[i % len(u.employers)]
    salary = rng.randrange(3200, 12000, 50)
    # Salary on the 5th business day; an advance on the 20th in some households.
    advance = rng.random() < 0.4
    for month in months:
        day = month
        for _ in range(5):
            day = business_day(day + dt.timedelta(days=1))
        raise_ = 1.06 if month.year > 2024 else 1.0
        first = salary * (0.6 if advance else 1.0) * raise_
        h.add(Tx(day, draw_minute(rng, 0, 9 * 60), employer, "salary", round(first, 2)))
        if advance:
            h.add(Tx(business_day(month.replace(day=20)), draw_minute(rng, 0, 9 * 60), employer,
                     "salary", round(salary * 0.4 * raise_, 2), note="adiantamento"))
        if month.month == 12:
            h.add(Tx(business_day(month.replace(day=18)), draw_minute(rng, 0, 9 * 60), employer,
                     "salary", round(salary * 0.5 * raise_, 2), note="13"))
    # Freelance clients paying invoices.
    for cp in rng.sample(u.clients, rng.randrange(1, 4)):
        for month in months:
            if rng.random() < 0.25:
                channel = weighted(rng, cp.profile.channels)
                day = month + dt.timedelta(days=rng.randrange(28))
                h.add(Tx(day, draw_minute(rng), cp, channel,
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


def recurring_card(h: Household, rng: random.Random,
                    by_profile: dict[str, list[Counterpart]]) -> None:
    for profile_name, count in (("streaming", 4), ("software", 2), ("gym", 1), ("telecom", 1)):
        candidates = by_profile.get(profile_name, [])
        for cp in rng.sample(candidates, min(count, len(candidates))):
            p = cp.profile
            start = rng.randrange(0, 8)
            months = months_of(h.plan)
            months = months[start:start + rng.randrange(10, len(months) + 1)]
            _monthly(h, rng, cp, "credit", rng.randrange(1, 28), p.lo, min(p.hi, p.lo * 4),
                     months)
