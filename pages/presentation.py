"""Trình chiếu — the monthly meeting on the projector: the month's slides, the same as the
PPTX deck (metrics.export.briefing.build), one idea each, large enough to read at five
metres; next and previous with the buttons or the keyboard (← →, and PageUp/PageDown from
a presenter's clicker); no sidebar; the month's PPTX, XLSX and PDF to download, each built
only when asked for.

The slides follow the shared filters: the month is the period's last month, and a single
unit selected gives that unit's briefing.
"""
from __future__ import annotations

import time

import streamlit as st

from metrics.i18n import fmt
from metrics.i18n import t
from ui import components as c
from ui import boot, data, downloads, login, state
from ui import presentation_parts as pp
from ui.menu import PageContext


def render(ctx: PageContext) -> None:
    f = ctx.filters
    lang = f.lang
    SLIDE = "pres_slide"        # the slide shown (index)
    # The slide picker's key carries the slide shown: a key press that reaches the server before the
    # browser has the new slide would otherwise send the picker's old value with it, and its on_change
    # would take the slide back (two quick presses moved one slide).
    PICK = "pres_pick_{}"
    SHOW_SIDEBAR = "pres_sidebar"

    st.html(pp.CSS)
    if not st.session_state.get(SHOW_SIDEBAR):
        st.html(pp.CHROME_CSS)

    with st.container(key="pres-top"):
        st.title(t("page_presentation", lang))
    if c.needs_data(f):
        st.toggle(t("pres_show_sidebar", lang), key=SHOW_SIDEBAR)
        return

    period, unit = f.end, f.unit
    try:
        with st.spinner(t("pres_building", lang)):
            b = pp.briefing(period, lang, unit)
    except Exception as exc:  # noqa: BLE001 - a message, never a traceback; the log keeps it
        import logging

        logging.getLogger("dashboard").exception("briefing failed")
        c.error(exc, lang)
        st.toggle(t("pres_show_sidebar", lang), key=SHOW_SIDEBAR)
        return

    slides = b.slides
    n = len(slides)
    i = st.session_state.get(SLIDE, 0)
    i = i if isinstance(i, int) and 0 <= i < n else 0
    st.session_state[SLIDE] = i


    def go_to(k: int) -> None:
        k = max(0, min(n - 1, k))
        st.session_state[SLIDE] = k


    def step(d: int) -> None:
        go_to(st.session_state.get(SLIDE, 0) + d)


    def picked(key: str) -> None:
        go_to(int(st.session_state.get(key, 0)))


    # --- the toolbar: previous / next (← →), the slide picker, downloads, exit -------------------------------
    bar = st.container(horizontal=True, vertical_alignment="center", key="pres-bar")
    bar.button(t("pres_prev", lang), key="pres-prev", on_click=step, args=(-1,), icon=":material/arrow_back:",
               disabled=i == 0, shortcut="Left")
    bar.button(t("pres_next", lang), key="pres-next", on_click=step, args=(1,), icon=":material/arrow_forward:",
               icon_position="right", disabled=i == n - 1, shortcut="Right", type="primary")
    with bar:
        st.selectbox(t("pres_pick", lang), list(range(n)), index=i, key=PICK.format(i), on_change=picked,
                     args=(PICK.format(i),), label_visibility="collapsed",
                     format_func=lambda k: f"{k + 1}/{n} — {slides[k].title}", width=520)
    with bar.popover(t("pres_downloads", lang), icon=":material/download:"):
        st.caption(t("pres_downloads_help", lang, month=fmt.month(period, lang, long=True)))
        from metrics.export import MIME, file_name

        for fmt_name, label in (("pptx", "pres_pptx"), ("xlsx", "pres_xlsx"), ("pdf", "pres_pdf")):
            st.download_button(t(label, lang),
                               downloads.audited(pp.exporter(fmt_name, period, lang, unit),
                                                 file_name(data.profile(), period, fmt_name, unit)),
                               file_name=file_name(data.profile(), period, fmt_name, unit), mime=MIME[fmt_name],
                               icon=":material/download:", on_click="ignore", key=f"pres-dl-{fmt_name}")
    with bar:
        st.toggle(t("pres_show_sidebar", lang), key=SHOW_SIDEBAR)
    if bar.button(t("pres_exit", lang), key="pres-exit", icon=":material/close:", type="tertiary"):
        # back to the user's first page: a unit account has no overview (it compares units)
        state.switch("overview" if login.can("see_all_units") else "due_soon")

    # keyboard only: a presenter's clicker sends PageDown / PageUp
    with st.container(key="pres-keys"):
        st.html(pp.KEYS_CSS)
        st.button("PageDown", key="pres-pgdn", on_click=step, args=(1,), shortcut="PageDown")
        st.button("PageUp", key="pres-pgup", on_click=step, args=(-1,), shortcut="PageUp")

    # --- the slide ------------------------------------------------------------------------------------------
    s = slides[i]
    with st.container(key="slide"):
        with st.container(key="slide-title"):
            st.header(s.title, anchor=False)
        if s.lead:
            with st.container(key="slide-lead"):
                st.markdown(pp.md(s.lead))
        if s.cards:
            st.html(pp.cards_html(s.cards))
        bullets = "\n".join(f"- {pp.md(x)}" for x in s.bullets)
        if s.chart is not None and bullets:
            left, right = st.columns([1, 1.25], gap="large")
            with left, st.container(key="slide-bullets"):
                st.markdown(bullets)
            with right:
                c.plot(pp.enlarge(s.chart.figure), key=f"pres-chart-{s.key}")
        else:
            if bullets:
                with st.container(key="slide-bullets"):
                    st.markdown(bullets)
            if s.chart is not None:
                c.plot(pp.enlarge(s.chart.figure), key=f"pres-chart-{s.key}")
        if s.table is not None and not s.table.empty:
            st.html(pp.table_html(s.table))
        if s.empty and not (s.lead or s.chart or s.table or s.cards or s.bullets):
            with st.container(key="slide-empty"):
                st.markdown(t("pres_empty_slide", lang))
        with st.container(key="slide-foot"):
            st.markdown(pp.footer_text(b, i, n, lang, t("demo_data", lang)))

    # The chart library (4.7 MB of script) is loaded out of sight two seconds after the page opens,
    # while the title slide is on the screen: loaded with the first slide it delayed it by 0.7 s,
    # with the first chart slide by a second. A fragment ticks once two seconds after a full run
    # and asks for one full run that draws the hidden chart; from then on it has no timer.
    WARM, ARMED_AT = "_pres_warm", "_pres_warm_armed"


    def _warm_chart() -> None:
        if st.session_state.get(WARM):
            with st.container(key="pres-warm"):
                c.plot(pp.WARM_FIGURE, key="pres-warm-chart")
        elif time.monotonic() - st.session_state.get(ARMED_AT, time.monotonic()) >= 1.5:
            # the timer's tick (a full run armed it just now, so it is not one): once
            st.session_state[WARM] = True
            st.rerun(scope="app")


    if any(x.chart is not None for x in slides):
        if not st.session_state.get(WARM):
            st.session_state[ARMED_AT] = time.monotonic()
        st.fragment(_warm_chart, run_every=None if st.session_state.get(WARM) else 2.0)()

    with st.expander(t("pres_notes", lang), icon=":material/description:"):
        st.markdown("  \n".join(pp.md(line) for line in (s.notes or "").splitlines()) or "–")
    st.caption(t("pres_keys_help", lang))


if __name__ == "__main__":     # run by Streamlit's legacy pages/ folder: through the entry point
    boot.legacy_start()
