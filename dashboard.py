"""The administrative-reform dashboard: streamlit run dashboard.py

The entry point runs on every page load: language, (login), menu, store, the shared filters'
values, as-of line, the page itself, and then the sidebar's widgets (language switch,
account, filters), so that the page's figures reach the browser first. Pages only read the
filters and call metrics/; nothing here computes a figure.
"""
from __future__ import annotations

import streamlit as st

from metrics.errors import DatabaseBusyError
from metrics.i18n import t
from ui import boot, components, data, login, state, upload_copies
from ui.menu import PageContext, pages_for, set_context


def main() -> None:
    st.set_page_config(page_title="CCHC · Dashboard", page_icon=components.favicon(), layout="wide",
                       initial_sidebar_state="expanded")
    components.inject_css()
    lang = state.prepare_language()
    # nothing below runs without an account; the menu holds only the pages the role may open
    requested = None
    switch_drawn = False
    if login.signed_in() is None:
        with st.sidebar:
            state.draw_language_switch()
        switch_drawn = True
        # which page the link asked for (nothing of it runs): opened after signing in
        requested = st.navigation(pages_for(lang, None), position="hidden").url_path
    user = login.gate(lang, requested)
    # uploaded files' copies that closed tabs and stopped servers left in the temp folder
    upload_copies.sweep_now_and_then(spare=st.session_state.get("_import_tmp"))
    # The sidebar's controls (language, account, filters) are drawn after the page, in this
    # container that keeps their place: the browser shows a page's elements once the scripts
    # of every kind of element it has received so far are loaded, and the select boxes' are
    # the heaviest; drawn first, they delayed the figures of every new tab (docs/performance.md).
    # Their values were settled before the page (state.resolve_filters).
    controls = st.sidebar.container()
    filters = None
    try:
        pages = pages_for(lang, user)
        nav = st.navigation(pages, position="sidebar", expanded=True)
        want = st.session_state.pop(login.AFTER_LOGIN, None)
        if want is not None and want != nav.url_path:
            target = [p for ps in pages.values() for p in ps if p.url_path == want]
            if target:
                st.switch_page(target[0], query_params=st.query_params.to_dict())
        state.switch_if_asked()      # a page button clicked in the last run (components.page_button)
        # after the menu: a first run's demo seed takes a while, and the menu should be the real one
        if not data.ensure_ready(lang):
            return
        filters = state.resolve_filters(lang)
        if filters is None:
            return
        components.as_of_line(filters)
        set_context(PageContext(filters, data.profile(), user))
        nav.run()
    finally:
        with controls:
            if not switch_drawn:     # (drawn above if the cookie was only accepted by the gate)
                state.draw_language_switch()
            login.sidebar_account(user, lang)
            if filters is not None:
                state.draw_filters(filters)


def busy() -> None:
    """The store is held by a command finishing an import (its final write takes seconds):
    say so plainly, and come back by ourselves once it is free."""
    lang = st.session_state.get("lang", "vi")
    st.info(t("db_busy_wait", lang), icon=":material/hourglass_top:")

    st.session_state["_busy_checks"] = 0

    @st.fragment(run_every=2)
    def retry() -> None:
        # not in the run that drew the message (it has just waited): from the next tick on
        st.session_state["_busy_checks"] = st.session_state.get("_busy_checks", 0) + 1
        if st.session_state["_busy_checks"] > 1 and data.store_free():
            st.rerun(scope="app")

    retry()


if __name__ == "__main__":     # Streamlit runs the entry point as __main__; tests import it
    with boot.entry():
        try:
            main()
        except DatabaseBusyError:
            busy()
