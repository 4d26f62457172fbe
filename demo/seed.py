"""Seeding the built-in demo data: the story's files (story.py) go through the same importers as
a user's files. Idempotent: the story is deterministic, so a second run finds every file
already imported (same SHA-256) and changes nothing."""
from __future__ import annotations

import tempfile
from pathlib import Path

from metrics.errors import DemoDataPresent
from metrics.importers.core import ImportResult, import_file
from metrics.model.profile import Profile, load_profile

from .story import generate

# bump when the generator's output changes, so that an old demo database is re-seeded
DEMO_VERSION = "2"


def seed_demo(con, profile: Profile | None = None, progress=None, out_dir: Path | None = None) -> list[ImportResult]:
    from metrics.store.db import get_meta, set_meta

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
