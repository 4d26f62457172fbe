"""Every run goes through the entry point, even a server's very first request.

Why: Streamlit still honours the legacy `pages/` folder convention until the entry point
has called st.navigation once in the process. On a freshly started server the first run
is started the legacy way: a first request for /league (a shared link, a bookmark) runs
pages/league.py on its own (no language, no shared filters, the legacy menu), and even a
first request for / runs the entry point as a legacy page, so the sidebar widgets of that
run get other identities and lose their state on the next run (the language flips back).
The entry point therefore starts with a check (entry), and a page module, which only defines
its render(ctx), ends with one (legacy_start): a run started the legacy way switches the
legacy mode off and starts again, now the st.navigation way. This is the one place that
knows of the legacy mode.
"""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st


def _leave_legacy_pages_mode() -> bool:
    """True if this run was started by the legacy pages/ mechanism (now switched off) and
    must start again.

    Not under streamlit.testing's AppTest: it puts the legacy mode back before every run,
    so a restart would swallow every button click of a test; there the entry point is run
    in place, which is all a test needs.
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
    """Wrap the entry point's body: a run started the legacy way starts again the
    st.navigation way."""
    if _leave_legacy_pages_mode():
        st.rerun()
    yield


def legacy_start() -> None:
    """The last lines of every page module (`if __name__ == "__main__": boot.legacy_start()`).

    A page module only defines its render(ctx), which the entry point runs; Streamlit runs a
    module as a script (__name__ "__main__") only the legacy way, on a fresh server's first
    request for the page's address: the legacy mode is switched off and the run starts again,
    through the entry point. Anything else that runs a page file as a script (`streamlit run
    pages/overview.py`) is answered with the entry point drawn in place, not a rerun that
    would start the same way again."""
    if _leave_legacy_pages_mode():
        st.rerun()
    import runpy
    from pathlib import Path

    runpy.run_path(str(Path(__file__).resolve().parent.parent / "dashboard.py"), run_name="__main__")
