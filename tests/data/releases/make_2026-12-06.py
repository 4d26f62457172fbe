"""Write the store of release 2026-12-06 (commit bdbd0ad) for the upgrade test."""
import sys, shutil
from datetime import date
from pathlib import Path
sys.path.insert(0, ".")
from tests.sample_files import write_dossiers, write_report, write_peers
from metrics.store import db, auth, notes
from metrics.importers.core import import_file

out = Path(sys.argv[1]); work = Path(sys.argv[2]); work.mkdir(parents=True, exist_ok=True)
out.unlink(missing_ok=True)
con = db.connect(out)
for f in (write_dossiers(work / "ho_so.csv"), write_report(work / "bao_cao_II06a.csv"),
          write_peers(work / "so_lieu_cac_huyen.csv")):
    import_file(con, f, user="admin")
auth.add_user(con, "admin", "admin", "mat-khau-quan-tri-2026")
auth.add_user(con, "phuochung", "unit", "mat-khau-xa-phuoc-hung", unit_code="21961")
notes.add_commitment(con, "21961", date(2022, 10, 1), "Không còn hồ sơ trễ hạn", owner="Lê Văn Tâm", kpi="on_time_rate", target=1.0)
notes.add_annotation(con, date(2022, 9, 15), "Ra mắt bộ phận một cửa hiện đại")
con.execute("CHECKPOINT")
con.close()
