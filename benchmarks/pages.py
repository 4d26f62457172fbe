"""Every page and every slide on the demo data, in headless Chromium, against a one-line page.

    python benchmarks/pages.py [--repeat 3] [--size 1280x720] [--db FILE]

Without --db the demo database is built in benchmarks/out/pages/ (`python -m metrics demo`).
What is timed, after one sign-in that warms the server:
  - each page opened in a new tab (a new Streamlit session resumed from the sign-in cookie),
    from the navigation until the page is done: the script finished, no skeleton left, every
    chart drawn (its SVG present) — checked inside the page at every animation frame;
  - the floor: a one-line page (st.write) in a new tab, until its text shows;
  - the presentation: each slide after a key press (→), from the key going down to the frame
    where the new slide's title shows and the page is done (after 5 s on the title slide,
    while the chart library loads out of sight);
  - a change of month on the overview, the ranking and the unit page (to a month not viewed).
Best and median of --repeat runs, each page's best against the floor's best. The targets
(issue #17): a page's figures within 1.5 s, a slide within 0.5 s of the key, a change of
month or unit within 1 s.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from page_load import (  # noqa: E402
    ARGS, ARM_JS, CHROMIUM, FLOOR_APP, FLOOR_TEXT, PASSWORD, READY_JS, USER, _median, _serve, _stop)

# the overview is the default page, served at "/" ("/overview" is Streamlit's "page not found")
PAGES = ["overview", "ranking", "unit_detail", "league", "attention", "dossiers", "due_soon", "presentation",
         "import_desk", "admin"]

_FLOOR_JS = "() => document.body.innerText.includes(" + repr(FLOOR_TEXT) + ") && Date.now()"


def _url(base: str, name: str) -> str:
    return f"{base}/" if name == "overview" else f"{base}/{name}"


def _done(page, seconds: float, before: str | None = None) -> float:
    return page.wait_for_function(READY_JS, arg=before, polling="raf", timeout=seconds * 1000).json_value()


def _settle(page) -> None:
    # a page that has just finished may start another run (a query parameter written back):
    # wait until it has stayed done for a moment
    for _ in range(3):
        _done(page, 120)
        time.sleep(0.3)


def _demo_db(work: Path) -> Path:
    db = work / "demo.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        if p.exists():
            p.unlink()
    subprocess.run([sys.executable, "-m", "metrics", "demo", "--db", str(db)], cwd=HERE.parent, check=True,
                   stdout=subprocess.DEVNULL)
    return db


class _Out(list):
    """Lines of the report, printed as they come (a long run shows its progress)."""

    def append(self, line: str) -> None:
        print(line, flush=True)
        super().append(line)


def measure(db: Path | None, repeat: int, size: str, port: int = 8611) -> list[str]:
    from playwright.sync_api import sync_playwright

    from metrics.store import auth
    from metrics.store import db as dbm
    from metrics.i18n import t

    work = HERE / "out" / "pages"
    work.mkdir(parents=True, exist_ok=True)
    if db is None:
        db = _demo_db(work)
    else:
        shutil.copy(db, work / "app.duckdb")
        db = work / "app.duckdb"
    con = dbm.connect(db)
    if not con.execute("SELECT count(*) FROM users WHERE name = ?", [USER]).fetchone()[0]:
        auth.add_user(con, USER, "admin", PASSWORD, None)
    con.close()
    (work / "floor_app.py").write_text(FLOOR_APP, encoding="utf-8")
    env = {"REFORM_DB": str(db), "REFORM_AUTO_DEMO": "0"}
    w, h = map(int, size.split("x"))
    out = _Out()
    app = _serve("dashboard.py", port, env, work / "app.log")
    floor = _serve(str(work / "floor_app.py"), port + 1, env, work / "floor.log")
    base, fbase = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN")
            page = ctx.new_page()
            page.goto(base + "/")
            page.get_by_label(t("login_user", "vi")).fill(USER)
            page.get_by_label(t("login_password", "vi")).fill(PASSWORD)
            page.get_by_role("button", name=t("login_submit", "vi")).click()
            _settle(page)
            # one visit of every page first: a user's first hour starts cold once, not per page
            for name in PAGES:
                page.goto(_url(base, name))
                _settle(page)
            page.close()
            times: dict[str, list[float]] = {"floor": []}
            for _ in range(repeat):
                fp = ctx.new_page()
                # both timed by the page's own clock, from the start of the navigation to the
                # frame that shows the text (the floor) or where the page became done
                fp.goto(fbase)
                shown = fp.wait_for_function(_FLOOR_JS, polling="raf", timeout=60_000).json_value()
                times["floor"].append((shown - fp.evaluate("performance.timeOrigin")) / 1000)
                fp.close()
                for name in PAGES:
                    p = ctx.new_page()
                    p.goto(_url(base, name))
                    done = _done(p, 120)
                    times.setdefault(name, []).append((done - p.evaluate("performance.timeOrigin")) / 1000)
                    p.close()
            fl = min(times["floor"])
            out.append(f"{'page':<14} {'best':>6} {'median':>7} {'× floor':>8}  (s, new tab to page done; {size})")
            for name, xs in times.items():
                out.append(f"{name:<14} {min(xs):6.2f} {_median(xs):7.2f} {min(xs) / fl:8.2f}")
            # slides: → from the first slide to the last, timed inside the page
            page = ctx.new_page()
            page.goto(f"{base}/presentation")
            _settle(page)
            # a presenter opens on the title slide and speaks to it: the chart library loads in
            # those first seconds (pages/presentation.py)
            time.sleep(5)
            _settle(page)
            slide_times = []
            for k in range(40):
                title = page.evaluate("() => document.querySelector('.st-key-slide-title')?.innerText")
                nxt = page.locator(".st-key-pres-next button")
                if nxt.is_disabled():
                    break
                page.evaluate("""() => { window.__keyAt = null; document.addEventListener('keydown',
                    () => { window.__keyAt = Date.now(); }, {capture: true, once: true}); }""")
                page.keyboard.press("ArrowRight")
                done = _done(page, 60, title)
                slide_times.append((done - page.evaluate("() => window.__keyAt")) / 1000)
                time.sleep(0.3)
            if slide_times:
                out.append(f"slides (→, {len(slide_times)}): best {min(slide_times):.2f} s, median "
                           f"{_median(slide_times):.2f} s, worst {max(slide_times):.2f} s; each: "
                           + " ".join(f"{x:.2f}" for x in slide_times))
            page.close()
            # a change of month on three pages
            for name in ("overview", "ranking", "unit_detail"):
                page = ctx.new_page()
                page.goto(_url(base, name))
                _settle(page)
                if page.get_by_test_id("stSidebarCollapsedControl").is_visible():
                    page.get_by_test_id("stSidebarCollapsedControl").locator("button").click()
                    time.sleep(0.5)
                box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=t("period", "vi"))
                changes: list[float] = []
                for k in range(min(repeat, 3)):
                    # by the keyboard: open the list, go down to a month not viewed, Enter; timed
                    # from the Enter key going down (a pointer's click re-checks the option first)
                    for _ in range(3):          # the first click may only focus the box
                        box.click()
                        try:
                            page.get_by_role("option").first.wait_for(timeout=1_500)
                            break
                        except Exception:  # noqa: BLE001 - not open yet: click again
                            continue
                    for _ in range(k + 1):
                        page.keyboard.press("ArrowDown")
                    # done only after the script has run again (ARM_JS), timed from the Enter key
                    page.evaluate(ARM_JS)
                    page.evaluate("""() => { window.__keyAt = null; document.addEventListener('keydown',
                        e => { if (e.key === 'Enter') window.__keyAt = Date.now(); }, {capture: true}); }""")
                    page.keyboard.press("Enter")
                    done = _done(page, 60)
                    changes.append((done - page.evaluate("() => window.__keyAt")) / 1000)
                    _settle(page)
                out.append(f"change of month on {name}: best {min(changes):.2f} s, median {_median(changes):.2f} s")
                page.close()
            browser.close()
    finally:
        _stop(app)
        _stop(floor)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--size", default="1280x720")
    a = ap.parse_args()
    measure(a.db, a.repeat, a.size)


if __name__ == "__main__":
    main()
