"""Performance at a province's volume, each figure beside its floor (issue 7).

    python benchmarks/run.py                      # 1M dossiers: everything, best of 3
    python benchmarks/run.py --rows 5000000       # 5M dossiers
    python benchmarks/run.py --only import,kpis   # some sections only
    python benchmarks/run.py --help

Sections (each measured side by side with its floor in the same run, repeated, best kept):
  import   `python -m metrics import FILE.csv --db NEW.duckdb` against `python -c` doing a bare
           DuckDB CREATE TABLE t AS SELECT * FROM read_csv(FILE) into a new file database
           (both as processes, Python start-up in both), then the same two in-process
           (start-up in neither), with the import's phases; target ratio <= 1.5 (wall), <= 1.8
           (CPU), peak memory <= 1.2x; on the generator's clean file, on the --messy one
           (dates in three formats, unit spellings and codes, channels and yes/no as words)
           and on --messy 2 (another office's spellings and date shapes, in other shares)
  reimport the same codes again with other content (the update path), against the same floor
  xlsx     import of 100,000 dossiers from .xlsx, clean and messy: time and peak memory beside
           reading the rows alone with our reader (target <= 1.5x), and openpyxl for scale
  kpis     the month's KPIs for all units: queries.kpi_table and the CLI's kpi_frame as function
           calls (target <= 50 ms), and `python -m metrics kpis --period P --format csv` against
           a Python that only imports duckdb (target <= 1.5x)
  pandas   the same KPIs by a straightforward pandas implementation over the dossiers held in
           memory (benchmarks/pandas_kpis.py); the figures are cross-checked; target >= 10x
  browser  headless Chromium: the overview until its figures show, against a one-line Streamlit
           page served the same way (target <= 1.5x); changing month and unit until the figures
           update (target <= 1 s); peak memory of the app process (target <= 1 GB)

Generated files and databases go to benchmarks/out/ (git-ignored). Nothing here runs in the
pytest suite.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

TARGETS = {"import": 1.5, "import_cpu": 1.8, "import_mem": 1.2, "xlsx": 1.5, "kpi_cli": 1.5, "kpi_ms": 50.0, "pandas": 10.0, "page": 1.5, "change_s": 1.0, "app_mb": 1024.0}


# --- measuring a process ------------------------------------------------------------------
# the processes measured run as on a user's machine: Python keeps the bytecode it compiles
# (a machine that sets PYTHONDONTWRITEBYTECODE compiles every module changed since its cache was
# written on every run: 14 ms of a 180 ms command)
MEASURED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_proc(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> dict:
    """Wall time, CPU time (user + system, all threads) and peak RSS of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env={**MEASURED_ENV, **(env or {})}, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {err.decode()[-2000:]}")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024}


def worker(args: list[str]) -> dict:
    """Run this file in worker mode (a fresh process) and return its JSON answer."""
    out = subprocess.run([PY, str(Path(__file__)), "--worker", *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"worker {args} failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh(db: Path) -> Path:
    for p in (db, Path(str(db) + ".wal")):
        if p.exists():
            p.unlink()
    return db


def cpu_s() -> float:
    """CPU seconds of this process so far, every thread (DuckDB's workers included)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def best(xs):
    return min(xs)


def med(xs):
    return statistics.median(xs)


# --- workers (fresh processes) ----------------------------------------------------------
BARE_SQL = "CREATE TABLE t AS SELECT * FROM read_csv(?)"
BARE_CMD = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            f"c.execute({BARE_SQL!r}, [sys.argv[2]]); c.close()")


def w_bare(db: str, path: str) -> dict:
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect(db)
    t1, c1 = time.perf_counter(), cpu_s()
    con.execute(BARE_SQL, [path])
    t2 = time.perf_counter()
    con.close()
    t3, c3 = time.perf_counter(), cpu_s()
    return {"fn": t3 - t1, "cpu": c3 - c1, "load": t2 - t1, "close": t3 - t2, "connect": t1 - t0}


def w_import(db: str, path: str, pre: str = "") -> dict:
    """import_file in-process, with the time of each phase."""
    import functools

    from metrics.model import counters
    from metrics.store import db as mdb
    from metrics.importers import core
    from metrics.importers import dossiers as D

    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def wrap(mod, name, label):
        f = getattr(mod, name)

        @functools.wraps(f)
        def g(*a, **k):
            t, c = time.perf_counter(), cpu_s()
            try:
                return f(*a, **k)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - t
                cpu[label] = cpu.get(label, 0.0) + cpu_s() - c
        setattr(mod, name, g)

    con = mdb.connect(db)
    if pre:
        core.import_file(con, pre)
    for mod, name, label in ((D, "stage", "stage"), (D, "build_maps", "maps"), (D, "validate", "validate"),
                             (D, "write", "write"), (counters, "rebuild", "counters")):
        wrap(mod, name, label)
    t1, c1 = time.perf_counter(), cpu_s()
    r = core.import_file(con, path)
    t2 = time.perf_counter()
    con.close()
    t3, c3 = time.perf_counter(), cpu_s()
    assert r.status == "imported", r
    return {"fn": t3 - t1, "cpu": c3 - c1, "import_file": t2 - t1, "close": t3 - t2, "rows": r.rows,
            "phases": phases, "phases_cpu": cpu}


def w_kpis(db: str, period: str, n: str) -> dict:
    n = int(n)
    from metrics import cli, queries
    from metrics.store import db as mdb
    from metrics.model.profile import load_profile

    prof = load_profile()
    con = mdb.connect(db, read_only=True)
    p = queries.month(period)
    res = {}
    for name, f in (("kpi_table", lambda: queries.kpi_table(con, p, p, profile=prof)),
                    ("kpi_frame", lambda: cli.kpi_frame(con, period, None, prof))):
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            df = f()
            ts.append(time.perf_counter() - t)
        res[name] = {"first": ts[0], "best": min(ts), "median": med(ts[1:] or ts), "rows": len(df)}
    res["dossiers"] = con.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0]
    res["counter_rows"] = con.execute("SELECT count(*) FROM dossier_counters").fetchone()[0]
    return res


def w_pandas(db: str, period: str, n: str) -> dict:
    n = int(n)
    import numpy as np

    import pandas_kpis as pk
    from metrics.store import db as mdb
    from metrics import queries
    from metrics.model.kpis import COUNTER_NAMES, KPIS

    con = mdb.connect(db, read_only=True)
    p = queries.month(period)
    t = time.perf_counter()
    df = pk.load(con)
    load_s = time.perf_counter() - t
    mem_mb = df.memory_usage(deep=True).sum() / 2**20
    ts, es = [], []
    for _ in range(n):
        t = time.perf_counter()
        ours = pk.month_kpis(df, p)
        ts.append(time.perf_counter() - t)
        t = time.perf_counter()
        eng = queries.kpi_table(con, p, p)
        es.append(time.perf_counter() - t)
    eng = eng.set_index("unit_code")
    mismatched = []
    for col in [k.key for k in KPIS] + [c for c in COUNTER_NAMES if c in ours.columns]:
        a = eng[col].astype("float64").reindex(ours.index).to_numpy()
        b = ours[col].to_numpy(dtype="float64")
        if not np.allclose(np.nan_to_num(a, nan=-1.0), np.nan_to_num(b, nan=-1.0), rtol=1e-12, atol=0):
            mismatched.append(col)
    return {"pandas_best": min(ts), "pandas_median": med(ts), "engine_best": min(es), "engine_median": med(es),
            "load": load_s, "frame_mb": mem_mb, "mismatched": mismatched, "units": len(ours)}


def w_openpyxl(path: str) -> dict:
    # the reader the import used before calamine, for scale
    import openpyxl

    t = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return {"fn": time.perf_counter() - t, "rows": n}


def w_xlsx_read(path: str) -> dict:
    from metrics.importers.xlsx_file import iter_xlsx_rows

    t = time.perf_counter()
    n = sum(1 for _ in iter_xlsx_rows(Path(path)))
    return {"fn": time.perf_counter() - t, "rows": n}


WORKERS = {"bare": w_bare, "import": w_import, "kpis": w_kpis, "pandas": w_pandas, "openpyxl": w_openpyxl,
           "xlsx_read": w_xlsx_read}


# --- data -----------------------------------------------------------------------------
def ensure_file(out: Path, n: int, ext: str, variant: int = 1, messy: int = 0) -> Path:
    import gen_dossiers

    style = {0: "", 1: "-messy"}.get(int(messy), f"-messy{int(messy)}")
    path = out / f"dossiers-{n}{'' if variant == 1 else f'-v{variant}'}{style}.{ext}"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(".part." + ext)
        gen_dossiers.write(n, tmp, variant, messy)
        tmp.rename(path)
        print(f"  generated {path.name} ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s")
    return path


# --- sections -------------------------------------------------------------------------
def sec_import(a, out: Path, rows: list) -> Path:
    """Clean, messy, and messy the other office's way (spellings and date shapes the profile
    and the first messy style never show); the clean store is the one the query sections read."""
    db = _import_one(a, out, rows, messy=0)
    _import_one(a, out, rows, messy=1)
    _import_one(a, out, rows, messy=2)
    return db


def _import_one(a, out: Path, rows: list, messy: int) -> Path:
    kind = {0: "clean", 1: "messy", 2: "messy (2nd style)"}[messy]
    csv = ensure_file(out, a.rows, "csv", messy=messy)
    cli_db, bare_db = out / f"import-{a.rows}.duckdb", out / f"bare-{a.rows}.duckdb"
    print(f"\n== import of {a.rows:,} {kind} dossiers from CSV against a bare DuckDB load (load {load()})")
    bare, ours, ratios = [], [], []
    for i in range(a.repeat):
        b = run_proc([PY, "-c", BARE_CMD, str(fresh(bare_db)), str(csv)])
        o = run_proc([PY, "-m", "metrics", "import", str(csv), "--db", str(fresh(cli_db))])
        bare.append(b)
        ours.append(o)
        ratios.append(o["wall"] / b["wall"])
        print(f"  run {i + 1}: bare {b['wall']:.2f} s (cpu {b['cpu']:.2f}, {b['rss_mb']:.0f} MB), import "
              f"{o['wall']:.2f} s (cpu {o['cpu']:.2f}, {o['rss_mb']:.0f} MB), ratio {ratios[-1]:.2f}  [load {load()}]")
    fb, fo = [], []
    for i in range(a.repeat):
        fb.append(worker(["bare", str(fresh(bare_db)), str(csv)]))
        fo.append(worker(["import", str(fresh(out / 'fn.duckdb')), str(csv)]))
        ph = ", ".join(f"{k} {v:.2f}" for k, v in fo[-1]["phases"].items())
        print(f"  in-process {i + 1}: bare {fb[-1]['fn']:.2f} s, import {fo[-1]['fn']:.2f} s ({ph}, "
              f"close {fo[-1]['close']:.2f})  [load {load()}]")
    r_cli = best([o["wall"] for o in ours]) / best([b["wall"] for b in bare])
    r_fn = best([o["fn"] for o in fo]) / best([b["fn"] for b in fb])
    r_cpu = best([o["cpu"] for o in ours]) / best([b["cpu"] for b in bare])
    r_mem = max(o["rss_mb"] for o in ours) / max(b["rss_mb"] for b in bare)
    rows.append(("import", f"CSV {a.rows:,} {kind} dossiers, CLI (process)", f"{best([o['wall'] for o in ours]):.2f} s",
                 f"{best([b['wall'] for b in bare]):.2f} s", f"{r_cli:.2f}× (median of pairs {med(ratios):.2f}×)",
                 "≤ 1.5×", r_cli <= TARGETS["import"]))
    rows.append(("import", f"  {kind}: CPU seconds of the process", f"{best([o['cpu'] for o in ours]):.2f} s",
                 f"{best([b['cpu'] for b in bare]):.2f} s", f"{r_cpu:.2f}×", "≤ 1.8×", r_cpu <= TARGETS["import_cpu"]))
    rows.append(("import", f"  {kind}: import_file (in-process)", f"{best([o['fn'] for o in fo]):.2f} s",
                 f"{best([b['fn'] for b in fb]):.2f} s", f"{r_fn:.2f}×", "≤ 1.5×", r_fn <= TARGETS["import"]))
    phases = min(fo, key=lambda x: x["fn"])["phases"]
    rows.append(("import", f"  {kind}: its phases (best run)", ", ".join(f"{k} {v:.2f}" for k, v in phases.items()),
                 "", "", "", None))
    rows.append(("import", f"  {kind}: peak memory of the process", f"{max(o['rss_mb'] for o in ours):.0f} MB",
                 f"{max(b['rss_mb'] for b in bare):.0f} MB", f"{r_mem:.2f}×", "≤ 1.2×", r_mem <= TARGETS["import_mem"]))
    target = out / f"db-{a.rows}{'' if not messy else '-messy' if messy == 1 else f'-messy{messy}'}.duckdb"
    shutil.copy(cli_db, target)
    return target


def sec_reimport(a, out: Path, rows: list) -> None:
    csv = ensure_file(out, a.rows, "csv")
    csv2 = ensure_file(out, a.rows, "csv", variant=2)
    base_db, db, bare_db = out / f"re-base-{a.rows}.duckdb", out / f"re-{a.rows}.duckdb", out / f"bare-{a.rows}.duckdb"
    print(f"\n== re-import: the same {a.rows:,} codes with other content (update path) (load {load()})")
    run_proc([PY, "-m", "metrics", "import", str(csv), "--db", str(fresh(base_db))])
    bare, ours = [], []
    for i in range(a.repeat):
        fresh(db)
        shutil.copy(base_db, db)
        bare.append(run_proc([PY, "-c", BARE_CMD, str(fresh(bare_db)), str(csv2)]))
        ours.append(run_proc([PY, "-m", "metrics", "import", str(csv2), "--db", str(db)]))
        print(f"  run {i + 1}: bare {bare[-1]['wall']:.2f} s, re-import {ours[-1]['wall']:.2f} s  [load {load()}]")
    r = best([o["wall"] for o in ours]) / best([b["wall"] for b in bare])
    rows.append(("import", f"re-import of the {a.rows:,} codes (every one changed), CLI",
                 f"{best([o['wall'] for o in ours]):.2f} s", f"{best([b['wall'] for b in bare]):.2f} s",
                 f"{r:.2f}×", "(not pathological)", None))


XLSX_READ_CMD = ("import sys; from pathlib import Path; from metrics.importers.xlsx_file import iter_xlsx_rows; "
                 "sum(1 for _ in iter_xlsx_rows(Path(sys.argv[1])))")


def sec_xlsx(a, out: Path, rows: list) -> None:
    for messy in (False, True):
        kind = "messy" if messy else "clean"
        x = ensure_file(out, a.xlsx_rows, "xlsx", messy=messy)
        db = out / "xlsx.duckdb"
        print(f"\n== import of {a.xlsx_rows:,} {kind} dossiers from XLSX (load {load()})")
        ours, reads, floor, inproc, opx = [], [], [], [], []
        for i in range(a.repeat):
            floor.append(run_proc([PY, "-c", XLSX_READ_CMD, str(x)]))
            ours.append(run_proc([PY, "-m", "metrics", "import", str(x), "--db", str(fresh(db))]))
            reads.append(worker(["xlsx_read", str(x)]))
            inproc.append(worker(["import", str(fresh(out / "xfn.duckdb")), str(x)]))
            if not messy:
                opx.append(worker(["openpyxl", str(x)]))
            print(f"  run {i + 1}: import {ours[-1]['wall']:.2f} s, peak {ours[-1]['rss_mb']:.0f} MB, reading the rows "
                  f"alone {floor[-1]['wall']:.2f} s (processes); in-process import {inproc[-1]['fn']:.2f} s, reading "
                  f"{reads[-1]['fn']:.2f} s" + (f" (openpyxl {opx[-1]['fn']:.2f} s)" if opx else "")
                  + f"  [load {load()}]")
        r = best([o["wall"] for o in ours]) / best([f["wall"] for f in floor])
        r_fn = best([o["fn"] for o in inproc]) / best([r["fn"] for r in reads])
        rows.append(("import", f"XLSX {a.xlsx_rows:,} {kind} dossiers, CLI (process)",
                     f"{best([o['wall'] for o in ours]):.2f} s",
                     f"{best([f['wall'] for f in floor]):.2f} s reading the rows with our reader (process)"
                     + (f"; openpyxl {best([r['fn'] for r in opx]):.2f} s" if opx else ""),
                     f"{r:.2f}×", "≤ 1.5×", r <= TARGETS["xlsx"]))
        rows.append(("import", f"  XLSX {kind}: import_file (in-process)", f"{best([o['fn'] for o in inproc]):.2f} s",
                     f"{best([r['fn'] for r in reads]):.2f} s", f"{r_fn:.2f}×", "≤ 1.5×", r_fn <= TARGETS["xlsx"]))
        rows.append(("import", f"  XLSX {kind}: peak memory", f"{max(o['rss_mb'] for o in ours):.0f} MB",
                     f"{max(f['rss_mb'] for f in floor):.0f} MB", "", "", None))


def sec_kpis(a, out: Path, rows: list, db: Path) -> None:
    print(f"\n== the month's KPIs, {a.period}, all units, {a.rows:,} dossiers (load {load()})")
    w = worker(["kpis", str(db), a.period, "30"])
    for name in ("kpi_table", "kpi_frame"):
        r = w[name]
        print(f"  {name}: first {r['first'] * 1000:.1f} ms, best {r['best'] * 1000:.1f} ms, "
              f"median {r['median'] * 1000:.1f} ms ({r['rows']} rows)")
    print(f"  dossiers {w['dossiers']:,}, dossier_counters rows {w['counter_rows']:,}")
    cmd = [PY, "-m", "metrics", "kpis", "--period", a.period, "--db", str(db), "--format", "csv"]
    floor = [PY, "-c", "import duckdb"]
    cl, fl = [], []
    run_proc(cmd)                       # the first run compiles and caches what changed
    for i in range(max(a.repeat, 5)):
        fl.append(run_proc(floor))
        cl.append(run_proc(cmd))
    print(f"  CLI best {best([c['wall'] for c in cl]) * 1000:.0f} ms, a Python that only imports duckdb "
          f"{best([f['wall'] for f in fl]) * 1000:.0f} ms  [load {load()}]")
    kt = w["kpi_table"]
    rows.append(("kpis", f"month's KPIs, all units, {a.rows:,} dossiers: queries.kpi_table",
                 f"{kt['best'] * 1000:.1f} ms (median {kt['median'] * 1000:.1f}, first {kt['first'] * 1000:.1f})",
                 "", "", "≤ 50 ms", kt["median"] * 1000 <= TARGETS["kpi_ms"]))
    kf = w["kpi_frame"]
    rows.append(("kpis", "  the CLI's kpi_frame (function)", f"{kf['best'] * 1000:.1f} ms (median {kf['median'] * 1000:.1f})",
                 "", "", "≤ 50 ms", kf["median"] * 1000 <= TARGETS["kpi_ms"]))
    c, f = best([c["wall"] for c in cl]), best([f["wall"] for f in fl])
    rows.append(("kpis", "  `python -m metrics kpis --format csv` (process)", f"{c * 1000:.0f} ms",
                 f"{f * 1000:.0f} ms (a Python that only imports duckdb)", f"{c / f:.2f}×", "≤ 1.5×",
                 c / f <= TARGETS["kpi_cli"]))


def sec_pandas(a, out: Path, rows: list, db: Path) -> None:
    print(f"\n== the same KPIs, straightforward pandas (load {load()})")
    w = worker(["pandas", str(db), a.period, str(max(a.repeat, 5))])
    ratio = w["pandas_median"] / w["engine_median"]
    print(f"  pandas {w['pandas_best'] * 1000:.0f} ms (median {w['pandas_median'] * 1000:.0f}), engine "
          f"{w['engine_best'] * 1000:.1f} ms (median {w['engine_median'] * 1000:.1f}); loading the frame "
          f"{w['load']:.1f} s, {w['frame_mb']:.0f} MB; mismatched columns: {w['mismatched'] or 'none'}")
    rows.append(("kpis", f"the same KPIs in pandas (dossiers in memory, {w['frame_mb']:.0f} MB)",
                 f"{w['engine_median'] * 1000:.1f} ms engine", f"{w['pandas_median'] * 1000:.0f} ms pandas",
                 f"{ratio:.0f}× faster" + ("" if not w["mismatched"] else f" (MISMATCH {w['mismatched']})"),
                 "≥ 10×", ratio >= TARGETS["pandas"] and not w["mismatched"]))


def sec_browser(a, out: Path, rows: list, db: Path) -> None:
    import page_load

    print(f"\n== page load in headless Chromium, {a.rows:,} dossiers, server.fileWatcherType={a.watcher} "
          f"(load {load()})")
    try:
        res = page_load.measure(db, out, repeat=a.repeat, port=a.port, period=a.period, watcher=a.watcher)
    except Exception as exc:  # the dashboard is someone else's work in progress: say so, go on
        print(f"  FAILED: {exc}")
        rows.append(("browser", "overview page load", f"failed: {str(exc)[:120]}", "", "", "≤ 1.5×", False))
        return
    for line in res["log"]:
        print("  " + line)
    r = res["overview"] / res["floor"]
    w = "" if a.watcher == "config" else f" (fileWatcherType {a.watcher})"
    rows.append(("browser", f"overview until its figures show, best{w}", f"{res['overview']:.2f} s",
                 f"{res['floor']:.2f} s (one-line Streamlit page)", f"{r:.2f}×", "≤ 1.5×", r <= TARGETS["page"]))
    rm = res["overview_median"] / res["floor_median"]
    rows.append(("browser", f"overview until its figures show, median{w}", f"{res['overview_median']:.2f} s",
                 f"{res['floor_median']:.2f} s", f"{rm:.2f}×", "≤ 1.5×", rm <= TARGETS["page"]))
    rp = statistics.median(res["pair_ratios"])
    rows.append(("browser", f"overview until its figures show, median of the pairs' ratios{w}",
                 " ".join(f"{x:.2f}" for x in res["pair_ratios"]), "the floor opened just before each", f"{rp:.2f}×",
                 "≤ 1.5×", rp <= TARGETS["page"]))
    for k, label in (("change_month", "change of month until the figures update"),
                     ("change_unit", "change of unit until the figures update")):
        if res.get(k) is not None:
            # judged on the median: one change in five may meet a busy moment of a shared machine
            rows.append(("browser", label, f"{res[k + '_median']:.2f} s median (best {res[k]:.2f}, "
                         f"worst {res[k + '_worst']:.2f})", "", "", "≤ 1 s",
                         res[k + "_median"] <= TARGETS["change_s"]))
        else:
            rows.append(("browser", label, res.get(k + "_error", "not measured"), "", "", "≤ 1 s", False))
    rows.append(("browser", "peak memory of the app process (VmHWM)", f"{res['app_peak_mb']:.0f} MB",
                 f"{res['floor_peak_mb']:.0f} MB (one-line page)", "", "≤ 1 GB", res["app_peak_mb"] <= TARGETS["app_mb"]))


# --- report ---------------------------------------------------------------------------
def machine() -> dict:
    import platform

    import duckdb
    import pandas

    info = {"python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pandas.__version__,
            "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        import streamlit

        info["streamlit"] = streamlit.__version__
    except ImportError:
        pass
    try:
        model = [l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                 if l.startswith("model name")]
        info["cpu"] = model[0] if model else "?"
        mem = [l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")]
        info["memory"] = f"{int(mem[0].split()[1]) / 2**20:.1f} GiB" if mem else "?"
    except OSError:
        pass
    try:
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20)
        info["chromium"] = out.stdout.strip()
    except Exception:
        pass
    return info


def print_table(rows: list, info: dict, started: str) -> str:
    lines = ["| what | measured | floor / reference | ratio | target | met |", "|---|---|---|---|---|---|"]
    for sec, what, val, floor, ratio, target, ok in rows:
        met = "" if ok is None else ("yes" if ok else "**no**")
        lines.append(f"| {what} | {val} | {floor} | {ratio} | {target} | {met} |")
    head = (f"Machine: {info.get('cpu', '?')}, {info.get('cpus')} CPUs, {info.get('memory', '?')}; "
            f"{info.get('platform')}\nVersions: Python {info['python']}, DuckDB {info['duckdb']}, pandas "
            f"{info['pandas']}, Streamlit {info.get('streamlit', '-')}, {info.get('chromium', 'chromium ?')}\n"
            f"Load average at start {started}, at end {load()}")
    return head + "\n\n" + "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        print(json.dumps(WORKERS[sys.argv[2]](*sys.argv[3:])))
        return 0
    ap = argparse.ArgumentParser(description="Performance benchmarks (issue 7)",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000, help="dossiers in the CSV (1000000, 5000000)")
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is kept")
    ap.add_argument("--period", default="2022-08", help="the month of the KPI queries")
    ap.add_argument("--only", default="import,reimport,xlsx,kpis,pandas,browser",
                    help="comma-separated sections")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="work directory (generated files, databases)")
    ap.add_argument("--port", type=int, default=8599)
    ap.add_argument("--watcher", default="config", choices=["config", "auto", "none", "poll", "watchdog"],
                    help="Streamlit's server.fileWatcherType for the browser section (config = as .streamlit/config.toml says; auto = Streamlit's default)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    secs = [s.strip() for s in a.only.split(",") if s.strip()]
    info = machine()
    started = load()
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    rows: list = []
    db = a.out / f"db-{a.rows}.duckdb"
    if "import" in secs:
        db = sec_import(a, a.out, rows)
    elif any(s in secs for s in ("kpis", "pandas", "browser")) and not db.exists():
        csv = ensure_file(a.out, a.rows, "csv")
        print(f"  importing {csv.name} into {db.name} for the query sections")
        run_proc([PY, "-m", "metrics", "import", str(csv), "--db", str(fresh(db))])
    if "reimport" in secs:
        sec_reimport(a, a.out, rows)
    if "xlsx" in secs:
        sec_xlsx(a, a.out, rows)
    if "kpis" in secs:
        sec_kpis(a, a.out, rows, db)
    if "pandas" in secs:
        sec_pandas(a, a.out, rows, db)
    if "browser" in secs:
        sec_browser(a, a.out, rows, db)
    print("\n" + print_table(rows, info, started))
    print(f"\nuptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
