"""The ranking, attention and presentation pages in a real browser (headless Chromium, as
tests/test_browser.py, whose server and helpers this reuses): the slides change with the
keyboard (← →, and PageUp/PageDown from a presenter's clicker), the sidebar is hidden
while presenting, the month's files download; the what-if slider moves the score; a flag
opens its dossiers. Screenshots go to tests/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest

from metrics.i18n import t
from tests.test_browser import (  # noqa: F401
    ARGS, CHROMIUM, _known_noise, check_page, goto, rerun_after, server, wait_ready)

pytestmark = pytest.mark.slow          # a real browser / many generated files: CI, not the fast run


def slide_title(page) -> str:
    return page.inner_text(".st-key-slide-title h2").strip()


def press(page, key: str) -> None:
    """A key that changes the slide: done once the script has run again and the page is drawn."""
    rerun_after(page, lambda: page.keyboard.press(key))


def test_slides_with_the_keyboard_and_the_downloads(server):
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 900}, accept_downloads=True)
            page.on("console", lambda m: console.append(f"{m.text} @ {(m.location or {}).get('url')}")
                    if m.type == "error" and not _known_noise(m) else None)
            page.on("pageerror", lambda e: console.append(f"page error: {e}"))
            goto(page, server + "/presentation?p=2022-08")
            assert page.inner_text("h1") == t("page_presentation", "vi")
            # presenting: no sidebar, no top bar
            assert not page.get_by_test_id("stSidebar").is_visible()
            first = slide_title(page)
            assert first.startswith("Tình hình giải quyết thủ tục hành chính")
            check_page(page, "presentation_title")
            page.mouse.click(1550, 880)                  # focus the page, away from any widget
            press(page, "ArrowRight")
            second = slide_title(page)
            assert second != first and second.startswith("Các chỉ số chính")
            # the headline figures, large: a card's value is several times the body text
            # (the type follows the screen's height: 5.2 % of these 900 px, about three times the body's 16 px)
            size = page.eval_on_selector(".slide-card .value", "e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 45
            check_page(page, "presentation_kpis")
            press(page, "PageDown")
            third = slide_title(page)
            assert third not in (first, second)
            press(page, "PageUp")
            assert slide_title(page) == second
            press(page, "ArrowLeft")
            assert slide_title(page) == first
            # the rank slide: the chart is drawn
            for _ in range(3):
                press(page, "ArrowRight")
            assert page.query_selector(".st-key-slide .main-svg")
            check_page(page, "presentation_rank")
            # on a 1280×720 projector the whole chart is on the screen (at 600 px its axis fell below)
            page.set_viewport_size({"width": 1280, "height": 720})
            page.wait_for_function("() => window.innerHeight === 720")
            bottom = page.eval_on_selector(".st-key-slide .main-svg", "e => e.getBoundingClientRect().bottom")
            assert bottom <= 720, bottom
            # … and every slide whole, down to its footer (the demo label is there): from the first
            for _ in range(3):
                press(page, "ArrowLeft")
            assert slide_title(page) == first
            seen = []
            while True:
                foot = page.eval_on_selector(".st-key-slide-foot", "e => e.getBoundingClientRect().bottom")
                seen.append(slide_title(page))
                assert foot <= 720, (seen[-1], foot)
                if page.locator(".st-key-pres-next button").is_disabled():
                    break
                press(page, "ArrowRight")
            assert len(seen) >= 8 and len(set(seen)) == len(seen)
            page.set_viewport_size({"width": 1600, "height": 900})
            # the month's files, built on click
            page.get_by_role("button", name=t("pres_downloads", "vi")).click()
            page.get_by_role("button", name=t("pres_xlsx", "vi")).wait_for()
            for label, magic in (("pres_xlsx", b"PK"), ("pres_pptx", b"PK")):
                with page.expect_download(timeout=90_000) as dl:
                    page.get_by_role("button", name=t(label, "vi")).click()
                assert Path(dl.value.path()).read_bytes()[:2] == magic, label
            # leaving the presentation brings the menu back
            page.keyboard.press("Escape")
            rerun_after(page, lambda: page.get_by_role("button", name=t("pres_exit", "vi")).click())
            assert page.inner_text("h1") == t("page_overview", "vi")
            assert page.get_by_test_id("stSidebar").is_visible()
        finally:
            browser.close()
    assert not console, console


def test_ranking_what_if_and_attention_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2400})
            page.on("console", lambda m: console.append(f"{m.text} @ {(m.location or {}).get('url')}")
                    if m.type == "error" and not _known_noise(m) else None)
            goto(page, server + "/ranking?p=2022-08&sec=whatif")
            took = wait_ready(page)
            assert took < 20
            assert page.inner_text("h1") == t("page_ranking", "vi")
            score = page.get_by_test_id("stMetric").filter(has_text=t("whatif_score", "vi")).first
            before = score.inner_text()
            # the first slider of the what-if: one step to the right with the keyboard
            page.get_by_role("slider").first.focus()

            def six_steps() -> None:
                for _ in range(6):
                    page.keyboard.press("ArrowRight")

            rerun_after(page, six_steps)
            after = page.get_by_test_id("stMetric").filter(has_text=t("whatif_score", "vi")).first.inner_text()
            assert after != before
            check_page(page, "ranking_whatif")

            goto(page, server + "/attention?p=2022-08")
            assert page.inner_text("h1") == t("page_attention", "vi")
            tables = page.get_by_test_id("stDataFrame").count()
            show = page.locator(".st-key-att-unit-CNVPDK").get_by_role("button", name=t("show_dossiers", "vi")).first
            rerun_after(page, show.click)
            assert page.get_by_test_id("stDataFrame").count() == tables + 1
            check_page(page, "attention_flag_dossiers")
        finally:
            browser.close()
    assert not console, console
