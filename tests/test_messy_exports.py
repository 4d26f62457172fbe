"""The same dossiers written as two offices' systems write them give the figures of the clean
file (issue 16): dates in other shapes and shares, units spelled as no alias of the profile
spells them ("Phòng Tài nguyên - Môi trường", "CN VPĐK đất đai", capitals), yes/no and the
channel in other words — read without teaching the importer anything."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from metrics.importers.core import import_file
from metrics.model.profile import load_profile
from metrics.store import db as dbm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import gen_dossiers  # noqa: E402

ROWS = 3000


def _figures(con):
    return con.execute("SELECT * EXCLUDE (import_id) FROM dossier_counters ORDER BY ALL").fetchall() \
        if "import_id" in [r[0] for r in con.execute("DESCRIBE dossier_counters").fetchall()] \
        else con.execute("SELECT * FROM dossier_counters ORDER BY ALL").fetchall()


def _imported(tmp_path: Path, messy: int):
    f = gen_dossiers.write(ROWS, tmp_path / f"d{messy}.csv", messy=messy)
    con = dbm.connect(tmp_path / f"s{messy}.duckdb")
    r = import_file(con, f)
    assert r.status == "imported" and r.rows == ROWS
    return con


@pytest.mark.parametrize("style", [1, 2])
def test_a_messy_export_gives_the_clean_files_figures(tmp_path, style):
    clean = _imported(tmp_path, 0)
    messy = _imported(tmp_path, style)
    expected = _figures(clean)
    assert len(expected) > 12 * 15                  # every unit in every month of 2022
    assert _figures(messy) == expected


@pytest.mark.parametrize("raw, code", [
    ("Phòng Tài nguyên - Môi trường", "TNMT"),          # a dash for "và"
    ("Phòng Kinh tế - Hạ tầng", "KTHT"),
    ("CN VPĐK đất đai", "CNVPDK"),                       # initials, the place left out
    ("CN VPĐK đất đai huyện Tuy Phước", "CNVPDK"),
    ("Phòng TC - KH", "TCKH"),
    ("Phòng Nông nghiệp - PTNT", "NNPTNT"),              # words and initials mixed
    ("Phòng Văn hoá - Thông tin", "VHTT"),               # the old accent place, a dash
])
def test_a_unit_written_word_by_word_or_by_initials_is_known(raw, code):
    assert load_profile().match_unit(raw).code == code


@pytest.mark.parametrize("raw", ["PH", "Phước", "Phòng", "TT", "Phòng Tài nguyên - Môi trường - Y tế"])
def test_too_little_or_too_much_is_no_unit(raw):
    # one short abbreviation, a word many names share, or two units in one cell
    assert load_profile().match_unit(raw) is None


@pytest.mark.parametrize("raw", ["CN VPĐK đất đai huyện Phù Cát", "Chi nhánh VPĐK đất đai thị xã An Nhơn",
                                 "Phòng Tài nguyên - Môi trường huyện Phù Cát", "Phòng Nông nghiệp - PTNT huyện Tây Sơn",
                                 "Phòng Tài nguyên và Môi trường huyện Phù Cát", "Phòng Tư pháp - thành phố Quy Nhơn"])
def test_another_districts_office_is_not_ours(raw):
    # a province-wide export names each office with its district: the same office of another
    # district is unknown (the user is asked, and may teach it "not ours"), never counted as ours
    assert load_profile().match_unit(raw) is None


@pytest.mark.parametrize("raw, code", [("CN VPĐK đất đai huyện Tuy Phước", "CNVPDK"),
                                       ("Phòng Tài nguyên - Môi trường, huyện Tuy Phước, tỉnh Bình Định", "TNMT"),
                                       ("Phòng Tư pháp (tỉnh Bình Định)", "TP")])
def test_our_own_place_after_a_name_is_dropped(raw, code):
    assert load_profile().match_unit(raw).code == code


def _with_lines(src: Path, dst: Path, lines: list[list[str]]) -> Path:
    import csv

    rows = list(csv.reader(src.open(encoding="utf-8")))
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows + [line + [""] * (len(rows[0]) - len(line)) for line in lines])
    return dst


def test_the_lines_after_a_list_are_set_aside_and_said(tmp_path):
    clean = _imported(tmp_path, 0)
    f = gen_dossiers.write(ROWS, tmp_path / "d.csv", messy=2)
    blank = [""]
    place = [""] * 14 + ["Tuy Phước, ngày 05 tháng 01 năm 2023"]     # in a yes/no column
    f = _with_lines(f, tmp_path / "footer.csv", [["", "Tổng số: 3.000 hồ sơ"], blank, place, ["NGƯỜI LẬP BIỂU"]])
    con = dbm.connect(tmp_path / "footer.duckdb")
    r = import_file(con, f)
    assert r.status == "imported" and r.rows == ROWS
    assert _figures(con) == _figures(clean)
    # header on line 1, dossiers on lines 2..3001: the total on 3002, the blank line not named
    # (it holds nothing), the place and date on 3004; the signature sits in the STT column,
    # which is not read: a line of nothing, like the blank one
    said = [vi for vi, _en in r.report.notes if "không phải hồ sơ" in vi]
    assert said == ["2 dòng không phải hồ sơ (dòng tổng, ngày lập, chữ ký, dòng đánh số cột…: không có đơn vị, "
                    "ngày nào) được bỏ "
                    "qua — dòng 3002: «Tổng số: 3.000 hồ sơ»; 3004: «Tuy Phước, ngày 05 tháng 01 năm 2023»"]


@pytest.mark.parametrize("line", ["Cộng", "Tổng 200", "TOÀN HUYỆN", "Total", "Tuy Phước, ngày 05/01/2023"])
def test_a_total_or_the_date_of_the_list_in_the_code_column_is_set_aside(tmp_path, line):
    f = _with_lines(gen_dossiers.write(200, tmp_path / "d.csv", messy=2), tmp_path / "t.csv", [["", line]])
    r = import_file(dbm.connect(tmp_path / "t.duckdb"), f)
    assert r.rows == 200
    assert [vi for vi, _ in r.report.notes if "không phải hồ sơ" in vi][0].endswith(f"dòng 202: «{line}»")


def test_a_dossier_code_without_unit_or_date_is_still_an_error(tmp_path):
    from metrics.errors import ImportRejected

    # (a code that merely contains a total's word is a dossier: "H.CONG:1")
    f = _with_lines(gen_dossiers.write(200, tmp_path / "d.csv", messy=2), tmp_path / "bad.csv", [["", "H.CONG:1"]])
    with pytest.raises(ImportRejected) as e:
        import_file(dbm.connect(tmp_path / "bad.duckdb"), f)
    assert {(p.row, p.column) for p in e.value.problems} == {(202, "Đơn vị tiếp nhận"), (202, "Ngày tiếp nhận"),
                                                              (202, "Ngày hẹn trả")}


def test_a_dossier_without_its_unit_is_a_problem_not_a_crash(tmp_path):
    import csv

    from metrics.errors import ImportRejected

    f = gen_dossiers.write(50, tmp_path / "d.csv")
    rows = list(csv.reader(f.open(encoding="utf-8")))
    rows[5][4] = ""                                    # file line 6: the unit left blank
    with (tmp_path / "nu.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(ImportRejected) as e:
        import_file(dbm.connect(tmp_path / "nu.duckdb"), tmp_path / "nu.csv")
    assert [(p.row, p.column, p.vi) for p in e.value.problems] == [(6, "Đơn vị tiếp nhận", "Thiếu đơn vị")]


def _windows_vietnamese(text: str) -> bytes:
    """Text as Excel on a Vietnamese Windows saves a CSV: code page 1258, where most toned
    letters are a vowel (maybe with its hat or horn) followed by a combining tone mark."""
    import unicodedata

    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for m in list(marks):                  # fold in the marks 1258 has a letter for (â, ơ…)
            c = unicodedata.normalize("NFC", base + m)
            if len(c) == 1:
                try:
                    c.encode("cp1258")
                except UnicodeEncodeError:
                    continue
                base = c
                marks.remove(m)
        out += base.encode("cp1258") + "".join(marks).encode("cp1258")
    return bytes(out)


def test_a_csv_saved_in_windows_vietnamese_reads_as_its_utf8_twin(tmp_path):
    import gc
    import tempfile

    clean = _imported(tmp_path, 2)
    f = gen_dossiers.write(ROWS, tmp_path / "d2.csv", messy=2)
    raw = _windows_vietnamese(f.read_text(encoding="utf-8"))
    assert b"\xcc" in raw or b"\xec" in raw or b"\xd2" in raw          # tone marks apart from vowels
    (tmp_path / "excel_1258.csv").write_bytes(raw)
    before = set(Path(tempfile.gettempdir()).glob("reform-1258-*"))
    con = dbm.connect(tmp_path / "w.duckdb")
    r = import_file(con, tmp_path / "excel_1258.csv")
    assert (r.status, r.rows) == ("imported", ROWS)
    assert _figures(con) == _figures(clean)
    names = {x[0] for x in con.execute("SELECT DISTINCT procedure_name FROM dossiers").fetchall()}
    assert "Chứng thực bản sao từ bản chính" in names                    # composed, as typed
    gc.collect()
    assert set(Path(tempfile.gettempdir()).glob("reform-1258-*")) == before   # its UTF-8 copy is gone


def test_an_8_bit_csv_that_is_not_vietnamese_is_refused_with_what_to_do(tmp_path):
    from metrics.errors import ImportRejected

    f = tmp_path / "latin.csv"
    f.write_bytes("Mã hồ sơ,Ghi chú\nA1,café crème\n".encode("utf-8").replace("é".encode(), b"\xe9"))
    with pytest.raises(ImportRejected) as e:
        import_file(dbm.connect(tmp_path / "l.duckdb"), f)
    assert "hãy lưu lại với UTF-8" in e.value.problems[0].vi


def _workbook(path: Path, sheets: list[tuple[str, list[list]]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _summary_and_list(tmp_path):
    import csv

    f = gen_dossiers.write(200, tmp_path / "d.csv", messy=2)
    dossiers = list(csv.reader(f.open(encoding="utf-8")))
    summary = [["BÁO CÁO TỔNG HỢP HỒ SƠ"], ["Đơn vị", "Số hồ sơ"]] + [[f"Đơn vị {i}", 10 + i] for i in range(12)]
    notes = [["Ghi chú"], ["Số liệu xuất từ hệ thống một cửa"]]
    return _workbook(tmp_path / "xuat.xlsx", [("Hướng dẫn", notes), ("Tổng hợp", summary),
                                              ("Danh sách hồ sơ", dossiers), ("Sheet3", [])])


def test_a_workbook_is_read_from_the_sheet_of_the_kind_chosen(tmp_path):
    from metrics.errors import ImportRejected

    book = _summary_and_list(tmp_path)
    # on its own the import never guesses between a table and a list: it reads the first sheet
    # that heads something (past the notes), and when that one is refused, says where the list is
    with pytest.raises(ImportRejected) as e:
        import_file(dbm.connect(tmp_path / "a.duckdb"), book)
    assert [vi for vi, _ in e.value.hints] == ["Đã đọc trang tính «Tổng hợp»; trang «Danh sách hồ sơ» là danh sách "
                                               "hồ sơ: chọn loại «Danh sách hồ sơ» để đọc trang đó"]
    assert "→ Đã đọc trang tính «Tổng hợp»" in e.value.report()
    # the kind chosen picks the sheet, and the preview says which was read and which not
    r = import_file(dbm.connect(tmp_path / "x.duckdb"), book, kind="dossiers")
    assert (r.kind, r.rows) == ("dossiers", 200)
    assert r.report.notes[0] == (
        "Đọc trang tính «Danh sách hồ sơ»; không đọc «Hướng dẫn», «Tổng hợp» (mỗi lần nhập đọc một trang: "
        "tách trang đó ra tệp riêng nếu cần)",
        "Read the sheet «Danh sách hồ sơ»; not read: «Hướng dẫn», «Tổng hợp» (an import reads one sheet: save "
        "that one as a file of its own if needed)")


def test_a_report_with_a_sheet_of_late_dossiers_is_read_as_the_report(tmp_path):
    # II.06a with a detail sheet listing only the late dossiers: the list is no month's whole
    # count, so the report is read, as it always was
    import csv

    from tests import report_fixtures as rf

    import openpyxl

    report = rf.write_report(tmp_path / "bc.xlsx")
    rows = [list(r) for r in openpyxl.load_workbook(report).active.iter_rows(values_only=True)]
    late = list(csv.reader(gen_dossiers.write(20, tmp_path / "late.csv").open(encoding="utf-8")))
    book = _workbook(tmp_path / "bc.xlsx", [("Biểu II.06a", rows), ("Chi tiết hồ sơ trễ hạn", late)])
    r = import_file(dbm.connect(tmp_path / "r.duckdb"), book)
    assert r.kind == "report" and not [n for n in r.report.notes if "trang tính" in n[0]]


def test_a_workbook_of_one_list_says_nothing_of_sheets(tmp_path):
    import csv

    f = gen_dossiers.write(50, tmp_path / "d.csv")
    book = _workbook(tmp_path / "xuat.xlsx", [("Sheet1", list(csv.reader(f.open(encoding="utf-8")))),
                                              ("Sheet2", []), ("Sheet3", [])])
    r = import_file(dbm.connect(tmp_path / "x.duckdb"), book)
    assert r.rows == 50 and not [n for n in r.report.notes if "trang tính" in n[0]]


def test_a_windows_vietnamese_csv_refused_on_a_second_look_leaves_no_copy(tmp_path):
    import tempfile

    from metrics.errors import ImportRejected

    f = tmp_path / "trang.csv"
    f.write_bytes(b"\r\n" * 200 + _windows_vietnamese("Mã hồ sơ,Đơn vị tiếp nhận\nA1,Xã Phước Hưng\n"))
    before = set(Path(tempfile.gettempdir()).glob("reform-1258-*"))
    with pytest.raises(ImportRejected):
        import_file(dbm.connect(tmp_path / "t.duckdb"), f)
    assert set(Path(tempfile.gettempdir()).glob("reform-1258-*")) == before


def test_a_signature_under_the_unit_column_is_set_aside_but_a_unit_is_not(tmp_path):
    from metrics.errors import ImportRejected

    unit_col = 4
    sign = [[""] * unit_col + ["NGƯỜI LẬP BIỂU"], [""] * unit_col + ["(Ký, ghi rõ họ tên)"]]
    f = _with_lines(gen_dossiers.write(200, tmp_path / "d.csv", messy=2), tmp_path / "s.csv", sign)
    r = import_file(dbm.connect(tmp_path / "s.duckdb"), f)
    assert r.rows == 200
    assert [vi for vi, _ in r.report.notes if "không phải hồ sơ" in vi][0].endswith(
        "dòng 202: «NGƯỜI LẬP BIỂU»; 203: «(Ký, ghi rõ họ tên)»")
    # a unit named with a total's word ("Công an xã"), no code, no date: a dossier with its cells
    # missing, refused at its row — never set aside
    f = _with_lines(gen_dossiers.write(200, tmp_path / "d2.csv", messy=2), tmp_path / "c.csv",
                    [[""] * unit_col + ["Công an xã Phước Hưng"]])
    with pytest.raises(ImportRejected) as e:
        import_file(dbm.connect(tmp_path / "c.duckdb"), f)
    assert {p.row for p in e.value.problems} == {202}


def _with_first_line(src: Path, dst: Path, line: list[str]) -> Path:
    import csv

    rows = list(csv.reader(src.open(encoding="utf-8")))
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], line + [""] * (len(rows[0]) - len(line)), *rows[1:]])
    return dst


def test_signatures_across_columns_and_a_total_with_counts_are_set_aside(tmp_path):
    """Signatures under the unit and under a date column, and a total line whose count sits
    under the received date (its words in the row-number column, which is not read): set
    aside and named, where they refused the whole file."""
    sign = [[""] * 4 + ["NGƯỜI LẬP BIỂU"] + [""] * 5 + ["THỦ TRƯỞNG ĐƠN VỊ"],
            [""] * 4 + ["(Ký, ghi rõ họ tên)"] + [""] * 5 + ["(Ký tên, đóng dấu)"]]
    total = [["Tổng cộng"] + [""] * 8 + ["200"]]
    f = _with_lines(gen_dossiers.write(200, tmp_path / "d.csv", messy=2), tmp_path / "s.csv", total + sign)
    r = import_file(dbm.connect(tmp_path / "s.duckdb"), f)
    assert r.rows == 200
    note = [vi for vi, _ in r.report.notes if "không phải hồ sơ" in vi][0]
    assert note.startswith("3 dòng") and "«200»" in note and "NGƯỜI LẬP BIỂU" in note, note


@pytest.mark.parametrize("numbers", [[f"({k})" for k in range(1, 23)], [str(k) for k in range(1, 23)]])
def test_the_line_numbering_a_forms_columns_is_set_aside(tmp_path, numbers):
    f = _with_first_line(gen_dossiers.write(50, tmp_path / "d.csv", messy=2), tmp_path / "n.csv", numbers)
    r = import_file(dbm.connect(tmp_path / "n.duckdb"), f)
    assert r.rows == 50
    assert any("không phải hồ sơ" in vi and "dòng 2:" in vi for vi, _ in r.report.notes), r.report.notes


def test_a_first_dossier_is_never_taken_for_a_numbering_line(tmp_path):
    from metrics.errors import ImportRejected

    # a first line with a code and a unit written as small numbers, but a real date: a dossier
    line = ["1", "12", "", "", "21961", "", "", "", "", "1/8/2022", "5/8/2022"]
    f = _with_first_line(gen_dossiers.write(20, tmp_path / "d.csv", messy=2), tmp_path / "n.csv", line)
    r = import_file(dbm.connect(tmp_path / "n.duckdb"), f)
    assert r.rows == 21
    # and a numbering line further down is no numbering line: its cells are refused at its row
    f = _with_lines(gen_dossiers.write(20, tmp_path / "d2.csv", messy=2), tmp_path / "m.csv",
                    [[f"({k})" for k in range(1, 23)]])
    with pytest.raises(ImportRejected) as e:
        import_file(dbm.connect(tmp_path / "m.duckdb"), f)
    assert {p.row for p in e.value.problems} == {22}
