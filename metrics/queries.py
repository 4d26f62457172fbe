"""Reading the store: counters and KPIs over any set of units and months, built from the
registry in kpis.py. All SQL takes its values as bound parameters.

Periods are first days of months (datetime.date). KPI values are fractions (0.975), never
percent; formatting is the caller's business.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .errors import InputError
from .kpis import COUNTER_NAMES, KPIS, kpi_sql
from .profile import Profile, load_profile

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


def month(value: str | date) -> date:
    """'2022-08' (or a date) -> date(2022, 8, 1); anything else is an InputError."""
    if isinstance(value, date):
        return date(value.year, value.month, 1)
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


def add_months(d: date, n: int) -> date:
    k = d.year * 12 + d.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


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


def _select_kpis(alias: str) -> str:
    return ",\n    ".join(f"{kpi_sql(k, alias)} AS {k.key}" for k in KPIS)


def _select_counters(alias: str) -> str:
    return ",\n    ".join(f"sum({alias}{c}) AS {c}" for c in COUNTER_NAMES)


def kpi_table(con, start: date, end: date | None = None, units: list[str] | None = None,
              include_total: bool = True, profile: Profile | None = None) -> pd.DataFrame:
    """One row per unit that has data in [start, end], plus the ALL row (ratio of sums).

    Columns: unit_code, unit_name, level, months, every counter, every KPI (fractions).
    """
    profile = profile or load_profile()
    end = end or start
    flt, params = _unit_filter(units)
    sets = "GROUPING SETS ((um.unit_code), ())" if include_total else "GROUPING SETS ((um.unit_code))"
    sql = f"""
    SELECT CASE WHEN grouping(um.unit_code) = 1 THEN '{ALL}' ELSE um.unit_code END AS unit_code,
           count(DISTINCT um.period) AS months,
           {_select_counters('um.')},
           {_select_kpis('um.')}
    FROM {UNIT_MONTH} um
    WHERE um.period BETWEEN ? AND ? {flt}
    GROUP BY {sets}
    """
    df = con.execute(sql, [start, end, *params]).df()
    return _decorate(con, df, profile)


def _decorate(con, df: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    units = con.execute("SELECT code, name, level, ord FROM units").df()
    names = dict(zip(units.code, units.name))
    levels = dict(zip(units.code, units.level))
    order = dict(zip(units.code, units.ord))
    df.insert(1, "unit_name", [profile.jurisdiction_name if c == ALL else names.get(c, c) for c in df.unit_code])
    df.insert(2, "level", [None if c == ALL else levels.get(c) for c in df.unit_code])
    df["_ord"] = [-1 if c == ALL else order.get(c, 10_000) for c in df.unit_code]
    df = df.sort_values("_ord").drop(columns="_ord").reset_index(drop=True)
    for c in COUNTER_NAMES:
        df[c] = df[c].astype("Int64")
    for k in KPIS:
        df[k.key] = df[k.key].astype("Float64")
    return df


def kpi_series(con, start: date, end: date, units: list[str] | None = None, by_unit: bool = False,
               profile: Profile | None = None) -> pd.DataFrame:
    """KPIs per month (and per unit when by_unit), for time-series charts and heatmaps."""
    profile = profile or load_profile()
    flt, params = _unit_filter(units)
    group = "um.period, um.unit_code" if by_unit else "um.period"
    unit_col = "um.unit_code" if by_unit else f"'{ALL}'"
    sql = f"""
    SELECT um.period, {unit_col} AS unit_code,
           {_select_counters('um.')},
           {_select_kpis('um.')}
    FROM {UNIT_MONTH} um
    WHERE um.period BETWEEN ? AND ? {flt}
    GROUP BY {group}
    ORDER BY um.period
    """
    df = con.execute(sql, [start, end, *params]).df()
    df = _decorate(con, df, profile)
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
    WITH own AS (
        SELECT ? AS peer_code, period, {", ".join(f"sum({c}) AS {c}" for c in COUNTER_NAMES)}
        FROM {UNIT_MONTH} WHERE period BETWEEN ? AND ? GROUP BY period
    ),
    others AS (
        SELECT peer_code, period, {_COLS} FROM peer_rows
        WHERE is_current AND period BETWEEN ? AND ? AND peer_code <> ?
    ),
    pm AS (SELECT * FROM own UNION ALL BY NAME SELECT * FROM others)
    SELECT pm.peer_code, count(DISTINCT period) AS months,
           {_select_counters('pm.')},
           {_select_kpis('pm.')}
    FROM pm GROUP BY pm.peer_code
    """
    df = con.execute(sql, [profile.code, start, end, start, end, profile.code]).df()
    order = {p.code: i for i, p in enumerate(profile.peers)}
    df.insert(1, "peer_name", [profile.peer_name(c) for c in df.peer_code])
    df["_o"] = [order.get(c, 999) for c in df.peer_code]
    df = df.sort_values("_o").drop(columns="_o").reset_index(drop=True)
    for c in COUNTER_NAMES:
        df[c] = df[c].astype("Int64")
    for k in KPIS:
        df[k.key] = df[k.key].astype("Float64")
    return df


def as_of(con) -> dict:
    """What the data is and how fresh: for the caption on every page."""
    row = con.execute("""
        SELECT max(imported_at), count(*) FILTER (WHERE status = 'active'),
               bool_and(is_demo) FILTER (WHERE status = 'active'),
               max(CAST(greatest(received_at, coalesce(finished_at, received_at)) AS DATE))
        FROM imports LEFT JOIN (SELECT NULL AS received_at, NULL AS finished_at) ON TRUE""").fetchone()
    last_date = con.execute("SELECT max(CAST(greatest(received_at, coalesce(finished_at, received_at)) AS DATE)) "
                            "FROM dossiers WHERE is_current").fetchone()[0]
    files = con.execute("SELECT file_name FROM imports WHERE status = 'active' ORDER BY id DESC LIMIT 3").fetchall()
    return {"imported_at": row[0], "imports": row[1], "is_demo": bool(row[2]) if row[2] is not None else False,
            "last_date": last_date, "recent_files": [f[0] for f in files]}
