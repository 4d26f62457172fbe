"""Đơn vị — the league: every unit × KPI for the period, coloured against the goals and in
quartile bands, with the rank change since the comparison period; a unit × month heatmap;
a click on a unit opens its detail."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts, queries
from metrics.i18n import fmt
from metrics.rules import score
from metrics.i18n import pick, t
from metrics.model.kpis import KPI_BY_KEY, KPIS
from metrics.charts.briefing import short_name
from metrics.model.profile import LEVEL_LABELS, UNIT_GROUPS
from ui import components as c
from ui import boot, cards, data, state
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    prof = ctx.profile
    if not c.page_header(f, "page_league"):
        return

    # the headline KPIs: what fits a projector's screen; the others a click away (the multiselect)
    DEFAULT_COLUMNS = [k.key for k in KPIS if k.headline]
    # one unit alone makes no league: show all units and mark the selected one
    units = None if f.unit else f.unit_list
    goals = prof.goals


    SCORE = "score"          # the service score, when metrics.rules.score can compute a unit league


    def ranks(values: pd.Series, lower_is_better: bool) -> pd.Series:
        """1 = best; equal values share the best rank; no value, no rank."""
        return values.astype("Float64").rank(ascending=lower_is_better, method="min").astype("Int64")


    def rank_change(now, before) -> str:
        if fmt.is_missing(now):
            return ""
        if fmt.is_missing(before):
            return t("rank_new", lang)
        moved = int(before) - int(now)
        return f"▲ {moved}" if moved > 0 else (f"▼ {-moved}" if moved < 0 else "=")


    def league_scores(start, end) -> pd.DataFrame:
        """unit_code, score, rank: each group (departments, communes) scored among itself, as
        domain.md 6 asks (all members of a comparison on the same indicators)."""
        frames = []
        for group in ("departments", "communes"):
            df = data.query(score.unit_league, start, end, group=group)
            if not df.empty:
                frames.append(df[["unit_code", "score", "rank"]])
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unit_code", "score", "rank"])


    def ranked(frame: pd.DataFrame, rank_by: str, start, end) -> tuple[pd.Series, pd.Series]:
        """(value, rank) per row of `frame` for the ranking key."""
        if rank_by == SCORE:
            sc = league_scores(start, end).set_index("unit_code")
            value = frame.unit_code.map(sc["score"]).astype("Float64")
            rank = frame.unit_code.map(sc["rank"]).astype("Int64")
            return value, rank
        value = frame[rank_by].astype("Float64")
        return value, ranks(value, KPI_BY_KEY[rank_by].lower_is_better)


    def colour_cells(vals: list, key: str) -> list[str]:
        out = []
        for v in vals:
            if key == SCORE:
                band = charts.quartile_band(v, vals, lower_is_better=False)
                bg = None if band is None else charts.QUARTILE_COLOURS[band]
            else:
                bg = charts.cell_colour(key, v, vals, goals.get(key))
            out.append(f"background-color: {bg}; color: #111" if bg else "")
        return out


    def league_table() -> None:
        cur = data.query(queries.kpi_table, f.start, f.end, units=units)
        per_unit = cur[(cur.unit_code != "ALL") & (cur.months > 0)].reset_index(drop=True)
        if per_unit.empty:
            c.empty_state(lang, "no_data_selection", "empty_hint_filters", period=f.period_label(),
                          unit=f.selection_label)
            return
        prev = data.query(queries.kpi_table, f.cmp_start, f.cmp_end, units=units)
        prev = prev[(prev.unit_code != "ALL") & (prev.months > 0)].reset_index(drop=True)
        # no rank change against a period the jurisdiction resolved nothing in (queries.covered)
        compared = bool(data.query(queries.covered, f.cmp_start, f.cmp_end))

        keys = [SCORE] + [k.key for k in KPIS]
        label_of = {SCORE: t("service_score_short", lang), **{k.key: k.short(lang) for k in KPIS}}
        top = st.columns([2, 3])
        with top[0]:
            rank_by = st.selectbox(t("rank_by", lang), keys, key=state.keeps_choice("league_rank_by"),
                                   format_func=lambda x: t("service_score", lang) if x == SCORE
                                   else KPI_BY_KEY[x].label(lang))
        with top[1]:
            shown = st.multiselect(t("columns_shown", lang), [k.key for k in KPIS], default=DEFAULT_COLUMNS,
                                   key=state.keeps_choice("league_columns"), format_func=lambda x: KPI_BY_KEY[x].short(lang))
        shown = [rank_by] + [x for x in shown if x != rank_by]

        value, now_rank = ranked(per_unit, rank_by, f.start, f.end)
        if prev.empty:
            before = {}
        else:
            before = dict(zip(prev.unit_code, ranked(prev, rank_by, f.cmp_start, f.cmp_end)[1]))
        level_names = {k: pick(v, lang) for k, v in LEVEL_LABELS.items()}
        view = pd.DataFrame({
            "_code": per_unit.unit_code,
            "_group": [0 if lv in UNIT_GROUPS["departments"] else 1 for lv in per_unit.level],
            t("rank", lang): now_rank,
            t("rank_change", lang): [rank_change(r, before.get(u)) if compared else "–"
                                     for r, u in zip(now_rank, per_unit.unit_code)],
            # "Phòng " dropped, long office names abbreviated (the slides' rule, at a width that
            # leaves every name whole: it wraps); the full name heads the unit's page a click away
            t("unit", lang): [("► " if u == f.unit else "") + short_name(n, 40)
                              for u, n in zip(per_unit.unit_code, per_unit.unit_name)],
            t("level", lang): [level_names.get(x, x) for x in per_unit.level],
        })
        for key in shown:
            view[label_of[key]] = value if key == SCORE else per_unit[key].astype("Float64")
        # a score rank is within its group: list each group in rank order
        order = (["_group"] if rank_by == SCORE else []) + [t("rank", lang)]
        view = view.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)

        def formatted(part: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
            """The table as shown (figures written the Vietnamese way, '–' for no data) and each
            KPI cell's colour."""
            out = part.drop(columns=["_code", "_group"]).copy()
            out[t("rank", lang)] = [fmt.no_data(lang, short=True) if fmt.is_missing(v) else str(int(v))
                                    for v in out[t("rank", lang)]]
            styles = {}
            for key in shown:
                label = label_of[key]
                raw = list(part[label])
                if key == SCORE:
                    out[label] = [fmt.decimal(v, lang, 1) if not fmt.is_missing(v) else fmt.no_data(lang, short=True)
                                  for v in raw]
                else:
                    out[label] = [fmt.kpi_value(KPI_BY_KEY[key], v, lang, short=True) if not fmt.is_missing(v)
                                  else fmt.no_data(lang, short=True) for v in raw]
                styles[label] = colour_cells([None if fmt.is_missing(v) else v for v in raw], key)
            return out, styles

        st.caption(t("league_legend", lang) + (" " + t("league_score_note", lang) if rank_by == SCORE else ""))
        total = c.total_row(cur)
        if total is not None and rank_by != SCORE:
            st.caption(t("league_total", lang, unit=state.selection_label(prof, "all" if f.unit else f.selection, lang),
                         value=fmt.kpi_value(KPI_BY_KEY[rank_by], total.get(rank_by), lang),
                         kpi=KPI_BY_KEY[rank_by].short(lang)))
        # by score, departments and communes are ranked each among themselves: two rankings, two tables
        if rank_by == SCORE:
            parts = [(g, view[view._group == g].reset_index(drop=True)) for g in (0, 1) if (view._group == g).any()]
        else:
            parts = [(None, view)]
        heads_help = {label_of[key]: t("service_score", lang) if key == SCORE else KPI_BY_KEY[key].label(lang)
                      for key in shown}
        for g, part in parts:
            if g is not None:
                st.subheader(t("league_group_departments" if g == 0 else "league_group_communes", lang))
                # the heading names the block: its level column only took the KPIs' room at 1280×720
                part = part.drop(columns=[t("level", lang)])
            shown_part, styles = formatted(part)
            # a unit's name opens its page (the shared filters kept in the link)
            links = {t("unit", lang): [state.link("unit_detail", u=code) for code in part["_code"]]}
            # HTML, not st.dataframe: headings and names wrap instead of being cut at 1280×720,
            # and the page needs no grid script (docs/performance.md)
            st.html(cards.table(shown_part, styles=styles, links=links, heads_help=heads_help))
        st.caption(t("league_click_hint", lang))


    # The table or the heatmap, one at a time (in the link, ?view=heatmap): both took 2.2 s to draw
    # at 1280×720, the heatmap below the screen.
    VIEW = state.views("league_view", "view", ("table", "heatmap"), t("league_views", lang),
                       lambda k: t(f"league_view_{k}", lang))

    if VIEW == "table":
        with c.guarded(lang):
            league_table()
    else:
        st.header(t("heatmap_title", lang))


    def heatmap() -> None:
        key = st.selectbox(t("kpi", lang), [k.key for k in KPIS], key=state.keeps_choice("league_heat_kpi"),
                           format_func=lambda x: KPI_BY_KEY[x].label(lang))
        start, end = f.trend_window(12)
        series = data.query(queries.kpi_series, start, end, units=units, by_unit=True)
        order = [u.name for u in prof.units]
        from ui.notes_ui import events

        c.plot(charts.league_heatmap(series, key, lang, goals.get(key), unit_order=order,
                                     annotations=events(start, end, f.unit)), key="league-heat")


    if VIEW == "heatmap":
        with c.guarded(lang):
            heatmap()


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
