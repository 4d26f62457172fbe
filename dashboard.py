"""The administrative-reform dashboard: streamlit run dashboard.py

The entry point runs on every page load, before the page: language, store, (login), menu,
shared filters, as-of line, then the page itself. Pages only read the filters and call
metrics/; nothing here computes a figure.
"""
from __future__ import annotations

import streamlit as st

from metrics.i18n import t
from ui import boot, components, data, state


def pages_for(lang: str) -> dict[str, list]:
    def page(path: str, key: str, icon: str, default: bool = False):
        return st.Page(path, title=t(f"page_{key}", lang), icon=icon, url_path=key, default=default)

    return {
        t("section_leaders", lang): [
            page("pages/overview.py", "overview", ":material/dashboard:", default=True),
            page("pages/ranking.py", "ranking", ":material/leaderboard:"),
            page("pages/attention.py", "attention", ":material/notification_important:"),
        ],
        t("section_work", lang): [
            page("pages/league.py", "league", ":material/table_chart:"),
            page("pages/unit_detail.py", "unit_detail", ":material/apartment:"),
            page("pages/dossiers.py", "dossiers", ":material/folder_open:"),
        ],
        t("section_data", lang): [
            page("pages/import_desk.py", "import_desk", ":material/upload_file:"),
        ],
    }


def main() -> None:
    st.set_page_config(page_title="CCHC · Dashboard", page_icon=components.favicon(), layout="wide",
                       initial_sidebar_state="expanded")
    components.inject_css()
    lang = state.language_switch()
    # A login gate (accounts and roles, another issue) goes here: it must run before the
    # menu is built, so that it can stop the run or hide pages by role, e.g.
    #     user = auth.gate(lang)          # draws the login form, st.stop() until signed in
    #     pages = pages_for(lang, user.role)
    nav = st.navigation(pages_for(lang), position="sidebar", expanded=True)
    # after the menu: a first run's demo seed takes a while, and the menu should be the real one
    data.ensure_ready(lang)
    filters = state.sidebar_filters(lang)
    components.as_of_line(filters)
    nav.run()


with boot.entry():
    main()
