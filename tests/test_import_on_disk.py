"""A large file is staged in a database file of the import's own, not in memory (issue 16: 5M
dossiers peaked at 1.85 GB staged in memory). Everything the import does must come out the
same as when the file is staged in memory: the rows with their line numbers, the counters,
what the preview says, an update of dossiers already stored, and the problems of a file that
is refused. The threshold is lowered to 0 so that small files take the large files' path."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from metrics.errors import ImportRejected
from metrics.importers import core
from metrics.importers import dossiers as dossier_import
from metrics.store import db as dbm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import gen_dossiers  # noqa: E402

ROWS = 1500


def _with_lines(src: Path, dst: Path, lines: list[list[str]], edit=None) -> Path:
    rows = list(csv.reader(src.open(encoding="utf-8")))
    if edit:
        edit(rows)
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows + [line + [""] * (len(rows[0]) - len(line)) for line in lines])
    return dst


def _stored(store: Path):
    con = dbm.connect(store)
    try:
        rows = con.execute("SELECT import_id, row_no, * EXCLUDE (import_id, row_no) FROM dossiers ORDER BY ALL"
                           ).fetchall()
        counters = con.execute("SELECT * FROM dossier_counters ORDER BY ALL").fetchall()
        return rows, counters
    finally:
        con.close()


def _both_ways(tmp_path: Path, monkeypatch, files: list[Path]):
    """Each file imported in turn into a store staged in memory, then into another staged on
    disk; returns (results, stored) for each way."""
    out = {}
    for on_disk in (False, True):
        monkeypatch.setattr(core, "STAGE_ON_DISK_BYTES", 0 if on_disk else 1 << 40)
        homes = []
        made = core._work_database

        def work_database(*a, made=made, homes=homes):
            work, home = made(*a)
            homes.append(home)
            return work, home
        monkeypatch.setattr(core, "_work_database", work_database)
        staged, where = [], dossier_import._staged_in

        def staged_in(con, where=where, staged=staged):
            staged.append(where(con))
            return staged[-1]
        monkeypatch.setattr(dossier_import, "_staged_in", staged_in)
        store = tmp_path / f"s{int(on_disk)}.duckdb"
        dbm.connect(store).close()
        results = []
        for f in files:
            try:
                results.append(core.import_file_apart(store, f))
            except ImportRejected as e:
                results.append(e)
        monkeypatch.setattr(core, "_work_database", made)
        monkeypatch.setattr(dossier_import, "_staged_in", where)
        assert set(homes) == {"reform_work" if on_disk else "memory"}
        # a table of the working database's file, or a TEMP one in memory
        assert set(staged) == {"" if on_disk else "TEMP "}
        out[on_disk] = (results, _stored(store))
    return out


def test_a_file_staged_on_disk_lands_as_one_staged_in_memory(tmp_path, monkeypatch):
    first = gen_dossiers.write(ROWS, tmp_path / "d.csv", messy=2)
    # the list's closing lines, set aside and named with their rows
    first = _with_lines(first, tmp_path / "first.csv", [["", "Tổng số: 1.500 hồ sơ"], [""] * 14 + [
        "Tuy Phước, ngày 05 tháng 01 năm 2023"]])

    def later(rows):
        # the same dossiers a month on: some finished since (an update of stored rows)
        for r in rows[1:200]:
            if not r[11]:
                r[11] = "2022-12-30 10:00:00"
    second = _with_lines(gen_dossiers.write(ROWS, tmp_path / "d2.csv", messy=2), tmp_path / "second.csv", [],
                         edit=later)
    ways = _both_ways(tmp_path, monkeypatch, [first, second])
    (mem_results, mem_stored), (disk_results, disk_stored) = ways[False], ways[True]
    assert [r.status for r in disk_results] == ["imported", "imported"]
    assert disk_results[0].rows == ROWS
    assert disk_stored == mem_stored
    rows, counters = disk_stored
    assert len(rows) == 2 * ROWS and len(counters) > 12 * 15
    # line numbers: the header is line 1, the dossiers lines 2 to ROWS + 1
    assert sorted(r[1] for r in rows)[:2] == [2, 2] and max(r[1] for r in rows) == ROWS + 1
    for m, d in zip(mem_results, disk_results):
        assert (d.periods, d.units, d.report.notes) == (m.periods, m.units, m.report.notes)
    assert any("dòng 1502: «Tổng số: 1.500 hồ sơ»" in vi for vi, _ in disk_results[0].report.notes)


def test_a_file_staged_on_disk_is_refused_with_the_same_problems(tmp_path, monkeypatch):
    def spoil(rows):
        rows[5][9] = "31/02/2022"                 # no such day
        rows[8][4] = "Phòng Không Có"             # no such unit
        rows[9][1] = ""                           # no code
    bad = _with_lines(gen_dossiers.write(300, tmp_path / "d.csv", messy=2), tmp_path / "bad.csv", [], edit=spoil)
    ways = _both_ways(tmp_path, monkeypatch, [bad])
    mem, disk = ways[False][0][0], ways[True][0][0]
    assert isinstance(disk, ImportRejected) and isinstance(mem, ImportRejected)
    listed = [(p.row, p.column, p.value, p.message("vi")) for p in disk.problems]
    assert listed == [(p.row, p.column, p.value, p.message("vi")) for p in mem.problems]
    assert {(row, value) for row, _c, value, _m in listed} >= {(6, "31/02/2022"), (9, "Phòng Không Có")}
    assert any(row == 10 for row, *_ in listed)
    assert ways[True][1] == ([], [])              # nothing stored


def test_a_file_staged_with_too_little_memory_is_read_again_not_refused(tmp_path, monkeypatch):
    """The reading of the CSV itself running out of room is not the file's fault: the import
    is done again without the limit (it was refused as a CSV DuckDB could not read)."""
    f = gen_dossiers.write(20000, tmp_path / "d.csv")
    monkeypatch.setattr(core, "STAGE_ON_DISK_BYTES", 0)
    monkeypatch.setattr(core, "import_memory", lambda size: "6MiB")       # less than a CSV buffer
    short = []
    real = core._prepare

    def prepare(*a, **k):
        try:
            return real(*a, **k)
        except Exception as exc:
            short.append(type(exc).__name__)
            raise
    monkeypatch.setattr(core, "_prepare", prepare)
    store = tmp_path / "s.duckdb"
    dbm.connect(store).close()
    r = core.import_file_apart(store, f)
    assert short == ["OutOfMemoryException"]
    assert r.status == "imported" and r.rows == 20000


FULL_DISK = r"""
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
import gen_dossiers
from metrics.errors import ImportRejected
from metrics.importers import core
from metrics.store import db as dbm
d = Path(sys.argv[1])
f = gen_dossiers.write(100000, d / "d.csv")
store = d / "s.duckdb"
dbm.connect(store).close()
core.STAGE_ON_DISK_BYTES = 0
# no file of this process may grow past 1 MB from here: the working database runs out of disk
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, resource.RLIM_INFINITY))
try:
    core.import_file_apart(store, f)
    print("imported")
except ImportRejected as e:
    print("refused:", e.problems[0].message("en"))
"""


def test_a_full_disk_refuses_the_file_and_leaves_nothing_behind(tmp_path):
    """The working database of a large file cannot be written (a full disk): the file is
    refused with what happened — no traceback, no folder left beside the store, the store
    as it was."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    p = subprocess.run([sys.executable, "-c", FULL_DISK, str(tmp_path)], cwd=root, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("refused: Cannot import:") and "File too large" in p.stdout
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".reform-import")] == []
    con = dbm.connect(tmp_path / "s.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    finally:
        con.close()


def test_the_folder_of_an_import_killed_midway_is_removed_by_the_next(tmp_path, monkeypatch):
    """A killed import (or a power cut) leaves its working database beside the store: the next
    import there removes it — not the folder of an import still running."""
    import os
    import subprocess

    store = tmp_path / "s.duckdb"
    dbm.connect(store).close()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{core.WORK_FOLDER}{int(gone.stdout)}-0123abcd"
    (dead / "x").mkdir(parents=True)
    (dead / "x" / "reform_work.duckdb").write_bytes(b"\0" * 1024)
    running = tmp_path / f"{core.WORK_FOLDER}{os.getpid()}-89abcdef"
    running.mkdir()
    other = tmp_path / ".reform-import-notes"                 # not of our making: left alone
    other.mkdir()
    monkeypatch.setattr(core, "STAGE_ON_DISK_BYTES", 0)
    r = core.import_file_apart(store, gen_dossiers.write(200, tmp_path / "d.csv"))
    assert r.status == "imported"
    assert not dead.exists() and running.exists() and other.exists()
    assert sorted(f.name for f in tmp_path.iterdir() if f.name.startswith(".reform")) == sorted(
        [running.name, other.name])
