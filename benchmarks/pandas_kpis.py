"""The month's KPIs for all units, computed the straightforward pandas way: the yardstick the
engine's pre-aggregated counters are measured against (issue 7: speed-up ≥ 10×).

What a pandas app would do: keep the current dossiers in a DataFrame (loaded once, not
timed here) and, on each request, select the dossiers open in the month, flag each one and
group by unit. Same rules as domain.md 4-5 and metrics/model/kpis.py, written independently, so
the benchmark also cross-checks the engine's figures.
"""
from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import pandas as pd

LOAD_SQL = """
SELECT x.unit_code, u.level IN ('commune', 'township') AS is_commune, x.channel,
       CAST(x.received_at AS DATE) AS received_date, CAST(x.due_at AS DATE) AS due_date,
       CAST(x.finished_at AS DATE) AS finished_date,
       x.has_fee, x.paid_online, x.result_by_post, x.digitised, x.e_result, x.e_certified_copy,
       x.apology_sent, x.rating, x.is_certification, x.is_land, x.is_land_mediation
FROM dossiers x JOIN units u ON u.code = x.unit_code
WHERE x.is_current
"""


def load(con) -> pd.DataFrame:
    df = con.execute(LOAD_SQL).df()
    for c in ("received_date", "due_date", "finished_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def _flagged(base: pd.Series, flag: pd.Series, unit: pd.Series) -> pd.Series:
    """Count of base & flag per unit; unknown (NaN) where a counted dossier's flag is unknown,
    or where nothing is counted and some flag of the month is unknown (as the engine)."""
    unknown = flag.isna()
    f = flag.fillna(False).astype(bool)
    g = pd.DataFrame({"u": unit, "hit": base & f, "bad": base & unknown, "base": base, "unk": unknown})
    s = g.groupby("u").sum()
    out = s["hit"].astype("float64")
    out[(s["bad"] > 0) | ((s["base"] == 0) & (s["unk"] > 0))] = np.nan
    return out


def month_kpis(df: pd.DataFrame, month: date) -> pd.DataFrame:
    """Counters and KPIs per unit for one month, plus the ALL row (ratio of sums)."""
    start = pd.Timestamp(month.year, month.month, 1)
    end = pd.Timestamp(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    open_ = (df.received_date <= end) & (df.finished_date.isna() | (df.finished_date >= start))
    d = df[open_]
    u = d.unit_code
    new = d.received_date >= start
    resolved = d.finished_date <= end
    pending = ~resolved
    early = resolved & (d.finished_date < d.due_date)
    on_time = resolved & (d.finished_date == d.due_date)
    late = resolved & (d.finished_date > d.due_date)
    priority = d.channel.isin([2, 3]) | d.result_by_post.fillna(False).astype(bool)
    rated = d.rating.where(d.rating.notna())
    cols = {
        "received_total": pd.Series(True, index=d.index),
        "carried_over": ~new,
        "resolved": resolved, "resolved_early": early, "resolved_on_time": on_time, "resolved_late": late,
        "pending": pending, "pending_in_time": pending & (d.due_date > end),
        "pending_overdue": pending & (d.due_date <= end),
        "certified": new & d.is_certification,
        "land_violation": new & d.is_commune & d.is_land & ~d.is_land_mediation,
    }
    c = pd.DataFrame(cols).groupby(u).sum().astype("float64")
    ch = d.channel.astype("float64")
    for name, flag in (("received_online", ch == 2), ("received_direct", ch == 1), ("received_post", ch == 3),
                       ("received_direct_post", ch.isin([1, 3]))):
        c[name] = _flagged(new, flag.where(ch.notna()), u)
    fee = d.has_fee.astype("boolean")
    c["fee_dossiers"] = _flagged(new, fee, u)
    c["paid_online"] = _flagged(new, fee & d.paid_online.astype("boolean"), u)
    c["result_by_post"] = _flagged(resolved, d.result_by_post.astype("boolean"), u)
    c["rated"] = _flagged(resolved, (rated != "").where(rated.notna()), u)
    c["satisfied"] = _flagged(resolved, rated.isin(["satisfied", "very_satisfied"]).where(rated.notna()), u)
    c["apologised"] = _flagged(late, d.apology_sent.astype("boolean"), u)
    c["digitised"] = _flagged(resolved, d.digitised.astype("boolean"), u)
    c["e_result"] = _flagged(resolved, d.e_result.astype("boolean"), u)
    c["e_certified"] = _flagged(new & d.is_certification, d.e_certified_copy.astype("boolean"), u)
    c["priority_resolved"] = _flagged(resolved, priority, u)
    c["priority_early"] = _flagged(early, priority, u)
    c["direct_resolved"] = _flagged(resolved, ~priority, u)
    c["direct_early"] = _flagged(early, ~priority, u)
    k = {}
    for key, num, den in KPIS:
        known = c[num + (den or [])].notna().all(axis=1)
        n = c[num].sum(axis=1).where(known)
        if den is None:
            k[key] = n
            all_n = n[known].sum() if known.any() else np.nan
            k[key] = pd.concat([n, pd.Series({"ALL": all_n})])
            continue
        dd = c[den].sum(axis=1).where(known)
        per_unit = n / dd.where(dd != 0)
        # the ALL row: ratio of the sums over the units that know every counter of the KPI
        all_n, all_d = n[known].sum(), dd[known].sum()
        all_v = all_n / all_d if known.any() and all_d != 0 else np.nan
        k[key] = pd.concat([per_unit, pd.Series({"ALL": all_v})])
    counters = pd.concat([c, c.sum(min_count=1).to_frame("ALL").T])
    return pd.concat([counters, pd.DataFrame(k).astype("float64")], axis=1)


KPIS = [
    ("on_time_rate", ["resolved_early", "resolved_on_time"], ["resolved"]),
    ("late_count", ["resolved_late"], None),
    ("overdue_backlog", ["pending_overdue"], None),
    ("progress_766", ["resolved_early", "resolved_on_time", "pending_in_time"], ["received_total"]),
    ("online_rate", ["received_online"], ["received_online", "received_direct_post"]),
    ("online_payment_rate", ["paid_online"], ["fee_dossiers"]),
    ("bcci_intake_rate", ["received_post"], ["received_online", "received_direct_post"]),
    ("bcci_return_rate", ["result_by_post"], ["resolved"]),
    ("satisfaction_rate", ["satisfied"], ["rated"]),
    ("rating_coverage", ["rated"], ["resolved"]),
    ("apology_rate", ["apologised"], ["resolved_late"]),
    ("digitisation_rate", ["digitised"], ["resolved"]),
    ("e_result_rate", ["e_result"], ["resolved"]),
    ("e_certified_rate", ["e_certified"], ["certified"]),
    ("early_rate_priority", ["priority_early"], ["priority_resolved"]),
    ("early_rate_direct", ["direct_early"], ["direct_resolved"]),
]
