"""Đơn vị — the league: every unit × KPI for the period, coloured against the goals and in
quartile bands, with the rank change since the comparison period; a unit × month heatmap;
a click on a unit opens its detail."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts, fmt
from metrics.i18n import t
from metrics.kpis import KPI_BY_KEY, KPIS
from metrics.profile import LEVEL_LABELS
from ui import components as c
from ui import data, state

f = state.filters()
lang = f.lang
prof = data.profile()
c.page_header(f, "page_league")
if c.needs_data(f):
    st.stop()

DEFAULT_COLUMNS = [k.key for k in KPIS if k.headline] + ["progress_766", "apology_rate", "e_result_rate"]
# one unit alone makes no league: show all units and mark the selected one
units = None if f.unit else f.unit_list
goals = prof.goals


def ranks(frame: pd.DataFrame, key: str) -> pd.Series:
    """1 = best; equal values share the best rank; no value, no rank."""
    k = KPI_BY_KEY[key]
    return frame[key].astype("Float64").rank(ascending=k.lower_is_better, method="min").astype("Int64")


def rank_change(now, before) -> str:
    if fmt.is_missing(now):
        return ""
    if fmt.is_missing(before):
        return t("rank_new", lang)
    moved = int(before) - int(now)
    return f"▲ {moved}" if moved > 0 else (f"▼ {-moved}" if moved < 0 else "=")


def league_table() -> None:
    cur = data.query("kpi_table", f.start, f.end, units=units)
    per_unit = cur[(cur.unit_code != "ALL") & (cur.months > 0)].reset_index(drop=True)
    if per_unit.empty:
        c.empty_state(lang, "no_data_selection", "empty_hint_filters", period=f.period_label(),
                      unit=f.selection_label)
        return
    prev = data.query("kpi_table", f.cmp_start, f.cmp_end, units=units)
    prev = prev[(prev.unit_code != "ALL") & (prev.months > 0)]

    top = st.columns([2, 3])
    with top[0]:
        rank_by = st.selectbox(t("rank_by", lang), [k.key for k in KPIS], key="league_rank_by",
                               format_func=lambda x: KPI_BY_KEY[x].label(lang))
    with top[1]:
        shown = st.multiselect(t("columns_shown", lang), [k.key for k in KPIS], default=DEFAULT_COLUMNS,
                               key="league_columns", format_func=lambda x: KPI_BY_KEY[x].short(lang))
    shown = [rank_by] + [x for x in shown if x != rank_by]

    now_rank = ranks(per_unit, rank_by)
    before = dict(zip(prev.unit_code, ranks(prev, rank_by))) if not prev.empty else {}
    level_names = {k: (v[0] if lang == "vi" else v[1]) for k, v in LEVEL_LABELS.items()}
    view = pd.DataFrame({
        "_code": per_unit.unit_code,
        t("rank", lang): now_rank,
        t("rank_change", lang): [rank_change(r, before.get(u)) for r, u in zip(now_rank, per_unit.unit_code)],
        t("unit", lang): [("► " if u == f.unit else "") + n for u, n in zip(per_unit.unit_code, per_unit.unit_name)],
        t("level", lang): [level_names.get(x, x) for x in per_unit.level],
    })
    labels = {}
    for key in shown:
        label = KPI_BY_KEY[key].short(lang)
        labels[key] = label
        view[label] = per_unit[key].astype("Float64")
    view = view.sort_values(t("rank", lang), na_position="last", kind="stable").reset_index(drop=True)

    def colour(col: pd.Series, key: str) -> list[str]:
        vals = list(col)
        out = []
        for v in vals:
            bg = charts.cell_colour(key, v, vals, goals.get(key))
            out.append(f"background-color: {bg}; color: #111" if bg else "")
        return out

    styler = view.drop(columns="_code").style
    for key, label in labels.items():
        k = KPI_BY_KEY[key]
        styler = styler.format(lambda v, k=k: fmt.kpi_value(k, v, lang, short=True), subset=[label])
        styler = styler.apply(lambda col, key=key: colour(col, key), subset=[label])
    styler = styler.format(lambda v: "" if fmt.is_missing(v) else str(int(v)), subset=[t("rank", lang)])

    st.caption(t("league_legend", lang))
    total = c.total_row(cur)
    if total is not None:
        st.caption(t("league_total", lang, unit=state.selection_label(prof, "all" if f.unit else f.selection, lang),
                     value=fmt.kpi_value(KPI_BY_KEY[rank_by], total.get(rank_by), lang),
                     kpi=KPI_BY_KEY[rank_by].short(lang)))
    version = st.session_state.get("_league_v", 0)
    event = st.dataframe(styler, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key=f"league_table_{version}",
                         height=min(38 * len(view) + 42, 720))
    st.caption(t("league_click_hint", lang))
    rows = event.selection.rows if event is not None else []
    if rows:
        code = view["_code"].iloc[rows[0]]
        # a fresh table next time: a remembered selection would jump to the detail again
        st.session_state["_league_v"] = version + 1
        state.request(u=code)
        st.switch_page("pages/unit_detail.py")


with c.guarded(lang):
    league_table()

st.header(t("heatmap_title", lang))


def heatmap() -> None:
    key = st.selectbox(t("kpi", lang), [k.key for k in KPIS], key="league_heat_kpi",
                       format_func=lambda x: KPI_BY_KEY[x].label(lang))
    start, end = f.trend_window(12)
    series = data.query("kpi_series", start, end, units=units, by_unit=True)
    order = [u.name for u in prof.units]
    c.plot(charts.league_heatmap(series, key, lang, goals.get(key), unit_order=order), key="league-heat")


with c.guarded(lang):
    heatmap()
