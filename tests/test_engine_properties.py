"""Property tests: any garbage in gives a typed error or a valid value, never a crash, and a
refused file never leaves part of itself in the database."""
from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.store import db as dbm
from metrics.errors import ImportRejected
from metrics.importers.core import import_file
from metrics.importers.values import (RATINGS, parse_channel, parse_count, parse_date, parse_month, parse_rating,
                                      parse_yes_no)
from metrics.model.profile import load_profile
from tests import fixture_month as fm

pytestmark = pytest.mark.slow          # a real browser / many generated files: CI, not the fast run

PROFILE = load_profile()
cells = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**9, 10**9),
                  st.floats(allow_nan=True, allow_infinity=True), st.booleans())


@given(cells)
def test_value_parsers_never_crash(v):
    ok, n = parse_count(v)
    assert (not ok and n is None) or n is None or (isinstance(n, int) and n >= 0)
    assert parse_yes_no(v) in (True, False, None)
    assert parse_channel(v) in (1, 2, 3, None)
    ok, r = parse_rating(v)
    assert r is None or r in RATINGS
    m = parse_month(v)
    assert m is None or (isinstance(m, date) and m.day == 1)


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_parse_date_never_crashes(s):
    d = parse_date(s)
    assert d is None or isinstance(d, datetime)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"]))
def test_dates_are_day_first_round_trip(d, fmt):
    s = datetime(d.year, d.month, d.day, 9, 30).strftime(fmt)
    assert parse_date(s).date() == d


@given(st.integers(1, 12), st.integers(2000, 2099),
       st.sampled_from(["{m:02d}/{y}", "{m}/{y}", "{y}-{m:02d}", "Tháng {m}/{y}", "T{m}/{y}", "tháng {m} năm {y}"]))
def test_month_spellings(m, y, pattern):
    assert parse_month(pattern.format(m=m, y=y)) == date(y, m, 1)


@given(st.integers(0, 10**7))
def test_vietnamese_thousands(n):
    s = f"{n:,}".replace(",", ".")
    assert parse_count(s) == (True, n)


@given(st.sampled_from(PROFILE.units), st.sampled_from(["", "UBND ", "ubnd "]), st.booleans(), st.booleans())
def test_unit_names_any_spelling(unit, prefix, nfd, upper):
    name = prefix + unit.name
    if upper:
        name = name.upper()
    if nfd:
        name = unicodedata.normalize("NFD", name)
    assert PROFILE.match_unit(name).code == unit.code
    assert PROFILE.match_unit(unit.code).code == unit.code


@given(st.text(max_size=40))
def test_unit_matching_never_crashes(s):
    u = PROFILE.match_unit(s)
    assert u is None or u.code in PROFILE.unit_codes
    assert len(PROFILE.suggest_units(s)) <= 3


# --- whole files --------------------------------------------------------------------------
garbage_cell = st.one_of(st.text(max_size=12), st.sampled_from(["", "x", "31/02/2022", "1.234", "Tổng cộng",
                                                                "=1+1", "\x00", "Xã Phước Hưng", "2099-01-01"]))


def _snapshot(con):
    return [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("dossiers", "report_rows", "peer_rows", "peer_index", "imports", "dossier_counters")]


@given(rows=st.lists(st.lists(garbage_cell, min_size=1, max_size=8), min_size=0, max_size=8),
       keep_header=st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_garbage_csv_is_refused_whole_or_imported_whole(tmp_path_factory, rows, keep_header):
    tmp = tmp_path_factory.mktemp("g")
    con = dbm.connect(tmp / "g.duckdb")
    try:
        buf = io.StringIO()
        w = csv.writer(buf)
        if keep_header:
            w.writerow(fm.HEADER)
        for r in rows:
            w.writerow(r)
        f = tmp / "g.csv"
        f.write_text(buf.getvalue(), encoding="utf-8")
        before = _snapshot(con)
        try:
            r = import_file(con, f)
        except ImportRejected as e:
            assert e.total >= 1 and e.problems
            assert _snapshot(con) == before
        else:
            assert r.rows >= 1
            assert _snapshot(con)[4] == before[4] + 1
    finally:
        con.close()


@given(st.binary(max_size=2000))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_are_refused(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("b")
    con = dbm.connect(tmp / "b.duckdb")
    try:
        for name in ("x.csv", "x.xlsx"):
            f = tmp / name
            f.write_bytes(data)
            try:
                import_file(con, f)
            except ImportRejected:
                pass
        # random bytes never carry a recognisable header, so nothing can have been stored
        assert _snapshot(con) == [0, 0, 0, 0, 0, 0]
    finally:
        con.close()


@given(st.sampled_from([u for u in PROFILE.units if u.is_commune or u.level == "department"]),
       st.sampled_from([" - huyện Tuy Phước", ", huyện Tuy Phước, tỉnh Bình Định", " (huyện Tuy Phước)"]))
def test_unit_names_with_the_place_written_after(unit, suffix):
    assert PROFILE.match_unit(unit.name + suffix).code == unit.code
