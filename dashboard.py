"""The administrative-reform dashboard: streamlit run dashboard.py

The entry point runs on every page load, before the page: language, store, (login), menu,
shared filters, as-of line, then the page itself. Pages only read the filters and call
metrics/; nothing here computes a figure.
"""
from __future__ import annotations

import streamlit as st

from metrics.i18n import t
from ui import boot, components, data, login, state


# which pages a role may open: a page left out of the menu cannot be reached by its URL
PAGE_PERMISSION = {
    "league": "see_all_units",
    "import_desk": "import",
    "admin": "manage_users",
    "overview": "see_all_units",
}


def pages_for(lang: str, user=None) -> dict[str, list]:
    """The menu: sections of pages, holding only the pages the user's role may open. A unit
    account starts on its own unit's page (the overview compares units)."""
    sections = {
        "section_leaders": [("overview", "pages/overview.py", ":material/dashboard:"),
                            ("ranking", "pages/ranking.py", ":material/leaderboard:"),
                            ("attention", "pages/attention.py", ":material/notification_important:")],
        "section_work": [("league", "pages/league.py", ":material/table_chart:"),
                         ("unit_detail", "pages/unit_detail.py", ":material/apartment:"),
                         ("dossiers", "pages/dossiers.py", ":material/folder_open:")],
        "section_data": [("import_desk", "pages/import_desk.py", ":material/upload_file:"),
                         ("admin", "pages/admin.py", ":material/admin_panel_settings:")],
    }

    def allowed(key: str) -> bool:
        need = PAGE_PERMISSION.get(key)
        return user is None or need is None or user.can(need)

    keys = [k for items in sections.values() for k, _, _ in items if allowed(k)]
    default = "overview" if "overview" in keys else "unit_detail" if "unit_detail" in keys else keys[0]
    out = {}
    for section, items in sections.items():
        pages = [st.Page(path, title=t(f"page_{key}", lang), icon=icon, url_path=key, default=key == default)
                 for key, path, icon in items if allowed(key)]
        if pages:
            out[t(section, lang)] = pages
    return out


def main() -> None:
    st.set_page_config(page_title="CCHC · Dashboard", page_icon=components.favicon(), layout="wide",
                       initial_sidebar_state="expanded")
    components.inject_css()
    lang = state.language_switch()
    # nothing below runs without an account; the menu holds only the pages the role may open
    user = login.gate(lang)
    login.sidebar_account(user, lang)
    nav = st.navigation(pages_for(lang, user), position="sidebar", expanded=True)
    # after the menu: a first run's demo seed takes a while, and the menu should be the real one
    data.ensure_ready(lang)
    filters = state.sidebar_filters(lang)
    components.as_of_line(filters)
    nav.run()


with boot.entry():
    main()
