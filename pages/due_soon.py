"""Sắp đến hạn — the pending dossiers that will be late unless someone acts, as of a day:
due today or within a few working days, and those already overdue; per unit, with the risk
from each unit's own history and the official who handles it. A unit account opens here."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics.rules import due
from metrics.i18n import fmt
from metrics.charts.briefing import short_name
from metrics.i18n import t
from ui import components as c
from ui import boot, cards, data, downloads, login, state
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    st.title(t("page_due_soon", lang))
    st.caption(f.selection_label)
    if c.needs_data(f):
        return

    STATUS = ("all", "due_soon", "overdue")
    last = data.query(due.last_data_date)

    # the page's own filters live in the link too (?asof=2022-08-31&within=5&due=overdue), left out
    # while they are the defaults
    state.from_url("due_asof", "asof", last, date.fromisoformat)
    state.from_url("due_within", "within", due.DEFAULT_WITHIN, int, range(0, 31))
    state.from_url("due_status", "due", "all", str, STATUS)

    cols = st.columns([2, 2, 3])
    with cols[0]:
        as_of = st.date_input(t("due_as_of", lang), key="due_asof", format="DD/MM/YYYY",
                              help=t("due_as_of_help", lang)) or last
    with cols[1]:
        within = st.number_input(t("due_within", lang), min_value=0, max_value=30, key="due_within",
                                 help=t("due_within_help", lang))
    with cols[2]:
        status = st.pills(t("status", lang), STATUS, key="due_status",
                          format_func=lambda s: t(f"due_status_{s}", lang)) or "all"
    state.to_url("asof", as_of.isoformat() if as_of else None, last.isoformat() if last else None)
    state.to_url("within", int(within), due.DEFAULT_WITHIN)
    state.to_url("due", status, "all")

    st.caption(t("due_definition", lang, n=within) + " " + t("due_vs_backlog", lang))

    with c.guarded(lang):
        dl = data.query(due.due_list, as_of, int(within), units=list(f.units) if f.units else None)
        for y in dl.calendar_gap:
            st.warning(t("due_calendar_gap", lang, year=y), icon=":material/event_busy:")
        counts = dl.counts()
        prof = data.profile()
        if not dl.rows:
            st.success(t("due_none", lang, day=fmt.day(dl.as_of, lang), n=within), icon=":material/check_circle:")
            return

        # --- per unit: where to act first -----------------------------------------------------------
        st.subheader(t("due_per_unit", lang))
        names = {u.code: u.name for u in prof.units}
        per_unit = pd.DataFrame([{
            t("unit", lang): names.get(code, code),
            t("due_today", lang): fmt.number(n["due_today"], lang),
            t("due_status_due_soon", lang): fmt.number(n["due_soon"], lang),
            t("due_status_overdue", lang): fmt.number(n["overdue"], lang),
        } for code, n in sorted(counts.items(), key=lambda x: -(x[1]["due_soon"] + x[1]["overdue"]))])
        # HTML tables (ui/cards.table): a long unit name wraps instead of being cut at 1280×720,
        # and the page needs no grid script, which cost a new tab ~0.2 s (docs/performance.md)
        st.html(cards.table(per_unit, max_height=360))

        # --- the list, the riskiest first ------------------------------------------------------------
        rows = [r for r in dl.rows if status == "all" or r["status"] == status]
        me = login.current_user()
        show_handler = login.can("see_officials") or (me is not None and me.role == "unit")

        def risk_text(r) -> str:
            if r["status"] == "overdue":
                return t("due_risk_late_already", lang)
            if r["risk"] is None:
                return t("due_risk_thin", lang, n=r["risk_cases"])
            basis = t(f"due_basis_{r['risk_basis']}", lang)
            return f"{fmt.percent(r['risk'], lang)} ({t('due_cases', lang, n=fmt.number(r['risk_cases'], lang))}, {basis})"

        one_unit = f.unit is not None

        def frame(rows) -> pd.DataFrame:
            # what to act on first, left: days left, status, due day, risk; then which dossier (at
            # 1280×720 the unit and procedure names took the screen and these fell off its edge)
            out = pd.DataFrame({
                t("due_days_left", lang): [r["working_days_left"] for r in rows],
                t("col_status", lang): [t(f"due_status_{r['status']}", lang) for r in rows],
                t("col_due_at", lang): [fmt.day(r["due_at"], lang) for r in rows],
                t("due_risk", lang): [risk_text(r) for r in rows],
                t("col_dossier_code", lang): [r["dossier_code"] for r in rows],
                t("col_procedure_name", lang): [r["procedure_name"] or r["procedure_code"] or fmt.no_data(lang, short=True)
                                                for r in rows],
            })
            if not one_unit:     # one unit selected: its name is the page's caption
                out[t("unit", lang)] = [r["unit_name"] for r in rows]
            out[t("col_received_at", lang)] = [fmt.day(r["received_at"], lang) for r in rows]
            if show_handler:
                out[t("due_handler", lang)] = [r["handler"] or fmt.no_data(lang, short=True) for r in rows]
            return out

        st.subheader(t("due_list_title", lang, n=fmt.number(len(rows), lang), day=fmt.day(dl.as_of, lang)))
        view = frame(rows)
        # already in the order to act (the riskiest first); the whole list in the downloads
        # a page of the list at a time, more on request: 400 rows of HTML took as long to show as
        # the grid script they replaced; the page's link keeps how far the reader had come
        limit = c.rows_shown("due_rows", (as_of, int(within), status, f.units))
        shown = view.head(limit).copy()
        if t("unit", lang) in shown:       # on screen the slides' short name; whole in the downloads
            shown[t("unit", lang)] = [short_name(n, 40) for n in shown[t("unit", lang)]]
        st.html(cards.table(shown, max_height=560, dense=True,
                            nowrap=(t("col_status", lang), t("col_due_at", lang), t("col_received_at", lang))))
        if len(view) > limit:
            st.caption(t("due_shown", lang, shown=fmt.number(limit, lang), n=fmt.number(len(view), lang)))
        c.more_rows("due_rows", limit, len(view), lang)
        name = f"sap-den-han_{dl.as_of.isoformat()}_{within}"
        d1, d2, _ = st.columns([1, 1, 3])
        with d1:
            st.download_button(t("download_csv", lang), downloads.audited(lambda: downloads.csv_bytes(view), f"{name}.csv"),
                               file_name=f"{name}.csv", mime="text/csv", icon=":material/download:", on_click="ignore",
                               key="due-dl-csv")
        with d2:
            st.download_button(t("download_xlsx", lang),
                               downloads.audited(lambda: downloads.xlsx_bytes({t("page_due_soon", lang)[:31]: view}, lang),
                                                 f"{name}.xlsx"),
                               file_name=f"{name}.xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               icon=":material/download:", on_click="ignore", key="due-dl-xlsx")


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
