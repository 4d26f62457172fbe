"""The command line: python -m metrics COMMAND … (see --help).

Every error a person can cause ends in a plain message and a non-zero exit code; a
traceback means a bug of ours.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from contextlib import nullcontext
from pathlib import Path

from .store import db
from .errors import ImportRejected, InputError, ReformError
from .model.kpis import COUNTER_NAMES, KPIS
from .model.profile import load_profile


def _frame_out(df, fmt: str, out=None) -> None:
    import pandas as pd

    out = out or sys.stdout
    if fmt == "csv":
        # rates and scores with four decimals ("50.0000"), counts as whole numbers
        df.to_csv(out, index=False, lineterminator="\n", float_format="%.4f")
    elif fmt == "json":
        records = []
        for rec in df.to_dict(orient="records"):
            records.append({k: (None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA
                                else (v.isoformat() if hasattr(v, "isoformat") else v))
                            for k, v in rec.items()})
        json.dump(records, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
    elif df.empty:
        # (pandas would print "Empty DataFrame" and a Python list of the columns)
        out.write("Không có dòng nào / nothing to list\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
            # unknown shown as blank; as object first: pandas 3 refuses "" in a nullable number column
            out.write(df.astype(object).where(df.notna(), "").to_string(index=False) + "\n")


def kpi_rows(con, period: str, unit: str | None, profile) -> list[dict]:
    """The `kpis` command's rows: counters as integers, rates in percent (4 decimals), counts
    of dossiers as integers, unknown as None. Without pandas: its import alone took longer
    than the rest of the command."""
    from . import queries

    p = queries.month(period)
    if unit is not None and unit not in profile.unit_codes and unit != queries.ALL:
        raise InputError(f"Không có đơn vị mã «{unit}»", f"No unit with code «{unit}»")
    units = None if unit in (None, queries.ALL) else [unit]
    recs = queries.kpi_records(con, p, p, units=units, include_total=True, profile=profile)
    if unit and unit != queries.ALL:
        recs = [r for r in recs if r["unit_code"] == unit]
    if len(recs) == 1 and recs[0]["unit_code"] == queries.ALL and recs[0]["months"] == 0:
        return []
    out = []
    for r in recs:
        row = {"period": p.strftime("%Y-%m"), "unit_code": r["unit_code"], "unit_name": r["unit_name"]}
        for c in COUNTER_NAMES:
            row[c] = r[c]
        for k in KPIS:
            v = r[k.key]
            row[k.key] = None if v is None else (round(v * 100, 4) if k.is_rate else int(round(v)))
        out.append(row)
    return out


KPI_COLUMNS = ["period", "unit_code", "unit_name", *COUNTER_NAMES, *[k.key for k in KPIS]]


def kpi_frame(con, period: str, unit: str | None, profile, rows: list[dict] | None = None):
    """kpi_rows as a frame (nullable integer and float columns), for the table format; `rows`
    when the caller has them already."""
    import pandas as pd

    rows = kpi_rows(con, period, unit, profile) if rows is None else rows
    df = pd.DataFrame(rows, columns=KPI_COLUMNS)
    for c in COUNTER_NAMES:
        df[c] = df[c].astype("Int64")
    for k in KPIS:
        df[k.key] = df[k.key].astype("Float64" if k.is_rate else "Int64")
    return df


def _rows_out(rows: list[dict], columns: list[str], fmt: str, out=None) -> None:
    """CSV or JSON of plain rows, as _frame_out writes a frame: floats with four decimals."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    import csv

    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if v is None else f"{v:.4f}" if isinstance(v, float) else v for v in r.values()])


def cmd_import(args, profile) -> int:
    """Each file is read and checked apart from the store, which is held only for its final
    write: a dashboard serving the same store keeps answering meanwhile."""
    from .importers.digest import digest_soon

    # the first file's digest is under way while DuckDB and the importer load
    first = Path(args.paths[0]) if args.paths else None
    early = digest_soon(first) if first is not None and first.is_file() else None
    from .importers.core import import_file_apart

    status = 0
    layout = None
    with (db.session(args.db, profile) if args.replace_demo or args.layout else nullcontext()) as con:
        if args.replace_demo and not args.dry_run:
            from .store.seed import remove_demo

            n = remove_demo(con, user=_cli_user())
            if n:
                print(f"Đã xóa dữ liệu mẫu ({n} tệp) trước khi nhập / demo data removed ({n} files) first")
        if args.layout:
            from .importers import layouts

            layout = layouts.get(con, args.layout)
    for path in args.paths:
        try:
            r = import_file_apart(args.db, path, kind=args.kind, profile=profile, dry_run=args.dry_run,
                                  layout=layout, digest=early if Path(path) == first else None)
        except ImportRejected as exc:
            print(exc.report(), file=sys.stderr)
            status = 1
            continue
        if r.status == "preview":
            _print_preview(r)
            continue
        if r.status == "unchanged":
            print(f"{r.file_name}: đã nhập trước đó (lần nhập {r.same_as}), không thay đổi / "
                  f"already imported (import {r.same_as}), nothing changed")
        else:
            print(f"{r.file_name}: đã nhập / imported — id {r.import_id}, kind {r.kind}, {r.rows} rows, "
                  f"periods {', '.join(r.periods)}, units {len(r.units)}")
        for w in r.warnings:
            print(f"  ! {w}")
    return status


def _print_preview(r) -> None:
    """A dry run: what the import would do, column by column, and the figures it would give."""
    print(f"{r.file_name}: thử nhập, chưa ghi gì / dry run, nothing written — kind {r.kind}, {r.rows} rows, "
          f"periods {', '.join(r.periods)}, units {', '.join(r.units)}")
    noted = set()
    if r.report is not None:
        for lang in ("vi", "en"):
            for line in r.report.lines(lang):
                print(line)
        noted = {f"{vi} / {en}" for vi, en in r.report.notes}
    for w in r.warnings:
        if w not in noted:
            print(f"  ! {w}")
    if r.figures is not None and len(r.figures):
        from .model.kpis import KPI_BY_KEY

        from .i18n import t
        from .importers.core import FILE_TOTAL

        print("Số liệu sau khi nhập (tỷ lệ theo %) / figures after the import (rates in %):")
        df = r.figures.copy()
        df["unit_name"] = df.unit_name.replace(FILE_TOTAL, f"{t(FILE_TOTAL, 'vi')} / {t(FILE_TOTAL, 'en')}")
        for c in df.columns:
            if c in KPI_BY_KEY and KPI_BY_KEY[c].is_rate:
                df[c] = (df[c].astype("Float64") * 100).round(1)
        _frame_out(df, "table")


def cmd_layouts(args, profile) -> int:
    from .importers import layouts

    with db.session(args.db, profile) as con:
        if args.action == "list":
            _frame_out(layouts.list_frame(con), args.format)
        elif args.action == "export":
            sys.stdout.write(layouts.to_toml(layouts.get(con, args.name)))
        elif args.action == "import":
            lay = layouts.read_toml(args.name)
            layouts.save(con, lay, profile, user=_cli_user())
            print(f"Đã lưu mẫu tệp «{lay.name}» / layout «{lay.name}» saved")
        elif args.action == "remove":
            layouts.remove(con, args.name, user=_cli_user())
            print(f"Đã xóa mẫu tệp «{args.name}» (nội dung còn trong nhật ký) / layout «{args.name}» removed "
                  "(its content stays in the audit log)")
    return 0


def _day(text: str | None):
    """An --as-of date (YYYY-MM-DD), or None when not given."""
    if not text:
        return None
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"Ngày không hợp lệ: «{text}» (cần YYYY-MM-DD)",
                         f"Invalid date «{text}» (expected YYYY-MM-DD)") from None


def cmd_due(args, profile) -> int:
    """The dossiers about to be late (and those already overdue), as of a date."""
    from .rules.due import COLUMNS, DETAIL_COLUMNS, due_list

    as_of = _day(args.as_of)
    if args.unit is not None and args.unit not in profile.unit_codes:
        raise InputError(f"Không có đơn vị mã «{args.unit}»", f"No unit with code «{args.unit}»")
    with db.session(args.db, profile) as con:
        dl = due_list(con, as_of, args.within, [args.unit] if args.unit else None, profile)
    cols = COLUMNS + (DETAIL_COLUMNS if args.details else [])
    rows = []
    for r in dl.rows:
        row = {c: r[c] for c in cols}
        row["as_of"] = r["as_of"].isoformat()
        for c in ("received_at", "due_at"):
            row[c] = None if r[c] is None else r[c].isoformat(sep=" ")
        row["risk"] = None if r["risk"] is None else round(100 * r["risk"], 1)
        rows.append(row)
    for y in dl.calendar_gap:
        print(f"! Chưa có lịch nghỉ lễ năm {y}: chỉ trừ thứ Bảy, Chủ nhật / no holidays configured for {y}: "
              "weekends only", file=sys.stderr)
    if args.format == "table":
        import pandas as pd

        _frame_out(pd.DataFrame(rows, columns=cols), "table")
    else:
        _rows_out(rows, cols, args.format)
    print(f"{len(dl.rows)} hồ sơ ({sum(r['status'] == 'due_soon' for r in dl.rows)} sắp đến hạn, "
          f"{sum(r['status'] == 'overdue' for r in dl.rows)} quá hạn) tính đến {dl.as_of:%d/%m/%Y} / "
          f"{len(dl.rows)} dossiers as of {dl.as_of.isoformat()}", file=sys.stderr)
    return 0


def cmd_digest(args, profile) -> int:
    """The morning digest: a page per unit (XLSX and PDF) and the district's summary, written
    to --out and, with --send, mailed (each failure reported and the exit code non-zero)."""
    from .rules.digest import SmtpSettings, send_digest, unit_addresses, write_digest, write_log
    from .rules.due import due_list

    as_of = _day(args.as_of)
    out = Path(args.out)
    settings = SmtpSettings.from_profile(profile) if args.send else None
    if args.send and settings is None:
        raise InputError("Chưa cấu hình máy chủ thư: đặt [digest] smtp_host trong hồ sơ cấu hình hoặc REFORM_SMTP_HOST",
                         "No mail server configured: set [digest] smtp_host in the profile or REFORM_SMTP_HOST")
    # the store is held only to read (the list, the addresses) and to audit: never while the
    # PDFs are drawn or a mail server is retried, when the dashboard would wait on it
    with db.session(args.db, profile) as con:
        dl = due_list(con, as_of, args.within, None, profile)
        addresses = unit_addresses(con, profile, settings) if args.send else {}
    files = write_digest(dl, out, profile, args.lang)
    print(f"{len(files.units)} đơn vị, {len(dl.rows)} hồ sơ, tính đến {dl.as_of:%d/%m/%Y}: {out} / "
          f"{len(files.units)} units, {len(dl.rows)} dossiers as of {dl.as_of.isoformat()}")
    if not args.send:
        return 0
    deliveries = send_digest(addresses, dl, files, settings, profile, attempts=args.attempts, pause=args.pause,
                             lang=args.lang)
    from .store.auth import audit

    with db.session(args.db, profile) as con:
        audit(con, _cli_user(), "digest", f"{dl.as_of.isoformat()}: " + ", ".join(
            f"{d.unit} {d.status}" for d in deliveries))
    log = write_log(out, deliveries, dl.as_of)
    failed = [d for d in deliveries if d.status != "sent"]
    for d in deliveries:
        mark = "✓" if d.status == "sent" else "✗"
        print(f"  {mark} {d.unit}: {d.status}" + (f" → {d.to}" if d.to else "") +
              (f" ({d.attempts} lần thử / attempts)" if d.attempts > 1 else "") + (f" — {d.error}" if d.error else ""))
    print(f"Nhật ký gửi / delivery log: {log}")
    if failed:
        print(f"{len(failed)} thư chưa gửi được / {len(failed)} not delivered", file=sys.stderr)
        return 3
    return 0


def cmd_audit(args, profile) -> int:
    """The audit log since a date or time (sign-ins, failures, delays, unlocks, imports…)."""
    from datetime import datetime as _dt

    from .store.auth import audit_since

    try:
        since = _dt.fromisoformat(args.since)
    except ValueError:
        raise InputError(f"Thời điểm không hợp lệ: «{args.since}» (YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM)",
                         f"Invalid time «{args.since}» (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    with db.session(args.db, profile) as con:
        rows = audit_since(con, since)
    out = [{"id": r[0], "at": r[1].isoformat(sep=" ", timespec="seconds"), "user": r[2], "action": r[3],
            "detail": r[4]} for r in rows]
    cols = ["id", "at", "user", "action", "detail"]
    if args.action:
        out = [r for r in out if r["action"] == args.action]
    if args.format == "table":
        import pandas as pd

        _frame_out(pd.DataFrame(out, columns=cols), "table")
    else:
        _rows_out(out, cols, args.format)
    return 0


def cmd_kpis(args, profile) -> int:
    with db.session(args.db, profile) as con:
        rows = kpi_rows(con, args.period, args.unit, profile)
        df = kpi_frame(con, args.period, args.unit, profile, rows) if args.format == "table" else None
    if not rows:
        print(f"Không có dữ liệu cho kỳ {args.period} / no data for {args.period}", file=sys.stderr)
    if df is not None:
        _frame_out(df, "table")
    else:
        _rows_out(rows, KPI_COLUMNS, args.format)
    return 0


def cmd_imports(args, profile) -> int:
    from .importers.core import list_imports

    with db.session(args.db, profile) as con:
        df = list_imports(con)
    _frame_out(df.drop(columns=["sha256", "warnings"]) if args.format == "table" else df, args.format)
    return 0


def cmd_undo(args, profile) -> int:
    from .importers.core import undo_import

    with db.session(args.db, profile) as con:
        r = undo_import(con, args.import_id)
    print(f"Đã hoàn tác lần nhập {r['id']} ({r['file_name']}) / undone import {r['id']}")
    return 0


def cmd_demo(args, profile) -> int:
    from demo.seed import seed_demo      # (the demo is apart from the engine: demo/)

    from .store.seed import remove_demo

    if args.remove:
        with db.session(args.db, profile) as con:
            n = remove_demo(con, user=_cli_user())
        print(f"Đã xóa dữ liệu mẫu: {n} tệp / demo data removed: {n} file(s)" if n else
              "Không có dữ liệu mẫu / no demo data")
        return 0
    with db.session(args.db, profile) as con:
        results = seed_demo(con, profile, progress=lambda msg: print(msg))
    changed = sum(1 for r in results if r.status == "imported")
    if not results:
        print("Dữ liệu mẫu đã có, không thay đổi / demo data already in place, nothing changed")
    else:
        print(f"Dữ liệu mẫu: {changed} tệp mới, {len(results) - changed} không đổi / demo data: "
              f"{changed} new file(s), {len(results) - changed} unchanged")
    return 0


def cmd_flags(args, profile) -> int:
    from . import queries
    from .rules.flags import flags_for

    p = queries.month(args.period)
    with db.session(args.db, profile) as con:
        df = flags_for(con, p, profile)
    _frame_out(df[["period", "unit_code", "flag", "value", "detail"]], args.format)
    return 0


def rank_frame(con, period: str, level: str, profile):
    import pandas as pd

    from . import queries
    from .rules.score import peer_ranking, unit_league

    p = queries.month(period)
    if level == "peers":
        df = peer_ranking(con, p, p, profile)
        cols = ["peer_code", "peer_name"]
    else:
        parts = [unit_league(con, p, p, g, profile).assign(league=g) for g in ("departments", "communes")]
        parts = [x for x in parts if not x.empty]
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        cols = ["league", "unit_code", "unit_name"]
    if df.empty:
        return pd.DataFrame(columns=["period", *cols, "score", "rank"])
    out = pd.DataFrame({"period": p.strftime("%Y-%m")}, index=df.index)
    for c in cols:
        out[c] = df[c]
    out["score"] = df["score"].round(4)
    out["rank"] = df["rank"]
    for ind in profile.indicators:
        out[f"points_{ind.key}"] = df[f"points_{ind.key}"].round(4)
    return out.reset_index(drop=True)


def cmd_rank(args, profile) -> int:
    with db.session(args.db, profile) as con:
        df = rank_frame(con, args.period, args.level, profile)
    if df.empty:
        print(f"Chưa có số liệu so sánh cho kỳ {args.period} / no comparison data for {args.period}",
              file=sys.stderr)
    _frame_out(df, args.format)
    return 0


def cmd_users(args, profile) -> int:
    from .store import auth

    with db.session(args.db, profile) as con:
        if args.users_command == "add":
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
            if not password:
                raise InputError("Cần mật khẩu qua --password-stdin", "A password is needed (--password-stdin)")
            u = auth.add_user(con, args.name, args.role, password, args.unit, by=_cli_user(), profile=profile,
                              email=args.email)
            print(f"Đã tạo tài khoản {u.name} ({u.role}) / user created")
        elif args.users_command == "remove":
            auth.remove_user(con, args.name, by=_cli_user())
            print(f"Đã xóa tài khoản {args.name} / user removed")
        elif args.users_command == "unlock":
            n = auth.unlock(con, args.name, by=_cli_user())
            print(f"Đã bỏ làm chậm đăng nhập của {args.name} ({n} máy) / sign-in delay lifted ({n} clients)")
        elif args.users_command == "email":
            auth.set_email(con, args.name, args.address, by=_cli_user())
            print(f"Đã đặt địa chỉ thư của {args.name} / e-mail set")
        elif args.users_command == "passwd":
            password = sys.stdin.readline().rstrip("\n")
            auth.set_password(con, args.name, password, by=_cli_user())
            print(f"Đã đổi mật khẩu {args.name} / password changed")
        else:
            _frame_out(auth.list_users(con), args.format)
    return 0


def _cli_user() -> str:
    import getpass
    import os

    try:
        return "cli:" + (os.environ.get("REFORM_USER") or getpass.getuser())
    except Exception:
        return "cli"


def cmd_backup(args, profile) -> int:
    from .store import backup

    with db.session(args.db, profile) as con:
        t = backup.backup(con, args.path)
        from .store.auth import audit

        audit(con, _cli_user(), "backup", str(t))
    print(f"Đã sao lưu vào {t} / backed up to {t}")
    return 0


def cmd_restore(args, profile) -> int:
    from .store import backup

    target = db.db_path(args.db)
    backup.check_backup(args.path)
    # Held from before the file is replaced until after: holding it proves no other process
    # writes it, and a dashboard that opened it in a gap between closing and replacing would
    # go on serving (and writing to) the replaced file. Checkpointed first: nothing of the old
    # file is left in a WAL beside it (the lock stays with the old file once it is renamed).
    con = db.connect(target, profile)
    try:
        con.execute("CHECKPOINT")
        kept = backup.restore(args.path, target)
    finally:
        con.close()
    with db.session(target, profile) as con:
        from .store.auth import audit

        audit(con, _cli_user(), "restore", f"from {args.path}; previous file kept as {kept.name}")
    print(f"Đã khôi phục từ {args.path}; tệp cũ giữ tại {kept} / restored; previous file kept at {kept}")
    return 0


def cmd_export(args, profile) -> int:
    import time

    from .i18n import fmt
    from . import queries
    from .store.auth import audit
    from .export import export, file_name

    p = queries.month(args.period)
    out = Path(args.out) if args.out else Path(file_name(profile, p, args.format, args.unit))
    started = time.monotonic()
    with db.session(args.db, profile) as con:
        data = export(con, p, profile, args.format, lang=args.lang, unit=args.unit)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        audit(con, _cli_user(), "export",
              f"{args.format} {p:%Y-%m}" + (f" unit={args.unit}" if args.unit else "") + f" -> {out}")
    took = time.monotonic() - started
    print(f"Đã xuất {out} ({fmt.number(len(data))} byte, {fmt.decimal(took)} giây) / exported {out} "
          f"({fmt.number(len(data), 'en')} bytes, {took:.1f} s)")
    return 0


class _Unused:
    """Stands for the parser of a command not run: takes its arguments and keeps nothing."""

    def __getattr__(self, name):
        return lambda *a, **k: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the parser of that one command (the others are
    not built: argparse takes 4 ms for all fifteen, a tenth of a quick command's own time) —
    or of them all if no command has that name, for the error to list them."""
    p = argparse.ArgumentParser(prog="python -m metrics",
                                description="Administrative-reform dashboard: import and compute.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $REFORM_DB or data/reform.duckdb)")
    common.add_argument("--profile", help="profile name or TOML path (default: $REFORM_PROFILE or tuy_phuoc_2022)")
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=["csv", "table", "json"], default="table")
    commands = p.add_subparsers(dest="command", required=True)

    built = []

    class sub:                                     # noqa: N801 (stands in for the subparsers)
        @staticmethod
        def add_parser(name, **kw):
            if only not in (None, name):
                return _Unused()
            built.append(name)
            return commands.add_parser(name, **kw)

    s = sub.add_parser("import", parents=[common], help="import files (dossier exports, II.06a reports, peer files)")
    s.add_argument("paths", nargs="+")
    s.add_argument("--kind", choices=["dossiers", "report", "peers", "index", "accounts", "events", "official"])
    s.add_argument("--dry-run", action="store_true",
                   help="read and check everything, show each column and the figures, write nothing")
    s.add_argument("--layout", help="read the files with this saved layout (see: layouts list)")
    s.add_argument("--replace-demo", action="store_true",
                   help="remove the demo data first (real figures are never mixed with it)")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("layouts", parents=[common, fmt],
                       help="layouts taught to the importer: list, export NAME > F.toml, import F.toml, remove NAME")
    s.add_argument("action", choices=["list", "export", "import", "remove"])
    s.add_argument("name", nargs="?", help="layout name (export, remove) or TOML file (import)")
    s.set_defaults(func=cmd_layouts)

    s = sub.add_parser("due", parents=[common, fmt],
                       help="pending dossiers due within N working days, and overdue ones, as of a date")
    s.add_argument("--as-of", help="YYYY-MM-DD (default: the last date of the data)")
    s.add_argument("--within", type=int, default=3, help="working days ahead (default 3)")
    s.add_argument("--unit", help="one unit's dossiers")
    s.add_argument("--details", action="store_true", help="add risk_cases, risk_basis and handler")
    s.set_defaults(func=cmd_due)

    s = sub.add_parser("digest", parents=[common],
                       help="morning digest: a page per unit (XLSX, PDF) and a summary; --send mails them")
    s.add_argument("--as-of", help="YYYY-MM-DD (default: the last date of the data)")
    s.add_argument("--within", type=int, default=3, help="working days ahead (default 3)")
    s.add_argument("--out", required=True, help="folder for the files")
    s.add_argument("--send", action="store_true", help="mail each unit its page and the office the summary")
    s.add_argument("--attempts", type=int, default=3, help="tries per message before it is reported failed")
    s.add_argument("--pause", type=float, default=2.0, help="seconds between tries (growing)")
    s.add_argument("--lang", choices=["vi", "en"], default="vi")
    s.set_defaults(func=cmd_digest)

    s = sub.add_parser("audit", parents=[common, fmt], help="the audit log since a date (sign-ins, imports, …)")
    s.add_argument("--since", required=True, help="YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    s.add_argument("--action", help="only this action (login_failed, login_throttled, unlock, import, …)")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("kpis", parents=[common, fmt], help="counters and KPIs of one month")
    s.add_argument("--period", required=True, help="YYYY-MM")
    s.add_argument("--unit", help="unit code (default: all units and the ALL row)")
    s.set_defaults(func=cmd_kpis)

    s = sub.add_parser("imports", parents=[common, fmt], help="the import log")
    s.set_defaults(func=cmd_imports)

    s = sub.add_parser("undo", parents=[common], help="undo an import by its id")
    s.add_argument("import_id", type=int)
    s.set_defaults(func=cmd_undo)

    s = sub.add_parser("flags", parents=[common, fmt], help="rules of the order: flags of one month")
    s.add_argument("--period", required=True, help="YYYY-MM")
    s.set_defaults(func=cmd_flags)

    s = sub.add_parser("rank", parents=[common, fmt], help="service score and rank among peers or units")
    s.add_argument("--period", required=True, help="YYYY-MM")
    s.add_argument("--level", choices=["peers", "units"], default="peers")
    s.set_defaults(func=cmd_rank)

    s = sub.add_parser("users", parents=[common], help="accounts: add, list, remove, passwd")
    us = s.add_subparsers(dest="users_command", required=True)
    a = us.add_parser("add", parents=[common])
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=["admin", "leader", "officer", "unit"])
    a.add_argument("--unit", help="unit code (role unit)")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a.add_argument("--email", help="address for the unit's morning digest")
    a = us.add_parser("list", parents=[common, fmt])
    a = us.add_parser("remove", parents=[common])
    a.add_argument("name")
    a = us.add_parser("unlock", parents=[common], help="lift the sign-in delay of a name (every client)")
    a.add_argument("name")
    a = us.add_parser("email", parents=[common], help="set an account's e-mail (empty: none)")
    a.add_argument("name")
    a.add_argument("address", nargs="?", default="")
    a = us.add_parser("passwd", parents=[common], help="new password from standard input")
    a.add_argument("name")
    s.set_defaults(func=cmd_users)

    s = sub.add_parser("backup", parents=[common], help="consistent copy of the database to PATH")
    s.add_argument("path")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", parents=[common], help="replace the database by the backup at PATH")
    s.add_argument("path")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("export", parents=[common],
                       help="the month's briefing deck (pptx), workbook (xlsx) or printable report (pdf)")
    s.add_argument("--period", required=True, help="YYYY-MM")
    s.add_argument("--format", required=True, choices=["pptx", "xlsx", "pdf"])
    s.add_argument("--out", help="file to write (default: bao-cao-cchc_<place>_<YYYY-MM>.<format>)")
    s.add_argument("--unit", help="one unit's report (its figures and dossiers only)")
    s.add_argument("--lang", choices=["vi", "en"], default="vi")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("demo", parents=[common], help="seed the built-in demo data (idempotent); --remove takes it out")
    s.add_argument("--remove", action="store_true", help="remove every demo file (before the first real import)")
    s.set_defaults(func=cmd_demo)
    return p if built else build_parser()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # the parser of the command the first word names (for help, and a word no command has: all)
    only = argv[0] if argv and not {"-h", "--help"} & set(argv) else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    try:
        profile = load_profile(args.profile)
        return args.func(args, profile)
    except ImportRejected as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except ReformError as exc:
        print(f"{exc.title_vi} / {exc.title_en}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("Đã dừng / interrupted", file=sys.stderr)
        return 130
