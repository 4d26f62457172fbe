"""Working days: Monday to Friday, less the public holidays and the compensating days off the
government announces each year, plus the Saturdays worked in exchange (the profile's
[calendar]). The one definition of "working days between two dates"; counters and lists that
count working days (the due-soon list, its risk, the demo's due dates) all use it.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()
    working_saturdays: frozenset[date] = frozenset()     # days worked in exchange for a bridge day
    years: frozenset[int] = frozenset()                  # the years whose holidays are configured

    def is_working(self, d: date) -> bool:
        if d in self.working_saturdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def covers(self, year: int) -> bool:
        return year in self.years

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (negative when end is before start): the days
        left from `start` to a due date `end`, weekends and holidays in between not counted."""
        if end < start:
            return -self.working_days_between(end, start)
        idx = _Index.of(self, start, end)
        return idx.count(end) - idx.count(start)

    def add(self, d: date, n: int) -> date:
        """The n-th working day after d (n > 0), or before it (n < 0); d itself when n == 0."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        while left:
            d += timedelta(days=step)
            if self.is_working(d):
                left -= 1
        return d

    def days(self, start: date, end: date) -> list[tuple[date, bool, int]]:
        """(day, working, working days from start up to and including it) for start..end: the
        rows of the calendar table SQL joins to (calendar_sql)."""
        out, n, d = [], 0, start
        while d <= end:
            w = self.is_working(d)
            n += w
            out.append((d, w, n))
            d += timedelta(days=1)
        return out


class _Index:
    """Cumulative working-day counts over a span of days, kept per calendar (a year of
    lookups costs one pass)."""
    _cache: dict = {}

    def __init__(self, cal: Calendar, start: date, end: date):
        self.start = start
        self.end = end
        self.working = [d for d, w, _ in cal.days(start, end) if w]

    def count(self, d: date) -> int:
        return bisect_right(self.working, d)

    @classmethod
    def of(cls, cal: Calendar, a: date, b: date) -> "_Index":
        span = (date(a.year - 1, 1, 1), date(b.year + 1, 12, 31))
        key = (id(cal), span[0].year, span[1].year)
        idx = cls._cache.get(key)
        if idx is None or idx.start > a or idx.end < b:
            idx = cls(cal, *span)
            if len(cls._cache) > 64:
                cls._cache.clear()
            cls._cache[key] = idx
        return idx


def load_calendar(raw: dict | None, base: dict | None = None) -> Calendar:
    """The profile's [calendar]: holidays and working_saturdays as ISO dates, added to the
    national list (calendars/holidays_vn.toml) unless national = false."""
    raw = raw or {}
    hol: set[date] = set()
    sat: set[date] = set()
    if raw.get("national", True) and base:
        hol |= {date.fromisoformat(str(x)) for x in base.get("holidays", [])}
        sat |= {date.fromisoformat(str(x)) for x in base.get("working_saturdays", [])}
    hol |= {date.fromisoformat(str(x)) for x in raw.get("holidays", [])}
    sat |= {date.fromisoformat(str(x)) for x in raw.get("working_saturdays", [])}
    years = {int(y) for y in (base or {}).get("years", [])} if raw.get("national", True) else set()
    years |= {int(y) for y in raw.get("years", [])} | {d.year for d in hol if raw.get("holidays")}
    return Calendar(frozenset(hol), frozenset(sat), frozenset(years))


def calendar_sql(con, cal: Calendar, start: date, end: date, name: str = "workcal") -> None:
    """A temporary table `name`(d DATE, working BOOLEAN, n BIGINT): n counts the working days
    from `start` up to and including d, so that working days in (a, b] = n(b) - n(a)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (d DATE PRIMARY KEY, working BOOLEAN, n BIGINT)")
    rows = cal.days(start, end)
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?)", rows)
