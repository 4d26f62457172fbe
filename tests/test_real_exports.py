"""The five families of real exports (tests/real_exports.py) import as CSV, XLSX and the
HTML table saved as .xls, with the figures worked out by hand beside their rows; every column
is read or left out with a reason; what a file does not carry is unknown, never 0."""
from __future__ import annotations

import csv
import io
import math
import random
from datetime import date

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.store import db
from metrics.cli import main
from metrics.errors import ImportRejected
from metrics.importers.core import import_file
from tests import real_exports as rx

FORMATS = rx.FORMATS


def kpis(capsys, dbfile, period="2022-08") -> dict[str, dict]:
    code = main(["kpis", "--period", period, "--format", "csv", "--db", str(dbfile)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return {r["unit_code"]: r for r in csv.DictReader(io.StringIO(out.out))}


def check(rows: dict, expected: dict[str, dict], kpi_expected: dict | None = None, unknown=()) -> None:
    for unit, counters in expected.items():
        for name, value in counters.items():
            assert rows[unit][name] == str(value), (unit, name, rows[unit][name], value)
        for name in unknown:
            assert rows[unit][name] == "", (unit, name, rows[unit][name])
    for unit, ks in (kpi_expected or {}).items():
        for name, value in ks.items():
            got = rows[unit][name]
            if value is None:
                assert got == "", (unit, name, got)
            else:
                assert math.isclose(float(got), value, abs_tol=0.0001), (unit, name, got, value)


def imported(tmp_path, f, **kw):
    dbfile = tmp_path / "t.duckdb"
    con = db.connect(dbfile)
    try:
        r = import_file(con, f, **kw)
    finally:
        con.close()
    return dbfile, r


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_stop_list(tmp_path, capsys, fmt):
    dbfile, r = imported(tmp_path, rx.one_stop_list(tmp_path / "danh_sach", fmt))
    assert r.kind == "dossiers" and r.rows == 7                  # H3 was never received
    check(kpis(capsys, dbfile), rx.ONE_STOP_EXPECTED, rx.ONE_STOP_KPIS, rx.ONE_STOP_UNKNOWN)
    cols = {c.heading: c for c in r.report.columns}
    assert [cols[h].reason for h in ("Địa chỉ", "Người nộp", "Chủ hồ sơ")] == ["personal"] * 3
    assert cols["STT"].reason == "ordinal" and cols["Ngày nộp hồ sơ"].reason == "submitted"
    assert cols["Ngày nhận"].read_as == "received_at" and cols["Trạng thái"].read_as == "status"
    assert "online_rate" in r.report.unknown_kpis and "on_time_rate" not in r.report.unknown_kpis
    notes = " ".join(en for _, en in r.report.notes)
    assert "1 dossiers never received" in notes and "withdrawn status but no finished date" in notes
    # no personal data reached the database
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        for table in ("dossiers", "imports", "audit"):
            text = str(con.execute(f"SELECT * FROM {table}").fetchall())
            assert "Hồng Nhung" not in text and "Phú Mỹ" not in text
    finally:
        con.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_stop_list_with_field_and_resolving_unit(tmp_path, capsys, fmt):
    dbfile, r = imported(tmp_path, rx.one_stop_variant(tmp_path / "danh_sach", fmt))
    rows = kpis(capsys, dbfile)
    check(rows, rx.VARIANT_EXPECTED)
    # the one-stop shop received them all; the units are the resolving departments
    assert set(rows) == {"ALL", "TP", "CNVPDK", "TNMT"}
    cols = {c.heading: c for c in r.report.columns}
    assert cols["Đơn vị/ cá nhân giải quyết"].read_as == "unit"
    assert cols["Đơn vị tiếp nhận"].reason == "unit_not_chosen"
    # with a field column, certification is known; the e-copy column is absent: unknown
    assert rows["TP"]["e_certified"] == ""


def test_personal_columns_are_known_by_their_words(tmp_path):
    # headings the list of personal headings does not spell out are still personal
    f = tmp_path / "ca_nhan.csv"
    f.write_text("Mã hồ sơ,Đơn vị,Tên TTHC,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Số CCCD,SĐT người nộp,"
                 "Địa chỉ thường trú\n"
                 "CN1,Phòng Tư pháp,Chứng thực,01/08/2022,03/08/2022,02/08/2022,052090001234,0905123456,"
                 "thôn Vinh Thạnh\n", encoding="utf-8")
    dbfile, r = imported(tmp_path, f)
    cols = {c.heading: c for c in r.report.columns}
    assert [cols[h].reason for h in ("Số CCCD", "SĐT người nộp", "Địa chỉ thường trú")] == ["personal"] * 3
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        text = str(con.execute("SELECT * FROM dossiers").fetchall())
    finally:
        con.close()
    assert "052090001234" not in text and "0905123456" not in text and "Vinh Thạnh" not in text


def test_e_copies_without_a_field_column_are_unknown(tmp_path, capsys):
    # the e-copy column says yes/no, but with no field column nobody knows which dossiers are
    # certifications: e-certified copies are unknown, as certified is, never 0
    f = tmp_path / "ban_sao.csv"
    f.write_text("Mã hồ sơ,Đơn vị,Tên TTHC,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Bản sao điện tử\n"
                 "BS1,Phòng Tư pháp,Chứng thực bản sao,01/08/2022,03/08/2022,02/08/2022,Có\n"
                 "BS2,Phòng Tư pháp,Chứng thực chữ ký,02/08/2022,04/08/2022,03/08/2022,Không\n", encoding="utf-8")
    dbfile, _ = imported(tmp_path, f)
    rows = kpis(capsys, dbfile)
    assert rows["TP"]["received_total"] == "2"
    assert rows["TP"]["certified"] == "" and rows["TP"]["e_certified"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_national_sync_record(tmp_path, capsys, fmt):
    dbfile, r = imported(tmp_path, rx.sync_record(tmp_path / "dong_bo", fmt))
    assert r.rows == 5
    check(kpis(capsys, dbfile), rx.SYNC_EXPECTED, rx.SYNC_KPIS)
    rows = kpis(capsys, dbfile)
    for name in rx.SYNC_UNKNOWN:
        assert rows["21961"][name] == "", name
    assert rows["21958"]["fee_dossiers"] == ""
    assert "fee_dossiers" in r.report.unknown_counters and "online_payment_rate" in r.report.unknown_kpis
    # five dossiers kept, one paid online (code 1): four say nothing of a fee
    assert any(vi.startswith("4 hồ sơ có tình trạng thanh toán 0, 3") for vi, _ in r.report.notes)
    cols = {c.heading: c for c in r.report.columns}
    assert cols["HinhThuc"].reason == "meaning_unknown"
    assert cols["NgayTra"].reason == "duplicate" and cols["NgayTra"].note == "M"   # NgayKetThucXuLy is read
    assert cols["DuocThanhToanTrucTuyen"].read_as == "fee_payment"
    assert {cols[h].reason for h in ("ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai")} == {"personal"}


def test_a_fee_state_in_words_or_taught_gives_the_fee_bearing_count(tmp_path, capsys):
    # words say whether a fee is due; 1 and 2 are paid online whatever else the file says
    f = tmp_path / "phi.csv"
    f.write_text("Mã hồ sơ,Đơn vị,Tên TTHC,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Tình trạng thanh toán\n"
                 "P1,Phòng Tư pháp,Chứng thực,01/08/2022,03/08/2022,02/08/2022,Không có phí\n"
                 "P2,Phòng Tư pháp,Chứng thực,01/08/2022,03/08/2022,02/08/2022,Chưa thanh toán\n"
                 "P3,Phòng Tư pháp,Chứng thực,01/08/2022,03/08/2022,02/08/2022,2\n"
                 "P4,Phòng Tư pháp,Chứng thực,01/08/2022,03/08/2022,02/08/2022,Đã thanh toán trực tuyến\n",
                 encoding="utf-8")
    dbfile, r = imported(tmp_path, f)
    rows = kpis(capsys, dbfile)
    # fee-bearing: P2, P3, P4 (3); paid online: P3, P4 (2); rate 2/3
    assert (rows["TP"]["fee_dossiers"], rows["TP"]["paid_online"]) == ("3", "2")
    assert float(rows["TP"]["online_payment_rate"]) == pytest.approx(200 / 3)
    assert "fee_dossiers" not in r.report.unknown_counters


def current_report_rows(dbfile) -> dict:
    """unit_code → the report counters of domain 3.2, as stored for the current report."""
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        return {row[0]: row[1:] for row in con.execute(
            f"SELECT unit_code, {', '.join(rx.REPORT_COUNTERS)} FROM report_rows WHERE is_current").fetchall()}
    finally:
        con.close()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", ["06a", "06_variant"])
def test_report_06_as_printed(tmp_path, capsys, fmt, layout):
    write = rx.report_06a if layout == "06a" else rx.report_06_variant
    dbfile, r = imported(tmp_path, write(tmp_path / "bieu06", fmt))
    assert r.kind == "report" and r.periods == ["2022-08"] and r.rows == 3
    assert current_report_rows(dbfile) == {rx.REPORT_CODES[r[0]]: tuple(r[1:]) for r in rx.REPORT_ROWS}
    assert all(c.read_as or c.reason in ("ordinal",) for c in r.report.columns), r.report.columns


def test_a_unit_without_figures_below_a_total_first_is_said(tmp_path):
    # the total first, then the units, the last with every cell blank: unknown (no row), said
    dbfile, r = imported(tmp_path, rx.report_06_variant(tmp_path / "bieu06", "csv", silent_unit=True))
    assert r.rows == 3 and "YT" not in current_report_rows(dbfile)
    assert any(en.endswith("«Phòng Y tế» has no figures, not imported") for _, en in r.report.notes)


@pytest.mark.parametrize("fmt", FORMATS)
def test_land_registry_table(tmp_path, capsys, fmt):
    dbfile, r = imported(tmp_path, rx.land_table(tmp_path / "dat_dai", fmt))
    assert r.units == ["CNVPDK"]
    rows = kpis(capsys, dbfile)
    check(rows, {"CNVPDK": rx.LAND_EXPECTED}, {"CNVPDK": rx.LAND_KPIS}, rx.LAND_UNKNOWN)
    cols = {c.heading: c for c in r.report.columns}
    assert cols["Đã giải quyết / Tỷ lệ trễ hạn (%)"].reason == "percent"
    assert cols["Số hồ sơ phải giải quyết / Tiếp nhận trong kỳ / Trực tiếp"].read_as == "received_direct_post"
    assert any("appears under 2 items" in en for _, en in r.report.notes)


def test_land_table_with_excel_percent_cells_agrees_with_its_counts(tmp_path):
    # 0.0833 in a cell formatted as a percentage is 8,33 %: it matches 5 late of 60, no warning
    _, r = imported(tmp_path, rx.land_table(tmp_path / "dat_dai", "xlsx", fractions=True))
    assert not any("does not match the row's counts" in en for _, en in r.report.notes), r.report.notes


def test_land_table_whose_percentages_disagree_says_so(tmp_path):
    f = rx.land_table(tmp_path / "dat_dai", "csv")
    f.write_text(f.read_text(encoding="utf-8-sig").replace("8,33", "12,50"), encoding="utf-8")
    _, r = imported(tmp_path, f)
    assert any("does not match the row's counts" in en for _, en in r.report.notes)


def test_land_table_of_the_province_refuses_other_branches_by_name(tmp_path):
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, rx.land_table(tmp_path / "dat_dai", "csv", other_branch=True))
    assert "Chi nhánh An Nhơn" in e.value.report()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("month_columns", [False, True])
def test_official_766_table(tmp_path, fmt, month_columns):
    dbfile, r = imported(tmp_path, rx.official_766(tmp_path / "chi_so_766", fmt, month_columns))
    assert r.kind == "official" and r.periods == ["2022-08"]
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        got = {row[0]: row[1:] for row in con.execute(
            "SELECT code, transparency, progress, online, satisfaction, digitisation, total FROM official_scores "
            "WHERE is_current AND level = 'peer' AND period = DATE '2022-08-01'").fetchall()}
    finally:
        con.close()
    want = {rx.OFFICIAL_CODES[r[0]]: tuple(float(x.replace(",", ".")) for x in r[1:]) for r in rx.OFFICIAL_ROWS}
    assert got == want


def test_official_scores_beside_the_estimate(tmp_path, sample_db, copy_db):
    from metrics.rules import official, score
    from metrics.model.profile import load_profile

    dbfile = copy_db(sample_db)
    con = db.connect(dbfile)
    try:
        import_file(con, rx.official_766(tmp_path / "chi_so_766", "csv"))
        profile = load_profile()
        ranking = score.peer_ranking(con, date(2022, 8, 1), profile=profile)
        cmp = official.comparison(con, date(2022, 8, 1), ranking, profile.indicators).set_index("code")
    finally:
        con.close()
    # official ranks among the four published: Quy Nhơn 80, An Nhơn 74,5, Tuy Phước 73, Phù Cát 67
    assert cmp.loc[["540", "549", "550", "548"], "official_rank"].tolist() == [1, 2, 3, 4]
    assert cmp.loc["550", "official_progress"] == 17.5
    # the estimate's progress group in official points is 20 × the progress share; its error is that minus 17.5
    me = ranking[ranking.peer_code == "550"].iloc[0]
    est = 20 * min(1.0, float(me["value_progress"]))
    assert math.isclose(cmp.loc["550", "error_progress"], est - 17.5)
    assert cmp.loc["550", "official_transparency"] == 15.0 and pd_isna(cmp.loc["550", "error_transparency"])


@pytest.mark.parametrize("with_total", [True, False])
def test_official_online_payment_printed_apart_joins_its_group(tmp_path, with_total):
    # the portal may print online payment (10 points) beside online submission (12): the
    # estimate's online group is both (22), so "online" is stored as their sum; compared
    # with submission alone its error was off by the payment's points
    head = ["STT", "Đơn vị", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến",
            "Thanh toán trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ"] + (["Tổng điểm"] if with_total else [])
    # Tuy Phước: 15 + 17,5 + (7,4 + 5,0) + 15,5 + 12,6 = 73,0; Quy Nhơn 16,5 + 18,2 + (9 + 6) + 16 + 14,3 = 80
    rows = [[1, "Huyện Tuy Phước", "15,0", "17,5", "7,4", "5,0", "15,5", "12,6"] + (["73,0"] if with_total else []),
            [2, "TP Quy Nhơn", "16,5", "18,2", "9,0", "6,0", "16,0", "14,3"] + (["80,0"] if with_total else [])]
    f = rx.write(tmp_path / "chi_so_766_tt", "csv", [["CHỈ SỐ 766"], ["Tháng 8 năm 2022"]], [head] + rows)
    dbfile, r = imported(tmp_path, f)
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        got = dict(con.execute("SELECT code, online FROM official_scores WHERE is_current").fetchall())
    finally:
        con.close()
    assert got == {"550": pytest.approx(12.4), "540": pytest.approx(15.0)}


def test_official_online_payment_inside_its_group_is_not_added_twice(tmp_path):
    # a breakdown column: online (22-point group) 15,0 already holds payment 6,0 (the total says so)
    head = ["STT", "Đơn vị", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến",
            "Thanh toán trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ", "Tổng điểm"]
    rows = [[1, "TP Quy Nhơn", "16,5", "18,2", "15,0", "6,0", "16,0", "14,3", "80,0"]]
    f = rx.write(tmp_path / "chi_so_766_in", "csv", [["CHỈ SỐ 766"], ["Tháng 8 năm 2022"]], [head] + rows)
    dbfile, r = imported(tmp_path, f)
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        assert con.execute("SELECT online FROM official_scores WHERE is_current").fetchone()[0] == 15.0
    finally:
        con.close()


def pd_isna(v) -> bool:
    import pandas as pd

    return v is None or pd.isna(v)


def test_a_unit_pasted_under_two_level_sections_is_refused(tmp_path):
    # sections by level (districts' offices, communes) with one office pasted again under the
    # communes and the total counting it twice: a row pasted twice, not items to add up
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, rx.report_06a(tmp_path / "bieu06_hai_lan", "csv", pasted_twice=True))
    assert "The same unit twice in one month (row" in e.value.report()


def test_resolved_split_two_ways_gives_the_on_time_rate(tmp_path, capsys):
    # "Số hồ sơ đã giải quyết" split into Trong hạn / Quá hạn only: Trong hạn holds the early
    # ones too (resolved_in_time); early and on time alone stay unknown
    Span = rx.Span
    table = [[Span("STT", rows=2), Span("Đơn vị", rows=2), Span("Số hồ sơ nhận giải quyết", rows=2),
              Span("Số hồ sơ đã giải quyết", cols=3), Span("Số hồ sơ đang giải quyết", rows=2)],
             ["Tổng số", "Trong hạn", "Quá hạn"],
             [1, "Phòng Tư pháp", 50, 40, 36, 4, 10]]
    f = rx.write(tmp_path / "bieu_2_cot", "csv", [["BÁO CÁO THÁNG 8 NĂM 2022"]], table, header_rows=2)
    dbfile, _ = imported(tmp_path, f)
    tp = kpis(capsys, dbfile)["TP"]
    assert (tp["resolved"], tp["resolved_in_time"], tp["resolved_late"]) == ("40", "36", "4")
    assert tp["resolved_early"] == "" and tp["resolved_on_time"] == ""
    assert float(tp["on_time_rate"]) == pytest.approx(90.0)                # 36 / 40


def test_a_quarterly_report_is_refused_with_its_dates(tmp_path):
    f = rx.report_06a(tmp_path / "quy", "csv")
    f.write_text(f.read_text(encoding="utf-8-sig").replace("31/08/2022", "30/09/2022"), encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, f)
    assert "01/08/2022 – 30/09/2022" in e.value.report()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cumulative_report_is_refused_not_read_as_the_month(tmp_path, fmt):
    """'Tháng 8 năm 2022 (lũy kế từ đầu năm)': the year so far; read as August it counted every
    earlier month again."""
    f = rx.report_06a(tmp_path / "luy_ke", fmt)
    if fmt == "csv":
        f.write_text(f.read_text(encoding="utf-8-sig").replace(
            "(Từ ngày 01/08/2022 đến ngày 31/08/2022 )", "Kỳ báo cáo: Tháng 8 năm 2022 (lũy kế từ đầu năm)"),
            encoding="utf-8")
    else:
        from openpyxl import load_workbook

        wb = load_workbook(f)
        ws = wb.active
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and "Từ ngày" in c.value:
                    c.value = c.value.replace("(Từ ngày 01/08/2022 đến ngày 31/08/2022 )", "Tháng 8 năm 2022 (Lũy kế)")
        wb.save(f)
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, f)
    assert "Báo cáo lũy kế" in e.value.report() and "A cumulative report" in e.value.report()


def test_only_a_title_line_makes_a_report_cumulative():
    from datetime import date

    from metrics.importers.tables import title_period

    aug = date(2022, 8, 1)
    # a row of column groups above the header: the month's group is read, not refused
    assert title_period([["BÁO CÁO THÁNG 8 NĂM 2022"], [None, "Trong tháng", None, "Lũy kế từ đầu năm"]]) == \
        (aug, None)
    assert title_period([["Kết quả trong tháng 8 năm 2022 và từ đầu năm đến nay"]]) == (aug, None)
    period, problem = title_period([["UBND HUYỆN"], ["Tháng 8 năm 2022 (lũy kế từ đầu năm)"]])
    assert period is None and problem.message("vi").startswith("Báo cáo lũy kế")


def test_a_fraction_in_a_count_cell_is_explained(tmp_path):
    """A workbook typed under English settings: «1.234» (a thousand and more) is the fraction 1.234."""
    from openpyxl import load_workbook

    f = rx.report_06a(tmp_path / "thap_phan", "xlsx")
    wb = load_workbook(f)
    ws = wb.active
    import re

    cell = next(c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and re.fullmatch(r"\d{1,3}\.\d{3}", c.value))
    written = cell.value
    cell.value = float(written)                     # "1.310" as Excel in English keeps it: 1.31
    wb.save(f)
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, f)
    p = next(p for p in e.value.problems if p.value == str(float(written)))
    assert p.message("vi") == "Số liệu là số thập phân, không phải số hồ sơ" and "Excel tiếng Anh" in p.expected("vi")


def test_a_missing_received_date_names_the_closest_heading(tmp_path):
    f = rx.one_stop_list(tmp_path / "ds", "csv")
    f.write_text(f.read_text(encoding="utf-8-sig").replace("Ngày nhận,", "Thời điểm nhận,"), encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, f)
    text = e.value.report()
    en = text[text.index("No received date column; closest heading in the file:"):].split("—")[0]
    vi = text[text.index("Thiếu cột «Ngày tiếp nhận»; tiêu đề gần nhất trong tệp:"):].split(" / ")[0]
    # the unread headings nearest to a received date, the renamed one among them
    assert "«Thời điểm nhận»" in en and "«Thời điểm nhận»" in vi
    assert "Mã hồ sơ" not in en and "Ngày hẹn trả" not in en        # read as other fields


def test_a_count_column_that_names_no_counter_is_an_error_not_a_blank(tmp_path):
    f = rx.report_06a(tmp_path / "bieu", "csv")
    f.write_text(f.read_text(encoding="utf-8-sig").replace("Trước hạn", "Hồ sơ giải quyết sớm hạn kỳ lạ"),
                 encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        imported(tmp_path, f)
    assert "looks like a count but names no known counter" in e.value.report()


def test_dry_run_shows_columns_and_figures_and_writes_nothing(tmp_path, capsys):
    f = rx.sync_record(tmp_path / "dong_bo", "csv")
    dbfile = tmp_path / "t.duckdb"
    code = main(["import", str(f), "--dry-run", "--db", str(dbfile)])
    out = capsys.readouterr().out
    assert code == 0
    assert "HinhThuc" in out and "left out: meaning unknown" in out
    assert "left out: personal data, never stored" in out
    # the figures after the import: 21961 received 4 dossiers, on-time rate 66.7 %
    line = next(x for x in out.splitlines() if x.strip().startswith("2022-08") and "21961" in x)
    assert line.split()[:5] == ["2022-08", "21961", "Xã", "Phước", "Hưng"] and " 4 " in line and "66.7" in line
    # the total of two communes' file is theirs (5 received), not labelled as the district's
    total = next(x for x in out.splitlines() if x.strip().startswith("2022-08") and " ALL " in x)
    assert "Cộng các đơn vị trong tệp / The file's units" in total and "Huyện Tuy Phước" not in total
    assert " 5 " in total
    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
    finally:
        con.close()


# --- the same figures whatever the layout's incidental form --------------------------------
SYNONYMS = {
    "Đơn vị tiếp nhận": ["Đơn vị", "Nơi tiếp nhận", "ĐƠN VỊ TIẾP NHẬN"],
    "Mã hồ sơ": ["Số hồ sơ", "Mã số hồ sơ", "MaHoSo"],
    "Ngày nhận": ["Ngày tiếp nhận", "NgayTiepNhan", "Ngày tiếp nhận hồ sơ"],
    "Ngày hẹn trả": ["Hạn xử lý", "NgayHenTra", "Ngày hẹn trả kết quả"],
    "Ngày kết thúc xử lý": ["Ngày hoàn thành", "Ngày có kết quả", "NgayKetThucXuLy"],
    "Trạng thái": ["Trạng thái hồ sơ", "Tình trạng", "TrangThaiHoSo"],
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.slow
@given(seed=st.integers(0, 10 ** 6), titles=st.integers(0, 4), fmt=st.sampled_from(FORMATS),
       split=st.booleans())
def test_shuffled_renamed_and_split_one_stop_lists_give_the_same_figures(tmp_path_factory, capsys, seed, titles,
                                                                         fmt, split):
    rnd = random.Random(seed)
    tmp = tmp_path_factory.mktemp("prop")
    header = [rnd.choice([h] + SYNONYMS.get(h, [])) for h in rx.ONE_STOP_HEADER]
    body = [[n, u, p, code, st_, "địa chỉ", "người nộp", "chủ hồ sơ", sub, rec, due, fin]
            for n, (u, p, code, st_, sub, rec, due, fin) in enumerate(rx.ONE_STOP_ROWS, start=1)]
    order = list(range(len(header)))
    rnd.shuffle(order)
    header = [header[i] for i in order]
    body = [[r[i] for i in order] for r in body]
    title = [[f"Dòng tiêu đề {i}"] for i in range(titles)]
    if split:
        # headings split over two rows: "Ngày" above "nhận", as some sheets print them
        upper = [h.split(" ", 1)[0] if " " in h else h for h in header]
        lower = [h.split(" ", 1)[1] if " " in h else None for h in header]
        header_rows = [[f"{a} {b}" if b else a for a, b in zip(upper, lower)]]
    else:
        header_rows = [header]
    f = rx.write(tmp / "x", fmt, title, header_rows + body)
    dbfile = tmp / "t.duckdb"
    con = db.connect(dbfile)
    try:
        import_file(con, f)
    finally:
        con.close()
    check(kpis(capsys, dbfile), rx.ONE_STOP_EXPECTED, rx.ONE_STOP_KPIS)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.slow
@given(seed=st.integers(0, 10 ** 6), fmt=st.sampled_from(FORMATS), titles=st.integers(0, 3))
def test_reports_with_shuffled_units_and_title_rows_give_the_same_figures(tmp_path_factory, seed, fmt, titles):
    rnd = random.Random(seed)
    tmp = tmp_path_factory.mktemp("prop")
    rows = list(rx.REPORT_ROWS)
    rnd.shuffle(rows)
    names = {"Phòng Tư pháp": ["Phòng Tư pháp", "P. Tư pháp", "Tư pháp"],
             "Phòng Nội vụ": ["Phòng Nội vụ", "Nội vụ"],
             "UBND xã Phước Hưng": ["UBND xã Phước Hưng", "Xã Phước Hưng", "Phước Hưng"]}
    title = [[f"Tiêu đề {i}"] for i in range(titles)] + [["Kỳ báo cáo: Tháng 8 năm 2022"]]
    table = [
        [rx.Span("STT", rows=2), rx.Span("Đơn vị", rows=2), rx.Span("Số hồ sơ nhận giải quyết", cols=4),
         rx.Span("Số hồ sơ đã giải quyết", cols=4), rx.Span("Số hồ sơ đang giải quyết", cols=3)],
        ["Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Tổng số", "Trước hạn",
         "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"],
    ]
    for n, r in enumerate(rows, start=1):
        table.append([n, rnd.choice(names[r[0]]), *[rx._num(v) for v in r[1:]]])
    f = rx.write(tmp / "bc", fmt, title, table, header_rows=2)
    dbfile = tmp / "t.duckdb"
    con = db.connect(dbfile)
    try:
        import_file(con, f)
        got = {row[0]: row[1:] for row in con.execute(
            f"SELECT unit_code, {', '.join(rx.REPORT_COUNTERS)} FROM report_rows WHERE is_current").fetchall()}
    finally:
        con.close()
    assert got == {rx.REPORT_CODES[r[0]]: tuple(r[1:]) for r in rx.REPORT_ROWS}


def test_english_and_unaccented_headings_give_the_same_figures(tmp_path, capsys):
    # the one-stop list with its headings in English, then without diacritics
    english = ["No.", "Receiving unit", "Procedure name", "Dossier code", "Status", "Address", "Applicant", "Owner",
               "Submitted", "Received date", "Due date", "Finished date"]
    plain = ["STT", "Don vi tiep nhan", "Ten thu tuc hanh chinh", "Ma ho so", "Trang thai", "Dia chi", "Nguoi nop",
             "Chu ho so", "Ngay nop ho so", "Ngay nhan", "Ngay hen tra", "Ngay ket thuc xu ly"]
    for n, header in enumerate((english, plain)):
        body = [[i, u, p, code, st_, "x", "y", "z", sub, rec, due, fin]
                for i, (u, p, code, st_, sub, rec, due, fin) in enumerate(rx.ONE_STOP_ROWS, start=1)]
        work = tmp_path / str(n)
        work.mkdir()
        dbfile, r = imported(work, rx.write(work / "ds", "csv", [], [header] + body))
        check(kpis(capsys, dbfile), rx.ONE_STOP_EXPECTED, rx.ONE_STOP_KPIS)
        assert {c.heading: c.reason for c in r.report.columns}[header[6]] in ("personal", "unknown")


def test_a_report_with_english_headings(tmp_path):
    table = [
        [rx.Span("No.", rows=2), rx.Span("Unit", rows=2), rx.Span("Received", cols=4), rx.Span("Resolved", cols=4),
         rx.Span("Pending", cols=3)],
        ["Total", "Online", "In person and post", "Carried over", "Total", "Early", "On time", "Late", "Total",
         "In time", "Overdue"],
    ]
    for n, r in enumerate(rx.REPORT_ROWS, start=1):
        table.append([n, r[0], *r[1:]])
    f = rx.write(tmp_path / "report_en", "xlsx", [["Month: 08/2022"], ["Kỳ báo cáo: Tháng 8 năm 2022"]], table)
    dbfile, r = imported(tmp_path, f)
    assert current_report_rows(dbfile) == {rx.REPORT_CODES[r[0]]: tuple(r[1:]) for r in rx.REPORT_ROWS}


def test_status_words_the_longest_match_decides():
    from metrics.importers.values import parse_status

    # "Mới tiếp nhận" is a received dossier (pending), not "Mới" / "Mới đăng ký" (registered
    # online, never received), whose rows without a received date are left out as no month's
    assert parse_status("Mới tiếp nhận") == "pending"
    assert parse_status("Mới") == parse_status("Mới đăng ký") == "not_received"
    assert parse_status("Chờ trả kết quả") == "finished" and parse_status("Chờ tiếp nhận") == "not_received"
    assert parse_status("Không rõ") is None
