"""Backup and restore of the whole database file.

A backup is a consistent copy taken through DuckDB (every table copied in one read
transaction), never a raw copy of a file that may be mid-write. A restore checks that the
file is one of ours before it replaces anything, and keeps the replaced file beside it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from .. import clock
from ..errors import InputError

TABLES_IN_ORDER = None  # every table of the schema, discovered at run time


def backup(con, target: str | os.PathLike) -> Path:
    t = Path(target)
    if t.exists():
        raise InputError(f"Tệp {t} đã có; chọn tên khác", f"{t} exists already; choose another name")
    t.parent.mkdir(parents=True, exist_ok=True)
    con.execute("CHECKPOINT")
    con.execute("ATTACH ? AS bk", [str(t)])
    try:
        con.execute("COPY FROM DATABASE " + _db_name(con) + " TO bk")
    finally:
        con.execute("DETACH bk")
    return t


def _db_name(con) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def check_backup(source: str | os.PathLike) -> int:
    """The schema version of a backup file, or InputError if it is not one of ours."""
    s = Path(source)
    if not s.exists():
        raise InputError(f"Không tìm thấy tệp {s}", f"File not found: {s}")
    try:
        c = duckdb.connect(str(s), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"{s} không phải tệp cơ sở dữ liệu DuckDB", f"{s} is not a DuckDB database") from exc
    try:
        v = c.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        c.execute("SELECT count(*) FROM imports").fetchone()
    except duckdb.Error as exc:
        raise InputError(f"{s} không phải bản sao lưu của ứng dụng này", f"{s} is not a backup of this app") from exc
    finally:
        c.close()
    return int(v)


def restore(source: str | os.PathLike, db_file: str | os.PathLike) -> Path:
    """Replace db_file by the backup. The replaced file is kept as <db>.before-restore-<time>.
    The caller holds db_file, checkpointed, while this runs (metrics/cli.py cmd_restore)."""
    check_backup(source)
    target = Path(db_file)
    kept = target.with_name(f"{target.name}.before-restore-{clock.now():%Y%m%d-%H%M%S}")
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, tmp)
    if target.exists():
        os.replace(target, kept)
        wal = target.with_name(target.name + ".wal")
        if wal.exists():
            os.replace(wal, kept.with_name(kept.name + ".wal"))
    os.replace(tmp, target)
    return kept
