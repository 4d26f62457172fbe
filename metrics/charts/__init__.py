"""Figures of the dashboard and of the exports: plain functions returning plotly Figures.

No Streamlit here: the briefing deck and the PDF render the same figures. Every figure
reads on a projector (large type, high contrast, Vietnamese separators ",."), says what is
missing instead of drawing nothing, and takes its labels from the KPI registry. Rates are
drawn in percent (97.5), formatted by metrics.i18n.fmt in labels and hover texts.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from ..i18n import fmt
from ..i18n import pick, t
from ..model.kpis import KPI, KPI_BY_KEY
from ..rules.score import target_cut

FONT = "Arial, 'Noto Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 16
INK = "#111111"
GRID = "#d0d4da"
BLUE = "#0b4f9c"
GOOD = "#1a7f37"
BAD = "#c62828"
WARN = "#d97706"
NEUTRAL = "#6b7280"
SELF = "#b45309"
BAND = "rgba(26,127,55,0.12)"
# the four quartile bands of a league, worst to best, readable behind black text; the best
# quarter is blue, not green, because green is kept for "goal met"
QUARTILE_COLOURS = ["#f8b4b4", "#fcd9a8", "#fdf1b8", "#dbe9f6"]
GOAL_MET_COLOUR = "#8fd19e"
# red -> amber -> green, for a KPI where higher is better
SCALE_UP = [[0.0, "#c62828"], [0.5, "#f6d55c"], [1.0, "#1a7f37"]]


def kpi_of(kpi_or_key: KPI | str) -> KPI:
    return kpi_or_key if isinstance(kpi_or_key, KPI) else KPI_BY_KEY[kpi_or_key]


def separators(lang: str) -> str:
    # plotly wants "<decimal><thousands>"
    return pick((",.", ".,"), lang)


def style(fig: go.Figure, lang: str = "vi", title: str | None = None, height: int | None = None,
          legend: bool = False) -> go.Figure:
    """The house style: white, large black type, light grid, room for labels."""
    fig.update_layout(
        template="plotly_white",
        separators=separators(lang),
        font=dict(family=FONT, size=FONT_SIZE, color=INK),
        title=dict(text=title, font=dict(size=FONT_SIZE + 4), x=0, xanchor="left") if title else None,
        margin=dict(l=10, r=20, t=56 if title else 16, b=10),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        hoverlabel=dict(font_size=FONT_SIZE),
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(gridcolor=GRID, linecolor=INK, tickfont=dict(size=FONT_SIZE - 1), automargin=True)
    fig.update_yaxes(gridcolor=GRID, linecolor=INK, tickfont=dict(size=FONT_SIZE - 1), automargin=True,
                     zerolinecolor=GRID)
    if height:
        fig.update_layout(height=height)
    return fig


def room_for_labels(fig: go.Figure, labels, size: int = FONT_SIZE) -> go.Figure:
    """Values written after horizontal bars keep their room whatever the chart's width: the
    longest label's width (about half an em a character) as the right margin, the longest bar
    ending at the plot's edge. A range stretched by a fixed factor clipped long labels in a
    half-width column."""
    longest = max((len(str(x)) for x in labels), default=0)
    fig.update_layout(margin=dict(r=int(longest * size * 0.5) + 12))
    return fig


def empty_figure(lang: str = "vi", message: str | None = None, height: int = 260,
                 title: str | None = None) -> go.Figure:
    """A figure that says why it is empty (never a blank frame)."""
    fig = go.Figure()
    fig.add_annotation(text=message or t("no_data_period", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=FONT_SIZE + 2, color=NEUTRAL))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, lang, title, height)


def goal_status(kpi: KPI | str, value, goal) -> str:
    """"good" (goal met), "bad" (not met) or "none" (no value or no goal)."""
    k = kpi_of(kpi)
    if fmt.is_missing(value) or fmt.is_missing(goal):
        return "none"
    v, g = float(value), float(goal)
    # a rate within half a tenth of a percent of its goal reads as met ("100,0 %")
    eps = 0.0005 if k.is_rate else 0
    ok = v <= g + eps if k.lower_is_better else v >= g - eps
    return "good" if ok else "bad"


STATUS_COLOUR = {"good": GOOD, "bad": BAD, "none": NEUTRAL}


def wrap(label: str, width: int = 22, lines: int = 2) -> str:
    """A long unit or procedure name on at most `lines` lines, so that bars keep their room."""
    words, out, cur = str(label).split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return "<br>".join(out)


def _count_ticks(fig: go.Figure, values, axis: str = "y") -> None:
    """Whole numbers only: a count axis never shows 0,5 or the same tick twice."""
    known = [float(v) for v in values if not fmt.is_missing(v)]
    top = max(known, default=0)
    upd = dict(tickformat=",d", rangemode="tozero")
    if top <= 5:
        upd.update(dtick=1, range=[0, max(1.0, top) * 1.25])
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**upd)


def in_drawing_unit(k: KPI, values) -> list:
    """Rates in percent for the axis; counts as they are; missing stays None."""
    out = []
    for v in values:
        out.append(None if fmt.is_missing(v) else (float(v) * 100 if k.is_rate else float(v)))
    return out


def _axis(fig: go.Figure, k: KPI, lang: str, values=()) -> None:
    if k.is_rate:
        fig.update_yaxes(ticksuffix=fmt.percent_sign(lang), rangemode="tozero")
    else:
        _count_ticks(fig, values)


def _goal_line(fig: go.Figure, k: KPI, goal, lang: str) -> None:
    if fmt.is_missing(goal):
        return
    y = float(goal) * 100 if k.is_rate else float(goal)
    fig.add_hline(y=y, line=dict(color=INK, width=2, dash="dash"),
                  annotation=dict(text=f"{t('goal', lang)} {fmt.goal_text(k, goal, lang)}",
                                  font=dict(size=FONT_SIZE - 2, color=INK), bgcolor="rgba(255,255,255,0.8)"),
                  annotation_position="top left")


def _month_labels(periods, lang: str) -> list[str]:
    return [fmt.month(p, lang) for p in periods]


# --- events (notes.annotations) on every time series -------------------------------------------
EVENT = "#6d28d9"        # violet: apart from the goal line (black) and the status colours
EVENT_LABEL = 30         # characters of an event's text on the chart; the rest in its hover text


def event_rows(events) -> list[tuple[date, str]]:
    """(date, text) pairs of a notes.annotations frame (event_date, text) or of a list of
    pairs; rows without a date are left out."""
    if events is None:
        return []
    if isinstance(events, pd.DataFrame):
        if events.empty or "event_date" not in events or "text" not in events:
            return []
        pairs = zip(events["event_date"], events["text"])
    else:
        pairs = events
    out = []
    for d, text in pairs:
        day = fmt.to_date(d)
        if day is not None and not fmt.is_missing(text) and str(text).strip():
            out.append((day, " ".join(str(text).split())))
    return sorted(out)


def event_marks(periods, events, lang: str = "vi") -> list[tuple[int, str, str, list[str]]]:
    """The events that fall in the months of `periods`, one mark per month: (index of the
    month in `periods`, its label, a short text, "day: text" lines). An event outside
    those months is left out (it would add a stray category)."""
    rows = event_rows(events)
    if not rows:
        return []
    months = []
    for p in periods:
        d = fmt.to_date(p)
        if d is not None and (d.year, d.month) not in [m for m, _ in months]:
            months.append(((d.year, d.month), fmt.month(d, lang)))
    index = {m: (i, label) for i, (m, label) in enumerate(months)}
    by_month: dict[tuple[int, int], list[tuple[date, str]]] = {}
    for day, text in rows:
        if (day.year, day.month) in index:
            by_month.setdefault((day.year, day.month), []).append((day, text))
    out = []
    for m, items in sorted(by_month.items()):
        i, label = index[m]
        first = items[0][1]
        short = first if len(first) <= EVENT_LABEL else first[: EVENT_LABEL - 1].rstrip() + "…"
        if len(items) > 1:
            short += f" (+{len(items) - 1})"
        out.append((i, label, short, [f"{fmt.day(d, lang)}: {text}" for d, text in items]))
    return out


def add_events(fig: go.Figure, periods, events, lang: str = "vi", mode: str = "line") -> go.Figure:
    """Mark the months of `events` on a figure whose x axis is the month labels of `periods`
    (as _month_labels draws them): a dotted vertical line with the event's text ("line"),
    or an outline around the month's column of a heatmap ("column"). An event in a month
    the figure does not show is left out (it would add a stray category). Markers and
    labels are named "event" (tests and exports find them)."""
    periods = list(periods)
    marks = event_marks(periods, events, lang)
    if not marks:
        return fig
    for n, (i, label, short, lines) in enumerate(marks):
        hover = "<br>".join(lines)
        if mode == "column":
            fig.add_shape(type="rect", x0=i - 0.5, x1=i + 0.5, y0=0, y1=1, yref="paper", name="event",
                          line=dict(color=EVENT, width=3), fillcolor="rgba(0,0,0,0)", layer="above")
            # under the grid; numbered when several (names of neighbouring months ran into each
            # other), the full text on hover as on the line charts
            fig.add_annotation(x=label, y=0, yref="paper", yanchor="top", yshift=-4,
                               text=f"▲ {short}" if len(marks) == 1 else f"▲{n + 1}", showarrow=False,
                               hovertext=f"▲{n + 1} " + hover if len(marks) > 1 else hover, name="event",
                               xanchor="center", font=dict(size=FONT_SIZE - 3, color=EVENT),
                               bgcolor="rgba(255,255,255,0.9)")
            continue
        fig.add_shape(type="line", x0=label, x1=label, y0=0, y1=1, yref="paper", name="event",
                      line=dict(color=EVENT, width=2, dash="dot"), layer="below")
        # a marker above the plot area (never over a data or goal label) with the event's short
        # text beside it, the full text on hover
        fig.add_annotation(x=label, y=1, yref="paper", yanchor="bottom", text=f"◆ {short}" if len(marks) == 1
                           else f"◆{n + 1}", showarrow=False, hovertext=f"◆{n + 1} " + hover if len(marks) > 1
                           else hover, name="event", font=dict(size=FONT_SIZE - 3, color=EVENT))
    # plotly widens an autoranged axis to keep every annotation's text in view: one long event
    # name squeezed a year of heatmap columns into a sixth of the plot; hold the months' range
    fig.update_xaxes(range=[-0.5, len(periods) - 0.5], autorange=False)
    if mode == "column":
        fig.update_layout(margin=dict(b=44))
        return fig
    margin = fig.layout.margin
    fig.update_layout(margin=dict(t=max(margin.t or 0, 36)))
    return fig


def figure_for(kpi_key: str, frame: pd.DataFrame, lang: str = "vi", goal=None, title: str | None = None,
               height: int = 340, name_col: str = "unit_name", annotations=None) -> go.Figure:
    """One KPI over months: a line per unit (rates) or bars (counts), with the goal line.

    `frame` is a queries.kpi_series result (period, unit_code, unit_name, counters, KPIs);
    `annotations` (notes.annotations) marks the months of events.
    """
    k = kpi_of(kpi_key)
    title = title if title is not None else k.label(lang)
    if frame is None or frame.empty or k.key not in frame or frame[k.key].isna().all():
        return empty_figure(lang, t("no_data_period", lang), height, title)
    df = frame.sort_values("period")
    fig = go.Figure()
    groups = list(df.groupby(name_col, sort=False)) if name_col in df and df[name_col].nunique() > 1 \
        else [(None, df)]
    for name, g in groups:
        x = _month_labels(g.period, lang)
        y = in_drawing_unit(k, g[k.key])
        hover = [f"{fmt.month(p, lang, long=True)}: {fmt.kpi_value(k, v, lang)}" for p, v in zip(g.period, g[k.key])]
        if k.is_rate or len(groups) > 1:
            fig.add_trace(go.Scatter(x=x, y=y, name=name or k.short(lang), mode="lines+markers",
                                     line=dict(width=3, color=BLUE if len(groups) == 1 else None),
                                     marker=dict(size=8), hovertext=hover, hoverinfo="text",
                                     connectgaps=False))
        else:
            colours = [STATUS_COLOUR[goal_status(k, v, goal)] if not fmt.is_missing(goal) else BLUE
                       for v in g[k.key]]
            fig.add_trace(go.Bar(x=x, y=y, name=k.short(lang), marker_color=colours, hovertext=hover,
                                 hoverinfo="text", text=[fmt.kpi_value(k, v, lang, short=True) for v in g[k.key]],
                                 textposition="outside", cliponaxis=False))
    _axis(fig, k, lang, df[k.key])
    _goal_line(fig, k, goal, lang)
    fig.update_xaxes(type="category")
    add_events(fig, sorted(df.period.unique()), annotations, lang)
    return style(fig, lang, title, height, legend=len(groups) > 1)


def sparkline(periods, values, kpi_key: str, lang: str = "vi", goal=None, height: int = 70) -> go.Figure:
    """A tiny trend for a card or a slide: no axes, the last point marked in its goal colour."""
    k = kpi_of(kpi_key)
    y = in_drawing_unit(k, list(values))
    x = list(periods)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(width=2.5, color=BLUE), hoverinfo="skip",
                             connectgaps=False))
    known = [(xi, yi, v) for xi, yi, v in zip(x, y, values) if yi is not None]
    if known:
        xi, yi, v = known[-1]
        fig.add_trace(go.Scatter(x=[xi], y=[yi], mode="markers", hoverinfo="skip",
                                 marker=dict(size=9, color=STATUS_COLOUR[goal_status(k, v, goal)])))
    if not fmt.is_missing(goal):
        fig.add_hline(y=float(goal) * 100 if k.is_rate else float(goal), line=dict(color=NEUTRAL, width=1, dash="dot"))
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
                      plot_bgcolor="white", paper_bgcolor="white", separators=separators(lang))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def league_heatmap(frame: pd.DataFrame, kpi_key: str, lang: str = "vi", goal=None, title: str | None = None,
                   unit_order: list[str] | None = None, annotations=None) -> go.Figure:
    """Units (rows) × months (columns) of one KPI, green = good whichever way is good."""
    k = kpi_of(kpi_key)
    title = title if title is not None else f"{k.label(lang)} — {t('by_unit_month', lang)}"
    if frame is None or frame.empty or frame[k.key].isna().all():
        return empty_figure(lang, t("no_data_period", lang), 300, title)
    df = frame[frame.unit_code != "ALL"] if "unit_code" in frame else frame
    months = sorted(df.period.unique())
    names = unit_order or list(dict.fromkeys(df.unit_name))
    names = [n for n in names if n in set(df.unit_name)]
    cell = {(r.unit_name, r.period): getattr(r, k.key) for r in df.itertuples()}
    z, text = [], []
    for n in names:
        row_z, row_t = [], []
        for m in months:
            v = cell.get((n, m))
            row_z.append(None if fmt.is_missing(v) else (float(v) * 100 if k.is_rate else float(v)))
            # "100" not "100,0": the widest number of a rate column, the one that overran its cell
            full = k.is_rate and not fmt.is_missing(v) and float(v) >= 1
            row_t.append("100" if full else fmt.kpi_value(k, v, lang, short=True).replace(" %", "").replace("%", ""))
        z.append(row_z)
        text.append(row_t)
    scale = SCALE_UP if not k.lower_is_better else [[1 - p, c] for p, c in reversed(SCALE_UP)]
    known = [v for r in z for v in r if v is not None]
    if k.is_rate:
        # from the lowest tens observed: 0-100 would paint 85 % and 100 % the same green
        zmin, zmax = min(90.0, 10 * (min(known) // 10)), 100.0
    else:
        zmin, zmax = 0.0, max(1.0, max(known))
    x = _month_labels(months, lang)
    hover = [[f"{n}<br>{fmt.month(m, lang, long=True)}: {fmt.kpi_value(k, cell.get((n, m)), lang)}" for m in months]
             for n in names]
    fig = go.Figure(go.Heatmap(z=z, x=x, y=names, text=text, texttemplate="%{text}", hovertext=hover,
                               hoverinfo="text", colorscale=scale, zmin=zmin, zmax=zmax, xgap=2, ygap=2,
                               textfont=dict(size=FONT_SIZE - 2, color=INK),
                               colorbar=dict(ticksuffix=fmt.percent_sign(lang) if k.is_rate else "",
                                             thickness=14)))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top")
    fig = style(fig, lang, title, height=max(260, 34 * len(names) + 130))
    fig.update_layout(margin=dict(t=100))
    return add_events(fig, months, annotations, lang, mode="column")


def unit_bar_rows(frame: pd.DataFrame, kpi_key: str, lang: str = "vi", goal=None, top: int | None = None,
                  worst_first: bool = True, share_of: float | None = None) -> pd.DataFrame:
    """The bars of a units-on-one-KPI chart, in drawing order: unit_name, value, scaled (a rate
    in percent), label (the value as written on the bar), colour (against the goal, or blue
    without one). Shared by the Plotly figure (unit_bars) and the dashboard's light bar list."""
    k = kpi_of(kpi_key)
    df = frame[frame.unit_code != "ALL"] if "unit_code" in frame else frame
    df = df[df[k.key].notna()]
    if df.empty:
        return pd.DataFrame(columns=["unit_name", "value", "scaled", "label", "colour"])
    # worst first: high counts of a lower-is-better KPI, low rates of a higher-is-better one
    worst_desc = k.lower_is_better
    df = df.sort_values(k.key, ascending=not worst_desc if worst_first else worst_desc, kind="stable")
    if top:
        df = df.head(top)
    labels = []
    for v in df[k.key]:
        s = fmt.kpi_value(k, v, lang)
        if share_of:
            s += f" ({fmt.percent(float(v) / share_of, lang)})"
        labels.append(s)
    colours = [STATUS_COLOUR[goal_status(k, v, goal)] if not fmt.is_missing(goal) else BLUE for v in df[k.key]]
    return pd.DataFrame({"unit_name": list(df.unit_name), "value": list(df[k.key]),
                         "scaled": in_drawing_unit(k, df[k.key]),
                         "label": labels, "colour": colours})


def unit_bars(frame: pd.DataFrame, kpi_key: str, lang: str = "vi", goal=None, title: str | None = None,
              top: int | None = None, worst_first: bool = True, share_of: float | None = None) -> go.Figure:
    """Units side by side on one KPI (horizontal bars), coloured against the goal.

    With `top`, only the `top` worst (or best) units; `share_of` adds "x % of the total" to
    each label (who contributes most late dossiers).
    """
    k = kpi_of(kpi_key)
    title = title if title is not None else k.label(lang)
    df = unit_bar_rows(frame, kpi_key, lang, goal, top, worst_first, share_of)
    if df.empty:
        return empty_figure(lang, t("no_data_period", lang), 240, title)
    names = [wrap(n) for n in df.unit_name]
    hover = [f"{n}: {lab}" for n, lab in zip(df.unit_name, df.label)]
    fig = go.Figure(go.Bar(x=list(df.scaled), y=names, orientation="h", marker_color=list(df.colour),
                           text=list(df.label), textposition="outside", cliponaxis=False, hovertext=hover,
                           hoverinfo="text", textfont=dict(size=FONT_SIZE)))
    fig.update_yaxes(autorange="reversed", type="category", tickfont=dict(size=FONT_SIZE - 2))
    # the values are written on the bars: an axis would only crowd a narrow chart
    top = 100.0 if k.is_rate else float(df.value.max() or 1)
    fig.update_xaxes(range=[0, top * 1.02], showticklabels=False, showgrid=False, zeroline=False)
    # the goal shows in the bar colours: a goal line would run through the value labels
    return room_for_labels(style(fig, lang, title, height=max(200, 52 * len(df) + 90)), df.label)


def breakdown_bars(frame: pd.DataFrame, kpi_key: str, lang: str = "vi", goal=None, title: str | None = None,
                   label_col: str = "item", top: int = 12) -> go.Figure:
    """A KPI per procedure or field (queries.breakdown), largest items first."""
    df = frame.rename(columns={label_col: "unit_name"}).assign(unit_code=lambda d: d["unit_name"])
    if "received_total" in df:
        df = df.sort_values("received_total", ascending=False).head(top)
    return unit_bars(df, kpi_key, lang, goal, title, top=None, worst_first=True)


def peer_bar_rows(ranking: pd.DataFrame, lang: str = "vi", target_rank: int = 5) -> tuple[pd.DataFrame, float | None]:
    """The bars of the peer chart, best first (peer_name, is_self, score, rank, label, colour),
    and the cut: the score that holds the target place (score.target_cut)."""
    if ranking is None or ranking.empty or ranking["score"].isna().all():
        return pd.DataFrame(columns=["peer_name", "is_self", "score", "rank", "label", "colour"]), None
    df = ranking.dropna(subset=["score"]).sort_values(["score", "peer_name"], ascending=[False, True])
    df = df.assign(label=[f"{fmt.decimal(s, lang, 1)} · #{r}" for s, r in zip(df.score, df["rank"])],
                   colour=[SELF if s else BLUE for s in df.is_self])
    return df, target_cut(df.score[~df.is_self.astype(bool)], target_rank)


def peer_bars(ranking: pd.DataFrame, lang: str = "vi", target_rank: int = 5, stretch_rank: int | None = None,
              title: str | None = None) -> go.Figure:
    """Every peer's score, best first, the jurisdiction highlighted, the target places banded.

    `ranking` is a score.peer_ranking result (peer_name, is_self, score, rank).
    """
    title = title if title is not None else t("peer_scores", lang)
    df, cut = peer_bar_rows(ranking, lang, target_rank)
    if df.empty:
        return empty_figure(lang, t("needs_peer_data", lang), 300, title)
    names = list(df.peer_name)
    labels = list(df.label)
    # the label inside the end of its bar: beside the bar it was cut off at the column's edge
    # on a 1280-wide projector; a bar too short for it gets it outside, in ink
    fig = go.Figure(go.Bar(x=list(df.score), y=names, orientation="h", marker_color=list(df.colour), text=labels,
                           textposition="auto", insidetextanchor="end", cliponaxis=False, constraintext="none",
                           hoverinfo="text+y", hovertext=labels, textfont=dict(size=FONT_SIZE),
                           insidetextfont=dict(size=FONT_SIZE, color="white"),
                           outsidetextfont=dict(size=FONT_SIZE, color=INK)))
    band = min(target_rank, len(names))
    if band:
        # the places that meet the target, drawn behind the bars; the cut (the score of the
        # target place) as a line across every bar: who is above it, who has to reach it
        label = t("target_band", lang, rank=target_rank)
        if cut is not None:
            label += " · " + t("target_cut", lang, score=fmt.decimal(cut, lang, 1))
        fig.add_hrect(y0=-0.5, y1=band - 0.5, fillcolor=BAND, line_width=0, layer="below",
                      annotation=dict(text=label, font=dict(size=FONT_SIZE - 2)),
                      annotation_position="bottom right")
        if cut is not None:
            fig.add_shape(type="line", x0=cut, x1=cut, y0=-0.5, y1=len(names) - 0.5, name="target_cut",
                          line=dict(color=GOOD, width=3, dash="dash"), layer="below")
    if stretch_rank and stretch_rank < band:
        fig.add_hline(y=stretch_rank - 0.5, line=dict(color=GOOD, width=1.5, dash="dot"))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 102], title=t("score_axis", lang))
    return style(fig, lang, title, height=max(260, 40 * len(names) + 100))


def rank_trend(history: pd.DataFrame, lang: str = "vi", target_rank: int = 5, title: str | None = None,
               annotations=None) -> go.Figure:
    """The jurisdiction's rank per month (1 at the top), the target places banded."""
    title = title if title is not None else t("rank_trend", lang)
    if history is None or history.empty or history["rank"].isna().all():
        return empty_figure(lang, t("needs_peer_data", lang), 260, title)
    df = history.sort_values("period")
    n = int(pd.to_numeric(df["n_peers"], errors="coerce").max() or target_rank)
    x = _month_labels(df.period, lang)
    ranks = [None if fmt.is_missing(r) else int(r) for r in df["rank"]]
    hover = [f"{fmt.month(p, lang, long=True)}: #{r if r is not None else '–'} / {int(np_) if not fmt.is_missing(np_) else '–'}"
             for p, r, np_ in zip(df.period, ranks, df.n_peers)]
    fig = go.Figure(go.Scatter(x=x, y=ranks, mode="lines+markers+text", text=[f"#{r}" if r else "" for r in ranks],
                               textposition="top center", line=dict(width=3, color=SELF), marker=dict(size=10),
                               hovertext=hover, hoverinfo="text"))
    fig.add_hrect(y0=0.5, y1=target_rank + 0.5, fillcolor=BAND, line_width=0, layer="below")
    # the band's note on a line of its own: after the title it ran past a half-width column
    title = f"{title}<br><span style='font-size:{FONT_SIZE - 2}px'>{t('target_band', lang, rank=target_rank)}</span>"
    fig.update_yaxes(autorange=False, range=[max(n, target_rank) + 0.5, 0.5], dtick=1, title=t("rank", lang))
    fig.update_xaxes(type="category")
    add_events(fig, list(df.period), annotations, lang)
    style(fig, lang, title, height=330)
    return fig.update_layout(margin=dict(t=96 if fig.layout.annotations else 80))


def quartile_band(value, values: list, lower_is_better: bool) -> int | None:
    """0 (worst quarter) … 3 (best quarter) of a value among its league; None if unknown."""
    known = sorted(float(v) for v in values if not fmt.is_missing(v))
    if fmt.is_missing(value) or len(known) < 2:
        return None
    v = float(value)
    below = sum(1 for x in known if x < v)
    equal = sum(1 for x in known if x == v)
    pct = (below + 0.5 * equal) / len(known)      # mid-rank percentile, so ties share a band
    band = min(3, int(pct * 4))
    return 3 - band if lower_is_better else band


def cell_colour(kpi: KPI | str, value, values: list, goal=None) -> str | None:
    """Background for a league cell: green when the goal is met, else its quartile band."""
    k = kpi_of(kpi)
    if goal_status(k, value, goal) == "good":
        return GOAL_MET_COLOUR
    band = quartile_band(value, values, k.lower_is_better)
    return None if band is None else QUARTILE_COLOURS[band]


def month_axis(periods: list[date], lang: str = "vi") -> list[str]:
    return _month_labels(periods, lang)
