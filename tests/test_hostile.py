"""Hostile files and faults: a typed refusal, nothing stored, memory bounded; an import
killed mid-way leaves the database exactly as before."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from metrics.store import db as dbm
from metrics.errors import ImportRejected
from metrics.importers.core import import_file
from tests import fixture_month as fm


def counts(con):
    return [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("dossiers", "report_rows", "peer_rows", "imports", "dossier_counters")]


def test_zip_bomb_disguised_as_xlsx_is_refused_without_opening(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        # 300 MB of one repeated byte compresses to a few hundred KB
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w:
            chunk = b"<row>" + b"0" * (1024 * 1024) + b"</row>"
            for _ in range(300):
                w.write(chunk)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    con = dbm.connect(tmp_path / "h.duckdb")
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with pytest.raises(ImportRejected) as e:
        import_file(con, bomb)
    assert "zip" in e.value.report().lower()
    assert time.perf_counter() - t < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: < 200 MB more
    assert counts(con) == [0, 0, 0, 0, 0]


def test_formula_cells_and_text_formulas_are_stored_as_plain_text(tmp_path):
    import openpyxl

    f = fm.write_xlsx(tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(f)
    ws = wb.active
    # a real formula (no cached value: read as empty) in a personal column, and a procedure
    # name that looks like a formula
    ws.cell(row=5, column=3, value="=1+1")
    ws.cell(row=5, column=7).value = '=HYPERLINK("http://x","y")'
    ws.cell(row=5, column=7).data_type = "s"
    wb.save(f)
    con = dbm.connect(tmp_path / "h.duckdb")
    import_file(con, f)
    names = [r[0] for r in con.execute("SELECT procedure_name FROM dossiers").fetchall()]
    assert '=HYPERLINK("http://x","y")' in names


def test_wrong_encoding_and_huge_line_are_refused(tmp_path):
    con = dbm.connect(tmp_path / "h.duckdb")
    text = fm.write_csv(tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "cp1258.csv").write_bytes(text.encode("cp1258", errors="replace"))
    (tmp_path / "long.csv").write_text(text.replace("Đăng ký khai sinh", "x" * 5_000_000), encoding="utf-8")
    for name in ("cp1258.csv", "long.csv"):
        with pytest.raises(ImportRejected):
            import_file(con, tmp_path / name)
    assert counts(con) == [0, 0, 0, 0, 0]


def _snapshot(path):
    con = dbm.connect(path)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("imports", "dossier_counters")} | {
            "dossiers": con.execute("SELECT count(*), sum(hash(dossier_code)) FROM dossiers").fetchone()}
    finally:
        con.close()


@pytest.mark.parametrize("delay", [0.3, 1.5])
def test_import_killed_mid_way_leaves_the_database_as_before(tmp_path, delay):
    sys.path.insert(0, os.getcwd())
    from benchmarks.gen_dossiers import write_csv

    db = tmp_path / "k.duckdb"
    con = dbm.connect(db)
    import_file(con, fm.write_csv(tmp_path / "first.csv"))
    con.close()
    before = _snapshot(db)
    big = write_csv(600_000, tmp_path / "big.csv")
    p = subprocess.Popen([sys.executable, "-m", "metrics", "import", str(big), "--db", str(db)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert _snapshot(db) == before
    # and the file still takes a normal import afterwards
    con = dbm.connect(db)
    import_file(con, fm.write_csv(tmp_path / "again.csv").rename(tmp_path / "again2.csv"))
    con.close()


def test_cli_while_another_process_writes_says_busy(tmp_path):
    db = tmp_path / "b.duckdb"
    holder = subprocess.Popen([sys.executable, "-c",
                               f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); "
                               f"time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        out = subprocess.run([sys.executable, "-m", "metrics", "kpis", "--period", "2022-08", "--db", str(db)],
                             env={**os.environ, "REFORM_DB_WAIT": "1"},
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 2
        assert "đang được một tiến trình khác" in out.stderr and "Traceback" not in out.stderr
    finally:
        holder.kill()
