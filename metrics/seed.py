"""Seeding the built-in demo data: the generator's files go through the same importers as a
user's files. Idempotent: the generator is deterministic, so a second run finds every file
already imported (same SHA-256) and changes nothing."""
from __future__ import annotations

import tempfile
from pathlib import Path

from .errors import DemoDataPresent
from .importers.core import ImportResult, import_file
from .profile import Profile, load_profile

# bump when the generator's output changes, so that an old demo database is re-seeded
DEMO_VERSION = "2"


def seed_demo(con, profile: Profile | None = None, progress=None, out_dir: Path | None = None) -> list[ImportResult]:
    from .demo import generate

    from .db import get_meta, set_meta

    profile = profile or load_profile()
    real = con.execute("SELECT count(*) FROM imports WHERE NOT is_demo AND status = 'active'").fetchone()[0]
    if real:
        raise DemoDataPresent(
            f"Cơ sở dữ liệu đã có {real} tệp số liệu thật: không thêm dữ liệu mẫu vào (hai loại không được lẫn). "
            "Hãy dùng một cơ sở dữ liệu khác cho dữ liệu mẫu (--db data/demo.duckdb).",
            f"The database holds {real} real file(s): the demo data is not added to it (the two never mix). "
            "Use another database for the demo (--db data/demo.duckdb).")
    marker = f"{profile.name}:{DEMO_VERSION}"
    active = con.execute("SELECT count(*) FROM imports WHERE is_demo AND status = 'active'").fetchone()[0]
    seeded = get_meta(con, "demo_seeded")
    if seeded and seeded.split("|")[0] == marker and str(active) == seeded.split("|")[1]:
        # every demo file is in and active: nothing to do, and no need to generate them again
        if progress:
            progress("  demo data already in place")
        return []
    results = []
    with tempfile.TemporaryDirectory(prefix="reform-demo-") as tmp:
        files = generate(Path(out_dir or tmp), profile)
        for f in files:
            r = import_file(con, f, profile=profile, is_demo=True, user="demo")
            results.append(r)
            if progress:
                progress(f"  {f.name}: {r.status} ({r.kind}, {r.rows})")
    active = con.execute("SELECT count(*) FROM imports WHERE is_demo AND status = 'active'").fetchone()[0]
    set_meta(con, "demo_seeded", f"{marker}|{active}")
    return results


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
    from .importers.core import undo_import

    ids = demo_imports(con)
    for import_id in ids:
        undo_import(con, import_id, user=user)
    if ids:
        set_meta(con, "demo_seeded", "")
        audit(con, user, "demo_removed", f"{len(ids)} demo files")
    return len(ids)


def is_empty(con) -> bool:
    return con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
