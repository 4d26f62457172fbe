"""Cảnh báo — the rules of the order as a worklist for the month: flags grouped by unit,
worst first, each opening its dossiers; apology letters for every late dossier; officials
with late dossiers in consecutive months (leaders and officers only); commitments of the
units, last month's judged kept or not; the order's measures over the year; and the events
drawn on the charts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.i18n import fmt
from metrics.rules import flags as flag_rules      # `flags` names the month's flags here
from metrics.i18n import t
from metrics.charts import analysis as figures
from ui import attention_parts as ap
from ui import components as c
from ui import boot, cards, data, login, notes_ui, state
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    prof = ctx.profile
    if not c.page_header(f, "page_attention"):
        return

    MONTH = f.end
    MONTH_LABEL = fmt.month(MONTH, lang, long=True)
    SEVERITY_BADGE = {5: ("red", ":material/error:"), 4: ("orange", ":material/warning:"),
                      3: ("yellow", ":material/schedule:"), 2: ("blue", ":material/info:")}
    # the dossier list's status for each flag (the dossiers page opens on it)
    FLAG_STATUS = {"late_streak": "late", "apology_missing": "apology_missing", "land_at_commune": "land_violation",
                   "overdue_backlog": "overdue", "priority_not_honoured": "priority_not_early"}
    OPEN = "_att_open"          # the flags whose dossiers are shown: {(unit, flag)}
    SHOWN = 200

    if f.is_range:
        st.caption(t("attention_range_note", lang, month=MONTH_LABEL))

    # One view at a time, not tabs: tabs drew every tab (the measures' charts, the apology chart, two
    # forms) before the flags showed; the view is in the link (?view=apology).
    VIEW = state.views("att_view", "view", ("flags", "apology", "commitments", "measures", "events"),
                       t("att_views", lang), lambda k: t(f"att_tab_{k}", lang))


    # --- 1. flags, grouped by unit, worst first -----------------------------------------------------
    def toggle(key: tuple[str, str]) -> None:
        opened = st.session_state.setdefault(OPEN, set())
        opened.symmetric_difference_update({key})


    def flag_dossiers(unit: str, flag: str) -> None:
        df = data.query(flag_rules.flag_dossiers, MONTH, unit, flag)
        if df.empty:
            st.caption(t("flag_no_dossiers", lang))
            return
        view = ap.dossier_view(df.head(SHOWN), lang)
        st.dataframe(view, hide_index=True, width="stretch", height=min(38 * len(view) + 42, 360),
                     placeholder="–")
        note = t("flag_dossiers_count", lang, n=fmt.number(len(df), lang))
        if len(df) > SHOWN:
            note += " " + t("shown_first", lang, n=fmt.number(SHOWN, lang))
        st.caption(note)
        if login.can("see_dossiers") and st.button(t("open_in_dossiers", lang), key=f"att-go-{unit}-{flag}",
                                                    icon=":material/folder_open:"):
            state.switch("dossiers", u=unit, dossier_status=FLAG_STATUS.get(flag, "all"))


    def flags_section() -> None:
        flags = ap.flags_of_month(f)
        st.subheader(t("attention_title", lang, month=MONTH_LABEL))
        if flags.empty:
            st.success(t("no_flags", lang), icon=":material/check_circle:")
            return
        counts = flags.groupby("flag").size()
        # five cards in a row: each under a short name (the engine's full name, in the help, broke
        # English words in two at 1280 px); the labels wrap between words, never inside one
        st.html("<style>.st-key-att-counts [data-testid='stMetricLabel'] * { white-space: normal !important; "
                "overflow: visible !important; text-overflow: clip !important; overflow-wrap: normal !important; "
                "word-break: normal !important; }</style>")
        cols = st.container(key="att-counts").columns(len(counts))
        for col, (flag, n) in zip(cols, sorted(counts.items(), key=lambda x: -ap.severity(x[0]))):
            # a count of units, not of dossiers (beside the overview's dossier counts): said in the
            # label; in the value "3 đơn vị" was cut to "3 đ…" in a fifth of 1280 px
            col.metric(t("n_units_label", lang, label=t(f"flag_card_{flag}", lang)), fmt.number(n, lang),
                       help=t("flag_units_help", lang, label=ap.flag_label(flag, lang)), border=True)
        st.caption(t("flags_count", lang, n=fmt.number(len(flags), lang),
                     units=fmt.number(flags.unit_code.nunique(), lang)) + " · " + t("flags_order_note", lang))
        opened = st.session_state.setdefault(OPEN, set())
        for unit, g in flags.groupby("unit_code", sort=False):
            with st.container(border=True, key=f"att-unit-{unit}"):
                st.markdown(f"#### {g.unit_name.iloc[0]}")
                for r in g.to_dict("records"):
                    colour, icon = SEVERITY_BADGE.get(int(r["severity"]), ("gray", ":material/info:"))
                    line = st.container(horizontal=True, vertical_alignment="center")
                    line.badge(ap.flag_label(r["flag"], lang), color=colour, icon=icon)
                    line.markdown(ap.detail_text(r), width="stretch")
                    key = (unit, r["flag"])
                    is_open = key in opened
                    line.button(t("hide_dossiers", lang) if is_open else t("show_dossiers", lang),
                                key=f"att-flag-{unit}-{r['flag']}", on_click=toggle, args=(key,),
                                icon=":material/expand_less:" if is_open else ":material/expand_more:",
                                type="tertiary")
                    if is_open:
                        with c.guarded(lang):
                            flag_dossiers(unit, r["flag"])


    if VIEW == "flags":
        with c.guarded(lang):
            flags_section()

        # officials with late dossiers in consecutive months: leaders, officers and admins only
        if login.can("see_officials"):
            st.subheader(t("streaks_title", lang))
            with c.guarded(lang):
                streaks = data.query(flag_rules.handler_streaks, MONTH)
                if f.units:
                    streaks = streaks[streaks.unit_code.isin(f.units)]
                if streaks.empty:
                    st.success(t("streaks_none", lang), icon=":material/check_circle:")
                else:
                    st.caption(t("streaks_help", lang))
                    names = {u.code: u.name for u in prof.units}
                    # HTML (ui/cards.table), not st.dataframe: the first view then needs no grid
                    # script (~0.2 s of a new tab, docs/performance.md) and names wrap
                    st.html(cards.table(pd.DataFrame({
                        t("unit", lang): [names.get(u, u) for u in streaks.unit_code],
                        t("official", lang): list(streaks.handler),
                        t("streak_months", lang): [fmt.number(v, lang) for v in streaks.streak],
                        t("streak_late", lang): [fmt.number(v, lang) for v in streaks.late_dossiers],
                    }), max_height=420))


    # --- 2. apology letters -----------------------------------------------------------------------------
    def apology_section() -> None:
        st.caption(t("apology_help", lang))
        rows = data.query(flag_rules.apology_status, f.start, f.end, units=f.unit_list)
        names = {u.code: u.name for u in prof.units}
        st.subheader(t("apology_by_unit", lang, period=f.period_label()))
        if rows.empty:
            st.success(t("apology_no_late", lang, period=f.period_label()), icon=":material/check_circle:")
        else:
            by_unit = ap.apology_summary(rows, "unit_code")
            by_unit = by_unit.sort_values(["missing", "dossiers"], ascending=False)
            view = pd.DataFrame({t("unit", lang): [names.get(u, u) for u in by_unit.unit_code],
                                 t("apology_dossiers", lang): [fmt.number(v, lang) for v in by_unit.dossiers]})
            for s in ap.APOLOGY_STATES:
                if by_unit[s].sum() or s != "unknown":     # "unknown" only when some export said nothing
                    view[t(f"apology_{s}", lang)] = [fmt.number(v, lang) for v in by_unit[s]]
            view[t("apology_sent_rate", lang)] = [fmt.percent(v, lang) for v in by_unit.sent_rate]
            view[t("apology_in_time_rate", lang)] = [fmt.percent(v, lang) for v in by_unit.in_time_rate]
            st.dataframe(view, hide_index=True, width="stretch", height=min(38 * len(view) + 42, 460))
        # per month over the year: late dossiers by the state of their apology
        start, end = f.trend_window(12)
        window = data.query(flag_rules.apology_status, start, end, units=f.unit_list)
        if not window.empty:
            window = window.assign(period=[fmt.to_date(x).replace(day=1) for x in window.finished_at])
        by_month = ap.apology_summary(window, "period")
        c.plot(figures.apology_bars(by_month, lang, t("apology_by_month", lang),
                                    annotations=notes_ui.events(start, end, f.unit)), key="att-apology-month")
        if not by_month.empty:
            st.dataframe(pd.DataFrame({
                t("period", lang): [fmt.month(p, lang) for p in by_month.period],
                t("apology_dossiers", lang): [fmt.number(v, lang) for v in by_month.dossiers],
                t("apology_sent_rate", lang): [fmt.percent(v, lang) for v in by_month.sent_rate],
                t("apology_in_time_rate", lang): [fmt.percent(v, lang) for v in by_month.in_time_rate],
            }), hide_index=True, width="stretch")
        if not rows.empty:
            with st.expander(t("apology_list", lang, n=fmt.number(len(rows), lang))):
                listed = rows.head(SHOWN)
                st.dataframe(pd.DataFrame({
                    t("unit", lang): [names.get(u, u) for u in listed.unit_code],
                    t("col_dossier_code", lang): list(listed.dossier_code),
                    t("col_procedure_name", lang): list(listed.procedure_name),
                    t("col_due_at", lang): [fmt.day(x, lang) for x in listed.due_at],
                    t("col_finished_at", lang): [fmt.day(x, lang) if not fmt.is_missing(x) else "" for x in listed.finished_at],
                    t("apology_date", lang): [fmt.day(x, lang) if not fmt.is_missing(x) else "–" for x in listed.apology_at],
                    t("status", lang): [t(f"apology_{s}", lang) for s in listed.apology],
                }), hide_index=True, width="stretch", height=min(38 * len(listed) + 42, 420))
                if len(rows) > SHOWN:
                    st.caption(t("shown_first", lang, n=fmt.number(SHOWN, lang)))


    if VIEW == "apology":
        with c.guarded(lang):
            apology_section()

    # --- 3. commitments ------------------------------------------------------------------------------------
    if VIEW == "commitments":
        st.subheader(t("review_title", lang, month=fmt.month(MONTH, lang, long=True)))
        with c.guarded(lang):
            notes_ui.review_block(f, f.unit_list, key="att")
        st.subheader(t("commit_title", lang))
        with c.guarded(lang):
            notes_ui.commitments_block(f, key="att")

    # --- 4. the order's measures ----------------------------------------------------------------------
    if VIEW == "measures":
        st.subheader(t("measures_title", lang, unit=f.selection_label))
        with c.guarded(lang):
            notes_ui.measures_block(f, f.unit_list, f.unit, key="att")

    # --- 5. events on the charts --------------------------------------------------------------------------
    if VIEW == "events":
        st.subheader(t("events_title", lang))
        with c.guarded(lang):
            notes_ui.events_block(f, key="att")


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
