"""One household's month-by-month spending, as transactions in date order.

Picks the household's pool of chains and local shops, adds its recurring income
and bills (``recurring``), then draws purchases (with refunds and instalments)
until the file has its rows, and sizes the salary to the spending.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence

from .counterparts import Counterpart
from .dates import add_months
from .draws import draw_amount, draw_day, draw_minute, weighted
from .formats import squash
from .plans import CHANNEL_FALLBACK, FILE_CHANNELS, LABELS, FilePlan
from .recurring import recurring_account, recurring_card
from .transactions import Household, Tx
from .universe import Universe


def _channel(rng: random.Random, cp: Counterpart, allowed: frozenset[str]) -> str | None:
    options = []
    for channel, w in cp.profile.channels:
        if channel not in allowed:
            channel = CHANNEL_FALLBACK.get(channel, channel)
        if channel in allowed:
            if channel == "pix_out":  # small shops are paid by Pix far more often than chains
                w *= 1.8 if cp.group in ("local", "example") else 0.4
            options.append((channel, w))
    return weighted(rng, options) if options else None


def _purchase(h: Household, rng: random.Random, cp: Counterpart, channel: str,
              day: dt.date | None = None) -> None:
    """One spend at ``cp`` (and sometimes its refund, its instalments)."""
    plan = h.plan
    day = day or draw_day(rng, plan)
    amount = draw_amount(rng, cp.profile)
    store = rng.choice(cp.stores) if cp.stores else ""
    minute = draw_minute(rng)
    if channel == "credit" and plan.kind == "card" and cp.profile.instalments and \
            amount >= 200 and rng.random() < 0.3:
        # 'Parcela k/n' rows a month apart; parts outside the statement's span are dropped.
        n = rng.choice((2, 2, 3, 3, 4, 5, 6, 10))
        part = round(amount / n, 2)
        first = add_months(day, -rng.randrange(0, n)) if rng.random() < 0.5 else day
        for k in range(n):
            h.add(Tx(add_months(first, k), minute, cp, "credit", -part, (k + 1, n), store))
        return
    if plan.kind == "card" and cp.group == "local" and rng.random() < 0.25:
        store = store if store.startswith(("PAG*", "MP*", "SUMUP", "PG *")) \
            else f"PAG*{squash(cp.name)}"
    h.add(Tx(day, minute, cp, channel, -amount, store=store))
    r = rng.random()
    if channel in ("debit", "credit") and r < 0.018:
        back = amount if rng.random() < 0.7 else round(amount * rng.uniform(0.2, 0.8), 2)
        later = day + dt.timedelta(days=rng.randrange(1, 20))
        h.add(Tx(later, draw_minute(rng, 0, 24 * 60), cp, "refund", back, store=store))
    elif channel == "pix_out" and r < 0.012 and "pix_refund" in FILE_CHANNELS[plan.layout]:
        later = day + dt.timedelta(days=rng.randrange(0, 6))
        h.add(Tx(later, draw_minute(rng), cp, "pix_refund", amount, store=store))
    elif cp.group in ("local", "example") and r < 0.022 and "pix_in" in FILE_CHANNELS[plan.layout]:
        # A shop sends money back (change, cashback, a cancelled order): still its label.
        h.add(Tx(day + dt.timedelta(days=rng.randrange(0, 10)), draw_minute(rng), cp, "pix_in",
                 round(rng.uniform(5, min(120, amount + 5)), 2)))


def _pick(rng: random.Random, pool: Sequence[Counterpart]) -> Counterpart:
    weights = [cp.popularity * cp.profile.weight for cp in pool]
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return pool[min(bisect.bisect_right(cumulative, rng.random() * total), len(pool) - 1)]


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
        recurring_account(h, rng, u, by_profile)
    else:
        recurring_card(h, rng, by_profile)

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
        label = weighted(rng, [(lab, w) for lab, w in label_mix.items() if by_label[lab]])
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
    day = draw_day(rng, h.plan)
    if cp.role == "friend":
        amount = round(rng.uniform(12, 140), 2)
        sign = rng.choice((-1, 1))
    elif cp.role == "payer":  # pays for a freelance job
        amount, sign = float(rng.randrange(300, 2500, 50)), 1
    else:  # cleaner
        amount, sign = float(rng.choice((150, 160, 180, 200, 220))), -1
    h.add(Tx(day, draw_minute(rng), cp, "pix_out" if sign < 0 else "pix_in", sign * amount))
