"""The dashboard's access to the store: one DuckDB connection per process, a cursor per call,
cached query results, the first-run demo seed and the single writer.

Why a cached root connection: DuckDB allows one writing *process* per file, and a
connection shared by several Streamlit sessions (threads) raises "connection is busy" on
DuckDB 2.0, so every call takes its own `root.cursor()`. While the dashboard runs it holds
the file: imports go through the import desk (same process), and a CLI import waits or
fails with DatabaseBusyError; stop the dashboard for bulk CLI work.

Everything cached is keyed by the database path, so tests (and anyone who points
REFORM_DB elsewhere) never see another file's figures. An import or an undo clears the
cache of every session (figures refresh without a restart).
"""
from __future__ import annotations

import importlib
import os
import threading
from contextlib import contextmanager

import streamlit as st

from metrics import db, seed
from metrics.errors import ReformError
from metrics.i18n import t
from metrics.profile import Profile, load_profile

# REFORM_AUTO_DEMO=0 keeps an empty database empty (tests of the empty state, or a
# production install that must never show invented figures)
AUTO_DEMO_ENV = "REFORM_AUTO_DEMO"


def db_key() -> str:
    return str(db.db_path())


def profile() -> Profile:
    return load_profile()


@st.cache_resource(show_spinner=False)
def _root(path: str):
    return db.connect(path)


@st.cache_resource(show_spinner=False)
def _locks() -> dict[str, threading.Lock]:
    # one writer per process: imports, undos and the demo seed never interleave
    return {"write": threading.Lock()}


def write_lock() -> threading.Lock:
    return _locks()["write"]


def connection():
    """The root connection itself, for work outside the script thread (a deferred download
    runs in another thread, where Streamlit's caches are not available): take a cursor."""
    return _root(db_key())


@contextmanager
def cursor(path: str | None = None):
    cur = _root(path or db_key()).cursor()
    try:
        yield cur
    finally:
        cur.close()


def optional_module(name: str):
    """metrics.<name> if it exists yet (score, flags, demo are written by other issues)."""
    full = f"metrics.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        raise


@st.cache_data(show_spinner=False, max_entries=512)
def _call(path: str, module: str, name: str, args: tuple, kwargs: tuple):
    mod = importlib.import_module(f"metrics.{module}")
    with cursor(path) as cur:
        return getattr(mod, name)(cur, *args, **dict(kwargs))


def query(name: str, *args, module: str = "queries", **kwargs):
    """A cached call of metrics.<module>.<name>(con, *args, **kwargs).

    Arguments must be hashable values (dates, strings, tuples); unit lists become tuples.
    """
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()}
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    return _call(db_key(), module, name, args, tuple(sorted(kwargs.items())))


def has(module: str, name: str) -> bool:
    mod = optional_module(module)
    return mod is not None and hasattr(mod, name)


def clear_caches() -> None:
    st.cache_data.clear()


def demo_available() -> bool:
    return optional_module("demo") is not None


def auto_demo() -> bool:
    return os.environ.get(AUTO_DEMO_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def ensure_ready(lang: str) -> None:
    """Open the store (or stop the page with a plain message) and, on the very first run
    with an empty database, seed the demo data so a new user sees figures at once."""
    path = db_key()
    try:
        _root(path)
    except ReformError as exc:
        st.error(f"**{exc.title_vi if lang == 'vi' else exc.title_en}**: {exc.text(lang)}")
        st.stop()
    flag = f"_ready::{path}"
    if st.session_state.get(flag):
        return
    if auto_demo() and demo_available():
        with cursor(path) as cur:
            empty = seed.is_empty(cur)
        if empty:
            # about half a minute: say what is happening, file by file
            with st.status(t("seeding_demo", lang), expanded=True) as box:
                with write_lock():
                    with cursor(path) as cur:
                        if seed.is_empty(cur):      # another session may have seeded meanwhile
                            try:
                                seed.seed_demo(cur, profile(), progress=lambda msg: box.write(msg.strip()))
                            except ReformError as exc:
                                st.error(exc.text(lang))
                box.update(label=t("seeding_done", lang), state="complete", expanded=False)
            clear_caches()
    st.session_state[flag] = True


def periods() -> list:
    return query("periods")


def as_of() -> dict:
    return query("as_of")
