"""Figure cards and small tables as plain HTML, drawn by one st.html per grid.

Why not st.metric + st.popover + st.table per card: the browser's work for a page grows with
its number of Streamlit elements, and every kind of element is a script the browser loads
the first time it meets one. Streamlit shows a page's new elements together, once the last
of those scripts has arrived; six cards with their popovers and tables were half of the
overview's ~85 elements and three such scripts (Metric, Popover, Table with its Arrow
reader). As one block of HTML the cards show with the first paint (docs/performance.md).

What a card keeps from st.metric: the label (its explanation on hover, and on focus), the value, the change
with an arrow coloured by whether it is good news (for a count to bring down, a fall is good),
and what it is compared with. The drill-down ("open the number") is a <details> element:
it opens in place, without a script.

Everything that comes from the data is escaped here; callers pass plain text, and markup
only through `body`.
"""
from __future__ import annotations

import re
from html import escape

import pandas as pd

# a value written as a number (1.234 / 12,5 % / +3 / −0,4 điểm %): aligned to the right
_NUMBER = re.compile(r"^[+\-−]?\d[\d.,\s\u00a0]*(%|\s?điểm %|\s?pp)?$")


def delta_direction(text: str | None) -> str:
    """"up", "down" or "flat", read from the sign the formatter wrote (fmt.signed), as
    st.metric reads it."""
    if not text:
        return "flat"
    if text.startswith(("-", "−")):
        return "down"
    return "up" if text.startswith("+") else "flat"


def delta_html(text: str | None, lower_is_better: bool = False, note: str = "") -> str:
    """The change against the comparison: arrow and colour by good or bad news."""
    if not text:
        return ""
    way = delta_direction(text)
    if way == "flat":
        tone, arrow = "flat", "→"
    else:
        good = (way == "up") != lower_is_better
        tone, arrow = ("good" if good else "bad"), ("▲" if way == "up" else "▼")
    after = f' <span class="kc-vs">{escape(note)}</span>' if note else ""
    return (f'<div class="kc-delta kd-{tone}"><span data-kpi-delta>{arrow} {escape(text)}</span>'
            f'{after}</div>')


def card(label: str, value: str, *, delta: str | None = None, lower_is_better: bool = False,
         delta_note: str = "", help_text: str = "", status: str | None = "none", body: str = "",
         key: str = "") -> str:
    """One card. `status` (good, bad, none) draws the goal stripe on its left; None: no
    stripe (a figure without a goal). `body`: markup under the figure (already escaped)."""
    stripe = f" kc-{status}" if status else ""
    # The explanation opens on hovering the label and on focusing the "i" (by the keyboard's
    # Tab, or a tap on a touch screen: a title attribute reaches neither). A drawn "i" in a
    # ring: the projector PCs' fonts may lack the ⓘ character. A screen reader reads the
    # explanation as the "i"'s name; the drawn tip is hidden from it so it is read once.
    mark = (f'<span class="kc-help" tabindex="0" role="img" aria-label="{escape(help_text)}">i</span>'
            f'<span class="kc-tip" aria-hidden="true">{escape(help_text)}</span>') if help_text else ""
    data = f' data-kpi="{escape(key)}"' if key else ""
    # words in place of a figure ("không có dữ liệu"): smaller and wrapped, never cut to
    # "không có…" (an unknown is said whole); a figure stays on one line
    word = " kc-word" if len(value) > 3 and not any(ch.isdigit() for ch in value) else ""
    return (f'<div class="kc{stripe}"{data} role="group" aria-label="{escape(label)}">'
            f'<div class="kc-label">{escape(label)}{mark}</div>'
            f'<div class="kc-value{word}" data-kpi-value>{escape(value)}</div>'
            f'{delta_html(delta, lower_is_better, delta_note)}{body}</div>')


def grid(cards: list[str], per_row: int = 3) -> str:
    """Cards side by side, `per_row` to a row on a wide screen, fewer on a narrow one."""
    per_row = max(1, min(int(per_row), 6))
    return f'<div class="kc-grid kc-grid-{per_row}">{"".join(cards)}</div>'


def columns(parts: list[str], widths: list[float] | None = None) -> str:
    """Markup side by side (st.columns' look, one element instead of one per column);
    one under the other on a narrow screen."""
    widths = widths or [1] * len(parts)
    return _cols(parts, " ".join(f"minmax(0, {float(w):g}fr)" for w in widths))


def _cols(parts: list[str], template: str) -> str:
    cells = "".join(f'<div class="kc-col">{p}</div>' for p in parts)
    return f'<div class="kc-cols" style="grid-template-columns: {template}">{cells}</div>'


def flow(parts: list[str], min_rem: float = 34) -> str:
    """Markup in as many columns as fit at `min_rem` each: one under the other where two would
    shrink a chart's writing below what a projector shows (two across the main area of a
    1280 px screen made labels 7 px high), two or more on a wide screen."""
    return _cols(parts, f"repeat(auto-fill, minmax(min(100%, {float(min_rem):g}rem), 1fr))")


def note(text: str) -> str:
    """A short good-news message in a green box (st.success's look)."""
    return f'<div class="kc-note">{escape(text)}</div>'


def caption(text: str) -> str:
    """Small grey text (st.caption's look); nothing for no text."""
    return f'<div class="kc-caption">{escape(text)}</div>' if text else ""


def details(summary: str, body: str) -> str:
    """A section that opens in place (the card's drill-down). `body` is markup."""
    return f'<details class="kc-drill"><summary>{escape(summary)}</summary>{body}</details>'


def table(df: pd.DataFrame, caption: str = "", *, styles: dict[str, list[str]] | None = None,
          links: dict[str, list[str | None]] | None = None, heads_help: dict[str, str] | None = None,
          max_height: int | None = None, nowrap: tuple[str, ...] = (), dense: bool = False) -> str:
    """A static table: every cell shown as it is (escaped), figures aligned right, headings
    and long names wrapped (never cut).

    `styles`: per column, one CSS declaration per row (a cell's colour); `links`: per column,
    one address per row (the cell's text becomes a link to it); `heads_help`: a heading's
    explanation on hover; `max_height` (px): a long table scrolls inside its box under a
    heading that stays in view; `nowrap`: columns kept on one line (dates, a status); `dense`:
    a smaller type for a long work list. Why not st.dataframe: its grid script costs every page that
    draws one about 0.2 s in a new tab, and it cuts headings and names to its column widths
    (docs/performance.md)."""
    styles, links, heads_help = styles or {}, links or {}, heads_help or {}
    head = "".join(f'<th title="{escape(heads_help[c])}">{escape(str(c))}</th>' if c in heads_help
                   else f"<th>{escape(str(c))}</th>" for c in df.columns)
    columns = list(df.columns)
    rows = []
    for i, values in enumerate(df.itertuples(index=False)):
        cells = []
        for col, v in zip(columns, values):
            text = "" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v)
            attrs = ' class="num"' if _NUMBER.match(text.strip()) else ""
            style = "; ".join(x for x in (styles[col][i] if col in styles else "",
                                          "white-space: nowrap" if col in nowrap else "") if x)
            if style:
                attrs += f' style="{escape(style)}"'
            body = escape(text)
            href = links[col][i] if col in links else None
            if href and ":" in href.split("?")[0] and not href.startswith(("http://", "https://")):
                href = None             # a page of the app or a web address only (no javascript:)
            if href:
                body = f'<a href="{escape(href)}">{body}</a>'
            cells.append(f"<td{attrs}>{body}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    out = f'<table class="kc-table{" kc-dense" if dense else ""}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if max_height:
        out = f'<div class="kc-scroll" style="max-height: {int(max_height)}px">{out}</div>'
    return out

CSS = """
.kc-grid { display: grid; gap: 1rem; margin-bottom: 1rem; }
.kc-grid-1 { grid-template-columns: minmax(0, 1fr); }
.kc-grid-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.kc-grid-3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
.kc-grid-4 { grid-template-columns: repeat(4, minmax(0, 1fr)); }
.kc-grid-5 { grid-template-columns: repeat(5, minmax(0, 1fr)); }
.kc-grid-6 { grid-template-columns: repeat(6, minmax(0, 1fr)); }
.kc-cols { display: grid; gap: 1.5rem; align-items: start; }
@media (max-width: 900px) { .kc-grid, .kc-cols { grid-template-columns: minmax(0, 1fr) !important; } }
.kc-caption { color: #4b5563; font-size: 0.875rem; margin: 0.2rem 0 0.4rem 0; }
.kc-note { border-radius: 0.5rem; padding: 0.8rem 1rem; margin: 0.3rem 0 1rem 0; color: #14532d;
           background: rgba(26,127,55,0.12); }
.kc { border: 1px solid #9aa3ae; border-radius: 0.5rem; padding: 0.9rem 1rem; background: #fff; color: #111;
      min-width: 0; margin-bottom: 1rem; }
.kc-grid > .kc { margin-bottom: 0; }
.kc-good { border-left: 8px solid #1a7f37; }
.kc-bad  { border-left: 8px solid #c62828; }
.kc-none { border-left: 8px solid #9ca3af; }
.kc-label { font-size: 1.05rem; font-weight: 600; line-height: 1.3; position: relative; }
.kc-help { display: inline-block; width: 1.1em; height: 1.1em; line-height: 1.05em; margin-left: 0.4rem;
           border: 1.5px solid #6b7280; border-radius: 50%; color: #6b7280; font-size: 0.72rem;
           text-align: center; font-weight: 700; vertical-align: 0.15em; cursor: help; }
.kc-help:focus-visible { outline: 2px solid #0b4f9c; outline-offset: 2px; }
.kc-tip { display: none; position: absolute; z-index: 20; left: 0; top: calc(100% + 0.3rem);
          width: max-content; max-width: min(24rem, 90vw); padding: 0.5rem 0.7rem; border-radius: 0.4rem;
          background: #1f2937; color: #fff; font-size: 0.9rem; font-weight: 400; line-height: 1.4;
          box-shadow: 0 2px 8px rgba(0,0,0,0.25); white-space: normal; }
.kc-label:hover > .kc-tip, .kc-help:focus + .kc-tip { display: block; }
.kc-value { font-size: 2.4rem; font-weight: 700; line-height: 1.25; margin: 0.15rem 0; white-space: nowrap;
            overflow: hidden; text-overflow: ellipsis; }
.kc-value.kc-word { font-size: 1.45rem; line-height: 1.3; white-space: normal; padding: 0.35rem 0 0.3rem 0; }
.kc-delta { font-size: 0.95rem; margin-bottom: 0.4rem; }
.kc-delta > span[data-kpi-delta] { display: inline-block; border-radius: 1rem; padding: 0 0.5rem; font-weight: 600; }
.kd-good > span[data-kpi-delta] { color: #1a7f37; background: rgba(26,127,55,0.12); }
.kd-bad > span[data-kpi-delta]  { color: #c62828; background: rgba(198,40,40,0.10); }
.kd-flat > span[data-kpi-delta] { color: #4b5563; background: rgba(75,85,99,0.10); }
.kc-vs { color: #4b5563; }
.kc-drill { margin-top: 0.6rem; }
.kc-drill > summary { cursor: pointer; color: #0b4f9c; font-weight: 600; }
.kc-drill[open] > summary { margin-bottom: 0.4rem; }
.kc-formula { margin-bottom: 0.4rem; }
.kc-result { margin-top: 0.4rem; }
.kc-table { border-collapse: collapse; width: 100%; margin: 0.2rem 0 0.6rem 0; font-size: 0.95rem; }
.kc-table th { text-align: left; font-weight: 600; border-bottom: 2px solid #9aa3ae; padding: 0.3rem 0.5rem; }
.kc-table td { border-bottom: 1px solid #d5dae0; padding: 0.3rem 0.5rem; vertical-align: top; }
.kc-table td.num { text-align: right; white-space: nowrap; }
.kc-table td a { color: #0b4f9c; text-decoration: none; font-weight: 600; }
.kc-table td a:hover, .kc-table td a:focus { text-decoration: underline; }
.kc-table th[title] { cursor: help; text-decoration: underline dotted #6b7280; text-underline-offset: 3px; }
.kc-dense { font-size: 0.86rem; }
.kc-dense td, .kc-dense th { padding: 0.25rem 0.4rem; }
.kc-scroll { overflow: auto; border: 1px solid #d5dae0; border-radius: 0.4rem; margin: 0.2rem 0 0.6rem 0; }
.kc-scroll > .kc-table { margin: 0; }
.kc-scroll th { position: sticky; top: 0; background: #f5f6f8; z-index: 1; }
.kc-table caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.kc-value:empty { display: none; }
.kc-line { font-size: 1.02rem; line-height: 1.4; margin: 0.35rem 0 0.1rem 0; }
.kc-first .kc { height: 100%; margin-bottom: 0; }
"""
