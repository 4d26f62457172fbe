"""Page load in headless Chromium, against a one-line Streamlit page served the same way.

Used by run.py (section "browser"); runnable alone:
    python benchmarks/page_load.py benchmarks/out/db-5000000.duckdb

What is timed, in one browser, after a first sign-in that warms the server (its time is
reported as the cold load):
  - the overview, opened in a new tab of the signed-in browser (a new Streamlit session,
    resumed from the sign-in cookie), until its KPI cards show their figures; and until the
    whole page is done (script finished, every chart drawn)
  - the floor: a one-line page (st.write) in a new tab, until its text shows
  - a change of month, then of unit, in the sidebar, until the cards show other figures
    (each time a month or unit not viewed before, so no cached answer helps)
  - the peak resident memory (VmHWM) of each server process
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("REFORM_CHROMIUM") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
USER, PASSWORD = "bench", "mat-khau-do-hieu-nang"
FLOOR_TEXT = "Sẵn sàng / ready"
FLOOR_APP = f'import streamlit as st\n\nst.write("{FLOOR_TEXT}")\n'


# A page is done: the script not running, its main block drawn, no placeholder, every chart
# drawn (the presentation's out-of-sight chart that loads the library early is not waited
# for); with `before` (a slide's title), once another title shows; after ARM_JS, only once the
# script has started again. And it has stayed so for a quarter of a second: a button that
# opens another page runs the script twice (the click's run switches page, then the new
# page's run), and the moment between the two looked done. The time returned is when it
# became done, so the quarter second is not counted. One definition for benchmarks/pages.py
# and the browser tests.
READY_JS = """(before) => {
  const done = (() => {
    if (window.__ran === false) return false;
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const main = document.querySelector('[data-testid=stMain]');
    if (!main || main.querySelectorAll('[data-testid=stElementContainer]').length < 2) return false;
    if (document.querySelector('[data-testid=stSkeleton]')) return false;
    if ([...document.querySelectorAll('[data-testid=stPlotlyChart]')].some(c => !c.querySelector('.main-svg')
                                                                          && !c.closest('.st-key-pres-warm')))
      return false;
    if (before !== null && before !== undefined) {
      const title = document.querySelector('.st-key-slide-title');
      if (!title || title.innerText === before) return false;
    }
    return true;
  })();
  if (!done) { window.__doneSince = null; return false; }
  if (!window.__doneSince) window.__doneSince = Date.now();
  return Date.now() - window.__doneSince >= 250 ? window.__doneSince : false;
}"""
# any change of the script state after arming means a run began: a short run may already be
# over ("notRunning" again) by the time the observer is called, so its value is not read; the
# whole document is watched, in case the app's root element is drawn anew
ARM_JS = """() => {
  window.__ran = false;
  window.__doneSince = null;
  new MutationObserver((records, obs) => {
    if (records.length) { window.__ran = true; obs.disconnect(); }
  }).observe(document.body, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
}"""


def _serve(app: str, port: int, env: dict, log: Path, watcher: str = "config") -> subprocess.Popen:
    # "config": the project's .streamlit/config.toml decides, as for `streamlit run dashboard.py`
    # (both servers run in the project folder, so both read it)
    flags = [] if watcher == "config" else ["--server.fileWatcherType", watcher]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *flags],
        cwd=ROOT, env={**os.environ, **env}, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            _stop(proc)
            raise RuntimeError(f"streamlit {app} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _median(xs: list[float]) -> float:
    ys = sorted(xs)
    return (ys[(len(ys) - 1) // 2] + ys[len(ys) // 2]) / 2


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _script_done(page) -> bool:
    state = page.evaluate(
        "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')")
    return state == "notRunning"


# the figures of the overview's cards (ui/cards.py marks each value; st.metric's would match
# [data-testid="stMetricValue"])
FIGURE = "[data-kpi-value]"


def _figures(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all(FIGURE)]


_FIGURES_JS = """([n, before]) => {
  const v = [...document.querySelectorAll('""" + FIGURE + """')].map(e => e.innerText);
  return v.length >= n && (before === null || JSON.stringify(v) !== JSON.stringify(before)) && Date.now();
}"""


def _wait_figures(page, n: int, seconds: float, before: list[str] | None = None) -> float:
    """Until `n` KPI values show (and differ from `before`), checked inside the page at every
    animation frame, as Playwright waits for the floor's text: a check from Python costs a
    round trip per element and would add its own delay to one side only. Returns the page's
    clock (ms, Date.now) at that frame."""
    return page.wait_for_function(_FIGURES_JS, arg=[n, before], polling="raf", timeout=seconds * 1000).json_value()


def _wait(cond, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise TimeoutError(f"{what}: not within {seconds} s")


def _all_drawn(page) -> bool:
    charts = page.query_selector_all('[data-testid="stPlotlyChart"]')
    return (_script_done(page) and not page.query_selector_all('[data-testid="stSkeleton"]')
            and all(c.query_selector(".main-svg") for c in charts)
            and page.evaluate("() => [...document.images].every(i => i.complete)"))


def _open_and_find(page, label: str, avoid: set[str], prefer: list[str] | None = None):
    """Open the sidebar select box `label`; the option to pick (one not in `avoid`, the first
    of `prefer` offered if given) and its text. The clock starts at the click on it."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=label)
    box.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    # read in one go: the list is virtualised and re-rendered while it opens, so an option
    # read one by one may be gone by the time its turn comes
    texts = [x.strip() for x in page.evaluate("() => [...document.querySelectorAll('[role=option]')]"
                                              ".map(o => o.innerText)")]
    pool = [t for t in (prefer or texts) if t in texts] or texts
    choice = next(t for t in pool if t and t not in avoid)
    return page.get_by_role("option", name=choice, exact=True).first, choice


def measure(db: Path, out: Path, repeat: int = 3, port: int = 8599, period: str = "2022-08",
            watcher: str = "config") -> dict:
    """`watcher`: Streamlit's server.fileWatcherType for both servers ("config": as the
    project's .streamlit/config.toml says, what `streamlit run dashboard.py` does)."""
    from playwright.sync_api import sync_playwright

    from metrics.store import auth
    from metrics.store import db as dbm
    from metrics.i18n import t
    from metrics.model.kpis import KPIS
    from metrics.model.profile import load_profile

    n_cards = sum(1 for k in KPIS if k.headline)
    log: list[str] = []
    work = out / "browser"
    work.mkdir(parents=True, exist_ok=True)
    app_db = work / "app.duckdb"
    for p in (app_db, Path(str(app_db) + ".wal")):
        if p.exists():
            p.unlink()
    shutil.copy(db, app_db)
    con = dbm.connect(app_db)
    if not con.execute("SELECT count(*) FROM users WHERE name = ?", [USER]).fetchone()[0]:
        auth.add_user(con, USER, "admin", PASSWORD, None)
    prof = load_profile()
    codes = [r[0] for r in con.execute("SELECT DISTINCT unit_code FROM dossier_counters WHERE period = ? "
                                       "ORDER BY unit_code", [f"{period}-01"]).fetchall()]
    units_with_data = [prof.unit(c).name for c in codes if c in prof.unit_codes]
    con.close()
    floor_app = work / "floor_app.py"
    floor_app.write_text(FLOOR_APP, encoding="utf-8")
    env = {"REFORM_DB": str(app_db), "REFORM_AUTO_DEMO": "0"}
    res: dict = {"log": log}
    app = _serve("dashboard.py", port, env, work / "app.log", watcher)
    floor = _serve(str(floor_app), port + 1, env, work / "floor.log", watcher)
    base, fbase = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            # first load of a fresh server: sign in, then the overview (cold caches)
            t0 = time.perf_counter()
            page.goto(f"{base}/?p={period}")
            page.get_by_label(t("login_user", "vi")).fill(USER)
            page.get_by_label(t("login_password", "vi")).fill(PASSWORD)
            t1 = time.perf_counter()
            page.get_by_role("button", name=t("login_submit", "vi")).click()
            _wait_figures(page, n_cards, 300)
            res["cold_figures"] = time.perf_counter() - t1
            _wait(lambda: _all_drawn(page), 300, "overview drawn after sign-in")
            res["cold_ready"] = time.perf_counter() - t1
            log.append(f"first load of a fresh server (sign-in to figures): {res['cold_figures']:.2f} s, "
                       f"to the whole page drawn {res['cold_ready']:.2f} s (sign-in form shown after "
                       f"{t1 - t0:.2f} s)")
            page.close()
            # floor and overview alternately, each in a new tab (a new Streamlit session)
            floors, figs, readies = [], [], []
            for i in range(repeat + 1):
                fp = ctx.new_page()
                t0 = time.perf_counter()
                fp.goto(fbase)
                fp.get_by_text(FLOOR_TEXT).wait_for(timeout=60_000)
                floors.append(time.perf_counter() - t0)
                fp.close()
                op = ctx.new_page()
                t0 = time.perf_counter()
                op.goto(f"{base}/?p={period}")
                _wait_figures(op, n_cards, 120)
                figs.append(time.perf_counter() - t0)
                _wait(lambda: _all_drawn(op), 120, "overview drawn")
                readies.append(time.perf_counter() - t0)
                op.close()
                log.append(f"run {i + 1}: floor {floors[-1]:.2f} s, overview figures {figs[-1]:.2f} s, "
                           f"whole page {readies[-1]:.2f} s")
            # the first pair warms the browser's cache of Streamlit's own scripts for both
            res["floor"], res["overview"], res["overview_ready"] = min(floors[1:]), min(figs[1:]), min(readies[1:])
            res["floor_median"], res["overview_median"] = _median(floors[1:]), _median(figs[1:])
            # each overview against the floor opened just before it, in the same moment of a
            # shared machine's load: the spread of the pairs says how far to trust one ratio
            res["pair_ratios"] = [o / fl for o, fl in zip(figs[1:], floors[1:])]
            # changes in the sidebar, each to a month or unit not viewed yet
            page = ctx.new_page()
            page.goto(f"{base}/?p={period}")
            _wait(lambda: _all_drawn(page) and len(_figures(page)) >= n_cards, 120, "overview for changes")
            # units and groups that have figures in the month (a unit without any shows none)
            prefer = {"change_unit": [t("group_communes", "vi"), t("group_departments", "vi")] + units_with_data}
            for kind, label in (("change_month", t("period", "vi")), ("change_unit", t("unit_or_group", "vi"))):
                times, seen = [], set()
                try:
                    for _ in range(repeat):
                        before = _figures(page)
                        current = page.get_by_test_id("stSidebar").get_by_role("combobox", name=label) \
                            .evaluate("e => e.closest('[data-testid=stSelectbox]').innerText")
                        seen.add(current.strip().splitlines()[-1].strip() if current else "")
                        option, choice = _open_and_find(page, label, seen, prefer.get(kind))
                        # timed inside the page, from the pointer going down on the option to
                        # the frame that shows other figures: Playwright's click re-checks an
                        # option far down the list for up to a second before it reaches the
                        # page, and that wait is not the app's
                        page.evaluate("""() => { window.__clickAt = null;
                            document.addEventListener('pointerdown', () => { window.__clickAt = Date.now(); },
                                                      {capture: true, once: true}); }""")
                        t0 = time.perf_counter()
                        option.click()
                        seen.add(choice)
                        done = _wait_figures(page, n_cards, 60, before)
                        clicked = page.evaluate("() => window.__clickAt")
                        times.append((done - clicked) / 1000 if clicked else time.perf_counter() - t0)
                        _wait(lambda: _all_drawn(page), 60, f"{kind} drawn")
                        log.append(f"{kind.replace('_', ' ')} to {choice}: figures updated {times[-1]:.2f} s "
                                   f"after the click")
                    res[kind] = min(times)
                    res[kind + "_median"] = _median(times)
                    res[kind + "_worst"] = max(times)
                except Exception as exc:  # a widget that changed under us: report, go on
                    res[kind + "_error"] = f"failed: {str(exc)[:100]}"
                    log.append(f"{kind}: {exc}")
            browser.close()
        res["app_peak_mb"] = _peak_mb(app.pid)
        res["floor_peak_mb"] = _peak_mb(floor.pid)
        log.append(f"peak memory (VmHWM): app {res['app_peak_mb']:.0f} MB, one-line page {res['floor_peak_mb']:.0f} MB")
    finally:
        _stop(app)
        _stop(floor)
    return res


if __name__ == "__main__":
    r = measure(Path(sys.argv[1]), HERE / "out", repeat=int(sys.argv[2]) if len(sys.argv) > 2 else 3,
                watcher=sys.argv[3] if len(sys.argv) > 3 else "config")
    for line in r.pop("log"):
        print(line)
    print(r)
