"""Every page through streamlit.testing.v1.AppTest, with the demo data and with an empty
database: no exception, no "unexpected error" box, figures that follow the filters, the
language switch, empty states, and the import desk from upload to undo."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.i18n import fmt
from metrics import i18n
from metrics.i18n import t
from tests.page_html import cards, tables as html_tables

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "ranking", "attention", "due_soon", "league", "unit_detail", "dossiers", "import_desk", "admin"]
TIMEOUT = 90


@pytest.fixture(autouse=True)
def _app_like_a_running_server(monkeypatch):
    # an empty database must stay empty here (the app seeds the demo on a real first run)
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    # AppTest puts Streamlit back into its legacy pages/ mode before every run, as if each
    # run were a fresh server's first; a real server leaves that mode after its first run
    # (ui/boot.py). Start every test run the way a running server does, so that a click
    # is not lost in the restart out of the legacy mode. The browser test covers the
    # fresh server's first request.
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def plotly_specs(at) -> list[str]:
    """The JSON of every plotly figure the run drew, parsed and written again with its
    Vietnamese letters as they are (without orjson, Plotly's encoder escapes them: \u1eaf)."""
    return [json.dumps(json.loads(el.proto.spec), ensure_ascii=False) for el in at.get("plotly_chart")]


def open_app(monkeypatch, db_path, page: str | None = None, user=None, **query) -> AppTest:
    """The app as a signed-in user (an administrator unless told otherwise): the login
    itself is tested in tests/test_login.py and in the browser test."""
    from metrics import clock
    from metrics.store.auth import User

    monkeypatch.setenv("REFORM_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = user or User("tester", "admin")
    at.session_state["_user_seen"] = clock.now()
    for k, v in query.items():
        at.query_params[k] = v
    if page and page != "overview":
        # opened as a link to the page is (the page a link asked for before signing in,
        # ui/login.AFTER_LOGIN): its own parameters (?view=…) kept
        from ui.login import AFTER_LOGIN

        at.session_state[AFTER_LOGIN] = page
    at.run()
    assert_clean(at)
    return at


def goto(at: AppTest, page: str) -> AppTest:
    """Open a page by its key, as the app's own page buttons do (ui/state.switch_later): the
    pages are functions (st.Page(callable)), which AppTest.switch_page cannot name by a file."""
    from ui.state import GOTO

    at.session_state[GOTO] = page
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    unexpected = {t("unexpected_error", "vi"), t("unexpected_error", "en")}
    assert not [e.value for e in at.error if any(u in e.value for u in unexpected)]


def texts(at: AppTest) -> str:
    parts = [x.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning",
                                  "success", "error") for x in getattr(at, kind)]
    parts += [f"{label}={value}" for label, value, _ in figures(at)]
    parts += [tb.to_csv() for tb in html_tables(at)]
    return "\n".join(str(p) for p in parts)


def sidebar_order(at: AppTest) -> list[str]:
    """The keys of the sidebar's widgets, top to bottom."""
    def walk(node):
        key = getattr(node, "key", None)
        if key and getattr(node, "type", "") not in ("block", "markdown", "caption"):
            yield key
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return list(walk(at.sidebar))


def figures(at: AppTest) -> list[tuple[str, str, str | None]]:
    """(label, value, delta) of every figure on the page: st.metric and ui/cards.py's cards."""
    return ([(m.label, m.value, m.delta) for m in at.metric]
            + [(c.label, c.value, c.delta) for c in cards(at)])


def metrics(at: AppTest) -> dict[str, str]:
    return {label: value for label, value, _ in figures(at)}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_demo_data(monkeypatch, demo_db, page):
    at = open_app(monkeypatch, demo_db, page)
    assert at.title[0].value == t(f"page_{page}", "vi")
    body = texts(at)
    # the as-of line, on every page, saying that these are the demo's figures
    assert "DỮ LIỆU MẪU" in body and "Số liệu đến ngày" in body
    if page in ("overview", "unit_detail"):
        assert len(cards(at)) >= 6
        # every figure card shows its figure (the first screen's gap and action cards are text)
        assert all(c.value for c in cards(at) if c.key not in ("first-gap", "first-actions"))
    if page == "league":
        assert html_tables(at) and len(html_tables(at)[0]) > 3
    if page == "dossiers":
        assert html_tables(at) and len(html_tables(at)[0]) > 0
        assert len(at.get("download_button")) == 2


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_an_empty_database(monkeypatch, empty_db, page):
    at = open_app(monkeypatch, empty_db, page)
    assert at.title[0].value == t(f"page_{page}", "vi")
    assert not figures(at)
    body = texts(at)
    if page in ("overview", "league", "unit_detail", "dossiers"):
        assert t("no_data_at_all", "vi") in body
    if page == "import_desk":
        assert t("no_imports", "vi") in body
    # a page that ends early (nothing to show) still gets the sidebar's filters, which the
    # entry point draws after the page, below the language switch and the account
    assert sidebar_order(at) == ["lang", "_logout", "_p_empty", "u", "cmp"]


def test_the_filters_drawn_after_the_page_hold_what_the_page_used(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, p="2022-08", u="TP")
    assert at.sidebar.selectbox(key="p").value == "2022-08" and at.sidebar.selectbox(key="u").value == "TP"
    assert "Phòng Tư pháp · Tháng 8/2022" in texts(at)
    at.sidebar.toggle(key="range_on").set_value(True).run()
    assert_clean(at)
    assert sidebar_order(at) == ["lang", "_logout", "p", "range_on", "p2", "u", "cmp"]
    at.sidebar.selectbox(key="p2").set_value("2022-10").run()
    assert_clean(at)
    assert "Phòng Tư pháp · " + fmt.month_range(date(2022, 8, 1), date(2022, 10, 1), "vi", True) in texts(at)
    assert at.query_params["p2"] == "2022-10"


def test_every_page_in_english(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, lang="en")
    assert at.title[0].value == "Overview"
    for page in PAGES[1:]:
        goto(at, page)
        assert_clean(at)
        assert at.title[0].value == t(f"page_{page}", "en")
        # the language survives the page change
        assert at.session_state["lang"] == "en"


def test_no_label_is_missing_from_the_catalogues():
    # every page has run above, in both languages
    assert not i18n.MISSING, sorted(i18n.MISSING)


def test_filters_change_the_figures(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, p="2022-08")
    august = metrics(at)
    at.sidebar.selectbox(key="p").set_value("2022-03").run()
    assert_clean(at)
    march = metrics(at)
    assert august != march
    at.sidebar.selectbox(key="u").set_value("TP").run()
    assert_clean(at)
    assert metrics(at) != march
    assert "Phòng Tư pháp" in texts(at)
    # comparison: a year earlier has data for the sample's 09/2022 and 10/2022 only
    at.sidebar.selectbox(key="p").set_value("2022-10").run()
    before = [d for _, _, d in figures(at)]
    at.sidebar.button_group(key="cmp").set_value("yoy").run()
    assert_clean(at)
    assert [d for _, _, d in figures(at)] != before
    assert "so sánh với Tháng 10/2021" in texts(at)


def test_a_range_of_months_is_a_ratio_of_sums(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, p="2022-01")
    one = metrics(at)
    at.sidebar.toggle(key="range_on").set_value(True).run()
    at.sidebar.selectbox(key="p2").set_value("2022-06").run()
    assert_clean(at)
    assert metrics(at) != one
    assert "Tháng 1/2022 – Tháng 6/2022" in texts(at)


def test_the_link_restores_the_view(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, "unit_detail", p="2022-08", u="21961", cmp="yoy")
    assert at.header[0].value == "Xã Phước Hưng"
    assert "Tháng 8/2022" in texts(at) and "Tháng 8/2021" in texts(at)
    assert at.query_params["u"] == "21961"


def test_a_stale_link_falls_back_to_defaults(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, p="1999-01", u="NOPE", cmp="bogus", lang="xx")
    assert at.title[0].value == "Tổng quan"
    assert at.session_state["u"] == "all"


def test_unknown_counters_show_no_data_never_zero(monkeypatch, sample_db):
    # Phòng Nội vụ has only a II.06a report for 08/2022: no fee, rating or channel detail
    at = open_app(monkeypatch, sample_db, p="2022-08", u="NV")
    m = metrics(at)
    assert m["Thanh toán TT"] == "không có dữ liệu"
    assert m["Hài lòng"] == "không có dữ liệu"
    assert m["Đúng hạn"] == "94,4 %"                     # (10 + 7) / 18 from the report


def test_the_number_opens_to_its_numerator_and_denominator(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, p="2022-08", u="NV")
    on_time = [c for c in cards(at) if c.key == "on_time_rate"][0]
    assert "(Trước hạn + đúng hạn) / đã giải quyết" in on_time.text
    parts = [tb for tb in on_time.tables if "Tử số" in set(tb.iloc[:, 0])]
    assert parts, "no numerator/denominator table"
    assert list(parts[0].iloc[:, 2]) == ["10", "7", "17", "18"]
    assert "94,4 %" in on_time.text.split("=")[-1]          # the result under the parts


def test_a_month_without_data_explains_itself(monkeypatch, sample_db):
    # Văn phòng HĐND và UBND has no data at all in the sample
    at = open_app(monkeypatch, sample_db, "unit_detail", p="2022-08", u="VP")
    assert "Chưa có dữ liệu của Văn phòng HĐND và UBND huyện trong Tháng 8/2022" in texts(at)
    assert not figures(at)


def test_league_ranks_units_and_shows_the_heatmap(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, "league", p="2022-08")
    # by score, each group is ranked among itself: two tables under their own headings, each from 1
    depts, communes = html_tables(at)[:2]
    assert {"Thứ hạng", "Thay đổi hạng", "Đơn vị"} <= set(depts.columns)
    assert [h.value for h in at.subheader][:2] == [t("league_group_departments", "vi"),
                                                   t("league_group_communes", "vi")]
    # "Phòng " dropped, the land branch abbreviated, the rest of its name whole (it wraps)
    assert set(depts["Đơn vị"].str.lstrip("► ")) == {"Nội vụ", "Tư pháp", "Tài nguyên và Môi trường",
                                                    "CN VP Đăng ký đất đai huyện Tuy Phước"}
    assert set(communes["Đơn vị"].str.lstrip("► ")) == {"Thị trấn Diêu Trì", "Xã Phước Hưng", "Xã Phước Thành"}
    assert depts["Thứ hạng"].iloc[0] == "1" and communes["Thứ hạng"].iloc[0] == "1"
    # each name opens the unit's page, the month kept
    assert depts.attrs["links"]["Tư pháp"] == "unit_detail?p=2022-08&u=TP"
    assert "Cấp" not in depts.columns and "Cấp" not in communes.columns   # the heading names the block
    at.selectbox(key="league_rank_by").set_value("late_count").run()
    assert_clean(at)
    # its choices are in the user's language: kept across a switch of language
    from ui import state
    assert {"league_rank_by", "league_columns"} <= state.RELABELLED
    table = html_tables(at)[0]
    assert "Cấp" in table.columns                  # one table of both blocks: the level tells them apart
    late = [int(x) for x in table["Trễ hạn"] if x != "–"]
    assert late == sorted(late) and len(late) > 3               # fewest late first
    # the heatmap: a click away, in the link, the tables not drawn under it
    assert not plotly_specs(at)
    at.segmented_control(key="league_view").set_value("heatmap").run()
    assert_clean(at)
    assert at.query_params["view"] == "heatmap" and not html_tables(at) and len(plotly_specs(at)) == 1
    at.selectbox(key="league_heat_kpi").set_value("online_rate").run()
    assert_clean(at)
    heat = json.loads(plotly_specs(at)[0])
    assert heat["data"][0]["type"] == "heatmap" and "Xã Phước Hưng" in heat["data"][0]["y"]


def test_unit_detail_breakdowns_and_reconciliation(monkeypatch, sample_db):
    at = open_app(monkeypatch, sample_db, "unit_detail", p="2022-08", u="TP")
    body = texts(at)
    assert "Phòng Tư pháp" in body
    # one view at a time: the trends first, nothing of the other views drawn
    assert not [df for df in at.dataframe if "Báo cáo II.06a" in df.value.columns]
    # the sample has a II.06a report for TP in 08/2022 beside its dossiers; the link keeps the view
    at.segmented_control(key="ud_view").set_value("reconciliation").run()
    assert_clean(at)
    assert at.query_params["view"] == "reconciliation"
    recon = [df.value for df in at.dataframe if "Báo cáo II.06a" in df.value.columns]
    assert recon and list(recon[0]["Báo cáo II.06a"])[0] == "10"
    at = open_app(monkeypatch, sample_db, "unit_detail", p="2022-08", u="TP", view="procedures")
    procs = [df for df in html_tables(at) if "Thủ tục" in df.columns]
    assert procs and len(procs[0]) >= 2
    # every figure of a procedure in the same static table as its name (the names wrap)
    assert {"Đã giải quyết", "Đúng hạn", "Trễ hạn"} <= set(procs[0].columns)


def test_dossier_filters_and_counts(monkeypatch, sample_db):
    def listing(at):
        return next(d for d in html_tables(at) if t("col_dossier_code", "vi") in d.columns)

    def pill_count(at, status):
        return next(int(o.rsplit("(", 1)[1].rstrip(")").replace(".", "")) for o in
                    at.pills(key="dossier_status").options if o.startswith(t(f"status_{status}", "vi") + " ("))

    at = open_app(monkeypatch, sample_db, "dossiers", p="2022-08")
    every = listing(at)
    assert len(every) == min(100, pill_count(at, "all"))
    at.pills(key="dossier_status").set_value("late").run()
    assert_clean(at)
    late = listing(at)
    assert len(late) == pill_count(at, "late") and 0 < len(late) < pill_count(at, "all")
    assert set(late["Trạng thái"]) == {"Trễ hạn"}
    assert all(int(d) > 0 for d in late["Số ngày trễ"])
    assert not {"Họ tên", "CCCD", "Cán bộ xử lý"} & set(late.columns)       # no personal fields
    at.selectbox(key="dossier_channel").set_value(2).run()
    assert_clean(at)
    online = [d for d in html_tables(at) if t("col_dossier_code", "vi") in d.columns]
    assert all(c == "Trực tuyến" for c in online[0]["Kênh nộp"]) if online else pill_count(at, "late") == 0
    # the full table: every column, sortable, a switch away and in the link
    at.selectbox(key="dossier_channel").set_value(0).run()
    at.toggle(key="dossier_grid").set_value(True).run()
    assert_clean(at)
    assert at.query_params["grid"] == "1"
    grid = at.dataframe[0].value
    assert len(grid) == len(late) and {t("col_has_fee", "vi"), t("col_rating", "vi")} <= set(grid.columns)
    assert list(grid[t("col_dossier_code", "vi")]) == list(late[t("col_dossier_code", "vi")])


def test_after_an_import_undo_offers_that_import(monkeypatch, empty_db, copy_db, tmp_path):
    from tests.sample_files import write_dossiers, write_report

    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    for name, path in (("ho_so.csv", write_dossiers(tmp_path / "ho_so.csv", months=1, per_month=10)),
                       ("bao_cao.xlsx", write_report(tmp_path / "bao_cao.xlsx"))):
        at.get("file_uploader")[0].set_value([(name, path.read_bytes(), "application/octet-stream")]).run()
        at.button(key="import-confirm").click().run()
        assert_clean(at)
        # the first import is picked; after the second, the second (not the one picked before)
        assert at.selectbox(key="undo_pick").format_func(at.selectbox(key="undo_pick").value).endswith(name)


def test_import_desk_preview_import_and_undo(monkeypatch, empty_db, copy_db, tmp_path):
    from tests.sample_files import write_dossiers

    db_path = copy_db(empty_db)
    csv = write_dossiers(tmp_path / "ho_so_thang.csv", months=2, per_month=30)
    at = open_app(monkeypatch, db_path, "import_desk")
    at.get("file_uploader")[0].set_value([("ho_so_thang.csv", csv.read_bytes(), "text/csv")]).run()
    assert_clean(at)
    preview = at.dataframe[0].value
    assert preview.iloc[0]["Loại"] == "Danh sách hồ sơ"
    assert preview.iloc[0]["Số dòng"] == "60"
    assert preview.iloc[0]["Trạng thái"] == "Sẵn sàng nhập"
    assert t("nothing_written_yet", "vi") in texts(at)
    at.button(key="import-confirm").click().run()
    assert_clean(at)
    assert any("Đã nhập ho_so_thang.csv" in s.value for s in at.success)
    log = html_tables(at)[-1]
    assert list(log["Tệp"]) == ["ho_so_thang.csv"]
    # figures refresh at once: the overview now has cards
    goto(at, "overview")
    assert_clean(at)
    assert len(cards(at)) >= 6
    # undo through the confirmation dialog
    goto(at, "import_desk")
    at.button(key="undo-open").click().run()
    at.button(key="undo-yes").click().run()
    assert_clean(at)
    assert any("Đã hoàn tác" in s.value for s in at.success)
    goto(at, "overview")
    assert not figures(at) and t("no_data_at_all", "vi") in texts(at)


def test_import_desk_shows_why_a_file_is_refused(monkeypatch, empty_db, copy_db, tmp_path):
    db_path = copy_db(empty_db)
    bad = ("Mã hồ sơ,Đơn vị,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả\n"
           "A1,Xã Không Có Thật,01/08/2022,05/08/2022,04/08/2022\n"
           "A2,Phòng Tư pháp,32/13/2022,05/08/2022,\n").encode("utf-8")
    at = open_app(monkeypatch, db_path, "import_desk")
    at.get("file_uploader")[0].set_value([("sai.csv", bad, "text/csv")]).run()
    assert_clean(at)
    assert at.dataframe[0].value.iloc[0]["Trạng thái"] == "Bị từ chối"
    problems = [df.value for df in at.dataframe if "Dòng" in df.value.columns]
    assert problems, "no table of problems"
    table = problems[0]
    assert {"Dòng", "Cột", "Giá trị", "Lỗi"} <= set(table.columns)
    # both problems listed, each with the value as written
    assert {"Xã Không Có Thật", "32/13/2022"} <= set(table["Giá trị"])
    assert not [b for b in at.button if b.key == "import-confirm"]
    assert t("no_imports", "vi") in texts(at)                       # nothing was written


def test_import_desk_names_what_is_wrong_with_a_workbook(monkeypatch, empty_db, copy_db, tmp_path):
    # the workbook refusals of the reader, as the import page shows them: a formula saved
    # without its value (row, heading, cell) and a password-protected file
    import openpyxl

    from tests import fixture_month as fm

    f = fm.write_xlsx(tmp_path / "ho_so.xlsx")
    wb = openpyxl.load_workbook(f)
    ws = wb.active
    head = next(r for r in range(1, 10) if ws.cell(row=r, column=2).value == "Mã hồ sơ")
    fin = [c.value for c in ws[head]].index("Ngày kết thúc xử lý") + 1
    ws.cell(row=head + 1, column=fin, value="=DATE(2022,8,4)")
    wb.save(f)
    locked = Path(__file__).resolve().parent / "data" / "password_protected.xlsx"
    db_path = copy_db(empty_db)
    at = open_app(monkeypatch, db_path, "import_desk")
    at.get("file_uploader")[0].set_value([("ho_so.xlsx", f.read_bytes(), "application/octet-stream"),
                                          ("khoa.xlsx", locked.read_bytes(), "application/octet-stream")]).run()
    assert_clean(at)
    assert list(at.dataframe[0].value["Trạng thái"]) == ["Bị từ chối", "Bị từ chối"]
    problems = [df.value for df in at.dataframe if "Dòng" in df.value.columns]
    assert len(problems) == 2
    formula = problems[0].iloc[0]
    cell = f"{openpyxl.utils.get_column_letter(fin)}{head + 1}"
    assert (str(formula["Dòng"]), formula["Cột"], formula["Giá trị"]) == (str(head + 1), "Ngày kết thúc xử lý", cell)
    assert "Excel" in formula["Lỗi"]
    assert "mật khẩu" in problems[1].iloc[0]["Lỗi"]
    assert not [b for b in at.button if b.key == "import-confirm"]


def test_a_shared_link_to_the_late_dossiers_keeps_its_filter(monkeypatch, sample_db):
    # the link a colleague sends: the late dossiers of one unit in one month
    at = open_app(monkeypatch, sample_db, "dossiers", p="2022-08", u="21955", status="late")
    assert at.session_state["dossier_status"] == "late"
    lists = [d for d in html_tables(at) if t("col_dossier_code", "vi") in d.columns]
    assert lists and set(lists[0][t("col_status", "vi")]) == {t("status_late", "vi")}
    # and the page writes its filters back into the link
    at.pills(key="dossier_status").set_value("overdue").run()
    assert at.query_params["status"] == "overdue"


def test_the_priority_flag_opens_its_own_dossiers(monkeypatch, sample_db):
    """The attention page's "online/BCCI not given priority" opens the dossier list on the
    online and BCCI dossiers resolved but not early — the ones the flag counts."""
    from metrics import queries
    from metrics.store import db

    at = open_app(monkeypatch, sample_db, "dossiers", p="2022-08", status="priority_not_early")
    assert at.session_state["dossier_status"] == "priority_not_early"
    assert t("status_help_priority_not_early", "vi") in texts(at)
    lists = [d for d in html_tables(at) if t("col_dossier_code", "vi") in d.columns]
    # each is resolved on time or late (not early), and came online or by post
    assert lists and set(lists[0][t("col_status", "vi")]) <= {t("status_on_time", "vi"), t("status_late", "vi")}
    con = db.connect(sample_db)
    try:
        codes = set(queries.dossier_list(con, date(2022, 8, 1), status="priority_not_early", limit=None).dossier_code)
        rows = con.execute("""SELECT dossier_code FROM dossiers WHERE is_current
                              AND CAST(finished_at AS DATE) BETWEEN DATE '2022-08-01' AND DATE '2022-08-31'
                              AND CAST(finished_at AS DATE) >= CAST(due_at AS DATE)
                              AND (channel IN (2, 3) OR coalesce(result_by_post, FALSE))""").fetchall()
    finally:
        con.close()
    assert codes == {r[0] for r in rows} and codes


def test_unit_detail_opens_on_the_unit_that_most_needs_attention(monkeypatch, sample_db):
    # the communes in 08/2022: Diêu Trì 3 late, Phước Hưng 1, Phước Thành 1, none overdue
    at = open_app(monkeypatch, sample_db, "unit_detail", p="2022-08", u="communes")
    assert at.selectbox(key="detail_unit_pick").value == "21955"


def test_a_page_s_own_link_parameters_stay_on_that_page(monkeypatch, sample_db):
    # the unit page's view=measures must not open the next page on a view of its own name
    at = open_app(monkeypatch, sample_db, "unit_detail", p="2022-08", u="TP", view="measures")
    assert at.query_params["view"] == "measures"
    at.button(key="detail-go-late").click().run()
    assert_clean(at)
    assert at.title[0].value == t("page_dossiers", "vi")
    assert "view" not in at.query_params and at.query_params["p"] == "2022-08"
    assert at.query_params["status"] == "late"


def test_the_admin_page_lists_accounts_and_shows_the_log_one_view_at_a_time(monkeypatch, sample_db, copy_db):
    from metrics.store import auth, db

    path = copy_db(sample_db)
    con = db.connect(path)
    try:
        auth.add_user(con, "xa_phuoc_hung", "unit", "mat-khau-du-dai-1", "21961", by="tester")
    finally:
        con.close()
    at = open_app(monkeypatch, path, "admin")
    accounts = html_tables(at)[0]
    row = accounts[accounts["Tên đăng nhập"] == "xa_phuoc_hung"].iloc[0]
    assert (row["Vai trò"], row["Đơn vị"], row[t("admin_col_last_login", "vi")]) == ("Đơn vị", "Xã Phước Hưng", "–")
    assert not at.dataframe                          # the log is a click away, not drawn under
    at.segmented_control(key="admin_view").set_value("audit").run()
    assert_clean(at)
    assert at.query_params["view"] == "audit" and not html_tables(at)
    log = at.dataframe[0].value
    assert "xa_phuoc_hung" in " ".join(log.iloc[:, 3].astype(str))     # its creation, with its name


def test_a_long_dossier_list_shows_a_hundred_and_more_on_request(monkeypatch, demo_db):
    from metrics.store import db
    from metrics import queries
    from datetime import date

    start, end = date(2022, 12, 1), date(2022, 12, 31)
    con = db.connect(demo_db)
    try:
        codes = list(queries.dossier_list(con, start, end, status="all", limit=300).dossier_code)
    finally:
        con.close()
    assert len(codes) == 300

    def listing(at):
        return list(next(d for d in html_tables(at) if t("col_dossier_code", "vi") in d.columns)[t("col_dossier_code", "vi")])

    at = open_app(monkeypatch, demo_db, "dossiers", p="2022-12")
    assert listing(at) == codes[:100]
    at.button(key="dossier_rows-more").click().run()
    assert_clean(at)
    assert listing(at) == codes[:200] and at.query_params["n"] == "200"
    # another status: back to the first hundred
    at.pills(key="dossier_status").set_value("pending").run()
    assert len(listing(at)) == 100 and "n" not in at.query_params
    # at most 1,000 as HTML, then no more button but the line pointing at the files
    at = open_app(monkeypatch, demo_db, "dossiers", p="2022-12", n="1000")
    assert len(listing(at)) == 1000 and not [b for b in at.button if b.key == "dossier_rows-more"]
    total = next(int(o.rsplit("(", 1)[1].rstrip(")").replace(".", "")) for o in at.pills(key="dossier_status").options
                 if o.startswith(t("status_all", "vi") + " ("))
    assert t("shown_of", "vi", shown="1.000", total=f"{total:,}".replace(",", ".")) in texts(at)
    # a link asking for more than a page draws falls back to the first hundred
    assert len(listing(open_app(monkeypatch, demo_db, "dossiers", p="2022-12", n="50000"))) == 100


def test_a_page_names_the_engine_s_function_itself_not_a_string():
    # data.query takes metrics/ functions: a renamed one fails where the page names it (an
    # AttributeError in every test that opens the page), never a silent empty section
    from ui import data

    for wrong in ("kpi_table", len, lambda con: None):
        with pytest.raises(TypeError):
            data.query(wrong)
    import ast
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            f = node.func if isinstance(node, ast.Call) else None
            by_data = isinstance(f, ast.Attribute) and f.attr == "query" and getattr(f.value, "id", None) == "data"
            by_name = isinstance(f, ast.Name) and f.id == "query"
            if (by_data or by_name) and node.args and isinstance(node.args[0], ast.Constant):
                raise AssertionError(f"{path.name}:{node.lineno} names a query by a string")
