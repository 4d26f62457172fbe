"""Every run goes through the entry point, even a server's very first request.

Why: Streamlit still honours the legacy `pages/` folder convention until the entry point
has called st.navigation once in the process. On a freshly started server the first run
is started the legacy way: a first request for /league (a shared link, a bookmark) runs
pages/league.py on its own (no language, no shared filters, the legacy menu), and even a
first request for / runs the entry point as a legacy page, so the sidebar widgets of that
run get other identities and lose their state on the next run (the language flips back).
Both the entry point and every page therefore start with a check: a run started the
legacy way switches the legacy mode off and starts again, now the st.navigation way.
"""
from __future__ import annotations

import runpy
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import streamlit as st

ENTRY = Path(__file__).resolve().parent.parent / "dashboard.py"
_local = threading.local()


def _leave_legacy_pages_mode() -> bool:
    """True if this run was started by the legacy pages/ mechanism (now switched off) and
    must start again.

    Not under streamlit.testing's AppTest: it puts the legacy mode back before every run,
    so a restart would swallow every button click of a test; there the entry point is run
    in place (ensure_entry below), which is all a test needs.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:       # a Streamlit without the legacy mechanism
        return False
    if not getattr(PagesManager, "uses_pages_directory", False):
        return False
    PagesManager.uses_pages_directory = False
    return not st.get_option("global.appTest")


@contextmanager
def entry():
    """Wrap the entry point's body: pages run inside it know they are in good hands."""
    if _leave_legacy_pages_mode():
        st.rerun()
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        yield
    finally:
        _local.depth -= 1


class PageDone(BaseException):
    """A page has shown all it can (no data, no permission): its script ends here, and the
    entry point still draws the sidebar's filters, which it draws after the page. A
    BaseException, as Streamlit's own stop and rerun: a block's `except Exception`
    (components.guarded) must not catch it and go on drawing."""


def end_page() -> NoReturn:
    """A page's st.stop(). Not st.stop itself: after st.stop nothing more can be drawn in
    the run, and the entry point draws the filters after the page (dashboard.py)."""
    raise PageDone


def ensure_entry() -> None:
    """First line of every page: run through the entry point if this run did not."""
    if getattr(_local, "depth", 0) > 0:
        return
    if _leave_legacy_pages_mode():
        st.rerun()
    # should Streamlit ever start a page on its own another way: draw the entry point here,
    # whose st.navigation runs this page inside it
    runpy.run_path(str(ENTRY), run_name="__main__")
    st.stop()
