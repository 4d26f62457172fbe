"""What officers write into the app, and the order's own measures, as page blocks shared by
the attention page and the unit detail page:

- events (notes.annotations) for the time-series charts: `events()` gives a page what to
  pass as `annotations=`; `events_block()` lists them with a form to add one;
- commitments: last month's, judged kept or not by this month's figures (`review_block`),
  this month's list and the form to add one (`commitments_block`);
- the measures of the order, each over 12 months with its goal line (`measures_block`).

Writes go through the single writer (data.write_lock) and clear the query caches, as the
import desk does; a refused input (notes raises InputError) is shown, never a traceback.
"""
from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import streamlit as st

from metrics import charts, queries
from metrics.i18n import fmt
from metrics.store import notes
from metrics.errors import ReformError
from metrics.i18n import t
from metrics.model.kpis import KPI_BY_KEY, KPIS

from . import components as c
from metrics.charts import analysis as figures

from . import data, state
from . import login

log = logging.getLogger("dashboard.notes")
_FLASH = "_notes_flash"


# --- events ---------------------------------------------------------------------------------------
def events(start: date | None, end: date | None, unit: str | None = None) -> pd.DataFrame | None:
    """The events to draw on a time series of [start, end]: the jurisdiction's own, and the
    unit's when one is given. None when there are none or they cannot be read (a chart
    never fails for its decoration)."""
    if start is None or end is None:
        return None
    try:
        ev = data.query(notes.annotations, start, end, unit_code=unit)
    except Exception:  # noqa: BLE001 - events are decoration: log, draw the chart without them
        log.exception("events could not be read")
        return None
    return ev if ev is not None and not ev.empty else None


def _all_events(start: date, end: date) -> pd.DataFrame:
    """Every event of [start, end's month], of the jurisdiction and of every unit, newest first."""
    from metrics.store import notes

    with data.cursor() as cur:
        ev = notes.annotations(cur, start, end, all_units=True)
    return ev.iloc[::-1].reset_index(drop=True)


# --- writing --------------------------------------------------------------------------------------
def _write(lang: str, fn_name: str, *args, **kwargs) -> bool:
    """One write through the single writer; the query caches cleared after it."""
    from metrics.store import notes

    try:
        with data.write_lock():
            with data.cursor() as cur:
                getattr(notes, fn_name)(cur, *args, **kwargs)
    except ReformError as exc:
        c.error(exc, lang)
        return False
    data.clear_caches()
    return True


def _flash(key: str, text: str) -> None:
    st.session_state.setdefault(_FLASH, {})[key] = text


def _show_flash(key: str) -> None:
    msg = st.session_state.get(_FLASH, {}).pop(key, None)
    if msg:
        st.success(msg, icon=":material/check_circle:")


def _unit_name(code) -> str:
    if code is None or fmt.is_missing(code):
        return ""
    try:
        return data.profile().unit(code).name
    except KeyError:
        return str(code)


def _unit_choices(f) -> list[str]:
    return list(f.units) if f.units else [u.code for u in data.profile().current_units()]


# --- commitments ----------------------------------------------------------------------------------
def _kept_text(kept, lang: str) -> str:
    if kept is None or fmt.is_missing(kept):
        return "– " + t("kept_unknown", lang)
    return ("✓ " + t("kept_yes", lang)) if bool(kept) else ("✗ " + t("kept_no", lang))


def _kpi_cell(kpi, before, now, target, lang: str) -> str:
    k = KPI_BY_KEY.get(kpi) if isinstance(kpi, str) else None
    if k is None:
        return "–"
    s = f"{k.short(lang)}: {fmt.kpi_value(k, before, lang, short=True)} → {fmt.kpi_value(k, now, lang, short=True)}"
    if not fmt.is_missing(target):
        s += f" ({t('goal', lang).lower()} {fmt.goal_text(k, target, lang)})"
    return s


def review_frame(rv: pd.DataFrame, lang: str, with_unit: bool = True) -> pd.DataFrame:
    """Last month's commitments as a person reads them: unit, what was promised, by whom,
    the KPI before → now (and its target), kept or not."""
    view = pd.DataFrame({
        t("unit", lang): [_unit_name(u) for u in rv.unit_code],
        t("commitment", lang): list(rv.text),
        t("commit_owner", lang): ["" if fmt.is_missing(o) else str(o) for o in rv.owner],
        t("before_now", lang): [_kpi_cell(k, b, n, g, lang) for k, b, n, g in
                                zip(rv.kpi, rv.value_before, rv.value_now, rv.target)],
        t("result", lang): [_kept_text(k, lang) for k in rv.kept],
    })
    return view if with_unit else view.drop(columns=[t("unit", lang)])


def _result_colours(col: pd.Series) -> list[str]:
    out = []
    for v in col:
        if str(v).startswith("✓"):
            out.append("background-color: #c9ecd2; color: #111")
        elif str(v).startswith("✗"):
            out.append("background-color: #f8c9c9; color: #111")
        else:
            out.append("")
    return out


def review_block(f, units: list[str] | None, key: str, with_unit: bool = True) -> None:
    """Last month's commitments beside this month's figures, each kept or not (notes.review
    judges them by the KPI they name)."""
    lang = f.lang
    prev = queries.add_months(f.end, -1)
    rv = data.query(notes.review, f.end, units=units)
    if rv is None or rv.empty:
        st.caption(t("review_none_month", lang, month=fmt.month(prev, lang, long=True)))
        return
    kept = [k for k in rv.kept if k is not None and not fmt.is_missing(k)]
    st.caption(t("review_summary", lang, n=fmt.number(len(rv), lang), month=fmt.month(prev, lang, long=True),
                 kept=fmt.number(sum(1 for k in kept if bool(k)), lang),
                 missed=fmt.number(sum(1 for k in kept if not bool(k)), lang),
                 open=fmt.number(len(rv) - len(kept), lang)))
    view = review_frame(rv, lang, with_unit)
    st.dataframe(view.style.apply(_result_colours, subset=[t("result", lang)]), hide_index=True, width="stretch",
                 key=f"{key}-review", height=min(38 * len(view) + 42, 420))


def unit_review(f, unit: str) -> None:
    """On a unit's page, beside its figures: what it committed to last month and whether it
    kept it; one quiet line when it committed to nothing."""
    lang = f.lang
    prev = queries.add_months(f.end, -1)
    rv = data.query(notes.review, f.end, units=[unit])
    if rv is None or rv.empty:
        st.caption(t("review_none_unit", lang, month=fmt.month(prev, lang, long=True)))
        return
    st.subheader(t("review_unit_title", lang, month=fmt.month(prev, lang, long=True)))
    review_block(f, [unit], key=f"ud-{unit}", with_unit=False)


def _target_value(kpi: str | None, raw) -> float | None:
    if not kpi or raw is None or fmt.is_missing(raw):
        return None
    k = KPI_BY_KEY[kpi]
    return float(raw) / 100 if k.is_rate else float(raw)


def commitments_block(f, key: str) -> None:
    """This month's commitments (to be judged next month) and the form to add one."""
    lang = f.lang
    month = f.end
    _show_flash(f"{key}-commit")
    units = f.unit_list
    now = data.query(notes.commitments, month, units=units)
    nxt = fmt.month(queries.add_months(month, 1), lang, long=True)
    st.markdown(f"**{t('commit_this_month', lang, month=fmt.month(month, lang, long=True))}**")
    st.caption(t("commit_judged_next", lang, month=nxt))
    can_write = login.can("write_notes")
    if now is None or now.empty:
        st.caption(t("commit_none_yet", lang))
    else:
        for r in now.itertuples():
            row = st.container(border=True, horizontal=True, vertical_alignment="center")
            kpi = KPI_BY_KEY.get(r.kpi) if isinstance(r.kpi, str) else None
            what = f"**{_unit_name(r.unit_code)}** — {r.text}"
            if isinstance(r.owner, str) and r.owner:
                what += f" · _{t('commit_owner', lang)}: {r.owner}_"
            if kpi is not None:
                what += f" · {kpi.short(lang)}"
                if not fmt.is_missing(r.target):
                    what += f" {fmt.goal_text(kpi, r.target, lang)}"
            row.markdown(what, width="stretch")
            if can_write:
                row.button(t("delete", lang), key=f"{key}-commit-del-{r.id}", icon=":material/delete:",
                           type="tertiary", on_click=_delete, args=("delete_commitment", int(r.id), lang,
                                                                    f"{key}-commit"))
    if not can_write:
        st.caption(t("notes_read_only", lang))
        return
    choices = _unit_choices(f)
    kpis = [""] + [k.key for k in KPIS]
    with st.form(f"{key}-commit-form", clear_on_submit=True, border=True):
        st.markdown(f"**{t('commit_add_title', lang, month=fmt.month(month, lang, long=True))}**")
        a, b = st.columns([1, 1])
        with a:
            unit = st.selectbox(t("unit", lang), choices, key=f"{key}-c-unit",
                                format_func=lambda x: state.selection_label(data.profile(), x, lang))
        with b:
            owner = st.text_input(t("commit_owner", lang), max_chars=120, key=f"{key}-c-owner",
                                  placeholder=t("commit_owner_hint", lang))
        text = st.text_area(t("commit_text", lang), max_chars=500, key=f"{key}-c-text",
                            placeholder=t("commit_text_hint", lang), height=80)
        a, b = st.columns([1, 1])
        with a:
            kpi = st.selectbox(t("commit_kpi", lang), kpis, key=f"{key}-c-kpi",
                               format_func=lambda x: KPI_BY_KEY[x].label(lang) if x else t("commit_kpi_none", lang))
        with b:
            target = st.number_input(t("commit_target", lang), min_value=0.0, value=None, step=1.0,
                                     key=f"{key}-c-target", help=t("commit_target_help", lang))
        sent = st.form_submit_button(t("commit_add", lang), type="primary", icon=":material/add:")
    if sent:
        if not (text or "").strip():
            st.warning(t("commit_text_missing", lang), icon=":material/edit:")
            return
        ok = _write(lang, "add_commitment", unit, month, text, owner=owner or None, kpi=kpi or None,
                    target=_target_value(kpi, target), user=login.user_name(), profile=data.profile())
        if ok:
            _flash(f"{key}-commit", t("commit_added", lang, unit=_unit_name(unit), month=nxt))
            st.rerun()


def _delete(fn_name: str, note_id: int, lang: str, flash_key: str) -> None:
    if _write(lang, fn_name, note_id):
        _flash(flash_key, t("deleted", lang))


# --- events ---------------------------------------------------------------------------------------
def events_block(f, key: str) -> None:
    """The events of the last 12 months (of every unit) and the form to add one; they are
    drawn on every time-series chart of the dashboard."""
    lang = f.lang
    _show_flash(f"{key}-event")
    start, end = f.trend_window(12)
    ev = _all_events(start, end)
    if f.units:
        ev = ev[ev.unit_code.isna() | ev.unit_code.isin(f.units)]
    can_write = login.can("write_notes")
    if ev.empty:
        st.caption(t("events_none", lang, start=fmt.month(start, lang), end=fmt.month(end, lang)))
    else:
        for r in ev.itertuples():
            row = st.container(border=True, horizontal=True, vertical_alignment="center")
            who = t("events_all_units", lang) if fmt.is_missing(r.unit_code) else _unit_name(r.unit_code)
            row.markdown(f"**{fmt.day(r.event_date, lang)}** · {who} — {r.text}", width="stretch")
            if can_write:
                row.button(t("delete", lang), key=f"{key}-event-del-{r.id}", icon=":material/delete:",
                           type="tertiary", on_click=_delete, args=("delete_annotation", int(r.id), lang,
                                                                    f"{key}-event"))
    st.caption(t("events_import_hint", lang))
    if not can_write:
        st.caption(t("notes_read_only", lang))
        return
    choices = ["all"] + _unit_choices(f)
    with st.form(f"{key}-event-form", clear_on_submit=True, border=True):
        st.markdown(f"**{t('events_add_title', lang)}**")
        a, b = st.columns([1, 2])
        with a:
            day = st.date_input(t("events_date", lang), value=f.end, key=f"{key}-e-date",
                                format="DD/MM/YYYY")
        with b:
            unit = st.selectbox(t("unit", lang), choices, key=f"{key}-e-unit",
                                format_func=lambda x: t("events_all_units", lang) if x == "all"
                                else _unit_name(x))
        text = st.text_input(t("events_text", lang), max_chars=200, key=f"{key}-e-text",
                             placeholder=t("events_text_hint", lang))
        sent = st.form_submit_button(t("events_add", lang), type="primary", icon=":material/add:")
    if sent:
        if not (text or "").strip() or day is None:
            st.warning(t("events_text_missing", lang), icon=":material/edit:")
            return
        ok = _write(lang, "add_annotation", day, text, unit_code=None if unit == "all" else unit, user=login.user_name(),
                    profile=data.profile())
        if ok:
            _flash(f"{key}-event", t("events_added", lang))
            st.rerun()


# --- the measures of the order --------------------------------------------------------------------
MEASURE_KPIS = ["online_payment_rate", "e_certified_rate", "bcci_intake_rate", "bcci_return_rate"]
PRIORITY_PAIR = ["early_rate_priority", "early_rate_direct"]
ACCOUNTS_GOAL = "accounts"          # the profile's goal for helped accounts per month, if it sets one


def _goal_caption(goal, k=None, lang: str = "vi") -> None:
    if fmt.is_missing(goal):
        st.caption(t("no_goal_profile", lang))
    elif k is not None:
        st.caption(f"{t('goal', lang)} {fmt.goal_text(k, goal, lang)}")


def measures_block(f, units: list[str] | None, unit: str | None, key: str) -> None:
    """Each measure of the order over the 12 months to the period, with its goal line and
    the events: citizen accounts created with help, online payment, electronic certified
    copies, BCCI intake and return, and the early rate of online + BCCI dossiers beside
    direct ones (rule 3: priority dossiers should be resolved earlier)."""
    lang = f.lang
    goals = data.profile().goals
    start, end = f.trend_window(12)
    series = data.query(queries.kpi_series, start, end, units=units)
    ev = events(start, end, unit)
    st.caption(t("trend_caption", lang, start=fmt.month(start, lang), end=fmt.month(end, lang)))
    cells = ["accounts", *MEASURE_KPIS, "priority"]
    for i in range(0, len(cells), 2):
        cols = st.columns(2)
        for col, cell in zip(cols, cells[i:i + 2]):
            with col, c.guarded(lang):
                if cell == "accounts":
                    acc = data.query(notes.accounts_series, start, end, units=units)
                    goal = goals.get(ACCOUNTS_GOAL)
                    c.plot(figures.count_bars(acc, "accounts", lang, goal, t("accounts_title", lang),
                                              annotations=ev), key=f"{key}-m-accounts")
                    if acc is None or acc.empty:
                        st.caption(t("accounts_import_hint", lang))
                    else:
                        _goal_caption(goal, None, lang)
                elif cell == "priority":
                    c.plot(figures.kpi_pair(series, PRIORITY_PAIR, lang, t("priority_title", lang), annotations=ev),
                           key=f"{key}-m-priority")
                    st.caption(t("priority_goal", lang))
                else:
                    k = KPI_BY_KEY[cell]
                    goal = goals.get(cell)
                    c.plot(charts.figure_for(cell, series, lang, goal, height=300, annotations=ev),
                           key=f"{key}-m-{cell}")
                    _goal_caption(goal, k, lang)
