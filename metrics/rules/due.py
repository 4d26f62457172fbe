"""Early warning: the dossiers about to be late, as of a date, before they are late.

As of day D (the morning's export):
- a dossier is *pending* when it was received on or before D and has no finished date or
  finishes after D;
- it is *due soon* when its due date is D itself (0 working days left, the most urgent) or
  falls within N working days after D, the working days left being the days d with
  D < d <= due date that are working days (weekends and holidays in between fall inside the
  window: workdays.Calendar);
- it is *overdue* when its due date is before D (working_days_left is then minus the working
  days since the due date).

Risk: for a due-soon dossier with k working days left, the share of comparable dossiers that
ended late among those that were still open with k working days left — comparable meaning the
same unit and procedure, or the procedure across units when the unit has fewer than
MIN_CASES such cases; fewer than that across units too, and the history is too thin to say
(risk unknown, the cases counted). A finished dossier "was still open with k working days
left" when it was received at least k working days before its due date and finished with k
or fewer working days left, or late. Only dossiers finished on or before D count (no look
into the future of the as-of date).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import InputError
from ..model.profile import Profile, load_profile
from ..model.workdays import calendar_sql

MIN_CASES = 20
DEFAULT_WITHIN = 3
COLUMNS = ["as_of", "unit_code", "unit_name", "dossier_code", "procedure_code", "procedure_name", "received_at",
           "due_at", "status", "working_days_left", "risk"]
DETAIL_COLUMNS = ["risk_cases", "risk_basis", "handler"]


@dataclass
class DueList:
    as_of: date
    within: int
    rows: list[dict]
    calendar_gap: list[int]          # years in the window without configured holidays

    def counts(self) -> dict[str, dict[str, int]]:
        """Per unit: due_soon, overdue, and of the due-soon those due today."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows:
            c = out.setdefault(r["unit_code"], {"due_soon": 0, "overdue": 0, "due_today": 0})
            c[r["status"]] += 1
            if r["status"] == "due_soon" and r["working_days_left"] == 0:
                c["due_today"] += 1
        return out


def _prepare(con, as_of: date | None, within: int, units: list[str] | None, profile: Profile):
    """The as-of date, the query's parameters and unit filter, and the working-day calendar
    table the queries join (temporary: workcal)."""
    if within < 0 or within > 60:
        raise InputError("Số ngày làm việc phải từ 0 đến 60", "--within must be 0 to 60 working days")
    as_of = as_of or last_data_date(con)
    if as_of is None:
        return None, {}, "", []
    span = con.execute("SELECT min(CAST(received_at AS DATE)), max(CAST(due_at AS DATE)) FROM dossiers "
                       "WHERE is_current").fetchone()
    # the days the data spans, within bounds a mistyped date (a due date in 2099) cannot
    # stretch: a due date beyond them is never due soon, a dossier received before them is
    # older than any history the risk needs
    start = max(min(span[0] or as_of, as_of), as_of - timedelta(days=366 * 20)) - timedelta(days=1)
    end = min(max(span[1] or as_of, as_of), as_of + timedelta(days=366 * 2)) + timedelta(days=7 * (within + 2) + 30)
    cal = profile.calendar
    calendar_sql(con, cal, start, end)
    gap = sorted({y for y in range(as_of.year, (as_of + timedelta(days=7 * (within + 2))).year + 1)
                  if not cal.covers(y)})
    unit_filter = ""
    params: dict = {"d": as_of, "k": within}
    if units:
        unit_filter = "AND c.unit_code IN (" + ", ".join(f"$u{i}" for i in range(len(units))) + ")"
        params.update({f"u{i}": u for i, u in enumerate(units)})
    return as_of, params, unit_filter, gap


def _flagged_sql(unit_filter: str) -> str:
    """CTEs cur (current dossiers), today, open_ (pending at $d with their working days left)
    and flagged (due soon within $k, or overdue)."""
    return f"""
        WITH cur AS (
            SELECT x.unit_code, u.name AS unit_name, x.dossier_code, x.procedure_code, x.procedure_name,
                   coalesce(x.procedure_code, x.procedure_name, '') AS proc, x.handler,
                   x.received_at, x.due_at, CAST(x.received_at AS DATE) AS rd, CAST(x.due_at AS DATE) AS dd,
                   CAST(x.finished_at AS DATE) AS fd
            FROM dossiers x JOIN units u ON u.code = x.unit_code
            WHERE x.is_current
        ),
        today AS (SELECT n FROM workcal WHERE d = $d),
        open_ AS (
            SELECT c.*, cd.n - (SELECT n FROM today) AS left_
            FROM cur c JOIN workcal cd ON cd.d = c.dd
            WHERE c.rd <= $d AND (c.fd IS NULL OR c.fd > $d) AND c.dd IS NOT NULL {unit_filter}
        ),
        flagged AS (
            SELECT *, CASE WHEN dd < $d THEN 'overdue' ELSE 'due_soon' END AS status FROM open_
            WHERE dd < $d OR left_ <= $k
        )"""


def due_counts(con, as_of: date | None = None, within: int = DEFAULT_WITHIN, units: list[str] | None = None,
               profile: Profile | None = None) -> tuple[date | None, dict[str, dict[str, int]]]:
    """Per unit: due_soon, overdue and due_today, without the risk (for the overview)."""
    profile = profile or load_profile()
    as_of, params, unit_filter, _ = _prepare(con, as_of, within, units, profile)
    if as_of is None:
        return None, {}
    rows = con.execute(f"""{_flagged_sql(unit_filter)}
        SELECT unit_code, count(*) FILTER (WHERE status = 'due_soon'), count(*) FILTER (WHERE status = 'overdue'),
               count(*) FILTER (WHERE status = 'due_soon' AND left_ = 0)
        FROM flagged GROUP BY unit_code""", params).fetchall()
    con.execute("DROP TABLE IF EXISTS workcal")
    return as_of, {u: {"due_soon": a, "overdue": b, "due_today": c} for u, a, b, c in rows}


def last_data_date(con) -> date | None:
    """The newest date the data carries: the as-of date of a morning's export."""
    return con.execute("SELECT CAST(greatest(max(received_at), max(finished_at)) AS DATE) FROM dossiers "
                       "WHERE is_current").fetchone()[0]


def due_list(con, as_of: date | None = None, within: int = DEFAULT_WITHIN, units: list[str] | None = None,
             profile: Profile | None = None) -> DueList:
    """The due-soon and overdue dossiers as of a date, the riskiest first (overdue first)."""
    profile = profile or load_profile()
    as_of, params, unit_filter, gap = _prepare(con, as_of, within, units, profile)
    if as_of is None:
        return DueList(date.today(), within, [], [])
    rows = con.execute(f"""
        {_flagged_sql(unit_filter)},
        hist AS (
            SELECT c.unit_code, c.proc, cd.n - cr.n AS span_,
                   CASE WHEN c.fd > c.dd THEN -1 ELSE cd.n - cf.n END AS j
            FROM cur c JOIN workcal cd ON cd.d = c.dd JOIN workcal cr ON cr.d = c.rd JOIN workcal cf ON cf.d = c.fd
            WHERE c.fd IS NOT NULL AND c.fd <= $d
        ),
        ks AS (SELECT DISTINCT left_ AS k FROM flagged WHERE status = 'due_soon'),
        by_unit AS (
            SELECT h.unit_code, h.proc, ks.k, count(*) FILTER (WHERE h.j <= ks.k AND h.span_ >= ks.k) AS n,
                   count(*) FILTER (WHERE h.j = -1 AND h.span_ >= ks.k) AS late
            FROM hist h, ks GROUP BY ALL
        ),
        by_proc AS (SELECT proc, k, sum(n) AS n, sum(late) AS late FROM by_unit GROUP BY ALL)
        SELECT f.unit_code, f.unit_name, f.dossier_code, f.procedure_code, f.procedure_name, f.received_at,
               f.due_at, f.status,
               CASE WHEN f.status = 'overdue' THEN -((SELECT n FROM today) - (SELECT n FROM workcal WHERE d = f.dd))
                    ELSE f.left_ END AS working_days_left,
               bu.n AS unit_n, bu.late AS unit_late, bp.n AS proc_n, bp.late AS proc_late, f.handler
        FROM flagged f
        LEFT JOIN by_unit bu ON f.status = 'due_soon' AND bu.unit_code = f.unit_code AND bu.proc = f.proc
             AND bu.k = f.left_
        LEFT JOIN by_proc bp ON f.status = 'due_soon' AND bp.proc = f.proc AND bp.k = f.left_
    """, params).fetchall()
    con.execute("DROP TABLE IF EXISTS workcal")
    out = []
    for (unit, uname, code, pcode, pname, rec, due, status, left, un, ul, pn, pl, handler) in rows:
        risk = basis = None
        cases = 0
        if status == "due_soon":
            if un and un >= MIN_CASES:
                risk, cases, basis = ul / un, un, "unit"
            elif pn and pn >= MIN_CASES:
                risk, cases, basis = pl / pn, pn, "procedure"
            else:
                cases, basis = int(pn or 0), "too_few"
        out.append({"as_of": as_of, "unit_code": unit, "unit_name": uname, "dossier_code": code,
                    "procedure_code": pcode, "procedure_name": pname, "received_at": rec, "due_at": due,
                    "status": status, "working_days_left": int(left), "risk": risk, "risk_cases": int(cases),
                    "risk_basis": basis, "handler": handler})
    # overdue first (the longest overdue first), then the riskiest of the due soon, the least time left first
    out.sort(key=lambda r: (r["status"] != "overdue", r["working_days_left"] if r["status"] == "overdue" else 0,
                            -(r["risk"] if r["risk"] is not None else -1.0), r["working_days_left"],
                            r["unit_code"], r["dossier_code"]))
    return DueList(as_of, within, out, gap)
