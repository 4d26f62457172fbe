"""The slides of a briefing, each built from the month's figures (month.Month): one idea each,
a title, a one-line message, big figures, bullet lines, at most one chart and one table."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import charts
from ..i18n import fmt
from ..rules.flags import FLAG_LABELS, SEVERITY
from ..i18n import pick
from ..model.kpis import KPI, KPI_BY_KEY
from ..model.period import last_day
from ..charts import briefing as figures
from .common import has_text, tx
from ..i18n.fmt import month_words
from .content import FULL_BOX, SIDE_BOX, SPARK_BOX, Card, Chart, Slide, Table
from .month import HEADLINE, MAX_TABLE_ROWS, TREND_KPI, Month


# --- helpers ------------------------------------------------------------------------------
def _sum(row: dict | None, names) -> float | None:
    if row is None:
        return None
    vals = [row.get(n) for n in names]
    if any(fmt.is_missing(v) for v in vals):
        return None
    return float(sum(vals))


def parts_text(k: KPI, row: dict | None, lang: str) -> str:
    """"7.800/8.000" for a rate; "" for a count."""
    if not k.is_rate or row is None:
        return ""
    num, den = _sum(row, k.num), _sum(row, k.den)
    if num is None or den is None:
        return ""
    return f"{fmt.number(num, lang)}/{fmt.number(den, lang)}"


def kpi_line(k: KPI, row: dict | None, prev: dict | None, goal, m: Month) -> str:
    """One sentence with every figure of a KPI: for speaker notes and the PDF."""
    lang = m.lang
    v = None if row is None else row.get(k.key)
    s = f"{k.label(lang)}: {fmt.kpi_value(k, v, lang)}"
    parts = parts_text(k, row, lang)
    if parts:
        s += f" ({parts})"
    pv = None if prev is None else prev.get(k.key)
    if not fmt.is_missing(pv):
        s += f"; {m.month_label(m.prev, long=False)}: {fmt.kpi_value(k, pv, lang)}"
        d = fmt.kpi_delta(k, v, pv, lang)
        if d:
            s += f" ({d})"
    if not fmt.is_missing(goal):
        status = charts.goal_status(k, v, goal)
        word = {"good": tx("goal_met", lang), "bad": tx("goal_not_met", lang)}.get(status, "")
        s += f"; {tx('goal', lang).lower()} {fmt.goal_text(k, goal, lang)}" + (f" — {word.lower()}" if word else "")
    return s + "."


def _table(columns, rows, align=None, widths=None, limit: int | None = MAX_TABLE_ROWS) -> Table:
    more = 0
    if limit is not None and len(rows) > limit:
        more = len(rows) - limit
        rows = rows[:limit]
    return Table(list(columns), [list(r) for r in rows], align or ["l"] * len(columns),
                 widths or [1.0] * len(columns), more)


def _chart(key: str, fig: go.Figure, box: tuple[float, float] = FULL_BOX) -> Chart:
    return Chart(key, fig, box)


def _no_title(fig: go.Figure) -> go.Figure:
    """The slide's title says what the chart shows; the picture keeps the room."""
    fig.update_layout(title=None, margin=dict(t=40))
    return fig


# --- slides ---------------------------------------------------------------------------------
def title_slide(m: Month) -> Slide:
    lang = m.lang
    bullets = []
    if m.unit:
        bullets.append(m.profile.jurisdiction_name + (f", {m.profile.province}" if m.profile.province else ""))
    last = m.as_of.get("last_date")
    if last:
        bullets.append(tx("as_of", lang, date=fmt.day(min(last, last_day(m.period)), lang)))
    notes = [tx("deck_title", lang, month=month_words(m.period, lang)) + f" — {m.subject}."]
    if m.row:
        for k in HEADLINE:
            notes.append(kpi_line(k, m.row, m.row_prev, m.goal(k), m))
    else:
        notes.append(no_data_text(m) + ".")
    if m.as_of.get("is_demo"):
        notes.append(tx("demo", lang) + ".")
    return Slide("title", title=tx("deck_title", lang, month=month_words(m.period, lang)),
                 lead=m.subject, bullets=bullets, notes="\n".join(notes), empty=not m.has_data)


def no_data_text(m: Month) -> str:
    if m.unit:
        return tx("no_data_unit_month", m.lang, unit=m.subject, month=month_words(m.period, m.lang))
    return tx("no_data_month", m.lang, month=month_words(m.period, m.lang))


def kpi_slide(m: Month) -> Slide:
    lang = m.lang
    cards, notes, met, with_goal = [], [], 0, 0
    spark_series = m.series
    for k in HEADLINE:
        v = None if m.row is None else m.row.get(k.key)
        goal = m.goal(k)
        status = charts.goal_status(k, v, goal)
        if status != "none":
            with_goal += 1
            met += status == "good"
        goal_txt = ""
        if not fmt.is_missing(goal):
            word = {"good": tx("goal_met", lang), "bad": tx("goal_not_met", lang)}.get(status, "")
            goal_txt = f"{tx('goal', lang)} {fmt.goal_text(k, goal, lang)}" + (f" · {word}" if word else "")
        pv = None if m.row_prev is None else m.row_prev.get(k.key)
        d = fmt.kpi_delta(k, v, pv, lang)
        delta = f"{d} {tx('vs_month', lang, month=fmt.month(m.prev, lang))}" if d else ""
        parts = parts_text(k, m.row, lang)
        spark = None
        if not spark_series.empty and spark_series[k.key].notna().sum() >= 2:
            spark = _chart(f"spark_{k.key}", charts.sparkline(spark_series.period, spark_series[k.key], k.key, lang,
                                                              goal, height=70), SPARK_BOX)
        # a card's value is big: "–" when unknown, and the words on the line below it
        cards.append(Card(k.key, k.short(lang) if len(k.label(lang)) > 28 else k.label(lang),
                          fmt.kpi_value(k, v, lang, short=True), status, goal_txt, delta,
                          f"{parts} {tx('dossiers', lang)}" if parts else
                          (fmt.no_data(lang).capitalize() if fmt.is_missing(v) else ""), spark))
        notes.append(kpi_line(k, m.row, m.row_prev, goal, m))
    lead = tx("kpis_lead", lang, met=met, n=with_goal) if m.has_data else no_data_text(m)
    title = tx("kpis_title", lang) + f" — {m.month_label()}"
    return Slide("kpis", title, lead, cards=cards, notes="\n".join(notes), empty=not m.has_data)


def trend_slide(m: Month, kpi_key: str = TREND_KPI) -> Slide:
    lang = m.lang
    k = KPI_BY_KEY[kpi_key]
    goal = m.goal(k)
    fig = _no_title(charts.figure_for(k.key, m.series, lang, goal, title="", height=360))
    _label_points(fig, k, lang)
    v = None if m.row is None else m.row.get(k.key)
    pv = None if m.row_prev is None else m.row_prev.get(k.key)
    d = fmt.kpi_delta(k, v, pv, lang)
    if not m.has_data:
        lead = no_data_text(m)
    elif d:
        lead = tx("trend_lead", lang, month=m.month_label(), value=fmt.kpi_value(k, v, lang), delta=d)
    else:
        lead = tx("trend_lead_plain", lang, month=m.month_label(), value=fmt.kpi_value(k, v, lang))
    notes = []
    for r in m.series.itertuples():
        row = r._asdict()
        parts = parts_text(k, row, lang)
        notes.append(f"{fmt.month(r.period, lang)}: {fmt.kpi_value(k, getattr(r, k.key), lang)}"
                     + (f" ({parts})" if parts else ""))
    if not notes:
        notes.append(no_data_text(m))
    if not fmt.is_missing(goal):
        notes.append(f"{tx('goal', lang)}: {fmt.goal_text(k, goal, lang)}.")
    return Slide(f"trend_{k.key}", tx("trend_title", lang, kpi=k.label(lang)), lead,
                 chart=_chart(f"trend_{k.key}", fig), notes="\n".join(notes),
                 empty=m.series.empty or m.series[k.key].isna().all())


def _label_points(fig: go.Figure, k: KPI, lang: str) -> None:
    """Write each month's value on a one-line trend: read from the back of the room."""
    lines = [tr for tr in fig.data if tr.type == "scatter"]
    if len(lines) != 1:
        return
    tr = lines[0]
    vals = [None if v is None else (v / 100 if k.is_rate else v) for v in tr.y]
    tr.update(mode="lines+markers+text", textposition="bottom center", cliponaxis=False,
              text=[fmt.kpi_value(k, v, lang, short=True) if v is not None else "" for v in vals])


def rank_slide(m: Month) -> Slide:
    lang, p = m.lang, m.profile
    peers = p.peer_kind(lang)
    title = (tx("rank_title", lang, province=p.province) if p.province
             else tx("rank_title_short", lang, peers=peers))
    fig = _no_title(charts.peer_bars(m.ranking, lang, p.target_rank, p.stretch_rank, title=""))
    me = m.self_rank
    notes = []
    if me is None:
        lead = tx("rank_none", lang, peers=peers, month=month_words(m.period, lang))
        notes.append(lead + ".")
    else:
        n = int(m.ranking.score.notna().sum())
        rank = int(me["rank"])
        score = fmt.decimal(me["score"], lang, 1)
        if rank <= p.target_rank:
            lead = tx("rank_lead_met", lang, rank=rank, n=n, score=score, target=p.target_rank)
        else:
            lead = tx("rank_lead_not", lang, rank=rank, n=n, score=score, gap=rank - p.target_rank,
                      target=p.target_rank)
        known = len(p.peers)
        if known and n < known:
            # a rank among the few peers that reported is not yet the rank among all of them
            lead += " " + tx("peers_partial", lang, n=n, total=known)
        notes.append(lead + ".")
        for r in m.ranking.itertuples():
            mark = " ◄" if r.is_self else ""
            notes.append(f"{'' if fmt.is_missing(r.rank) else int(r.rank)}. {r.peer_name}: "
                         f"{fmt.decimal(r.score, lang, 1)} {tx('points_unit', lang)}{mark}")
        notes.append(tx("score_note", lang))
    return Slide("rank", title, lead, chart=_chart("rank", fig), notes="\n".join(notes),
                 empty=me is None)


def _points_items(row: dict | None, m: Month, top: int = 3) -> list[tuple[str, float]]:
    if row is None:
        return []
    items = []
    for ind in m.profile.indicators:
        v = row.get(f"points_{ind.key}")
        if not fmt.is_missing(v) and float(v) >= 0.05:
            items.append((KPI_BY_KEY[ind.kpi].short(m.lang), float(v)))
    return sorted(items, key=lambda x: -x[1])[:top]


def road_slide(m: Month) -> Slide:
    lang, p = m.lang, m.profile
    title = tx("road_title", lang, stretch=p.stretch_rank, target=p.target_rank)
    fig = _no_title(charts.rank_trend(m.history, lang, p.target_rank, title=""))
    me = m.self_rank
    bullets, notes = [], []
    if me is None:
        peers = p.peer_kind(lang)
        lead = tx("rank_none", lang, peers=peers, month=month_words(m.period, lang))
        notes.append(lead + ".")
        return Slide("road", title, lead, chart=_chart("road", fig), notes="\n".join(notes), empty=True)
    rank = int(me["rank"])
    target, needs = m.needs
    if rank <= p.stretch_rank:
        lead = tx("road_hold", lang, stretch=p.stretch_rank)
    else:
        reachable = [x for x in needs if x.needed is not None and not x.already]
        if reachable:
            lead = tx("road_to", lang, target=target)
            reachable.sort(key=lambda x: (x.needed - x.current) / max(1e-9, _full_mark(m, x.indicator)))
            bullets += [need_text(x, lang) for x in reachable[:3]]
        else:
            lead = tx("road_none", lang, target=target)
    pts = _points_items(me, m)
    if pts:
        bullets.append(tx("points_missing", lang, items="; ".join(
            tx("points_item", lang, label=lab, points=fmt.decimal(v, lang, 1)) for lab, v in pts)))
    pr = m.projection
    if pr is not None and pr.rank is not None and pr.final:
        bullets.append(tx("projection_final", lang, rank=pr.rank, score=fmt.decimal(pr.score, lang, 1)))
    elif pr is not None and pr.rank is not None:
        if pr.rank_best is not None and pr.rank_worst is not None and pr.rank_best != pr.rank_worst:
            bullets.append(tx("projection", lang, rank=pr.rank, best=pr.rank_best, worst=pr.rank_worst,
                              score=fmt.decimal(pr.score, lang, 1)))
        else:
            bullets.append(tx("projection_point", lang, rank=pr.rank, score=fmt.decimal(pr.score, lang, 1)))
    notes.append(lead)
    notes += bullets
    notes += [x.text(lang) + "." for x in needs]
    for ind in p.indicators:
        v = me.get(f"value_{ind.key}")
        pt = me.get(f"points_{ind.key}")
        notes.append(f"{KPI_BY_KEY[ind.kpi].label(lang)}: {fmt.percent(v, lang)}; "
                     f"{tx('points_unit', lang)} {'–' if fmt.is_missing(pt) else fmt.decimal(pt, lang, 1)}")
    if pr is not None and not pr.final:
        notes.append(tx("projection_method", lang, method=_projection_method(lang)))
    hist = m.history
    if not hist.empty:
        notes.append("; ".join(f"{fmt.month(r.period, lang)}: #{'' if fmt.is_missing(r.rank) else int(r.rank)}"
                               for r in hist.itertuples()))
    return Slide("road", title, lead, bullets=bullets, chart=_chart("road", fig, SIDE_BOX),
                 notes="\n".join(notes))


def need_text(x, lang: str) -> str:
    """"Tỷ lệ nộp trực tuyến: 36,4 % → 38,5 %" (the label keeps its capitals: "QĐ 766")."""
    k = KPI_BY_KEY[x.kpi]
    return f"{k.label(lang)}: {fmt.percent(x.current, lang)} → {fmt.percent(x.needed, lang)}"


def _full_mark(m: Month, key: str) -> float:
    for ind in m.profile.indicators:
        if ind.key == key:
            return ind.full_mark
    return 1.0


def _projection_method(lang: str) -> str:
    from ..rules.projection import METHOD_EN, METHOD_VI

    return pick((METHOD_VI, METHOD_EN), lang)


def league_slide(m: Month, group: str) -> Slide:
    lang = m.lang
    gname = tx(f"group_{group}", lang)
    lg = m.leagues.get(group, pd.DataFrame())
    title = tx("league_title", lang, group=gname)
    fig = _no_title(figures.league_bars(lg, lang, title=""))
    if lg.empty or lg.score.isna().all():
        lead = tx("league_none", lang, group=gname, month=month_words(m.period, lang))
        return Slide(f"league_{group}", title, lead, chart=_chart(f"league_{group}", fig), notes=lead + ".",
                     empty=True)
    ranked = lg.dropna(subset=["score"]).sort_values("score", ascending=False)
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    lead = tx("league_lead", lang, best=figures.short_name(best.unit_name), best_score=fmt.decimal(best.score, lang, 1),
              worst=figures.short_name(worst.unit_name), worst_score=fmt.decimal(worst.score, lang, 1))
    notes = []
    for r in ranked.itertuples():
        row = r._asdict()
        pts = _points_items(row, m, top=2)
        extra = "; ".join(tx("points_item", lang, label=lab, points=fmt.decimal(v, lang, 1)) for lab, v in pts)
        notes.append(f"{int(r.rank)}. {r.unit_name}: {fmt.decimal(r.score, lang, 1)} {tx('points_unit', lang)}"
                     + (f" — {tx('points_missing', lang, items=extra)}" if extra else ""))
    notes.append(tx("score_note", lang))
    return Slide(f"league_{group}", title, lead, chart=_chart(f"league_{group}", fig),
                 notes="\n".join(notes))


def late_slide(m: Month) -> Slide:
    lang = m.lang
    k = KPI_BY_KEY["late_count"]
    units = m.unit_rows
    title = tx("late_title", lang)
    late = units[units.late_count.fillna(0) > 0] if not units.empty else units
    total = float(late.late_count.sum()) if not late.empty else 0.0
    if late.empty:
        msg = tx("late_none", lang) if m.has_data else no_data_text(m)
        fig = charts.empty_figure(lang, msg, 360)
        return Slide("late", title, msg, chart=_chart("late", fig), notes=msg + ".", empty=not m.has_data)
    top = 5
    named = late.assign(unit_name=[figures.short_name(n) for n in late.unit_name])
    fig = _no_title(charts.unit_bars(named, k.key, lang, m.goal(k), title="", top=top, share_of=total))
    shown = late.sort_values("late_count", ascending=False).head(top)
    lead = tx("late_lead", lang, total=fmt.number(total, lang), k=len(shown),
              share=fmt.percent(float(shown.late_count.sum()) / total, lang))
    notes = [lead + "."]
    for r in late.sort_values("late_count", ascending=False).itertuples():
        ap = "" if fmt.is_missing(r.apology_rate) else f"; {KPI_BY_KEY['apology_rate'].short(lang).lower()} " \
                                                         f"{fmt.percent(r.apology_rate, lang)}"
        notes.append(f"{r.unit_name}: {fmt.number(r.late_count, lang)} ({fmt.percent(r.late_count / total, lang)})"
                     f"; {KPI_BY_KEY['overdue_backlog'].short(lang).lower()} {fmt.number(r.overdue_backlog, lang)}{ap}")
    return Slide("late", title, lead, chart=_chart("late", fig), notes="\n".join(notes))


def unit_late_slide(m: Month) -> Slide:
    lang = m.lang
    k = KPI_BY_KEY["late_count"]
    fig = _no_title(charts.figure_for(k.key, m.series, lang, m.goal(k), title="", height=360))
    title = tx("late_title_unit", lang)
    if not m.has_data:
        lead = no_data_text(m)
    else:
        lead = tx("late_lead_unit", lang, month=m.month_label(), total=fmt.number(m.row.get("late_count"), lang),
                  overdue=fmt.number(m.row.get("overdue_backlog"), lang))
    notes = [lead + "."] + [f"{fmt.month(r.period, lang)}: {fmt.number(r.late_count, lang)}"
                            for r in m.series.itertuples()]
    return Slide("late", title, lead, chart=_chart("late", fig), notes="\n".join(notes), empty=not m.has_data)


def position_slide(m: Month) -> Slide:
    lang = m.lang
    gname = tx(f"group_{m.group}", lang) if m.group else ""
    title = tx("position_title", lang, group=gname)
    fig = _no_title(figures.position_trend(m.position_history, lang, title=""))
    pos = m.position
    if pos is None:
        lead = tx("position_none", lang, month=month_words(m.period, lang))
        return Slide("position", title, lead, chart=_chart("position", fig), notes=lead + ".", empty=True)
    lead = tx("position_lead", lang, rank=int(pos["rank"]), n=pos["n"], group=gname,
              score=fmt.decimal(pos["score"], lang, 1))
    notes = [lead + "."]
    for r in m.position_history.itertuples():
        notes.append(f"{fmt.month(r.period, lang)}: {fmt.decimal(r.score, lang, 1)} "
                     f"(#{'' if fmt.is_missing(r.rank) else int(r.rank)}; {tx('group_median', lang).lower()} "
                     f"{fmt.decimal(r.median, lang, 1)}; {tx('group_best', lang).lower()} "
                     f"{fmt.decimal(r.best, lang, 1)})")
    notes.append(tx("score_note", lang))
    return Slide("position", title, lead, chart=_chart("position", fig), notes="\n".join(notes))


def points_slide(m: Month) -> Slide:
    lang = m.lang
    title = tx("points_title", lang)
    pos = m.position
    fig = _no_title(figures.points_bars(pos or {}, m.profile.indicators, lang, title=""))
    if pos is None:
        lead = tx("position_none", lang, month=month_words(m.period, lang))
        return Slide("points", title, lead, chart=_chart("points", fig), notes=lead + ".", empty=True)
    pts = _points_items(pos, m)
    lead = (tx("points_missing", lang, items="; ".join(
        tx("points_item", lang, label=lab, points=fmt.decimal(v, lang, 1)) for lab, v in pts))
        if pts else tx("points_none", lang))
    notes = [lead + "."]
    for ind in m.profile.indicators:
        v, pt = pos.get(f"value_{ind.key}"), pos.get(f"points_{ind.key}")
        notes.append(f"{KPI_BY_KEY[ind.kpi].label(lang)}: {fmt.percent(v, lang)}; "
                     f"{tx('points_unit', lang)} {'–' if fmt.is_missing(pt) else fmt.decimal(pt, lang, 1)}")
    return Slide("points", title, lead, chart=_chart("points", fig), notes="\n".join(notes))


def flag_rows(m: Month) -> list[list[str]]:
    """Flags worst first: unit, warning, detail."""
    df = m.flags
    if df.empty:
        return []
    df = df.assign(_s=[-SEVERITY.get(f, 0) for f in df.flag]).sort_values(["_s"], kind="stable")
    rows = []
    for r in df.itertuples():
        label = pick(FLAG_LABELS[r.flag], m.lang) if r.flag in FLAG_LABELS else r.flag
        rows.append([r.unit_name, label, str(r.detail)])
    return rows


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def flag_short(flag: str, value, lang: str) -> str:
    key = f"flag_short_{flag}"
    if not has_text(key):
        return flag
    v = fmt.decimal(value, lang, 1) if flag == "priority_not_honoured" else fmt.number(value, lang)
    return tx(key, lang, value=v)


def flags_by_unit(m: Month) -> list[tuple[str, str, list[str]]]:
    """(unit code, unit name, short warnings worst first), the worst units first."""
    df = m.flags
    if df.empty:
        return []
    order = {u.code: i for i, u in enumerate(m.profile.units)}
    out = []
    for code, g in df.groupby("unit_code", sort=False):
        g = g.assign(_s=[-SEVERITY.get(f, 0) for f in g.flag]).sort_values("_s", kind="stable")
        worst = -int(g._s.min())
        items = [flag_short(r.flag, r.value, m.lang) for r in g.itertuples()]
        out.append((worst, len(g), code, g.unit_name.iloc[0], items))
    out.sort(key=lambda x: (-x[0], -x[1], order.get(x[2], 999)))
    return [(code, name, items) for _, _, code, name, items in out]


def flags_slide(m: Month) -> Slide:
    lang = m.lang
    title = tx("flags_title", lang) + f" — {m.month_label()}"
    if m.flags.empty:
        lead = tx("flags_none", lang) if m.has_data else no_data_text(m)
        return Slide("flags", title, lead, notes=lead + ".", empty=not m.has_data)
    lead = (tx("flags_lead_unit", lang, n=len(m.flags)) if m.unit
            else tx("flags_lead", lang, n=len(m.flags), units=m.flags.unit_code.nunique()))
    notes = [lead + "."] + [" — ".join(r) for r in flag_rows(m)]
    if m.unit:
        rows = [r[1:] for r in flag_rows(m)]
        table = _table([tx("flag", lang), tx("detail", lang)], rows, widths=[1.0, 1.4])
        if table.more:
            table.rows.append(["", tx("more_rows", lang, n=table.more)])
    else:
        rows = [[figures.short_name(name), _capital("; ".join(items))] for _, name, items in flags_by_unit(m)]
        table = _table([tx("unit", lang), tx("flags_of_unit", lang)], rows, widths=[1.0, 2.4])
        if table.more:
            table.rows.append(["", tx("more_units", lang, n=table.more)])
    return Slide("flags", title, lead, table=table, notes="\n".join(notes))


def review_rows(m: Month) -> list[list[str]]:
    lang = m.lang
    rv = m.review
    rows = []
    names = {u.code: u.name for u in m.profile.units}
    for r in rv.itertuples():
        k = KPI_BY_KEY.get(r.kpi) if isinstance(r.kpi, str) else None
        if k is not None:
            fig = f"{k.short(lang)}: {fmt.kpi_value(k, r.value_before, lang, short=True)} → " \
                  f"{fmt.kpi_value(k, r.value_now, lang, short=True)}"
            if not fmt.is_missing(r.target):
                fig += f" ({tx('goal', lang).lower()} {fmt.kpi_value(k, r.target, lang)})"
        else:
            fig = "–"
        kept = tx("kept_none", lang) if r.kept is None or fmt.is_missing(r.kept) else \
            tx("kept_yes", lang) if bool(r.kept) else tx("kept_no", lang)
        owner = f" ({r.owner})" if isinstance(r.owner, str) and r.owner else ""
        rows.append([names.get(r.unit_code, r.unit_code), f"{r.text}{owner}", fig, kept])
    return rows


def review_slide(m: Month) -> Slide:
    lang = m.lang
    title = tx("review_title", lang) + f" ({fmt.month(m.prev, lang)})"
    rows = review_rows(m)
    if not rows:
        lead = tx("review_none", lang, month=fmt.month(m.prev, lang, long=True))
        return Slide("review", title, lead, notes=lead + ".", empty=True)
    kept = [r[3] for r in rows]
    lead = tx("review_lead", lang, n=len(rows), month=fmt.month(m.prev, lang), kept=kept.count(tx("kept_yes", lang)),
              missed=kept.count(tx("kept_no", lang)), open=kept.count(tx("kept_none", lang)))
    cols = [tx("unit", lang), tx("commitment", lang), tx("before_now", lang), tx("result", lang)]
    widths = [1.0, 2.0, 1.4, 0.7]
    shown = rows
    if m.unit:
        cols, widths, shown = cols[1:], widths[1:], [r[1:] for r in rows]
    table = _table(cols, shown, widths=widths)
    if table.more:
        table.rows.append([""] * (len(cols) - 1) + [tx("more_rows", lang, n=table.more)])
    notes = [lead + "."] + [" — ".join(r) for r in rows]
    return Slide("review", title, lead, table=table, notes="\n".join(notes))
