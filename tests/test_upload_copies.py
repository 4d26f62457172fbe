"""Copies of uploaded files (personal data included) do not outlive their use: a batch left in
an uploader of a session that never comes back, or of a server that stopped, is removed by the
next session's visit to the import page; a session that does come back gets its copies again."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests import real_exports as rx
from tests.test_pages import _app_like_a_running_server, assert_clean, open_app  # noqa: F401 (autouse)
from ui import upload_copies as uc


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _name(pid: int, tail: str, machine: str | None = None) -> str:
    return f"{uc.PREFIX}{machine or uc._machine()}-{pid}-{tail}"


def _folder(base: Path, name: str, age: float = 0.0) -> Path:
    d = base / name
    d.mkdir()
    (d / "ho_so.csv").write_text("Mã hồ sơ,Người nộp\n1,Nguyễn Văn A\n", encoding="utf-8")
    t = time.time() - age
    os.utime(d, (t, t))
    return d


OLD = uc.KEEP_SECONDS + 60


def test_a_stopped_servers_copies_go_at_once_and_a_live_ones_after_an_hour(tmp_path):
    dead = _folder(tmp_path, _name(_dead_pid(), "abc123"))
    fresh = _folder(tmp_path, _name(os.getpid(), "fresh1"))
    stale = _folder(tmp_path, _name(os.getpid(), "stale1"), age=OLD)
    # another machine's server sharing the folder: its process ids mean nothing here
    elsewhere = _folder(tmp_path, _name(_dead_pid(), "other1", machine="0123abcd"))
    elsewhere_old = _folder(tmp_path, _name(_dead_pid(), "other2", machine="0123abcd"), age=OLD)
    earlier_release_old = _folder(tmp_path, f"{uc.PREFIX}k2j4_x9q", age=OLD)
    earlier_release_new = _folder(tmp_path, f"{uc.PREFIX}m3n5_z0w")
    other = _folder(tmp_path, "reform-uploads-of-someone-else", age=10 * uc.KEEP_SECONDS)
    cut_short = _folder(tmp_path, f".{_name(os.getpid(), 'cut001')}.removing")
    removed = uc.sweep(tmp_path)
    gone = (dead, stale, elsewhere_old, earlier_release_old, cut_short)
    assert sorted(removed) == sorted(p.name for p in gone)
    assert not any(p.exists() for p in gone)
    assert fresh.exists() and elsewhere.exists() and earlier_release_new.exists() and other.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".removing")] == []


def test_the_calling_sessions_folder_and_what_is_not_this_accounts_folder_are_spared(tmp_path, monkeypatch):
    mine = _folder(tmp_path, _name(os.getpid(), "mine01"), age=OLD)
    a_file = tmp_path / _name(_dead_pid(), "afile1")
    a_file.write_text("x")
    target = _folder(tmp_path, "kept")
    link = tmp_path / _name(_dead_pid(), "link01")
    link.symlink_to(target)
    assert uc.sweep(tmp_path, spare=mine) == []
    assert mine.exists() and a_file.exists() and (target / "ho_so.csv").exists()
    # another account's folder (the temp folder is everyone's): never touched
    theirs = _folder(tmp_path, _name(_dead_pid(), "their1"), age=OLD)
    real_uid = os.getuid()
    monkeypatch.setattr(uc.os, "getuid", lambda: real_uid + 1)
    assert uc.sweep(tmp_path) == [] and theirs.exists()


def test_a_folder_touched_while_it_is_swept_is_given_back(tmp_path, monkeypatch):
    folder = _folder(tmp_path, _name(os.getpid(), "busy01"), age=OLD)
    real_rename = os.rename

    def rename_then_touched(src, dst):
        real_rename(src, dst)
        if str(dst).endswith(".removing"):
            os.utime(dst)                     # the session's copy_of, at that very moment

    monkeypatch.setattr(uc.os, "rename", rename_then_touched)
    assert uc.sweep(tmp_path) == []
    assert (folder / "ho_so.csv").exists()


def test_copies_are_private_and_never_written_through_a_link(tmp_path):
    folder = uc.new_folder(tmp_path)
    assert folder.name.startswith(f"{uc.PREFIX}{uc._machine()}-{os.getpid()}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    p = uc.copy_of(folder, "a.csv", b"1,2\n")
    assert p.read_bytes() == b"1,2\n" and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert uc.copy_of(folder, "a.csv", b"changed") == p and p.read_bytes() == b"1,2\n"
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_bytes(b"keep")
    (folder / "b.csv").symlink_to(elsewhere)
    uc.copy_of(folder, "b.csv", b"over")      # exists (as a link): not written through it
    assert elsewhere.read_bytes() == b"keep"
    t = time.time() - 2 * uc.KEEP_SECONDS
    os.utime(folder, (t, t))
    uc.copy_of(folder, "a.csv", b"1,2\n")
    assert time.time() - folder.stat().st_mtime < 60          # marked as in use
    assert uc.sweep(tmp_path) == []


def test_the_sweep_runs_once_a_minute_and_a_failing_one_stays_off_the_page(monkeypatch, caplog):
    calls = []

    def failing(**kw):
        calls.append(kw)
        raise OverflowError("pid out of range")

    monkeypatch.setattr(uc, "sweep", failing)
    monkeypatch.setattr(uc, "_last_sweep", [0.0])
    uc.sweep_now_and_then()
    uc.sweep_now_and_then()
    assert len(calls) == 1
    assert "sweeping left upload copies failed" in caplog.text


def test_the_page_sweeps_and_a_session_whose_copies_were_swept_still_imports(monkeypatch, empty_db, copy_db,
                                                                            tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(uc, "_last_sweep", [0.0])
    left = _folder(tmp_path, _name(_dead_pid(), "left01"))
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    assert not left.exists()                                     # the app swept it
    f = rx.one_stop_list(tmp_path / "danh_sach", "csv")
    at.get("file_uploader")[0].set_value([(f.name, f.read_bytes(), "application/octet-stream")]).run()
    assert_clean(at)
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Sẵn sàng nhập"
    first = Path(at.session_state["_import_tmp"])
    assert first.parent == tmp_path and [p.suffix for p in first.iterdir()] == [".csv"]
    # the tab left for hours; another session's visit swept this one's copies
    t = time.time() - 2 * uc.KEEP_SECONDS
    os.utime(first, (t, t))
    assert uc.sweep(tmp_path) == [first.name]
    at.run()                                                     # the user comes back
    assert_clean(at)
    # written again in a new private folder, not by the old name (anyone could have taken it)
    second = Path(at.session_state["_import_tmp"])
    assert second != first and not first.exists() and stat.S_IMODE(second.stat().st_mode) == 0o700
    assert [p.suffix for p in second.iterdir()] == [".csv"]
    at.button(key="import-confirm").click().run()
    assert_clean(at)
    assert any("Đã nhập" in s.value for s in at.success)
    con = duckdb.connect(str(db_path))
    try:
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] > 0
    finally:
        con.close()
    # gone once imported
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(uc.PREFIX)] == []
