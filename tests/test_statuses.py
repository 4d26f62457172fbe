"""One model of a dossier's status (kpis.statuses): the dossier list, the flags' dossiers and
the counters give the same answers, checked against the hand-worked month of
tests/fixture_month.py (August 2022)."""
from __future__ import annotations

from datetime import date

import pytest

from metrics.store import db as dbm
from metrics.rules import flags
from metrics import queries
from metrics.importers.core import import_file
from tests import fixture_month as fm

AUG = date(2022, 8, 1)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    d = tmp_path_factory.mktemp("statuses")
    c = dbm.connect(d / "s.duckdb")
    import_file(c, fm.write_csv(d / "month.csv"))
    yield c
    c.close()


def _expected(unit: str, status: str) -> int:
    """The list's count of a status, from the counters worked out by hand."""
    e = fm.EXPECTED_COUNTERS[unit]
    return {
        "late": e["resolved_late"], "early": e["resolved_early"], "on_time": e["resolved_on_time"],
        "pending": e["pending"], "overdue": e["pending_overdue"], "land_violation": e["land_violation"],
        # every late dossier of the month says whether an apology was sent
        "apology_missing": e["resolved_late"] - e["apologised"],
        "priority_not_early": e["priority_resolved"] - e["priority_early"],
        # open at some time in August (received_total counts those carried over too)
        "all": e["received_total"],
    }[status]


STATUSES = ["all", "late", "early", "on_time", "pending", "overdue", "land_violation", "apology_missing",
            "priority_not_early"]


@pytest.mark.parametrize("unit", ["21961", "TP", "21952"])
@pytest.mark.parametrize("status", STATUSES)
def test_the_list_counts_what_the_counters_count(con, unit, status):
    assert queries.dossier_count(con, AUG, AUG, units=[unit], status=status) == _expected(unit, status)


def test_the_status_column_is_the_counters_status(con):
    df = queries.dossier_list(con, AUG, AUG, limit=None)
    got = {code: s for code, s in zip(df.dossier_code, df.status)}
    # each row's status at the end of August, by hand from fixture_month.ROWS
    assert got == {"A1": "early", "A2": "on_time", "A3": "late", "A4": "overdue", "A5": "early",
                   "A6": "pending", "TP1": "late", "TP2": "early", "T1": "on_time", "T2": "pending"}


def test_a_flags_dossiers_are_the_ones_it_counts(con):
    # priority not honoured: online/BCCI dossiers resolved but not early -> TP1 (online, late)
    assert list(flags.flag_dossiers(con, AUG, "TP", "priority_not_honoured").dossier_code) == ["TP1"]
    # the late dossiers of August: A3 without an apology; TP1's letter is dated 08/08, its due
    # date, not a day before it (Decree 61/2018): sent late
    st = flags.apology_status(con, AUG)
    assert dict(zip(st.dossier_code, st.apology)) == {"A3": "missing", "TP1": "late"}
    assert list(flags.flag_dossiers(con, AUG, "21961", "apology_missing").dossier_code) == ["A3"]
    assert list(flags.flag_dossiers(con, AUG, "21952", "land_at_commune").dossier_code) == ["T2"]
