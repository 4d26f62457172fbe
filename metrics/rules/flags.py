"""Rules of the 2022 order as flags per unit and month (domain.md section 7).

Each flag names its unit, a value (what the CLI prints) and a detail in plain words, in the
language asked for (the catalogue's flag_detail_… sentences); `flag_dossiers` lists the
dossiers behind a flag.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from ..i18n import fmt, t
from .. import queries
from ..model.kpis import open_in, statuses
from ..model.period import last_day
from ..model.profile import Profile, load_profile

FLAGS = ["late_streak", "apology_missing", "land_at_commune", "priority_not_honoured", "overdue_backlog"]
FLAG_LABELS = {
    "late_streak": ("Trễ hạn nhiều tháng liên tiếp", "Late dossiers in consecutive months"),
    "apology_missing": ("Hồ sơ trễ hạn chưa có thư xin lỗi", "Late dossiers without an apology"),
    "land_at_commune": ("Hồ sơ đất đai sai thẩm quyền ở xã", "Land dossiers at a commune"),
    "priority_not_honoured": ("Hồ sơ trực tuyến/BCCI không được ưu tiên",
                              "Online/BCCI dossiers not given priority"),
    "overdue_backlog": ("Hồ sơ đang quá hạn", "Overdue pending dossiers"),
}
# how serious each flag is, for "worst first" ordering
SEVERITY = {"late_streak": 5, "apology_missing": 4, "land_at_commune": 4, "overdue_backlog": 3,
            "priority_not_honoured": 2}
COLUMNS = ["period", "unit_code", "unit_name", "flag", "value", "detail"]


def _fmt_month(d: date) -> str:
    return d.strftime("%m/%Y")


def late_streaks(con, period: date, profile: Profile | None = None) -> dict[str, int]:
    """unit -> number of consecutive months up to `period` with resolved_late > 0."""
    start = queries.add_months(period, -60)
    series = queries.kpi_series(con, start, period, by_unit=True, profile=profile)
    out: dict[str, int] = {}
    for unit, g in series.groupby("unit_code"):
        late = {r.period: (r.resolved_late if pd.notna(r.resolved_late) else None) for r in g.itertuples()}
        n, p = 0, period
        # a month without data, or without a late dossier, ends the streak
        while late.get(p) is not None and late[p] > 0:
            n += 1
            p = queries.add_months(p, -1)
        if n:
            out[unit] = n
    return out


def flags_for(con, period: date, profile: Profile | None = None, lang: str = "vi") -> pd.DataFrame:
    """The month's flags, one row per unit and rule: the value (a count, or the gap in points)
    and the detail, a sentence in `lang`."""
    profile = profile or load_profile()
    rows = []
    names = {u.code: u.name for u in profile.units}
    for unit, n in late_streaks(con, period, profile).items():
        if n >= 2:
            first = queries.add_months(period, -(n - 1))
            span = f"{_fmt_month(first)}–{_fmt_month(period)}"
            rows.append((unit, "late_streak", n, t("flag_detail_late_streak", lang, n=n, span=span)))
    table = queries.kpi_table(con, period, period, include_total=False, profile=profile)
    for r in table.itertuples():
        if pd.notna(r.land_violation) and r.land_violation > 0:
            n = int(r.land_violation)
            rows.append((r.unit_code, "land_at_commune", n, t("flag_detail_land_at_commune", lang, n=n)))
        if pd.notna(r.pending_overdue) and r.pending_overdue > 0:
            n = int(r.pending_overdue)
            rows.append((r.unit_code, "overdue_backlog", n, t("flag_detail_overdue_backlog", lang, n=n)))
        pr, dr = r.early_rate_priority, r.early_rate_direct
        if pd.notna(pr) and pd.notna(dr) and pr < dr:
            gap = round(100 * (dr - pr), 2)
            rows.append((r.unit_code, "priority_not_honoured", gap,
                         t("flag_detail_priority_not_honoured", lang, priority=fmt.percent(pr, lang),
                           direct=fmt.percent(dr, lang))))
    for unit, missing, unknown in _apology_missing(con, period):
        if missing:
            key = "flag_detail_apology_missing_unknown" if unknown else "flag_detail_apology_missing"
            rows.append((unit, "apology_missing", missing, t(key, lang, n=missing, unknown=unknown)))
    df = pd.DataFrame(rows, columns=["unit_code", "flag", "value", "detail"])
    # counts stay whole numbers (a streak of 3 months, not 3.0); only the gap has decimals
    df["value"] = pd.Series([r[2] for r in rows], dtype=object, index=df.index)
    df.insert(0, "period", period.strftime("%Y-%m"))
    df.insert(2, "unit_name", [names.get(c, c) for c in df.unit_code])
    order = {u.code: i for i, u in enumerate(profile.units)}
    df["_s"] = [-SEVERITY[f] for f in df.flag]
    df["_o"] = [order.get(c, 999) for c in df.unit_code]
    return df.sort_values(["_o", "_s"]).drop(columns=["_s", "_o"]).reset_index(drop=True)[COLUMNS]


def _late_in(period_start: date, period_end: date) -> str:
    """SQL over queries.dated_dossiers(): current dossiers resolved late in the period
    (kpis.statuses, the rule the counters follow)."""
    first, last = queries.date_literal(period_start), queries.date_literal(last_day(period_end))
    return f"x.is_current AND {open_in('x.', first, last)} AND {statuses('x.', first, last)['late']}"


def _apology_missing(con, period: date) -> list[tuple[str, int, int]]:
    """Per unit: late dossiers resolved in the month without an apology, and those whose
    export said nothing about apologies (not counted as missing: we do not know)."""
    return con.execute(f"""
        SELECT unit_code, count(*) FILTER (WHERE apology_sent = FALSE),
               count(*) FILTER (WHERE apology_sent IS NULL)
        FROM ({queries.dated_dossiers()}) x
        WHERE {_late_in(period, period)}
        GROUP BY unit_code ORDER BY unit_code""").fetchall()


def apology_status(con, start: date, end: date | None = None, units: list[str] | None = None) -> pd.DataFrame:
    """Each late dossier resolved in the period: apology sent in time (no later than 1 day
    before the due date, Decree 61/2018), sent late, sent without a date, or missing."""
    end = end or start
    flt = ""
    params: list = []
    if units:
        flt = f" AND unit_code IN ({', '.join('?' for _ in units)})"
        params += list(units)
    return con.execute(f"""
        SELECT unit_code, dossier_code, procedure_name, due_at, finished_at, apology_at, handler,
               CASE WHEN apology_sent IS NULL THEN 'unknown'
                    WHEN NOT apology_sent THEN 'missing'
                    WHEN apology_at IS NULL THEN 'sent_undated'
                    WHEN CAST(apology_at AS DATE) <= due_date - 1 THEN 'in_time'
                    ELSE 'late' END AS apology
        FROM ({queries.dated_dossiers()}) x
        WHERE {_late_in(start, end)} {flt}
        ORDER BY unit_code, finished_at""", params).df()


def flag_dossiers(con, period: date, unit_code: str, flag: str) -> pd.DataFrame:
    """The dossiers behind one flag of one unit."""
    status = {"late_streak": "late", "apology_missing": "apology_missing", "land_at_commune": "land_violation",
              "overdue_backlog": "overdue", "priority_not_honoured": "priority_not_early"}[flag]
    return queries.dossier_list(con, period, period, units=[unit_code], status=status, limit=None)


def handler_streaks(con, period: date, min_months: int = 2) -> pd.DataFrame:
    """Late streaks per handling official (the order speaks of individuals): consecutive
    months up to `period` in which the official resolved at least one dossier late.
    Shown only to leader and officer roles."""
    end = last_day(period)
    start = queries.add_months(period, -60)
    rows = con.execute("""
        SELECT unit_code, handler, CAST(date_trunc('month', finished_at) AS DATE) AS m, count(*) AS late
        FROM dossiers
        WHERE is_current AND handler IS NOT NULL AND CAST(finished_at AS DATE) BETWEEN ? AND ?
          AND CAST(finished_at AS DATE) > CAST(due_at AS DATE)
        GROUP BY ALL""", [start, end]).fetchall()
    months: dict[tuple[str, str], dict[date, int]] = {}
    for unit, handler, m, late in rows:
        months.setdefault((unit, handler), {})[m] = late
    out = []
    for (unit, handler), by_month in months.items():
        n, p, total = 0, period, 0
        while by_month.get(p, 0) > 0:
            n += 1
            total += by_month[p]
            p = queries.add_months(p, -1)
        if n >= min_months:
            out.append((unit, handler, n, total))
    df = pd.DataFrame(out, columns=["unit_code", "handler", "streak", "late_dossiers"])
    return df.sort_values(["streak", "late_dossiers"], ascending=False).reset_index(drop=True)
