"""What officers write into the app: monthly commitments of units and events for the charts.

A commitment names a unit, a month, what will be done, who owns it, and optionally the KPI
and the value it promises; next month it is shown beside the unit's figures and judged kept
or not by that KPI (domain.md 5), as CitiStat's monthly reviews do.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import clock, queries
from ..errors import InputError
from ..model.kpis import KPI_BY_KEY
from ..model.period import last_day
from ..model.profile import Profile, load_profile

MAX_TEXT = 500


def _check_unit(profile: Profile, unit_code: str | None, allow_none: bool = False) -> None:
    if unit_code is None and allow_none:
        return
    if unit_code not in profile.unit_codes:
        raise InputError(f"Không có đơn vị mã «{unit_code}»", f"No unit with code «{unit_code}»")


def _clean_text(text: str) -> str:
    t = " ".join(str(text or "").split())
    if not t:
        raise InputError("Nội dung không được để trống", "The text must not be empty")
    return t[:MAX_TEXT]


def add_commitment(con, unit_code: str, period: date, text: str, owner: str | None = None,
                   kpi: str | None = None, target: float | None = None, user: str | None = None,
                   profile: Profile | None = None) -> int:
    profile = profile or load_profile()
    _check_unit(profile, unit_code)
    if kpi is not None and kpi not in KPI_BY_KEY:
        raise InputError(f"Không có chỉ số «{kpi}»", f"Unknown KPI «{kpi}»")
    if target is not None and kpi is not None and KPI_BY_KEY[kpi].is_rate and not 0 <= target <= 1:
        raise InputError("Mục tiêu tỷ lệ phải từ 0 đến 100 %", "A rate target must be between 0 and 100 %")
    new_id = con.execute("SELECT nextval('note_id_seq')").fetchone()[0]
    con.execute("INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [new_id, unit_code, queries.month(period), _clean_text(text), (owner or "").strip()[:120] or None,
                 kpi, target, clock.now(), user])
    return new_id


def delete_commitment(con, commitment_id: int) -> None:
    con.execute("DELETE FROM commitments WHERE id = ?", [commitment_id])


def commitments(con, period: date, units: list[str] | None = None) -> pd.DataFrame:
    flt, params = "", [queries.month(period)]
    if units:
        flt = f" AND unit_code IN ({', '.join('?' for _ in units)})"
        params += list(units)
    return con.execute(f"SELECT * FROM commitments WHERE period = ?{flt} ORDER BY unit_code, id", params).df()


def review(con, period: date, units: list[str] | None = None, profile: Profile | None = None) -> pd.DataFrame:
    """Last month's commitments judged by this month's figures.

    kept = the named KPI reached its target (for lower-is-better KPIs: stayed at or below
    it); without a target, kept = the KPI improved on the month the commitment was made.
    None when the commitment names no KPI or the figures are missing.
    """
    profile = profile or load_profile()
    this = queries.month(period)
    prev = queries.add_months(this, -1)
    c = commitments(con, prev, units)
    if c.empty:
        return c.assign(value_before=[], value_now=[], kept=[])
    now = queries.kpi_table(con, this, this, include_total=False, profile=profile).set_index("unit_code")
    before = queries.kpi_table(con, prev, prev, include_total=False, profile=profile).set_index("unit_code")
    vb, vn, kept = [], [], []
    for r in c.itertuples():
        k = KPI_BY_KEY.get(r.kpi) if isinstance(r.kpi, str) else None
        b = before[k.key].get(r.unit_code) if k is not None and r.unit_code in before.index else None
        n = now[k.key].get(r.unit_code) if k is not None and r.unit_code in now.index else None
        b = None if b is None or pd.isna(b) else float(b)
        n = None if n is None or pd.isna(n) else float(n)
        vb.append(b)
        vn.append(n)
        if k is None or n is None:
            kept.append(None)
        elif r.target is not None and not pd.isna(r.target):
            kept.append(n <= r.target if k.lower_is_better else n >= r.target)
        elif b is not None:
            kept.append(n < b if k.lower_is_better else n > b)
        else:
            kept.append(None)
    return c.assign(value_before=vb, value_now=vn, kept=kept)


def add_annotation(con, event_date: date, text: str, unit_code: str | None = None, user: str | None = None,
                   profile: Profile | None = None) -> int:
    profile = profile or load_profile()
    _check_unit(profile, unit_code, allow_none=True)
    new_id = con.execute("SELECT nextval('note_id_seq')").fetchone()[0]
    con.execute("INSERT INTO annotations VALUES (?, ?, ?, ?, ?, ?, NULL)",
                [new_id, event_date, unit_code, _clean_text(text), clock.now(), user])
    return new_id


def delete_annotation(con, annotation_id: int) -> None:
    con.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])


def annotations(con, start: date, end: date, unit_code: str | None = None,
                all_units: bool = False) -> pd.DataFrame:
    """Events in [start, end's month]: the jurisdiction's own, and the unit's when one is
    given (every unit's with all_units, for the list of events)."""
    end_of = last_day(end)
    params: list = [start, end_of]
    flt = " AND unit_code IS NULL"
    if all_units:
        flt = ""
    elif unit_code:
        flt = " AND (unit_code IS NULL OR unit_code = ?)"
        params.append(unit_code)
    return con.execute(f"SELECT id, event_date, unit_code, text, created_by FROM annotations "
                       f"WHERE event_date BETWEEN ? AND ?{flt} ORDER BY event_date", params).df()


def accounts_series(con, start: date, end: date, units: list[str] | None = None, by_unit: bool = False) -> pd.DataFrame:
    """Citizen accounts created with help, per month (and unit)."""
    flt, params = "", [start, end]
    if units:
        flt = f" AND unit_code IN ({', '.join('?' for _ in units)})"
        params += list(units)
    group = "period, unit_code" if by_unit else "period"
    sel = "period, unit_code" if by_unit else "period"
    return con.execute(f"SELECT {sel}, sum(accounts) AS accounts FROM citizen_accounts "
                       f"WHERE is_current AND period BETWEEN ? AND ?{flt} GROUP BY {group} ORDER BY {group}",
                       params).df()
