"""Demo data never passes for real data: a real file is not imported into a store that holds
the demo (remove it first, in one step), nor the demo into a store with real data; the demo
label shows wherever a demo figure does."""
from __future__ import annotations

import duckdb
import pytest

from demo.seed import seed_demo
from metrics.store import db
from metrics import queries
from metrics.cli import main
from metrics.errors import DemoDataPresent
from metrics.i18n import t
from metrics.importers.core import import_file
from tests import fixture_month as fm
from tests.test_engine_golden import check_month, kpi_rows
from tests.test_pages import _app_like_a_running_server, assert_clean, open_app, texts  # noqa: F401 (autouse)


def test_a_real_file_is_refused_while_the_demo_is_there(demo_db, copy_db, tmp_path, capsys):
    path = copy_db(demo_db)
    real = fm.write_csv(tmp_path / "thang8.csv")
    con = db.connect(path)
    try:
        before = con.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        with pytest.raises(DemoDataPresent):
            import_file(con, real)
        assert con.execute("SELECT count(*) FROM dossiers").fetchone()[0] == before
        assert queries.as_of(con)["is_demo"] is True
    finally:
        con.close()
    # the CLI says how to proceed, and --replace-demo takes the demo out first
    assert main(["import", str(real), "--db", str(path)]) == 2
    assert "--replace-demo" in capsys.readouterr().err
    assert main(["import", str(real), "--replace-demo", "--db", str(path)]) == 0
    capsys.readouterr()
    con = duckdb.connect(str(path), read_only=True)
    try:
        # only the hand-checked month's dossiers are left
        assert con.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0] == len(fm.ROWS)
        assert con.execute("SELECT count(*) FROM imports WHERE is_demo AND status = 'active'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM audit WHERE action = 'demo_removed'").fetchone()[0] == 1
    finally:
        con.close()
    # the figures are the hand-checked month's alone, with nothing of the demo in them
    check_month(kpi_rows(capsys, path))


def test_the_demo_is_not_added_to_real_data(tmp_path):
    path = tmp_path / "real.duckdb"
    con = db.connect(path)
    try:
        import_file(con, fm.write_csv(tmp_path / "thang8.csv"))
        with pytest.raises(DemoDataPresent):
            seed_demo(con)
        assert queries.as_of(con)["is_demo"] is False
    finally:
        con.close()


def test_the_import_page_asks_once_and_removes_the_demo(monkeypatch, demo_db, copy_db, tmp_path):
    path = copy_db(demo_db)
    at = open_app(monkeypatch, path, "import_desk")
    body = texts(at)
    assert "DỮ LIỆU MẪU" in body and "Cơ sở dữ liệu đang chứa dữ liệu mẫu" in body
    real = fm.write_csv(tmp_path / "thang8.csv")
    at.get("file_uploader")[0].set_value([("thang8.csv", real.read_bytes(), "text/csv")]).run()
    assert not [b for b in at.button if b.key == "import-confirm"]         # no import while the demo is there
    assert t("demo_blocks_import", "vi") in texts(at)
    at.button(key="demo-remove").click().run()
    at.button(key="demo-remove-yes").click().run()
    assert_clean(at)
    assert any("Đã xóa dữ liệu mẫu" in s.value for s in at.success)
    assert "DỮ LIỆU MẪU" not in texts(at)
    at.get("file_uploader")[0].set_value([("thang8.csv", real.read_bytes(), "text/csv")]).run()
    at.button(key="import-confirm").click().run()
    assert_clean(at)
    assert any("Đã nhập thang8.csv" in s.value for s in at.success)
