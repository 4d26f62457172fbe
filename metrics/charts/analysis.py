"""The analysis figures of the ranking, attention and commitments views (gains, projection,
official index, apologies, KPI pairs, counts), on the house style of metrics.charts (large
type, Vietnamese separators) and, for every time series, its event markers
(charts.add_events). Plain functions returning Plotly figures."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics import charts
from metrics.i18n import fmt
from metrics.i18n import t
from .briefing import short_name
from metrics.model.kpis import KPI_BY_KEY

def _legend_below(fig: go.Figure) -> go.Figure:
    """The legend on its own line between the title and the plot (the house style puts it
    just above the plot, where a title runs into it)."""
    top = 100 if fig.layout.title.text else 50
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, xanchor="left"),
                      margin=dict(t=top), title=dict(yref="container", y=0.985, yanchor="top"))
    return fig


APOLOGY_COLOURS = {"in_time": charts.GOOD, "late": charts.WARN, "sent_undated": "#5b8def",
                   "missing": charts.BAD, "unknown": "#b8bec8"}


def gains_bars(gains: pd.DataFrame, lang: str = "vi", title: str | None = None, top: int = 10) -> go.Figure:
    """Whose improvement gains the district most: the `top` (unit, indicator) pairs by the
    district score gained if that unit alone reached the indicator's full mark.

    `gains`: unit_name, kpi, value, gain (points)."""
    df = gains[gains.gain > 0.005] if gains is not None and not gains.empty else pd.DataFrame()
    if df.empty:
        return charts.empty_figure(lang, t("gains_none", lang), 240, title)
    df = df.sort_values("gain", ascending=False).head(top)
    # three short lines: the values after the bars need the rest of a half-width column
    names = [charts.wrap(f"{short_name(n)} · {KPI_BY_KEY[k].short(lang)}", 22, 3)
             for n, k in zip(df.unit_name, df.kpi)]
    labels = [f"+{fmt.decimal(g, lang, 2)} {t('points_word', lang)} · {t('now', lang)} {fmt.percent(v, lang)}"
              for g, v in zip(df.gain, df.value)]
    fig = go.Figure(go.Bar(x=list(df.gain), y=names, orientation="h", marker_color=charts.WARN, text=labels,
                           textposition="outside", cliponaxis=False, hoverinfo="text",
                           hovertext=[f"{n} — {KPI_BY_KEY[k].label(lang)}: {lab}"
                                      for n, k, lab in zip(df.unit_name, df.kpi, labels)],
                           textfont=dict(size=charts.FONT_SIZE - 1)))
    fig.update_yaxes(autorange="reversed", type="category", tickfont=dict(size=charts.FONT_SIZE - 3))
    fig.update_xaxes(range=[0, float(df.gain.max()) * 1.02], showticklabels=False, showgrid=False, zeroline=False)
    return charts.room_for_labels(charts.style(fig, lang, title, height=max(220, 48 * len(df) + 80)), labels,
                                  charts.FONT_SIZE - 1)


def projection_figure(proj, lang: str = "vi", title: str | None = None, annotations=None,
                      target_rank: int = 5) -> go.Figure:
    """The year's scores so far, the fitted line to December with its interval, and the
    projected score of the target place."""
    traj = getattr(proj, "trajectory", None)
    if proj is None or traj is None or traj.empty:
        return charts.empty_figure(lang, t("projection_none", lang), 280, title)
    df = traj.sort_values("month")
    x = [fmt.month(m, lang) for m in df.month]
    fig = go.Figure()
    # with December measured (proj.final) the year's months are drawn as they were, no line
    # fitted through them to a December "forecast" beside the actual one
    final = bool(getattr(proj, "final", False))
    fig.add_trace(go.Scatter(x=x, y=list(df.score), mode="lines", name=t("projection_line", lang), visible=not final,
                             line=dict(color=charts.SELF, width=3, dash="dash"), hoverinfo="text",
                             hovertext=[f"{fmt.month(m, lang, long=True)}: {fmt.decimal(s, lang, 1)}"
                                        for m, s in zip(df.month, df.score)]))
    if "target_score" in df and df.target_score.notna().any() and not final:
        fig.add_trace(go.Scatter(x=x, y=[None if fmt.is_missing(v) else float(v) for v in df.target_score],
                                 mode="lines", name=t("projection_target_line", lang, rank=target_rank),
                                 line=dict(color=charts.GOOD, width=2, dash="dot"), hoverinfo="text",
                                 hovertext=[f"{fmt.month(m, lang, long=True)}: {fmt.decimal(v, lang, 1)}"
                                            for m, v in zip(df.month, df.target_score)]))
    actual = [None if fmt.is_missing(v) else float(v) for v in df.actual]
    fig.add_trace(go.Scatter(x=x, y=actual, mode="lines+markers+text", name=t("projection_actual", lang),
                             line=dict(color=charts.BLUE, width=3), marker=dict(size=9),
                             text=[fmt.decimal(v, lang, 1) if v is not None else "" for v in actual],
                             textposition="top center", cliponaxis=False, hoverinfo="skip"))
    low, high = getattr(proj, "low", None), getattr(proj, "high", None)
    if low is not None and high is not None and not fmt.is_missing(low) and not fmt.is_missing(high):
        score = float(proj.score)
        fig.add_trace(go.Scatter(x=[x[-1]], y=[score], mode="markers", name=t("projection_interval", lang),
                                 marker=dict(size=12, color=charts.SELF),
                                 error_y=dict(type="data", symmetric=False, array=[float(high) - score],
                                              arrayminus=[score - float(low)], color=charts.SELF, thickness=3,
                                              width=10),
                                 hoverinfo="text",
                                 hovertext=[f"{fmt.decimal(score, lang, 1)} ({fmt.decimal(low, lang, 1)}–"
                                            f"{fmt.decimal(high, lang, 1)})"]))
    fig.update_xaxes(type="category")
    known = [v for v in list(df.score) + actual + [low] if v is not None and not fmt.is_missing(v)]
    bottom = max(0.0, min(known) - 8) if known else 0.0
    fig.update_yaxes(title=t("score_axis", lang), range=[bottom, 102])
    charts.add_events(fig, list(df.month), annotations, lang)
    return _legend_below(charts.style(fig, lang, title, height=400, legend=True))


def index_figure(index: pd.DataFrame, lang: str = "vi", title: str | None = None, target_rank: int = 5) -> go.Figure:
    """The official yearly CCHC index: our rank per year (1 at the top) with the score
    written beside it; the target places banded.

    `index`: year, score, rank, is_self (and peer_name)."""
    me = index[index.is_self] if index is not None and not index.empty else pd.DataFrame()
    if me.empty or me["rank"].isna().all():
        return charts.empty_figure(lang, t("index_none", lang), 240, title)
    me = me.sort_values("year")
    n = int(index.groupby("year").size().max())
    x = [str(int(y)) for y in me.year]
    ranks = [None if fmt.is_missing(r) else int(r) for r in me["rank"]]
    text = [f"#{r} · {fmt.decimal(s, lang, 2)}" if r is not None else "" for r, s in zip(ranks, me.score)]
    fig = go.Figure(go.Scatter(x=x, y=ranks, mode="lines+markers+text", text=text, textposition="top center",
                               line=dict(width=3, color=charts.SELF), marker=dict(size=11), cliponaxis=False,
                               hoverinfo="text", hovertext=text))
    fig.add_hrect(y0=0.5, y1=target_rank + 0.5, fillcolor=charts.BAND, line_width=0, layer="below")
    fig.update_yaxes(autorange=False, range=[max(n, target_rank) + 0.5, 0.3], dtick=1, title=t("rank", lang))
    # half a year's room at each end: the first and last labels (centred on their point) ran
    # over the rank axis's figures and off the plot at 1280×720
    fig.update_xaxes(type="category", range=[-0.5, len(x) - 0.5])
    return charts.style(fig, lang, title, height=300)


def apology_bars(by_month: pd.DataFrame, lang: str = "vi", title: str | None = None,
                 annotations=None) -> go.Figure:
    """Late dossiers per month split by their apology letter: in time, late, undated,
    missing, unknown (apology_summary by period)."""
    if by_month is None or by_month.empty or by_month["dossiers"].sum() == 0:
        return charts.empty_figure(lang, t("apology_none", lang), 260, title)
    df = by_month.sort_values("period")
    x = [fmt.month(p, lang) for p in df.period]
    fig = go.Figure()
    for state, colour in APOLOGY_COLOURS.items():
        if df[state].sum() == 0:
            continue
        fig.add_trace(go.Bar(x=x, y=list(df[state]), name=t(f"apology_{state}", lang), marker_color=colour,
                             hoverinfo="text", hovertext=[f"{fmt.month(p, lang, long=True)} — "
                                                          f"{t(f'apology_{state}', lang)}: {fmt.number(v, lang)}"
                                                          for p, v in zip(df.period, df[state])]))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    charts.add_events(fig, list(df.period), annotations, lang)
    return _legend_below(charts.style(fig, lang, title, height=380, legend=True))


def kpi_pair(frame: pd.DataFrame, keys: list[str], lang: str = "vi", title: str | None = None,
             annotations=None, height: int = 320) -> go.Figure:
    """Two (or more) rates of one selection over the months on one chart: the early rate of
    online + BCCI dossiers beside that of direct ones (rule 3: the first should be higher)."""
    if frame is None or frame.empty or all(frame[k].isna().all() for k in keys if k in frame):
        return charts.empty_figure(lang, t("no_data_period", lang), height, title)
    df = frame.sort_values("period")
    x = [fmt.month(p, lang) for p in df.period]
    colours = [charts.BLUE, charts.NEUTRAL, charts.WARN]
    fig = go.Figure()
    for i, key in enumerate(keys):
        k = KPI_BY_KEY[key]
        y = [None if fmt.is_missing(v) else float(v) * 100 for v in df[key]]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=k.short(lang), connectgaps=False,
                                 line=dict(width=3 if i == 0 else 2, color=colours[i % 3],
                                           dash="solid" if i == 0 else "dot"),
                                 marker=dict(size=8), hoverinfo="text",
                                 hovertext=[f"{k.short(lang)} — {fmt.month(p, lang, long=True)}: "
                                            f"{fmt.kpi_value(k, v, lang)}" for p, v in zip(df.period, df[key])]))
    fig.update_xaxes(type="category")
    fig.update_yaxes(ticksuffix=fmt.percent_sign(lang), rangemode="tozero")
    charts.add_events(fig, list(df.period), annotations, lang)
    return _legend_below(charts.style(fig, lang, title, height=height + 40, legend=True))


def count_bars(frame: pd.DataFrame, value_col: str, lang: str = "vi", goal=None, title: str | None = None,
               annotations=None, height: int = 300) -> go.Figure:
    """A count per month (citizen accounts created with help) as bars, with its goal line
    when the profile sets one."""
    if frame is None or frame.empty or frame[value_col].isna().all():
        return charts.empty_figure(lang, t("accounts_none", lang), height, title)
    df = frame.sort_values("period")
    x = [fmt.month(p, lang) for p in df.period]
    vals = [None if fmt.is_missing(v) else float(v) for v in df[value_col]]
    colours = [charts.BLUE if fmt.is_missing(goal) or v is None else (charts.GOOD if v >= float(goal) else charts.BAD)
               for v in vals]
    fig = go.Figure(go.Bar(x=x, y=vals, marker_color=colours, text=[fmt.number(v, lang) for v in vals],
                           textposition="outside", cliponaxis=False, hoverinfo="text",
                           hovertext=[f"{fmt.month(p, lang, long=True)}: {fmt.number(v, lang)}"
                                      for p, v in zip(df.period, vals)]))
    if not fmt.is_missing(goal):
        fig.add_hline(y=float(goal), line=dict(color=charts.INK, width=2, dash="dash"),
                      annotation=dict(text=f"{t('goal', lang)} ≥ {fmt.number(goal, lang)}",
                                      font=dict(size=charts.FONT_SIZE - 2), bgcolor="rgba(255,255,255,0.8)"),
                      annotation_position="top left")
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    charts.add_events(fig, list(df.period), annotations, lang)
    return charts.style(fig, lang, title, height=height)
