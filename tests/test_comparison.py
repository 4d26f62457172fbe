"""A month known only from the dossiers a later month's export carries over is no comparison.

An office's first import is usually one month's list (August): it also holds the dossiers
received in July that were still open in August, so July has a few received dossiers and
nothing resolved. Compared with that, August's late and overdue dossiers read as a rise from
zero ("▲ +4 so với Tháng 7/2022") when July was simply never imported."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb

from metrics.export import month as month_export
from metrics.export import slides
from metrics.importers.core import import_file
from metrics import queries
from metrics.model.profile import load_profile
from metrics.store import db
from tests import real_exports as rx
from tests.page_html import cards
from tests.test_pages import _app_like_a_running_server, open_app  # noqa: F401 (autouse)

AUG = date(2022, 8, 1)


def _first_import(tmp_path) -> Path:
    path = tmp_path / "first.duckdb"
    con = db.connect(path)
    try:
        import_file(con, rx.one_stop_list(tmp_path / "danh_sach_t8", "csv"))
        july = con.execute("SELECT sum(received_total), sum(resolved) FROM dossier_counters "
                           "WHERE period = DATE '2022-07-01'").fetchone()
        aug = con.execute("SELECT sum(resolved_late) FROM dossier_counters WHERE period = ?", [AUG]).fetchone()
    finally:
        con.close()
    # the shape of the case: July holds carried-over dossiers only, August has late ones
    assert july[0] > 0 and july[1] == 0 and aug[0] > 0
    return path


def test_only_months_the_jurisdiction_resolved_something_in_are_covered(tmp_path):
    con = duckdb.connect(str(_first_import(tmp_path)))
    try:
        assert queries.covered_months(con, date(2022, 1, 1), date(2022, 12, 1)) == {AUG}
        assert not queries.covered(con, date(2022, 7, 1)) and queries.covered(con, AUG)
        assert queries.covered(con, date(2022, 7, 1), AUG)             # a range with one month covered
        assert not queries.covered(con, None)
    finally:
        con.close()


def test_the_briefing_compares_with_no_month_that_was_never_imported(tmp_path):
    path = _first_import(tmp_path)
    con = duckdb.connect(str(path))
    try:
        m = month_export.gather(con, AUG, load_profile(), "vi")
        assert m.row is not None and m.row["late_count"] > 0
        assert m.row_prev is None
        shown = {c.key: c for c in slides.kpi_slide(m).cards}
        assert shown["late_count"].delta == "" and shown["overdue_backlog"].delta == ""
        assert "Tháng 7" not in slides.kpi_line(
            next(k for k in slides.HEADLINE if k.key == "late_count"), m.row, m.row_prev, 0, m)
    finally:
        con.close()


def test_a_month_that_was_imported_is_compared(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import gen_dossiers

    path = tmp_path / "two_months.duckdb"
    con = db.connect(path)
    try:
        import_file(con, gen_dossiers.write(3000, tmp_path / "ho_so.csv"))
        m = month_export.gather(con, AUG, load_profile(), "vi")
        assert m.row_prev is not None and m.row_prev["resolved"] > 0
        shown = {c.key: c for c in slides.kpi_slide(m).cards}
        assert "7/2022" in shown["late_count"].delta, shown["late_count"].delta
    finally:
        con.close()


def test_the_overview_says_there_is_no_comparison_instead_of_a_rise_from_zero(monkeypatch, tmp_path):
    path = _first_import(tmp_path)
    at = open_app(monkeypatch, path, "overview", p="2022-08")
    by_key = {c.key: c for c in cards(at)}
    for key in ("late_count", "overdue_backlog"):
        card = by_key[key]
        assert card.value not in ("", "0") and card.delta is None, (key, card.value, card.delta)
        assert "Kỳ so sánh không có dữ liệu" in card.text
    # nor a line drawn from July's "0" up to August: one month of figures draws no sparkline
    page = " ".join(h.proto.body for h in at.get("html"))
    assert 'data-kpi="late_count"' in page and 'class="ic-spark"' not in page


def test_the_league_shows_no_rank_change_against_a_month_never_imported(monkeypatch, tmp_path):
    from metrics.i18n import t
    from tests.page_html import tables

    path = _first_import(tmp_path)
    at = open_app(monkeypatch, path, "league", p="2022-08")
    league = next(df for df in tables(at) if t("rank_change", "vi") in df.columns)
    assert len(league) >= 2 and set(league[t("rank_change", "vi")]) == {"–"}


def test_the_unit_page_draws_no_zero_for_a_month_never_imported(monkeypatch, tmp_path):
    path = _first_import(tmp_path)
    at = open_app(monkeypatch, path, "unit_detail", p="2022-08", u="21961")
    charts = " ".join(h.proto.body for h in at.get("html") if 'class="ic-chart"' in h.proto.body)
    assert "Tháng 8/2022: " in charts                           # August's figures written (alt text)
    assert "Tháng 7/2022: 0" not in charts                      # July: no "0 late", it is unknown
