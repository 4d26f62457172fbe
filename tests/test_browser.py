"""The real app in a real browser: `streamlit run dashboard.py` on the demo data, driven by
headless Chromium (Debian's package, through Playwright with executable_path: no browser
download). A fresh server's first request is a deep link, then every page is opened from
the menu like a user would; any Streamlit exception, "unexpected error" box or console
error fails the test. Screenshots go to tests/screenshots/ (git-ignored).

Skipped when Chromium or Playwright is missing, unless REFORM_REQUIRE_BROWSER=1 (CI sets it
so that a broken browser set-up fails instead of passing silently).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from metrics.store import auth
from metrics.store import db as dbm
from metrics.i18n import t
from metrics.model.kpis import KPIS
from metrics.model.profile import load_profile

# when a page is done, written once for these tests and benchmarks/pages.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from page_load import ARM_JS, READY_JS  # noqa: E402

pytestmark = pytest.mark.slow          # a real browser / many generated files: CI, not the fast run

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("REFORM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PAGES = ["overview", "ranking", "attention", "due_soon", "league", "unit_detail", "dossiers", "import_desk"]
PASSWORD = "mat-khau-kiem-thu"
ACCOUNTS = [("tester", "admin", None), ("xa21961", "unit", "21961"), ("lanhdao", "leader", None)]
# a page must be ready within this time (the demo's first page load warms the caches)
PAGE_SECONDS = 20


def _require_browser():
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    if not Path(CHROMIUM).exists():
        missing = f"chromium not found at {CHROMIUM}"
    if missing:
        if os.environ.get("REFORM_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    _require_browser()
    work = tmp_path_factory.mktemp("browser")
    db_file = work / "reform.duckdb"
    shutil.copy(demo_db, db_file)       # the server holds its own file (DuckDB: one writer)
    con = dbm.connect(db_file)
    for name, role, unit in ACCOUNTS:
        auth.add_user(con, name, role, PASSWORD, unit)
    con.close()
    port = _free_port()
    env = dict(os.environ, REFORM_DB=str(db_file), REFORM_AUTO_DEMO="0")
    log = (work / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                pytest.fail("streamlit did not start:\n" + (work / "streamlit.log").read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_ready(page, seconds: float = PAGE_SECONDS) -> float:
    """Until the script has finished, no placeholder is left and every chart is drawn: a
    condition checked inside the page, no fixed sleep. Returns the seconds it took."""
    start = time.time()
    try:
        page.wait_for_function(READY_JS, arg=None, polling=100, timeout=seconds * 1000)
    except Exception as exc:  # noqa: BLE001 - Playwright's timeout, said in our words
        seen = page.evaluate("""() => ({ran: window.__ran,
            state: document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state'),
            elements: document.querySelectorAll('[data-testid=stMain] [data-testid=stElementContainer]').length,
            skeleton: !!document.querySelector('[data-testid=stSkeleton]'),
            charts_waiting: [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
                .filter(c => !c.querySelector('.main-svg')).length})""")
        raise AssertionError(f"page not ready after {seconds} s: {page.url} {seen}") from exc
    return time.time() - start


def rerun_after(page, act, seconds: float = PAGE_SECONDS) -> float:
    """act() (a click, a key) that makes the script run again, then wait_ready once it has
    started again: a wait on a condition, where a fixed sleep could read the page before the
    run began."""
    page.evaluate(ARM_JS)
    act()
    return wait_ready(page, seconds)


def check_page(page, name: str) -> None:
    exc = page.query_selector_all('[data-testid="stException"]')
    assert not exc, f"{name}: " + " | ".join(e.inner_text()[:300] for e in exc)
    body = page.inner_text("body")
    for lang in ("vi", "en"):
        assert t("unexpected_error", lang) not in body, name
    assert "Traceback" not in body, name
    assert "Page not found" not in body, name          # Streamlit's own English dialog
    # nor its English menu (Print, Record screen) and run indicator (Running…, Stop)
    assert not page.get_by_test_id("stMainMenu").is_visible(), name
    assert not page.get_by_test_id("stStatusWidget").is_visible(), name
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _known_noise(msg) -> bool:
    # Opening a deep link (/league) makes Streamlit's frontend probe /league/_stcore/... for
    # a base path before it falls back to /: two 404s that are not the app's
    url = (msg.location or {}).get("url", "")
    return "404" in msg.text and ("/_stcore/health" in url or "/_stcore/host-config" in url)


def sign_in(page, name: str, password: str = None) -> None:
    page.get_by_label(t("login_user", "vi")).fill(name)
    page.get_by_label(t("login_password", "vi")).fill(password or PASSWORD)
    rerun_after(page, lambda: page.get_by_role("button", name=t("login_submit", "vi")).click())
    wait_ready(page, 60)


def goto(page, url: str, name: str = "tester") -> None:
    """Open a link; a new page load is a new Streamlit session, which signs in again."""
    page.goto(url)
    wait_ready(page, 60)
    if page.inner_text("h1") == t("login_title", "vi"):
        sign_in(page, name)


def test_every_page_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2400}, locale="vi-VN",
                                    accept_downloads=True)
            page.on("console", lambda m: console.append(f"{m.text} @ {(m.location or {}).get('url')}")
                    if m.type == "error" and not _known_noise(m) else None)
            page.on("pageerror", lambda e: console.append(f"page error: {e}"))

            # a fresh server's first request is a shared link into a page: without an
            # account it shows the login form and no figure
            page.goto(server + "/unit_detail?u=TP&p=2022-06&cmp=yoy")
            wait_ready(page, 60)
            assert page.inner_text("h1") == t("login_title", "vi")
            assert not page.query_selector_all('[data-kpi-value], [data-testid="stMetric"]')
            assert not page.query_selector_all('[data-testid="stPlotlyChart"]')
            assert "Phòng Tư pháp" not in page.inner_text("body")
            check_page(page, "login")
            sign_in(page, "tester", "sai-mat-khau")
            assert t("login_title", "vi") == page.inner_text("h1")
            assert "Sai tên đăng nhập hoặc mật khẩu" in page.inner_text("body")
            sign_in(page, "tester")
            assert page.inner_text("h1") == t("page_unit_detail", "vi")
            assert "Phòng Tư pháp" in page.inner_text("h2")
            assert "p=2022-06" in page.url and "u=TP" in page.url
            check_page(page, "deep_link_unit_detail")

            # every page from the menu, in Vietnamese; the filters stay in the link
            goto(page, server + "/?p=2022-08")
            assert page.inner_text("h1") == t("page_overview", "vi")         # "/": the first page
            # … and its own address works typed or bookmarked
            goto(page, server + "/overview?p=2022-08")
            assert page.inner_text("h1") == t("page_overview", "vi")
            check_page(page, "overview_typed")
            nav = page.get_by_test_id("stSidebarNavItems")
            for name in PAGES + ["admin"]:
                took = rerun_after(page, nav.get_by_role("link", name=t(f"page_{name}", "vi"), exact=True).click)
                assert page.inner_text("h1") == t(f"page_{name}", "vi"), name
                assert "p=2022-08" in page.url, (name, page.url)
                assert took < PAGE_SECONDS
                check_page(page, name)

            # a click on a unit in the league opens its detail, the period kept
            rerun_after(page, lambda: nav.get_by_role("link", name=t("page_league", "vi"), exact=True).click())
            first = page.locator(".kc-table td a").first          # the first unit's name
            href = first.get_attribute("href")
            assert href.startswith("unit_detail?") and "u=" in href and "p=2022-08" in href, href
            with page.expect_navigation():
                first.click()
            wait_ready(page)
            assert page.inner_text("h1") == t("page_unit_detail", "vi")
            assert page.url.endswith("/" + href), (page.url, href)   # that unit, the filters kept
            assert "u=" in page.url and "p=2022-08" in page.url, page.url
            unit_name = page.inner_text("h2")
            # … and from there its late dossiers, downloadable
            rerun_after(page, lambda: page.get_by_role("button", name=t("see_dossiers_late", "vi"), exact=True).click())
            assert page.inner_text("h1") == t("page_dossiers", "vi")
            assert unit_name in page.inner_text("body")
            if page.get_by_role("button", name=t("download_csv", "vi")).count():
                with page.expect_download() as dl:
                    page.get_by_role("button", name=t("download_csv", "vi")).click()
                head = Path(dl.value.path()).read_bytes()[:40]
                assert head.startswith("\ufeffMã hồ sơ".encode("utf-8"))
                with page.expect_download() as dl:
                    page.get_by_role("button", name=t("download_xlsx", "vi")).click()
                assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
            check_page(page, "unit_late_dossiers")

            # the English switch keeps the page and the filters
            rerun_after(page, lambda: page.get_by_text("English", exact=True).click())
            assert page.inner_text("h1") == t("page_dossiers", "en")
            assert "lang=en" in page.url and "p=2022-08" in page.url
            rerun_after(page, lambda: nav.get_by_role("link", name=t("page_overview", "en"), exact=True).click())
            assert page.inner_text("h1") == "Overview"
            overview_cards = page.query_selector_all('[data-kpi-value]')
            assert len(overview_cards) >= 6
            # a card's explanation is reachable by the keyboard (Tab to its "i"), not only on hover
            tip = page.locator(".kc-tip").first
            assert not tip.is_visible()
            page.locator(".kc-help").first.focus()
            first = next(k for k in KPIS if k.headline)
            assert tip.is_visible() and tip.inner_text() == f"{first.label('en')}: {first.help_en}"
            page.keyboard.press("Tab")
            assert not tip.is_visible()
            check_page(page, "overview_en")
            # the overview's link to the units' league keeps the filters
            rerun_after(page, lambda: page.get_by_role("button", name=t("see_league", "en")).click())
            assert page.inner_text("h1") == t("page_league", "en") and "p=2022-08" in page.url

            # signing out: the login form, and a reload does not sign in again (cookie gone)
            rerun_after(page, page.get_by_test_id("stSidebar").get_by_role("button", name=t("logout", "en")).click)
            assert page.inner_text("h1") == t("login_title", "en")
            page.reload()
            wait_ready(page, 60)
            assert page.inner_text("h1") == t("login_title", "en")
            assert not page.query_selector_all('[data-kpi-value]')
        finally:
            browser.close()
    assert not console, console


def _other_units(own: str) -> list[str]:
    """Names by which another unit could show: its name without the prefix is enough."""
    from metrics.model.profile import _without_prefix  # noqa: PLC2701 - the matcher's own rule
    from metrics.i18n.textnorm import fold

    prof = load_profile()
    public = [prof.jurisdiction_name] + [p.name for p in prof.peers]
    out = []
    for u in prof.units:
        if u.code == own:
            continue
        out.append(u.name)
        if u.is_commune:
            short = " ".join(w.capitalize() for w in _without_prefix(fold(u.name)).split())
            # "Tuy Phước" is also the district's own name, which a commune may see
            if not any(short in name for name in public):
                out.append(short)
    return out


def test_a_commune_account_sees_only_itself(server):
    """Unit 21961 (Xã Phước Hưng): every page of its menu, and hostile links, never show
    another unit's name; the district ranking among peers is allowed."""
    from playwright.sync_api import sync_playwright

    others = _other_units("21961")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2400})
            goto(page, server + "/?p=2022-08", "xa21961")
            nav = page.get_by_test_id("stSidebarNavItems")
            links = [a.inner_text().split("\n")[-1].strip() for a in nav.get_by_role("link").all()]
            assert t("page_league", "vi") not in links and t("page_import_desk", "vi") not in links
            assert t("page_overview", "vi") not in links
            assert page.inner_text("h1") == t("page_due_soon", "vi")      # "/": the account's first page
            # signed in at "/": the browser keeps the session, another address opens without the form
            page.goto(server + "/dossiers?p=2022-08")
            wait_ready(page, 60)
            assert page.inner_text("h1") == t("page_dossiers", "vi")

            def check(label: str) -> None:
                wait_ready(page)
                body = page.inner_text("body")
                assert "Xã Phước Hưng" in body, label
                # the whole document too: tables draw on a canvas but keep an accessible copy
                html = page.content()
                leaked = [n for n in others if n in body or n in html]
                assert not leaked, (label, leaked)
                check_page(page, f"unit21961_{label}")

            keys = {t(f"page_{k}", "vi"): k for k in ("overview", "ranking", "attention", "presentation", "due_soon",
                                                      "league", "unit_detail", "dossiers", "import_desk", "admin")}
            for link in links:
                # by its link (the presentation page hides the menu)
                goto(page, f"{server}/{keys[link]}?p=2022-08", "xa21961")
                check(link)
            # a page outside its role, by its address: said in Vietnamese, with the way back
            goto(page, f"{server}/league?p=2022-08", "xa21961")
            assert t("page_closed", "vi", page=t("page_league", "vi")) in page.inner_text("body")
            rerun_after(page, lambda: page.get_by_text(t("page_closed_go", "vi", page=t("page_due_soon", "vi"))).click())
            assert page.inner_text("h1") == t("page_due_soon", "vi") and "/due_soon" in page.url
            check("closed_league")
            # hostile links: another commune, a group, an injection, an impossible month
            queries = ("u=21964", "u=communes", "u=all", "u=21961%27%20OR%201%3D1--", "p=2022-13&u=21958",
                       "p=2022-08%27%3B%20DROP%20TABLE%20dossiers%3B--")
            for i, query in enumerate(queries):
                # every page with the first link, one or two with each of the others
                paths = ("/unit_detail", "/dossiers", "/attention", "/ranking", "/league", "/overview")
                for path in (paths if i == 0 else paths[i % 3::3]):
                    goto(page, f"{server}{path}?{query}", "xa21961")
                    check(f"{path.strip('/')}_{query[:12]}")
        finally:
            browser.close()


def test_a_leader_sees_every_commune(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2400})
            # the heatmap view: its unit names are text (the table draws them on a canvas)
            goto(page, server + "/league?p=2022-08&u=communes&view=heatmap", "lanhdao")
            assert page.inner_text("h1") == t("page_league", "vi")
            body = page.inner_text("body") + page.content()
            communes = [u.name for u in load_profile().units if u.is_commune]
            assert sum(1 for n in communes if n in body) >= 10
            nav = page.get_by_test_id("stSidebarNavItems")
            links = [a.inner_text().split("\n")[-1].strip() for a in nav.get_by_role("link").all()]
            assert t("page_import_desk", "vi") not in links and t("page_admin", "vi") not in links
            check_page(page, "leader_league")
        finally:
            browser.close()
