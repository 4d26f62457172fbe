"""The DuckDB file: where it lives, its schema and migrations, connections.

One writing process at a time (DuckDB's rule). The CLI opens the file for the length of a
command; the dashboard holds one connection per process while it runs (a cursor per
session), so a CLI command during that time waits a few seconds and then raises
DatabaseBusyError with a plain message instead of DuckDB's lock error; imports then go
through the dashboard's import desk.
"""
from __future__ import annotations

import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ..errors import ConfigError, DatabaseBusyError
from ..model.kpis import COUNTER_NAMES
from ..model.profile import Profile, load_profile

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DB = ROOT / "data" / "reform.duckdb"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("REFORM_DB")
    return Path(env) if env else DEFAULT_DB


# The counter columns as the first schema wrote them. Frozen: a migration's text never
# changes once released (a database that ran it must stay what the code believes it is).
# Counters added to the registry since are added by sync_counter_columns, not here.
_FIRST_COUNTERS = (
    "received_total", "received_online", "received_direct", "received_post", "received_direct_post",
    "carried_over", "resolved", "resolved_early", "resolved_on_time", "resolved_late", "pending",
    "pending_in_time", "pending_overdue", "fee_dossiers", "paid_online", "result_by_post", "rated",
    "satisfied", "very_satisfied", "dissatisfied", "apologised", "digitised", "e_result", "certified",
    "e_certified", "land_violation", "priority_resolved", "priority_early", "direct_resolved",
    "direct_early")
_COUNTER_COLS = ",\n    ".join(f"{c} BIGINT" for c in _FIRST_COUNTERS)
# tables with one nullable BIGINT column per registry counter
COUNTER_TABLES = ("report_rows", "peer_rows", "dossier_counters")

MIGRATIONS: list[str] = [
    # 1: the first schema
    f"""
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE SEQUENCE import_id_seq START 1;
    CREATE TABLE imports (
        id BIGINT PRIMARY KEY,
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        rows BIGINT NOT NULL,
        periods VARCHAR,
        units VARCHAR,
        imported_at TIMESTAMP NOT NULL,
        user_name VARCHAR,
        is_demo BOOLEAN NOT NULL DEFAULT FALSE,
        status VARCHAR NOT NULL DEFAULT 'active',
        undone_at TIMESTAMP,
        warnings VARCHAR
    );
    CREATE TABLE units (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, level VARCHAR NOT NULL,
        valid_from DATE, valid_to DATE, rolls_into VARCHAR, ord INTEGER
    );
    CREATE TABLE peers (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, ord INTEGER);
    -- every version of every dossier; the newest import of a code is the current one
    CREATE TABLE dossiers (
        import_id BIGINT NOT NULL,
        row_no BIGINT,
        dossier_code VARCHAR NOT NULL,
        unit_code VARCHAR NOT NULL,
        procedure_code VARCHAR,
        procedure_name VARCHAR,
        field VARCHAR,
        channel TINYINT,
        received_at TIMESTAMP NOT NULL,
        due_at TIMESTAMP,
        finished_at TIMESTAMP,
        has_fee BOOLEAN,
        paid_online BOOLEAN,
        result_by_post BOOLEAN,
        digitised BOOLEAN,
        e_result BOOLEAN,
        e_certified_copy BOOLEAN,
        apology_sent BOOLEAN,
        apology_at TIMESTAMP,
        rating VARCHAR,
        handler VARCHAR,
        is_certification BOOLEAN NOT NULL DEFAULT FALSE,
        is_land BOOLEAN NOT NULL DEFAULT FALSE,
        is_land_mediation BOOLEAN NOT NULL DEFAULT FALSE,
        is_current BOOLEAN NOT NULL DEFAULT TRUE
    );
    -- counters per unit and month as reported on form II.06a (and extra columns)
    CREATE TABLE report_rows (
        import_id BIGINT NOT NULL, unit_code VARCHAR NOT NULL, period DATE NOT NULL,
        {_COUNTER_COLS},
        is_current BOOLEAN NOT NULL DEFAULT TRUE
    );
    -- counters per peer and month
    CREATE TABLE peer_rows (
        import_id BIGINT NOT NULL, peer_code VARCHAR NOT NULL, period DATE NOT NULL,
        {_COUNTER_COLS},
        is_current BOOLEAN NOT NULL DEFAULT TRUE
    );
    -- the official yearly CCHC index
    CREATE TABLE peer_index (
        import_id BIGINT NOT NULL, peer_code VARCHAR NOT NULL, year INTEGER NOT NULL,
        score DOUBLE, rank INTEGER, is_current BOOLEAN NOT NULL DEFAULT TRUE
    );
    -- counters derived from the current dossiers, rebuilt after every import or undo
    CREATE TABLE dossier_counters (
        unit_code VARCHAR NOT NULL, period DATE NOT NULL,
        {_COUNTER_COLS},
        PRIMARY KEY (unit_code, period)
    );
    """,
    # 2: what officers enter in the app (issue: rules of the order) and the helped-accounts sheet
    """
    CREATE SEQUENCE note_id_seq START 1;
    -- a unit's monthly commitment (CitiStat style), judged next month by the KPI it names
    CREATE TABLE commitments (
        id BIGINT PRIMARY KEY, unit_code VARCHAR NOT NULL, period DATE NOT NULL,
        text VARCHAR NOT NULL, owner VARCHAR, kpi VARCHAR, target DOUBLE,
        created_at TIMESTAMP NOT NULL, created_by VARCHAR
    );
    -- events drawn on time-series charts; unit_code NULL = the whole jurisdiction
    CREATE TABLE annotations (
        id BIGINT PRIMARY KEY, event_date DATE NOT NULL, unit_code VARCHAR, text VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL, created_by VARCHAR, import_id BIGINT
    );
    -- public-service accounts created for citizens with help, per unit and month
    CREATE TABLE citizen_accounts (
        import_id BIGINT NOT NULL, unit_code VARCHAR NOT NULL, period DATE NOT NULL,
        accounts BIGINT, is_current BOOLEAN NOT NULL DEFAULT TRUE
    );
    """,
    # 3: accounts, roles and the audit log (issue: accounts, roles and audit)
    """
    CREATE TABLE users (
        name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, unit_code VARCHAR,
        pw_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        failed_count INTEGER NOT NULL DEFAULT 0, locked_until TIMESTAMP, last_login TIMESTAMP
    );
    CREATE SEQUENCE audit_id_seq START 1;
    CREATE TABLE audit (
        id BIGINT PRIMARY KEY, "at" TIMESTAMP NOT NULL, user_name VARCHAR, action VARCHAR NOT NULL,
        detail VARCHAR
    );
    """,
    # 4: sign-in that survives a page reload: a random token in a cookie, its hash here
    """
    CREATE TABLE sessions (
        token_hash VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL
    );
    """,
    # 5: a dossier's field may be unknown (an export without a field column): certification
    # and land flags are then NULL, and the counters built on them unknown rather than 0
    """
    ALTER TABLE dossiers ALTER COLUMN is_certification DROP NOT NULL;
    ALTER TABLE dossiers ALTER COLUMN is_land DROP NOT NULL;
    ALTER TABLE dossiers ALTER COLUMN is_land_mediation DROP NOT NULL;
    """,
    # 6: the official index as the national portal publishes it (Decision 766), per unit or
    # peer and month, kept beside the project's estimate
    """
    CREATE TABLE official_scores (
        import_id BIGINT NOT NULL, level VARCHAR NOT NULL, code VARCHAR NOT NULL, period DATE NOT NULL,
        transparency DOUBLE, progress DOUBLE, online DOUBLE, online_payment DOUBLE, satisfaction DOUBLE,
        digitisation DOUBLE, total DOUBLE, is_current BOOLEAN NOT NULL DEFAULT TRUE
    );
    """,
    # 7: layouts a user taught the importer (metrics/importers/layouts.py), by name
    """
    CREATE TABLE layouts (
        name VARCHAR PRIMARY KEY, kind VARCHAR, spec VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        created_by VARCHAR
    );
    """,
    # 8: an account's e-mail (the morning digest is sent to the unit's accounts)
    """
    ALTER TABLE users ADD COLUMN email VARCHAR;
    """,
    # 9: failed sign-ins slow the client that failed, per name (metrics/store/auth.py), instead of
    # locking the account for everyone
    """
    CREATE TABLE login_throttle (
        name VARCHAR NOT NULL, client VARCHAR NOT NULL, failures INTEGER NOT NULL, next_at TIMESTAMP,
        PRIMARY KEY (name, client)
    );
    UPDATE users SET locked_until = NULL, failed_count = 0;
    """,
]


def _from_a_newer_release(current: int) -> ConfigError:
    return ConfigError(
        f"Cơ sở dữ liệu này do một phiên bản mới hơn của ứng dụng ghi (lược đồ {current}, "
        f"phiên bản này biết đến {len(MIGRATIONS)}). Hãy cập nhật ứng dụng; tệp không bị thay đổi.",
        f"This database was written by a newer release of the app (schema {current}; this "
        f"release knows up to {len(MIGRATIONS)}). Update the app; the file was not changed.")


def _apply_migrations(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise _from_a_newer_release(current)
    for version in range(current + 1, len(MIGRATIONS) + 1):
        con.execute("BEGIN")
        try:
            con.execute(MIGRATIONS[version - 1])
            con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise


def sync_counter_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Give every counter table a column for every registry counter it lacks, so that adding
    a counter is one registry entry and an older database takes it. A counter derived from
    dossiers is then computed for the dossiers already stored (the counters are rebuilt);
    reported counters stay unknown (NULL) for the reports already imported, which is what
    they are: those files did not carry them. Returns the counters added.

    One transaction: were the rebuild to fail after the columns were added, the next open
    would find the columns and never fill them (the KPIs built on them unknown for good)."""
    missing = _missing_counter_columns(con)
    # a counter whose definition changed (its SQL in the registry) is recomputed too: the
    # stored counts were made by the old definition (a file from before the definitions
    # were recorded has none: recomputed once)
    fingerprint = counter_fingerprint()
    row = con.execute("SELECT value FROM meta WHERE key = 'counter_definitions'").fetchone()
    changed = row is None or row[0] != fingerprint
    if not missing and not changed:
        return []
    added: list[str] = []
    con.execute("BEGIN")
    try:
        for table, name in missing:
            # the name comes from our registry (identifiers only), never from input
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" BIGINT')
            if table == "dossier_counters":
                added.append(name)
            else:
                _backfill_sums(con, table, name)
        if (added or changed) and con.execute("SELECT count(*) FROM dossiers WHERE is_current").fetchone()[0]:
            from ..model.counters import rebuild

            rebuild(con)
        con.execute("DELETE FROM meta WHERE key = 'counter_definitions'")
        con.execute("INSERT INTO meta VALUES ('counter_definitions', ?)", [fingerprint])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return added


def counter_fingerprint() -> str:
    """What the registry says each dossier counter counts, in one short hash."""
    from ..model.kpis import COUNTERS

    text = "\n".join(f"{c.name}|{c.base}|{c.flag}" for c in COUNTERS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _missing_counter_columns(con) -> list[tuple[str, str]]:
    """(table, counter) for every registry counter a counter table lacks."""
    out = []
    for table in COUNTER_TABLES:
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = 'main'", [table]).fetchall()}
        out += [(table, name) for name in COUNTER_NAMES if name not in have]
    return out


def _check_read_only(con) -> None:
    """A read-only open cannot migrate: a file an older release wrote (or one from a newer
    release) is refused with what to do, not left to fail on a missing column later."""
    try:
        current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    except duckdb.CatalogException:
        current = 0
    if current == len(MIGRATIONS) and not _missing_counter_columns(con):
        return
    if current > len(MIGRATIONS):
        raise _from_a_newer_release(current)
    raise ConfigError(
        "Cơ sở dữ liệu này do một phiên bản cũ hơn ghi và cần được nâng cấp: hãy mở nó một lần "
        "ở chế độ ghi (ví dụ chạy bảng điều khiển hoặc một lệnh nhập); chế độ chỉ đọc không nâng cấp.",
        "This database was written by an older release and needs upgrading: open it once with "
        "write access (run the dashboard or any import command); a read-only open does not upgrade.")


def _backfill_sums(con, table: str, name: str) -> None:
    """A counter new to the registry that is a sum of counters the old rows carry
    (Counter.sums) is filled in for them, as the importer would have derived it."""
    from ..model.kpis import COUNTER

    for parts in COUNTER[name].sums:
        if all(p in COUNTER for p in parts):
            total = " + ".join(f'"{p}"' for p in parts)
            known = " AND ".join(f'"{p}" IS NOT NULL' for p in parts)
            con.execute(f'UPDATE {table} SET "{name}" = {total} WHERE "{name}" IS NULL AND {known}')


def _profile_rows(profile: Profile) -> tuple[list[tuple], list[tuple]]:
    units = [(u.code, u.name, u.level, u.valid_from, u.valid_to, u.rolls_into, i)
             for i, u in enumerate(profile.units)]
    return units, [(p.code, p.name, i) for i, p in enumerate(profile.peers)]


def profile_fingerprint(profile: Profile) -> str:
    """The profile as the units and peers tables mirror it, in one short hash."""
    return hashlib.sha256(repr((profile.name, *_profile_rows(profile))).encode("utf-8")).hexdigest()[:16]


def sync_profile(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """Units and peers come from the profile; the tables mirror it for joins."""
    stored = con.execute("SELECT value FROM meta WHERE key = 'profile'").fetchone()
    units, peers = _profile_rows(profile)
    have_units = con.execute("SELECT code, name, level, valid_from, valid_to, rolls_into, ord "
                             "FROM units ORDER BY ord").fetchall()
    have_peers = con.execute("SELECT code, name, ord FROM peers ORDER BY ord").fetchall()
    if stored and stored[0] == profile.name and have_units == units and have_peers == peers:
        _record_profile(con, profile)
        return
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM units")
        con.execute("DELETE FROM peers")
        if units:
            con.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?)", units)
        if peers:
            con.executemany("INSERT INTO peers VALUES (?, ?, ?)", peers)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('profile', ?)", [profile.name])
        _record_profile(con, profile)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# the units and peers tables as they stand, in one short text (DuckDB's hash of each row): a
# release that does not record the profile it mirrors (the one before 2026-12-07) may rewrite
# them from another profile; the record then no longer matches the tables
_MIRRORED = ("(SELECT count(*) || ':' || coalesce(sum(hash(code, name, level, valid_from, valid_to, rolls_into, "
             "ord)), 0) FROM units) || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(code, name, ord)), 0) "
             "FROM peers)")


def _record_profile(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """Record which profile the units and peers tables mirror, and how they stand (_settled)."""
    con.execute(f"INSERT OR REPLACE INTO meta SELECT 'profile_fingerprint', ? || '|' || {_MIRRORED}",
                [profile_fingerprint(profile)])


def _settled(con: duckdb.DuckDBPyConnection, profile: Profile) -> bool:
    """Whether the database is as this release and this profile leave it: the newest schema,
    the units and peers tables as the profile's and as they were recorded (_record_profile),
    the registry's counters (counter_fingerprint, written with the columns it needs in one
    transaction). One query: an open that finds it so skips the checks and syncs, a dozen
    queries and an eighth of a command's own time; anything else (a new file, one an older
    release wrote or opened with another profile, an edited profile) takes them all."""
    try:
        return con.execute(
            "SELECT coalesce((SELECT max(version) FROM schema_version) = ? "
            f"AND (SELECT value FROM meta WHERE key = 'profile_fingerprint') = ? || '|' || {_MIRRORED} "
            "AND (SELECT value FROM meta WHERE key = 'counter_definitions') = ?, FALSE)",
            [len(MIGRATIONS), profile_fingerprint(profile), counter_fingerprint()]).fetchone()[0]
    except duckdb.CatalogException:
        return False


def wanted_marker(path: str | os.PathLike) -> Path:
    """A file beside the database that says "a process is waiting for this file" (beside the
    real file: the dashboard and the CLI may reach it by different paths)."""
    return Path(str(Path(path).resolve()) + ".wanted")


def someone_waits(path: str | os.PathLike, fresh: float = 3.0) -> bool:
    """True while another process waits for the file: its marker was touched in the last
    `fresh` seconds (a waiting process touches it every 0.2 s) by a process that is still
    alive (it writes its pid into it). A marker left by a killed process is removed."""
    marker = wanted_marker(path)
    try:
        st = os.stat(marker)
        text = marker.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return False
    age = time.time() - st.st_mtime
    pid = int(text) if text.isdigit() else None
    alive = pid is None or process_alive(pid)
    if not alive or age >= fresh or age < -fresh:
        # stale (its process is gone, or it has not been touched for a while): clean it
        try:
            marker.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True                          # (a marker dated a little in the future: clock skew, counts)


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _waiting(path: Path, wait: float, attempt):
    """attempt() until it does not fail on the file's lock, for up to `wait` seconds, saying
    meanwhile (the .wanted marker) that this process waits, so that a dashboard lets go of
    the file at once (ui/data.py); the lock error as a plain DatabaseBusyError at the end."""
    last = None
    deadline = time.monotonic() + wait
    marker, marked = wanted_marker(path), False
    try:
        while True:
            try:
                return attempt()
            except (duckdb.IOException, duckdb.BinderException) as exc:
                last = exc
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    break
                try:
                    marker.write_text(str(os.getpid()), encoding="ascii")   # also touches it
                    marked = True
                except OSError:
                    pass
                time.sleep(0.2)
    finally:
        if marked:
            try:
                marker.unlink(missing_ok=True)
            except OSError:         # left behind: it goes stale by itself in a few seconds
                pass
    msg = str(last)
    if "lock" in msg.lower():
        raise DatabaseBusyError(
            f"Cơ sở dữ liệu {path} đang được một tiến trình khác ghi (ví dụ một lệnh nhập). "
            "Hãy thử lại sau ít phút.",
            f"The database {path} is held by another writing process (an import, say). "
            "Try again in a moment.") from last
    raise ConfigError(f"Không mở được cơ sở dữ liệu {path}: {msg}",
                      f"Cannot open the database {path}: {msg}") from last


def _open(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    # another process holds the file for the length of one command (or, for the dashboard,
    # a few seconds after its last page): wait a little, and say we are waiting
    return _waiting(path, wait, lambda: duckdb.connect(str(path), read_only=read_only))


def attach(con, path: str | os.PathLike, alias: str = "store", wait: float | None = None) -> None:
    """Attach the store to a working connection (an import read and checked in memory) and
    make it the default catalog, waiting for the file as connect() does. The store is held
    only from here to detach(): the length of the final write, not of the whole import."""
    p = db_path(path)
    _waiting(p, WAIT_SECONDS if wait is None else wait,
             lambda: con.execute(f"ATTACH '{_quoted(p)}' AS {alias}"))
    con.execute(f"USE {alias}")


def detach(con, alias: str = "store", home: str = "memory") -> None:
    """Let go of the store; `home` (the working database's catalog) is the default again."""
    con.execute(f"USE {home}")
    con.execute(f"DETACH {alias}")


def _quoted(p: Path) -> str:
    return str(p).replace("'", "''")


WAIT_SECONDS = float(os.environ.get("REFORM_DB_WAIT", "15"))


def connect(path: str | os.PathLike | None = None, profile: Profile | None = None,
            read_only: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating if needed) the database and sync the profile; wait up
    to `wait` seconds for another process to let go of the file."""
    p = db_path(path)
    if str(p) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
    con = _open(p, read_only, WAIT_SECONDS if wait is None else wait)
    try:
        if read_only:
            _check_read_only(con)
        else:
            profile = profile or load_profile()
            if not _settled(con, profile):
                _apply_migrations(con)
                sync_profile(con, profile)
                sync_counter_columns(con)
    except Exception:
        con.close()
        raise
    return con


@contextmanager
def session(path: str | os.PathLike | None = None, profile: Profile | None = None,
            read_only: bool = False, wait: float | None = None):
    con = connect(path, profile, read_only, wait)
    try:
        yield con
    finally:
        con.close()


def get_meta(con, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
