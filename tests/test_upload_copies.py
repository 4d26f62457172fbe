"""Copies of uploaded files (personal data included) do not outlive their use: a batch left in
an uploader of a session that never comes back, or of a server that stopped, is removed by the
next session's visit to the import page; a session that does come back gets its copies again."""
from __future__ import annotations

import os
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


def _folder(base: Path, name: str, age: float = 0.0) -> Path:
    d = base / name
    d.mkdir()
    (d / "ho_so.csv").write_text("Mã hồ sơ,Người nộp\n1,Nguyễn Văn A\n", encoding="utf-8")
    t = time.time() - age
    os.utime(d, (t, t))
    return d


def test_a_stopped_servers_copies_go_at_once_and_a_live_ones_after_an_hour(tmp_path):
    dead = _folder(tmp_path, f"{uc.PREFIX}{_dead_pid()}-abc123")
    fresh = _folder(tmp_path, f"{uc.PREFIX}{os.getpid()}-fresh1")
    stale = _folder(tmp_path, f"{uc.PREFIX}{os.getpid()}-stale1", age=uc.KEEP_SECONDS + 60)
    earlier_release_old = _folder(tmp_path, f"{uc.PREFIX}k2j4_x9q", age=uc.KEEP_SECONDS + 60)
    earlier_release_new = _folder(tmp_path, f"{uc.PREFIX}m3n5_z0w")
    other = _folder(tmp_path, "reform-uploads-of-someone-else", age=10 * uc.KEEP_SECONDS)
    removed = uc.sweep(tmp_path)
    assert sorted(removed) == sorted(p.name for p in (dead, stale, earlier_release_old))
    assert not dead.exists() and not stale.exists() and not earlier_release_old.exists()
    assert fresh.exists() and earlier_release_new.exists() and other.exists()


def test_the_calling_sessions_folder_and_what_is_not_a_folder_are_spared(tmp_path):
    mine = _folder(tmp_path, f"{uc.PREFIX}{os.getpid()}-mine01", age=uc.KEEP_SECONDS + 60)
    a_file = tmp_path / f"{uc.PREFIX}{_dead_pid()}-afile1"
    a_file.write_text("x")
    target = _folder(tmp_path, "kept")
    link = tmp_path / f"{uc.PREFIX}{_dead_pid()}-link01"
    link.symlink_to(target)
    assert uc.sweep(tmp_path, spare=mine) == []
    assert mine.exists() and a_file.exists() and (target / "ho_so.csv").exists()


def test_a_copy_swept_away_is_written_again_and_marks_its_folder_in_use(tmp_path):
    folder = uc.new_folder(tmp_path)
    assert folder.name.startswith(f"{uc.PREFIX}{os.getpid()}-")
    p = uc.copy_of(folder, "a.csv", b"1,2\n")
    assert p.read_bytes() == b"1,2\n"
    t = time.time() - 2 * uc.KEEP_SECONDS
    os.utime(folder, (t, t))
    assert uc.sweep(tmp_path) == [folder.name] and not folder.exists()
    p = uc.copy_of(folder, "a.csv", b"1,2\n")
    assert p.read_bytes() == b"1,2\n"
    assert time.time() - folder.stat().st_mtime < 60
    assert uc.sweep(tmp_path) == []


def test_the_page_sweeps_and_a_session_whose_copies_were_swept_still_imports(monkeypatch, empty_db, copy_db,
                                                                            tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(uc, "_last_sweep", [0.0])
    left = _folder(tmp_path, f"{uc.PREFIX}{_dead_pid()}-left01")
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    assert not left.exists()                                     # the page swept it
    f = rx.one_stop_list(tmp_path / "danh_sach", "csv")
    at.get("file_uploader")[0].set_value([(f.name, f.read_bytes(), "application/octet-stream")]).run()
    assert_clean(at)
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Sẵn sàng nhập"
    mine = Path(at.session_state["_import_tmp"])
    assert mine.parent == tmp_path and [p.suffix for p in mine.iterdir()] == [".csv"]
    # the tab left for hours; another session's visit swept this one's copies
    t = time.time() - 2 * uc.KEEP_SECONDS
    os.utime(mine, (t, t))
    assert uc.sweep(tmp_path) == [mine.name]
    at.button(key="import-confirm").click().run()
    assert_clean(at)
    assert any("Đã nhập" in s.value for s in at.success)
    con = duckdb.connect(str(db_path))
    try:
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] > 0
    finally:
        con.close()
    assert not mine.exists()                                     # imported: the copy is gone
