"""Accounts, roles, audit, backup and restore."""
from __future__ import annotations

import duckdb
import pytest

from metrics import auth
from metrics import db as dbm
from metrics.cli import main
from metrics.errors import InputError


@pytest.fixture
def con(tmp_path):
    c = dbm.connect(tmp_path / "a.duckdb")
    yield c
    c.close()


def test_passwords_are_scrypt_hashed_and_verified(con):
    auth.add_user(con, "lanh_dao", "leader", "mật-khẩu-dài")
    stored = con.execute("SELECT pw_hash FROM users WHERE name = 'lanh_dao'").fetchone()[0]
    assert stored.startswith("scrypt$") and "mật-khẩu-dài" not in stored
    assert auth.login(con, "lanh_dao", "mật-khẩu-dài").role == "leader"
    with pytest.raises(auth.AuthError):
        auth.login(con, "lanh_dao", "sai")
    with pytest.raises(auth.AuthError):
        auth.login(con, "khong_co", "sai")


def test_lock_after_repeated_failures(con):
    auth.add_user(con, "u1", "officer", "dung-mat-khau")
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.AuthError):
            auth.login(con, "u1", "sai")
    # locked: even the right password is refused for a while
    with pytest.raises(auth.AuthError) as e:
        auth.login(con, "u1", "dung-mat-khau")
    assert "khóa" in e.value.vi


def test_first_start_creates_admin_once(con):
    pw = auth.ensure_admin(con)
    assert pw and len(pw) >= 12
    assert auth.ensure_admin(con) is None
    assert auth.login(con, "admin", pw).role == "admin"


def test_roles_and_unit_scope(con):
    from metrics.profile import load_profile

    p = load_profile()
    with pytest.raises(InputError):
        auth.add_user(con, "xa", "unit", "mat-khau-xa-1")  # a unit account needs its unit
    u = auth.add_user(con, "xa", "unit", "mat-khau-xa-1", unit_code="21961")
    assert u.allowed_units(p) == ["21961"] and not u.can("see_all_units") and not u.can("see_officials")
    leader = auth.User("ld", "leader")
    assert leader.allowed_units(p) == p.unit_codes and leader.can("see_officials") and not leader.can("import")


def test_audit_records_logins_imports_and_user_changes(tmp_path, con):
    from metrics.importers.core import import_file, undo_import
    from tests import fixture_month as fm

    auth.add_user(con, "cb", "officer", "mat-khau-cb-1", by="admin")
    with pytest.raises(auth.AuthError):
        auth.login(con, "cb", "sai")
    auth.login(con, "cb", "mat-khau-cb-1")
    r = import_file(con, fm.write_csv(tmp_path / "d.csv"), user="cb")
    undo_import(con, r.import_id, user="cb")
    auth.remove_user(con, "cb", by="admin")
    actions = list(reversed(auth.audit_log(con).action))
    assert actions == ["user_add", "login_failed", "login", "import", "undo", "user_remove"]


def test_cli_users_and_backup_restore(tmp_path, capsys, monkeypatch):
    import io

    from tests import fixture_month as fm

    db = tmp_path / "c.duckdb"
    monkeypatch.setenv("REFORM_DB", str(db))
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai-9\n"))
    assert main(["users", "add", "xa1", "--role", "unit", "--unit", "21961", "--password-stdin"]) == 0
    assert main(["users", "list", "--format", "csv"]) == 0
    assert "xa1,unit,21961" in capsys.readouterr().out
    assert main(["import", str(fm.write_csv(tmp_path / "d.csv"))]) == 0
    assert main(["backup", str(tmp_path / "bk.duckdb")]) == 0
    assert main(["undo", "1"]) == 0
    assert main(["restore", str(tmp_path / "bk.duckdb")]) == 0
    capsys.readouterr()
    assert main(["kpis", "--period", "2022-08", "--unit", "TP", "--format", "csv"]) == 0
    assert "\n2022-08,TP," in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "d.csv")]) == 2  # not a backup: refused
    assert main(["users", "remove", "xa1"]) == 0


def test_sessions_survive_a_reload_and_die_with_the_account(con):
    u = auth.add_user(con, "ld", "leader", "mat-khau-ld-1")
    token = auth.open_session(con, u)
    stored = con.execute("SELECT token_hash FROM sessions").fetchone()[0]
    assert token not in stored                       # only the hash is kept
    assert auth.resume_session(con, token) == u
    assert auth.resume_session(con, token + "x") is None
    auth.remove_user(con, "ld")
    assert auth.resume_session(con, token) is None


def test_expired_session_is_refused(con, monkeypatch):
    from datetime import timedelta

    from metrics import clock

    u = auth.add_user(con, "ld2", "leader", "mat-khau-ld-2")
    token = auth.open_session(con, u)
    later = clock.now() + timedelta(hours=auth.SESSION_HOURS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert auth.resume_session(con, token) is None


def test_restore_holds_the_file_until_it_is_replaced(tmp_path, monkeypatch):
    # no gap in which another process (a dashboard) could open the file about to be replaced
    import subprocess
    import sys

    from metrics import backup
    from tests import fixture_month as fm

    db_file = tmp_path / "r.duckdb"
    monkeypatch.setenv("REFORM_DB", str(db_file))
    assert main(["import", str(fm.write_csv(tmp_path / "d.csv"))]) == 0
    assert main(["backup", str(tmp_path / "bk.duckdb")]) == 0
    assert main(["undo", "1"]) == 0
    real, seen = backup.restore, []

    def restore_while_probing(source, target):
        probe = "import duckdb, sys\ntry:\n    duckdb.connect(sys.argv[1]).close()\nexcept duckdb.IOException as e:\n" \
                "    print('lock' in str(e).lower())\nelse:\n    print('opened')"
        seen.append(subprocess.run([sys.executable, "-c", probe, str(target)], capture_output=True,
                                   text=True, timeout=60).stdout.strip())
        return real(source, target)

    monkeypatch.setattr(backup, "restore", restore_while_probing)
    assert main(["restore", str(tmp_path / "bk.duckdb")]) == 0
    assert seen == ["True"]                       # the other process found the file locked
    [kept] = tmp_path.glob("r.duckdb.before-restore-*")
    assert not list(tmp_path.glob("*.wal"))        # no WAL left beside either file
    with duckdb.connect(str(kept), read_only=True) as c:     # the replaced file: the undone import
        assert c.execute("SELECT status FROM imports").fetchall() == [("undone",)]
    with duckdb.connect(str(db_file), read_only=True) as c:  # the restored one: active again
        assert c.execute("SELECT status FROM imports").fetchall() == [("active",)]
