"""The month's workbook (.xlsx): one sheet per table, Vietnamese headers, real numbers with
number formats (Excel shows them in the reader's locale: "1.234", "97,5%"), a frozen header
row with filters on every sheet, and no cell that Excel could run as a formula.

Formula injection: every text cell is written with `write_string` (a string cell, never a
formula), and text that starts like a formula (= + - @, tab, CR) also carries the
"quote prefix" style, the apostrophe Excel itself puts before such text, so that editing
the cell and pressing Enter keeps it text. The text itself is stored unchanged.

Dossier lists carry no personal data: the store has none of the applicant's, and the
handling official's name is left out here as well.
"""
from __future__ import annotations

import io
import math
import numbers
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from .. import charts, clock, queries
from ..i18n import fmt
from ..i18n import pick, t
from ..model.kpis import COUNTER, KPI_BY_KEY, KPIS
from ..model.period import last_day
from ..model.profile import Profile
from . import briefing as bf
from . import slides
from .common import looks_like_formula, tx
from ..i18n.fmt import month_words

MAX_DOSSIER_ROWS = 200_000
TITLE_ROWS = 2          # title and subtitle above the header row
# the II.06a counters, in the form's order, then what the KPIs need besides
COUNTERS = ["received_total", "received_online", "received_direct_post", "carried_over", "resolved",
            "resolved_early", "resolved_on_time", "resolved_late", "pending", "pending_in_time",
            "pending_overdue", "fee_dossiers", "paid_online", "result_by_post", "rated", "satisfied",
            "apologised", "digitised", "e_result", "certified", "e_certified", "land_violation"]

NUMBER_FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "score": "0.00",
    "dec1": "0.0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
}


@dataclass
class Col:
    header: str
    kind: str = "text"          # text, int, pct, score, dec1, date, datetime, pp, or "kpi:<key>"
    width: float = 14


class _Book:
    """XlsxWriter with cached formats and the text-safety rule applied to every cell."""

    def __init__(self, buf, lang: str):
        import xlsxwriter

        # strings_to_formulas/urls/numbers off: text stays text whatever it looks like
        self.wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
        self.lang = lang
        self._formats: dict[tuple, object] = {}
        self.sheet_names: list[str] = []

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
            base.update(props)
            self._formats[key] = self.wb.add_format(base)
        return self._formats[key]

    def text(self, ws, r: int, c: int, value, **props) -> None:
        s = "" if value is None else str(value)
        if not s:
            ws.write_blank(r, c, None, self.fmt(**props))
            return
        if looks_like_formula(s):
            props = dict(props, quote_prefix=True)
        ws.write_string(r, c, s, self.fmt(**props))

    def number(self, ws, r: int, c: int, value, num_format: str, **props) -> None:
        f = self.fmt(num_format=num_format, **props)
        if fmt.is_missing(value):
            ws.write_blank(r, c, None, f)
            return
        v = float(value)
        if math.isinf(v):
            ws.write_blank(r, c, None, f)
        else:
            ws.write_number(r, c, v, f)

    def when(self, ws, r: int, c: int, value, num_format: str) -> None:
        f = self.fmt(num_format=num_format)
        if fmt.is_missing(value):
            ws.write_blank(r, c, None, f)
            return
        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime()
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        ws.write_datetime(r, c, value, f)

    def sheet(self, name: str, title: str, subtitle: str, cols: list[Col], rows: list[list],
              empty_text: str, freeze_cols: int = 0, bold_first: bool = False) -> None:
        name = _sheet_name(name, self.sheet_names)
        self.sheet_names.append(name)
        ws = self.wb.add_worksheet(name)
        self.text(ws, 0, 0, title, bold=True, font_size=13)
        self.text(ws, 1, 0, subtitle, italic=True, font_color="#444444")
        h = TITLE_ROWS
        for j, col in enumerate(cols):
            self.text(ws, h, j, col.header, bold=True, text_wrap=True, bg_color="#DBE9F6", bottom=1,
                      valign="vcenter")
            ws.set_column(j, j, col.width)
        ws.set_row(h, 42)
        for i, row in enumerate(rows):
            r = h + 1 + i
            bold = bold_first and i == 0
            for j, (col, v) in enumerate(zip(cols, row)):
                kind = col.kind
                if isinstance(v, tuple):        # a cell with its own format: (kind, value)
                    kind, v = v
                self._cell(ws, r, j, kind, v, bold)
        if not rows:
            self.text(ws, h + 1, 0, empty_text, italic=True)
        last = h + max(1, len(rows))
        ws.freeze_panes(h + 1, freeze_cols)
        ws.autofilter(h, 0, last, len(cols) - 1)

    def _cell(self, ws, r: int, c: int, kind: str, v, bold: bool = False) -> None:
        props = {"bold": True} if bold else {}
        if kind.startswith("kpi:"):
            k = KPI_BY_KEY[kind[4:]]
            kind = "pct" if k.is_rate else "int"
        if kind.startswith("pp:"):
            # a change of a KPI: percentage points for a rate, a count for a count
            k = KPI_BY_KEY[kind[3:]]
            if k.is_rate:
                unit = fmt.points_unit(self.lang)
                f = f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'
                self.number(ws, r, c, None if fmt.is_missing(v) else float(v) * 100, f, **props)
            else:
                self.number(ws, r, c, v, "+#,##0;-#,##0;0", **props)
            return
        if kind in ("date", "datetime"):
            self.when(ws, r, c, v, NUMBER_FORMATS[kind])
        elif kind in NUMBER_FORMATS:
            self.number(ws, r, c, v, NUMBER_FORMATS[kind], **props)
        else:
            self.text(ws, r, c, "" if fmt.is_missing(v) else v, **props)

    def close(self) -> None:
        self.wb.close()


def _sheet_name(name: str, taken: list[str]) -> str:
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip("' ")[:31] or "Sheet"
    out, n = clean, 2
    while out.lower() in (x.lower() for x in taken):
        suffix = f" ({n})"
        out = clean[: 31 - len(suffix)] + suffix
        n += 1
    return out


# --- the sheets ---------------------------------------------------------------------------------
def _sum(row, names):
    vals = [row.get(n) for n in names]
    return None if any(fmt.is_missing(v) for v in vals) else float(sum(vals))


def _yes_no(v, lang: str) -> str:
    if fmt.is_missing(v):
        return ""
    return tx("yes", lang) if v else tx("no", lang)


def _units_sheet(book: _Book, m: bf.Month, sub: str) -> None:
    lang = m.lang
    cols = [Col(tx("unit_code", lang), width=10), Col(tx("unit", lang), width=34), Col(tx("level", lang), width=16)]
    cols += [Col(COUNTER[c].label(lang), "int", 12) for c in COUNTERS]
    cols += [Col(k.label(lang), f"kpi:{k.key}", 13) for k in KPIS]
    rows = []
    for r in m.table.to_dict("records"):
        code = r["unit_code"]
        rows.append([code, r["unit_name"], bf.level_label(r.get("level"), lang)]
                    + [r.get(c) for c in COUNTERS] + [r.get(k.key) for k in KPIS])
    title = tx("xlsx_figures_by_unit", lang) + f" — {month_words(m.period, lang)}"
    book.sheet(tx("xlsx_figures_by_unit", lang), title, sub, cols, rows,
               slides.no_data_text(m), freeze_cols=2, bold_first=not m.unit)


def _compare_sheet(book: _Book, m: bf.Month, sub: str) -> None:
    lang = m.lang
    prev = {r["unit_code"]: r for r in m.table_prev.to_dict("records")}
    yoy = {r["unit_code"]: r for r in m.table_yoy.to_dict("records")}
    ytd = {r["unit_code"]: r for r in m.table_ytd.to_dict("records")}
    cols = [Col(tx("unit_code", lang), width=10), Col(tx("unit", lang), width=32), Col(tx("kpi", lang), width=34),
            Col(tx("this_month", lang), width=12),
            Col(f"{tx('prev_month', lang)} ({fmt.month(m.prev, lang)})", width=13),
            Col(tx("change", lang), width=13),
            Col(f"{tx('yoy', lang)} ({fmt.month(queries.add_months(m.period, -12), lang)})", width=14),
            Col(tx("ytd", lang), width=13), Col(tx("goal", lang), width=11), Col(tx("status", lang), width=11),
            Col(tx("numerator", lang), "int", 11), Col(tx("denominator", lang), "int", 11)]
    rows = []
    for r in m.table.to_dict("records"):
        code = r["unit_code"]
        for k in KPIS:
            v = r.get(k.key)
            pv = prev.get(code, {}).get(k.key)
            goal = m.profile.goals.get(k.key)
            status = charts.goal_status(k, v, goal)
            word = {"good": tx("goal_met", lang), "bad": tx("goal_not_met", lang)}.get(status, "")
            diff = None if fmt.is_missing(v) or fmt.is_missing(pv) else float(v) - float(pv)
            rows.append([code, r["unit_name"], k.label(lang),
                         (f"kpi:{k.key}", v), (f"kpi:{k.key}", pv), (f"pp:{k.key}", diff),
                         (f"kpi:{k.key}", yoy.get(code, {}).get(k.key)), (f"kpi:{k.key}", ytd.get(code, {}).get(k.key)),
                         (f"kpi:{k.key}", goal), word,
                         _sum(r, k.num), _sum(r, k.den) if k.den else None])
    title = tx("xlsx_figures_compared", lang) + f" — {month_words(m.period, lang)}"
    book.sheet(tx("xlsx_comparisons", lang), title, sub, cols, rows,
                 slides.no_data_text(m), freeze_cols=3)


def _indicator_cols(m: bf.Month) -> list[Col]:
    lang = m.lang
    cols = [Col(KPI_BY_KEY[i.kpi].label(lang), "pct", 13) for i in m.profile.indicators]
    miss = tx("xlsx_points_missing", lang)
    cols += [Col(f"{miss}: {KPI_BY_KEY[i.kpi].short(lang)}", "dec1", 12) for i in m.profile.indicators]
    return cols


def _indicator_values(m: bf.Month, r: dict) -> list:
    return [r.get(f"value_{i.key}") for i in m.profile.indicators] + \
           [r.get(f"points_{i.key}") for i in m.profile.indicators]


def _peers_sheet(book: _Book, m: bf.Month, sub: str) -> None:
    lang = m.lang
    cols = [Col(tx("rank", lang), "int", 7), Col(tx("unit_code", lang), width=9), Col(tx("peer", lang), width=22),
            Col(tx("self", lang), width=9), Col(tx("score", lang), "score", 9)] + _indicator_cols(m)
    rows = []
    for r in m.ranking.to_dict("records") if not m.ranking.empty else []:
        rows.append([r.get("rank"), r["peer_code"], r["peer_name"], "◄" if r.get("is_self") else "", r.get("score")]
                    + _indicator_values(m, r))
    peers = m.profile.peer_kind(lang)
    title = tx("rank_title_short", lang, peers=peers) + f" — {month_words(m.period, lang)}"
    book.sheet(tx("xlsx_peer_ranking", lang), title, sub + " · " + tx("score_note", lang),
               cols, rows, tx("rank_none", lang, peers=peers, month=month_words(m.period, lang)), freeze_cols=3)


def _league_sheet(book: _Book, m: bf.Month, sub: str) -> None:
    lang = m.lang
    cols = [Col(tx("group", lang), width=24), Col(tx("rank", lang), "int", 7),
            Col(tx("xlsx_units_in_group", lang), "int", 10),
            Col(tx("unit_code", lang), width=9), Col(tx("unit", lang), width=32),
            Col(tx("score", lang), "score", 9)] + _indicator_cols(m)
    rows = []
    for g, lg in m.leagues.items():
        if lg.empty:
            continue
        n = int(lg.score.notna().sum())
        for r in lg.to_dict("records"):
            if m.unit and r["unit_code"] != m.unit:
                continue        # a unit's workbook names no other unit
            rows.append([tx(f"group_{g}", lang).capitalize(), r.get("rank"), n, r["unit_code"], r["unit_name"],
                         r.get("score")] + _indicator_values(m, r))
    title = tx("xlsx_units_league", lang) + f" — {month_words(m.period, lang)}"
    book.sheet(tx("xlsx_units_league_2", lang), title, sub + " · " + tx("score_note", lang),
               cols, rows, slides.no_data_text(m), freeze_cols=5)


def _flags_sheet(book: _Book, m: bf.Month, sub: str) -> None:
    lang = m.lang
    from ..rules.flags import FLAG_LABELS

    cols = [Col(tx("unit_code", lang), width=9), Col(tx("unit", lang), width=32), Col(tx("flag", lang), width=36),
            Col(tx("value", lang), "dec1", 9), Col(tx("detail", lang), width=70)]
    rows = []
    for r in m.flags.itertuples():
        label = pick(FLAG_LABELS[r.flag], lang) if r.flag in FLAG_LABELS else r.flag
        rows.append([r.unit_code, r.unit_name, label, r.value, str(r.detail)])
    title = tx("flags_title", lang) + f" — {month_words(m.period, lang)}"
    book.sheet(tx("xlsx_warnings", lang), title, sub, cols, rows, tx("flags_none", lang),
               freeze_cols=2)


def _review_sheet(book: _Book, m: bf.Month, sub: str) -> None:
    lang = m.lang
    names = {u.code: u.name for u in m.profile.units}
    cols = [Col(tx("unit_code", lang), width=9), Col(tx("unit", lang), width=30), Col(tx("commitment", lang), width=60),
            Col(tx("owner", lang), width=20), Col(tx("kpi", lang), width=30), Col(tx("goal", lang), width=11),
            Col(f"{tx('prev_month', lang)} ({fmt.month(m.prev, lang)})", width=13),
            Col(f"{tx('this_month', lang)} ({fmt.month(m.period, lang)})", width=13), Col(tx("result", lang), width=14)]
    rows = []
    for r in m.review.itertuples():
        k = KPI_BY_KEY.get(r.kpi) if isinstance(r.kpi, str) else None
        kind = f"kpi:{k.key}" if k else "text"
        kept = tx("kept_none", lang) if r.kept is None or fmt.is_missing(r.kept) else \
            tx("kept_yes", lang) if bool(r.kept) else tx("kept_no", lang)
        rows.append([r.unit_code, names.get(r.unit_code, r.unit_code), r.text,
                     r.owner if isinstance(r.owner, str) else "", k.label(lang) if k else "",
                     (kind, r.target if k else None), (kind, r.value_before if k else None),
                     (kind, r.value_now if k else None), kept])
    title = tx("review_title", lang) + f" ({fmt.month(m.prev, lang)})"
    book.sheet(tx("xlsx_commitments", lang), title, sub, cols, rows,
                 tx("review_none", lang, month=fmt.month(m.prev, lang, long=True)), freeze_cols=2)


_DOSSIER_COLS = [
    ("dossier_code", "col_dossier_code", "text", 28), ("unit_code", None, "text", 9),
    ("unit_name", "col_unit_name", "text", 28), ("procedure_code", None, "text", 11),
    ("procedure_name", "col_procedure_name", "text", 50), ("field", "col_field", "text", 18),
    ("channel", "col_channel", "text", 14), ("received_at", "col_received_at", "datetime", 16),
    ("due_at", "col_due_at", "datetime", 16), ("finished_at", "col_finished_at", "datetime", 16),
    ("days", None, "int", 10), ("has_fee", "col_has_fee", "text", 9), ("paid_online", "col_paid_online", "text", 11),
    ("result_by_post", "col_result_by_post", "text", 10), ("digitised", "col_digitised", "text", 9),
    ("e_result", "col_e_result", "text", 10), ("apology_sent", "col_apology_sent", "text", 10),
    ("apology_at", None, "datetime", 16), ("rating", "col_rating", "text", 14),
]
_BOOL = {"has_fee", "paid_online", "result_by_post", "digitised", "e_result", "apology_sent"}


def _dossier_sheet(book: _Book, m: bf.Month, sub: str, status: str) -> int:
    lang = m.lang
    df = m.dossiers(status, limit=MAX_DOSSIER_ROWS)
    end = last_day(m.period)
    headers = {"unit_code": tx("unit_code", lang),
               "procedure_code": tx("xlsx_procedure_code", lang),
               "apology_at": tx("xlsx_apology_date", lang),
               "days": tx("days_late", lang) if status == "late" else tx("xlsx_days_overdue", lang)}
    cols = [Col(headers.get(name) or t(key, lang), kind, w) for name, key, kind, w in _DOSSIER_COLS]
    rows = []
    for r in df.to_dict("records"):
        if status == "late":
            days = r.get("days_late")
        else:
            due = fmt.to_date(r.get("due_at"))
            days = (end - due).days if due else None
        row = []
        for name, _, _, _ in _DOSSIER_COLS:
            v = days if name == "days" else r.get(name)
            if name == "channel":
                v = t(f"channel_{int(v)}", lang) if not fmt.is_missing(v) else ""
            elif name == "rating":
                v = t(f"rating_{v}", lang) if isinstance(v, str) and v else ""
            elif name in _BOOL:
                v = _yes_no(v, lang)
            row.append(v)
        rows.append(row)
    if status == "late":
        name = tx("xlsx_late_dossiers", lang)
        title = tx("xlsx_dossiers_resolved_late_in", lang) + \
            f" {month_words(m.period, lang)}"
    else:
        name = tx("xlsx_overdue_dossiers", lang)
        title = tx("xlsx_pending_overdue_at_end", lang) + f" {month_words(m.period, lang)}"
    note = tx("xlsx_no_personal_data", lang)
    book.sheet(name, title, f"{sub} · {note}", cols, rows,
               tx("late_none", lang) if status == "late" else tx("no_data", lang).capitalize(), freeze_cols=1)
    return len(rows)


def _info_sheet(book: _Book, m: bf.Month, sub: str, counts: dict[str, int]) -> None:
    lang = m.lang
    last = m.as_of.get("last_date")
    items = [
        (tx("xlsx_about_body", lang), m.profile.issuing_body),
        (tx("xlsx_about_subject", lang), m.subject),
        (tx("xlsx_about_period", lang), month_words(m.period, lang)),
        (tx("xlsx_about_up_to", lang), fmt.day(min(last, last_day(m.period)), lang) if last else ""),
        (tx("xlsx_about_prepared", lang), fmt.timestamp(clock.now(), lang)),
        (tx("xlsx_about_data", lang), tx("demo", lang) if m.as_of.get("is_demo") else
         tx("xlsx_about_data_imported", lang)),
        (tx("xlsx_about_empty", lang), tx("xlsx_about_empty_text", lang)),
        (tx("xlsx_about_rates", lang), tx("xlsx_about_rates_text", lang)),
        (tx("xlsx_about_score", lang), tx("score_note", lang)),
        (tx("xlsx_about_personal", lang), tx("xlsx_about_personal_text", lang)),
    ]
    for key, n in counts.items():
        if n >= MAX_DOSSIER_ROWS:
            items.append((key, tx("xlsx_about_first_rows", lang, n=fmt.number(MAX_DOSSIER_ROWS, lang))))
    cols = [Col(tx("xlsx_about_item", lang), width=24), Col(tx("xlsx_about_content", lang), width=90)]
    book.sheet(tx("xlsx_about", lang), tx("xlsx_about_title", lang), sub, cols, [list(x) for x in items], "")


def export_xlsx(con, period: date, profile: Profile, lang: str = "vi", unit: str | None = None,
                month: bf.Month | None = None) -> bytes:
    """The month's workbook as .xlsx bytes."""
    m = month or bf.gather(con, period, profile, lang, unit)
    lang = m.lang
    sub = f"{m.subject} · {profile.issuing_body}"
    if m.as_of.get("is_demo"):
        sub += f" · {tx('demo_short', lang)}"
    buf = io.BytesIO()
    book = _Book(buf, lang)
    _units_sheet(book, m, sub)
    _compare_sheet(book, m, sub)
    if not m.unit:
        _peers_sheet(book, m, sub)
    _league_sheet(book, m, sub)
    _flags_sheet(book, m, sub)
    _review_sheet(book, m, sub)
    counts = {"late": _dossier_sheet(book, m, sub, "late"), "overdue": _dossier_sheet(book, m, sub, "overdue")}
    _info_sheet(book, m, sub, counts)
    book.close()
    return buf.getvalue()


def frames_workbook(frames: dict[str, pd.DataFrame], lang: str = "vi") -> bytes:
    """Any tables as a workbook with the same safety (text never a formula), a frozen header
    row and filters: for download buttons that would otherwise use DataFrame.to_excel."""
    buf = io.BytesIO()
    book = _Book(buf, lang)
    for name, df in frames.items():
        name = _sheet_name(name, book.sheet_names)
        book.sheet_names.append(name)
        ws = book.wb.add_worksheet(name)
        for j, col in enumerate(df.columns):
            book.text(ws, 0, j, col, bold=True, bg_color="#DBE9F6", bottom=1, text_wrap=True)
            ws.set_column(j, j, min(50, max(10, len(str(col)) + 2)))
        for i, rec in enumerate(df.itertuples(index=False), start=1):
            for j, v in enumerate(rec):
                if fmt.is_missing(v):
                    ws.write_blank(i, j, None)
                elif isinstance(v, bool):
                    book.text(ws, i, j, _yes_no(v, lang))
                elif isinstance(v, numbers.Number) and not isinstance(v, (bool, complex)):
                    # numpy's integers (a nullable Int64 column's values) are numbers too: the
                    # days late were written as text
                    book.number(ws, i, j, v, "General")
                elif isinstance(v, (datetime, date)) or hasattr(v, "to_pydatetime"):
                    book.when(ws, i, j, v, NUMBER_FORMATS["datetime"])
                else:
                    book.text(ws, i, j, v)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(df)), max(0, len(df.columns) - 1))
    book.close()
    return buf.getvalue()
