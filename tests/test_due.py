"""Early warning: working days around Vietnam's 2 September holiday, the due-soon and overdue
lists as of a date, and the risk from a history whose shares are known — every expected value
worked out by hand below."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from metrics.store import db
from metrics.cli import main
from metrics.rules.due import due_list
from metrics.importers.core import import_file
from metrics.model.profile import load_profile
from metrics.model.workdays import Calendar

PROFILE = load_profile()
CAL = PROFILE.calendar
HEADER = ["Mã hồ sơ", "Đơn vị", "Mã TTHC", "Tên TTHC", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_working_days_around_the_national_day():
    # Wednesday 31/8/2022; 1/9 and 2/9 are holidays, 3/9-4/9 a weekend: Monday 5/9 is the
    # first working day after, 6/9 the second, 7/9 the third
    d = date(2022, 8, 31)
    assert CAL.working_days_between(d, date(2022, 9, 1)) == 0
    assert CAL.working_days_between(d, date(2022, 9, 2)) == 0
    assert CAL.working_days_between(d, date(2022, 9, 4)) == 0
    assert CAL.working_days_between(d, date(2022, 9, 5)) == 1
    assert CAL.working_days_between(d, date(2022, 9, 7)) == 3
    assert CAL.working_days_between(date(2022, 8, 26), d) == 3        # Mon 29, Tue 30, Wed 31
    assert CAL.working_days_between(d, date(2022, 8, 26)) == -3
    # Tết Nhâm Dần: the five days 31/1-4/2/2022 are off
    assert CAL.working_days_between(date(2022, 1, 28), date(2022, 2, 7)) == 1
    # a Saturday worked in exchange is a working day
    cal = Calendar(frozenset(), frozenset({date(2022, 9, 3)}))
    assert cal.working_days_between(date(2022, 9, 2), date(2022, 9, 5)) == 2


def test_the_sql_calendar_counts_the_same_days():
    import duckdb

    from metrics.model.workdays import calendar_sql

    con = duckdb.connect()
    calendar_sql(con, CAL, date(2021, 12, 1), date(2024, 1, 31))
    rows = con.execute("SELECT d, working, n FROM workcal ORDER BY d").fetchall()
    assert [w for _, w, _ in rows] == [CAL.is_working(d) for d, _, _ in rows]
    n = dict((d, k) for d, _, k in rows)
    for a, b in [(date(2022, 8, 31), date(2022, 9, 7)), (date(2022, 1, 28), date(2022, 2, 7)),
                 (date(2023, 1, 1), date(2023, 12, 31))]:
        assert n[b] - n[a] == CAL.working_days_between(a, b)


def test_a_local_holiday_does_not_make_a_year_covered():
    # one commune's day off in 2026 is not 2026's national list: Tết would count as working
    from metrics.model.profile import _national_holidays
    from metrics.model.workdays import load_calendar

    cal = load_calendar({"holidays": ["2026-09-03"]}, _national_holidays())
    assert not cal.covers(2026) and not cal.is_working(date(2026, 9, 3))
    assert load_calendar({"holidays": ["2026-09-03"], "years": [2026]}, _national_holidays()).covers(2026)


# as of Wednesday 31/8/2022, within 3 working days (5/9, 6/9, 7/9)
WINDOW = [
    ["P1", "Xã Phước Hưng", "A", "Thủ tục A", "29/08/2022", "31/08/2022", ""],            # due today: 0 left
    ["P2", "Xã Phước Hưng", "A", "Thủ tục A", "30/08/2022", "02/09/2022", ""],            # due on the holiday: 0
    ["P3", "Xã Phước Hưng", "A", "Thủ tục A", "30/08/2022", "05/09/2022", ""],            # 1 left
    ["P4", "Xã Phước Hưng", "A", "Thủ tục A", "25/08/2022", "07/09/2022", ""],            # 3 left
    ["P5", "Xã Phước Hưng", "A", "Thủ tục A", "25/08/2022", "08/09/2022", ""],            # 4 left: not in the list
    ["P6", "Xã Phước Hưng", "A", "Thủ tục A", "20/08/2022", "30/08/2022", ""],            # overdue since 30/8: -1
    ["P7", "Xã Phước Hưng", "A", "Thủ tục A", "20/08/2022", "26/08/2022", ""],            # overdue since Fri 26/8: -3
    ["P8", "Xã Phước Hưng", "A", "Thủ tục A", "28/08/2022", "06/09/2022", "30/08/2022"],  # finished before: out
    ["P9", "Xã Phước Hưng", "A", "Thủ tục A", "01/09/2022", "06/09/2022", ""],            # received after: out
    ["P10", "Xã Phước Hưng", "A", "Thủ tục A", "29/08/2022", "06/09/2022", "02/09/2022"],  # finishes after: 2 left
    ["T1", "Phòng Tư pháp", "B", "Thủ tục B", "31/08/2022", "01/09/2022", ""],            # due on the holiday: 0
]
EXPECTED = [("P7", "overdue", -3), ("P6", "overdue", -1), ("P1", "due_soon", 0), ("P2", "due_soon", 0),
            ("T1", "due_soon", 0), ("P3", "due_soon", 1), ("P10", "due_soon", 2), ("P4", "due_soon", 3)]


@pytest.fixture
def window_db(tmp_path):
    path = tmp_path / "t.duckdb"
    con = db.connect(path)
    try:
        import_file(con, write(tmp_path / "ds.csv", WINDOW))
    finally:
        con.close()
    return path


def test_the_due_soon_list_across_the_holiday(window_db):
    con = db.connect(window_db)
    try:
        dl = due_list(con, date(2022, 8, 31), 3)
    finally:
        con.close()
    assert [(r["dossier_code"], r["status"], r["working_days_left"]) for r in dl.rows] == EXPECTED
    assert dl.counts() == {"21961": {"due_soon": 5, "overdue": 2, "due_today": 2},
                           "TP": {"due_soon": 1, "overdue": 0, "due_today": 1}}
    assert all(r["risk"] is None and r["risk_basis"] in (None, "too_few") for r in dl.rows)


def test_the_due_command(window_db, capsys):
    assert main(["due", "--as-of", "2022-08-31", "--within", "3", "--format", "csv", "--db", str(window_db)]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["as_of", "unit_code", "unit_name", "dossier_code", "procedure_code", "procedure_name",
                             "received_at", "due_at", "status", "working_days_left", "risk"]
    assert [(r["dossier_code"], r["status"], int(r["working_days_left"])) for r in rows] == EXPECTED
    assert rows[0]["as_of"] == "2022-08-31" and rows[0]["unit_name"] == "Xã Phước Hưng"
    # one unit, a narrower window: within 0 keeps the overdue and those with 0 working days left
    assert main(["due", "--as-of", "2022-08-31", "--within", "0", "--unit", "21961", "--format", "json",
                 "--db", str(window_db)]) == 0
    import json
    got = json.loads(capsys.readouterr().out)
    assert [(r["dossier_code"], r["working_days_left"]) for r in got] == [("P7", -3), ("P6", -1), ("P1", 0),
                                                                          ("P2", 0)]
    # the default as-of is the last date of the data: 2/9 (P10's finished date)
    assert main(["due", "--format", "csv", "--db", str(window_db)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["as_of"] for r in rows} == {"2022-09-02"}


def _history(unit: str, n_early: int, n_day_before: int, n_on_due: int, n_late: int, start: int):
    """Finished dossiers of procedure X received Wed 1/6/2022, due Fri 10/6 (7 working days
    later): finished Fri 3/6 (5 working days left), Thu 9/6 (1 left), on the due date (0
    left), or late (Tue 14/6)."""
    rows, i = [], start
    for finished, n in (("03/06/2022", n_early), ("09/06/2022", n_day_before), ("10/06/2022", n_on_due),
                        ("14/06/2022", n_late)):
        for _ in range(n):
            rows.append([f"H{i}", unit, "X", "Thủ tục X", "01/06/2022", "10/06/2022", finished])
            i += 1
    return rows


def test_risk_from_a_history_of_known_shares(tmp_path):
    rows = _history("Xã Phước Thắng", 10, 12, 8, 5, 0) + _history("Xã Phước Quang", 0, 0, 10, 5, 100)
    rows += [
        ["R1", "Xã Phước Thắng", "X", "Thủ tục X", "29/08/2022", "05/09/2022", ""],   # 1 working day left
        ["R2", "Xã Phước Thắng", "X", "Thủ tục X", "30/08/2022", "31/08/2022", ""],   # due today: 0 left
        ["R3", "Xã Phước Hưng", "Y", "Thủ tục Y", "30/08/2022", "05/09/2022", ""],    # no history
    ]
    path = tmp_path / "t.duckdb"
    con = db.connect(path)
    try:
        import_file(con, write(tmp_path / "ds.csv", rows))
        got = {r["dossier_code"]: r for r in due_list(con, date(2022, 8, 31), 3).rows}
    finally:
        con.close()
    # R1, 1 day left, at Phước Thắng: still open with 1 day left were the 12 finished with 1 left,
    # the 8 on the due date and the 5 late = 25 cases (>= 20), of which 5 late: 20 %
    assert (got["R1"]["risk"], got["R1"]["risk_cases"], got["R1"]["risk_basis"]) == (5 / 25, 25, "unit")
    # R2, 0 left: at Phước Thắng only 8 + 5 = 13 cases (< 20); across units 13 + (10 + 5) = 28,
    # of which 5 + 5 late
    assert (got["R2"]["risk"], got["R2"]["risk_cases"], got["R2"]["risk_basis"]) == (10 / 28, 28, "procedure")
    # R3: no history at all: too thin to say, and said
    assert (got["R3"]["risk"], got["R3"]["risk_cases"], got["R3"]["risk_basis"]) == (None, 0, "too_few")
    # the riskiest due soon first
    con = db.connect(path)
    try:
        order = [r["dossier_code"] for r in due_list(con, date(2022, 8, 31), 3).rows]
    finally:
        con.close()
    assert order == ["R2", "R1", "R3"]


def test_the_due_soon_page(monkeypatch, window_db):
    from metrics.store.auth import User
    from metrics.i18n import t
    from tests.page_html import tables as html_tables
    from tests.test_pages import _app_like_a_running_server, assert_clean, open_app, texts  # noqa: F401

    at = open_app(monkeypatch, window_db, "due_soon", asof="2022-08-31", within="3", p="2022-08")
    assert_clean(at)
    assert at.date_input(key="due_asof").value == date(2022, 8, 31) and at.number_input(key="due_within").value == 3
    tables = html_tables(at)
    per_unit = next(d for d in tables if t("due_today", "vi") in d.columns)
    assert per_unit.values.tolist() == [["Xã Phước Hưng", "2", "5", "2"], ["Phòng Tư pháp", "1", "1", "0"]]
    listing = next(d for d in tables if t("due_days_left", "vi") in d.columns)
    assert list(zip(listing[t("col_dossier_code", "vi")], listing[t("due_days_left", "vi")])) == \
        [(code, str(left)) for code, _, left in EXPECTED]
    assert listing[t("due_risk", "vi")].iloc[0] == t("due_risk_late_already", "vi")
    # its "overdue" is as of the day chosen, not the overview's month-end backlog: said
    assert t("due_vs_backlog", "vi") in texts(at)
    # what to act on comes first: days left, then the status
    assert list(listing.columns[:2]) == [t("due_days_left", "vi"), t("col_status", "vi")]
    # the link keeps the page's own filters, those that are not the defaults (3 working days)
    assert at.query_params["asof"] == "2022-08-31" and "within" not in at.query_params
    at.number_input(key="due_within").set_value(5).run()
    at.pills(key="due_status").set_value("overdue").run()
    assert_clean(at)
    assert (at.query_params["within"], at.query_params["due"]) == ("5", "overdue")
    listing = next(d for d in html_tables(at) if t("due_days_left", "vi") in d.columns)
    assert list(listing[t("col_dossier_code", "vi")]) == ["P7", "P6"]                # the two overdue ones
    # a commune's account opens here, on its own dossiers only
    at = open_app(monkeypatch, window_db, None, user=User("ph", "unit", "21961"), asof="2022-08-31")
    assert_clean(at)
    assert at.title[0].value == t("page_due_soon", "vi")
    listing = next(d for d in html_tables(at) if t("due_days_left", "vi") in d.columns)
    # its own dossiers only (P…, not Phòng Tư pháp's T1); one unit: no unit column
    assert t("unit", "vi") not in listing.columns
    assert list(listing[t("col_dossier_code", "vi")]) == [code for code, _, _ in EXPECTED if code.startswith("P")]


def test_the_overview_names_the_units_with_most_due_and_overdue(monkeypatch, window_db):
    from metrics.i18n import t
    from tests.test_pages import _app_like_a_running_server, assert_clean, open_app, texts  # noqa: F401

    at = open_app(monkeypatch, window_db, None, p="2022-09")
    assert_clean(at)
    # the newest data is 2/9/2022 (P10 finished that day, so it is no longer pending). Due within
    # 3 working days of it (5/9, 6/9, 7/9): P2 (due 2/9 itself, 0 left), P3 (5/9), P4 (7/9) and
    # P9 (received 1/9, due 6/9); overdue: P1, P6, P7 (due 31/8, 30/8, 26/8) and T1 (1/9)
    line = t("due_overview", "vi", day="02/09/2022", soon="4", late="4",
             who="Xã Phước Hưng (4 sắp đến hạn, 3 quá hạn), Phòng Tư pháp (0 sắp đến hạn, 1 quá hạn)")
    assert line in texts(at)


def test_a_daily_export_updates_its_dossiers_and_leaves_earlier_months_alone(tmp_path):
    """Monday's export, then Tuesday's (the same dossiers, one finished since, one new): the
    new as-of date follows the data; July's figures do not move; the finished one leaves
    the list."""
    monday = [
        ["J1", "Xã Phước Hưng", "A", "Thủ tục A", "05/07/2022", "12/07/2022", "11/07/2022"],
        ["J2", "Xã Phước Hưng", "A", "Thủ tục A", "20/07/2022", "27/07/2022", "29/07/2022"],
        ["M1", "Xã Phước Hưng", "A", "Thủ tục A", "29/08/2022", "31/08/2022", ""],
        ["M2", "Xã Phước Hưng", "A", "Thủ tục A", "30/08/2022", "05/09/2022", ""],
    ]
    tuesday = [r if r[0] != "M1" else ["M1", "Xã Phước Hưng", "A", "Thủ tục A", "29/08/2022", "31/08/2022",
                                       "31/08/2022"] for r in monday]
    tuesday.append(["N1", "Xã Phước Hưng", "A", "Thủ tục A", "31/08/2022", "06/09/2022", ""])
    path = tmp_path / "t.duckdb"
    con = db.connect(path)
    try:
        import_file(con, write(tmp_path / "monday.csv", monday))
        july = con.execute("SELECT * FROM dossier_counters WHERE period = DATE '2022-07-01'").fetchall()
        first = due_list(con)
        import_file(con, write(tmp_path / "tuesday.csv", tuesday))
        assert con.execute("SELECT * FROM dossier_counters WHERE period = DATE '2022-07-01'").fetchall() == july
        assert con.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0] == 5
        second = due_list(con)
    finally:
        con.close()
    assert first.as_of == date(2022, 8, 30) and second.as_of == date(2022, 8, 31)
    assert [r["dossier_code"] for r in first.rows] == ["M1", "M2"]
    # on 31/8 M1 was finished on its due date; M2 (5/9) and N1 (6/9) have 1 and 2 working days left
    assert [(r["dossier_code"], r["working_days_left"]) for r in second.rows] == [("M2", 1), ("N1", 2)]


def test_a_long_due_list_shows_a_page_at_a_time_and_more_on_request(monkeypatch, demo_db):
    from metrics.i18n import t
    from tests.page_html import tables as html_tables
    from tests.test_pages import _app_like_a_running_server, assert_clean, open_app, texts  # noqa: F401

    con = db.connect(demo_db)
    try:
        everyone = [r["dossier_code"] for r in due_list(con, date(2022, 12, 30), 3).rows]
    finally:
        con.close()
    assert len(everyone) > 200          # the demo's December: the land branch's backlog

    def listing(at):
        return next(d for d in html_tables(at) if t("due_days_left", "vi") in d.columns)

    at = open_app(monkeypatch, demo_db, "due_soon", asof="2022-12-30")
    assert list(listing(at)[t("col_dossier_code", "vi")]) == everyone[:100]
    assert t("due_shown", "vi", shown="100", n=f"{len(everyone):,}".replace(",", ".")) in texts(at)
    at.button(key="due_rows-more").click().run()
    assert_clean(at)
    assert list(listing(at)[t("col_dossier_code", "vi")]) == everyone[:200]
    assert at.query_params["n"] == "200"           # a shared link opens as far down
    at = open_app(monkeypatch, demo_db, "due_soon", asof="2022-12-30", n="200")
    assert len(listing(at)) == 200
