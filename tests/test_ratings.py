"""Ratings as real exports write them: the words, the middle mark "Bình thường", and the
national portal's codes 1–3 — read with a note, since a star scale uses the same digits."""
from __future__ import annotations

import csv

from metrics.importers.core import import_file
from metrics.importers.values import parse_rating


def test_the_words_the_middle_mark_and_the_codes():
    assert parse_rating("Bình thường") == (True, "neutral")
    assert parse_rating("Rất hài lòng") == (True, "very_satisfied")
    assert parse_rating("1") == (True, "very_satisfied") and parse_rating("3") == (True, "dissatisfied")
    assert parse_rating("5") == (False, None)                       # a star scale: asked, never guessed


def _list(path, ratings):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Mã hồ sơ", "Đơn vị", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Đánh giá"])
        for k, v in enumerate(ratings):
            w.writerow([f"R{k}", "Xã Phước Hưng", "02/08/2022", "05/08/2022", "04/08/2022", v])
    return path


def test_coded_ratings_are_counted_and_said_and_the_middle_mark_is_rated_only(tmp_path, con):
    r = import_file(con, _list(tmp_path / "danh_gia.csv", ["1", "2", "3", "Bình thường", ""]))
    assert r.status == "imported"
    assert any("mã của Cổng Dịch vụ công" in w and "1–5 sao" in w for w in r.warnings), r.warnings
    assert con.execute("SELECT rated, satisfied, very_satisfied, dissatisfied FROM dossier_counters").fetchall() \
        == [(4, 2, 1, 1)]


def test_ratings_in_words_need_no_note(tmp_path, con):
    r = import_file(con, _list(tmp_path / "danh_gia.csv", ["Rất hài lòng", "Hài lòng", "Không hài lòng"]))
    assert r.status == "imported" and not any("mã" in w for w in r.warnings), r.warnings
