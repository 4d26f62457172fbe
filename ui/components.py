"""Pieces every page uses: KPI cards, the numerator/denominator drill-down, empty states,
error messages, the as-of line and the house CSS."""
from __future__ import annotations

import logging
from html import escape
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from metrics import charts, queries
from metrics.i18n import fmt
from metrics.errors import ReformError
from metrics.i18n import t
from metrics.model.kpis import COUNTER, KPI

from metrics.charts import inline as inline_charts

from . import cards, data, menu, state
from .state import Filters

CSS = """
<style>
/* Streamlit's own menu (Print, Record screen, Made with Streamlit) and its run indicator
   (Running…, Stop) speak English only and serve no task of the product: printing is the
   browser's or the PDF export's, and a page that runs again fades its figures meanwhile */
[data-testid="stMainMenu"], [data-testid="stStatusWidget"] { display: none !important; }
/* figure cards drawn with st.metric (ranking page): the goal stripe of ui/cards.py, so status
   reads from the back of the room */
[class*="st-key-kpi-good-"] { border-left: 8px solid #1a7f37 !important; }
[class*="st-key-kpi-bad-"]  { border-left: 8px solid #c62828 !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; font-weight: 600; }
/* light charts (metrics/charts/inline.py): bar lists and small lines drawn with the page */
.ic-chart { color: #111; margin: 0 0 0.75rem 0; }
.ic-title { font-size: 1.2rem; font-weight: 600; margin: 0.2rem 0 0.6rem 0; }
.ic-empty { color: #6b7280; font-size: 1.05rem; padding: 1.5rem 0; }
.ic-row { display: flex; align-items: center; min-height: 34px; padding: 2px 0; }
.ic-band { background: rgba(26,127,55,0.12); }
.ic-divider { border-top: 2px dotted #1a7f37; }
.ic-band-text { font-size: 0.9rem; color: #1a7f37; text-align: right; padding: 2px 4px 6px 0; }
.ic-name { flex: 0 0 42%; font-size: 0.95rem; line-height: 1.2; padding-right: 0.6rem; overflow: hidden;
           display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.ic-strong { font-weight: 700; color: #b45309; }
.ic-track { position: relative; flex: 1 1 auto; height: 26px; min-width: 2.5rem; }
.ic-bar { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 2px; }
.ic-value { position: absolute; top: 50%; transform: translateY(-50%); white-space: nowrap; font-weight: 600;
            background: rgba(255,255,255,0.85); padding: 0 3px; }
.ic-cut { position: absolute; top: -4px; bottom: -4px; border-left: 3px dashed #1a7f37; }
.ic-spark { display: block; width: 100%; height: 46px; margin: -0.2rem 0 0.6rem 0; }
.ic-badge { display: inline-block; border-radius: 4px; padding: 1px 7px; font-size: 0.875rem; }
.ic-note { color: #6b7280; font-size: 0.875rem; margin-top: 0.3rem; }
.ic-svg { display: block; width: 100%; height: auto; }
.ic-event { font-size: 0.9rem; color: #6d28d9; margin: 0.1rem 0 0 0.2rem; }
</style>
"""


@st.cache_resource(show_spinner=False)
def favicon():
    """A small bar-chart icon drawn here: without one, the favicon is the page's Material
    icon fetched from a CDN, which an office intranet may not reach (a console error on
    every page load)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (64, 64), "#0b4f9c")
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((22, 36, 48)):
        x = 10 + i * 16
        draw.rectangle([x, 56 - h, x + 11, 56], fill="white")
    return img


def inject_css() -> None:
    st.html(CSS.replace("</style>", cards.CSS + "</style>"))


_MD_SPECIAL = "\\`*_[]<>$~|"


def md(text) -> str:
    """Text from the data (unit names, commitments, notes) shown through Markdown as it is."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text or ""))


def error(exc: Exception, lang: str) -> None:
    """A person-readable message; never a traceback."""
    if isinstance(exc, ReformError):
        st.error(f"**{exc.title(lang)}**: {exc.text(lang)}", icon=":material/error:")
    else:
        st.error(t("unexpected_error", lang), icon=":material/error:")


@contextmanager
def guarded(lang: str):
    """Run a block of a page; a failure shows a message in place of the block and the rest
    of the page still draws. Unexpected errors are logged for the maintainers."""
    try:
        yield
    except ReformError as exc:
        error(exc, lang)
    except Exception as exc:  # noqa: BLE001 - the user sees a message, the log keeps the trace
        logging.getLogger("dashboard").exception("page block failed")
        error(exc, lang)


def empty_state(lang: str, key: str = "no_data_period", hint_key: str | None = "empty_hint", **values) -> None:
    msg = t(key, lang, **values)
    if hint_key:
        msg += " " + t(hint_key, lang)
    st.info(msg, icon=":material/info:")


def needs_data(f: Filters) -> bool:
    """Stop drawing a page that has nothing to show, with a reason; True if it stopped."""
    if not f.has_data:
        empty_state(f.lang, "no_data_at_all", "empty_hint")
        st.page_link(menu.page("import_desk", f.lang), label=t("page_import_desk", f.lang))
        return True
    return False


def page_button(page: str, label: str, icon: str, key: str) -> None:
    """A link to another page that keeps the filters (state.switch), drawn as a button: the
    page already has buttons, and st.page_link would be one more kind of element for the
    browser to load before the page shows (ui/cards.py). The switch happens at the start of
    the next run, before this page would run again."""
    st.button(label, icon=icon, type="tertiary", key=key, on_click=state.switch_later, args=(page,))


def plot(fig, key: str | None = None) -> None:
    # theme=None: the figure's own style (metrics.charts), the same as in the exported deck
    st.plotly_chart(fig, key=key, theme=None, config={"displayModeBar": False, "responsive": True})


def page_header(f: Filters, title_key: str) -> bool:
    """The page's title and what it shows (selection, period, comparison); False, with the
    reason and the way to the import page, when there is no data to show at all."""
    st.title(t(title_key, f.lang))
    parts = [f.selection_label, f.period_label()]
    if f.cmp_start:
        parts.append(f"{t('compared_with', f.lang)} {f.cmp_label()}")
    st.caption(" · ".join(parts))
    return not needs_data(f)


# --- numbers and their parts ----------------------------------------------------------------
def _counter_value(row, name: str):
    """A value of a dict or a DataFrame row; None when unknown (NULL) or absent."""
    v = None if row is None else row.get(name)
    return None if fmt.is_missing(v) else v


def _sum(row, names) -> float | None:
    vals = [_counter_value(row, n) for n in names]
    return None if any(v is None for v in vals) else float(sum(vals))


def _shown_parts(names: tuple[str, ...], row) -> tuple[str, ...]:
    """The counters to list for a numerator: a lone counter that is a sum of others
    (Counter.sums: early or on time = early + on time) is opened into the parts the row knows."""
    out: list[str] = []
    for n in names:
        alts = [p for p in COUNTER[n].sums if all(_counter_value(row, x) is not None for x in p)]
        out.extend(alts[0] if alts and len(names) == 1 else (n,))
    return tuple(out)


def parts_table(k: KPI, row, lang: str) -> pd.DataFrame:
    """The counters behind one KPI value: numerator parts, denominator parts, their sums."""
    lines = []
    label = (lambda n: COUNTER[n].label(lang))
    num = _shown_parts(k.num, row)
    for n in num:
        lines.append((t("numerator", lang), label(n), fmt.number(_counter_value(row, n), lang)))
    if k.is_rate:
        if len(num) > 1:
            lines.append((t("numerator", lang), t("total", lang), fmt.number(_sum(row, k.num), lang)))
        den = k.den
        for n in den:
            lines.append((t("denominator", lang), label(n), fmt.number(_counter_value(row, n), lang)))
        if len(den) > 1:
            lines.append((t("denominator", lang), t("total", lang), fmt.number(_sum(row, k.den), lang)))
    return pd.DataFrame(lines, columns=[t("part", lang), t("counter", lang), t("value", lang)])


def drill(k: KPI, row, lang: str, value=None) -> str:
    """"Open the number": the card's formula, numerator and denominator, opened in place."""
    v = value if value is not None else _counter_value(row, k.key)
    body = (f'<div class="kc-formula"><b>{escape(k.label(lang))}</b><br>'
            f'{escape(k.help(lang))}</div>'
            f'{cards.table(parts_table(k, row, lang))}'
            f'<div class="kc-result">= <b>{escape(fmt.kpi_value(k, v, lang))}</b></div>')
    if fmt.is_missing(v) and k.is_rate and _sum(row, k.den) == 0:
        body += f'<div class="ic-note">{escape(t("den_zero", lang))}</div>'
    return cards.details(t("open_number", lang), body)


def _badge_text(status: str, k: KPI, goal, lang: str) -> str:
    if status == "none" and fmt.is_missing(goal):
        return t("no_goal", lang)
    if status == "none":
        return f"{t('goal', lang)} {fmt.goal_text(k, goal, lang)}"
    word = t("goal_met", lang) if status == "good" else t("goal_not_met", lang)
    return f"{word} · {t('goal', lang)} {fmt.goal_text(k, goal, lang)}"


def kpi_card(k: KPI, row, prev_row, series: pd.DataFrame | None, goal, f: Filters) -> str:
    """Value, change against the comparison, 12-month sparkline, goal colour, drill-down: the
    markup of one card (ui/cards.py says why it is not st.metric)."""
    lang = f.lang
    value = _counter_value(row, k.key)
    prev = _counter_value(prev_row, k.key)
    status = charts.goal_status(k, value, goal)
    delta = fmt.kpi_delta(k, value, prev, lang)
    extras = []
    if series is not None and not series.empty and k.key in series:
        extras.append(inline_charts.kpi_sparkline(series["period"], series[k.key], k.key, lang, goal))
    extras.append(inline_charts.badge(_badge_text(status, k, goal, lang), status))
    if delta is None and value is not None:
        extras.append(f'<div class="ic-note">{escape(t("no_comparison", lang))}</div>')
    extras.append(drill(k, row, lang, value))
    return cards.card(k.short(lang), fmt.kpi_value(k, value, lang), delta=delta,
                      lower_is_better=k.lower_is_better,
                      delta_note=f"{t('vs', lang)} {f.cmp_label()}" if delta else "",
                      help_text=f"{k.label(lang)}: {k.help(lang)}",
                      status=status, body="".join(extras), key=k.key)


def as_of_line(f: Filters) -> None:
    """On every page: how fresh the data is, where it comes from, and whether it is demo data."""
    lang = f.lang
    try:
        info = data.as_of()
    except ReformError:
        return
    if not info.get("imports"):
        st.caption(t("as_of_empty", lang))
        return
    bits = []
    if info.get("last_date"):
        bits.append(t("as_of_date", lang, date=fmt.day(info["last_date"], lang)))
    if info.get("imported_at"):
        bits.append(t("as_of_imported", lang, when=fmt.timestamp(info["imported_at"], lang)))
    bits.append(t("as_of_sources", lang, n=fmt.number(info["imports"], lang)))
    if f.has_data:
        try:
            src = data.query(queries.sources, f.start, f.end)
            if not src.empty:
                if f.units:
                    src = src[src.unit_code.isin(f.units)]
                counts = src.drop_duplicates(["unit_code", "source"]).source.value_counts()
                kinds = [t(f"source_{s}", lang, n=fmt.number(int(c), lang)) for s, c in counts.items()]
                if kinds:
                    bits.append(t("as_of_period_sources", lang) + " " + ", ".join(kinds))
        except ReformError:
            pass
    line = " · ".join(bits)
    if info.get("is_demo"):
        st.warning(f"**{t('demo_data', lang)}** — {t('demo_data_note', lang)}  \n{line}", icon=":material/science:")
    else:
        st.caption(line)


def total_row(frame: pd.DataFrame | None):
    """The ALL row of a queries.kpi_table result (the selection's ratio of sums)."""
    if frame is None or frame.empty:
        return None
    rows = frame[frame.unit_code == "ALL"]
    return rows.iloc[0] if len(rows) else None


def covered_series(series: pd.DataFrame, start, end) -> pd.DataFrame:
    """A queries.kpi_series result with every KPI unknown in the months the jurisdiction
    resolved nothing in (queries.covered_months: what a later export carries over from a month
    never imported), so that no chart draws them as a fall to zero."""
    if series.empty:
        return series
    from metrics.model.kpis import KPIS

    months = data.query(queries.covered_months, start, end)
    out = series.copy()
    out.loc[[fmt.to_date(p) not in months for p in out.period], [k.key for k in KPIS]] = None
    return out


def kpi_cards(f: Filters, keys: list[str], units: list[str] | None, per_row: int = 3,
              label: str | None = None) -> bool:
    """A grid of KPI cards for a selection of units; False (with a reason shown) when the
    period has no data for it."""
    from metrics.model.kpis import KPI_BY_KEY

    goals = data.profile().goals
    row = total_row(data.query(queries.kpi_table, f.start, f.end, units=units))
    if row is None or not row.get("months"):
        empty_state(f.lang, "no_data_selection", "empty_hint_filters", period=f.period_label(),
                    unit=label or f.selection_label)
        return False
    # no change against a period the jurisdiction resolved nothing in (queries.covered), and
    # such months are not drawn as a fall to zero either
    prev = (total_row(data.query(queries.kpi_table, f.cmp_start, f.cmp_end, units=units))
            if data.query(queries.covered, f.cmp_start, f.cmp_end) else None)
    win = f.trend_window(12)
    series = covered_series(data.query(queries.kpi_series, win[0], win[1], units=units), win[0], win[1])
    st.html(cards.grid([kpi_card(KPI_BY_KEY[kk], row, prev, series, goals.get(kk), f) for kk in keys], per_row))
    return True


# --- long lists -------------------------------------------------------------------------------
ROWS_STEP, ROWS_MOST = 100, 1000


def rows_shown(key: str, filters: tuple) -> int:
    """How many rows of a long list to draw as HTML: 100 at first and 100 more per click of
    more_rows(), at most 1,000 (the downloads hold the whole list; 400 rows of HTML already
    cost what the grid cost, docs/performance.md). Kept in the link (?n=200) and back to 100
    when the list's `filters` change."""
    state.from_url(key, "n", ROWS_STEP, int, range(ROWS_STEP, ROWS_MOST + 1, ROWS_STEP))
    seen = f"_{key}_filters"
    if st.session_state.get(seen) not in (None, filters):
        st.session_state[key] = ROWS_STEP
    st.session_state[seen] = filters
    return st.session_state[key]


def more_rows(key: str, shown: int, total: int, lang: str) -> None:
    """The button under a list cut at `shown` of `total` rows (none at the last row or at the
    most a page draws), and the count in the link."""
    if shown < total and shown < ROWS_MOST:
        st.button(t("show_more_rows", lang, n=fmt.number(min(ROWS_STEP, total - shown), lang)),
                  key=f"{key}-more", icon=":material/expand_more:",
                  on_click=lambda: st.session_state.update({key: shown + ROWS_STEP}))
    state.to_url("n", shown, ROWS_STEP)
