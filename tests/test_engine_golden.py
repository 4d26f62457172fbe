"""Golden month: a hand-checked fixture in, the exact KPI CSV out (through the CLI)."""
from __future__ import annotations

import csv
import io
import math

import pytest

from metrics.cli import main
from metrics.model.kpis import COUNTER_NAMES, KPI_KEYS
from tests import fixture_month as fm


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def kpi_rows(capsys, db, period="2022-08", *extra) -> dict[str, dict]:
    code, out, err = run_cli(capsys, "kpis", "--period", period, "--format", "csv", "--db", str(db), *extra)
    assert code == 0, err
    return {r["unit_code"]: r for r in csv.DictReader(io.StringIO(out))}


def check_month(rows: dict[str, dict]) -> None:
    assert set(rows) == {"ALL", "21961", "TP", "21952"}
    for unit, expected in fm.EXPECTED_COUNTERS.items():
        for name, value in expected.items():
            assert rows[unit][name] == str(value), (unit, name, rows[unit][name], value)
    for unit, expected in fm.EXPECTED_KPIS.items():
        for name, value in expected.items():
            got = rows[unit][name]
            if value is None:
                assert got == "", (unit, name, got)
            elif name in fm.COUNT_KPIS:
                assert int(got) == value, (unit, name, got)
            else:
                assert math.isclose(float(got), 100 * value, abs_tol=0.005), (unit, name, got, 100 * value)


@pytest.mark.parametrize("variant", ["csv-utf8-bom", "csv-semicolon", "csv-utf16-tab", "xlsx", "xlsx-offset"])
def test_golden_month(tmp_path, capsys, variant):
    if variant == "xlsx":
        f = fm.write_xlsx(tmp_path / "thang8.xlsx")
    elif variant == "xlsx-offset":
        f = fm.write_xlsx_offset(tmp_path / "thang8.xlsx")
    elif variant == "csv-semicolon":
        f = fm.write_csv(tmp_path / "thang8.csv", encoding="utf-8", delimiter=";")
    elif variant == "csv-utf16-tab":
        f = fm.write_csv(tmp_path / "thang8.txt", encoding="utf-16", delimiter="\t")
    else:
        f = fm.write_csv(tmp_path / "thang8.csv")
    db = tmp_path / "t.duckdb"
    code, out, err = run_cli(capsys, "import", str(f), "--db", str(db))
    assert code == 0, err
    check_month(kpi_rows(capsys, db))


def test_columns_and_order(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    main(["import", str(fm.write_csv(tmp_path / "a.csv")), "--db", str(db)])
    capsys.readouterr()
    code, out, _ = run_cli(capsys, "kpis", "--period", "2022-08", "--format", "csv", "--db", str(db))
    header = out.splitlines()[0].split(",")
    assert header[:3] == ["period", "unit_code", "unit_name"]
    assert header[3:3 + len(COUNTER_NAMES)] == COUNTER_NAMES
    assert header[3 + len(COUNTER_NAMES):] == KPI_KEYS


def test_single_unit_and_json(tmp_path, capsys):
    import json

    db = tmp_path / "t.duckdb"
    main(["import", str(fm.write_csv(tmp_path / "a.csv")), "--db", str(db)])
    capsys.readouterr()
    code, out, _ = run_cli(capsys, "kpis", "--period", "2022-08", "--unit", "TP", "--format", "json", "--db", str(db))
    data = json.loads(out)
    assert [r["unit_code"] for r in data] == ["TP"]
    assert data[0]["resolved_late"] == 1 and math.isclose(data[0]["on_time_rate"], 50.0)


def test_june_has_only_the_june_dossier(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    main(["import", str(fm.write_csv(tmp_path / "a.csv")), "--db", str(db)])
    capsys.readouterr()
    rows = kpi_rows(capsys, db, "2022-06")
    # TP3: received 1/6, due 10/6, finished 15/6 -> one late dossier in June, nothing else
    assert set(rows) == {"ALL", "TP"}
    assert rows["TP"]["received_total"] == "1" and rows["TP"]["resolved_late"] == "1"
    assert rows["TP"]["on_time_rate"] == "0.0000"


def test_two_months_are_a_ratio_of_sums(tmp_path, capsys):
    """July + August for 21961: counters add, the rate is recomputed from the sums."""
    from datetime import date

    from metrics.store import db as dbm
    from metrics import queries
    from metrics.importers.core import import_file

    con = dbm.connect(tmp_path / "t.duckdb")
    import_file(con, fm.write_csv(tmp_path / "a.csv"))
    t = queries.kpi_table(con, date(2022, 7, 1), date(2022, 8, 1), units=["21961"])
    row = t[t.unit_code == "21961"].iloc[0]
    # July: A4 (new, post, pending; due 14/8 > 31/7 -> in time), A5 (new, online, pending in time):
    # received 2, early 0, on time 0, pending in time 2. August: received 6, early 2, on time 1,
    # pending in time 1. Progress over both = (0 + 0 + 2 + 2 + 1 + 1) / (2 + 6)
    assert row.received_total == 2 + 6
    assert row.resolved == 0 + 4
    assert math.isclose(row.progress_766, 6 / 8)
    assert math.isclose(row.online_rate, (1 + 1) / (1 + 1 + 1 + 3))  # July: 1 online, 1 post
    con.close()


def test_table_format_shows_every_row_with_unknowns_blank(tmp_path, capsys):
    """The default (table) format prints the same rows as csv; an unknown counter (NULL) is blank."""
    db = tmp_path / "t.duckdb"
    main(["import", str(fm.write_csv(tmp_path / "a.csv")), "--db", str(db)])
    capsys.readouterr()
    code, csv_out, _ = run_cli(capsys, "kpis", "--period", "2022-08", "--format", "csv", "--db", str(db))
    assert code == 0 and ",," in csv_out          # the fixture has unknowns (no data for some columns)
    code, out, err = run_cli(capsys, "kpis", "--period", "2022-08", "--db", str(db))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["period", "unit_code", "unit_name"]
    units = [r.split(",")[1] for r in csv_out.splitlines()[1:]]
    assert [ln.split()[1] for ln in lines[1:]] == units
    assert "nan" not in out.lower() and "<NA>" not in out


def test_the_kpis_command_does_not_load_pandas(tmp_path):
    """Its start-up is most of its time: the CSV answer is written without pandas."""
    import subprocess
    import sys

    f = fm.write_csv(tmp_path / "thang8.csv")
    db = tmp_path / "t.duckdb"
    assert main(["import", str(f), "--db", str(db)]) == 0
    code = ("import sys; from metrics.cli import main; rc = main(['kpis', '--period', '2022-08', '--format', 'csv', "
            f"'--db', {str(db)!r}]); print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS', rc)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip().splitlines()[-1] == "NO-PANDAS 0", p.stderr
    assert "2022-08,21961,Xã Phước Hưng,6," in p.stdout
