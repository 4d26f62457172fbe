"""Chi tiết đơn vị — one unit: every KPI over time with its goal line, the breakdown by
procedure and by field, the reconciliation of its II.06a report against its dossiers, and
the way to its dossiers."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts, queries
from metrics.i18n import fmt
from metrics.errors import ReformError
from metrics.i18n import pick, t
from metrics.model.kpis import COUNTER, KPI_BY_KEY, KPIS
from metrics.model.profile import LEVEL_LABELS
from metrics.charts import inline as inline_charts
from ui import components as c
from ui import boot, cards, data, login, notes_ui, state
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    prof = ctx.profile


    def pick_unit() -> str:
        """The unit of the shared filter; when a group is selected, ask which of its units."""
        if f.unit:
            return f.unit
        choices = list(f.units) if f.units else [u.code for u in prof.current_units()]
        # start on the unit that most needs attention in the period (the most dossiers late and
        # overdue), never on an empty page
        need: dict[str, int] = {}
        try:
            table = data.query(queries.kpi_table, f.start, f.end, units=choices, include_total=False)
            for code, months, late, overdue in zip(table.unit_code, table.months, table.resolved_late,
                                                   table.pending_overdue):
                if months > 0:
                    need[code] = (0 if pd.isna(late) else int(late)) + (0 if pd.isna(overdue) else int(overdue))
        except ReformError:
            pass
        ranked = sorted((code for code in choices if code in need), key=lambda code: -need[code])
        first = choices.index(ranked[0]) if ranked else 0
        code = st.selectbox(t("choose_unit", lang), choices, index=first, key=state.keeps_choice("detail_unit_pick"),
                            format_func=lambda x: state.selection_label(prof, x, lang))
        st.button(t("keep_unit", lang), on_click=state.request, kwargs={"u": code}, icon=":material/push_pin:",
                  help=t("keep_unit_help", lang))
        return code


    st.title(t("page_unit_detail", lang))
    if c.needs_data(f):
        return
    unit = pick_unit()
    u = prof.unit(unit)
    level = LEVEL_LABELS.get(u.level, (u.level, u.level))
    st.header(u.name)
    st.caption(" · ".join([pick(level, lang), f.period_label(),
                           f"{t('compared_with', lang)} {f.cmp_label()}"]))

    # this unit's dossiers (the unit becomes the shared filter), all or by status
    links = st.container(horizontal=True)
    for status in ("all", "late", "overdue", "apology_missing") if login.can("see_dossiers") else ():
        label = t("see_dossiers", lang) if status == "all" else t(f"see_dossiers_{status}", lang)
        if links.button(label, key=f"detail-go-{status}", icon=":material/folder_open:" if status == "all" else None):
            state.switch("dossiers", u=unit, dossier_status=status)

    with c.guarded(lang):
        c.kpi_cards(f, [k.key for k in KPIS if k.headline], [unit], per_row=3, label=u.name)

    # last month's commitments of the unit beside its figures, kept or not
    with c.guarded(lang):
        notes_ui.unit_review(f, unit)

    # One view at a time, not tabs: tabs draw every tab's charts (a dozen trends, the measures, two
    # breakdowns: 4 s at 1280×720) before the first one shows; the view is in the link (?view=fields).
    view_name = state.views("ud_view", "view", ("trends", "measures", "procedures", "fields", "reconciliation"),
                            t("unit_views", lang), lambda k: t(f"tab_{k}", lang))


    def trends() -> None:
        start, end = f.trend_window(12)
        series = c.covered_series(data.query(queries.kpi_series, start, end, units=[unit]), start, end)
        if series.empty:
            c.empty_state(lang, "no_data_unit_window", None, unit=u.name)
            return
        st.caption(t("trend_caption", lang, start=fmt.month(start, lang), end=fmt.month(end, lang)))
        known = [k for k in KPIS if series[k.key].notna().any()]
        unknown = [k for k in KPIS if k not in known]
        # light SVG charts (metrics/charts/inline.py) in one element: a dozen Plotly charts took three
        # seconds to draw at 1280×720; two a row only where each keeps its writing readable
        series = series.sort_values("period")
        events = notes_ui.events(start, end, unit)
        drawn = [inline_charts.kpi_trend(list(series.period), list(series[k.key]), k.key, lang, prof.goals.get(k.key),
                                         annotations=events, legend=False) for k in known]
        # the events numbered as on every chart, once above them
        st.html(inline_charts.event_legend(list(series.period), events, lang) + cards.flow(drawn))
        if unknown:
            st.caption(t("kpis_without_data", lang, names=", ".join(k.short(lang) for k in unknown)))


    def breakdown(by: str) -> None:
        table = data.query(queries.breakdown, f.start, f.end, units=[unit], by=by)
        if table.empty:
            c.empty_state(lang, "no_dossiers_breakdown", None, unit=u.name, period=f.period_label())
            return
        goals = prof.goals
        key = st.segmented_control(t("kpi", lang), ["on_time_rate", "late_count", "online_rate", "satisfaction_rate"],
                                   default="on_time_rate", key=f"ud-bd-kpi-{by}", required=True,
                                   format_func=lambda x: KPI_BY_KEY[x].short(lang))
        c.plot(charts.breakdown_bars(table, key, lang, goals.get(key),
                                     title=f"{KPI_BY_KEY[key].label(lang)} — {t(f'by_{by}', lang)}"),
               key=f"ud-bd-{by}")
        cols = {"item": t(by, lang), "received_total": COUNTER["received_total"].label(lang),
                "resolved": t("resolved", lang)}
        view = pd.DataFrame({cols["item"]: table["item"],
                             cols["received_total"]: [fmt.number(v, lang) for v in table.received_total],
                             cols["resolved"]: [fmt.number(v, lang) for v in table.resolved]})
        for k in ("on_time_rate", "late_count", "overdue_backlog", "online_rate", "online_payment_rate",
                  "satisfaction_rate"):
            view[KPI_BY_KEY[k].short(lang)] = [fmt.kpi_value(KPI_BY_KEY[k], v, lang, short=True) for v in table[k]]
        # a static table: procedure names wrap and every figure stays in view at 1280 px (the grid
        # gave the names a column of their own width and pushed the figures off the screen)
        st.html(cards.table(view, max_height=560, dense=len(view) > 15))


    RECON = ["received_total", "received_online", "resolved", "resolved_early", "resolved_on_time", "resolved_late",
             "pending", "pending_in_time", "pending_overdue"]


    def reconciliation() -> None:
        rec = data.query(queries.reconciliation, f.start, f.end, unit=unit)
        if rec.empty:
            c.empty_state(lang, "no_reconciliation", None, unit=u.name, period=f.period_label())
        else:
            st.caption(t("reconciliation_help", lang))
            for _, r in rec.iterrows():
                st.subheader(fmt.month(r.period, lang, long=True))
                diffs = [r[f"diff_{x}"] for x in RECON]
                view = pd.DataFrame({
                    t("counter", lang): [COUNTER[x].label(lang) for x in RECON],
                    t("from_report", lang): [fmt.number(r[f"report_{x}"], lang) for x in RECON],
                    t("from_dossiers", lang): [fmt.number(r[f"dossiers_{x}"], lang) for x in RECON],
                    t("difference", lang): [fmt.delta_count(d, lang) if not fmt.is_missing(d) else fmt.no_data(lang)
                                            for d in diffs],
                })
                st.dataframe(view.style.apply(
                    lambda col: ["background-color: #fcd9a8" if not fmt.is_missing(d) and d != 0 else "" for d in diffs],
                    subset=[t("difference", lang)]), hide_index=True, width="stretch")


    with c.guarded(lang):
        if view_name == "trends":
            trends()
        elif view_name == "measures":
            notes_ui.measures_block(f, [unit], unit, key="ud")
        elif view_name in ("procedures", "fields"):
            breakdown(view_name[:-1])
        else:
            reconciliation()


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
