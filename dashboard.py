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
from ui import boot, components, data, login, state


# which pages a role may open: a page left out of the menu cannot be reached by its URL
PAGE_PERMISSION = {
    "league": "see_all_units",
    "import_desk": "import",
    "admin": "manage_users",
    "overview": "see_all_units",
}


START = "start"        # the name the hidden default page reserves (it is served at "/"; pages_for)

SECTIONS = {
    "section_leaders": [("overview", "pages/overview.py", ":material/dashboard:"),
                        ("ranking", "pages/ranking.py", ":material/leaderboard:"),
                        ("attention", "pages/attention.py", ":material/notification_important:"),
                        ("presentation", "pages/presentation.py", ":material/slideshow:")],
    "section_work": [("due_soon", "pages/due_soon.py", ":material/alarm:"),
                     ("league", "pages/league.py", ":material/table_chart:"),
                     ("unit_detail", "pages/unit_detail.py", ":material/apartment:"),
                     ("dossiers", "pages/dossiers.py", ":material/folder_open:")],
    "section_data": [("import_desk", "pages/import_desk.py", ":material/upload_file:"),
                     ("admin", "pages/admin.py", ":material/admin_panel_settings:")],
}


def menu_keys(user=None) -> dict[str, list[str]]:
    """The pages the user's role may open, by section (no user: every page, for resolving
    a link before sign-in)."""
    def allowed(key: str) -> bool:
        need = PAGE_PERMISSION.get(key)
        return user is None or need is None or user.can(need)

    out = {s: [k for k, _, _ in items if allowed(k)] for s, items in SECTIONS.items()}
    return {s: keys for s, keys in out.items() if keys}


def pages_for(lang: str, user=None) -> dict[str, list]:
    """The menu. A unit account starts on its dossiers about to be late (the overview compares
    units); every other role on the overview."""
    keys = menu_keys(user)
    flat = [k for ks in keys.values() for k in ks]
    if user is not None and getattr(user, "role", None) == "unit" and "due_soon" in flat:
        default = "due_soon"
    else:
        default = "overview" if "overview" in flat else "unit_detail" if "unit_detail" in flat else flat[0]
    where = {k: (path, icon) for items in SECTIONS.values() for k, path, icon in items}
    menu = {t(section, lang): [st.Page(where[k][0], title=t(f"page_{k}", lang), icon=where[k][1], url_path=k)
                               for k in ks]
            for section, ks in keys.items()}
    first = next(p for ps in menu.values() for p in ps if p.url_path == default)

    def start() -> None:
        # drawn in place (Streamlit runs only the page st.navigation returned): a switch to
        # the page's address would cost a run, and would drop this run's output — right after
        # signing in, the cookie's script that keeps the browser signed in
        first._can_be_called = True
        first.run()

    # The address "/" is a hidden page that draws the role's first page (the overview, or a
    # unit account's due list). Were that page itself the default, Streamlit would serve it at
    # "/" and answer its own address (/overview), typed or bookmarked, with an English "Page
    # not found".
    hidden = menu[t(next(iter(keys)), lang)]
    hidden.append(st.Page(start, title=first.title, icon=first.icon, url_path=START, default=True,
                          visibility="hidden"))
    # a page outside the role, asked for by its address (a colleague's link): said in the
    # interface's language, with the way back (Streamlit would say "Page not found" in English)
    for k in [k for k in where if k not in flat]:
        hidden.append(st.Page(_closed(k, lang, first), title=t(f"page_{k}", lang), icon=where[k][1], url_path=k,
                              visibility="hidden"))
    return menu


def _closed(key: str, lang: str, first):
    def closed() -> None:
        st.title(t(f"page_{key}", lang))
        st.warning(t("page_closed", lang, page=t(f"page_{key}", lang)), icon=":material/lock:")
        st.page_link(first, label=t("page_closed_go", lang, page=first.title), icon=first.icon)
    closed.__name__ = f"closed_{key}"
    return closed


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
        data.ensure_ready(lang)
        filters = state.resolve_filters(lang)
        components.as_of_line(filters)
        nav.run()
    except boot.PageDone:
        pass
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
