"""Xếp hạng — where the jurisdiction stands among its peers and what it takes to reach the
target places: this month's peer scores, the rank over the months, the gap to the target
and stretch places, where the points are (per indicator and per unit), a what-if by
indicator and by unit, the smallest change of each indicator that reaches the target, the
year-end projection, the leagues of communes and of departments, and the official yearly
CCHC index."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import charts, queries
from metrics.i18n import fmt
from metrics.rules import official, projection, score, whatif
from metrics.i18n import pick, t
from metrics.model.kpis import KPI_BY_KEY
from metrics.charts import analysis as figures
from metrics.charts import briefing as export_figures
from metrics.charts import inline as inline_charts
from ui import components as c
from ui import boot, cards, data, login, menu, notes_ui, state
from ui import ranking_parts as rp
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    prof = ctx.profile
    # the rank is the jurisdiction's among its peers, whatever unit is selected: say whose it is
    # (a commune's account read the commune's name above the district's rank as its own)
    st.title(t("page_ranking", lang))
    st.caption(t("ranking_whose", lang, name=prof.jurisdiction_name, period=f.period_label())
               + ("" if f.selection == "all" else " " + t("ranking_not_unit", lang, unit=f.selection_label)))
    if c.needs_data(f):
        return

    TARGET, STRETCH = prof.target_rank, prof.stretch_rank
    PEERS = prof.peer_kind(lang)
    NAME = prof.short_name or prof.jurisdiction_name
    PERIOD_KEY = f"{fmt.month_key(f.start)}_{fmt.month_key(f.end)}"
    INDICATORS = {i.key: i for i in prof.indicators}


    def ind_label(key: str, short: bool = False) -> str:
        k = KPI_BY_KEY[INDICATORS[key].kpi]
        return k.short(lang) if short else k.label(lang)


    def points(v, decimals: int = 1) -> str:
        return f"{fmt.decimal(v, lang, decimals)} {t('points_word', lang)}"


    ranking = pd.DataFrame()
    with c.guarded(lang):
        ranking = data.query(score.peer_ranking, f.start, f.end)
    me = rp.self_of(ranking)
    HAS_PEERS = me is not None and not fmt.is_missing(me.get("score"))


    # --- 1. where we stand -----------------------------------------------------------------------------
    def standing() -> None:
        n = int(ranking.score.notna().sum())
        rank = None if fmt.is_missing(me.get("rank")) else int(me["rank"])
        cols = st.columns(4)
        on_target = rank is not None and rank <= TARGET
        with cols[0], st.container(border=True, key=f"kpi-{'good' if on_target else 'bad'}-rk-rank"):
            st.metric(t("rank", lang), f"{rank if rank is not None else '–'} / {n}")
            st.badge(t("target_rank_badge", lang, rank=TARGET, stretch=STRETCH), color="green" if on_target else "red",
                     icon=":material/check_circle:" if on_target else ":material/error:")
        with cols[1], st.container(border=True):
            # the whole name ("… (ước tính QĐ 766)") was cut to "Điểm phục vụ …" in a quarter of 1280 px
            st.metric(t("service_score_card", lang), fmt.decimal(me["score"], lang), help=t("service_score_help", lang))
            st.caption(t("service_score_estimate", lang))
            if len(prof.peers) and n < len(prof.peers):
                st.caption(t("peers_partial_note", lang, n=n, total=len(prof.peers)))
        for col, place in zip(cols[2:], (TARGET, STRETCH)):
            gap = rp.gap_to(ranking, place)
            with col, st.container(border=True, key=f"kpi-{'good' if gap and gap['inside'] else 'bad'}-rk-gap{place}"):
                if gap is None:
                    st.metric(t("gap_to", lang, rank=place), fmt.no_data(lang))
                elif gap["inside"]:
                    st.metric(t("gap_to", lang, rank=place), t("gap_inside", lang, rank=place))
                    if gap["points"] is not None:
                        st.caption(t("gap_ahead", lang, points=points(gap["points"], 2), rank=gap["place"],
                                     name=gap["name"]))
                else:
                    # the caption says "points to add": the bare number fits a quarter-width card
                    st.metric(t("gap_to", lang, rank=place), "+" + fmt.decimal(gap["points"], lang, 2))
                    st.caption(t("gap_behind", lang, rank=place, name=gap["name"]))


    # One section at a time: the page held nine charts and six tables (3.3 s to draw at 1280×720,
    # most of it below the screen); each section is a click away and in the link (?sec=whatif).
    section = state.views("rk_section", "sec", ("standing", "points", "whatif", "projection", "leagues", "index"),
                          t("rank_sections", lang), lambda k: t(f"rank_section_{k}", lang))


    def shown(name: str) -> bool:
        return section == name

    def peer_section(name: str, title_key: str, draw) -> None:
        """A section that compares with the peers: said so where there is no peer data."""
        if not shown(name):
            return
        if not HAS_PEERS:
            c.empty_state(lang, "needs_peer_data", "needs_peer_data_hint")
            return
        st.header(t(title_key, lang))
        with c.guarded(lang):
            draw()


    if shown("standing"):
        st.header(t("rank_standing_title", lang, peers=PEERS))
        if not HAS_PEERS:
            c.empty_state(lang, "needs_peer_data", "needs_peer_data_hint")
            st.page_link(menu.page("import_desk", lang), label=t("page_import_desk", lang))
        else:
            with c.guarded(lang):
                standing()
            # the overview's light charts (metrics/charts/inline.py), drawn with the page: no chart library
            # to load before the first section shows
            with c.guarded(lang):
                win = f.trend_window(12)
                hist = data.rank_history(win[0], win[1])
                st.html(cards.columns([inline_charts.peer_bars(ranking, lang, TARGET, STRETCH),
                                       inline_charts.rank_trend(hist, lang, TARGET,
                                                                annotations=notes_ui.events(win[0], win[1]))], [1, 1]))


    # --- 1b. which score this is: the estimate, and the official table beside it when imported -----------
    def official_section() -> None:
        from metrics.rules.official import GROUPS

        cmp = data.query(official.peer_comparison, f.end)
        if cmp.empty:
            st.caption(t("official_none", lang))
            return
        st.subheader(t("official_title", lang))
        mine = cmp[cmp.code == prof.code]
        n = int(cmp.official_total.notna().sum())
        if len(mine) and not fmt.is_missing(mine.official_total.iloc[0]):
            r = mine.iloc[0]
            st.markdown(t("official_shown", lang, name=NAME, rank=int(r.official_rank), n=n,
                          total=fmt.decimal(r.official_total, lang, 2)))
            rows = []
            for g in GROUPS:
                est, off, err = r[f"estimate_{g.key}"], r[f"official_{g.key}"], r[f"error_{g.key}"]
                rows.append({t("official_group", lang): g.label(lang),
                             t("official_max", lang): fmt.number(g.points, lang),
                             t("official_official", lang): fmt.decimal(off, lang, 2),
                             t("official_estimate", lang): t("official_not_estimable", lang) if not g.indicators
                             else fmt.decimal(est, lang, 2),
                             t("official_error", lang): "" if fmt.is_missing(err) else fmt.signed(
                                 fmt.decimal(err, lang, 2), err)})
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        table = cmp.sort_values("official_rank", na_position="last")
        st.dataframe(pd.DataFrame({
            t("official_rank", lang): [fmt.number(v, lang) for v in table.official_rank],
            t("unit", lang): [prof.peer_name(c) for c in table.code],
            t("official_total", lang): [fmt.decimal(v, lang, 2) for v in table.official_total],
            t("estimate_rank", lang): [fmt.number(v, lang) for v in table.estimate_rank],
            t("estimate_score", lang): [fmt.decimal(v, lang, 2) for v in table.estimate_score],
        }), hide_index=True, width="stretch")


    if shown("standing"):
        with c.guarded(lang):
            official_section()


    # --- 2. the road to the target: what it takes ---------------------------------------------------------
    def need_lines(needs: list, place: int) -> None:
        rank = None if fmt.is_missing(me.get("rank")) else int(me["rank"])
        if rank is not None and rank <= place:
            st.success(t("road_inside", lang, rank=rank, place=place), icon=":material/check_circle:")
            return
        reach = [x for x in needs if x.needed is not None and not x.already and x.current is not None]
        cannot = [x for x in needs if x.needed is None and x.current is not None]
        if reach:
            st.markdown(t("road_one_of", lang, place=place))
            # the easiest first: the smallest change relative to the indicator's full mark
            reach.sort(key=lambda x: (x.needed - x.current) / max(1e-9, INDICATORS[x.indicator].full_mark))
            st.markdown("\n".join(f"- {cap(x.text(lang))}" for x in reach))
        else:
            st.warning(t("road_no_single", lang, place=place), icon=":material/warning:")
        if cannot:
            st.caption(" · ".join(cap(x.text(lang)) for x in cannot))


    def cap(text: str) -> str:
        return text[:1].upper() + text[1:]


    if shown("standing") and HAS_PEERS:
        st.header(t("road_title", lang, stretch=STRETCH, target=TARGET))
        st.caption(t("road_help", lang))
        cols = st.columns(2)
        for col, place in zip(cols, sorted({TARGET, STRETCH}, reverse=True)):
            with col, st.container(border=True), c.guarded(lang):
                st.subheader(t("road_to_place", lang, place=place))
                need_lines(data.query(whatif.what_it_takes, f.start, f.end, target_rank=place), place)


    # --- 3. where the points are -----------------------------------------------------------------------------
    def points_section() -> None:
        left, right = st.columns([1, 1])
        with left:
            st.subheader(t("points_by_indicator", lang))
            # light bars (metrics/charts/inline.py): names wrap and values stay whole in a half-width column
            st.html(inline_charts.points_list(me, prof.indicators, lang))
            rows = []
            for ind in prof.indicators:
                rows.append({
                    t("indicator", lang): KPI_BY_KEY[ind.kpi].label(lang),
                    t("value", lang): fmt.percent(me.get(f"value_{ind.key}"), lang),
                    t("full_mark", lang): fmt.percent(ind.full_mark, lang),
                    t("weight", lang): fmt.decimal(ind.weight, lang, 0),
                    t("points", lang): fmt.decimal(me.get(f"points_{ind.key}"), lang, 2),
                })
            with st.expander(t("points_table", lang)):
                st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        with right:
            st.subheader(t("points_by_unit", lang, name=NAME))
            if not login.can("see_all_units"):
                st.info(t("not_for_unit_role", lang), icon=":material/lock:")
                return
            with st.spinner(t("computing", lang)):
                gains = rp.unit_gains(f.start, f.end)
            st.html(inline_charts.gains_list(gains, lang))
            st.caption(t("points_by_unit_help", lang, name=NAME))


    peer_section("points", "points_title_page", points_section)


    # --- 4. what-if -----------------------------------------------------------------------------------------
    def result(sim: pd.DataFrame, key: str) -> None:
        new = rp.self_of(sim)
        if new is None or fmt.is_missing(new.get("score")):
            st.info(t("whatif_no_result", lang), icon=":material/info:")
            return
        n = int(sim.score.notna().sum())
        d_score = float(new["score"]) - float(me["score"])
        old_rank, new_rank = int(me["rank"]), int(new["rank"])
        a, b = st.columns(2)
        with a, st.container(border=True, key=f"kpi-{'good' if new_rank <= TARGET else 'bad'}-{key}-rank"):
            st.metric(t("whatif_rank", lang), f"{new_rank} / {n}", delta=old_rank - new_rank if old_rank != new_rank
                      else None, delta_description=t("places_vs_now", lang) if old_rank != new_rank else None)
        with b, st.container(border=True):
            st.metric(t("whatif_score", lang), fmt.decimal(new["score"], lang, 1),
                      delta=fmt.signed(fmt.decimal(d_score, lang, 2), round(d_score, 2)) if abs(d_score) >= 0.005
                      else None, delta_description=t("vs_now", lang) if abs(d_score) >= 0.005 else None)
        c.plot(charts.peer_bars(sim, lang, TARGET, STRETCH, title=t("whatif_peers", lang)), key=f"{key}-bars")


    def rate_slider(label: str, current: float, key: str) -> float:
        """A rate from 0 to 100 % in steps of half a point, written the house way ("95,0 %"),
        starting on the current value itself (kept among the steps, so that an untouched
        slider changes nothing)."""
        now = round(current * 100, 2)
        steps = sorted({i / 2 for i in range(201)} | {now})
        if st.session_state.get(key) not in steps:
            st.session_state.pop(key, None)
        v = st.select_slider(label, steps, value=now, key=key, format_func=lambda x: fmt.percent(x / 100, lang))
        return float(v) / 100


    def reset(keys: list[str]) -> None:
        for k in keys:
            st.session_state.pop(k, None)


    def whatif_indicators() -> None:
        used = [k for k in str(me.get("indicators_used") or "").split(",") if k in INDICATORS]
        if not used:
            st.info(t("whatif_no_indicators", lang), icon=":material/info:")
            return
        st.caption(t("whatif_indicator_help", lang, name=NAME))
        values, keys = {}, []
        cols = st.columns(2)
        for i, key in enumerate(used):
            cur = rp.clamp_rate(me.get(f"value_{key}"))
            wkey = f"rk-wi-{key}-{PERIOD_KEY}"
            keys.append(wkey)
            with cols[i % 2]:
                v = rate_slider(f"{ind_label(key)} ({t('now', lang)} {fmt.percent(cur, lang)})", cur, wkey)
            if abs(v - cur) >= 0.0005:
                values[key] = v
        st.button(t("whatif_reset", lang), on_click=reset, args=(keys,), icon=":material/restart_alt:", key="rk-wi-reset")
        if values:
            st.caption(t("whatif_changed", lang, items="; ".join(
                f"{ind_label(k, True)} {fmt.percent(me.get(f'value_{k}'), lang)} → {fmt.percent(v, lang)}"
                for k, v in values.items())))
        result(rp.simulate(f.start, f.end, values=values), "rk-wi")


    def whatif_units() -> None:
        if not login.can("see_all_units"):
            st.info(t("not_for_unit_role", lang), icon=":material/lock:")
            return
        table = data.query(queries.kpi_table, f.start, f.end, include_total=False)
        table = table[table.months.fillna(0) > 0]
        if table.empty:
            st.info(t("no_data_period", lang), icon=":material/info:")
            return
        st.caption(t("whatif_unit_help", lang, name=NAME))
        a, b = st.columns(2)
        with a:
            unit = st.selectbox(t("unit", lang), list(table.unit_code), key="rk-wu-unit",
                                format_func=lambda x: state.selection_label(prof, x, lang))
        row = table[table.unit_code == unit].iloc[0].to_dict()
        keys = [i.key for i in prof.indicators if not fmt.is_missing(row.get(i.kpi))]
        if not keys:
            st.info(t("whatif_unit_no_values", lang), icon=":material/info:")
            return
        with b:
            key = st.selectbox(t("indicator", lang), keys, key="rk-wu-ind", format_func=ind_label)
        k = KPI_BY_KEY[INDICATORS[key].kpi]
        cur = rp.clamp_rate(row.get(k.key))
        den = sum(float(row.get(x) or 0) for x in k.den) if k.den else None
        wkey = f"rk-wu-{unit}-{key}-{PERIOD_KEY}"
        v = rate_slider(f"{k.label(lang)} — {state.selection_label(prof, unit, lang)} ({t('now', lang)} "
                        f"{fmt.percent(cur, lang)})", cur, wkey)
        if den:
            st.caption(t("whatif_unit_den", lang, n=fmt.number(den, lang), den=", ".join(
                state_counter(x) for x in k.den)))
        changes = {(unit, key): v} if abs(v - cur) >= 0.0005 else {}
        st.button(t("whatif_reset", lang), on_click=reset, args=([wkey],), icon=":material/restart_alt:", key="rk-wu-reset")
        result(rp.simulate(f.start, f.end, unit_values=changes), "rk-wu")


    def state_counter(name: str) -> str:
        from metrics.model.kpis import COUNTER

        return COUNTER[name].label(lang).lower()


    if shown("whatif") and not HAS_PEERS:
        c.empty_state(lang, "needs_peer_data", "needs_peer_data_hint")
    if shown("whatif") and HAS_PEERS:
        st.header(t("whatif_title", lang))
        tab_ind, tab_unit = st.tabs([t("whatif_by_indicator", lang, name=NAME), t("whatif_by_unit", lang)])
        with tab_ind, c.guarded(lang):
            whatif_indicators()
        with tab_unit, c.guarded(lang):
            whatif_units()


    # --- 5. year-end projection ----------------------------------------------------------------------------
    def projection_section() -> None:
        from metrics.rules.projection import METHOD_EN, METHOD_VI

        try:
            proj = data.query(projection.project, f.end)
        except (ValueError, ZeroDivisionError):       # too few months to fit a line
            proj = None
        if proj is None or proj.score is None:
            c.empty_state(lang, "projection_none", None)
            return
        year = proj.year
        if proj.final:
            st.info(t("projection_final_note", lang, year=year), icon=":material/flag:")
        cols = st.columns(3)
        with cols[0], st.container(border=True):
            st.metric(t("projection_final_score" if proj.final else "projection_score", lang, year=year),
                      fmt.decimal(proj.score, lang, 1))
            if proj.low is not None and proj.high is not None:
                st.caption(t("projection_interval_text", lang, low=fmt.decimal(proj.low, lang, 1),
                             high=fmt.decimal(proj.high, lang, 1)))
            elif not proj.final:
                st.caption(t("projection_no_interval", lang))
        good = proj.rank is not None and proj.rank <= TARGET
        with cols[1], st.container(border=True, key=f"kpi-{'good' if good else 'bad'}-rk-proj"):
            st.metric(t("projection_final_rank" if proj.final else "projection_rank", lang, year=year),
                      f"#{proj.rank}" if proj.rank else "–")
            if proj.rank_best is not None and proj.rank_worst is not None and proj.rank_best != proj.rank_worst:
                st.caption(t("projection_rank_range", lang, best=proj.rank_best, worst=proj.rank_worst))
        with cols[2], st.container(border=True):
            if proj.final:
                st.metric(t("projection_final_target", lang, rank=TARGET),
                          t("gap_inside" if proj.already else "projection_final_missed", lang, rank=TARGET))
            elif proj.already:
                st.metric(t("projection_reached", lang, rank=TARGET), t("projection_already", lang))
            elif proj.month_reached is not None:
                st.metric(t("projection_reached", lang, rank=TARGET), fmt.month(proj.month_reached, lang, long=True))
            else:
                st.metric(t("projection_reached", lang, rank=TARGET), t("projection_not_this_year", lang))
        start = proj.trajectory.month.min() if not proj.trajectory.empty else f.start
        c.plot(figures.projection_figure(proj, lang, t("projection_chart", lang, year=year),
                                         annotations=notes_ui.events(start, proj.trajectory.month.max()
                                                                     if not proj.trajectory.empty else f.end),
                                         target_rank=TARGET), key="rk-projection")
        st.caption(t("projection_method", lang, method=pick((METHOD_VI, METHOD_EN), lang),
                     n=proj.months_used))


    peer_section("projection", "projection_title", projection_section)


    # --- 6. leagues of units -----------------------------------------------------------------------------------
    def league(group: str) -> None:
        lg = data.query(score.unit_league, f.start, f.end, group=group)
        gname = t(f"group_{group}", lang)
        if lg.empty or lg.score.isna().all():
            c.empty_state(lang, "no_data_selection", "empty_hint_filters", period=f.period_label(), unit=gname)
            return
        # the bars, then the table under them at the full width: side by side at 1280×720 the
        # table's "points lost most" column ran off its half
        c.plot(export_figures.league_bars(lg, lang, title=""), key=f"rk-league-{group}")
        rows = []
        for r in lg.to_dict("records"):
            lost = sorted(((ind, r.get(f"points_{ind.key}")) for ind in prof.indicators
                           if not fmt.is_missing(r.get(f"points_{ind.key}")) and r.get(f"points_{ind.key}") >= 0.05),
                          key=lambda x: -x[1])[:2]
            rows.append({
                t("rank", lang): r["rank"],
                t("unit", lang): ("► " if r["unit_code"] == f.unit else "") + r["unit_name"],
                t("service_score_short", lang): fmt.decimal(r["score"], lang, 1),
                t("points_lost_most", lang): "; ".join(f"{KPI_BY_KEY[i.kpi].short(lang)} {fmt.decimal(p, lang, 1)}"
                                                       for i, p in lost) or "–",
            })
        view = pd.DataFrame(rows)
        view[t("rank", lang)] = pd.array(view[t("rank", lang)], dtype="Int64")
        st.dataframe(view, hide_index=True, width="stretch", height=min(38 * len(view) + 42, 560),
                     column_config={t("rank", lang): st.column_config.Column(width=60),
                                    t("service_score_short", lang): st.column_config.Column(width=60)})
        st.caption(t("league_score_note", lang))


    if shown("leagues"):
        st.header(t("leagues_title", lang))
        if not login.can("see_all_units"):
            st.info(t("not_for_unit_role", lang), icon=":material/lock:")
        else:
            tab_c, tab_d = st.tabs([t("group_communes", lang), t("group_departments", lang)])
            with tab_c, c.guarded(lang):
                league("communes")
            with tab_d, c.guarded(lang):
                league("departments")


    # --- 7. the official yearly CCHC index ------------------------------------------------------------------------
    def index_section() -> None:
        idx = rp.official_index()
        if idx.empty:
            c.empty_state(lang, "index_none", "index_hint")
            return
        left, right = st.columns([1, 1])
        with left:
            c.plot(figures.index_figure(idx, lang, t("index_chart", lang), TARGET), key="rk-index")
        with right:
            years = sorted(idx.year.unique())
            latest = idx[idx.year == years[-1]].set_index("peer_code")["rank"]
            order = sorted(idx.peer_code.unique(), key=lambda p: (latest.get(p, 999), p))
            cell = {(r.peer_code, r.year): r for r in idx.itertuples()}
            rows = []
            for p in order:
                self_ = p == prof.code
                row = {t("peer", lang): ("► " if self_ else "") + prof.peer_name(p)}
                for y in years:
                    r = cell.get((p, y))
                    row[str(int(y))] = "–" if r is None else (
                        f"{fmt.decimal(r.score, lang, 2)} (#{int(r.rank)})" if not fmt.is_missing(r.rank)
                        else fmt.decimal(r.score, lang, 2))
                rows.append(row)
            # HTML (ui/cards.table): every year's column in view at 1280×720 (the grid needed a
            # sideways scroll for the last one) and names whole
            st.html(cards.table(pd.DataFrame(rows), dense=True, nowrap=tuple(str(int(y)) for y in years)))
        st.caption(t("index_help", lang))


    if shown("index"):
        st.header(t("index_title", lang))
        with c.guarded(lang):
            index_section()


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
