"""Twenty sessions reading while an import lands: no errors and consistent figures; and no
personal data in the database, the logs or the exports."""
from __future__ import annotations

import threading
import zipfile
from datetime import date
from io import BytesIO

import pytest

from tests import fixture_month as fm


def test_twenty_readers_during_an_import_see_before_or_after_never_between(tmp_path):
    import sys
    import os

    sys.path.insert(0, os.getcwd())
    from benchmarks.gen_dossiers import write_csv
    from metrics import queries
    from metrics.importers.core import import_file
    from ui.data import Store

    store = Store(str(tmp_path / "c.duckdb"))
    with store.cursor() as cur:
        import_file(cur, fm.write_csv(tmp_path / "a.csv"))
    big = write_csv(60_000, tmp_path / "big.csv")
    seen: set[tuple] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                with store.cursor() as cur:
                    t = queries.kpi_table(cur, date(2022, 8, 1))
                allrow = t[t.unit_code == "ALL"].iloc[0]
                units = t[t.unit_code != "ALL"]
                # one snapshot: the total is the sum of the units in the same answer
                assert allrow.received_total == units.received_total.sum()
                seen.add(int(allrow.received_total))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(20)]
    for th in threads:
        th.start()
    with store.cursor() as cur:
        import_file(cur, big)
    stop.set()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors[:3]
    with store.cursor() as cur:
        final = int(queries.kpi_table(cur, date(2022, 8, 1)).query("unit_code == 'ALL'").received_total.iloc[0])
    # every answer was the figure before the import or after it, nothing in between
    assert seen <= {10, final} and final > 10


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from metrics.store import db as dbm
    from metrics.export import export
    from metrics.importers.core import import_file
    from metrics.model.profile import load_profile
    from tests import report_fixtures as rf

    tmp = tmp_path_factory.mktemp("px")
    con = dbm.connect(tmp / "p.duckdb")
    import_file(con, fm.write_csv(tmp / "a.csv"))
    import_file(con, fm.write_xlsx(tmp / "a.xlsx"))
    import_file(con, rf.write_peers(tmp / "peers.csv"))
    prof = load_profile()
    files = {fmt_: export(con, date(2022, 8, 1), prof, fmt_) for fmt_ in ("xlsx", "pptx", "pdf")}
    log = con.execute("SELECT * FROM imports").fetchall() + con.execute("SELECT * FROM audit").fetchall()
    con.close()
    return files, log, (tmp / "p.duckdb").read_bytes()


def _text_of(kind: str, blob: bytes) -> str:
    if kind in ("xlsx", "pptx"):
        with zipfile.ZipFile(BytesIO(blob)) as z:
            return "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
    from pypdf import PdfReader

    return "".join(p.extract_text() or "" for p in PdfReader(BytesIO(blob)).pages)


def test_no_personal_data_in_exports_logs_or_the_file(exported):
    files, log, raw = exported
    for kind, blob in files.items():
        text = _text_of(kind, blob)
        assert "Phước Hưng" in text or kind == "pdf"      # the figures are there …
        for value in fm.PERSONAL:
            assert value not in text, (kind, value)          # … the applicants are not
    flat = repr(log)
    for value in fm.PERSONAL:
        assert value not in flat and value.encode() not in raw
