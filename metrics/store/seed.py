"""The demo data in a store: which imports are the demo's, taking them all out in one step, and
whether a store is empty. (Making and seeding the demo is the demo package's: demo/.)"""
from __future__ import annotations


def demo_imports(con) -> list[int]:
    """The active demo imports, newest first."""
    return [r[0] for r in con.execute("SELECT id FROM imports WHERE is_demo AND status = 'active' "
                                      "ORDER BY id DESC").fetchall()]


def remove_demo(con, user: str | None = None) -> int:
    """Take every demo file out in one step (each import undone: its rows deleted, the
    import log keeps the line), so that real data starts from a clean store. Returns the
    number of files removed."""
    from .auth import audit
    from .db import set_meta
    from ..importers.core import undo_import

    ids = demo_imports(con)
    for import_id in ids:
        undo_import(con, import_id, user=user)
    if ids:
        set_meta(con, "demo_seeded", "")
        audit(con, user, "demo_removed", f"{len(ids)} demo files")
    return len(ids)


def is_empty(con) -> bool:
    return con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
