"""The import page as an office meets a new layout: the columns it read and left out, the
figures a file cannot give, and teaching a layout once (tried before writing, saved, used by
itself for the next file)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from metrics.i18n import t
from tests import real_exports as rx
from tests.test_pages import _app_like_a_running_server, assert_clean, open_app, texts  # noqa: F401 (autouse)


def upload(at, path, name=None):
    at.get("file_uploader")[0].set_value([(name or path.name, path.read_bytes(), "application/octet-stream")]).run()
    assert_clean(at)


def test_the_preview_shows_each_column_and_what_the_file_cannot_give(monkeypatch, empty_db, copy_db, tmp_path):
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    upload(at, rx.one_stop_list(tmp_path / "danh_sach", "html"))        # an HTML table saved as .xls
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Sẵn sàng nhập"
    cols = next(df.value for df in at.dataframe if "Tiêu đề" in df.value.columns)
    why = dict(zip(cols["Tiêu đề"], cols["Đọc là / lý do bỏ qua"]))
    assert why["Người nộp"] == t("col_reason_personal", "vi")
    assert why["Ngày nhận"] == "đọc là: ngày tiếp nhận"
    page = texts(at)
    assert "Tỷ lệ nộp trực tuyến" in page                               # cannot be computed from this file
    assert "1 hồ sơ chưa được tiếp nhận" in page


def test_a_layout_taught_on_the_page_imports_and_is_used_for_the_next_file(monkeypatch, empty_db, copy_db,
                                                                           tmp_path):
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    upload(at, rx.land_table(tmp_path / "dat_dai_t8", "csv", other_branch=True))
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Bị từ chối"
    branch = next(s for s in at.selectbox if s.label == "Chi nhánh An Nhơn")
    branch.set_value("-").run()
    at.text_input[0].set_value("Biểu đất đai tỉnh").run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("teach-try-"))).click().run()
    assert_clean(at)
    assert t("teach_trial_ok", "vi", rows="1").split(".")[0] in texts(at)
    con = duckdb.connect(str(db_path))   # the app holds it in this process: same configuration
    try:
        assert con.execute("SELECT count(*) FROM report_rows").fetchone()[0] == 0     # a trial writes nothing
    finally:
        con.close()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("teach-save-"))).click().run()
    assert_clean(at)
    assert any("Biểu đất đai tỉnh" in s.value for s in at.success)
    # the next month's file of the same layout: ready at once, read with the layout
    f = rx.land_table(tmp_path / "dat_dai_t9", "csv", other_branch=True)
    f.write_text(f.read_text(encoding="utf-8-sig").replace("Tháng 8 năm 2022", "Tháng 9 năm 2022"), encoding="utf-8")
    upload(at, f)
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Sẵn sàng nhập"
    assert "Đọc theo mẫu tệp «Biểu đất đai tỉnh»" in texts(at)
    con = duckdb.connect(str(db_path))   # the app holds it in this process: same configuration
    try:
        assert con.execute("SELECT name FROM layouts").fetchall() == [("Biểu đất đai tỉnh",)]
        assert con.execute("SELECT unit_code, received_total FROM report_rows WHERE is_current").fetchall() == \
            [("CNVPDK", rx.LAND_EXPECTED["received_total"])]
    finally:
        con.close()


def test_the_preview_counts_units_and_shows_what_it_set_aside_in_plain_sight(monkeypatch, empty_db, copy_db,
                                                                              tmp_path):
    import csv
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import gen_dossiers

    f = gen_dossiers.write(300, tmp_path / "ho_so.csv", messy=2)
    rows = list(csv.reader(f.open(encoding="utf-8")))
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows + [["", "Tổng cộng: 300 hồ sơ"] + [""] * (len(rows[0]) - 2)])
    at = open_app(monkeypatch, copy_db(empty_db), "import_desk")
    upload(at, f)
    first = at.dataframe[0].value.iloc[0]
    # the units as a count: their names, in the table, pushed the rows and the status off 1280 px
    assert (first["Đơn vị"], first["Số dòng"], first["Trạng thái"]) == ("20", "300", "Sẵn sàng nhập")
    assert any(c.value.startswith("Đơn vị trong ho_so.csv (20): Thị trấn Tuy Phước") for c in at.caption)
    # what the import set aside is in an info box, not folded under the columns
    note = next(i.value for i in at.info if i.value.startswith("Lưu ý khi đọc ho_so.csv:"))
    assert "dòng 302: «Tổng cộng: 300 hồ sơ»" in note


def test_a_refused_workbook_points_to_its_list_and_the_kind_chosen_reads_it(monkeypatch, empty_db, copy_db,
                                                                             tmp_path):
    import csv
    import sys
    from pathlib import Path

    import openpyxl

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import gen_dossiers

    rows = list(csv.reader(gen_dossiers.write(120, tmp_path / "d.csv").open(encoding="utf-8")))
    wb = openpyxl.Workbook()
    wb.active.title = "Tổng hợp"
    wb.active.append(["Đơn vị", "Số hồ sơ"])
    for i in range(6):
        wb.active.append([f"Đơn vị {i}", i])
    ws = wb.create_sheet("Danh sách hồ sơ")
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "xuat.xlsx")
    at = open_app(monkeypatch, copy_db(empty_db), "import_desk")
    upload(at, tmp_path / "xuat.xlsx")
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Bị từ chối"
    hint = "Đã đọc trang tính «Tổng hợp»; trang «Danh sách hồ sơ» là danh sách hồ sơ: chọn loại «Danh sách hồ sơ»"
    assert any(i.value.startswith(hint) for i in at.info)
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Loại dữ liệu")).set_value("dossiers").run()
    assert_clean(at)
    first = at.dataframe[0].value.iloc[0]
    assert (first["Trạng thái"], first["Số dòng"]) == ("Sẵn sàng nhập", "120")
    assert any(i.value.startswith("Lưu ý khi đọc xuat.xlsx:") and "Đọc trang tính «Danh sách hồ sơ»" in i.value
               for i in at.info)


def test_teaching_a_layout_keeps_the_rest_of_the_batch(monkeypatch, empty_db, copy_db, tmp_path):
    """Two months of a form the importer does not know, dropped together: taught on the first,
    the second is read with the layout at once, still in the batch (it had to be chosen again)."""
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    aug = rx.land_table(tmp_path / "dat_dai_t8", "csv", other_branch=True)
    sep = rx.land_table(tmp_path / "dat_dai_t9", "csv", other_branch=True)
    sep.write_text(sep.read_text(encoding="utf-8-sig").replace("Tháng 8 năm 2022", "Tháng 9 năm 2022"),
                   encoding="utf-8")
    at.get("file_uploader")[0].set_value([(f.name, f.read_bytes(), "application/octet-stream")
                                          for f in (aug, sep)]).run()
    assert_clean(at)
    assert list(at.dataframe[0].value["Trạng thái"]) == ["Bị từ chối", "Bị từ chối"]
    branch = next(s for s in at.selectbox if s.label == "Chi nhánh An Nhơn")
    branch.set_value("-").run()
    at.text_input[0].set_value("Biểu đất đai tỉnh").run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("teach-save-"))).click().run()
    assert_clean(at)
    status = list(at.dataframe[0].value["Trạng thái"])
    assert status[0].startswith("Đã nhập") and status[1] == "Sẵn sàng nhập", status
    # nothing left to teach: the file taught is imported, the other reads with the layout
    assert not [b.key for b in at.button if b.key and b.key.startswith("teach-")]
    at.button(key="import-confirm").click().run()
    assert_clean(at)

    con = duckdb.connect(str(db_path))
    try:
        assert con.execute("SELECT strftime(period, '%Y-%m'), received_total FROM report_rows WHERE is_current "
                           "ORDER BY period").fetchall() == [("2022-08", rx.LAND_EXPECTED["received_total"]),
                                                             ("2022-09", rx.LAND_EXPECTED["received_total"])]
    finally:
        con.close()


def test_a_file_taught_alone_leaves_no_copy_once_taken_out(monkeypatch, empty_db, copy_db, tmp_path):
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    upload(at, rx.land_table(tmp_path / "dat_dai_t8", "csv", other_branch=True))
    next(s for s in at.selectbox if s.label == "Chi nhánh An Nhơn").set_value("-").run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("teach-save-"))).click().run()
    assert_clean(at)
    assert at.dataframe[0].value.iloc[0]["Trạng thái"].startswith("Đã nhập")
    assert not [b.key for b in at.button if b.key and b.key.startswith("teach-")]
    tmp = Path(at.session_state["_import_tmp"])
    assert tmp.exists()                               # the batch is still there, its copy with it
    at.get("file_uploader")[0].set_value([]).run()    # taken out of the uploader
    assert_clean(at)
    assert not tmp.exists() and "_import_tmp" not in at.session_state


def test_a_file_imported_by_teaching_offers_no_second_teaching(monkeypatch, empty_db, copy_db, tmp_path):
    """A file read with columns left unknown offers teaching; once imported that way it stays
    in the batch as imported, without the form (a second "save and import" stopped at the
    same-file check and saved a layout no file was read with)."""
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    upload(at, rx.sync_record(tmp_path / "dong_bo", "csv"))
    saves = [b.key for b in at.button if b.key and b.key.startswith("teach-save-")]
    assert saves                                        # columns left unknown: teaching offered
    at.button(key=saves[0]).click().run()
    assert_clean(at)
    assert at.dataframe[0].value.iloc[0]["Trạng thái"].startswith("Đã nhập")
    assert not [b.key for b in at.button if b.key and b.key.startswith("teach-")]
