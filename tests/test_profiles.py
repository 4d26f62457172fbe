"""Profiles: the post-2025 set-up by configuration alone; 2022 history rolls up into the new
communes (counters add up, rates are recomputed from the sums)."""
from __future__ import annotations

import math
from datetime import date

from metrics.store import db as dbm
from metrics import queries
from metrics.importers.core import import_file
from metrics.model.profile import load_profile
from tests import fixture_month as fm


def test_both_profiles_load_and_match_names():
    old, new = load_profile("tuy_phuoc_2022"), load_profile("tuy_phuoc_2025")
    assert old.code == "550" and len(old.units) == 25 and len(old.peers) == 11 and old.target_rank == 5
    assert new.match_unit("Xã Tuy Phước Đông").code == "TPD"
    assert new.match_unit("Thị trấn Tuy Phước").code == "21952"
    assert new.unit("21961").rolls_into == "TPB" and new.unit("21952").rolls_into == "TPH"
    # "Tuy Phước" alone could be the old township or the new commune: refused, never guessed
    assert new.match_unit("Tuy Phước") is None


def test_2022_history_rolls_up_into_the_new_communes(tmp_path, monkeypatch):
    old_profile, new_profile = load_profile("tuy_phuoc_2022"), load_profile("tuy_phuoc_2025")
    f = fm.write_csv(tmp_path / "d.csv")
    old = dbm.connect(tmp_path / "old.duckdb", profile=old_profile)
    import_file(con=old, path=f, profile=old_profile)
    t_old = queries.kpi_table(old, date(2022, 8, 1), profile=old_profile).set_index("unit_code")
    new = dbm.connect(tmp_path / "new.duckdb", profile=new_profile)
    import_file(con=new, path=f, profile=new_profile)
    t_new = queries.kpi_table(new, date(2022, 8, 1), profile=new_profile).set_index("unit_code")
    # Phước Hưng (21961) is now part of Tuy Phước Bắc, TT Tuy Phước (21952) of Tuy Phước
    assert t_new.at["TPB", "received_total"] == t_old.at["21961", "received_total"]
    assert t_new.at["TPH", "received_total"] == t_old.at["21952", "received_total"]
    assert t_new.at["TPB", "unit_name"] == "Xã Tuy Phước Bắc"
    # the department keeps its own history; the whole stays the same
    assert t_new.at["TP", "received_total"] == t_old.at["TP", "received_total"]
    assert t_new.at["ALL", "received_total"] == t_old.at["ALL", "received_total"]
    assert math.isclose(t_new.at["ALL", "on_time_rate"], t_old.at["ALL", "on_time_rate"])
    assert "21961" not in t_new.index
