"""The dashboard's access to the store: one DuckDB connection per process while in use, a
cursor per call, cached query results, the first-run demo seed and the single writer.

Why a shared root connection: a connection shared by several Streamlit sessions (threads)
raises "connection is busy" on DuckDB 2.0, so every call takes its own `root.cursor()`.
Why it is released when idle: DuckDB allows one writing *process* per file. The root
connection is closed when nobody has used it for IDLE_SECONDS, or at once (a fraction of a
second after the page that holds it) when the command line (`python -m metrics import …`,
`users add …`) is waiting for the file: a waiting process touches a marker file beside the
database (metrics.store.db.someone_waits). Why not close sooner anyway: opening the file again
costs 20–300 ms (DuckDB starts a database instance), which a page paid after every pause of
more than a second and a half (docs/performance.md). The CLI waits for the file, and says
plainly that the database is busy if it cannot get it. While the CLI holds the file, a page
waits a few seconds and then says the same.

Everything cached is keyed by the database path and by its data version (the import log),
so tests never see another file's figures, and an import made by the CLI refreshes the
figures as one made in the app does.
"""
from __future__ import annotations

import atexit
import importlib
import os
import threading
import time
from contextlib import contextmanager

import streamlit as st

from metrics.store import db, seed
from metrics import queries
from metrics.errors import ReformError
from metrics.i18n import t
from metrics.model.profile import Profile, load_profile



# REFORM_AUTO_DEMO=0 keeps an empty database empty (tests of the empty state, or a
# production install that must never show invented figures)
AUTO_DEMO_ENV = "REFORM_AUTO_DEMO"


def db_key() -> str:
    return str(db.db_path())


def profile() -> Profile:
    return load_profile()


IDLE_SECONDS = float(os.environ.get("REFORM_DB_IDLE", "10"))
WANTED_IDLE = 0.2           # idle that long while another process waits: let go
POLL_SECONDS = 0.25
# a page waits this long for a command's final write (an import holds the store only for
# that: seconds), then says plainly that the store is busy and retries by itself
PAGE_WAIT = float(os.environ.get("REFORM_PAGE_WAIT", "2"))


class Store:
    """The root connection of one database file, opened on demand and closed when idle."""

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.con = None
        self.active = 0
        self.timer: threading.Timer | None = None
        self.idle_since = 0.0
        self.generation = 0         # a timer that fires after a newer one was armed does nothing

    def open(self) -> None:
        with self.lock:
            if self.con is None:
                self.con = db.connect(self.path, wait=PAGE_WAIT)

    @contextmanager
    def cursor(self):
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.con is None:
                self.con = db.connect(self.path, wait=PAGE_WAIT)   # waits for a CLI command to finish
            self.active += 1
            cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()
            with self.lock:
                self.active -= 1
                if self.active == 0:
                    self.idle_since = time.monotonic()
                    self._arm()

    def shut(self) -> None:
        """At interpreter exit: no timer left to run DuckDB's close in a dying thread (a
        daemon thread killed inside DuckDB's code aborts the process: "FATAL: exception not
        rethrown"), the connection closed here, in the main thread."""
        with self.lock:
            self.closing = True
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.con is not None:
                try:
                    self.con.close()
                except Exception:  # noqa: BLE001 - exiting anyway
                    pass
                self.con = None

    def _arm(self) -> None:
        if getattr(self, "closing", False):
            return
        self.generation += 1
        self.timer = threading.Timer(POLL_SECONDS, self._close_if_idle, args=(self.generation,))
        self.timer.daemon = True
        self.timer.start()

    def _close_if_idle(self, generation: int) -> None:
        with self.lock:
            if generation != self.generation or self.active or self.con is None:
                return
            self.timer = None
            idle = time.monotonic() - self.idle_since
            if idle >= IDLE_SECONDS or (idle >= WANTED_IDLE and db.someone_waits(self.path)):
                self.con.close()
                self.con = None
            else:
                self._arm()


_STORES: list[Store] = []


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    store = Store(path)
    _STORES.append(store)
    return store


@atexit.register
def _shut_stores() -> None:
    for store in _STORES:
        store.shut()


@st.cache_resource(show_spinner=False)
def _locks() -> dict[str, threading.Lock]:
    # one writer per process: imports, undos and the demo seed never interleave
    return {"write": threading.Lock()}


def write_lock() -> threading.Lock:
    return _locks()["write"]


def connection() -> Store:
    """The store itself, for work outside the script thread (a deferred download runs in
    another thread, where Streamlit's caches are not available): use its .cursor()."""
    return _store(db_key())


@contextmanager
def cursor(path: str | None = None):
    with _store(path or db_key()).cursor() as cur:
        yield cur


def store_free() -> bool:
    """Can the store be opened now (no command holds it)? For the busy page's retry."""
    try:
        with cursor() as cur:
            cur.execute("SELECT 1").fetchone()
        return True
    except ReformError:
        return False


@st.cache_data(show_spinner=False, max_entries=512)
def _call(path: str, version: tuple, module: str, name: str, args: tuple, kwargs: tuple):
    mod = importlib.import_module(f"metrics.{module}")
    with cursor(path) as cur:
        return getattr(mod, name)(cur, *args, **dict(kwargs))


def query(fn, *args, **kwargs):
    """A cached call of fn(con, *args, **kwargs), `fn` a function of metrics/
    (data.query(score.peer_ranking, start, end)): the function itself, so that a renamed or
    removed one fails where the page names it.

    Arguments must be hashable values (dates, strings, tuples); unit lists become tuples.
    """
    module = getattr(fn, "__module__", None) or ""
    if not module.startswith("metrics.") or getattr(importlib.import_module(module), fn.__name__, None) is not fn:
        raise TypeError(f"data.query takes a function of metrics/, not {fn!r}")
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()}
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    # the cache is keyed by the function's module and name (a function object is not a stable key)
    return _call(db_key(), data_version(), module.removeprefix("metrics."), fn.__name__, args,
                 tuple(sorted(kwargs.items())))


def rank_history(start, end):
    """metrics.rules.score.rank_history with each month cached on its own: a window moved by one
    month (a change of month on the overview) computes that month's ranking, not twelve
    (0.4 s of the 0.8 s a change took)."""
    from metrics.rules import score

    months = [p for p in query(queries.peer_periods) if start <= p <= end]
    return score.history_frame([query(score.rank_point, p) for p in months])


def data_version() -> tuple:
    """Changes whenever an import or an undo lands, from this process or the CLI; once per
    run (cheap: the import log is a few hundred rows)."""
    key = "_data_version"
    run = st.session_state.get("_run_no", 0)
    cached = st.session_state.get(key)
    if cached and cached[0] == run:
        return cached[1]
    with cursor() as cur:
        v = tuple(cur.execute("SELECT count(*), max(id), count(undone_at) FROM imports").fetchone())
    st.session_state[key] = (run, v)
    return v


def clear_caches() -> None:
    st.cache_data.clear()


def auto_demo() -> bool:
    return os.environ.get(AUTO_DEMO_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def ensure_ready(lang: str) -> bool:
    """Open the store (False, with a plain message, if it cannot be) and, on the very first
    run with an empty database, seed the demo data so a new user sees figures at once."""
    path = db_key()
    st.session_state["_run_no"] = st.session_state.get("_run_no", 0) + 1   # a new run: read the version again
    try:
        _store(path).open()
    except ReformError as exc:
        st.error(f"**{exc.title(lang)}**: {exc.text(lang)}")
        return False
    flag = f"_ready::{path}"
    if st.session_state.get(flag):
        return True
    if auto_demo():
        with cursor(path) as cur:
            empty = seed.is_empty(cur)
        if empty:
            from demo.seed import seed_demo

            # about half a minute: say what is happening, file by file
            with st.status(t("seeding_demo", lang), expanded=True) as box:
                with write_lock():
                    with cursor(path) as cur:
                        if seed.is_empty(cur):      # another session may have seeded meanwhile
                            try:
                                seed_demo(cur, profile(), progress=lambda msg: box.write(msg.strip()))
                            except ReformError as exc:
                                st.error(exc.text(lang))
                box.update(label=t("seeding_done", lang), state="complete", expanded=False)
            clear_caches()
    st.session_state[flag] = True
    return True


def periods() -> list:
    return query(queries.periods)


def as_of() -> dict:
    return query(queries.as_of)
