"""Seeding the built-in demo data: the generator's files go through the same importers as a
user's files. Idempotent: the generator is deterministic, so a second run finds every file
already imported (same SHA-256) and changes nothing."""
from __future__ import annotations

import tempfile
from pathlib import Path

from .importers.core import ImportResult, import_file
from .profile import Profile, load_profile


def seed_demo(con, profile: Profile | None = None, progress=None, out_dir: Path | None = None) -> list[ImportResult]:
    from .demo import generate

    profile = profile or load_profile()
    results = []
    with tempfile.TemporaryDirectory(prefix="reform-demo-") as tmp:
        files = generate(Path(out_dir or tmp), profile)
        for f in files:
            r = import_file(con, f, profile=profile, is_demo=True, user="demo")
            results.append(r)
            if progress:
                progress(f"  {f.name}: {r.status} ({r.kind}, {r.rows})")
    return results


def is_empty(con) -> bool:
    return con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
