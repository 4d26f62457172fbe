"""Importers: real layouts in, every bad file refused with nothing written, idempotency, undo,
personal data dropped at the door."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from datetime import date

import pandas as pd
import pytest

from metrics.store import db as dbm
from metrics import queries
from metrics.errors import ImportRejected
from metrics.importers.core import import_file, list_imports, undo_import
from metrics.importers.xlsx_file import iter_xlsx_rows
from tests import fixture_month as fm
from tests import report_fixtures as rf


def snapshot(con) -> dict:
    """Everything a user could see change: every row of every data table."""
    out = {}
    for t in ("dossiers", "report_rows", "peer_rows", "peer_index", "dossier_counters", "imports"):
        out[t] = sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
    return out


def test_import_metrics_does_not_import_streamlit():
    code = "import sys, metrics, metrics.cli, metrics.queries, metrics.rules.score, metrics.rules.flags; " \
           "import metrics.importers.core; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- reports and peers -------------------------------------------------------------------
def test_report_with_merged_two_row_header(tmp_path, con):
    r = import_file(con, rf.write_report(tmp_path / "bc.xlsx"))
    assert r.kind == "report" and r.periods == ["2022-08"] and r.rows == 4
    t = queries.kpi_table(con, date(2022, 8, 1))
    land = t[t.unit_code == "CNVPDK"].iloc[0]
    # "1.250" is one thousand two hundred and fifty; "Quá hạn" under "đang giải quyết" is pending overdue
    assert land.received_total == 1250 and land.received_direct_post == 1000
    assert land.resolved_late == 50 and land.pending_overdue == 50 and land.pending_in_time == 150
    assert pd.isna(land.fee_dossiers)                   # not on the form: unknown
    hung = t[t.unit_code == "21961"].iloc[0]
    assert hung.resolved == 280 and hung.carried_over == 10
    allrow = t[t.unit_code == "ALL"].iloc[0]
    assert allrow.received_total == 120 + 1250 + 300 + 210
    assert abs(allrow.on_time_rate - (60 + 35 + 700 + 300 + 200 + 78 + 150 + 50) / (100 + 1050 + 280 + 200)) < 1e-12


def test_report_extra_column_is_used(tmp_path, con):
    f = rf.write_report(tmp_path / "bc.xlsx", extra_col=("Thanh toán trực tuyến", [5, 6, 7, 8]))
    import_file(con, f)
    t = queries.kpi_table(con, date(2022, 8, 1))
    assert t[t.unit_code == "TP"].iloc[0].paid_online == 5


def test_report_identity_broken_is_refused(tmp_path, con):
    bad = [list(u) for u in rf.UNITS]
    bad[2] = ("UBND xã Phước Hưng", [300, 90, 200, 10, 280, 200, 77, 2, 20, 20, 0])  # 7 != 8+9+10
    before = snapshot(con)
    with pytest.raises(ImportRejected) as e:
        import_file(con, rf.write_report(tmp_path / "bc.xlsx", units=bad, total=rf.totals(rf.UNITS)))
    text = e.value.report()
    assert "(7) = (8) + (9) + (10)" in text
    assert snapshot(con) == before


def test_report_total_row_mismatch_is_refused(tmp_path, con):
    t = rf.totals()
    t[0] += 1
    t[4] += 1  # keep the total row's own identities but not the sum of the units
    t[5] += 1
    t[1] += 1
    before = snapshot(con)
    with pytest.raises(ImportRejected) as e:
        import_file(con, rf.write_report(tmp_path / "bc.xlsx", total=t))
    assert "Tổng cộng" in e.value.report()
    assert snapshot(con) == before


def test_report_without_period_is_refused(tmp_path, con):
    with pytest.raises(ImportRejected) as e:
        import_file(con, rf.write_report(tmp_path / "bc.xlsx", month_line="Kỳ báo cáo:"))
    assert "kỳ báo cáo" in e.value.report().lower()


def test_newer_report_replaces_older_and_undo_restores(tmp_path, con):
    first = import_file(con, rf.write_report(tmp_path / "a.xlsx"))
    units = [list(u) for u in rf.UNITS]
    units[0] = ("Phòng Tư pháp", [121, 31, 80, 10, 101, 61, 35, 5, 20, 18, 2])
    second = import_file(con, rf.write_report(tmp_path / "b.xlsx", units=units))
    t = queries.kpi_table(con, date(2022, 8, 1))
    assert t[t.unit_code == "TP"].iloc[0].received_total == 121
    undo_import(con, second.import_id)
    t = queries.kpi_table(con, date(2022, 8, 1))
    assert t[t.unit_code == "TP"].iloc[0].received_total == 120
    assert first.import_id != second.import_id


def test_dossiers_win_over_report_and_reconciliation(tmp_path, con):
    import_file(con, rf.write_report(tmp_path / "bc.xlsx"))
    import_file(con, fm.write_csv(tmp_path / "d.csv"))
    t = queries.kpi_table(con, date(2022, 8, 1))
    # 21961 has dossiers: the dossier figures (6 received) win over the report's 300
    assert t[t.unit_code == "21961"].iloc[0].received_total == 6
    # units with only a report keep the report's figures
    assert t[t.unit_code == "CNVPDK"].iloc[0].received_total == 1250
    rec = queries.reconciliation(con, date(2022, 8, 1), date(2022, 8, 1))
    row = rec[rec.unit_code == "21961"].iloc[0]
    assert row.report_received_total == 300 and row.dossiers_received_total == 6 and row.diff_received_total == -294


def test_peer_file(tmp_path, con):
    r = import_file(con, rf.write_peers(tmp_path / "peers.csv"))
    assert r.kind == "peers" and r.rows == 3
    got = con.execute("SELECT peer_code, received_total, resolved, pending FROM peer_rows ORDER BY peer_code").fetchall()
    # resolved and pending are fixed by their parts (early + on time + late, in time + overdue)
    assert got == [("540", 5000, 4600, 400), ("542", 400, 380, 20), ("547", 1500, 1400, 100)]


def test_peer_file_ignores_own_row(tmp_path, con):
    rows = rf.PEERS + [("Huyện Tuy Phước", "08/2022", 10, 5, 3, 0, 2, 0, 2, 8, 0)]
    r = import_file(con, rf.write_peers(tmp_path / "peers.csv", rows))
    # the jurisdiction's own row (row 6 of the file) is left out and said so
    assert r.rows == 3 and r.warnings == ["row 6: own row «Huyện Tuy Phước» ignored (computed from units)"]


# --- bad files: refused with a message, the database exactly as before ---------------------
def _bad_files(tmp_path):
    files = {}
    (tmp_path / "empty.csv").write_bytes(b"")
    files["empty"] = tmp_path / "empty.csv"
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 50)
    files["binary"] = tmp_path / "bin.csv"
    with zipfile.ZipFile(tmp_path / "notbook.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    files["zip-not-workbook"] = tmp_path / "notbook.xlsx"
    (tmp_path / "trunc.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    files["broken-xlsx"] = tmp_path / "trunc.xlsx"
    text = fm.write_csv(tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "nocol.csv").write_text(text.replace("Ngày hẹn trả", "Ghi chú"), encoding="utf-8")
    files["missing-column"] = tmp_path / "nocol.csv"
    (tmp_path / "unit.csv").write_text(text.replace("Xã Phước Hưng,", "Xã Phước Hưngg Mới,", 1), encoding="utf-8")
    files["unknown-unit"] = tmp_path / "unit.csv"
    (tmp_path / "date.csv").write_text(text.replace("03/08/2022,03/08/2022,03/08/2022", "31/02/2022,03/08/2022,03/08/2022"),
                                       encoding="utf-8")
    files["impossible-date"] = tmp_path / "date.csv"
    (tmp_path / "future.csv").write_text(text.replace("12/08/2022", "12/08/2099"), encoding="utf-8")
    files["future-date"] = tmp_path / "future.csv"
    (tmp_path / "before.csv").write_text(text.replace("25/08/2022", "09/08/2022"), encoding="utf-8")
    files["finished-before-received"] = tmp_path / "before.csv"
    (tmp_path / "dup.csv").write_text(text.replace(",TP2,", ",TP1,"), encoding="utf-8")
    files["duplicate-code"] = tmp_path / "dup.csv"
    (tmp_path / "words.csv").write_text("Hello,world\nthis,is\nnot,data\n", encoding="utf-8")
    files["not-an-export"] = tmp_path / "words.csv"
    (tmp_path / "latin1.csv").write_bytes(text.encode("utf-8").replace("Hưng".encode(), "H\xfcng".encode("latin-1")))
    files["wrong-encoding"] = tmp_path / "latin1.csv"
    return files


EXPECT = {
    "empty": "rỗng", "binary": "nhị phân", "zip-not-workbook": "không phải là bảng tính",
    "broken-xlsx": "bảng tính", "missing-column": "Ngày hẹn trả", "unknown-unit": "Xã Phước Hưng",
    "impossible-date": "31/02/2022", "future-date": "tương lai", "finished-before-received": "trước ngày tiếp nhận",
    "duplicate-code": "TP1", "not-an-export": "tiêu đề", "wrong-encoding": "UTF-8",
}


@pytest.mark.parametrize("case", sorted(EXPECT))
def test_bad_file_is_refused_and_nothing_changes(tmp_path, con, case):
    import_file(con, rf.write_report(tmp_path / "ok.xlsx"))  # some data already there
    before = snapshot(con)
    f = _bad_files(tmp_path)[case]
    with pytest.raises(ImportRejected) as e:
        import_file(con, f)
    assert EXPECT[case] in e.value.report(), e.value.report()
    assert snapshot(con) == before


def test_cli_refusal_exit_code_and_message(tmp_path, capsys):
    from metrics.cli import main

    f = _bad_files(tmp_path)["unknown-unit"]
    code = main(["import", str(f), "--db", str(tmp_path / "c.duckdb")])
    err = capsys.readouterr().err
    assert code == 1
    # names the file, the row, the column, the bad value and the closest known unit
    assert "unit.csv" in err and "dòng/row" in err and "Đơn vị tiếp nhận" in err
    assert "Xã Phước Hưngg Mới" in err and "gần nhất: Xã Phước Hưng" in err
    assert "Traceback" not in err


def test_errors_list_first_50_and_count(tmp_path, con):
    rows = fm.rows_with_personal_data()
    import csv

    with (tmp_path / "many.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(fm.HEADER)
        for i in range(120):
            r = list(rows[0])
            r[1] = f"X{i}"
            r[fm.HEADER.index("Ngày tiếp nhận")] = "32/13/2022"
            w.writerow(r)
    with pytest.raises(ImportRejected) as e:
        import_file(con, tmp_path / "many.csv")
    assert e.value.total == 120 and len(e.value.problems) == 50
    assert "70" in e.value.report()  # "… and 70 more"


# --- idempotency, updates, undo -----------------------------------------------------------
@pytest.mark.parametrize("second_name", ["a.csv", "a (1).csv"])
def test_same_file_twice_changes_nothing(tmp_path, con, second_name):
    import shutil

    f = fm.write_csv(tmp_path / "a.csv")
    (tmp_path / "copy").mkdir()
    again = shutil.copy(f, tmp_path / "copy" / second_name)
    r1 = import_file(con, f)
    before = snapshot(con)
    r2 = import_file(con, again)
    assert r2.status == "unchanged" and r2.same_as == r1.import_id
    assert snapshot(con) == before


@pytest.mark.parametrize("second_name", ["a.csv", "a (1).csv"])
def test_same_file_twice_apart_changes_nothing_under_any_name(tmp_path, second_name):
    # the import read apart from the store waits for the file's digest only when a file of
    # that name is there already; a copy under another name is caught before the write
    import shutil

    from metrics.importers.core import import_file_apart
    from metrics.store import db as dbm

    path = tmp_path / "s.duckdb"
    f = fm.write_csv(tmp_path / "a.csv")
    (tmp_path / "copy").mkdir()
    again = tmp_path / "copy" / second_name
    shutil.copy(f, again)
    r1 = import_file_apart(path, f)
    with dbm.session(path) as c:
        before = snapshot(c)
    r2 = import_file_apart(path, again)
    assert (r2.status, r2.same_as, r2.file_name) == ("unchanged", r1.import_id, second_name)
    with dbm.session(path) as c:
        assert snapshot(c) == before


def test_newer_export_updates_dossiers_and_undo_restores(tmp_path, con):
    import_file(con, fm.write_csv(tmp_path / "a.csv"))
    # a newer export: A4 and A6 are now finished
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    newer = text.replace("15/07/2022,14/08/2022,,", "15/07/2022,14/08/2022,20/08/2022,") \
                .replace("30/08/2022,05/09/2022,,", "30/08/2022,05/09/2022,31/08/2022,")
    (tmp_path / "b.csv").write_text(newer, encoding="utf-8")
    r = import_file(con, tmp_path / "b.csv")
    n = con.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0]
    assert n == len(fm.ROWS)  # updated, not duplicated
    t = queries.kpi_table(con, date(2022, 8, 1), units=["21961"])
    row = t[t.unit_code == "21961"].iloc[0]
    assert row.pending == 0 and row.resolved == 6 and row.resolved_late == 2  # A4 finished after its due date
    undo_import(con, r.import_id)
    t = queries.kpi_table(con, date(2022, 8, 1), units=["21961"])
    assert t[t.unit_code == "21961"].iloc[0].pending == 2
    log = list_imports(con)
    assert list(log.status) == ["undone", "active"]


def test_undo_unknown_id(con):
    from metrics.errors import InputError

    with pytest.raises(InputError):
        undo_import(con, 999)


def test_import_log_records_file(tmp_path, con):
    f = fm.write_csv(tmp_path / "a.csv")
    import_file(con, f, user="tester")
    log = list_imports(con).iloc[0]
    import hashlib

    assert log.file_name == "a.csv" and log.kind == "dossiers" and log.rows == len(fm.ROWS)
    assert log.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert log.user_name == "tester" and log.periods == "2022-06,2022-07,2022-08"


# --- personal data ----------------------------------------------------------------------
def test_no_personal_data_reaches_the_database(tmp_path):
    path = tmp_path / "p.duckdb"
    con = dbm.connect(path)
    import_file(con, fm.write_csv(tmp_path / "a.csv"))
    import_file(con, fm.write_xlsx(tmp_path / "a.xlsx"))
    cols = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE data_type = 'VARCHAR'").fetchall()
    for table, col in cols:
        for value in fm.PERSONAL:
            n = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{col}" LIKE ?', [f"%{value}%"]).fetchone()[0]
            assert n == 0, (table, col, value)
    con.close()
    raw = path.read_bytes()
    for value in fm.PERSONAL:
        assert value.encode() not in raw


def test_report_signature_block_below_total_is_not_data(tmp_path, con):
    import openpyxl

    f = rf.write_report(tmp_path / "bc.xlsx")
    wb = openpyxl.load_workbook(f)
    ws = wb.active
    ws.append([None, "Tuy Phước, ngày 05 tháng 9 năm 2022", None, None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"])
    ws.append([None, "Nguyễn Văn Chủ Tịch"])
    wb.save(f)
    assert import_file(con, f).rows == 4


def test_headings_that_only_begin_like_a_field_do_not_steal_it(tmp_path):
    from metrics.importers.headers import map_dossier_header

    m = map_dossier_header(["Ngày nhận kết quả", "Mã hồ sơ", "Đơn vị tính", "Đơn vị", "Ngày tiếp nhận",
                            "Hạn xử lý bước hiện tại", "Ngày hẹn trả kết quả cho công dân"])
    assert m == {1: "dossier_code", 3: "unit", 4: "received_at", 6: "due_at"}


def test_index_file_with_a_short_row_is_refused_not_crashed(tmp_path, con):
    (tmp_path / "idx.csv").write_text("Đơn vị,Năm,Chỉ số CCHC,Xếp hạng\nHuyện Phù Mỹ\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        import_file(con, tmp_path / "idx.csv")
    assert "Năm không hợp lệ" in e.value.report()


def test_workbook_rows_keep_their_place_in_the_sheet(tmp_path, con):
    # row and column numbers in messages are the sheet's, whatever the reader skips
    from metrics.importers.xlsx_file import iter_xlsx_rows

    f = fm.write_xlsx_offset(tmp_path / "o.xlsx")
    rows = list(iter_xlsx_rows(f))                       # the cover sheet is passed over
    assert all(v is None for v in rows[0])
    assert rows[1][2] == "DANH SÁCH HỒ SƠ THÁNG 8/2022"
    assert rows[4][:4] == [None, None, "STT", "Mã hồ sơ"]
    assert rows[5][2] == 1 and rows[6][2] == 2           # formulas: their cached values
    assert rows[5][3] == fm.ROWS[0][0] and rows[5][7] is None
    # a date no calendar has, in the third dossier: sheet row 8
    import openpyxl

    wb = openpyxl.load_workbook(f)
    ws = wb["Hồ sơ"]
    col = 3 + fm.HEADER.index("Ngày tiếp nhận") + 1      # C, plus the empty column
    ws.cell(row=8, column=col, value="31/02/2022")
    # an error cell where the finished date should be (a broken formula): refused, not blank
    fin = 3 + fm.HEADER.index("Ngày kết thúc xử lý") + 1
    ws.cell(row=9, column=fin, value="#N/A")
    assert ws.cell(row=9, column=fin).data_type == "e"
    for (cell,) in ws.iter_rows(min_col=3, max_col=3):
        if str(cell.value).startswith("="):
            cell.value = cell.row - 5       # openpyxl saves formulas without their values
    wb.save(f)
    assert list(iter_xlsx_rows(f))[8][fin - 1] == "#N/A"
    with pytest.raises(ImportRejected) as e:
        import_file(con, f)
    rows_named = [p.row for p in e.value.problems]
    assert 8 in rows_named and 9 in rows_named, e.value.problems


def test_error_cells_are_found_in_any_form_the_xml_writes_them():
    from metrics.importers.xlsx_xml import _CELL_REF, _CELL_VALUE, _ERROR_CELL

    xml = (b'<row r="2"><c r="A2" t="e"/><c r="B2" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
           b'<c r="C2" t="s"><v>3</v></c><c t="e" r="AB2"><v>#N/A</v></c><c r="D2"><v>5</v></c></row>')
    found = []
    for m in _ERROR_CELL.finditer(xml):
        value = _CELL_VALUE.search(m.group(2) or b"")
        found.append((_CELL_REF.search(m.group(1)).group(1), value.group(1) if value else None))
    assert found == [(b"A", None), (b"B", b"#DIV/0!"), (b"AB", b"#N/A")]


def test_report_with_numbers_where_text_was_expected(tmp_path, con):
    # unit codes and the column numbering typed as numbers: Excel stores 21952 as 21952.0
    import openpyxl

    units = [("TP", rf.UNITS[0][1]), ("CNVPDK", rf.UNITS[1][1]), (21952, rf.UNITS[2][1]), (21955, rf.UNITS[3][1])]
    f = rf.write_report(tmp_path / "bc.xlsx", units=units)
    wb = openpyxl.load_workbook(f)
    for j in range(1, 14):
        wb.active.cell(row=7, column=j, value=j)
    wb.save(f)
    r = import_file(con, f)
    assert r.rows == 4 and "21952" in r.units and "21955" in r.units


def test_workbook_whose_used_area_is_huge_is_refused_before_it_is_read(tmp_path):
    # one stray value in the last cell of a sheet: reading it would need the whole grid in
    # memory (a failed allocation aborts the process), so the importer runs in a child here
    import openpyxl

    f = fm.write_xlsx(tmp_path / "big.xlsx")
    wb = openpyxl.load_workbook(f)
    wb.active["XFD1048576"] = "x"
    wb.save(f)
    code = ("import sys\nfrom metrics.store import db\nfrom metrics.errors import ImportRejected\n"
            "from metrics.importers.core import import_file\n"
            "con = db.connect(sys.argv[2])\ntry:\n    import_file(con, sys.argv[1])\n"
            "except ImportRejected as e:\n    print('REJECTED', e.report())\n")
    out = subprocess.run([sys.executable, "-c", code, str(f), str(tmp_path / "t.duckdb")], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "REJECTED" in out.stdout and "1.048.576" in out.stdout and "16.384" in out.stdout, out.stdout


def test_error_cells_with_a_prefix_or_without_a_place(tmp_path):
    # .NET exporters write <x:c> and quote with '; a cell without r= cannot be placed, so the
    # file is refused rather than read with that cell blank
    import zipfile as zf

    import xlsxwriter

    from metrics.importers.xlsx_file import iter_xlsx_rows

    src = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["a", "b", "c"])
    ws.write("A2", "x")
    ws.write_formula("B2", "=NA()", None, "#N/A")
    ws.write("C2", "y")
    wb.close()
    with zf.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = '<c r="B2" t="e"><f>NA()</f><v>#N/A</v></c>'
    assert cell in sheet
    forms = {"prefixed": ('<x:c r="B2" t=\'e\' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                          "<x:v>#N/A</x:v></x:c>"),
             "no place": '<c t="e"><v>#REF!</v></c>'}
    for k, form in forms.items():
        out = tmp_path / f"{k.replace(' ', '_')}.xlsx"
        with zf.ZipFile(out, "w") as z:
            for n, data in parts.items():
                z.writestr(n, sheet.replace(cell, form) if n == "xl/worksheets/sheet1.xml" else data)
        if k == "prefixed":
            assert list(iter_xlsx_rows(out))[1] == ["x", "#N/A", "y"]
        else:
            with pytest.raises(ImportRejected) as e:
                list(iter_xlsx_rows(out))
            assert "#REF!" in e.value.report()


def test_a_refused_workbook_does_not_keep_its_parsed_sheet(tmp_path, con):
    # the import desk keeps a refusal (and so its traceback) to show it
    from metrics.importers.source import Source

    with pytest.raises(ImportRejected) as e:
        import_file(con, rf.write_report(tmp_path / "bc.xlsx"), kind="dossiers")
    sources = [v for tb in e.traceback for v in tb.frame.f_locals.values() if isinstance(v, Source)]
    assert sources and all(s.parsed is None for s in sources)


def _edited_workbook(src: Path, out: Path, edit_sheet=None, edit_rels=None) -> Path:
    import zipfile as zf

    with zf.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    with zf.ZipFile(out, "w") as z:
        for n, data in parts.items():
            if n == "xl/worksheets/sheet1.xml" and edit_sheet:
                data = edit_sheet(data.decode()).encode()
            if n == "xl/_rels/workbook.xml.rels" and edit_rels:
                data = edit_rels(data.decode()).encode()
            z.writestr(n, data)
    return out


def _import_in_a_child(f: Path, db: Path) -> str:
    # a failed allocation in calamine aborts the process: the import runs in a child
    code = ("import sys\nfrom metrics.store import db\nfrom metrics.errors import ImportRejected\n"
            "from metrics.importers.core import import_file\n"
            "con = db.connect(sys.argv[2])\ntry:\n    import_file(con, sys.argv[1])\n    print('IMPORTED')\n"
            "except ImportRejected as e:\n    print('REJECTED', e.report())\n")
    out = subprocess.run([sys.executable, "-c", code, str(f), str(db)], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_a_huge_area_is_refused_however_its_cells_say_where_they_are(tmp_path):
    # cells without r= are placed one after the other (16,384 of them reach column XFD); a
    # cell may name a far place inside an ordinary row; the refusal must not depend on either
    base = fm.write_xlsx(tmp_path / "base.xlsx")
    far_row = ('<row r="1048576">' + "<c/>" * 16383 + '<c t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    unplaced = _edited_workbook(base, tmp_path / "unplaced.xlsx",
                                edit_sheet=lambda x: x.replace("</sheetData>", far_row, 1))
    assert unplaced.stat().st_size < 100_000
    out = _import_in_a_child(unplaced, tmp_path / "a.duckdb")
    assert "REJECTED" in out and "1.048.576" in out and "16.384" in out, out

    def far_cell(x: str) -> str:
        assert '<c r="C5"' in x
        return x.replace('<c r="C5"', '<c r="XFD1048576"', 1)

    misplaced = _edited_workbook(base, tmp_path / "misplaced.xlsx", edit_sheet=far_cell)
    out = _import_in_a_child(misplaced, tmp_path / "b.duckdb")
    assert "REJECTED" in out and "1.048.576" in out and "16.384" in out, out


def test_a_sheet_named_in_another_letter_case_is_still_checked(tmp_path, con):
    # part names are case-insensitive: calamine finds SHEET1.xml as sheet1.xml, and so must the
    # look for error cells, or an #N/A finished date would be read as a pending dossier
    base = fm.write_xlsx(tmp_path / "base.xlsx")
    rows = list(iter_xlsx_rows(base))
    head = next(i for i, r in enumerate(rows) if "Ngày kết thúc xử lý" in r)
    finished = rows[head].index("Ngày kết thúc xử lý")
    done = next(i for i, r in enumerate(rows) if i > head and r[finished] is not None)
    ref = f"{chr(65 + finished)}{done + 1}"

    def na(x: str) -> str:
        start = x.index(f'<c r="{ref}"')
        end = x.index("</c>", start) + 4
        return x[:start] + f'<c r="{ref}" t="e"><f>NA()</f><v>#N/A</v></c>' + x[end:]

    f = _edited_workbook(base, tmp_path / "case.xlsx", edit_sheet=na,
                         edit_rels=lambda x: x.replace("worksheets/sheet1.xml", "worksheets/SHEET1.xml"))
    with pytest.raises(ImportRejected) as e:
        import_file(con, f)
    assert "#N/A" in e.value.report() and f"{done + 1}" in e.value.report()


def test_long_numeric_dossier_codes_keep_every_digit(tmp_path, con):
    # exporters such as PhpSpreadsheet write a numeric code as a number; read as a float, the
    # 17 digits of 20220802000000001 would come back as 20220802000000000 (as CSV, they are text)
    import re as _re

    base = fm.write_xlsx(tmp_path / "base.xlsx")
    codes = {}

    def numeric_codes(x: str) -> str:
        def one(m):
            # 17 digits, one per exported code (a code listed twice stays one code)
            code = codes.setdefault(m.group(2), str(20220802000000001 + 3 * len(codes)))
            return f'<c r="B{m.group(1)}"><v>{code}</v></c>'
        return _re.sub(r'<c r="B(\d+)" t="inlineStr"><is><t>(A\d+)</t></is></c>', one, x)

    f = _edited_workbook(base, tmp_path / "codes.xlsx", edit_sheet=numeric_codes)
    assert len(codes) >= 5 and len(set(codes.values())) == len(codes)
    read = {r[1] for r in iter_xlsx_rows(f) if r and r[1] is not None}
    assert set(codes.values()) <= read
    import_file(con, f)
    stored = {r[0] for r in con.execute("SELECT dossier_code FROM dossiers").fetchall()}
    assert {c for c in stored if c.startswith("2022")} == set(codes.values())


def test_formulas_saved_without_their_values_are_refused_where_they_are_used(tmp_path, con):
    # a library that writes formulas but leaves computing them to Excel (openpyxl saving a
    # workbook it loaded) leaves them empty: an empty finished date is a pending dossier. In a
    # column the import does not use (a personal one, dropped) such a formula changes nothing
    import openpyxl

    f = fm.write_xlsx(tmp_path / "f.xlsx")
    rows = list(iter_xlsx_rows(f))
    head = next(i for i, r in enumerate(rows) if "Ngày kết thúc xử lý" in r)
    fin = rows[head].index("Ngày kết thúc xử lý") + 1
    name = rows[head].index("Họ tên") + 1
    done = next(i for i, r in enumerate(rows) if i > head and r[fin - 1] is not None)   # 0-based
    wb = openpyxl.load_workbook(f)
    ws = wb.active
    ws.cell(row=head + 3, column=name, value="=UPPER(\"x\")")
    ws.cell(row=done + 1, column=fin, value="=DATE(2022,8,4)")
    wb.save(f)
    with pytest.raises(ImportRejected) as e:
        import_file(con, f)
    assert [(p.row, p.column) for p in e.value.problems] == [(done + 1, "Ngày kết thúc xử lý")]
    assert "Excel" in e.value.report()
    assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    # the personal column's formula alone: imported
    wb = openpyxl.load_workbook(f)
    wb.active.cell(row=done + 1, column=fin, value=rows[done][fin - 1])
    wb.save(f)
    assert import_file(con, f).rows == len(fm.ROWS)


def test_a_password_protected_workbook_is_named_as_such(tmp_path, con):
    # tests/data/password_protected.xlsx: a two-row workbook encrypted with the password 1234
    # (msoffcrypto-tool). It is an OLE container like an old .xls, but "save it as .xlsx"
    # would not help its user: the password must go
    f = Path(__file__).resolve().parent / "data" / "password_protected.xlsx"
    with pytest.raises(ImportRejected) as e:
        import_file(con, f)
    report = e.value.report()
    assert "mật khẩu" in report and "password" in report and ".xls)" not in report
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ImportRejected) as e:
        import_file(con, old)
    assert ".xls" in e.value.report() and "password" not in e.value.report()


def test_a_hidden_sheet_ahead_of_the_table_is_passed_over(tmp_path, con):
    # the lists behind an export's drop-downs often sit in a hidden first sheet
    import openpyxl

    f = fm.write_xlsx(tmp_path / "h.xlsx")
    wb = openpyxl.load_workbook(f)
    lists = wb.create_sheet("DanhMuc", 0)
    for v in ("Trực tiếp", "Trực tuyến", "BCCI"):
        lists.append([v, "x"])
    lists.sheet_state = "hidden"
    wb.active = 1
    wb.save(f)
    result = import_file(con, f)
    expected = import_file(dbm.connect(tmp_path / "csv.duckdb"), fm.write_csv(tmp_path / "same.csv"))
    assert (result.kind, result.rows, result.periods) == ("dossiers", expected.rows, expected.periods)


def test_serial_dates_in_a_workbook_that_counts_from_1904(tmp_path, con):
    # old Mac Excel counts date serials from 1904-01-01: the same day is 1,462 smaller than in
    # the 1900 count. Date cells are read right by calamine; bare serial numbers (the fixture's
    # due dates) must be counted from 1904 too, not moved four years back
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    f = fm.write_xlsx(tmp_path / "mac.xlsx")
    wb = openpyxl.load_workbook(f)
    ws = wb.active
    due = 1 + fm.HEADER.index("Ngày hẹn trả")
    serials = 0
    for (cell,) in ws.iter_rows(min_col=due, max_col=due):
        if type(cell.value) is int:
            cell.value -= 1462
            serials += 1
    assert serials >= 5
    wb.epoch = CALENDAR_MAC_1904
    wb.save(f)
    assert b'date1904="1"' in zipfile.ZipFile(f).read("xl/workbook.xml")
    import_file(con, f)
    other = dbm.connect(tmp_path / "csv.duckdb")
    import_file(other, fm.write_csv(tmp_path / "same.csv"))
    q = "SELECT dossier_code, received_at, due_at, finished_at FROM dossiers ORDER BY dossier_code"
    assert con.execute(q).fetchall() == other.execute(q).fetchall()


def test_a_first_import_makes_its_store(tmp_path):
    # a store that does not exist yet is made, whole, by a landed import and by a refused one
    # alike (making it on another thread while the file is read was tried: the thread and the
    # digest then share the two cores with the read, 0.06-0.1 s slower for a million rows)
    from metrics.importers.core import import_file_apart
    from metrics.store import db as dbm

    good = tmp_path / "new" / "s.duckdb"
    r = import_file_apart(good, fm.write_csv(tmp_path / "a.csv"))
    assert r.status == "imported"
    with dbm.session(good) as c:
        assert c.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        assert c.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(dbm.MIGRATIONS)
    refused = tmp_path / "new2" / "s.duckdb"
    (tmp_path / "bad.csv").write_text("Mã hồ sơ,Ghi chú\nA1,x\n", encoding="utf-8")
    with pytest.raises(ImportRejected):
        import_file_apart(refused, tmp_path / "bad.csv")
    with dbm.session(refused, read_only=True) as c:
        assert c.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
