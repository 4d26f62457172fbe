"""Calendar months: the one place that knows where a month starts and ends."""
from __future__ import annotations

import calendar
from datetime import date


def month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def last_day(d: date) -> date:
    """The month's last day."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    """The first day of the month n months after d's (n may be negative)."""
    k = d.year * 12 + d.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)
