"""The login gate and the unit scope, through AppTest: no account, no figure; a commune
account never sees another unit, whatever the link says."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from metrics.store import auth
from metrics.store import db as dbm
from metrics.store.auth import User
from metrics.i18n import t
from metrics.model.profile import load_profile
from tests.page_html import tables as html_tables
from tests.test_pages import figures
from tests.test_pages import ROOT, TIMEOUT, _app_like_a_running_server, assert_clean, open_app  # noqa: F401

PASSWORD = "mat-khau-kiem-thu"


@pytest.fixture(scope="module")
def login_db(tmp_path_factory, sample_db):
    import shutil

    path = tmp_path_factory.mktemp("login") / "l.duckdb"
    shutil.copy(sample_db, path)
    con = dbm.connect(path)
    auth.add_user(con, "cb", "officer", PASSWORD)
    con.close()
    return path


@pytest.fixture(autouse=True)
def _no_delay_left_by_another_test(login_db):
    # the module's tests share one store: a wrong password tried by one must not slow the next
    con = dbm.connect(login_db)
    try:
        con.execute("DELETE FROM login_throttle")
    finally:
        con.close()


def everything(at: AppTest) -> str:
    parts = [str(x.value) for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning",
                                       "success", "error", "text") for x in getattr(at, kind)]
    parts += [f"{label}={value}" for label, value, _ in figures(at)]
    for df in [*at.dataframe, *at.table]:
        parts.append(df.value.to_csv())
    parts += [tb.to_csv() for tb in html_tables(at)]
    for sb in at.selectbox:
        parts.append(str(sb.value))
        parts += [str(o) for o in sb.options]
    return "\n".join(parts)


def test_without_an_account_only_the_login_form(monkeypatch, login_db):
    monkeypatch.setenv("REFORM_DB", str(login_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert_clean(at)
    assert at.title[0].value == t("login_title", "vi")
    assert not figures(at) and not at.dataframe and not html_tables(at) and not at.get("plotly_chart")
    at.text_input[0].input("cb")
    at.text_input[1].input("sai-roi")
    at.button[0].click().run()
    assert any("Sai tên đăng nhập" in e.value for e in at.error)
    assert not figures(at)
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert at.session_state["user"].name == "cb"
    assert at.title[0].value == t("page_overview", "vi") and figures(at)



def test_signing_out_ends_the_session_before_anything_else_runs(monkeypatch, login_db):
    monkeypatch.setenv("REFORM_DB", str(login_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    at.text_input[0].input("cb")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert figures(at) and at.sidebar.button(key="_logout")
    at.sidebar.button(key="_logout").click().run()
    assert_clean(at)
    # the login form, nothing of the page, no account left in the session; the language stays
    assert at.title[0].value == t("login_title", "vi")
    assert not figures(at) and "user" not in at.session_state
    assert at.session_state["lang"] == "vi"
    # (the browser's cookie, and the session row it names, are cleared in tests/test_browser.py's
    # sign-in flow; AppTest has no cookie)
    con = dbm.connect(login_db)
    try:
        logouts = con.execute("SELECT count(*) FROM audit WHERE user_name = 'cb' AND action = 'logout'").fetchone()[0]
    finally:
        con.close()
    assert logouts == 1


def other_unit_names(own: str) -> list[str]:
    """Every other unit's name, whole and as the lists shorten it ("CN VP Đăng ký đất đai …")."""
    from metrics.charts.briefing import short_name

    names = [u.name for u in load_profile().units if u.code != own]
    return sorted(set(names) | {short_name(n, 40) for n in names} | {short_name(n, 26) for n in names})


HOSTILE = [{}, {"u": "21964"}, {"u": "all"}, {"u": "communes"}, {"u": "21961' OR '1'='1"},
           {"p": "2022-13", "u": "21958"}, {"p": "2022-08'; DROP TABLE dossiers; --"}]


@pytest.mark.parametrize("page", ["unit_detail", "dossiers", "attention", "ranking", "due_soon"])
@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "plain")
def test_a_commune_account_never_sees_another_unit(monkeypatch, demo_db, page, query):
    user = User("xa", "unit", "21961")
    at = open_app(monkeypatch, demo_db, page=page, user=user, **query)
    text = everything(at)
    assert "Xã Phước Hưng" in text
    leaked = [n for n in other_unit_names("21961") if n in text]
    assert not leaked, leaked
    assert at.session_state["u"] == "21961"


def test_pages_outside_the_role_are_not_in_the_menu():
    from ui.menu import menu_keys

    def paths(user):
        return {k for ks in menu_keys(user).values() for k in ks}

    assert {"import_desk", "admin", "league", "overview"} <= paths(User("a", "admin"))
    assert not {"import_desk", "admin"} & paths(User("l", "leader"))
    # the chairman sees units, not dossier by dossier (auth: see_dossiers), the menu agrees
    assert "dossiers" not in paths(User("l", "leader")) and "dossiers" in paths(User("o", "officer"))
    unit_pages = paths(User("x", "unit", "21961"))
    assert not {"import_desk", "admin", "league", "overview"} & unit_pages
    assert "unit_detail" in unit_pages


@pytest.mark.parametrize("role, sees", [("leader", False), ("officer", True)])
def test_a_units_page_offers_its_dossiers_to_those_who_may_see_them(monkeypatch, demo_db, role, sees):
    at = open_app(monkeypatch, demo_db, page="unit_detail", user=User("u", role), u="TP", p="2022-08")
    assert_clean(at)
    keys = {b.key for b in at.button}
    assert ({"detail-go-all", "detail-go-late", "detail-go-overdue", "detail-go-apology_missing"} <= keys) is sees
    if not sees:
        assert not {k for k in keys if k and k.startswith("detail-go-")}


def test_a_permission_is_denied_when_no_user_is_signed_in():
    import streamlit as st

    from metrics import clock
    from metrics.store.auth import User
    from ui.login import can as allowed

    st.session_state.pop("user", None)
    assert not allowed("see_officials") and not allowed("see_all_units")     # deny by default
    st.session_state["user"] = User("ld", "leader")
    st.session_state["_user_seen"] = clock.now()        # signed in a moment ago
    try:
        assert allowed("see_officials") and not allowed("import")
    finally:
        st.session_state.pop("user", None)

