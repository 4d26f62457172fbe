"""Serving under load: N signed-in sessions open the overview while a large import runs from
the command line (issue "Serving while importing"). Loopback only, bounded (N <= 30).

    python benchmarks/load.py benchmarks/out/db-1000000.duckdb --sessions 20 \\
        --import benchmarks/out/dossiers-1000000-messy.csv

What happens: the database is copied (the original is not touched), the dashboard is served on
127.0.0.1, N browser contexts (one headless Chromium) sign in at once (each its own session)
and then, while `python -m metrics import FILE` runs, each opens the overview again and again.
Reported: the time of the N sign-ins; for every overview load the seconds until the page shows
its figures or its plain "new figures are being written" message (never a spinner for long);
which figures it showed (before or after the import); the server's peak memory (VmHWM).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from page_load import ARGS, CHROMIUM, _peak_mb, _serve, _stop  # noqa: E402

USER, PASSWORD = "tai", "mat-khau-tai-tai-tai"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (and its threads) so far."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
MAX_SESSIONS = 30


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--import", dest="file", type=Path, help="file the CLI imports meanwhile")
    ap.add_argument("--port", type=int, default=8611)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    a = ap.parse_args()
    n = max(1, min(MAX_SESSIONS, a.sessions))
    from metrics.store import auth, db as mdb
    from metrics.i18n import t

    work = a.out / "load.duckdb"
    for suffix in ("", ".wal"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copy(a.db, work)
    con = mdb.connect(work)
    try:
        if not con.execute("SELECT 1 FROM users WHERE name = ?", [USER]).fetchone():
            auth.add_user(con, USER, "leader", PASSWORD)
        con.execute("DELETE FROM login_throttle")
    finally:
        con.close()
    env = {"REFORM_DB": str(work), "REFORM_AUTO_DEMO": "0"}
    server = _serve("dashboard.py", a.port, env, a.out / "load-server.log")
    base = f"http://127.0.0.1:{a.port}"
    busy_text = t("db_busy_wait", "vi").split("**")[1]
    results: list[dict] = []
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pages = [browser.new_context(viewport={"width": 1280, "height": 720}).new_page() for _ in range(n)]

            # the N sign-ins at once (one thread drives the browser: Playwright's sync API is not
            # thread-safe, so the pages are started together and awaited in turn)
            t0, c0 = time.monotonic(), cpu_seconds(server.pid)
            for p in pages:
                p.goto(base + "/?p=2022-08", wait_until="commit")
            for p in pages:
                p.wait_for_selector("input[type=password]", timeout=120_000)
                p.get_by_label(t("login_user", "vi")).fill(USER)
                p.get_by_label(t("login_password", "vi")).fill(PASSWORD)
            for p in pages:
                p.get_by_role("button", name=t("login_submit", "vi")).click(no_wait_after=True)
            for p in pages:
                p.wait_for_selector("[data-kpi-value]", timeout=120_000)
            signin_all = time.monotonic() - t0
            server_cpu = cpu_seconds(server.pid) - c0
            print(f"{n} sign-ins at once: all done in {signin_all:.1f} s; the server's CPU meanwhile {server_cpu:.1f} s "
                  f"(the rest of the two cores went to the {n} browser pages drawing the app)")

            importer = None
            if a.file:
                importer = subprocess.Popen([sys.executable, "-m", "metrics", "import", str(a.file), "--db", str(work)],
                                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            started = time.monotonic()
            rounds = 0
            while True:
                rounds += 1
                for p in pages:
                    t1 = time.monotonic()
                    # a load overlaps the import when it was running at its start or its end
                    importing_at_start = importer is not None and importer.poll() is None
                    p.goto(base + "/?p=2022-08", wait_until="commit")
                    p.wait_for_function(
                        "(busy) => document.querySelector('[data-kpi-value]') || "
                        "document.body.innerText.includes(busy)", arg=busy_text, timeout=120_000)
                    took = time.monotonic() - t1
                    body = p.inner_text("body")
                    results.append({"t": time.monotonic() - started, "seconds": took,
                                    "busy": busy_text in body,
                                    "importing": importing_at_start or (
                                        importer is not None and importer.poll() is None)})
                if importer is None or (importer.poll() is not None and rounds >= 2):
                    break
            if importer is not None:
                out, err = importer.communicate(timeout=600)
                print(f"import: exit {importer.returncode} after {time.monotonic() - started:.1f} s; "
                      f"{out.strip().splitlines()[-1] if out.strip() else err.strip()[-300:]}")
            browser.close()
        peak = _peak_mb(server.pid)
    finally:
        _stop(server)
    during = [r for r in results if r["importing"]]
    secs = sorted(r["seconds"] for r in results)
    print(f"overview loads: {len(results)} ({len(during)} while the import ran); median {statistics.median(secs):.2f} s,"
          f" 90th percentile {secs[int(0.9 * (len(secs) - 1))]:.2f} s, worst {secs[-1]:.2f} s")
    if during:
        d = sorted(r["seconds"] for r in during)
        print(f"  during the import: median {statistics.median(d):.2f} s, worst {d[-1]:.2f} s; "
              f"{sum(r['busy'] for r in during)} showed the busy message, the others the figures")
    print(f"server peak memory (VmHWM): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
