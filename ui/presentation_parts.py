"""The presentation page's pieces: the month's slides (metrics.export.briefing.build, the
same slides as the PPTX deck), drawn large enough to read at five metres, and the deferred
downloads of the month's files.

The briefing is built once per (database version, month, language, unit) and cached; its
figures are copied before they are enlarged, so the cache keeps the deck's originals.
"""
from __future__ import annotations

import copy
import dataclasses
import html
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from metrics.i18n import fmt

from metrics.charts import inline as inline_charts

from . import components, data

# the house style for a projector: black on white, very large type, one idea per slide; the type
# follows the screen's height (vh) up to the projector sizes, so that a slide fits 1280×720 whole
CSS = """
<style>
.st-key-slide-title h2 { font-size: clamp(1.9rem, 5.4vh, 3.1rem) !important; line-height: 1.15; font-weight: 800; color: #111;
  padding: 0.2rem 0 0.4rem 0; }
.st-key-slide-lead p { font-size: clamp(1.3rem, 3.6vh, 2.1rem) !important; line-height: 1.3; font-weight: 600; color: #0b4f9c; }
.st-key-slide-bullets li, .st-key-slide-bullets p { font-size: clamp(1.15rem, 3.1vh, 1.85rem) !important; line-height: 1.35; color: #111; }
.st-key-slide-bullets li { margin-bottom: 0.8vh; }
.st-key-slide-empty p { font-size: 2rem !important; color: #374151; }
.st-key-slide-foot p { font-size: 1.05rem !important; color: #374151; }
.st-key-pres-top h1 { font-size: 1.2rem !important; padding: 0 !important; margin: 0 !important; color: #374151; }
.st-key-slide { background: #fff; }
.slide-cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1.4vh 1.2rem; margin: 0.4rem 0 0.6rem 0; }
.slide-card { border: 2px solid #d0d4da; border-left: 14px solid #9ca3af; border-radius: 8px; padding: 0.8vh 1.1rem;
  background: #fff; color: #111; }
.slide-card.good { border-left-color: #1a7f37; }
.slide-card.bad { border-left-color: #c62828; }
.slide-card .label { font-size: clamp(1.05rem, 2.5vh, 1.5rem); font-weight: 700; }
.slide-card .value { font-size: clamp(2rem, 5.2vh, 3.6rem); font-weight: 800; line-height: 1.05; margin: 0.1rem 0; }
.slide-card .goal { font-size: clamp(0.95rem, 2.1vh, 1.25rem); font-weight: 600; }
.slide-card.good .goal { color: #1a7f37; } .slide-card.bad .goal { color: #c62828; }
.slide-card .small { font-size: clamp(0.9rem, 1.9vh, 1.15rem); color: #374151; }
.slide-card .slide-spark { display: block; width: 100%; height: clamp(24px, 4vh, 60px); margin-top: 0.4rem; }
table.slide-table { width: 100%; border-collapse: collapse; font-size: clamp(1.05rem, 2.6vh, 1.6rem); color: #111; margin-top: 0.6rem; }
table.slide-table th { background: #0b4f9c; color: #fff; text-align: left; padding: 0.6vh 0.7rem; }
table.slide-table td { border-bottom: 2px solid #d0d4da; padding: 0.6vh 0.7rem; vertical-align: top; }
table.slide-table td.r, table.slide-table th.r { text-align: right; }
table.slide-table tr:nth-child(even) td { background: #f3f5f8; }
</style>
"""
# this page only: no sidebar, no top bar, the full width for the slide
CHROME_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarCollapseButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 0.8rem !important; padding-bottom: 1rem !important;
  max-width: 100% !important; padding-left: 2.5rem !important; padding-right: 2.5rem !important; }
/* the as-of box above every page: its demo note is in each slide's footer here */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] >
  [data-testid="stElementContainer"]:has([data-testid="stAlertContentWarning"]) { display: none !important; }
</style>
"""
# buttons that only carry a keyboard shortcut (a presenter's clicker sends PageUp/PageDown); the
# chart that loads the chart library early, drawn out of sight (display:none would keep it from
# drawing, and the library from loading)
KEYS_CSS = ("<style>.st-key-pres-keys { display: none !important; } .st-key-pres-warm { position: absolute; "
            "left: -10000px; width: 10px; height: 10px; overflow: hidden; }</style>")
WARM_FIGURE = go.Figure(go.Scatter(x=[0], y=[0]), layout=dict(width=10, height=10, margin=dict(l=0, r=0, t=0, b=0)))


def _build(con, period: date, lang: str, unit: str | None):
    from metrics.export import briefing

    b = briefing.build(con, period, data.profile(), lang, unit)
    # the month's reader holds the connection: not kept, not needed to draw the slides
    return dataclasses.replace(b, month=None)


@st.cache_data(show_spinner=False, max_entries=24)
def _briefing(path: str, version: tuple, period: date, lang: str, unit: str | None):
    with data.cursor(path) as cur:
        return _build(cur, period, lang, unit)


def briefing(period: date, lang: str, unit: str | None):
    """The month's briefing (slides, subject, demo flag), as the PPTX deck has it."""
    return _briefing(data.db_key(), data.data_version(), period, lang, unit)


# --- drawing -------------------------------------------------------------------------------------
def _e(text) -> str:
    return html.escape(str(text or ""))


md = components.md       # text from the data through Markdown, as it is


def cards_html(cards) -> str:
    out = ['<div class="slide-cards">']
    for card in cards:
        status = card.status if card.status in ("good", "bad") else "none"
        parts = [f'<div class="slide-card {status}">', f'<div class="label">{_e(card.label)}</div>',
                 f'<div class="value">{_e(card.value)}</div>']
        if card.goal:
            parts.append(f'<div class="goal">{_e(card.goal)}</div>')
        if card.delta:
            parts.append(f'<div class="small">{_e(card.delta)}</div>')
        if card.parts:
            parts.append(f'<div class="small">{_e(card.parts)}</div>')
        if card.spark is not None:
            # the deck's sparkline, drawn as a light SVG: the slide shows before any chart library loads
            parts.append(inline_charts.as_image(inline_charts.sparkline_of(card.spark.figure), card.label,
                                                "slide-spark"))
        parts.append("</div>")
        out.append("".join(parts))
    out.append("</div>")
    return "".join(out)


def table_html(table) -> str:
    align = table.align or ["l"] * len(table.columns)
    head = "".join(f'<th class="{"r" if a == "r" else ""}">{_e(c)}</th>' for c, a in zip(table.columns, align))
    rows = []
    for r in table.rows:
        cells = "".join(f'<td class="{"r" if a == "r" else ""}">{_e(v)}</td>' for v, a in zip(r, align))
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="slide-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# The chart's height on a slide: what is left of a 1280×720 projector under the toolbar, the
# title, the lead line and the footer. At 600 px the bottom bars and the axis fell below the
# screen; a 1920×1080 screen shows the same slide with room to spare.
SLIDE_CHART_HEIGHT = 430


def enlarge(fig: go.Figure, scale: float = 1.3, height: int = SLIDE_CHART_HEIGHT) -> go.Figure:
    """A copy of a slide's figure with every text enlarged for the projector."""
    fig = copy.deepcopy(fig)
    base = fig.layout.font.size or 16
    fig.update_layout(font=dict(size=round(base * scale)), height=height,
                      hoverlabel=dict(font_size=round(base * scale)))
    for axis in ("xaxis", "yaxis"):
        ax = getattr(fig.layout, axis, None)
        if ax is not None and ax.tickfont is not None and ax.tickfont.size:
            ax.tickfont.size = round(ax.tickfont.size * scale)
    for tr in fig.data:
        tf = getattr(tr, "textfont", None)
        if tf is not None:
            tr.textfont.size = round((tf.size or base) * scale)
        for name in ("insidetextfont", "outsidetextfont"):      # bars set these apart (peer_bars)
            font = getattr(tr, name, None)
            if font is not None and font.size:
                font.size = round(font.size * scale)
    for a in fig.layout.annotations or ():
        if a.font is not None:
            a.font.size = round((a.font.size or base) * scale)
    # the room kept for values written after bars (charts.room_for_labels) grows with their type
    if fig.layout.margin is not None and fig.layout.margin.r:
        fig.layout.margin.r = round(fig.layout.margin.r * scale)
    return fig


def footer_text(b, index: int, total: int, lang: str, demo_label: str) -> str:
    bits = [f"{index + 1}/{total}", md(b.subject), fmt.month(b.period, lang, long=True)]
    if b.as_of:
        bits.append(fmt.day(b.as_of, lang))
    if b.is_demo:
        bits.append(f"**{demo_label}**")
    return " · ".join(bits)


def exporter(fmt_name: str, period: date, lang: str, unit: str | None):
    """The month's file built on click (ui/downloads.month_file)."""
    from .downloads import month_file

    return month_file(fmt_name, period, lang, unit)
