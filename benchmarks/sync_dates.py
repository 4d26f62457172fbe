"""A national sync record (dates as yyyyMMddHHmmss, no separators) of N rows: the importer's
dry run, timed. python benchmarks/sync_dates.py [N]  (default 300,000; files in benchmarks/out/)"""
from __future__ import annotations

import csv
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics.store import db  # noqa: E402
from metrics.importers.core import import_file  # noqa: E402


def write(path: Path, n: int) -> Path:
    rnd = random.Random(1)
    base = datetime(2022, 8, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["MaHoSo", "DonViXuLy", "MaTTHC", "TenTTHC", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy",
                    "KenhThucHien"])
        for i in range(n):
            r = base + timedelta(minutes=rnd.randrange(40000))
            w.writerow([f"S{i}", "Phòng Tư pháp", "1.001", "Chứng thực", f"{r:%Y%m%d%H%M%S}",
                        f"{r + timedelta(days=5):%Y%m%d%H%M%S}",
                        f"{r + timedelta(days=rnd.randrange(8)):%Y%m%d%H%M%S}", rnd.choice([1, 2, 3])])
    return path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    f = write(out / f"sync-{n}.csv", n)
    store = out / "sync.duckdb"
    store.unlink(missing_ok=True)
    con = db.connect(store)
    try:
        t = time.perf_counter()
        r = import_file(con, f, dry_run=True)
        print(f"{r.rows} rows, dry run {time.perf_counter() - t:.2f} s")
    finally:
        con.close()


if __name__ == "__main__":
    main()
