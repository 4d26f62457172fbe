"""Accounts, roles and the audit log.

Passwords are hashed with scrypt (memory-hard; Python's hashlib has it, so no extra
dependency) with a random salt per password. Roles:
- admin: users, imports, everything;
- leader: all units, read;
- officer: all units, read, dossier lists, commitments;
- unit: its own unit only (its figures and dossiers; the provincial ranking of districts is
  allowed, other units' figures and names are not).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from .. import clock
from ..errors import InputError, ReformError
from ..i18n import pick
from ..model.profile import Profile, load_profile

ROLES = ("admin", "leader", "officer", "unit")
ROLE_LABELS = {"admin": ("Quản trị", "Administrator"), "leader": ("Lãnh đạo", "Leader"),
               "officer": ("Chuyên viên CCHC", "Reform officer"), "unit": ("Đơn vị", "Unit")}


def role_label(role: str, lang: str = "vi") -> str:
    return pick(ROLE_LABELS[role], lang)


SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}       # ~50 ms a check here: 20 sign-ins at once take ~0.5 s of CPU
# Failed sign-ins slow the (name, client) that failed, never lock the account: after FREE_FAILURES
# the next attempt from that client for that name must wait 2, 4, 8 … seconds, at most MAX_DELAY.
# A client that has not failed (the real user on their own machine) is not slowed by others'
# failures; the right password from the failing client works again after at most MAX_DELAY.
FREE_FAILURES = 3
MAX_DELAY = 30
# a client's failures are forgotten this long after its last wait ended (or its last failure)
THROTTLE_FORGET = timedelta(days=1)
# A name guessed at from many clients (a new address per try escapes the per-client delay):
# after NAME_FREE failures on the name within NAME_WINDOW, a client that never signed in as
# that name waits 2, 4 … seconds after the name's last failure, at most NAME_MAX_DELAY. The
# real user on a device they signed in from before is not slowed; on a new device they wait
# at most NAME_MAX_DELAY (an administrator's unlock clears it).
NAME_FREE = 10
NAME_MAX_DELAY = 300
NAME_WINDOW = timedelta(hours=1)
MIN_PASSWORD = 8


class AuthError(ReformError):
    title_vi, title_en = "Đăng nhập", "Sign-in"

    def __init__(self, vi: str, en: str | None = None, retry_after: int | None = None):
        super().__init__(vi, en)
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit_code: str | None = None

    def can(self, what: str) -> bool:
        """What a role may do; pages and exports ask before they draw."""
        rules = {
            "manage_users": ("admin",),
            "import": ("admin",),
            "see_all_units": ("admin", "leader", "officer"),
            "see_dossiers": ("admin", "officer", "unit"),
            "see_officials": ("admin", "leader", "officer"),
            "write_notes": ("admin", "officer"),
            "see_audit": ("admin",),
            "export": ("admin", "leader", "officer", "unit"),
        }
        return self.role in rules.get(what, ())

    def allowed_units(self, profile: Profile) -> list[str]:
        if self.role == "unit":
            return [self.unit_code] if self.unit_code else []
        return profile.unit_codes


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode(), **SCRYPT)


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=32)
        return hmac.compare_digest(got, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


def audit(con, user: str | None, action: str, detail: str | None = None) -> None:
    con.execute("INSERT INTO audit VALUES (nextval('audit_id_seq'), ?, ?, ?, ?)",
                [clock.now(), user, action, (detail or "")[:1000] or None])


def audit_log(con, limit: int = 500):
    return con.execute('SELECT id, "at", user_name, action, detail FROM audit ORDER BY id DESC LIMIT ?',
                       [int(limit)]).df()


def add_user(con, name: str, role: str, password: str, unit_code: str | None = None, by: str | None = None,
             profile: Profile | None = None, email: str | None = None) -> User:
    profile = profile or load_profile()
    name = (name or "").strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise InputError("Tên đăng nhập không hợp lệ (không khoảng trắng, tối đa 64 ký tự)",
                         "Invalid user name (no spaces, at most 64 characters)")
    if role not in ROLES:
        raise InputError(f"Vai trò không hợp lệ: {role} (chọn: {', '.join(ROLES)})",
                         f"Unknown role {role} (choose: {', '.join(ROLES)})")
    if role == "unit" and unit_code not in profile.unit_codes:
        raise InputError("Tài khoản đơn vị cần --unit là mã một đơn vị", "A unit account needs --unit with a unit code")
    if role != "unit":
        unit_code = None
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự", f"Passwords need {MIN_PASSWORD}+ characters")
    if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise InputError(f"Tài khoản «{name}» đã có", f"User «{name}» exists already")
    email = _email(email)
    con.execute("INSERT INTO users (name, role, unit_code, pw_hash, created_at, email) VALUES (?, ?, ?, ?, ?, ?)",
                [name, role, unit_code, hash_password(password), clock.now(), email])
    audit(con, by, "user_add", f"{name} ({role}{', ' + unit_code if unit_code else ''})")
    return User(name, role, unit_code)


def _email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    # plain ASCII without the characters a mail header gives a meaning to: a unit's accounts
    # share one message, and one address with Vietnamese letters (which most servers refuse)
    # or a colon (which makes the list a group) would take the others' copies with it
    if len(email) > 200 or email.count("@") != 1 or not email.isascii() \
            or any(c.isspace() or c in "<>,;:\"()[]\\" for c in email) or "." not in email.split("@")[1]:
        raise InputError(f"Địa chỉ thư không hợp lệ: {email} (chữ không dấu, không khoảng trắng hay < > , ; : ( ) [ ])",
                         f"Invalid e-mail address: {email} (letters without accents; no spaces nor < > , ; : ( ) [ ])")
    return email


def set_email(con, name: str, email: str | None, by: str | None = None) -> None:
    """The address the unit's morning digest goes to (None: none)."""
    if not con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise InputError(f"Không có tài khoản «{name}»", f"No user «{name}»")
    con.execute("UPDATE users SET email = ? WHERE name = ?", [_email(email), name])
    audit(con, by, "user_email", name)


def set_password(con, name: str, password: str, by: str | None = None) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự", f"Passwords need {MIN_PASSWORD}+ characters")
    if not con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise InputError(f"Không có tài khoản «{name}»", f"No user «{name}»")
    con.execute("UPDATE users SET pw_hash = ?, failed_count = 0, locked_until = NULL WHERE name = ?",
                [hash_password(password), name])
    audit(con, by, "user_password", name)


def remove_user(con, name: str, by: str | None = None) -> None:
    if not con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise InputError(f"Không có tài khoản «{name}»", f"No user «{name}»")
    con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
    con.execute("DELETE FROM users WHERE name = ?", [name])
    audit(con, by, "user_remove", name)


def list_users(con):
    # failed_count / locked_until of the old lock-out stay in the table (old databases) but
    # mean nothing now: who is slowed down is throttled()
    return con.execute("SELECT name, role, unit_code, email, created_at, last_login FROM users ORDER BY name").df()


def throttle_delay(failures: int) -> int:
    """Seconds a (name, client) must wait after this many failures in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_DELAY, 2 ** (failures - FREE_FAILURES + 1))


def login(con, name: str, password: str, client: str = "local") -> User:
    """The user, or AuthError. Repeated failures from one client for one name slow that
    client down (throttle_delay), they do not lock the account: anyone knowing the chairman's
    account name could otherwise keep the chairman out. Every failure, throttled attempt and
    unlock is in the audit log."""
    uname_in = (name or "").strip()
    client = (client or "unknown")[:100]
    now = clock.now()
    # a client that stopped trying a day ago starts afresh: its row would otherwise stay for good
    # (one per name and address ever tried, a table that only grew). A row without a time is
    # an older release's (a failure that asked for no wait yet)
    con.execute("DELETE FROM login_throttle WHERE coalesce(next_at, TIMESTAMP '1970-01-01') < ?",
                [now - THROTTLE_FORGET])
    thr = con.execute("SELECT failures, next_at FROM login_throttle WHERE name = ? AND client = ?",
                      [uname_in, client]).fetchone()
    until = thr[1] if thr is not None and thr[1] is not None and thr[1] > now else None
    if until is None:
        until = _name_wait(con, uname_in, client, now)
    if until is not None:
        wait = max(1, int((until - now).total_seconds() + 0.999))
        audit(con, uname_in, "login_throttled", f"client {client}, "
              f"{thr[0] if thr else 0} failures, wait {wait} s")
        raise AuthError(f"Đăng nhập sai nhiều lần: hãy thử lại sau {wait} giây",
                        f"Too many failed sign-ins: try again in {wait} seconds", retry_after=wait)
    row = con.execute("SELECT name, role, unit_code, pw_hash FROM users WHERE name = ?", [uname_in]).fetchone()
    ok = False
    if row is None:
        # same work as a real check, so timing does not reveal which names exist
        verify_password(password or "", _dummy_hash())
    else:
        ok = verify_password(password or "", row[3])
    if not ok:
        failures = (thr[0] if thr else 0) + 1
        delay = throttle_delay(failures)
        # next_at is when the client may try again: now when no wait is due yet (it dates the
        # row, which is forgotten THROTTLE_FORGET later)
        con.execute("INSERT OR REPLACE INTO login_throttle VALUES (?, ?, ?, ?)",
                    [uname_in, client, failures, now + timedelta(seconds=delay)])
        audit(con, uname_in, "login_failed",
              f"{'unknown user, ' if row is None else ''}client {client}, failure {failures}"
              + (f", next attempt in {delay} s" if delay else ""))
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu", "Wrong user name or password")
    uname, role, unit_code, _ = row
    con.execute("DELETE FROM login_throttle WHERE name = ? AND client = ?", [uname, client])
    con.execute("UPDATE users SET failed_count = 0, locked_until = NULL, last_login = ? WHERE name = ?", [now, uname])
    audit(con, uname, "login", f"client {client}")
    return User(uname, role, unit_code)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    """A stored-hash stand-in for unknown names, made once (making it is a second scrypt run,
    which made an unknown name slower to refuse than a known one)."""
    if not _DUMMY:
        _DUMMY.append(hash_password("x" * MIN_PASSWORD))
    return _DUMMY[0]


def _name_wait(con, name: str, client: str, now):
    """Until when a client that never signed in as `name` must wait because the name itself
    is being guessed at (NAME_FREE failures within NAME_WINDOW, since the last unlock); None
    when it need not. Read from the audit log: the failures and sign-ins are there already."""
    since = con.execute("SELECT max(\"at\") FROM audit WHERE action = 'unlock' AND starts_with(detail, ?)",
                        [name + ":"]).fetchone()[0]
    since = max(since, now - NAME_WINDOW) if since is not None else now - NAME_WINDOW
    n, last = con.execute("SELECT count(*), max(\"at\") FROM audit WHERE action = 'login_failed' "
                          "AND user_name = ? AND \"at\" > ?", [name, since]).fetchone()
    if n < NAME_FREE:
        return None
    known = con.execute("SELECT 1 FROM audit WHERE action = 'login' AND user_name = ? AND detail = ? LIMIT 1",
                        [name, f"client {client}"]).fetchone()
    if known:
        return None
    until = last + timedelta(seconds=min(NAME_MAX_DELAY, 2 ** (n - NAME_FREE + 1)))
    return until if until > now else None


def unlock(con, name: str, by: str | None = None) -> int:
    """Clear every client's delay for a name (the administrator's unlock); audited."""
    n = con.execute("SELECT count(*) FROM login_throttle WHERE name = ?", [name]).fetchone()[0]
    con.execute("DELETE FROM login_throttle WHERE name = ?", [name])
    con.execute("UPDATE users SET failed_count = 0, locked_until = NULL WHERE name = ?", [name])
    audit(con, by, "unlock", f"{name}: {n} client(s)")
    return n


def throttled(con):
    """Names and clients slowed down now, for the administrator."""
    return con.execute("SELECT name, client, failures, next_at FROM login_throttle WHERE next_at > ? "
                       "ORDER BY next_at DESC", [clock.now()]).df()


def audit_since(con, since, limit: int = 5000):
    return con.execute('SELECT id, "at", user_name, action, detail FROM audit WHERE "at" >= ? ORDER BY id',
                       [since]).fetchall()[:limit]


def ensure_admin(con) -> str | None:
    """On first start, with no account at all: create `admin` with a random password and
    return it (to be printed once in the terminal); otherwise None."""
    if con.execute("SELECT count(*) FROM users").fetchone()[0]:
        return None
    password = secrets.token_urlsafe(12)
    con.execute("INSERT INTO users (name, role, unit_code, pw_hash, created_at) VALUES (?, 'admin', NULL, ?, ?)",
                ["admin", hash_password(password), clock.now()])
    audit(con, None, "user_add", "admin (first start)")
    return password


# --- sessions that survive a reload ---------------------------------------------------
SESSION_HOURS = 8


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(con, user: User) -> str:
    """A random token for the browser's cookie; only its hash is stored, so the database
    file does not hold anything that signs a person in."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    con.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
    con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                [_token_hash(token), user.name, now, now + timedelta(hours=SESSION_HOURS)])
    return token


def resume_session(con, token: str | None) -> User | None:
    """The user a cookie's token stands for, if the session is alive and the account still
    exists (a removed account's sessions die with it); the session is extended."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    now = clock.now()
    row = con.execute("""
        SELECT u.name, u.role, u.unit_code FROM sessions s JOIN users u ON u.name = s.user_name
        WHERE s.token_hash = ? AND s.expires_at > ?""", [_token_hash(token), now]).fetchone()
    if row is None:
        return None
    con.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
                [now + timedelta(hours=SESSION_HOURS), _token_hash(token)])
    return User(*row)


def close_session(con, token: str | None) -> None:
    if token:
        con.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])
