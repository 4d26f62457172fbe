"""Accounts, roles, audit, backup and restore."""
from __future__ import annotations

import duckdb
import pytest

from metrics.store import auth
from metrics.cli import main
from metrics.errors import InputError


def test_passwords_are_scrypt_hashed_and_verified(con):
    auth.add_user(con, "lanh_dao", "leader", "mật-khẩu-dài")
    stored = con.execute("SELECT pw_hash FROM users WHERE name = 'lanh_dao'").fetchone()[0]
    assert stored.startswith("scrypt$") and "mật-khẩu-dài" not in stored
    assert auth.login(con, "lanh_dao", "mật-khẩu-dài").role == "leader"
    with pytest.raises(auth.AuthError):
        auth.login(con, "lanh_dao", "sai")
    with pytest.raises(auth.AuthError):
        auth.login(con, "khong_co", "sai")


def test_failures_slow_the_failing_client_and_never_lock_the_account(con, monkeypatch):
    from datetime import datetime, timedelta

    from metrics import clock

    now = [datetime(2022, 9, 5, 8, 0, 0)]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    auth.add_user(con, "chutich", "leader", "mat-khau-chu-tich")
    auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.5")     # the chairman's own machine
    # thirty wrong passwords from one client, each as soon as it is allowed
    wrong = refused_fast = 0
    while wrong < 30:
        try:
            auth.login(con, "chutich", "doan-mo", client="10.0.0.66")
        except auth.AuthError as exc:
            if exc.retry_after:
                refused_fast += 1
                now[0] += timedelta(seconds=exc.retry_after)
            else:
                wrong += 1
    # every try after the third failure had to wait (from the tenth on, also for the name)
    assert refused_fast >= 30 - auth.FREE_FAILURES
    # the delay grows 2, 4, 8, 16 s and stays at 30 s
    assert [auth.throttle_delay(n) for n in (1, 2, 3, 4, 5, 6, 7, 30)] == [0, 0, 2, 4, 8, 16, 30, 30]
    # the chairman, from another machine, is not slowed at all
    assert auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.5").role == "leader"
    # from the attacker's machine the right password waits (at most the name's ceiling)
    with pytest.raises(auth.AuthError) as e:
        auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.66")
    assert 0 < e.value.retry_after <= auth.NAME_MAX_DELAY
    now[0] += timedelta(seconds=auth.NAME_MAX_DELAY)
    assert auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.66").name == "chutich"
    # failures and delays are in the audit log
    actions = [a for a, in con.execute("SELECT action FROM audit WHERE user_name = 'chutich'").fetchall()]
    assert "login_failed" in actions and "login_throttled" in actions


def test_a_name_guessed_at_from_new_addresses_is_slowed_but_its_owner_is_not(con, monkeypatch):
    from datetime import datetime, timedelta

    from metrics import clock

    now = [datetime(2022, 9, 5, 8, 0, 0)]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    auth.add_user(con, "chutich", "leader", "mat-khau-chu-tich")
    auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.5")
    # a new address for every try escapes the per-client delay; the name's own counts
    failures, waits = 0, []
    for i in range(200):
        if failures == 20:
            break
        try:
            auth.login(con, "chutich", "doan-mo", client=f"203.0.113.{i}")
        except auth.AuthError as exc:
            if exc.retry_after:
                waits.append(exc.retry_after)
                now[0] += timedelta(seconds=exc.retry_after)
            else:
                failures += 1
    # ten free tries, then 2, 4 … seconds before each next one, at most five minutes
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256] + [auth.NAME_MAX_DELAY] * 2
    # the chairman's own machine is not slowed; a new machine of theirs waits at most the ceiling
    assert auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.5").role == "leader"
    with pytest.raises(auth.AuthError) as e:
        auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.9")
    assert 0 < e.value.retry_after <= auth.NAME_MAX_DELAY
    auth.unlock(con, "chutich", by="admin")                         # or the administrator lifts it
    assert auth.login(con, "chutich", "mat-khau-chu-tich", client="10.0.0.9").role == "leader"


def test_an_unknown_name_costs_one_password_check(con, monkeypatch):
    calls = []
    real = auth.hashlib.scrypt
    monkeypatch.setattr(auth.hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        with pytest.raises(auth.AuthError):
            auth.login(con, "khong-co-ai", "sai-mat-khau")
    assert len(calls) <= 3 + 1        # one check per try (the stand-in hash made once)


def test_an_administrator_lifts_a_delay(con):
    auth.add_user(con, "u1", "officer", "dung-mat-khau")
    for _ in range(4):
        with pytest.raises(auth.AuthError):
            auth.login(con, "u1", "sai", client="c1")
    with pytest.raises(auth.AuthError) as e:
        auth.login(con, "u1", "dung-mat-khau", client="c1")
    assert e.value.retry_after
    assert auth.unlock(con, "u1", by="admin") == 1
    assert auth.login(con, "u1", "dung-mat-khau", client="c1").name == "u1"
    assert con.execute("SELECT detail FROM audit WHERE action = 'unlock'").fetchone()[0] == "u1: 1 client(s)"


def test_first_start_creates_admin_once(con):
    pw = auth.ensure_admin(con)
    assert pw and len(pw) >= 12
    assert auth.ensure_admin(con) is None
    assert auth.login(con, "admin", pw).role == "admin"


def test_roles_and_unit_scope(con):
    from metrics.model.profile import load_profile

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

    from metrics.store import backup
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


def test_a_clients_failures_are_forgotten_a_day_after_it_stopped(con, monkeypatch):
    from datetime import datetime, timedelta

    from metrics import clock

    now = [datetime(2022, 9, 5, 8, 0, 0)]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    auth.add_user(con, "vanthu", "officer", "mat-khau-van-thu")
    for client in ("10.0.0.7", "10.0.0.8"):
        for _ in range(2):                        # under the free failures: no wait asked yet
            with pytest.raises(auth.AuthError):
                auth.login(con, "vanthu", "sai", client=client)
    assert con.execute("SELECT count(*) FROM login_throttle").fetchone()[0] == 2
    # the third failure of the same client an hour later still counts: it waits
    now[0] += timedelta(hours=1)
    with pytest.raises(auth.AuthError):
        auth.login(con, "vanthu", "sai", client="10.0.0.7")
    assert con.execute("SELECT failures FROM login_throttle WHERE client = '10.0.0.7'").fetchone()[0] == 3
    # a day and more later both rows are gone: the table does not keep every address ever tried
    now[0] += auth.THROTTLE_FORGET + timedelta(minutes=1)
    assert auth.login(con, "vanthu", "mat-khau-van-thu", client="10.0.0.9").name == "vanthu"
    assert con.execute("SELECT count(*) FROM login_throttle").fetchone()[0] == 0
