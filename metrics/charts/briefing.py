"""The briefing's own figures: the units' league as bars, a unit's points missing, and a
unit's score against its group over the months, in the house style of metrics.charts
(charts.style, the same colours) so that the deck, the PDF and the pages draw them alike."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import charts
from ..i18n import fmt
from ..model.kpis import KPI_BY_KEY
from ..export.common import tx

# one line per label: a bar chart of 13 units must keep its rows readable from the back
LABEL_WIDTH = 36
_ABBREVIATIONS = [("Chi nhánh Văn phòng ", "CN VP "), ("Văn phòng ", "VP ")]


def short_name(name: str, width: int = LABEL_WIDTH) -> str:
    """A unit's name on one line: "Phòng " dropped, long office names abbreviated, then cut."""
    s = str(name)
    if s.startswith("Phòng "):
        s = s[len("Phòng "):]
    for long, short in _ABBREVIATIONS:
        if s.startswith(long) and len(s) > width:
            s = short + s[len(long):]
    # "… đất đai huyện Tuy Phước": the jurisdiction is understood on its own slide
    for noun in (" huyện ", " thị xã ", " thành phố ", " tỉnh "):
        if len(s) > width and noun in s:
            s = s[: s.index(noun)]
    if len(s) > width:
        s = s[: width - 1].rstrip() + "…"
    return s


def league_bars(league: pd.DataFrame, lang: str = "vi", title: str | None = None,
                name_col: str = "unit_name") -> go.Figure:
    """Every member's service score, best first, coloured by its quarter of the league
    (red = worst quarter … blue = best quarter, as on the league page)."""
    if league is None or league.empty or league["score"].isna().all():
        return charts.empty_figure(lang, tx("no_data", lang).capitalize(), 300, title)
    df = league.dropna(subset=["score"]).sort_values(["score", name_col], ascending=[False, True])
    scores = list(df.score)
    colours = []
    for s in scores:
        band = charts.quartile_band(s, scores, lower_is_better=False)
        colours.append(charts.BLUE if band is None else
                       ["#c62828", "#e8833a", "#e0b300", charts.BLUE][band])
    labels = [f"{fmt.decimal(s, lang, 1)} · #{r}" for s, r in zip(df.score, df["rank"])]
    fig = go.Figure(go.Bar(x=scores, y=[short_name(n) for n in df[name_col]], orientation="h",
                           marker_color=colours, text=labels, textposition="outside", cliponaxis=False,
                           textfont=dict(size=charts.FONT_SIZE), hoverinfo="text",
                           hovertext=[f"{n}: {lab}" for n, lab in zip(df[name_col], labels)]))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 118], showticklabels=False, showgrid=False, zeroline=False)
    return charts.style(fig, lang, title, height=max(260, 30 * len(df) + 60))


def points_bars(row: dict, indicators, lang: str = "vi", title: str | None = None) -> go.Figure:
    """Points missing per indicator of one member (a score_frame row), largest first."""
    items = []
    for ind in indicators:
        p = row.get(f"points_{ind.key}")
        if not fmt.is_missing(p):
            items.append((KPI_BY_KEY[ind.kpi].label(lang), float(p), row.get(f"value_{ind.key}")))
    if not items:
        return charts.empty_figure(lang, tx("no_data", lang).capitalize(), 260, title)
    if all(p < 0.05 for _, p, _ in items):
        return charts.empty_figure(lang, tx("points_none", lang), 260, title)
    items.sort(key=lambda x: -x[1])
    labels = [f"{fmt.decimal(p, lang, 1)} {tx('points_unit', lang)} ({fmt.percent(v, lang)})" for _, p, v in items]
    top = max(p for _, p, _ in items) or 1.0
    fig = go.Figure(go.Bar(x=[p for _, p, _ in items], y=[short_name(lab, 38) for lab, _, _ in items],
                           orientation="h", marker_color=charts.WARN, text=labels, textposition="outside",
                           cliponaxis=False, textfont=dict(size=charts.FONT_SIZE), hoverinfo="text",
                           hovertext=labels))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, top * 1.02], showticklabels=False, showgrid=False, zeroline=False)
    return charts.room_for_labels(charts.style(fig, lang, title, height=max(240, 44 * len(items) + 80)), labels)


def position_trend(history: pd.DataFrame, lang: str = "vi", title: str | None = None) -> go.Figure:
    """A unit's score per month beside its group's median and best (no other unit named)."""
    if history is None or history.empty or history["score"].isna().all():
        return charts.empty_figure(lang, tx("no_data", lang).capitalize(), 280, title)
    df = history.sort_values("period")
    x = charts.month_axis(list(df.period), lang)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=list(df["best"]), name=tx("group_best", lang), mode="lines",
                             line=dict(color=charts.GOOD, width=2, dash="dot")))
    fig.add_trace(go.Scatter(x=x, y=list(df["median"]), name=tx("group_median", lang), mode="lines",
                             line=dict(color=charts.NEUTRAL, width=2, dash="dash")))
    fig.add_trace(go.Scatter(x=x, y=list(df["score"]), name=tx("own_score", lang), mode="lines+markers+text",
                             text=[f"#{int(r)}" if not fmt.is_missing(r) else "" for r in df["rank"]],
                             textposition="top center", line=dict(color=charts.SELF, width=3),
                             marker=dict(size=9), cliponaxis=False))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=tx("score", lang), rangemode="tozero")
    return charts.style(fig, lang, title, height=320, legend=True)
