"""The same dossiers written as two offices' systems write them give the figures of the clean
file (issue 16): dates in other shapes and shares, units spelled as no alias of the profile
spells them ("Phòng Tài nguyên - Môi trường", "CN VPĐK đất đai", capitals), yes/no and the
channel in other words — read without teaching the importer anything."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from metrics.importers.core import import_file
from metrics.model.profile import load_profile
from metrics.store import db as dbm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import gen_dossiers  # noqa: E402

ROWS = 3000


def _figures(con):
    return con.execute("SELECT * EXCLUDE (import_id) FROM dossier_counters ORDER BY ALL").fetchall() \
        if "import_id" in [r[0] for r in con.execute("DESCRIBE dossier_counters").fetchall()] \
        else con.execute("SELECT * FROM dossier_counters ORDER BY ALL").fetchall()


def _imported(tmp_path: Path, messy: int):
    f = gen_dossiers.write(ROWS, tmp_path / f"d{messy}.csv", messy=messy)
    con = dbm.connect(tmp_path / f"s{messy}.duckdb")
    r = import_file(con, f)
    assert r.status == "imported" and r.rows == ROWS
    return con


@pytest.mark.parametrize("style", [1, 2])
def test_a_messy_export_gives_the_clean_files_figures(tmp_path, style):
    clean = _imported(tmp_path, 0)
    messy = _imported(tmp_path, style)
    expected = _figures(clean)
    assert len(expected) > 12 * 15                  # every unit in every month of 2022
    assert _figures(messy) == expected


@pytest.mark.parametrize("raw, code", [
    ("Phòng Tài nguyên - Môi trường", "TNMT"),          # a dash for "và"
    ("Phòng Kinh tế - Hạ tầng", "KTHT"),
    ("CN VPĐK đất đai", "CNVPDK"),                       # initials, the place left out
    ("CN VPĐK đất đai huyện Tuy Phước", "CNVPDK"),
    ("Phòng TC - KH", "TCKH"),
    ("Phòng Nông nghiệp - PTNT", "NNPTNT"),              # words and initials mixed
    ("Phòng Văn hoá - Thông tin", "VHTT"),               # the old accent place, a dash
])
def test_a_unit_written_word_by_word_or_by_initials_is_known(raw, code):
    assert load_profile().match_unit(raw).code == code


@pytest.mark.parametrize("raw", ["PH", "Phước", "Phòng", "TT", "Phòng Tài nguyên - Môi trường - Y tế"])
def test_too_little_or_too_much_is_no_unit(raw):
    # one short abbreviation, a word many names share, or two units in one cell
    assert load_profile().match_unit(raw) is None
