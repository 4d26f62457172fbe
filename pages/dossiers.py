"""Hồ sơ — the dossiers behind the figures: late, overdue, without an apology, by procedure,
channel and unit, with counts and CSV/Excel downloads. The store holds no personal data
(the importer drops it), and the handler's name is not listed either: it is kept only for
the apology rule."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.i18n import fmt
from metrics import queries
from metrics.errors import ReformError
from metrics.charts.briefing import short_name
from metrics.i18n import t
from ui import components as c
from ui import boot, cards, data, downloads, state
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    if not c.page_header(f, "page_dossiers"):
        return

    STATUSES = ["all", "late", "overdue", "apology_missing", "pending", "early", "on_time", "land_violation",
                "priority_not_early"]
    CHANNELS = [0, 1, 2, 3]
    SHOWN = 1000           # rows of the full table (the grid)


    def options(by: str) -> list[str]:
        """The fields or procedures that occur in the period, for the filter boxes."""
        try:
            table = data.query(queries.breakdown, f.start, f.end, units=f.unit_list, by=by)
        except ReformError:
            return []
        return [x for x in table["item"] if x and x != "?"]


    # the page's own filters in the link too: a shared link opens the same list
    state.from_url("dossier_channel", "ch", 0, int, CHANNELS)
    state.from_url("dossier_field", "field", "")
    state.from_url("dossier_procedure", "proc", "")
    state.from_url("dossier_search", "q", "")
    state.from_url("dossier_status", "status", "all", str, STATUSES)
    state.from_url("dossier_grid", "grid", False, lambda v: v == "1")
    cols = st.columns([2, 2, 2, 2])
    with cols[0]:
        channel = st.selectbox(t("channel", lang), CHANNELS, key=state.keeps_choice("dossier_channel"),
                               format_func=lambda x: t(f"channel_{x}", lang))
    with cols[1]:
        field_opts = [""] + options("field")
        if st.session_state.get("dossier_field") not in field_opts:      # a stale link
            st.session_state["dossier_field"] = ""
        field = st.selectbox(t("field", lang), field_opts, key="dossier_field",
                             format_func=lambda x: x or t("any", lang))
    with cols[2]:
        proc_opts = [""] + options("procedure")
        if st.session_state.get("dossier_procedure") not in proc_opts:
            st.session_state["dossier_procedure"] = ""
        procedure = st.selectbox(t("procedure", lang), proc_opts, key="dossier_procedure",
                                 format_func=lambda x: x or t("any", lang))
    with cols[3]:
        search = st.text_input(t("search", lang), key="dossier_search", placeholder=t("search_hint", lang)).strip()

    common = dict(units=f.unit_list, procedure=procedure or None, channel=channel or None, field=field or None,
                  search=search or None)

    counts = {}
    with c.guarded(lang):
        for s in STATUSES:
            counts[s] = data.query(queries.dossier_count, f.start, f.end, status=s, **common)

    if st.session_state.get("dossier_status") not in STATUSES:
        st.session_state["dossier_status"] = "all"
    status = st.pills(t("status", lang), STATUSES, key=state.keeps_choice("dossier_status"), required=True,
                      format_func=lambda s: f"{t(f'status_{s}', lang)} ({fmt.number(counts.get(s), lang)})")
    status = status or "all"
    for param, value, default in (("ch", channel, 0), ("field", field, ""), ("proc", procedure, ""), ("q", search, ""),
                                  ("status", status, "all")):
        state.to_url(param, value, default)
    st.caption(t(f"status_help_{status}", lang))

    DISPLAY = ["dossier_code", "unit_name", "procedure_name", "field", "channel", "received_at", "due_at",
               "finished_at", "status", "days_late", "has_fee", "paid_online", "result_by_post", "digitised",
               "e_result", "apology_sent", "rating"]
    FLAGS = ["has_fee", "paid_online", "result_by_post", "digitised", "e_result", "apology_sent"]


    def display_frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
        """The list as a person reads it: labels translated, yes/no as ✓/✗, unknown as –."""
        out = pd.DataFrame()
        for col in DISPLAY:
            v = df[col] if col in df else pd.Series([None] * len(df))
            if col == "channel":
                v = [t(f"channel_{int(x)}", lang) if not fmt.is_missing(x) else "–" for x in v]
            elif col == "status":
                v = [t(f"status_{x}", lang) for x in v]
            elif col == "rating":
                v = [t(f"rating_{x}", lang) if x else "" for x in v]
            elif col in FLAGS:
                v = ["–" if fmt.is_missing(x) else ("✓" if x else "✗") for x in v]
            elif col == "days_late":
                v = pd.array(v, dtype="Int64")
            out[t(f"col_{col}", lang)] = v
        return out


    SHORT = ["dossier_code", "status", "days_late", "due_at", "unit_name", "procedure_name", "channel", "received_at",
             "finished_at"]


    def short_frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
        """The short list: what a reader looks for first (which dossier, how late, due when,
        where), dates as days, the unit's short name; '–' for a missing value."""
        full = display_frame(df, lang)
        none = fmt.no_data(lang, short=True)
        out = pd.DataFrame()
        for col in SHORT:
            label = t(f"col_{col}", lang)
            v = full[label]
            if col in ("received_at", "due_at", "finished_at"):
                v = [none if fmt.is_missing(x) else fmt.day(x, lang) for x in v]
            elif col == "unit_name":
                v = [none if fmt.is_missing(x) else short_name(x, 40) for x in v]
            elif col == "days_late":
                v = [none if fmt.is_missing(x) else fmt.number(x, lang) for x in v]
            else:
                v = [none if fmt.is_missing(x) or x == "" else x for x in v]
            out[label] = v
        return out


    with c.guarded(lang):
        total = counts.get(status, 0) or 0
        if not total:
            c.empty_state(lang, "no_dossiers_filter", "no_dossiers_filter_hint", period=f.period_label())
        else:
            grid = st.toggle(t("dossier_grid", lang), key="dossier_grid",
                             help=t("dossier_grid_help", lang, n=fmt.number(SHOWN, lang)))
            state.to_url("grid", "1" if grid else "", "")
            if grid:
                df = data.query(queries.dossier_list, f.start, f.end, status=status, limit=SHOWN, **common)
                view = display_frame(df, lang)
                dt = fmt.day_pattern(lang)
                st.dataframe(view, hide_index=True, width="stretch", height=560, placeholder="–", column_config={
                    t("col_received_at", lang): st.column_config.DatetimeColumn(format=dt + " HH:mm"),
                    t("col_due_at", lang): st.column_config.DatetimeColumn(format=dt),
                    t("col_finished_at", lang): st.column_config.DatetimeColumn(format=dt),
                })
                limit = SHOWN
            else:
                # the short list, as HTML, a page at a time: names whole at 1280×720 (the grid cut
                # them and its headings) and no grid script, which cost each new tab ~0.2 s
                # (docs/performance.md); the full table a switch away, the whole list in the files
                limit = c.rows_shown("dossier_rows", (f.start, f.end, f.units, status, tuple(sorted(common.items()))))
                df = data.query(queries.dossier_list, f.start, f.end, status=status, limit=limit, **common)
                st.html(cards.table(short_frame(df, lang), max_height=560, dense=True,
                                    nowrap=(t("col_received_at", lang), t("col_due_at", lang),
                                            t("col_finished_at", lang), t("col_status", lang))))
                c.more_rows("dossier_rows", limit, total, lang)
            if total > limit:
                st.caption(t("shown_of", lang, shown=fmt.number(min(limit, total), lang), total=fmt.number(total, lang)))

            # the files are built only when asked for (in another thread: no Streamlit there)
            root = data.connection()
            args = (f.start, f.end)
            kwargs = dict(status=status, limit=None, **common)

            def full_list() -> pd.DataFrame:
                with root.cursor() as cur:
                    return display_frame(queries.dossier_list(cur, *args, **kwargs), lang)

            def as_csv() -> bytes:
                # utf-8 with BOM: Excel opens it with the Vietnamese letters intact; a cell that
                # starts like a formula (= + - @) is written with a leading quote, as text
                return downloads.csv_bytes(full_list())

            def as_xlsx() -> bytes:
                # the exports' workbook writer: text is never a live formula (a procedure named
                # "=HYPERLINK(...)" stays text), header frozen, filters on
                return downloads.xlsx_bytes({t("page_dossiers", lang)[:31]: full_list()}, lang)

            name = f"ho-so_{status}_{fmt.month_key(f.start)}" + (f"_{fmt.month_key(f.end)}" if f.is_range else "") + \
                   ("" if f.selection == "all" else f"_{f.selection}")
            d1, d2, _ = st.columns([1, 1, 3])
            with d1:
                st.download_button(t("download_csv", lang), downloads.audited(as_csv, f"{name}.csv"),
                                   file_name=f"{name}.csv", mime="text/csv",
                                   icon=":material/download:", on_click="ignore", key="dl-csv")
            with d2:
                st.download_button(t("download_xlsx", lang), downloads.audited(as_xlsx, f"{name}.xlsx"),
                                   file_name=f"{name}.xlsx",
                                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   icon=":material/download:", on_click="ignore", key="dl-xlsx")


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
