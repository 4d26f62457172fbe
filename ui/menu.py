"""The menu: which pages there are, which a role may open, and each page as Streamlit runs it.

A page is a module of pages/ with a function `render(ctx)`. The entry point (dashboard.py)
works out one PageContext per run (language, the shared filters, the profile, the user) and
st.navigation runs the page's function with it: `st.Page(callable)`, so nothing of a page
runs at import and no page repeats the entry point's preamble. Pages are named here by their
key ("overview"), never by a file path.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Callable

import streamlit as st

from metrics.i18n import t

if TYPE_CHECKING:
    from metrics.store.auth import User
    from metrics.model.profile import Profile

    from .state import Filters

# which pages a role may open: a page left out of the menu cannot be reached by its URL
PAGE_PERMISSION = {
    "league": "see_all_units",
    "import_desk": "import",
    "admin": "manage_users",
    "overview": "see_all_units",
    # the role rules say who sees dossier by dossier (auth.User.can): the menu follows them
    "dossiers": "see_dossiers",
}

START = "start"        # the name the hidden default page reserves (it is served at "/"; pages_for)

SECTIONS = {
    "section_leaders": [("overview", ":material/dashboard:"), ("ranking", ":material/leaderboard:"),
                        ("attention", ":material/notification_important:"),
                        ("presentation", ":material/slideshow:")],
    "section_work": [("due_soon", ":material/alarm:"), ("league", ":material/table_chart:"),
                     ("unit_detail", ":material/apartment:"), ("dossiers", ":material/folder_open:")],
    "section_data": [("import_desk", ":material/upload_file:"), ("admin", ":material/admin_panel_settings:")],
}
ICONS = {k: icon for items in SECTIONS.values() for k, icon in items}


@dataclass(frozen=True)
class PageContext:
    """What every page starts from, worked out once per run by the entry point."""
    filters: Filters
    profile: Profile
    user: User

    @property
    def lang(self) -> str:
        return self.filters.lang


# the context of the run in progress: each session's runs are in a thread of their own
_run = threading.local()


def set_context(ctx: PageContext) -> None:
    _run.ctx = ctx


PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
_modules: dict[str, ModuleType] = {}
_loading = threading.Lock()


def page_module(key: str) -> ModuleType:
    """pages/<key>.py, loaded once per process by its file (a module named `pages` elsewhere on
    the path, such as benchmarks/pages.py, must not stand in for the folder)."""
    module = _modules.get(key)
    if module is None:
        with _loading:
            module = _modules.get(key)
            if module is None:
                name = f"reform_pages.{key}"
                spec = importlib.util.spec_from_file_location(name, PAGES_DIR / f"{key}.py")
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
                _modules[key] = module
    return module


def renderer(key: str) -> Callable[[], None]:
    """The function st.navigation runs for a page: its module's render(ctx)."""
    def run() -> None:
        page_module(key).render(_run.ctx)
    run.__name__ = f"page_{key}"
    return run


def page(key: str, lang: str, **kw) -> st.Page:
    """A page of the menu by its key, for st.navigation, st.switch_page and st.page_link."""
    return st.Page(renderer(key), title=t(f"page_{key}", lang), icon=ICONS[key], url_path=key, **kw)


def menu_keys(user=None) -> dict[str, list[str]]:
    """The pages the user's role may open, by section (no user: every page, for resolving
    a link before sign-in)."""
    def allowed(key: str) -> bool:
        need = PAGE_PERMISSION.get(key)
        return user is None or need is None or user.can(need)

    out = {s: [k for k, _ in items if allowed(k)] for s, items in SECTIONS.items()}
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
    menu = {t(section, lang): [page(k, lang) for k in ks] for section, ks in keys.items()}
    first = next(p for ps in menu.values() for p in ps if p.url_path == default)
    # The address "/" is a hidden page that draws the role's first page (the overview, or a
    # unit account's due list) in place: a switch to its address would cost a run, and would
    # drop this run's output (right after signing in, the cookie's script that keeps the
    # browser signed in). Were that page itself the default, Streamlit would serve it at "/"
    # and answer its own address (/overview), typed or bookmarked, with an English "Page not
    # found".
    hidden = menu[t(next(iter(keys)), lang)]
    hidden.append(st.Page(renderer(default), title=first.title, icon=first.icon, url_path=START, default=True,
                          visibility="hidden"))
    # a page outside the role, asked for by its address (a colleague's link): said in the
    # interface's language, with the way back (Streamlit would say "Page not found" in English)
    for k in [k for k in ICONS if k not in flat]:
        hidden.append(st.Page(_closed(k, lang, first), title=t(f"page_{k}", lang), icon=ICONS[k], url_path=k,
                              visibility="hidden"))
    return menu


def _closed(key: str, lang: str, first):
    def closed() -> None:
        st.title(t(f"page_{key}", lang))
        st.warning(t("page_closed", lang, page=t(f"page_{key}", lang)), icon=":material/lock:")
        st.page_link(first, label=t("page_closed_go", lang, page=first.title), icon=first.icon)
    closed.__name__ = f"closed_{key}"
    return closed
