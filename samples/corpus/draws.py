"""The random draws the builders share: a weighted choice, an amount, a day, a time.

Each consumes the generator's random numbers in a fixed way; keeping them in one
place keeps that consumption the same wherever they are used.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

from .plans import FilePlan
from .profiles import Profile


def weighted(rng: random.Random, items: Sequence[tuple[object, float]]):  # type: ignore[no-untyped-def]
    total = sum(w for _, w in items)
    x = rng.random() * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


def draw_amount(rng: random.Random, profile: Profile) -> float:
    value = math.exp(rng.uniform(math.log(profile.lo), math.log(profile.hi)))
    if profile.round_to and rng.random() < profile.round_to:
        return float(max(10, round(value, -1)))
    return round(value, 2)


def draw_day(rng: random.Random, plan: FilePlan) -> dt.date:
    return plan.start + dt.timedelta(days=rng.randrange((plan.end - plan.start).days + 1))


def draw_minute(rng: random.Random, lo: int = 7 * 60, hi: int = 23 * 60) -> int:
    return rng.randrange(lo, hi)
