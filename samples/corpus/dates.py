"""Calendar arithmetic: months of a statement's span, month steps, business days.

Instalments, salaries and monthly bills all land on dates computed here.
"""

from __future__ import annotations

import calendar
import datetime as dt

from .plans import FilePlan


def add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def business_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def months_of(plan: FilePlan) -> list[dt.date]:
    out, day = [], plan.start.replace(day=1)
    while day <= plan.end:
        out.append(day)
        day = add_months(day, 1)
    return out
