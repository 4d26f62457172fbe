"""Seeding the built-in demo data: the generator's files go through the same importers as a
user's files. Idempotent: the generator is deterministic, so a second run finds every file
already imported (same SHA-256) and changes nothing."""
from __future__ import annotations

import tempfile
from pathlib import Path

from .importers.core import ImportResult, import_file
from .profile import Profile, load_profile

# bump when the generator's output changes, so that an old demo database is re-seeded
DEMO_VERSION = "2"


def seed_demo(con, profile: Profile | None = None, progress=None, out_dir: Path | None = None) -> list[ImportResult]:
    from .demo import generate

    from .db import get_meta, set_meta

    profile = profile or load_profile()
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


def is_empty(con) -> bool:
    return con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
