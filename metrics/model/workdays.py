"""Working days: Monday to Friday, less the public holidays and the compensating days off the
government announces each year, plus the Saturdays worked in exchange (the profile's
[calendar]). The one definition of "working days between two dates"; counters and lists that
count working days (the due-soon list, its risk, the demo's due dates) all use it.
"""
from __future__ import annotations

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
        left from `start` to a due date `end`, weekends and holidays in between not counted.
        (SQL counts the same days from calendar_sql's table.)"""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


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
    # a year is covered when its list is declared complete (`years`), not because one local
    # holiday falls in it: that hid the warning for a year without Tết
    years = {int(y) for y in (base or {}).get("years", [])} if raw.get("national", True) else set()
    years |= {int(y) for y in raw.get("years", [])}
    return Calendar(frozenset(hol), frozenset(sat), frozenset(years))


def calendar_sql(con, cal: Calendar, start: date, end: date, name: str = "workcal") -> None:
    """A temporary table `name`(d DATE, working BOOLEAN, n BIGINT): n counts the working days
    from `start` up to and including d, so that working days in (a, b] = n(b) - n(a). Built
    in SQL (is_working's rule over a series of days): a row per day from Python took seconds
    for a few years of data."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT d, working, sum(CAST(working AS BIGINT)) OVER (ORDER BY d) AS n
        FROM (
            SELECT CAST(g AS DATE) AS d,
                   list_contains($sat, CAST(g AS DATE))
                   OR (isodow(g) <= 5 AND NOT list_contains($hol, CAST(g AS DATE))) AS working
            FROM generate_series(CAST($a AS TIMESTAMP), CAST($b AS TIMESTAMP), INTERVAL 1 DAY) t(g)
        )""", {"a": start, "b": end, "hol": sorted(cal.holidays), "sat": sorted(cal.working_saturdays)})
