"""Tổng quan — the chairman's one glance: are we on track for the target rank, which units
hold us back, what needs attention this month.

Its charts are the light ones of metrics/charts/inline.py, not Plotly: this is the page opened
first and most often, and it must show as fast as an empty page does (issue 7)."""
from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from metrics.i18n import fmt
from metrics import queries
from metrics.rules import score, whatif
from metrics.i18n import t
from metrics.model.kpis import KPI_BY_KEY, KPIS
from metrics.charts import inline as inline_charts
from ui import components as c
from ui import boot, cards, data, login
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    prof = ctx.profile
    if not c.page_header(f, "page_overview"):
        return

    HEADLINE = [k.key for k in KPIS if k.headline]

    # --- 0. the chairman's question first: where do we rank, how far from the target, what gains most
    def first_screen() -> None:
        from ui import ranking_parts as rp

        ranking = data.query(score.peer_ranking, f.end, f.end)
        me = rp.self_of(ranking)
        if me is None or fmt.is_missing(me.get("rank")):
            return
        rank, n = int(me["rank"]), int(ranking.score.notna().sum())
        target, stretch = prof.target_rank, prof.stretch_rank
        on_target = rank <= target
        month = fmt.month(f.end, lang, long=True)
        rank_card = cards.card(t("first_rank", lang, month=month), f"{rank} / {n}",
                               status="good" if on_target else "bad", key="first-rank",
                               body=inline_charts.badge(t("target_rank_badge", lang, rank=target, stretch=stretch),
                                                        "good" if on_target else "bad"))
        lines = []
        nxt = rp.gap_to(ranking, rank - 1) if rank > 1 else None
        if nxt is not None and not nxt["inside"]:
            lines.append(t("first_next", lang, place=rank - 1, points=fmt.decimal(nxt["points"], lang, 2),
                           name=nxt["name"]))
        tgt = rp.gap_to(ranking, target)
        if tgt is not None:
            if tgt["inside"]:
                if tgt["points"] is not None:
                    lines.append(t("first_hold", lang, target=target, points=fmt.decimal(tgt["points"], lang, 2),
                                   name=tgt["name"], place=tgt["place"]))
            else:
                lines.append(t("first_to_target", lang, target=target, points=fmt.decimal(tgt["points"], lang, 2)))
        gap_card = cards.card(t("first_gap", lang), "", status=None, key="first-gap",
                              body="".join(f'<div class="kc-line">{escape(x)}</div>'
                                           for x in lines or [fmt.no_data(lang)]))
        # the actions that gain most: the indicators losing the most points, and how far each must
        # go on its own to reach the next place — what_it_takes, the ranking page's own answer
        # (a second formula here gave 50,8 % where that page said 50,7 %), for the same month as
        # the rank above it (f.end, also when a range is selected)
        want = nxt["points"] if nxt is not None and not nxt["inside"] else None
        needed = {}
        if want:
            needed = {n.indicator: n.needed for n in
                      data.query(whatif.what_it_takes, f.end, f.end, target_rank=rank - 1)}
        lost = sorted(((ind, me.get(f"points_{ind.key}")) for ind in prof.indicators
                       if not fmt.is_missing(me.get(f"points_{ind.key}")) and me.get(f"points_{ind.key}") > 0.05),
                      key=lambda x: -x[1])[:2]
        actions = []
        for ind, pts in lost:
            k = KPI_BY_KEY[ind.kpi]
            cur = me.get(f"value_{ind.key}")
            need = needed.get(ind.key)
            if need is not None:
                actions.append(t("first_action_to", lang, label=k.label(lang), now=fmt.percent(cur, lang),
                                 need=fmt.percent(need, lang), points=fmt.decimal(want, lang, 2)))
            else:
                actions.append(t("first_action_lost", lang, label=k.label(lang), now=fmt.percent(cur, lang),
                                 points=fmt.decimal(pts, lang, 1)))
        act_card = cards.card(t("first_actions", lang), "", status=None, key="first-actions",
                              body="".join(f'<div class="kc-line">{escape(x)}</div>'
                                           for x in actions or [fmt.no_data(lang)]))
        st.html('<div class="kc-first">' + cards.columns([rank_card, gap_card, act_card], [1, 1.3, 1.7]) + "</div>")


    with c.guarded(lang):
        first_screen()

    # --- 1. KPI cards -------------------------------------------------------------------------
    with c.guarded(lang):
        c.kpi_cards(f, HEADLINE, f.unit_list, per_row=3)

    # --- 2. score and rank among peers ----------------------------------------------------------
    st.header(t("score_rank_title", lang, peers=prof.peer_kind(lang)))


    def score_section() -> None:
        ranking = data.query(score.peer_ranking, f.start, f.end)
        if ranking.empty or not ranking.is_self.any():
            c.empty_state(lang, "needs_peer_data", "needs_peer_data_hint")
            return
        me = ranking[ranking.is_self].iloc[0]
        n = int(ranking.score.notna().sum())
        prev = data.query(score.peer_ranking, f.cmp_start, f.cmp_end)
        # our own score of a period we resolved nothing in is no comparison (queries.covered)
        prev_me = (prev[prev.is_self].iloc[0] if not prev.empty and prev.is_self.any()
                   and data.query(queries.covered, f.cmp_start, f.cmp_end) else None)
        rank = None if fmt.is_missing(me["rank"]) else int(me["rank"])
        prev_rank = None if prev_me is None or fmt.is_missing(prev_me["rank"]) else int(prev_me["rank"])
        on_target = rank is not None and rank <= prof.target_rank
        # places gained since the comparison period (positive = better, drawn green)
        moved = prev_rank - rank if rank is not None and prev_rank is not None else None
        badge = inline_charts.badge(t("target_rank_badge", lang, rank=prof.target_rank, stretch=prof.stretch_rank),
                                    "good" if on_target else "bad")
        rank_card = cards.card(t("rank", lang), f"{rank if rank is not None else '–'} / {n}",
                               delta=None if moved is None else fmt.signed(str(moved), moved),
                               delta_note=t("places_vs", lang, period=f.cmp_label()) if moved is not None else "",
                               status="good" if on_target else "bad", body=badge, key="rank")
        prev_score = None if prev_me is None else prev_me["score"]
        delta_s = None
        if not fmt.is_missing(prev_score) and not fmt.is_missing(me.score):
            delta_s = fmt.signed(fmt.decimal(me.score - prev_score, lang), round(me.score - prev_score, 1))
        # where the points are lost: the chairman's to-do list
        lost = [(ind, me.get(f"points_{ind.key}")) for ind in prof.indicators]
        lost = sorted([(ind, p) for ind, p in lost if not fmt.is_missing(p) and p > 0.05], key=lambda x: -x[1])
        missing = ""
        if lost:
            missing = cards.table(pd.DataFrame({
                t("indicator", lang): [KPI_BY_KEY[i.kpi].label(lang) for i, _ in lost],
                # a no-break space: a narrow column must not put "%" on a line of its own
                t("value", lang): [fmt.percent(me.get(f"value_{i.key}"), lang).replace(" ", "\u00a0")
                                   for i, _ in lost],
                t("points", lang): [fmt.decimal(p, lang) for _, p in lost],
            }), caption=t("points_missing", lang))
        score_card = cards.card(t("service_score", lang), fmt.decimal(me.score, lang), delta=delta_s,
                                delta_note=f"{t('vs', lang)} {f.cmp_label()}" if delta_s else "",
                                help_text=t("service_score_help", lang), status=None, body=missing, key="score")
        right = [inline_charts.peer_bars(ranking, lang, prof.target_rank, prof.stretch_rank)]
        win = f.trend_window(12)
        hist = data.rank_history(win[0], win[1])
        if len(hist) >= 2:
            from ui.notes_ui import events

            right.append(inline_charts.rank_trend(hist, lang, prof.target_rank, annotations=events(win[0], win[1])))
        # one element for the section (ui/cards.py says why)
        st.html(cards.columns([cards.grid([rank_card, score_card], per_row=1), "".join(right)], [1, 2]))


    with c.guarded(lang):
        score_section()

    # --- 3. who holds us back -------------------------------------------------------------------
    st.header(t("holding_back_title", lang))


    def holding_back() -> None:
        # within the selected group; for a single unit, among all units (a league of one says nothing)
        units = None if f.unit else f.unit_list
        table = data.query(queries.kpi_table, f.start, f.end, units=units)
        per_unit = table[(table.unit_code != "ALL") & (table.months > 0)]
        if per_unit.empty:
            c.empty_state(lang, "no_data_selection", "empty_hint_filters", period=f.period_label(),
                          unit=f.selection_label)
            return
        if f.unit:
            st.caption(t("holding_back_all_units", lang))
        goals = prof.goals
        late = per_unit[per_unit.late_count.fillna(0) > 0]
        total_late = late.late_count.sum()
        if late.empty:
            most_late = (f'<div class="ic-title">{escape(t("most_late", lang))}</div>'
                         + cards.note(t("no_late_dossiers", lang)))
        else:
            most_late = inline_charts.unit_bars(late, "late_count", lang, goals.get("late_count"), t("most_late", lang),
                                                top=5, share_of=float(total_late))
        st.html(cards.columns([
            most_late,
            inline_charts.unit_bars(per_unit, "on_time_rate", lang, goals.get("on_time_rate"), t("lowest_on_time", lang),
                                    top=5),
            inline_charts.unit_bars(per_unit, "online_rate", lang, goals.get("online_rate"), t("lowest_online", lang),
                                    top=5),
        ]))
        c.page_button("league", t("see_league", lang), ":material/table_chart:", key="ov-to-league")


    with c.guarded(lang):
        holding_back()

    # --- 4. attention list ----------------------------------------------------------------------
    st.header(t("attention_title", lang, month=fmt.month(f.end, lang, long=True)))


    def attention() -> None:
        # the attention page's list, in its order (worst first, by unit) and words, the first few
        from ui import attention_parts

        attention_parts.due_line(f)
        attention_parts.short_list(f, limit=8)


    with c.guarded(lang):
        attention()


    # --- 5. the month's report, from here too (not only from the presentation) -----------------------
    def monthly_files() -> None:
        from metrics.export import MIME, file_name
        from ui import downloads

        if not login.can("export"):
            return
        st.subheader(t("overview_files", lang, month=fmt.month(f.end, lang, long=True)))
        cols = st.columns(3)
        for col, (fmt_name, label) in zip(cols, (("pptx", "pres_pptx"), ("xlsx", "pres_xlsx"), ("pdf", "pres_pdf"))):
            name = file_name(data.profile(), f.end, fmt_name, f.unit)
            col.download_button(t(label, lang), downloads.audited(downloads.month_file(fmt_name, f.end, lang, f.unit), name),
                                file_name=name, mime=MIME[fmt_name], icon=":material/download:", on_click="ignore",
                                key=f"ov-dl-{fmt_name}")


    with c.guarded(lang):
        monthly_files()


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
