"""The login gate: nobody without an account sees a page, a figure or a download.

The signed-in user lives in the session (never in the URL); the pages a user may open and
the units whose figures they may see follow from the account's role (metrics.store.auth.User),
so a hand-made link cannot widen them.
"""
from __future__ import annotations

import os
from datetime import timedelta

import streamlit as st

from metrics.store import auth
from metrics import clock
from metrics.errors import DatabaseBusyError, ReformError
from metrics.i18n import t

from . import data

SESSION_IDLE = timedelta(hours=8)
_USER, _SEEN = "user", "_user_seen"
COOKIE = "reform_session"
_SET_COOKIE = "_set_cookie"
AFTER_LOGIN = "_after_login"


def current_user() -> auth.User | None:
    user = st.session_state.get(_USER)
    if not isinstance(user, auth.User):
        return None
    seen = st.session_state.get(_SEEN)
    now = clock.now()
    if seen is None or now - seen > SESSION_IDLE:
        sign_out(expired=True)
        return None
    st.session_state[_SEEN] = now
    return user


def can(what: str) -> bool:
    """May the signed-in user do `what` (metrics.store.auth permissions: see_officials, write_notes,
    see_all_units, see_dossiers, export…)? The one check of the pages; denied when no one is
    signed in."""
    user = current_user()
    return user is not None and bool(user.can(what))


def user_name() -> str:
    """Who writes an import, a commitment or an event into the store."""
    user = current_user()
    return user.name if user is not None else "dashboard"


def sign_in(user: auth.User) -> None:
    st.session_state[_USER] = user
    st.session_state[_SEEN] = clock.now()


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser context (a test): no cookie
        return None
    return value if isinstance(value, str) else None


def _write_cookie(value: str, max_age: int) -> None:
    """Set or clear the sign-in cookie in the browser. Streamlit has no cookie API; a
    component's iframe shares the app's origin, so its script can write the cookie."""
    # the token is ours (secrets.token_urlsafe), never text from a user
    st.iframe(f"<script>document.cookie = '{COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict';</script>",
              height=1)


def signed_in() -> auth.User | None:
    """The user of this session, or of the browser's sign-in cookie, or None."""
    return current_user() or _resume_from_cookie()


def _resume_from_cookie() -> auth.User | None:
    token = _cookie_token()
    if not token:
        return None
    try:
        with data.write_lock(), data.cursor() as cur:
            user = auth.resume_session(cur, token)
    except ReformError:
        return None
    if user is not None:
        sign_in(user)
    return user


def sign_out(expired: bool = False) -> None:
    name = getattr(st.session_state.get(_USER), "name", None)
    token = _cookie_token()
    # everything the session holds goes, filters included: the next person starts clean
    for k in list(st.session_state.keys()):
        if k not in ("lang",):
            del st.session_state[k]
    if expired and name:
        st.session_state["_expired"] = True
    if name:
        try:
            with data.cursor() as cur:
                auth.close_session(cur, token)
                auth.audit(cur, name, "logout" if not expired else "session_expired", None)
        except ReformError:
            pass
    st.session_state[_SET_COOKIE] = ""      # cleared in the browser on the next run


@st.cache_resource(show_spinner=False)
def _first_admin(path: str) -> bool:
    """First start with no account: create `admin` with a random password and print it
    once in the terminal that runs the dashboard (never in the browser)."""
    with data.write_lock(), data.cursor(path) as cur:
        password = auth.ensure_admin(cur)
    if password:
        bar = "=" * 64
        print(f"\n{bar}\n Tài khoản quản trị đầu tiên / first administrator account\n"
              f"   tên / user:      admin\n   mật khẩu / password: {password}\n"
              f" Hãy đổi mật khẩu sau khi đăng nhập / change it after signing in:\n"
              f"   python -m metrics users passwd admin   (new password on stdin)\n{bar}\n", flush=True)
    return True


def gate(lang: str, requested: str | None = None) -> auth.User:
    """The signed-in user, or the login form and a stop: nothing after this line runs for
    a visitor without an account. `requested` is the page the link asked for, opened
    once the visitor has signed in."""
    try:
        _first_admin(data.db_key())
    except DatabaseBusyError:
        raise                          # the entry point says it and retries (dashboard.busy)
    except ReformError as exc:
        st.error(f"**{exc.title(lang)}**: {exc.text(lang)}")
        st.stop()
    user = current_user() or _resume_from_cookie()
    if user is not None:
        pending = st.session_state.pop(_SET_COOKIE, None)
        if pending is not None:
            _write_cookie(pending, auth.SESSION_HOURS * 3600 if pending else 0)
        return user
    if st.session_state.pop(_SET_COOKIE, None) == "":
        _write_cookie("", 0)
    if requested:
        st.session_state[AFTER_LOGIN] = requested
    _, mid, _ = st.columns([1, 1.2, 1])
    with mid:
        st.title(t("login_title", lang))
        if st.session_state.pop("_expired", False):
            st.info(t("login_expired", lang))
        with st.form("login", clear_on_submit=False):
            name = st.text_input(t("login_user", lang), key="_login_name", autocomplete="username")
            password = st.text_input(t("login_password", lang), type="password", key="_login_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(t("login_submit", lang), type="primary")
        if submitted:
            try:
                with data.write_lock(), data.cursor() as cur:
                    user = auth.login(cur, name, password, client=client_id())
                    token = auth.open_session(cur, user)
            except auth.AuthError as exc:
                # failures slow this client down for this name (metrics.store.auth.login), never lock
                # the account for the others
                st.error(exc.text(lang))
            except ReformError as exc:
                st.error(exc.text(lang))
            else:
                st.session_state.pop("_login_password", None)
                sign_in(user)
                # the browser keeps the token, so a reload or a new tab stays signed in
                st.session_state[_SET_COOKIE] = token
                st.rerun()
        st.caption(t("login_hint", lang))
    st.stop()


def client_id() -> str:
    """Who is trying to sign in, as far as the server can tell: the connection's address.
    X-Forwarded-For is believed only from a proxy named in REFORM_TRUSTED_PROXIES: anyone
    can send the header, and a new value per attempt would escape the per-client delay."""
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - an older Streamlit or a test run without a context
        ip = None
    if isinstance(ip, str) and ip in trusted_proxies():
        forwarded = None
        try:
            forwarded = st.context.headers.get("X-Forwarded-For")
        except Exception:  # noqa: BLE001
            pass
        if isinstance(forwarded, str) and forwarded:
            ip = forwarded.split(",")[-1].strip() or ip
    return ip if isinstance(ip, str) and ip else "local"


def trusted_proxies() -> set[str]:
    return {p.strip() for p in os.environ.get("REFORM_TRUSTED_PROXIES", "").split(",") if p.strip()}


def sidebar_account(user: auth.User, lang: str) -> None:
    """Who is signed in, and the sign-out button (drawn in the sidebar by the entry point)."""
    role = auth.role_label(user.role, lang)
    unit = ""
    if user.unit_code:
        try:
            unit = " · " + data.profile().unit(user.unit_code).name
        except KeyError:
            unit = " · " + user.unit_code
    st.caption(t("signed_in_as", lang, name=user.name, role=role) + unit)
    # signed out before the next run starts: the button is drawn after the page, and the
    # page must not run once more for someone who has left
    st.button(t("logout", lang), key="_logout", icon=":material/logout:", on_click=sign_out)


def require(permission: str | None = None) -> auth.User | None:
    """A page's own check, so that a page never relies on the menu alone to keep a role out:
    the user, or None (said on the page) — the page then draws nothing more."""
    user = current_user()
    if user is None:
        return None
    if permission and not user.can(permission):
        st.warning(t("not_allowed", st.session_state.get("lang", "vi")))
        return None
    return user
