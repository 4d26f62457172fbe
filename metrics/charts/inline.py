"""Light charts for the pages that must open fast: bar lists in HTML and small SVG lines.

Why not Plotly here: the browser loads, compiles and lays out Plotly's 4.7 MB library before
it draws anything of a page that holds one Plotly chart, and Streamlit's sparklines in
st.metric load Vega the same way. On the overview that was two of the three seconds a page
took (docs/performance.md). These charts are plain markup the browser draws with the page.
They take their rows, colours and labels from metrics.charts (the same as the Plotly figures
of the other pages and of the exports); they only draw. No Streamlit here: strings in, string
out, so that tests read them.
"""
from __future__ import annotations

import base64
import re
from html import escape

import pandas as pd

from metrics import charts
from metrics.i18n import fmt
from metrics.i18n import t

# class names styled in ui.components.CSS
_ROW_H = 34          # px, one bar row


# characters XML forbids: one of them in an event's text would make the whole SVG unreadable
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text) -> str:
    return escape(_NOT_XML.sub("", str(text)), quote=True)


def _title(title: str | None) -> str:
    return f'<div class="ic-title">{_esc(title)}</div>' if title else ""


def empty(message: str, title: str | None = None) -> str:
    """Says why there is nothing to draw (never a blank frame)."""
    return f'<div class="ic-chart">{_title(title)}<div class="ic-empty">{_esc(message)}</div></div>'


def bar_list(names, fractions, labels, colours, title: str | None = None, *, hovers=None, marker=None,
             band: int = 0, band_text: str | None = None, strong=None, divider_before: int | None = None) -> str:
    """Horizontal bars, one row each: name, bar (its length a fraction 0–1 of the track), the
    value written after it. `marker`: (fraction, text) drawn as a dashed line across every
    row (a threshold); `band`: the first rows tinted (the target places) with `band_text`
    under them; `strong`: rows whose name is bold (the jurisdiction itself);
    `divider_before`: a dotted line above that row (the stretch target)."""
    n = len(names)
    hovers = hovers or [f"{a}: {b}" for a, b in zip(names, labels)]
    strong = strong or [False] * n
    # the track stops short of the row's end by the widest value (in widths of a digit, a
    # little over for the bold type): a full bar's value is written in that margin, never over
    # the next column of a narrow layout ("158 (90,8 %)" ran into it at 1280 px)
    room = f"{max((len(str(v)) for v in labels), default=0) * 1.1 + 1:.1f}ch"
    rows = []
    for i in range(n):
        width = max(0.0, min(1.0, float(fractions[i] or 0))) * 100
        cls = "ic-row" + (" ic-band" if i < band else "") + (" ic-divider" if divider_before == i else "")
        cut = (f'<i class="ic-cut" style="left:{marker[0] * 100:.2f}%"></i>'
               if marker is not None and marker[0] is not None else "")
        name_cls = "ic-name ic-strong" if strong[i] else "ic-name"
        rows.append(
            f'<div class="{cls}" title="{_esc(hovers[i])}">'
            f'<div class="{name_cls}">{_esc(names[i])}</div>'
            f'<div class="ic-track" style="margin-right:{room}">{cut}<b class="ic-bar" style="width:{width:.2f}%;background:{colours[i]}"></b>'
            f'<span class="ic-value" style="left:calc({width:.2f}% + 6px)">{_esc(labels[i])}</span></div></div>')
        if band and i == min(band, n) - 1 and band_text:
            rows.append(f'<div class="ic-band-text">{_esc(band_text)}</div>')
    return f'<div class="ic-chart" role="figure" aria-label="{_esc(title or "")}">{_title(title)}{"".join(rows)}</div>'


def unit_bars(frame: pd.DataFrame, kpi_key: str, lang: str = "vi", goal=None, title: str | None = None,
              top: int | None = None, share_of: float | None = None) -> str:
    """charts.unit_bars as a bar list: the `top` worst units on one KPI, coloured against the goal."""
    k = charts.kpi_of(kpi_key)
    title = title if title is not None else k.label(lang)
    df = charts.unit_bar_rows(frame, kpi_key, lang, goal, top, True, share_of)
    if df.empty:
        return empty(t("no_data_period", lang), title)
    full = 100.0 if k.is_rate else float(df.scaled.max() or 1)
    fractions = [(v or 0) / full for v in df.scaled]
    return bar_list(list(df.unit_name), fractions, list(df.label), list(df.colour), title)


def peer_bars(ranking: pd.DataFrame, lang: str = "vi", target_rank: int = 5, stretch_rank: int | None = None,
              title: str | None = None) -> str:
    """charts.peer_bars as a bar list: every peer's score best first, the jurisdiction in bold
    and its own colour, the target places tinted, the target place's score as a dashed line."""
    title = title if title is not None else t("peer_scores", lang)
    df, cut = charts.peer_bar_rows(ranking, lang, target_rank)
    if df.empty:
        return empty(t("needs_peer_data", lang), title)
    scale = 1 / 100             # scores are 0–100
    band = min(target_rank, len(df))
    band_text = t("target_band", lang, rank=target_rank)
    if cut is not None:
        band_text += " · " + t("target_cut", lang, score=fmt.decimal(cut, lang, 1))
    return bar_list(list(df.peer_name), [s * scale for s in df.score], list(df.label), list(df.colour), title,
                    marker=(cut * scale, None) if cut is not None else None, band=band, band_text=band_text,
                    strong=list(df.is_self),
                    divider_before=stretch_rank if stretch_rank and stretch_rank < band else None)


def sparkline(values, colour: str = charts.BLUE, goal: float | None = None, hover: str = "",
              height: int = 46, dot: str | None = None) -> str:
    """A small line of the last months (values already in their drawing unit, None left out),
    its last point marked (in `dot`, else the line's colour), the goal as a dashed line when
    it falls in view."""
    pts = [float(v) for v in values if not fmt.is_missing(v)]
    if len(pts) < 2:
        return ""
    w, h, pad = 300.0, 60.0, 6.0
    lo, hi = min(pts), max(pts)
    show_goal = goal is not None and not fmt.is_missing(goal) and lo - (hi - lo) <= goal <= hi + (hi - lo)
    if show_goal:
        lo, hi = min(lo, goal), max(hi, goal)
    span = hi - lo or 1.0

    def y(v: float) -> float:
        return h - pad - (v - lo) / span * (h - 2 * pad)

    xs = [i * w / (len(pts) - 1) for i in range(len(pts))]
    line = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, pts))
    goal_line = (f'<line x1="0" x2="{w}" y1="{y(goal):.1f}" y2="{y(goal):.1f}" stroke="{charts.INK}" '
                 f'stroke-width="1" stroke-dasharray="4 3" vector-effect="non-scaling-stroke"/>' if show_goal else "")
    # a zero-length line with a round cap: a dot that stays round when the line is stretched
    dot = (f'<line x1="{xs[-1]:.1f}" y1="{y(pts[-1]):.1f}" x2="{xs[-1]:.1f}" y2="{y(pts[-1]):.1f}" '
           f'stroke="{dot or colour}" stroke-width="8" stroke-linecap="round" vector-effect="non-scaling-stroke"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" preserveAspectRatio="none" '
            f'width="{w:.0f}" height="{height}"><title>{_esc(hover)}</title>{goal_line}'
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'vector-effect="non-scaling-stroke" stroke-linejoin="round"/>{dot}</svg>')


def kpi_sparkline(periods, values, kpi_key: str, lang: str = "vi", goal=None) -> str:
    """charts.sparkline as a light image: a KPI's last months in its drawing unit (a rate in
    percent), the goal line, the last point in its goal colour, the months in words on hover."""
    k = charts.kpi_of(kpi_key)
    known = [(p, v) for p, v in zip(periods, values) if not fmt.is_missing(v)]
    if len(known) < 2:
        return ""
    hover = " · ".join(f"{fmt.month(p, lang)}: {fmt.kpi_value(k, v, lang)}" for p, v in known)
    scaled = charts.in_drawing_unit(k, [v for _, v in known])
    goal_at = None if fmt.is_missing(goal) else charts.in_drawing_unit(k, [goal])[0]
    dot = charts.STATUS_COLOUR[charts.goal_status(k, known[-1][1], goal)]
    return as_image(sparkline(scaled, charts.BLUE, goal_at, hover, dot=dot), hover, "ic-spark")


def sparkline_of(figure) -> str:
    """The SVG sparkline of a charts.sparkline figure (the deck's card sparkline): its values,
    its goal line and the colour of its last point, drawn light for a page."""
    if figure is None or not figure.data:
        return ""
    values = [v for v in (figure.data[0].y or ()) if v is not None]
    dot = figure.data[1].marker.color if len(figure.data) > 1 else None
    goal = next((sh.y0 for sh in (figure.layout.shapes or ()) if sh.y0 is not None and sh.y0 == sh.y1), None)
    return sparkline(values, charts.BLUE, goal, dot=dot, height=60)


def as_image(svg: str, alt: str = "", css: str = "ic-img") -> str:
    """An SVG as an <img> (a data URI): st.html takes it (its sanitiser drops inline <svg>),
    and the browser draws it without parsing it as markup of the page."""
    if not svg:
        return ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="{css}" src="data:image/svg+xml;base64,{data}" alt="{_esc(alt)}" title="{_esc(alt)}">'


BADGE_COLOURS = {"good": ("#1a7f37", "rgba(26,127,55,0.12)", "✓"), "bad": ("#c62828", "rgba(198,40,40,0.10)", "✗"),
                 "none": ("#4b5563", "rgba(75,85,99,0.10)", "")}


def badge(text: str, status: str) -> str:
    """A goal badge (the look of st.badge) as markup, to share one element with the sparkline."""
    fg, bg, mark = BADGE_COLOURS.get(status, BADGE_COLOURS["none"])
    return (f'<span class="ic-badge" style="color:{fg};background:{bg}">'
            f'{mark + " " if mark else ""}{_esc(text)}</span>')


def rank_trend(history: pd.DataFrame, lang: str = "vi", target_rank: int = 5, title: str | None = None,
               annotations=None) -> str:
    """charts.rank_trend as an SVG image: the rank per month (1 at the top), the target places
    tinted, the rank written over each point, events as dotted violet lines with their text;
    the months and ranks in words in its alt text."""
    title = title if title is not None else t("rank_trend", lang)
    title = f"{title} · {t('target_band', lang, rank=target_rank)}"
    if history is None or history.empty or history["rank"].isna().all():
        return empty(t("needs_peer_data", lang), title)
    df = history.sort_values("period")
    n = max(int(pd.to_numeric(df["n_peers"], errors="coerce").max() or target_rank), target_rank)
    periods = list(df.period)
    ranks = [None if fmt.is_missing(r) else int(r) for r in df["rank"]]
    w, h, left, right, top, bottom = 640.0, 250.0, 34.0, 34.0, 14.0, 34.0
    step = (w - left - right) / max(1, len(periods) - 1) if len(periods) > 1 else 0.0

    def x(i: int) -> float:
        return left + (i * step if len(periods) > 1 else (w - left - right) / 2)

    def y(r: float) -> float:
        return top + (r - 0.5) / n * (h - top - bottom)

    parts = [f'<style>text{{font-family:"Source Sans Pro",Arial,"DejaVu Sans",sans-serif}}'
             f'.a{{font-size:12px;fill:{charts.INK}}}.p{{font-size:13px;font-weight:700;fill:{charts.SELF}}}'
             f'.e{{font-size:14px;font-weight:700;fill:{charts.EVENT}}}</style>',
             f'<rect x="{left}" y="{y(0.5):.1f}" width="{w - left - right}" '
             f'height="{y(target_rank + 0.5) - y(0.5):.1f}" fill="{charts.BAND}"/>']
    for r in range(1, n + 1):
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{y(r):.1f}" y2="{y(r):.1f}" stroke="{charts.GRID}" '
                     f'stroke-width="1"/><text x="{left - 8}" y="{y(r) + 4:.1f}" text-anchor="end" class="a">{r}</text>')
    labelled = _month_ticks(len(periods))
    for i, p in enumerate(periods):
        if i in labelled:
            parts.append(f'<text x="{x(i):.1f}" y="{h - 10}" text-anchor="middle" class="a">'
                         f'{_esc(fmt.month(p, lang))}</text>')
    alt = [title]
    # events: a dotted line numbered at its top, the words under the chart (long vertical text
    # over the plot covered the ranks)
    for no, (i, label, short, lines) in enumerate(charts.event_marks(periods, annotations, lang), start=1):
        alt += lines
        parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{h - bottom}" stroke="{charts.EVENT}" '
                     f'stroke-width="2" stroke-dasharray="2 3"/>'
                     f'<text x="{x(i) + 3:.1f}" y="{top + 10}" class="e">{_number(no)}</text>')
    known = [(i, r) for i, r in enumerate(ranks) if r is not None]
    if len(known) > 1:
        parts.append(f'<polyline points="{" ".join(f"{x(i):.1f},{y(r):.1f}" for i, r in known)}" fill="none" '
                     f'stroke="{charts.SELF}" stroke-width="3" stroke-linejoin="round"/>')
    for i, r in known:
        alt.append(f"{fmt.month(periods[i], lang, long=True)}: #{r} / {n}")
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(r):.1f}" r="5" fill="{charts.SELF}"/>'
                     f'<text x="{x(i):.1f}" y="{y(r) - 9:.1f}" text-anchor="middle" class="p">#{r}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
           f'height="{h:.0f}">{"".join(parts)}</svg>')
    return (f'<div class="ic-chart">{_title(title)}{as_image(svg, " · ".join(alt), "ic-svg")}'
            f'{event_legend(periods, annotations, lang)}</div>')


_NUMBERS = "①②③④⑤⑥⑦⑧⑨"


def _number(no: int) -> str:
    return _NUMBERS[no - 1] if no <= len(_NUMBERS) else str(no)


def _month_ticks(n: int) -> set[int]:
    """Which of n months get a label on the axis: at most eight, evenly, and always the last
    (the month shown); the regular one just before it is dropped when it would stand beside it
    ("Nov 2022Dec 2022" ran together)."""
    every = max(1, -(-n // 8))
    ticks = set(range(0, n, every))
    if n and (n - 1) not in ticks:
        # (the last regular label is then fewer than `every` months before the last one)
        ticks.discard(max(ticks))
        ticks.add(n - 1)
    return ticks


def event_legend(periods, annotations, lang: str = "vi") -> str:
    """The events of kpi_trend's marks, numbered as on the charts: once under a grid of them."""
    marks = charts.event_marks(list(periods), annotations, lang)
    # each event's whole text (they wrap): cut to a chart label's length, "Xe tuyên truyền lưu
    # động về d…" told a meeting nothing; the day of each is in the hover ("15/03/2022: …")
    return "".join(f'<div class="ic-event" title="{_esc(" · ".join(lines))}">{_number(no)} {_esc(label)}: '
                   f'{_esc("; ".join(line.split(": ", 1)[-1] for line in lines))}</div>'
                   for no, (_, label, _short, lines) in enumerate(marks, start=1))


def kpi_trend(periods, values, kpi_key: str, lang: str = "vi", goal=None, title: str | None = None,
              annotations=None, legend: bool = True) -> str:
    """charts.figure_for for one unit as an SVG image: the KPI per month (a line for a rate,
    bars in their goal colour for a count), every value written, the goal as a dashed line,
    events as dotted violet lines numbered ①② with their text under the chart (`legend`;
    event_legend gives it once for a grid of charts); the months and values in words in its
    alt text."""
    k = charts.kpi_of(kpi_key)
    title = title if title is not None else k.label(lang)
    rows = [(p, v) for p, v in zip(periods, values)]
    if not rows or all(fmt.is_missing(v) for _, v in rows):
        return empty(t("no_data_period", lang), title)
    scaled = charts.in_drawing_unit(k, [None if fmt.is_missing(v) else v for _, v in rows])
    goal_at = None if fmt.is_missing(goal) else charts.in_drawing_unit(k, [goal])[0]
    known = [float(s) for s in scaled if s is not None and not fmt.is_missing(s)]
    lo, hi = min(known + ([goal_at] if goal_at is not None else [])), max(known + ([goal_at] if goal_at is not None
                                                                                 else []))
    if not k.is_rate:
        lo = 0.0
    span = (hi - lo) or max(1.0, abs(hi))
    lo, hi = (lo - span * 0.15 if k.is_rate else lo), hi + span * 0.22
    w, h, left, right, top, bottom = 640.0, 250.0, 16.0, 16.0, 10.0, 30.0
    n = len(rows)
    slot = (w - left - right) / n

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * (h - top - bottom)

    parts = [f'<style>text{{font-family:"Source Sans Pro",Arial,"DejaVu Sans",sans-serif}}'
             f'.a{{font-size:12px;fill:{charts.INK}}}.v{{font-size:13px;font-weight:700;fill:{charts.INK}}}'
             f'.g{{font-size:11px;fill:{charts.INK}}}.e{{font-size:12px;font-weight:700;fill:{charts.EVENT}}}</style>',
             f'<line x1="{left}" x2="{w - right}" y1="{h - bottom}" y2="{h - bottom}" stroke="{charts.GRID}"/>']
    alt = [title]
    marks = charts.event_marks([p for p, _ in rows], annotations, lang)
    for no, (i, label, short, lines) in enumerate(marks, start=1):
        alt += lines
        parts.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{h - bottom}" stroke="{charts.EVENT}" '
                     f'stroke-width="2" stroke-dasharray="2 3"/><text x="{x(i) + 3:.1f}" y="{top + 11}" '
                     f'class="e">{_number(no)}</text>')
    if goal_at is not None:
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{y(goal_at):.1f}" y2="{y(goal_at):.1f}" '
                     f'stroke="{charts.INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                     f'<text x="{w - right}" y="{y(goal_at) - 4:.1f}" text-anchor="end" class="g">'
                     f'{_esc(fmt.goal_text(k, goal, lang))}</text>')
    labelled = _month_ticks(n)
    for i, (p, _) in enumerate(rows):
        if i in labelled:
            parts.append(f'<text x="{x(i):.1f}" y="{h - 10}" text-anchor="middle" class="a">'
                         f'{_esc(fmt.month(p, lang))}</text>')
    points = [(i, float(s)) for i, s in enumerate(scaled) if s is not None and not fmt.is_missing(s)]
    if k.is_rate:
        if len(points) > 1:
            parts.append(f'<polyline points="{" ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in points)}" fill="none" '
                         f'stroke="{charts.BLUE}" stroke-width="3" stroke-linejoin="round"/>')
        for i, v in points:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4.5" fill="{charts.BLUE}"/>')
    else:
        bw = min(40.0, slot * 0.6)
        for i, v in points:
            colour = charts.STATUS_COLOUR[charts.goal_status(k, rows[i][1], goal)] if goal_at is not None \
                else charts.BLUE
            parts.append(f'<rect x="{x(i) - bw / 2:.1f}" y="{y(v):.1f}" width="{bw:.1f}" '
                         f'height="{max(0.0, y(lo) - y(v)):.1f}" fill="{colour}"/>')
    # every value written above its point; at most twelve, so they fit their slots
    for i, v in points:
        text = fmt.kpi_value(k, rows[i][1], lang, short=True)
        alt.append(f"{fmt.month(rows[i][0], lang, long=True)}: {fmt.kpi_value(k, rows[i][1], lang)}")
        if n <= 12:
            parts.append(f'<text x="{x(i):.1f}" y="{y(v) - 8:.1f}" text-anchor="middle" class="v">{_esc(text)}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" '
           f'height="{h:.0f}">{"".join(parts)}</svg>')
    below = event_legend([p for p, _ in rows], annotations, lang) if legend else ""
    return f'<div class="ic-chart">{_title(title)}{as_image(svg, " · ".join(alt), "ic-svg")}{below}</div>'


def points_list(row, indicators, lang: str = "vi", title: str | None = None) -> str:
    """briefing.points_bars as a bar list: the points missing per indicator of one
    member, largest first, with its value (names wrap instead of being cut)."""
    from metrics.export.common import tx
    from metrics.model.kpis import KPI_BY_KEY

    items = [(KPI_BY_KEY[ind.kpi].label(lang), float(row.get(f"points_{ind.key}")), row.get(f"value_{ind.key}"))
             for ind in indicators if not fmt.is_missing(row.get(f"points_{ind.key}"))]
    if not items:
        return empty(tx("no_data", lang).capitalize(), title)
    if all(p < 0.05 for _, p, _ in items):
        return empty(tx("points_none", lang), title)
    items.sort(key=lambda x: -x[1])
    top = max(p for _, p, _ in items) or 1.0
    labels = [f"{fmt.decimal(p, lang, 1)} {tx('points_unit', lang)} ({fmt.percent(v, lang)})" for _, p, v in items]
    return bar_list([n for n, _, _ in items], [p / top for _, p, _ in items], labels,
                    [charts.WARN] * len(items), title)


def gains_list(gains: pd.DataFrame, lang: str = "vi", title: str | None = None, top: int = 10) -> str:
    """analysis.gains_bars as a bar list: the `top` (unit, indicator) pairs by the points
    the jurisdiction gains if that unit alone reached the indicator's full mark."""
    from .briefing import short_name
    from metrics.model.kpis import KPI_BY_KEY

    df = gains[gains.gain > 0.005] if gains is not None and not gains.empty else pd.DataFrame()
    if df.empty:
        return empty(t("gains_none", lang), title)
    df = df.sort_values("gain", ascending=False).head(top)
    names = [f"{short_name(n)} · {KPI_BY_KEY[k].short(lang)}" for n, k in zip(df.unit_name, df.kpi)]
    # the gain only after the bar (the value now in the hover): "+2,44 điểm · hiện 53,5 %" took
    # the half of a 1280 px page this list has, leaving the bars no room
    labels = [f"+{fmt.decimal(g, lang, 2)} {t('points_word', lang)}" for g in df.gain]
    hovers = [f"{n} — {KPI_BY_KEY[k].label(lang)}: {lab} · {t('now', lang)} {fmt.percent(v, lang)}"
              for n, k, lab, v in zip(df.unit_name, df.kpi, labels, df.value)]
    big = float(df.gain.max()) or 1.0
    return bar_list(names, [g / big for g in df.gain], labels, [charts.WARN] * len(df), title, hovers=hovers)
