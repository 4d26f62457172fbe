"""Dates are parsed once, while the file is staged (issue 16): every format in any part of the
file is read right, blanks stay apart from cells that are not dates, and a problem shows the
date as it was read."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from metrics.store import db as dbm
from metrics.errors import ImportRejected
from metrics.importers.core import import_file
from tests import fixture_month as fm

COL = {h: i for i, h in enumerate(fm.HEADER)}
START = datetime(2022, 3, 1, 7, 30)


def _written(d: datetime, style: str) -> str:
    """A date as one of the forms real exports mix in one column."""
    return {
        "iso": d.strftime("%Y-%m-%d %H:%M:%S"),
        "dmy": d.strftime("%d/%m/%Y"),
        "dmy_hm": d.strftime("%d/%m/%Y %H:%M"),
        "compact": d.strftime("%Y%m%d%H%M%S"),          # the national sync record's form
        "padded": f"  {d.strftime('%d/%m/%Y %H:%M')} ",
        "serial": str((d - datetime(1899, 12, 30)).days),  # an Excel day number
    }[style]


def _as_read(d: datetime, style: str) -> datetime:
    if style == "dmy" or style == "serial":
        return datetime(d.year, d.month, d.day)
    if style in ("dmy_hm", "padded"):
        return d.replace(second=0)
    return d


def _rows(n: int) -> tuple[list[list[str]], dict[str, tuple]]:
    """n dossiers of one unit whose date forms change along the file: only ISO in the first
    rows (what the head shows), then the others in turn, a form that appears only in the
    middle, and a last stretch of a form seen nowhere else."""
    base = fm.rows_with_personal_data()[1]           # a finished certification dossier (A2)
    rows, expected = [], {}
    for k in range(n):
        if k < 200:
            style = "iso"
        elif k > n - 150:
            style = "compact"
        elif n // 2 <= k < n // 2 + 50:
            style = "serial"
        else:
            style = ("dmy", "dmy_hm", "padded")[k % 3]
        rec = START + timedelta(days=k % 200, minutes=7 * (k % 60))
        due = rec + timedelta(days=10)
        fin = rec + timedelta(days=3, hours=2)
        r = list(base)
        r[COL["STT"]] = str(k + 1)
        r[COL["Mã hồ sơ"]] = f"M{k:05d}"
        r[COL["Ngày tiếp nhận"]] = _written(rec, style)
        r[COL["Ngày hẹn trả"]] = _written(due, style)
        r[COL["Ngày kết thúc xử lý"]] = "" if k % 7 == 0 else _written(fin, style)
        rows.append(r)
        expected[f"M{k:05d}"] = (_as_read(rec, style), _as_read(due, style),
                                 None if k % 7 == 0 else _as_read(fin, style))
    return rows, expected


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(fm.HEADER)
        w.writerows(rows)
    return path


def _write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(fm.HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_date_form_anywhere_in_the_file_is_read(tmp_path, con, kind):
    rows, expected = _rows(4000 if kind == "csv" else 1200)
    f = (_write_csv if kind == "csv" else _write_xlsx)(tmp_path / f"mixed.{kind}", rows)
    r = import_file(con, f)
    assert r.status == "imported" and r.rows == len(expected)
    got = {code: (a, b, c) for code, a, b, c in con.execute(
        "SELECT dossier_code, received_at, due_at, finished_at FROM dossiers WHERE is_current").fetchall()}
    assert got == expected


def _problem(tmp_path, con, edit) -> ImportRejected:
    rows = fm.rows_with_personal_data()
    edit(rows)
    with pytest.raises(ImportRejected) as e:
        import_file(con, _write_csv(tmp_path / "bad.csv", rows))
    return e.value


def test_a_date_out_of_order_is_shown_as_it_was_read(tmp_path, con):
    def edit(rows):
        tp2 = next(r for r in rows if r[1] == "TP2")
        tp2[COL["Ngày tiếp nhận"]] = "2022-08-10 09:00:00"
        tp2[COL["Ngày kết thúc xử lý"]] = " 2022-08-09 16:45:00"
        a2 = next(r for r in rows if r[1] == "A2")
        a2[COL["Ngày hẹn trả"]] = "20220801"              # due before its received day 03/08
    err = _problem(tmp_path, con, edit)
    shown = {(p.column, p.value) for p in err.problems}
    # the cell's date in the day-first form the interface uses (its time only when it has one)
    assert ("Ngày kết thúc xử lý", "09/08/2022 16:45") in shown
    assert ("Ngày hẹn trả", "01/08/2022") in shown
    assert err.total == 2


def test_a_cell_that_is_not_a_date_keeps_its_text(tmp_path, con):
    def edit(rows):
        next(r for r in rows if r[1] == "A3")[COL["Ngày tiếp nhận"]] = "  10/08/22022 "
    err = _problem(tmp_path, con, edit)
    assert [(p.column, p.value) for p in err.problems] == [("Ngày tiếp nhận", "10/08/22022")]


def _with_status(rows: list[list[str]], status: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    header = fm.HEADER + ["Trạng thái"]
    return header, [r + [status.get(r[1], "Đã trả kết quả" if r[COL["Ngày kết thúc xử lý"]] else "Đang xử lý")]
                    for r in rows]


def _write_status_csv(path: Path, header, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_never_received_means_a_blank_date_not_an_unreadable_one(tmp_path, con):
    rows = fm.rows_with_personal_data()
    extra = list(rows[0])
    extra[1], extra[COL["Ngày tiếp nhận"]], extra[COL["Ngày kết thúc xử lý"]] = "NEW1", "", ""
    odd = list(rows[0])
    odd[1], odd[COL["Ngày tiếp nhận"]], odd[COL["Ngày kết thúc xử lý"]] = "NEW2", "chưa rõ", ""
    header, data = _with_status(rows + [extra], {"NEW1": "Mới đăng ký"})
    r = import_file(con, _write_status_csv(tmp_path / "ok.csv", header, data))
    # the blank one is left out and said so; every other dossier is kept
    assert r.rows == len(rows)
    assert any("1 hồ sơ chưa được tiếp nhận" in w for w in r.warnings)
    header, data = _with_status(rows + [odd], {"NEW2": "Mới đăng ký"})
    with pytest.raises(ImportRejected) as e:
        import_file(con, _write_status_csv(tmp_path / "odd.csv", header, data))
    # a received date that is not a date is an error to mend, not a dossier quietly dropped
    assert [(p.column, p.value) for p in e.value.problems] == [("Ngày tiếp nhận", "chưa rõ")]


def _sheet(tmp_path, edit) -> Path:
    rows = [list(r) for r in fm.rows_with_personal_data()]
    edit(rows)
    return _write_xlsx(tmp_path / "cells.xlsx", rows)


def test_workbook_cells_are_trimmed_as_python_strips_them(tmp_path, con):
    """Cells pasted from the web carry no-break spaces, tabs and line breaks around their text:
    they are taken off (DuckDB's trim alone takes spaces only), and a cell of such characters
    only is blank."""
    def edit(rows):
        a1 = next(r for r in rows if r[1] == "A1")
        a1[1] = "\u00a0A1\t"
        a1[COL["Kết quả điện tử"]] = "x\n"                   # yes
        a1[COL["Số hóa hồ sơ"]] = "\u3000"                  # blank: no
        a1[COL["Ngày tiếp nhận"]] = " 02/08/2022 08:15\u00a0"
        # a carriage return at the end of a cell (saved as _x000D_ by .NET exporters) and one
        # inside a cell: neither ends the row
        a1[COL["Tên TTHC"]] = "Đăng ký khai sinh\r"
        a1[COL["Cán bộ xử lý"]] = "Lê Văn\rTâm"
    import_file(con, _sheet(tmp_path, edit))
    row = con.execute("SELECT dossier_code, e_result, digitised, received_at, procedure_name FROM dossiers "
                      "WHERE dossier_code LIKE '%A1%'").fetchall()
    assert row == [("A1", True, False, datetime(2022, 8, 2, 8, 15), "Đăng ký khai sinh")]
    assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == len(fm.ROWS)


def test_workbook_numbers_and_dates_as_cells(tmp_path, con):
    """Numbers are written as a person reads them (a whole number without '.0'), date cells as
    the dates they hold: the column then takes the converting path, with the same result."""
    def edit(rows):
        for k, r in enumerate(rows):
            r[1] = 1000 + k                                  # codes as numbers
        rows[0][COL["Ngày tiếp nhận"]] = datetime(2022, 8, 2, 8, 15)
    import_file(con, _sheet(tmp_path, edit))
    codes = [r[0] for r in con.execute("SELECT dossier_code FROM dossiers ORDER BY row_no").fetchall()]
    assert codes == [str(1000 + k) for k in range(len(fm.ROWS))]
    assert con.execute("SELECT received_at FROM dossiers WHERE dossier_code = '1000'").fetchone()[0] == \
        datetime(2022, 8, 2, 8, 15)


@pytest.mark.parametrize("on_disk", [False, True])
def test_an_import_with_little_memory_sets_aside_and_leaves_nothing(tmp_path, monkeypatch, on_disk):
    """The import's DuckDB is bounded: staged in memory, to the staged rows plus room for the
    write (core._bound_memory); staged on disk (a large file), by the file's size
    (core.import_memory). With almost no room a step runs out of memory and is done again
    unbounded (a write rolled back first): the import lands all the same, and leaves no folder
    (nor the working database's file) behind."""
    import tempfile

    from metrics.importers import core

    rows, expected = _rows(300)
    f = _write_csv(tmp_path / "m.csv", rows)
    spills = tmp_path / "tmp"
    spills.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spills))
    if on_disk:
        monkeypatch.setattr(core, "STAGE_ON_DISK_BYTES", 0)
        monkeypatch.setattr(core, "import_memory", lambda size: "1MiB")
    else:
        monkeypatch.setattr(core, "WRITE_ROOM_MIB", 1)
    homes = []
    made = core._work_database

    def work_database(*a):
        work, home = made(*a)
        homes.append(home)
        return work, home
    monkeypatch.setattr(core, "_work_database", work_database)
    short = []

    def watched(step):
        def run(*a, **k):
            try:
                return step(*a, **k)
            except Exception as exc:
                short.append(type(exc).__name__)
                raise
        return run
    # the bounded steps: reading and checking the file, the check against the store, the write
    monkeypatch.setattr(core, "_prepare", watched(core._prepare))
    monkeypatch.setattr(core, "_before", watched(core._before))
    monkeypatch.setattr(core, "_write", watched(core._write))
    store = tmp_path / "s.duckdb"
    dbm.connect(store).close()
    r = core.import_file_apart(store, f)
    assert homes == (["reform_work"] if on_disk else ["memory"])
    assert short == ["OutOfMemoryException"]        # the bounded try ran short, once
    assert r.status == "imported" and r.rows == len(expected)
    assert list(spills.iterdir()) == []
    # (a large file's working database goes beside the store, and goes)
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".reform-import")] == []
    c = dbm.connect(store)
    try:
        assert c.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0] == len(expected)
    finally:
        c.close()


def _us(d: datetime, hm: bool = True) -> str:
    """A date as a system on an English (US) culture writes it: month first, AM/PM."""
    out = f"{d.month}/{d.day}/{d.year}"
    return out + " " + d.strftime("%I:%M:%S %p").lstrip("0") if hm else out


def _dated_rows(n: int, write) -> tuple[list[list[str]], dict[str, tuple]]:
    base = fm.rows_with_personal_data()[1]
    rows, expected = [], {}
    for k in range(n):
        rec = START + timedelta(days=k % 200, minutes=7 * (k % 60))
        due, fin = rec + timedelta(days=10), rec + timedelta(days=3, hours=2)
        r = list(base)
        r[COL["STT"]], r[COL["Mã hồ sơ"]] = str(k + 1), f"U{k:05d}"
        r[COL["Ngày tiếp nhận"]], r[COL["Ngày hẹn trả"]] = write(rec, True), write(due, False)
        r[COL["Ngày kết thúc xử lý"]] = write(fin, True)
        rows.append(r)
        expected[f"U{k:05d}"] = (rec.replace(second=0) if rec.second else rec, datetime(due.year, due.month, due.day),
                                 fin)
    return rows, expected


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_that_proves_month_first_is_read_month_first(tmp_path, con, kind):
    # a system on an English culture: "3/25/2022 7:30:00 AM"; the 25 in second place proves the
    # order for the whole file, its 3/5/2022 included
    rows, expected = _dated_rows(600, _us)
    f = (_write_csv if kind == "csv" else _write_xlsx)(tmp_path / f"us.{kind}", rows)
    r = import_file(con, f)
    assert r.rows == 600
    # said, with a date of the file that proves it
    assert [n[0] for n in r.report.notes if "tháng trước ngày" in n[0]][0].startswith(
        "Ngày trong tệp viết tháng trước ngày (như «")
    got = {code: (a, b, c) for code, a, b, c in con.execute(
        "SELECT dossier_code, received_at, due_at, finished_at FROM dossiers WHERE is_current").fetchall()}
    assert got == expected


def test_a_month_first_file_with_two_digit_years_is_read_month_first(tmp_path, con):
    """"8/25/22 2:30:00 PM": the 25 proves the order as with a four-digit year (it was never
    proven, and the file refused); the year is this century's."""
    def us_short(d: datetime, hm: bool = True) -> str:
        out = _us(d, hm)
        return out.replace(f"/{d.year}", f"/{d.year % 100:02d}", 1)

    rows, expected = _dated_rows(300, us_short)
    r = import_file(con, _write_csv(tmp_path / "us22.csv", rows))
    assert r.rows == 300
    assert any("tháng trước ngày" in n[0] for n in r.report.notes)
    assert any("hai chữ số" in n[0] for n in r.report.notes)
    got = {code: (a, b, c) for code, a, b, c in con.execute(
        "SELECT dossier_code, received_at, due_at, finished_at FROM dossiers WHERE is_current").fetchall()}
    assert got == expected


def test_ambiguous_dates_alone_stay_day_first(tmp_path, con):
    # every date with both parts 12 or less: nothing proves month first, so 3/5/2022 is 3 May
    r = list(fm.rows_with_personal_data()[1])
    r[COL["Ngày tiếp nhận"]], r[COL["Ngày hẹn trả"]], r[COL["Ngày kết thúc xử lý"]] = \
        "3/5/2022 07:30", "10/5/2022", "4/5/2022 14:00"
    res = import_file(con, _write_csv(tmp_path / "amb.csv", [r]))
    assert con.execute("SELECT received_at, due_at, finished_at FROM dossiers").fetchone() == \
        (datetime(2022, 5, 3, 7, 30), datetime(2022, 5, 10), datetime(2022, 5, 4, 14, 0))
    assert not [n for n in res.report.notes if "tháng trước ngày" in n[0]]


def test_ambiguous_am_pm_dates_are_refused_not_guessed(tmp_path, con):
    # AM/PM is an English culture's mark, but 8/1/2022 proves no order: refused by row, as the
    # domain asks (never month first on a guess, nor day first)
    rows, _ = _dated_rows(12, lambda d, hm: _us(d.replace(day=min(d.day, 12)), hm))
    for r in rows:
        r[COL["Ngày hẹn trả"]] = r[COL["Ngày kết thúc xử lý"]] = ""
    with pytest.raises(ImportRejected) as e:
        import_file(con, _write_csv(tmp_path / "ampm.csv", rows))
    assert {p.vi for p in e.value.problems} >= {"Ngày không hợp lệ"}


def test_one_stray_month_first_date_proves_nothing(tmp_path, con):
    # ten day-first dates and one typo 08/13/2022: not month first for the whole file (every
    # 01/08 would have become 8 January); the typo is refused at its row
    rows, _ = _dated_rows(11, lambda d, hm: d.strftime("%d/%m/%Y"))
    rows[5][COL["Ngày tiếp nhận"]] = "08/13/2022"
    with pytest.raises(ImportRejected) as e:
        import_file(con, _write_csv(tmp_path / "typo.csv", rows))
    assert [(p.row, p.value) for p in e.value.problems if p.column == "Ngày tiếp nhận"] == [(7, "08/13/2022")]


def test_a_file_with_both_orders_is_read_day_first_and_the_rest_refused(tmp_path, con):
    rows, _ = _dated_rows(40, _us)
    rows[5][COL["Ngày tiếp nhận"]] = "25/03/2022 07:30"          # one day-first cell: no proof either way
    with pytest.raises(ImportRejected) as e:
        import_file(con, _write_csv(tmp_path / "both.csv", rows))
    assert {p.vi for p in e.value.problems} == {"Ngày không hợp lệ"} and e.value.total > 1


def test_an_apology_date_of_a_month_first_file_is_read_month_first(tmp_path, con):
    rows, _ = _dated_rows(60, _us)
    rows[0][COL["Phiếu xin lỗi"]] = "8/24/2022"
    import_file(con, _write_csv(tmp_path / "us_apology.csv", rows))
    assert con.execute("SELECT apology_sent, apology_at FROM dossiers WHERE dossier_code = 'U00000'").fetchone() \
        == (True, datetime(2022, 8, 24))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_year_written_with_two_digits_is_this_centurys_and_said(tmp_path, con, kind):
    """strptime's %Y reads "02/08/22" as the year 22: imported as such it landed in "22-08",
    outside every page, with the file said imported."""
    def short(v: str) -> str:                         # "03/08/2022 08:00" -> "03/08/22 08:00"
        d, _, rest = v.partition(" ")
        return (d[:-4] + d[-2:] + (" " + rest if rest else "")) if len(d) == 10 and d[2] == "/" else v

    rows = fm.rows_with_personal_data()
    for r in rows:
        for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý"):
            r[COL[col]] = short(r[COL[col]])
    assert any(len(r[COL["Ngày tiếp nhận"]].split(" ")[0]) == 8 for r in rows)     # the case is there
    f = (_write_csv if kind == "csv" else _write_xlsx)(tmp_path / f"short.{kind}", rows)
    r = import_file(con, f)
    assert r.status == "imported" and r.periods and all(p.startswith("2022-") for p in r.periods), r.periods
    years = {y for (y,) in con.execute("SELECT DISTINCT year(received_at) FROM dossiers").fetchall()}
    assert years == {2022}
    assert any("hai chữ số" in w for w in r.warnings), r.warnings


def test_a_year_before_1900_is_no_date(tmp_path, con):
    from metrics.importers.values import parse_date

    def edit(rows):
        next(r for r in rows if r[1] == "A3")[COL["Ngày tiếp nhận"]] = "10/08/202"
    err = _problem(tmp_path, con, edit)
    assert [(p.column, p.value) for p in err.problems] == [("Ngày tiếp nhận", "10/08/202")]
    assert parse_date("02/08/22").year == 2022 and parse_date("02/08/202") is None
    # only a year written with two digits is this century's; one digit or "0022" is no date
    assert parse_date("22/8/2") is None and parse_date("10/08/0022") is None
    assert parse_date("1/1/00").year == 2000 and parse_date("14:30 02/08/22").year == 2022


def test_iso_dates_with_milliseconds_are_read(tmp_path, con):
    """As an API writes them ("2022-08-03T08:00:00.000"): they were refused as not dates."""
    rows = fm.rows_with_personal_data()
    wanted = {}
    for r in rows:
        d = datetime.strptime(r[COL["Ngày tiếp nhận"]].split(" ")[0], "%d/%m/%Y") \
            if "/" in r[COL["Ngày tiếp nhận"]] else None
        if d is not None:
            r[COL["Ngày tiếp nhận"]] = d.strftime("%Y-%m-%dT08:00:00.000")
            wanted[r[1]] = d.replace(hour=8)
    assert wanted
    r = import_file(con, _write_csv(tmp_path / "iso.csv", rows))
    assert r.status == "imported"
    got = dict(con.execute("SELECT dossier_code, received_at FROM dossiers").fetchall())
    assert all(got[code] == d for code, d in wanted.items())


def test_a_pending_status_with_a_finished_date_is_counted_resolved_and_said(tmp_path, con):
    rows = fm.rows_with_personal_data()
    done = next(r for r in rows if r[COL["Ngày kết thúc xử lý"]])
    header, data = _with_status(rows, {done[1]: "Đang xử lý"})
    r = import_file(con, _write_status_csv(tmp_path / "st.csv", header, data))
    assert r.status == "imported"
    assert any("trạng thái đang xử lý nhưng có ngày kết thúc" in w and w.startswith("1 hồ sơ") for w in r.warnings), \
        r.warnings
    assert con.execute("SELECT finished_at IS NOT NULL FROM dossiers WHERE dossier_code = ?",
                       [done[1]]).fetchone()[0]
