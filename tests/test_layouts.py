"""Learn a layout once: what the importer cannot tell, the user maps once (column → field,
spelling → unit, code → meaning); saved by name, applied by itself to the next file of the
same layout, shared as TOML, audited and removable."""
from __future__ import annotations

import csv
import io

import duckdb
import pytest

from metrics.store import db
from metrics.cli import main
from metrics.errors import ImportRejected
from metrics.importers import layouts
from metrics.importers.core import import_file
from metrics.importers.layouts import Layout
from metrics.model.profile import load_profile
from tests import real_exports as rx

PROFILE = load_profile()


def kpis(capsys, dbfile, period="2022-08") -> dict[str, dict]:
    assert main(["kpis", "--period", period, "--format", "csv", "--db", str(dbfile)]) == 0
    return {r["unit_code"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def sync_with_post_code(path, fmt="csv", code_prefix="S"):
    """The sync record whose HinhThuc says how the result went back: 1 by post, 0 at the desk
    (a meaning the exports seen do not document: the office teaches it)."""
    table = [rx.SYNC_HEADER]
    for n, r in enumerate(rx.SYNC_ROWS):
        row = list(r)
        row[0] = f"{code_prefix}-{n}"
        code, proc, name, fcode, fname, ch, sub, rec, due, fin, ret, st, form, unit, fee, dig = row
        form = "1" if n in (0, 2) else "0"       # S1 (early, online) and S3 (late, post) returned by post
        table.append([code, proc, name, fcode, fname, ch, "Nguyễn Văn An", "052090001234", "0905000111",
                      sub, rec, due, fin, ret, st, form, unit, fee, dig])
    return rx.write(path, fmt, [], table)


def test_a_column_taught_once_is_read_in_the_next_file_with_no_question(tmp_path, capsys):
    dbfile = tmp_path / "t.duckdb"
    con = db.connect(dbfile)
    try:
        first = sync_with_post_code(tmp_path / "thang8")
        r = import_file(con, first, dry_run=True)
        assert "result_by_post" in r.report.unknown_counters             # not known yet: unknown, not 0
        lay = Layout("Cổng DVC quốc gia", kind="dossiers", header=[layouts.clean_heading(h) for h in rx.SYNC_HEADER],
                     columns={"hinhthuc": "result_by_post"}, values={"result_by_post": {"1": "yes", "0": "no"}})
        # the figures the mapping gives, before anything is written
        trial = import_file(con, first, dry_run=True, layout=lay)
        assert "result_by_post" not in trial.report.unknown_counters
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
        layouts.save(con, lay, PROFILE, user="lan")
        # the next file of the same layout: no layout named, none asked
        second = sync_with_post_code(tmp_path / "thang8b", code_prefix="T")
        r2 = import_file(con, second, user="lan")
        assert any("Read with the layout «Cổng DVC quốc gia»" in w for w in r2.warnings)
        actions = [a for a, in con.execute("SELECT action FROM audit ORDER BY id").fetchall()]
        assert "layout_save" in actions
    finally:
        con.close()
    rows = kpis(capsys, dbfile)
    # 21961 resolved in August: S1 (by post), S2, S3 (by post) -> 2 results returned by post
    assert rows["21961"]["result_by_post"] == "2"
    assert rows["21961"]["resolved"] == "3"


def test_other_branches_marked_not_ours_are_left_out_and_said(tmp_path, capsys):
    dbfile = tmp_path / "t.duckdb"
    f = rx.land_table(tmp_path / "dat_dai", "csv", other_branch=True)
    con = db.connect(dbfile)
    try:
        with pytest.raises(ImportRejected) as e:
            import_file(con, f)
        learn = {p.learn for p in e.value.problems}
        assert ("unit", "Chi nhánh An Nhơn") in learn
        head = [r for r in csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig")))][4]
        lay = Layout("Biểu đất đai tỉnh", header=[layouts.clean_heading(h) for h in head],
                     units={"Chi nhánh An Nhơn": "-"})
        layouts.save(con, Layout.from_spec(lay.name, lay.spec()), PROFILE)
        r = import_file(con, f)
    finally:
        con.close()
    assert any("«Chi nhánh An Nhơn» is not one of ours" in w for w in r.warnings)
    rows = kpis(capsys, dbfile)
    assert rows["CNVPDK"]["received_total"] == str(rx.LAND_EXPECTED["received_total"])


def test_a_unit_spelling_learned_feeds_the_same_matcher_for_every_file(tmp_path):
    con = db.connect(tmp_path / "t.duckdb")
    try:
        lay = Layout("Phần mềm một cửa cũ", header=["khong khop voi tep nao"], units={"Bộ phận TN&TKQ PH": "21961"})
        layouts.save(con, lay, PROFILE)
        # a report of another layout spells the commune the same way
        f = tmp_path / "bc.csv"
        f.write_text("Kỳ báo cáo: Tháng 8 năm 2022\nĐơn vị,Tổng số hồ sơ tiếp nhận,Trực tuyến,"
                     "Trực tiếp, dịch vụ bưu chính,Từ kỳ trước\nBộ phận TN&TKQ PH,10,4,5,1\n".replace(
                         "Trực tiếp, dịch vụ bưu chính", '"Trực tiếp, dịch vụ bưu chính"'), encoding="utf-8")
        r = import_file(con, f)
        assert r.units == ["21961"]
    finally:
        con.close()


def test_a_coded_value_taught_once(tmp_path, capsys):
    f = tmp_path / "ds.csv"
    f.write_text("Mã hồ sơ,Đơn vị,Kênh nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả\n"
                 "K1,Xã Phước Hưng,Zalo,02/08/2022,05/08/2022,04/08/2022\n"
                 "K2,Xã Phước Hưng,1,03/08/2022,05/08/2022,05/08/2022\n", encoding="utf-8")
    dbfile = tmp_path / "t.duckdb"
    con = db.connect(dbfile)
    try:
        with pytest.raises(ImportRejected) as e:
            import_file(con, f)
        assert ("value", "channel", "Zalo") in {p.learn for p in e.value.problems}
        lay = Layout("Một cửa xã", header=["ma ho so", "don vi", "kenh nop", "ngay tiep nhan", "ngay hen tra",
                                           "ngay co ket qua"], values={"channel": {"Zalo": "2"}})
        layouts.save(con, lay, PROFILE)
        import_file(con, f)
    finally:
        con.close()
    rows = kpis(capsys, dbfile)
    assert (rows["21961"]["received_online"], rows["21961"]["received_direct"]) == ("1", "1")


def test_a_header_the_importer_cannot_find_is_taught_by_its_row(tmp_path, capsys):
    f = tmp_path / "ds.csv"
    f.write_text("Sổ theo dõi\nSố phiếu,Nơi xử lý,Ngày vào sổ,Hạn trả,Ngày xong\n"
                 "P1,Xã Phước Hưng,02/08/2022,05/08/2022,04/08/2022\n", encoding="utf-8")
    dbfile = tmp_path / "t.duckdb"
    con = db.connect(dbfile)
    try:
        with pytest.raises(ImportRejected):
            import_file(con, f)
        lay = Layout("Sổ theo dõi", header_row=1,
                     header=["so phieu", "noi xu ly", "ngay vao so", "han tra", "ngay xong"],
                     columns={"so phieu": "dossier_code", "noi xu ly": "unit", "ngay vao so": "received_at",
                              "han tra": "due_at", "ngay xong": "finished_at"})
        layouts.save(con, lay, PROFILE)
        r = import_file(con, f)
        assert r.kind == "dossiers" and r.rows == 1
    finally:
        con.close()
    assert kpis(capsys, dbfile)["21961"]["resolved_early"] == "1"


def test_layouts_are_shared_as_toml_and_removed_with_a_trace(tmp_path, capsys):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    con = db.connect(a)
    try:
        layouts.save(con, Layout("Biểu đất đai", kind="report", header=["ten", "so ho so phai giai quyet"],
                                 columns={"so ho so": "-"}, units={"CN An Nhơn": "-", "CN Tuy Phước": "CNVPDK"},
                                 values={"channel": {"qua zalo": "2"}}), PROFILE, user="lan")
    finally:
        con.close()
    assert main(["layouts", "export", "Biểu đất đai", "--db", str(a)]) == 0
    toml = capsys.readouterr().out
    (tmp_path / "l.toml").write_text(toml, encoding="utf-8")
    assert main(["layouts", "import", str(tmp_path / "l.toml"), "--db", str(b)]) == 0
    capsys.readouterr()
    con = db.connect(b)
    try:
        got = layouts.get(con, "Biểu đất đai")
    finally:
        con.close()
    assert got.spec() == Layout.from_spec("x", layouts.from_toml(toml).spec()).spec()
    assert got.units == {"cn an nhon": "-", "cn tuy phuoc": "CNVPDK"}
    assert main(["layouts", "list", "--format", "csv", "--db", str(b)]) == 0
    assert "Biểu đất đai" in capsys.readouterr().out
    assert main(["layouts", "remove", "Biểu đất đai", "--db", str(b)]) == 0
    capsys.readouterr()
    c = duckdb.connect(str(b), read_only=True)
    try:
        assert c.execute("SELECT count(*) FROM layouts").fetchone()[0] == 0
        detail = c.execute("SELECT detail FROM audit WHERE action = 'layout_remove'").fetchone()[0]
    finally:
        c.close()
    # the audit keeps the whole layout removed, so that it can be taught again
    import json

    kept = json.loads(detail)
    assert kept["name"] == "Biểu đất đai" and kept["spec"] == got.spec()


def test_a_layout_that_names_an_unknown_unit_or_field_is_refused(tmp_path):
    con = db.connect(tmp_path / "t.duckdb")
    try:
        with pytest.raises(Exception, match="Invalid layout|không hợp lệ"):
            layouts.save(con, Layout("x", units={"abc": "NO_SUCH_UNIT"}), PROFILE)
        with pytest.raises(Exception, match="Invalid layout|không hợp lệ"):
            layouts.save(con, Layout("x", columns={"abc": "not_a_field"}), PROFILE)
    finally:
        con.close()
