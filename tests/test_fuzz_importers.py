"""Fuzzing the importers with thousands of hostile files (hypothesis): every one ends in a
typed refusal with nothing stored, or in a whole import; never a crash."""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.store import db as dbm
from metrics.errors import ImportRejected
from metrics.importers.core import import_file
from tests import fixture_month as fm
from tests import report_fixtures as rf

pytestmark = pytest.mark.slow          # a real browser / many generated files: CI, not the fast run

# The same 2,000 files on every run (CI must not fail on a new random find); REFORM_FUZZ_RANDOM=1
# explores new ones, REFORM_FUZZ_CASES=20000 explores more.
CASES = int(os.environ.get("REFORM_FUZZ_CASES", "1600"))  # + a quarter of raw bytes: 2,000 files
_con = dbm.connect(":memory:")
_dir = Path(tempfile.mkdtemp(prefix="fuzz-"))

cell = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["", "x", "Có", "không", "31/02/2022", "29/02/2023", "01/13/2022", "2022-08-01", "44774",
                     "1.234", "-5", "1e9", "Tổng cộng", "=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)",
                     "Xã Phước Hưng", "TT Diêu Trì", "Phòng Tư pháp", "Huyện Phù Mỹ", "Rất hài lòng", "BCCI",
                     "\u0000", "\ufeff", "\r", "\"", ";", ",", "\t", "08/2022", "Tháng 13/2022", "9" * 30]),
)
HEADERS = [fm.HEADER, rf.SUB, ["Huyện", "Tháng", "Tổng tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn", "Trong hạn",
                               "Quá hạn"], ["Đơn vị", "Năm", "Chỉ số CCHC", "Xếp hạng"], ["Ngày", "Đơn vị", "Nội dung"],
           ["Đơn vị", "Tháng", "Số tài khoản"]]


def _counts():
    return [_con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("dossiers", "report_rows", "peer_rows", "peer_index", "annotations", "citizen_accounts",
                      "imports")]


@given(header=st.sampled_from(HEADERS), drop=st.sets(st.integers(0, 25), max_size=4),
       rows=st.lists(st.lists(cell, min_size=0, max_size=25), max_size=6),
       sep=st.sampled_from([",", ";", "\t"]), enc=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       title=st.booleans())
@settings(max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          derandomize=os.environ.get("REFORM_FUZZ_RANDOM") != "1")
def test_fuzz_tables(header, drop, rows, sep, enc, title):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep)
    if title:
        w.writerow(["Kỳ báo cáo: Tháng 8 năm 2022"])
    w.writerow([h for i, h in enumerate(header) if i not in drop])
    w.writerows(rows)
    f = _dir / "f.csv"
    try:
        f.write_text(buf.getvalue(), encoding=enc)
    except UnicodeEncodeError:
        return
    before = _counts()
    try:
        r = import_file(_con, f)
    except ImportRejected as e:
        assert e.total >= 1 and e.problems and all(p.vi and p.en for p in e.problems)
        assert _counts() == before
    else:
        after = _counts()
        assert r.status == "unchanged" or after[-1] == before[-1] + 1


@given(st.binary(min_size=1, max_size=3000), st.sampled_from(["a.xlsx", "a.csv", "a.txt"]))
@settings(max_examples=max(CASES // 4, 50), deadline=None, suppress_health_check=list(HealthCheck), database=None,
          derandomize=os.environ.get("REFORM_FUZZ_RANDOM") != "1")
def test_fuzz_bytes(data, name):
    f = _dir / name
    f.write_bytes(b"PK\x03\x04" + data if name.endswith(".xlsx") and data[:1] == b"\x00" else data)
    before = _counts()
    try:
        import_file(_con, f)
    except ImportRejected:
        assert _counts() == before
