"""Reading the store: counters and KPIs over any set of units and months, built from the
registry in kpis.py. All SQL takes its values as bound parameters.

Periods are first days of months (datetime.date). KPI values are fractions (0.975), never
percent; formatting is the caller's business.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .model.counters import COMMUNE_LEVELS_SQL
from .errors import InputError
from .model.kpis import COUNTER_NAMES, KPIS, aggregate, open_in, status_case, statuses
from .model.period import add_months, last_day, month_start  # noqa: F401  (add_months: callers use queries.add_months)
from .model.profile import Profile, load_profile

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported where a frame is built, not here: the CLI's kpis command
# answers from kpi_records without them (their import alone is most of its start-up)
ALL = "ALL"
_COLS = ", ".join(COUNTER_NAMES)

# Counters per unit and month: dossier-derived where the unit-month has dossiers (they win,
# domain.md 4), the II.06a report otherwise. Units that merged later roll up into their
# successor (units.rolls_into), so a post-2025 profile sees 2022 history under the new names.
UNIT_MONTH = f"""(
    SELECT coalesce(u.rolls_into, x.unit_code) AS unit_code, x.period, x.source, {", ".join("x." + c for c in COUNTER_NAMES)}
    FROM (
        SELECT unit_code, period, 'dossiers' AS source, {_COLS} FROM dossier_counters
        UNION ALL
        SELECT r.unit_code, r.period, 'report' AS source, {", ".join("r." + c for c in COUNTER_NAMES)}
        FROM report_rows r
        WHERE r.is_current AND NOT EXISTS (
            SELECT 1 FROM dossier_counters d WHERE d.unit_code = r.unit_code AND d.period = r.period)
    ) x JOIN units u ON u.code = x.unit_code
)"""


def covered_months(con, start: date, end: date | None = None) -> set[date]:
    """The months of [start, end] in which the jurisdiction resolved at least one dossier
    (any unit, dossiers or reports): the months a change may be measured against. A month an office never imported still holds the dossiers a later
    month's export carries over from it, but nothing resolved: measured against it, every
    late or overdue count reads as a rise from zero. Decided over every unit, not the
    selection: a small commune that resolved nothing in a month imported whole still compares."""
    rows = con.execute(f"SELECT period FROM {UNIT_MONTH} um WHERE um.period BETWEEN ? AND ? "
                       "GROUP BY period HAVING coalesce(sum(resolved), 0) > 0", [start, end or start]).fetchall()
    return {r[0] for r in rows}


def covered(con, start: date | None, end: date | None = None) -> bool:
    """Whether [start, end] may stand as a comparison: some month of it is in covered_months."""
    return start is not None and bool(covered_months(con, start, end or start))


def month(value: str | date) -> date:
    """'2022-08' (or a date) -> date(2022, 8, 1); anything else is an InputError."""
    if isinstance(value, date):
        return month_start(value)
    s = str(value).strip()
    try:
        y, m = s.split("-")[:2]
        if len(y) != 4 or not y.isdigit() or not m.isdigit() or len(s.split("-")) > 3:
            raise ValueError
        d = date(int(y), int(m), 1)
        if len(s.split("-")) == 3 and s.split("-")[2] not in ("01", "1"):
            raise ValueError
        return d
    except ValueError:
        raise InputError(f"Kỳ không hợp lệ: «{s}» (cần dạng YYYY-MM, ví dụ 2022-08)",
                         f"Invalid period «{s}» (expected YYYY-MM, e.g. 2022-08)") from None


def comparison_period(d: date, mode: str) -> tuple[date, date] | None:
    """The period a month is compared with: previous month, same month last year, or the
    year to date (returned as a range)."""
    if mode == "prev":
        p = add_months(d, -1)
        return p, p
    if mode == "yoy":
        p = add_months(d, -12)
        return p, p
    if mode == "ytd":
        return date(d.year, 1, 1), d
    return None


def periods(con) -> list[date]:
    rows = con.execute(f"SELECT DISTINCT period FROM {UNIT_MONTH} ORDER BY period").fetchall()
    return [r[0] for r in rows]


def peer_periods(con) -> list[date]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT period FROM peer_rows WHERE is_current ORDER BY period").fetchall()]


def latest_period(con) -> date | None:
    p = periods(con)
    return p[-1] if p else None


def _unit_filter(units: list[str] | None) -> tuple[str, list]:
    if not units:
        return "", []
    return f" AND um.unit_code IN ({', '.join('?' for _ in units)})", list(units)


def _counter_rows(con, sql: str, params: list, keys: int) -> tuple[list[tuple], dict[str, int]]:
    """Rows of (`keys` key columns…, counters…) and the position of each counter in them."""
    rows = con.execute(sql, params).fetchall()
    return rows, {c: i for i, c in enumerate(COUNTER_NAMES, start=keys)}


def _roll_up(rows: list[tuple], idx: dict[str, int], key) -> list[dict]:
    """Group counter rows by key(row) and roll each group up through kpis.aggregate."""
    groups: dict = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    return [{"_key": g, **aggregate(rs, idx)} for g, rs in groups.items()]


def _typed(data: dict, recs: list[dict]) -> pd.DataFrame:
    """Nullable columns: counters as Int64, KPIs as Float64 (None stays missing, never 0)."""
    import numpy as np
    import pandas as pd

    for c in COUNTER_NAMES:
        vals = [r[c] for r in recs]
        missing = np.array([v is None for v in vals], dtype=bool)
        data[c] = pd.arrays.IntegerArray(np.array([0 if v is None else v for v in vals], dtype="int64"), missing)
    for k in KPIS:
        vals = [r[k.key] for r in recs]
        missing = np.array([v is None for v in vals], dtype=bool)
        data[k.key] = pd.arrays.FloatingArray(np.array([0.0 if v is None else v for v in vals], dtype="float64"),
                                              missing)
    return pd.DataFrame(data)


_UM_SELECT = f"SELECT um.unit_code , um.period , {', '.join('um.' + c for c in COUNTER_NAMES)} " \
             f"FROM {UNIT_MONTH} um WHERE um.period BETWEEN ? AND ?"


def kpi_records(con, start: date, end: date | None = None, units: list[str] | None = None,
                include_total: bool = True, profile: Profile | None = None) -> list[dict]:
    """One record per unit that has data in [start, end], plus the ALL record (ratio of
    sums), ALL first then the profile's order: unit_code, unit_name, level, months, every
    counter, every KPI (fractions; None when unknown).

    DuckDB returns the unit-month counter rows of the period (a few dozen to a few hundred,
    however many dossiers there are: they are pre-aggregated at import); kpis.aggregate rolls
    them up. One query with 60 filtered aggregates took DuckDB ~30 ms just to plan; this
    takes a few milliseconds.
    """
    profile = profile or load_profile()
    end = end or start
    flt, params = _unit_filter(units)
    rows, idx = _counter_rows(con, _UM_SELECT + flt, [start, end, *params], keys=2)
    recs = _roll_up(rows, idx, key=lambda r: r[0])
    if include_total:
        recs.append({"_key": ALL, **aggregate(rows, idx)})
    months: dict = {}
    for r in rows:
        months.setdefault(r[0], set()).add(r[1])
    for rec in recs:
        rec["unit_code"] = rec["_key"]
        rec["months"] = len({r[1] for r in rows}) if rec["_key"] == ALL else len(months[rec["_key"]])
    return _named(con, recs, profile)


def kpi_table(con, start: date, end: date | None = None, units: list[str] | None = None,
              include_total: bool = True, profile: Profile | None = None) -> pd.DataFrame:
    """kpi_records as a frame: unit_code, unit_name, level, months, every counter (Int64) and
    every KPI (Float64), unknown values missing, never 0."""
    return _frame(kpi_records(con, start, end, units, include_total, profile))


def _named(con, recs: list[dict], profile: Profile) -> list[dict]:
    """Names and levels added, ALL first then the profile's order (a stable sort)."""
    units = {u[0]: u[1:] for u in con.execute("SELECT code, name, level, ord FROM units").fetchall()}

    def order(rec) -> int:
        c = rec["unit_code"]
        return -1 if c == ALL else (units[c][2] if c in units else 10_000)

    out = sorted(recs, key=order)
    for rec in out:
        c = rec["unit_code"]
        rec["unit_name"] = profile.jurisdiction_name if c == ALL else (units[c][0] if c in units else c)
        rec["level"] = None if c == ALL else (units[c][1] if c in units else None)
    return out


def _frame(recs: list[dict], with_period: bool = False) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    data: dict = {}
    if with_period:
        data["period"] = pd.Series([r["period"] for r in recs], dtype=object)
    data.update({
        "unit_code": pd.Series([r["unit_code"] for r in recs], dtype=object),
        "unit_name": pd.Series([r["unit_name"] for r in recs], dtype=object),
        "level": pd.Series([r["level"] for r in recs], dtype=object),
        "months": np.array([r["months"] for r in recs], dtype="int64"),
    })
    return _typed(data, recs)


def kpi_series(con, start: date, end: date, units: list[str] | None = None, by_unit: bool = False,
               profile: Profile | None = None) -> pd.DataFrame:
    """KPIs per month (and per unit when by_unit), for time-series charts and heatmaps."""
    profile = profile or load_profile()
    flt, params = _unit_filter(units)
    rows, idx = _counter_rows(con, _UM_SELECT + flt, [start, end, *params], keys=2)
    recs = _roll_up(rows, idx, key=(lambda r: (r[1], r[0])) if by_unit else (lambda r: (r[1], ALL)))
    for rec in recs:
        rec["unit_code"] = rec["_key"][1]
        rec["months"] = 1
    for rec in recs:
        rec["period"] = rec["_key"][0]
    df = _frame(_named(con, recs, profile), with_period=True)
    return df.sort_values(["period", "unit_code"]).reset_index(drop=True)


def sources(con, start: date, end: date) -> pd.DataFrame:
    """Where each unit-month's figures come from (dossiers or report)."""
    return con.execute(f"SELECT unit_code, period, source FROM {UNIT_MONTH} um "
                       "WHERE period BETWEEN ? AND ? ORDER BY unit_code, period", [start, end]).df()


def reconciliation(con, start: date, end: date, unit: str | None = None) -> pd.DataFrame:
    """Report figures beside dossier figures where both exist, and their difference."""
    cols = ["received_total", "received_online", "resolved", "resolved_early", "resolved_on_time",
            "resolved_late", "pending", "pending_in_time", "pending_overdue"]
    sel = ", ".join(f"r.{c} AS report_{c}, d.{c} AS dossiers_{c}, d.{c} - r.{c} AS diff_{c}" for c in cols)
    flt = " AND r.unit_code = ?" if unit else ""
    params = [start, end] + ([unit] if unit else [])
    return con.execute(f"""
        SELECT r.unit_code, r.period, {sel}
        FROM report_rows r JOIN dossier_counters d ON d.unit_code = r.unit_code AND d.period = r.period
        WHERE r.is_current AND r.period BETWEEN ? AND ? {flt}
        ORDER BY r.period, r.unit_code""", params).df()


def peer_table(con, start: date, end: date | None = None, profile: Profile | None = None) -> pd.DataFrame:
    """Counters and KPIs of every peer over [start, end]; the jurisdiction's own row is the
    sum of its units (never imported)."""
    profile = profile or load_profile()
    end = end or start
    sql = f"""
    SELECT ? AS peer_code , period , {", ".join(f"sum({c})" for c in COUNTER_NAMES)}
    FROM {UNIT_MONTH} WHERE period BETWEEN ? AND ? GROUP BY period
    UNION ALL
    SELECT peer_code, period, {_COLS} FROM peer_rows
    WHERE is_current AND period BETWEEN ? AND ? AND peer_code <> ?"""
    rows, idx = _counter_rows(con, sql, [profile.code, start, end, start, end, profile.code], keys=2)
    recs = _roll_up(rows, idx, key=lambda r: r[0])
    order = {p.code: i for i, p in enumerate(profile.peers)}
    recs.sort(key=lambda rec: order.get(rec["_key"], 999))
    months: dict = {}
    for r in rows:
        months.setdefault(r[0], set()).add(r[1])
    codes = [rec["_key"] for rec in recs]
    import numpy as np
    import pandas as pd

    return _typed({"peer_code": pd.Series(codes, dtype=object),
                   "peer_name": pd.Series([profile.peer_name(c) for c in codes], dtype=object),
                   "months": np.array([len(months[c]) for c in codes], dtype="int64")}, recs)


def peer_index(con) -> pd.DataFrame:
    """The official yearly CCHC index of every peer (peer_code, year, score, rank)."""
    return con.execute("SELECT peer_code, year, score, rank FROM peer_index WHERE is_current "
                       "ORDER BY year, rank, peer_code").df()


def as_of(con) -> dict:
    """What the data is and how fresh: for the caption on every page. is_demo whenever any
    demo file is active (the importer keeps demo and real data from mixing: seed.py)."""
    row = con.execute("""
        SELECT max(imported_at), count(*) FILTER (WHERE status = 'active'),
               bool_or(is_demo) FILTER (WHERE status = 'active')
        FROM imports""").fetchone()
    # the latest date any current dossier carries: two max() that DuckDB answers in a few ms,
    # the same as max(greatest(received, coalesce(finished, received))) row by row (60 ms at
    # 5M dossiers); greatest() skips a NULL, so no finished date at all leaves the received one
    last_date = con.execute("SELECT CAST(greatest(max(received_at), max(finished_at)) AS DATE) "
                            "FROM dossiers WHERE is_current").fetchone()[0]
    files = con.execute("SELECT file_name FROM imports WHERE status = 'active' ORDER BY id DESC LIMIT 3").fetchall()
    return {"imported_at": row[0], "imports": row[1], "is_demo": bool(row[2]) if row[2] is not None else False,
            "last_date": last_date, "recent_files": [f[0] for f in files]}


# --- dossier lists ---------------------------------------------------------------------
DOSSIER_STATUSES = ("all", "late", "overdue", "pending", "early", "on_time", "apology_missing", "land_violation",
                    "priority_not_early")
LIST_STATUSES = DOSSIER_STATUSES


def date_literal(d: date) -> str:
    # a date of our own (a date object, never text from a user) as a SQL literal
    return f"DATE '{date.fromordinal(d.toordinal()).isoformat()}'"


DOSSIER_COLUMNS = ["dossier_code", "unit_code", "unit_name", "procedure_code", "procedure_name", "field",
                   "channel", "received_at", "due_at", "finished_at", "status", "days_late", "has_fee",
                   "paid_online", "result_by_post", "digitised", "e_result", "apology_sent", "apology_at",
                   "rating", "handler"]


def _dossier_where(start: date, end: date, units, status: str, procedure: str | None, channel: int | None,
                   field: str | None, search: str | None) -> tuple[str, list]:
    if status not in LIST_STATUSES:
        raise InputError(f"Trạng thái không hợp lệ: {status}", f"Unknown status {status}")
    first, last = date_literal(start), date_literal(last_day(end))
    # a dossier belongs to the period if it was open at some time in it; its status is the
    # one the counters give it at the period's end (kpis.statuses)
    where = ["x.is_current", open_in("x.", first, last)]
    params: list = []
    if status != "all":
        where.append("(" + statuses("x.", first, last)[status] + ")")
    if units:
        where.append(f"x.unit_code IN ({', '.join('?' for _ in units)})")
        params += list(units)
    if procedure:
        where.append("(x.procedure_code = ? OR x.procedure_name = ?)")
        params += [procedure, procedure]
    if channel:
        where.append("x.channel = ?")
        params.append(int(channel))
    if field:
        where.append("x.field = ?")
        params.append(field)
    if search:
        where.append("(x.dossier_code ILIKE ? OR x.procedure_name ILIKE ?)")
        params += [f"%{search}%", f"%{search}%"]
    return " AND ".join(where), params


_DOSSIER_BASE = f"""
    SELECT x.*, u.name AS unit_name, u.level IN {COMMUNE_LEVELS_SQL} AS is_commune,
           CAST(x.received_at AS DATE) AS received_date, CAST(x.due_at AS DATE) AS due_date,
           CAST(x.finished_at AS DATE) AS finished_date
    FROM dossiers x JOIN units u ON u.code = x.unit_code
"""


def dated_dossiers() -> str:
    """SQL: every stored dossier (alias it x) with its unit's name, whether the unit is a
    commune, and its dates as DATE (received_date, due_date, finished_date): the columns
    kpis.statuses reads."""
    return _DOSSIER_BASE


def dossier_list(con, start: date, end: date | None = None, units: list[str] | None = None, status: str = "all",
                 procedure: str | None = None, channel: int | None = None, field: str | None = None,
                 search: str | None = None, limit: int | None = 500, offset: int = 0) -> pd.DataFrame:
    """Dossiers open at some time in [start, end] (paged); only the stored, non-personal fields."""
    end = end or start
    where, params = _dossier_where(start, end, units, status, procedure, channel, field, search)
    lim = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit else ""
    sql = f"""
    SELECT dossier_code, unit_code, unit_name, procedure_code, procedure_name, field, channel,
           received_at, due_at, finished_at,
           -- judged at the end of the period asked for, as the counters are (domain.md 4)
           {status_case("", date_literal(start), date_literal(last_day(end)))} AS status,
           CASE WHEN finished_date > due_date THEN date_diff('day', due_date, finished_date) END AS days_late,
           has_fee, paid_online, result_by_post, digitised, e_result, apology_sent, apology_at, rating, handler
    FROM ({_DOSSIER_BASE}) x
    WHERE {where}
    ORDER BY received_at DESC, dossier_code{lim}"""
    return con.execute(sql, params).df()


def dossier_count(con, start: date, end: date | None = None, units: list[str] | None = None, status: str = "all",
                  procedure: str | None = None, channel: int | None = None, field: str | None = None,
                  search: str | None = None) -> int:
    end = end or start
    where, params = _dossier_where(start, end, units, status, procedure, channel, field, search)
    return con.execute(f"SELECT count(*) FROM ({_DOSSIER_BASE}) x WHERE {where}", params).fetchone()[0]


def breakdown(con, start: date, end: date | None = None, units: list[str] | None = None,
              by: str = "procedure") -> pd.DataFrame:
    """KPIs per procedure or per field for a set of units, computed from the dossiers."""
    from .model.counters import counters_select_sql

    end = end or start
    col = {"procedure": "coalesce(x.procedure_name, x.procedure_code, '?')", "field": "coalesce(x.field, '?')"}[by]
    where = "TRUE"
    params: list = []
    if units:
        where = f"x.unit_code IN ({', '.join('?' for _ in units)})"
        params = list(units)
    inner = counters_select_sql(where, group=col.replace("x.", "d."), as_name="item")
    sql = f"SELECT b.item , {', '.join('b.' + c for c in COUNTER_NAMES)} FROM ({inner}) b " \
          f"WHERE b.period BETWEEN ? AND ?"
    rows, idx = _counter_rows(con, sql, params + [start, end], keys=1)
    recs = _roll_up(rows, idx, key=lambda r: r[0])
    recs.sort(key=lambda rec: -(rec["received_total"] or 0))
    import pandas as pd

    return _typed({"item": pd.Series([rec["_key"] for rec in recs], dtype=object)}, recs)
