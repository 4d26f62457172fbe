"""Rules of the order on hand-built dossiers, including the edges named in the issue."""
from __future__ import annotations

import csv
from datetime import date

import pytest

from metrics.store import db as dbm
from metrics.rules import flags
from metrics.importers.core import import_file

HEAD = ["Mã hồ sơ", "Đơn vị", "Tên TTHC", "Lĩnh vực", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
        "Ngày có kết quả", "Phiếu xin lỗi", "Cán bộ xử lý"]


def dossier(code, unit, recv, due, fin, channel="1", field="Hộ tịch", proc="Đăng ký khai sinh", apology="",
            handler="Lê Văn A"):
    return [code, unit, proc, field, channel, recv, due, fin, apology, handler]


def load(tmp_path, rows):
    f = tmp_path / "d.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEAD)
        w.writerows(rows)
    con = dbm.connect(tmp_path / "f.duckdb")
    import_file(con, f)
    return con


def late(code, unit, month, handler="Lê Văn A", apology=""):
    """A dossier of `month` (1-12, 2022) resolved two days late."""
    return dossier(code, unit, f"02/{month:02d}/2022", f"10/{month:02d}/2022", f"12/{month:02d}/2022",
                   apology=apology, handler=handler)


def on_time(code, unit, month):
    return dossier(code, unit, f"02/{month:02d}/2022", f"10/{month:02d}/2022", f"09/{month:02d}/2022")


def flag_rows(con, month, flag):
    f = flags.flags_for(con, date(2022, month, 1))
    return {r.unit_code: r.value for r in f[f.flag == flag].itertuples()}


def test_late_streak_counts_back_from_the_period(tmp_path):
    con = load(tmp_path, [late("a1", "Phòng Tư pháp", 3), late("a2", "Phòng Tư pháp", 4),
                          late("a3", "Phòng Tư pháp", 5), on_time("b1", "Phòng Y tế", 5), late("b2", "Phòng Y tế", 4),
                          late("c1", "Xã Phước An", 5)])
    # TP: late in March, April, May -> 3 in May; YT: late in April only, on time in May -> none;
    # Phước An: late only in May -> one month is not a streak
    assert flag_rows(con, 5, "late_streak") == {"TP": 3}
    assert flag_rows(con, 4, "late_streak") == {"TP": 2}


def test_a_month_without_late_dossiers_breaks_the_streak(tmp_path):
    con = load(tmp_path, [late("a1", "Phòng Tư pháp", 2), late("a2", "Phòng Tư pháp", 3),
                          on_time("a3", "Phòng Tư pháp", 4), late("a4", "Phòng Tư pháp", 5),
                          late("a5", "Phòng Tư pháp", 6)])
    assert flag_rows(con, 6, "late_streak") == {"TP": 2}
    assert flag_rows(con, 4, "late_streak") == {}


def test_first_month_of_data_cannot_be_a_streak(tmp_path):
    con = load(tmp_path, [late("a1", "Phòng Tư pháp", 1)])
    assert flag_rows(con, 1, "late_streak") == {}


def test_a_month_with_no_data_breaks_the_streak(tmp_path):
    # February has no dossier at all for TP: January's lateness does not join March's
    con = load(tmp_path, [late("a1", "Phòng Tư pháp", 1), late("a3", "Phòng Tư pháp", 3),
                          late("a4", "Phòng Tư pháp", 4)])
    assert flag_rows(con, 4, "late_streak") == {"TP": 2}


def test_land_at_commune_counts_townships_and_spares_mediation(tmp_path):
    rows = [
        dossier("l1", "TT Diêu Trì", "05/08/2022", "20/08/2022", "", field="Đất đai",
                proc="Cấp giấy chứng nhận quyền sử dụng đất"),
        dossier("l2", "Xã Phước Sơn", "05/08/2022", "20/08/2022", "", field="Đất đai",
                proc="Hòa giải tranh chấp đất đai"),
        dossier("l3", "Xã Phước Sơn", "06/08/2022", "20/08/2022", "", field="Đất đai", proc="Đăng ký biến động"),
        dossier("l4", "Xã Phước Sơn", "07/08/2022", "20/08/2022", "", field="Đất đai", proc="Đăng ký biến động"),
        # at the land branch a land procedure is its job
        dossier("l5", "CN VPĐKĐĐ", "05/08/2022", "20/08/2022", "", field="Đất đai", proc="Đăng ký biến động"),
    ]
    con = load(tmp_path, rows)
    assert flag_rows(con, 8, "land_at_commune") == {"21955": 1, "21970": 2}


def test_apology_exactly_one_day_before_due_is_in_time(tmp_path):
    rows = [
        dossier("p1", "Phòng Tư pháp", "02/08/2022", "10/08/2022", "12/08/2022", apology="09/08/2022"),
        dossier("p2", "Phòng Tư pháp", "02/08/2022", "10/08/2022", "12/08/2022", apology="10/08/2022"),
        dossier("p3", "Phòng Tư pháp", "02/08/2022", "10/08/2022", "12/08/2022", apology=""),
        dossier("p4", "Phòng Tư pháp", "02/08/2022", "10/08/2022", "12/08/2022", apology="x"),
    ]
    con = load(tmp_path, rows)
    st = flags.apology_status(con, date(2022, 8, 1)).set_index("dossier_code").apology.to_dict()
    assert st == {"p1": "in_time", "p2": "late", "p3": "missing", "p4": "sent_undated"}
    assert flag_rows(con, 8, "apology_missing") == {"TP": 1}


def test_priority_not_honoured_gap_in_points(tmp_path):
    rows = [
        # online: 1 early of 2 (50 %); direct: 2 early of 2 (100 %) -> gap 50 points
        dossier("o1", "Xã Phước An", "02/08/2022", "10/08/2022", "05/08/2022", channel="2"),
        dossier("o2", "Xã Phước An", "02/08/2022", "10/08/2022", "10/08/2022", channel="3"),
        dossier("d1", "Xã Phước An", "02/08/2022", "10/08/2022", "05/08/2022", channel="1"),
        dossier("d2", "Xã Phước An", "02/08/2022", "10/08/2022", "06/08/2022", channel="1"),
        # Phước Thành: online all early, direct not: honoured
        dossier("o3", "Xã Phước Thành", "02/08/2022", "10/08/2022", "05/08/2022", channel="2"),
        dossier("d3", "Xã Phước Thành", "02/08/2022", "10/08/2022", "10/08/2022", channel="1"),
    ]
    con = load(tmp_path, rows)
    assert flag_rows(con, 8, "priority_not_honoured") == {"21985": 50.0}


def test_overdue_backlog(tmp_path):
    rows = [dossier("q1", "Phòng Y tế", "02/08/2022", "10/08/2022", ""),
            dossier("q2", "Phòng Y tế", "02/08/2022", "10/09/2022", ""),
            # the data runs into September (another unit's dossier), so both are still open then
            dossier("q3", "Phòng Nội vụ", "05/09/2022", "20/09/2022", "")]
    con = load(tmp_path, rows)
    assert flag_rows(con, 8, "overdue_backlog") == {"YT": 1}
    assert flag_rows(con, 9, "overdue_backlog") == {"YT": 2, "NV": 1}  # q3 is due 20/9 too


def test_the_detail_is_written_in_the_language_asked_for(tmp_path):
    rows = [late("a1", "Phòng Tư pháp", 3), late("a2", "Phòng Tư pháp", 4),
            # a land dossier at a commune, still pending after its due date at the end of April
            dossier("l1", "Xã Phước Sơn", "05/04/2022", "20/04/2022", "", field="Đất đai", proc="Đăng ký biến động"),
            # Phước An: online 1 early of 2, in person 2 of 2
            dossier("o1", "Xã Phước An", "02/04/2022", "10/04/2022", "05/04/2022", channel="2"),
            dossier("o2", "Xã Phước An", "02/04/2022", "10/04/2022", "10/04/2022", channel="3"),
            dossier("d1", "Xã Phước An", "02/04/2022", "10/04/2022", "05/04/2022", channel="1"),
            dossier("d2", "Xã Phước An", "02/04/2022", "10/04/2022", "06/04/2022", channel="1")]
    con = load(tmp_path, rows)

    def details(lang):
        f = flags.flags_for(con, date(2022, 4, 1), lang=lang)
        assert list(f.columns) == flags.COLUMNS and "detail_en" not in f
        return {(r.unit_code, r.flag): r.detail for r in f.itertuples()}

    assert details("en") == {
        ("TP", "late_streak"): "Late dossiers in 2 consecutive months (03/2022–04/2022)",
        ("TP", "apology_missing"): "1 late dossier(s) without an apology letter",
        ("21970", "land_at_commune"): "1 land dossier(s) other than dispute mediation received at a commune",
        ("21970", "overdue_backlog"): "1 pending dossier(s) past their due date at month end",
        ("21985", "priority_not_honoured"): "Early: online/BCCI 50.0% < in person 100.0%",
    }
    assert details("vi") == {
        ("TP", "late_streak"): "2 tháng liên tiếp có hồ sơ trễ hạn (03/2022–04/2022)",
        ("TP", "apology_missing"): "1 hồ sơ trễ hạn chưa có thư xin lỗi",
        ("21970", "land_at_commune"): "1 hồ sơ đất đai ngoài hòa giải tranh chấp tiếp nhận ở xã",
        ("21970", "overdue_backlog"): "1 hồ sơ chưa giải quyết đã quá hạn cuối tháng",
        ("21985", "priority_not_honoured"): "Trước hạn: trực tuyến/BCCI 50,0 % < trực tiếp 100,0 %",
    }
    assert details("vi") == details("xx")          # any other language: Vietnamese, the reference


def test_late_dossiers_whose_apology_is_unknown_are_said_apart(tmp_path, monkeypatch):
    con = load(tmp_path, [on_time("a1", "Phòng Tư pháp", 4)])
    # 3 late dossiers without a letter, 2 whose export said nothing about letters
    monkeypatch.setattr(flags, "_apology_missing", lambda con, period: [("TP", 3, 2)])
    en = flags.flags_for(con, date(2022, 4, 1), lang="en")
    vi = flags.flags_for(con, date(2022, 4, 1))
    assert list(en.detail) == ["3 late dossier(s) without an apology letter; 2 with no apology information"]
    assert list(vi.detail) == ["3 hồ sơ trễ hạn chưa có thư xin lỗi; 2 hồ sơ không có thông tin xin lỗi"]
    assert list(vi.value) == [3]


def test_handler_streaks(tmp_path):
    con = load(tmp_path, [late("h1", "Phòng Tư pháp", 6, handler="Nguyễn B"),
                          late("h2", "Phòng Tư pháp", 7, handler="Nguyễn B"),
                          late("h3", "Phòng Tư pháp", 7, handler="Trần C"),
                          late("h4", "Phòng Tư pháp", 7, handler="Nguyễn B")])
    s = flags.handler_streaks(con, date(2022, 7, 1))
    assert list(s.itertuples(index=False, name=None)) == [("TP", "Nguyễn B", 2, 3)]


def test_cli_flags_columns(tmp_path, capsys):
    from metrics.cli import main

    load(tmp_path, [late("a1", "Phòng Tư pháp", 3), late("a2", "Phòng Tư pháp", 4)]).close()
    assert main(["flags", "--period", "2022-04", "--format", "csv", "--db", str(tmp_path / "f.duckdb")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "period,unit_code,flag,value,detail"
    assert any(line.startswith("2022-04,TP,late_streak,2,") for line in out)
