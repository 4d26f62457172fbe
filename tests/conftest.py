"""Shared fixtures: database files built once per test session.

- `sample_db`: a small store from generated files (tests/sample_files.py): 14 months of
  dossiers at six units, one II.06a report, four months of peer figures. Built in a second.
- `demo_db`: the built-in demo data (demo/story.py, through demo/seed.py like a new user's
  first run).
- `empty_db`: a migrated store with nothing imported.

All three are closed files: tests open them (or point REFORM_DB at them) as they need.
A test that writes must work on a copy (`copy_db`). `con` is an open, new, empty store of
the test's own.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    from tests.sample_files import build_sample_db

    base = tmp_path_factory.mktemp("sample")
    return build_sample_db(base / "sample.duckdb", base / "files")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, sample_db) -> Path:
    from demo.seed import seed_demo
    from metrics.store import db

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = db.connect(path)
    try:
        seed_demo(con)
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    from metrics.store import db

    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    db.connect(path).close()
    return path


@pytest.fixture
def copy_db(tmp_path):
    """copy_db(path) -> a private copy of a session database, safe to write to."""
    def _copy(src: Path) -> Path:
        dst = tmp_path / Path(src).name
        shutil.copy(src, dst)
        wal = Path(str(src) + ".wal")
        if wal.exists():
            shutil.copy(wal, Path(str(dst) + ".wal"))
        return dst
    return _copy


@pytest.fixture
def con(tmp_path):
    """A new, empty store of this test's own (a module may give its own `con`: a store with
    a fixture month already in it, for instance)."""
    from metrics.store import db

    c = db.connect(tmp_path / "store.duckdb")
    yield c
    c.close()

