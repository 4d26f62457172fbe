"""A database written by an earlier release opens with this one (tests/data/releases).

Each release's file was written by that release's own code from tests/sample_files.py and
never regenerated. Opened with today's code it must keep its figures (the counters the old
release stored equal those this release computes, and those of a fresh store built from the
same files), its accounts, commitments and events, and take new imports.
"""
from __future__ import annotations

import csv
import gzip
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics.store import auth, backup, db, notes
from metrics import queries
from metrics.errors import ConfigError
from metrics.importers.core import import_file
from metrics.model.kpis import COUNTER_NAMES

RELEASES = Path(__file__).parent / "data" / "releases"
RELEASE_FILES = sorted(RELEASES.glob("*.duckdb.gz"))
ROOT = Path(__file__).resolve().parent.parent


def unpack(gz: Path, tmp: Path) -> Path:
    out = tmp / gz.name.removesuffix(".gz")
    with gzip.open(gz, "rb") as src, out.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def stored_counters(path: Path) -> dict[tuple, tuple]:
    """What the old release itself stored, read without today's code touching the file."""
    c = duckdb.connect(str(path), read_only=True)
    try:
        cols = [r[0] for r in c.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = 'dossier_counters' ORDER BY ordinal_position")
                .fetchall()]
        names = [n for n in cols if n not in ("unit_code", "period")]
        rows = c.execute(f"SELECT unit_code, period, {', '.join(names)} FROM dossier_counters").fetchall()
    finally:
        c.close()
    return {(r[0], r[1]): dict(zip(names, r[2:])) for r in rows}


def counters_now(con) -> dict[tuple, dict]:
    rows = con.execute(f"SELECT unit_code, period, {', '.join(COUNTER_NAMES)} FROM dossier_counters").fetchall()
    return {(r[0], r[1]): dict(zip(COUNTER_NAMES, r[2:])) for r in rows}


# three dossiers at Xã Phước An (21985), a unit the old store has no dossier for, in 12/2022:
# D1 online, finished 5/12 before its due 8/12 (early); D2 in person, finished 20/12 after its
# due 15/12 (late); D3 in person, pending at month end, due 28/12 (overdue at 31/12)
NEW_DOSSIERS = [
    ["Mã hồ sơ", "Đơn vị", "Tên TTHC", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"],
    ["UPG-1", "Xã Phước An", "Đăng ký khai sinh", "Trực tuyến", "01/12/2022", "08/12/2022", "05/12/2022"],
    ["UPG-2", "Xã Phước An", "Đăng ký kết hôn", "Trực tiếp", "02/12/2022", "15/12/2022", "20/12/2022"],
    ["UPG-3", "Xã Phước An", "Trích lục hộ tịch", "Trực tiếp", "10/12/2022", "28/12/2022", ""],
]
NEW_EXPECTED = dict(received_total=3, received_online=1, received_direct=2, received_post=0, carried_over=0,
                    resolved=2, resolved_early=1, resolved_on_time=0, resolved_late=1, pending=1,
                    pending_in_time=0, pending_overdue=1)


def write_new_dossiers(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(NEW_DOSSIERS)
    return path


def test_there_is_a_file_for_the_first_release():
    assert any(f.name.startswith("2026-12-06_bdbd0ad") for f in RELEASE_FILES)


@pytest.fixture(params=RELEASE_FILES, ids=lambda p: p.name.split(".")[0])
def old_db(request, tmp_path) -> Path:
    return unpack(request.param, tmp_path)


def test_an_old_database_keeps_its_figures(old_db, tmp_path):
    before = stored_counters(old_db)
    assert before, "the release file holds counters"
    con = db.connect(old_db)
    try:
        after = counters_now(con)
        assert set(after) == set(before)
        for key, old in before.items():
            for name, value in old.items():
                assert after[key][name] == value, (key, name, after[key][name], value)
        old_kpis = queries.kpi_table(con, date(2022, 8, 1), units=None, include_total=True)
    finally:
        con.close()

    # the same files imported by today's code into a new store give the same figures
    from tests.sample_files import build_sample_db
    fresh = build_sample_db(tmp_path / "fresh.duckdb", tmp_path / "files")
    con = db.connect(fresh)
    try:
        fresh_counters = counters_now(con)
        new_kpis = queries.kpi_table(con, date(2022, 8, 1), units=None, include_total=True)
    finally:
        con.close()
    assert set(fresh_counters) == set(after)
    for key, now in fresh_counters.items():
        for name in before[key]:
            assert after[key][name] == now[name], (key, name)
    cols = ["unit_code"] + [c for c in COUNTER_NAMES if c in old_kpis.columns]
    assert old_kpis[cols].astype(object).fillna(-1).values.tolist() == \
        new_kpis[cols].astype(object).fillna(-1).values.tolist()


def test_an_old_database_keeps_accounts_notes_and_takes_a_new_import(old_db, tmp_path):
    con = db.connect(old_db)
    try:
        assert auth.login(con, "admin", "mat-khau-quan-tri-2026").role == "admin"
        unit_user = auth.login(con, "phuochung", "mat-khau-xa-phuoc-hung")
        assert (unit_user.role, unit_user.unit_code) == ("unit", "21961")
        with pytest.raises(Exception):
            auth.login(con, "admin", "wrong password")
        texts = notes.commitments(con, date(2022, 10, 1), ["21961"]).text.tolist()
        assert texts == ["Không còn hồ sơ trễ hạn"]
        events = notes.annotations(con, date(2022, 9, 1), date(2022, 9, 30))
        assert events.text.tolist() == ["Ra mắt bộ phận một cửa hiện đại"]

        r = import_file(con, write_new_dossiers(tmp_path / "thang12.csv"), user="admin")
        assert r.status == "imported" and r.rows == 3
        row = con.execute(f"SELECT {', '.join(NEW_EXPECTED)} FROM dossier_counters "
                          "WHERE unit_code = '21985' AND period = DATE '2022-12-01'").fetchone()
        assert dict(zip(NEW_EXPECTED, row)) == NEW_EXPECTED
    finally:
        con.close()


def test_an_old_backup_restores_and_opens(old_db, tmp_path):
    live = tmp_path / "live.duckdb"
    db.connect(live).close()
    assert backup.check_backup(old_db) >= 1
    kept = backup.restore(old_db, live)
    assert kept.exists()
    con = db.connect(live)
    try:
        assert con.execute("SELECT count(*) FROM users").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0] > 0
        # and a backup taken now of the upgraded file restores again
        again = backup.backup(con, tmp_path / "again.duckdb")
    finally:
        con.close()
    assert backup.check_backup(again) >= 1


def test_a_database_from_a_newer_release_is_refused_untouched(tmp_path):
    path = tmp_path / "future.duckdb"
    db.connect(path).close()
    c = duckdb.connect(str(path))
    c.execute("INSERT INTO schema_version VALUES (999, now())")
    c.close()
    size = path.stat().st_size
    with pytest.raises(ConfigError, match="newer release|mới hơn"):
        db.connect(path)
    assert path.stat().st_size == size


def test_a_new_counter_is_one_registry_entry_and_an_old_database_takes_it(old_db, tmp_path):
    """A scratch copy of the engine with one Counter added to the registry (and nothing
    else) imports into the old database and reports the new counter."""
    scratch = tmp_path / "scratch"
    shutil.copytree(ROOT / "metrics", scratch / "metrics",
                    ignore=shutil.ignore_patterns("__pycache__"))
    kpis_py = scratch / "metrics" / "model" / "kpis.py"
    text = kpis_py.read_text(encoding="utf-8")
    anchor = "COUNTER_NAMES = [c.name for c in COUNTERS]"
    assert text.count(anchor) == 1
    entry = ('COUNTERS.append(Counter("resolved_online", "Đã giải quyết (trực tuyến)", '
             '"Resolved (online)", RESOLVED, "d.channel = 2"))\n')
    kpis_py.write_text(text.replace(anchor, entry + anchor), encoding="utf-8")

    env = dict(os.environ, PYTHONPATH=str(scratch), REFORM_DB=str(old_db))
    new = write_new_dossiers(tmp_path / "thang12.csv")

    def run(*args):
        p = subprocess.run([sys.executable, "-m", "metrics", *args], cwd=scratch, env=env,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return p.stdout

    run("import", str(new))
    rows = list(csv.DictReader(run("kpis", "--period", "2022-12", "--unit", "21985", "--format", "csv")
                               .splitlines()))
    assert len(rows) == 1
    # of the three dossiers, one online dossier was resolved in 12/2022 (UPG-1)
    assert rows[0]["resolved_online"] == "1"
    assert rows[0]["resolved"] == "2"


def test_an_upgrade_cut_short_is_finished_at_the_next_open(old_db, monkeypatch):
    # the counters' rebuild fails once (a crash, a full disk): nothing of the upgrade stays, so
    # the next open adds the columns again and fills them; before, the columns stayed and
    # resolved_in_time (the on-time rate's numerator) was unknown for good
    from metrics.model import counters

    real = counters.rebuild

    def fails(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(counters, "rebuild", fails)
    with pytest.raises(RuntimeError):
        db.connect(old_db)
    monkeypatch.setattr(counters, "rebuild", real)
    con = db.connect(old_db)
    try:
        unknown, resolved = con.execute("SELECT count(*) FILTER (WHERE resolved_in_time IS NULL), "
                                        "count(*) FROM dossier_counters").fetchone()
        assert resolved > 0 and unknown == 0
        early_on_time = con.execute("SELECT sum(resolved_early + resolved_on_time), sum(resolved_in_time) "
                                    "FROM dossier_counters").fetchone()
        assert early_on_time[0] == early_on_time[1]
    finally:
        con.close()


def test_a_read_only_open_of_an_old_database_says_to_upgrade(old_db):
    with pytest.raises(ConfigError, match="older release|cũ hơn"):
        db.connect(old_db, read_only=True)
    db.connect(old_db).close()                       # one writable open upgrades it
    db.connect(old_db, read_only=True).close()


def test_a_counter_whose_definition_changed_is_recomputed_at_the_next_open(tmp_path):
    # the store records what the registry's counters count; counts made by another definition
    # (here: a stored count spoiled and the record of an older registry) are made again
    from tests import fixture_month as fm

    path = tmp_path / "c.duckdb"
    con = db.connect(path)
    try:
        import_file(con, fm.write_csv(tmp_path / "a.csv"))
        right = con.execute("SELECT sum(received_total), sum(resolved_late) FROM dossier_counters").fetchone()
        assert con.execute("SELECT value FROM meta WHERE key = 'counter_definitions'").fetchone()[0] == \
            db.counter_fingerprint()
        con.execute("UPDATE dossier_counters SET received_total = received_total + 100, resolved_late = 0")
        con.execute("UPDATE meta SET value = 'an older registry' WHERE key = 'counter_definitions'")
    finally:
        con.close()
    con = db.connect(path)
    try:
        assert con.execute("SELECT sum(received_total), sum(resolved_late) FROM dossier_counters").fetchone() == right
    finally:
        con.close()


def test_an_open_of_a_settled_database_skips_the_checks_and_any_change_takes_them(tmp_path, monkeypatch):
    """A store as this release and this profile left it is opened without its migrations and
    syncs (db._settled: one query); a store an older release wrote, an edited profile or a
    registry that counts otherwise takes them all, and is settled after."""
    from dataclasses import replace

    from metrics.model.profile import load_profile

    calls = []
    for name in ("_apply_migrations", "sync_profile", "sync_counter_columns"):
        real = getattr(db, name)
        monkeypatch.setattr(db, name, lambda *a, real=real, name=name: calls.append(name) or real(*a))
    profile = load_profile()
    path = tmp_path / "s.duckdb"
    db.connect(path, profile).close()
    assert calls == ["_apply_migrations", "sync_profile", "sync_counter_columns"]      # a new file
    calls.clear()
    db.connect(path, profile).close()
    assert calls == []
    # the profile edited: a unit renamed
    renamed = replace(profile, units=[replace(profile.units[0], name="Xã Đổi Tên")] + list(profile.units[1:]))
    con = db.connect(path, renamed)
    try:
        assert calls == ["_apply_migrations", "sync_profile", "sync_counter_columns"]
        assert con.execute("SELECT name FROM units WHERE code = ?", [profile.units[0].code]).fetchone()[0] == \
            "Xã Đổi Tên"
    finally:
        con.close()
    calls.clear()
    db.connect(path, renamed).close()
    assert calls == []
    # the release before this one, opened with another profile, rewrites the units table
    # without recording it: the record no longer matches the table
    c = duckdb.connect(str(path))
    c.execute("UPDATE units SET name = 'Tên của hồ sơ cấu hình khác' WHERE code = ?", [profile.units[1].code])
    c.close()
    con = db.connect(path, renamed)
    try:
        assert calls == ["_apply_migrations", "sync_profile", "sync_counter_columns"]
        assert con.execute("SELECT name FROM units WHERE code = ?", [profile.units[1].code]).fetchone()[0] == \
            profile.units[1].name
    finally:
        con.close()
    calls.clear()
    # the registry counts otherwise
    monkeypatch.setattr(db, "counter_fingerprint", lambda: "another registry")
    db.connect(path, renamed).close()
    assert calls == ["_apply_migrations", "sync_profile", "sync_counter_columns"]


def test_an_old_database_is_settled_after_its_first_open(old_db):
    con = duckdb.connect(str(old_db), read_only=True)
    try:
        # an earlier release's file: no record of the profile it mirrors
        assert con.execute("SELECT count(*) FROM meta WHERE key = 'profile_fingerprint'").fetchone()[0] == 0
    finally:
        con.close()
    from metrics.model.profile import load_profile

    profile = load_profile()
    con = db.connect(old_db, profile)
    try:
        assert db._settled(con, profile)
        assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(db.MIGRATIONS)
    finally:
        con.close()
