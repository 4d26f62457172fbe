"""One entry point for every input file: detect its kind, validate all of it, then write it
in one transaction with a line in the import log. The same file twice changes nothing; an
import can be undone by its id.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import clock
from ..model import counters
from ..store.auth import audit
from ..errors import DemoDataPresent, ImportRejected, InputError, Problem, ProblemList
from ..model.profile import Profile, load_profile
from . import dossiers as dossier_import
from . import guard
from .columns import FileReport
from . import layouts
from .headers import DOSSIER_FIELDS, heads_a_dossier_list, map_dossier_header
from .layouts import NOT_USED, Layout
from .reader import iter_rows, open_source
from .source import Source, Uncomputed, reject, uncomputed_problem
from .digest import digest_soon, sha256_of

KINDS = ("dossiers", "report", "peers", "index", "accounts", "events", "official")
KIND_LABELS = {
    "dossiers": ("Danh sách hồ sơ", "Dossier export"),
    "report": ("Báo cáo Biểu II.06a", "II.06a monthly report"),
    "peers": ("Số liệu các huyện (so sánh)", "Peer districts' figures"),
    "index": ("Chỉ số CCHC hằng năm", "Yearly CCHC index"),
    "accounts": ("Tài khoản DVC được hỗ trợ tạo", "Citizen accounts created with help"),
    "events": ("Sự kiện (ghi chú trên biểu đồ)", "Events (chart annotations)"),
    "official": ("Điểm chính thức Bộ chỉ số 766", "Official Decision 766 scores"),
}
MAX_TABLE_ROWS = 200_000


@dataclass
class ImportResult:
    file_name: str
    kind: str
    rows: int
    periods: list[str]
    units: list[str]
    import_id: int | None = None
    status: str = "imported"           # imported | unchanged | preview
    warnings: list[str] = field(default_factory=list)
    same_as: int | None = None
    # what each column was read as or why it was left out, and what the file cannot give
    report: FileReport | None = None
    # a dry run: the figures the file would give, per period and unit, computed inside the
    # transaction that was then rolled back (a pandas DataFrame; None for other kinds)
    figures: object = None


# rows read past the best heading row found so far, for a second heading row (a group row
# above its sub-headings); reading every row of the head for headings cost 0.1 s an import
HEADER_LOOKAHEAD = 5


def _dossier_header(src: Source, layout: Layout | None = None) -> tuple[int, dict[int, str]] | None:
    best = None
    for i, row in enumerate(src.head):
        if best is not None and i > best[0] + HEADER_LOOKAHEAD and \
                (layout is None or (layout.header_row is not None and i > layout.header_row)):
            break                   # data rows: a better heading row would have come by now
        m = map_dossier_header(row)
        if layout is not None and (layout.header_row == i or layout.matches(row)):
            m = apply_to_dossier_header(layout, row, m)
        # a dossier code, a date and two more fields make a dossier list, even without a
        # received date: the list is then refused naming the missing column and the closest
        # heading
        if heads_a_dossier_list(m):
            if best is None or len(m) > len(best[1]):
                best = (i, m)
    return best


def apply_to_dossier_header(layout: Layout, row: list[object], m: dict[int, str]) -> dict[int, str]:
    """The layout's columns over the automatic reading: a field named, or "-" (left out)."""
    out = dict(m)
    for i, h in enumerate(row):
        target = layout.column(h)
        if target is None:
            continue
        if target == NOT_USED:
            out.pop(i, None)
        elif target in DOSSIER_FIELDS:
            for j, f in list(out.items()):
                if f == target:
                    del out[j]
            out[i] = target
    return dict(sorted(out.items()))


def _prepare(con, path: Path, kind: str | None, display_name: str, profile: Profile, layout: Layout | None = None,
             known: list[Layout] | None = None):
    if kind is not None and kind not in KINDS:
        raise InputError(f"Loại dữ liệu không hợp lệ: {kind} (chọn: {', '.join(KINDS)})",
                         f"Unknown kind {kind} (choose: {', '.join(KINDS)})")
    guard.check(path, display_name)
    src = open_source(path, display_name, kind)
    try:
        if layout is None:
            layout = layouts.find_for(con, src.head, known)
        profile = layouts.learned_profile(con, profile, layout, known)
        try:
            k, summary, parsed = _prepare_source(con, src, kind, display_name, profile, layout)
        except ImportRejected as exc:
            if src.fmt == "xlsx" and kind is None and src.sheet:
                _point_to_other_sheets(exc, path, src.sheet)
            raise
        if layout is not None and summary.get("report") is not None:
            summary["report"].notes.insert(0, (f"Đọc theo mẫu tệp «{layout.name}»",
                                               f"Read with the layout «{layout.name}»"))
        if src.sheet_named and summary.get("report") is not None:
            # a workbook of several sheets: say which one the figures are from, and which were not read
            others = ", ".join(f"«{n}»" for n in src.other_sheets)
            summary["report"].notes.insert(0, (
                f"Đọc trang tính «{src.sheet}»" + (f"; không đọc {others} (mỗi lần nhập đọc một trang: "
                                                   "tách trang đó ra tệp riêng nếu cần)" if others else ""),
                f"Read the sheet «{src.sheet}»" + (f"; not read: {others} (an import reads one sheet: save "
                                                    "that one as a file of its own if needed)" if others else "")))
        return k, summary, parsed
    finally:
        # a refusal's traceback keeps src (the import desk keeps the refusal to show it):
        # not the parsed workbook with it
        src.parsed = None


def _point_to_other_sheets(exc: ImportRejected, path: Path, read: str) -> None:
    """A refused workbook read from one sheet while another heads what the import reads: say
    which, and how to have it read (a kind chosen picks its sheet)."""
    from .xlsx_file import sheets_heading

    for sheet, holds in sheets_heading(path, read):
        if holds == "dossiers":
            vi = f"là danh sách hồ sơ: chọn loại «{KIND_LABELS['dossiers'][0]}» để đọc trang đó"
            en = f"is a dossier list: choose the kind «{KIND_LABELS['dossiers'][1]}» to have it read"
        else:
            vi = "là bảng số liệu: chọn loại của bảng đó (báo cáo, số liệu các huyện…) để đọc trang đó"
            en = "is a table of figures: choose its kind (report, peers' figures…) to have it read"
        # not a problem of the file: the way out, shown above its problems
        exc.hints.append((f"Đã đọc trang tính «{read}»; trang «{sheet}» {vi}",
                          f"The sheet «{read}» was read; «{sheet}» {en}"))


def _prepare_source(con, src: Source, kind: str | None, display_name: str, profile: Profile,
                    layout: Layout | None = None):
    dh = _dossier_header(src, layout) if kind in (None, "dossiers") else None
    if dh is not None:
        hidx, mapping = dh
        width = len(src.head[hidx])
        summary = dossier_import.prepare(con, src, hidx, mapping, width, profile, clock.today(), layout)
        return "dossiers", summary, None
    if kind == "dossiers":
        raise reject(display_name, "Không tìm thấy dòng tiêu đề của danh sách hồ sơ (Mã hồ sơ, Ngày tiếp nhận…)",
                     "No dossier header row found (dossier code, received date…)")
    rows = []
    uncomputed = ProblemList()      # a report's cells are all read: any formula left uncomputed is refused
    for n, r in enumerate(iter_rows(src), start=1):
        for v in r:
            if isinstance(v, Uncomputed):
                uncomputed.add(uncomputed_problem(v, n))
        rows.append(r)
        if len(rows) > MAX_TABLE_ROWS:
            raise reject(display_name, "Bảng quá dài cho một báo cáo", "Too many rows for a report table")
    uncomputed.raise_if_any(display_name)
    from . import tables as table_import    # (not loaded for a dossier list: a tenth of its start)

    parsed = table_import.parse_table(display_name, rows, profile, kind, layout)
    if parsed.kind == "index":
        summary = {"rows": len(parsed.index_rows), "periods": sorted({str(r[2]) for r in parsed.index_rows}),
                   "units": sorted({r[1] for r in parsed.index_rows})}
    elif parsed.kind == "accounts":
        summary = {"rows": len(parsed.account_rows),
                   "periods": sorted({r[2].strftime("%Y-%m") for r in parsed.account_rows}),
                   "units": sorted({r[1] for r in parsed.account_rows})}
    elif parsed.kind == "official":
        summary = {"rows": len(parsed.official_rows),
                   "periods": sorted({r[3].strftime("%Y-%m") for r in parsed.official_rows}),
                   "units": sorted({r[2] for r in parsed.official_rows})}
    elif parsed.kind == "events":
        summary = {"rows": len(parsed.event_rows),
                   "periods": sorted({r[1].strftime("%Y-%m") for r in parsed.event_rows}),
                   "units": sorted({r[2] for r in parsed.event_rows if r[2]})}
    else:
        summary = {"rows": len(parsed.rows),
                   "periods": sorted({r.period.strftime("%Y-%m") for r in parsed.rows}),
                   "units": sorted({r.entity for r in parsed.rows})}
    summary["report"] = parsed.report
    return parsed.kind, summary, parsed


def describe_header(path: str | Path, display_name: str | None = None, kind: str | None = None,
                    layout: Layout | None = None) -> dict:
    """The file's header as the importer reads it, for a person to teach it: which row, and
    per column its heading and what it is read as (None: left out). Where no header is
    recognised, the row with the most filled cells is offered."""
    from .tables import find_table_header

    p = Path(path)
    name = display_name or p.name
    guard.check(p, name)
    src = open_source(p, name, kind)
    src.parsed = None
    head = src.head
    dh = _dossier_header(src, layout) if kind in (None, "dossiers") else None
    if dh is not None:
        idx, m = dh
        cols = [(i, " ".join(str(h).split()), m.get(i)) for i, h in enumerate(head[idx]) if h not in (None, "")]
        return {"kind": "dossiers", "row": idx, "columns": cols, "head": head}
    found = find_table_header(head) if kind != "dossiers" else None
    if found is not None:
        idx, h = found
        cols = [(i, label, h.columns.get(i)) for i, label in sorted(h.labels.items())]
        return {"kind": "table", "row": idx, "columns": cols, "head": head}
    filled = [sum(1 for c in r if c not in (None, "")) for r in head] or [0]
    idx = filled.index(max(filled))
    row = head[idx] if head else []
    cols = [(i, " ".join(str(h).split()), None) for i, h in enumerate(row) if h not in (None, "")]
    return {"kind": None, "row": idx, "columns": cols, "head": head}


def preview(con, path: str | Path, kind: str | None = None, display_name: str | None = None,
            profile: Profile | None = None, layout: Layout | None = None) -> ImportResult:
    """Everything an import does short of writing: kind, periods, units, rows, or the errors."""
    p = Path(path)
    name = display_name or p.name
    try:
        k, summary, parsed = _prepare(con, p, kind, name, profile or load_profile(), layout)
    finally:
        dossier_import.cleanup(con)
    return ImportResult(name, k, summary["rows"], list(summary["periods"]), list(summary["units"]),
                        status="preview", warnings=_warnings(parsed, summary),
                        report=summary.get("report"))


def import_file(con, path: str | Path, kind: str | None = None, user: str | None = None,
                display_name: str | None = None, profile: Profile | None = None,
                is_demo: bool = False, dry_run: bool = False, layout: Layout | None = None) -> ImportResult:
    """Import one file in one transaction. With dry_run, everything is done and the figures
    the file would give are computed, then the transaction is rolled back: nothing is kept."""
    p, name, profile = Path(path), display_name or Path(path).name, profile or load_profile()
    digest = digest_soon(p) if p.is_file() else None
    _, same = _before(con, p, name, is_demo, dry_run, digest, same_file=_seen(con, name))
    if same is not None:
        return same
    try:
        k, summary, parsed = _prepare(con, p, kind, name, profile, layout)
        sha, same = _before(con, p, name, is_demo, dry_run, digest)
        if same is not None:
            return same
        return _write(con, name, sha, k, summary, parsed, profile, user, is_demo, dry_run)
    except duckdb.Error as exc:
        raise _refusal(name, exc) from exc
    finally:
        dossier_import.cleanup(con)


def import_file_apart(db_file, path: str | Path, kind: str | None = None, user: str | None = None,
                      display_name: str | None = None, profile: Profile | None = None, is_demo: bool = False,
                      dry_run: bool = False, layout: Layout | None = None, wait: float | None = None,
                      digest=None) -> ImportResult:
    """The same import, read and checked in a database of its own (in memory; for a large file,
    a file in a folder beside the store: _work_database): the store is opened for a moment before
    (the demo and same-file checks, the saved layouts) and held only for the final write. A
    dashboard serving the store meanwhile answers from it, as it stood, while the file is read
    and checked (most of an import's time)."""
    from ..store import db

    p, name, profile = Path(path), display_name or Path(path).name, profile or load_profile()
    # the file's digest is worked out on another core while the store is opened and checked
    # (hashlib lets go of the GIL): a tenth of a second of a million-row import
    digest = digest or digest_soon(p)
    with db.session(db_file, profile) as con:
        _, same = _before(con, p, name, is_demo, dry_run, digest, same_file=_seen(con, name))
        if same is not None:
            return same
        known = layouts.all_layouts(con)
    import shutil
    import tempfile

    # anything DuckDB must set aside goes to a folder of its own, removed when the import ends
    # (not to ".tmp" in the folder the app or the command runs in); a large file's staged rows
    # beside the store, on the disk that is to hold them anyway (the system's temp folder may
    # be small, or memory: Debian's is a tmpfs)
    size = p.stat().st_size if p.is_file() else 0
    on_disk = size > STAGE_ON_DISK_BYTES
    base = db.db_path(db_file).parent if on_disk else Path(tempfile.gettempdir())
    _sweep(base)
    spill = os.path.join(base, f"{WORK_FOLDER}{os.getpid()}-{os.urandom(4).hex()}")
    os.makedirs(spill)
    try:
        work, home = _work_database(spill, size if on_disk else None)
    except BaseException:
        shutil.rmtree(spill, ignore_errors=True)
        raise
    try:
        try:
            try:
                k, summary, parsed = _prepare(work, p, kind, name, profile, layout, known)
            except duckdb.OutOfMemoryException:
                work.execute("RESET memory_limit")
                k, summary, parsed = _prepare(work, p, kind, name, profile, layout, known)
        except duckdb.Error as exc:
            raise _refusal(name, exc) from exc
        if home == "memory":
            _bound_memory(work)
        else:
            work.execute("RESET checkpoint_threshold")
        db.attach(work, db_file, wait=wait)

        def land() -> ImportResult:
            # the same file may have been imported while this one was read
            sha, same = _before(work, p, name, is_demo, dry_run, digest)
            if same is not None:
                return same
            return _write(work, name, sha, k, summary, parsed, profile, user, is_demo, dry_run)

        try:
            try:
                return land()
            except duckdb.OutOfMemoryException:
                # the room allowed for the write was short (rolled back): once more, unbounded
                work.execute("RESET memory_limit")
                return land()
        except duckdb.Error as exc:
            raise _refusal(name, exc) from exc
        finally:
            try:
                # unbounded again before letting go of the store: its last checkpoint must not
                # run short after the import has landed
                work.execute("RESET memory_limit")
                db.detach(work, home=home)
            except duckdb.Error:
                # the working database is lost (its disk full): closing it lets go of the store
                pass
    finally:
        try:
            if home == "memory":                # (a working database on disk goes whole)
                dossier_import.cleanup(work)
        except duckdb.Error:
            pass
        finally:
            try:
                work.close()
            except duckdb.Error:
                pass
            shutil.rmtree(spill, ignore_errors=True)


# the folder an import reads a file in: WORK_FOLDER<pid>-<8 hex digits>, removed when it ends
WORK_FOLDER = ".reform-import-"


def _sweep(base: Path) -> None:
    """Remove the folders of imports whose process is gone: one killed, or cut off by a power
    failure, leaves its working database (a gigabyte and more for a large file) beside the
    store, where nothing else would ever remove it."""
    import re
    import shutil

    from ..store.db import process_alive

    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        m = re.fullmatch(rf"{re.escape(WORK_FOLDER)}(\d+)-[0-9a-f]{{8}}", name)
        if m and not process_alive(int(m.group(1))):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)


# a file larger than this is staged on disk (_work_database): about 1.5M dossiers
STAGE_ON_DISK_BYTES = 400 << 20
# the memory limit of an import staged on disk, against the size of its file: a bare load of a
# 1.3-1.4 GB CSV into a new database peaks at 0.68-0.83 GB; at half the file's size the import
# peaks at 0.76 GB in the same time as unbounded, at 0.45 it starts setting its work aside on
# disk (0.4 s more at 5M rows)
MEMORY_PER_FILE_BYTE = 0.5
MEMORY_FLOOR_MIB = 512


def _work_database(spill: str, size: int | None) -> tuple[duckdb.DuckDBPyConnection, str]:
    """The database a file is read and checked in, and its catalog's name: in memory, or on
    disk for a file of `size` bytes (None: in memory).

    In memory, the staged rows cost nothing to write but stay whole in memory: 5M dossiers
    (1.3 GB of CSV) peaked at 1.85 GB where the bare load of the file takes 0.8. A larger file
    is staged in a database file of the import's own instead (dossiers.WORK_CATALOG): its rows
    are on disk once written and DuckDB may let go of them, so a memory limit costs little
    (import_memory) — but writing them costs about half a second a million rows more, which a
    file that fits in memory need not pay (docs/performance.md)."""
    if size is None:
        return duckdb.connect(config={"temp_directory": spill}), "memory"
    # no checkpoint while the file is read and checked: one after a large DELETE (the lines set
    # aside, a status or a unit skipped) may renumber the rows, and row_no is the rowid
    work = duckdb.connect(os.path.join(spill, f"{dossier_import.WORK_CATALOG}.duckdb"),
                          config={"temp_directory": spill, "memory_limit": import_memory(size),
                                  "checkpoint_threshold": "1TB"})
    work.execute(f"SET VARIABLE {dossier_import.STAGED_ON_DISK} = TRUE")
    return work, dossier_import.WORK_CATALOG


def import_memory(size: int) -> str:
    """DuckDB's memory limit for a file of `size` bytes staged on disk. By default DuckDB may
    hold 80% of the machine and keeps every block it wrote or read. A write that still runs
    out of room is done again without the limit (import_file_apart)."""
    return f"{max(MEMORY_FLOOR_MIB, int(size * MEMORY_PER_FILE_BYTE) >> 20)}MiB"


# room for the write beyond the staged rows, for a file staged in memory: the store's new
# blocks, the joins with the maps, the set of codes an update replaces (half the staged size
# for large files)
WRITE_ROOM_MIB = 192


def _bound_memory(work) -> None:
    """Limit the import's DuckDB, for a file staged in memory, to the staged rows plus room
    for the write. By default DuckDB may hold up to 80% of the machine and keeps what it wrote
    and read cached: a million-row import peaked at 640 MB where the bare load of its file
    takes 430-590; bounded, 480 MB, in the same time (docs/performance.md). What does not fit
    is set aside on disk; a write that still runs out of room is done again without the bound
    (import_file_apart)."""
    staged = work.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone()[0] >> 20
    work.execute(f"SET memory_limit = '{int(staged + max(WRITE_ROOM_MIB, staged // 2))}MiB'")


def _seen(con, name: str) -> bool:
    """Whether a file of this name was imported. The same file again is told by its digest:
    waiting for it before reading (a tenth of a second for a million rows) pays only then; a
    copy under another name is caught all the same, by the check just before the write (it is
    read and checked first: if the saved layouts changed since, it may be refused instead)."""
    return con.execute("SELECT count(*) FROM imports WHERE file_name = ? AND status = 'active'",
                       [name]).fetchone()[0] > 0


def _before(con, p: Path, name: str, is_demo: bool, dry_run: bool, digest=None, same_file: bool = True):
    """The checks against the store before a file is read: it exists, no demo data under real
    figures, the same file not imported already (unless `same_file` is False: then the digest
    is not asked for and (None, None) is the answer). Returns (digest, result if unchanged).
    `digest` is the file's digest if known, or a function that gives it (digest.digest_soon)."""
    if not p.exists():
        raise InputError(f"Không tìm thấy tệp {p}", f"File not found: {p}")
    if not is_demo and not dry_run:
        demo = con.execute("SELECT count(*) FROM imports WHERE is_demo AND status = 'active'").fetchone()[0]
        if demo:
            # real figures must never be added to the demo's: the demo goes first, on purpose
            raise DemoDataPresent(
                f"Cơ sở dữ liệu đang chứa dữ liệu mẫu ({demo} tệp). Số liệu thật không được nhập lẫn với dữ liệu "
                "mẫu: hãy xóa dữ liệu mẫu trước (trang Nhập dữ liệu, hoặc python -m metrics demo --remove), "
                "hoặc nhập với --replace-demo.",
                f"The database holds the demo data ({demo} files). Real figures are never mixed with it: remove the "
                "demo data first (import page, or python -m metrics demo --remove), or import with --replace-demo.")
    if not same_file:
        return None, None
    digest = digest() if callable(digest) else (digest or sha256_of(p))
    same = con.execute("SELECT id, kind, rows, periods, units FROM imports WHERE sha256 = ? AND status = 'active' "
                       "ORDER BY id DESC LIMIT 1", [digest]).fetchone()
    if same:
        return digest, ImportResult(name, same[1], same[2], (same[3] or "").split(","), (same[4] or "").split(","),
                                    import_id=same[0], status="unchanged", same_as=same[0])
    return digest, None


def _refusal(name: str, exc: Exception) -> ImportRejected:
    # anything DuckDB refuses about the content is a refusal of the file, not a crash
    return ImportRejected(name, [Problem(f"Không nhập được: {exc}".splitlines()[0][:300],
                                         f"Cannot import: {exc}".splitlines()[0][:300])])


def _write(con, name: str, digest: str, k: str, summary: dict, parsed, profile: Profile, user: str | None,
           is_demo: bool, dry_run: bool) -> ImportResult:
    """The import's one transaction: the log line, the rows, the counters (rolled back after
    the figures are computed, for a dry run)."""
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = con.execute("SELECT nextval('import_id_seq')").fetchone()[0]
        warnings = _warnings(parsed, summary)
        con.execute(
            "INSERT INTO imports (id, file_name, sha256, kind, rows, periods, units, imported_at, user_name, "
            "is_demo, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, name, digest, k, summary["rows"], ",".join(summary["periods"]),
             ",".join(summary["units"]), clock.now(), user or _user(), is_demo,
             "\n".join(warnings) or None])
        if k == "dossiers":
            dossier_import.write(con, import_id, summary.get("repeats", True))
            counters.rebuild(con)
        else:
            from . import tables as table_import

            table_import.write(con, parsed, import_id)
        if dry_run:
            figures = _figures(con, k, summary, profile)
            con.execute("ROLLBACK")
            return ImportResult(name, k, summary["rows"], list(summary["periods"]), list(summary["units"]),
                                status="preview", warnings=warnings, report=summary.get("report"), figures=figures)
        audit(con, user or _user(), "import", f"{name}: id {import_id}, {k}, {summary['rows']} rows")
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:        # a dry run's own ROLLBACK had run already
            pass
        raise
    return ImportResult(name, k, summary["rows"], list(summary["periods"]), list(summary["units"]),
                        import_id=import_id, warnings=warnings, report=summary.get("report"))


PREVIEW_COLUMNS = ["received_total", "resolved", "resolved_late", "pending_overdue", "on_time_rate", "progress_766",
                   "online_rate", "online_payment_rate", "satisfaction_rate"]


# the name of a dry run's total row when the file lists some units only (their total, not the
# jurisdiction's): the catalogue's key, put in the reader's language where the figures are shown
FILE_TOTAL = "import_file_total"


def _figures(con, kind: str, summary: dict, profile: Profile):
    """The figures of the file's months and units as they would stand after the import."""
    if kind not in ("dossiers", "report"):
        return None
    import pandas as pd

    from .. import queries

    units = [u for u in summary["units"] if u in profile.unit_codes]
    frames = []
    for period in summary["periods"]:
        m = queries.month(period)
        df = queries.kpi_table(con, m, m, units=units or None, include_total=True, profile=profile)
        if units and set(units) != {u.code for u in profile.current_units()}:
            # the total of a file that lists some units only is theirs, not the jurisdiction's
            df.loc[df.unit_code == "ALL", "unit_name"] = FILE_TOTAL
        df.insert(0, "period", period)
        frames.append(df[["period", "unit_code", "unit_name", *PREVIEW_COLUMNS]])
    return pd.concat(frames, ignore_index=True) if frames else None


def _warnings(parsed, summary: dict) -> list[str]:
    """What the import log keeps of a file's notes: the table's warnings, and the facts the
    column report tells about rows (left out, counted as pending…), in both languages."""
    out = list(getattr(parsed, "warnings", []) or []) if parsed else []
    report = summary.get("report")
    if report is not None:
        out += [f"{vi} / {en}" for vi, en in report.notes]
    return out


def undo_import(con, import_id: int, user: str | None = None) -> dict:
    row = con.execute("SELECT id, kind, status, file_name FROM imports WHERE id = ?", [import_id]).fetchone()
    if row is None:
        raise InputError(f"Không có lần nhập số {import_id}", f"No import with id {import_id}")
    if row[2] != "active":
        raise InputError(f"Lần nhập {import_id} đã được hoàn tác trước đó", f"Import {import_id} was already undone")
    kind = row[1]
    con.execute("BEGIN TRANSACTION")
    try:
        if kind == "dossiers":
            dossier_import.undo(con, import_id)
            counters.rebuild(con)
        else:
            from . import tables as table_import

            table_import.undo(con, kind, import_id)
        con.execute("UPDATE imports SET status = 'undone', undone_at = ? WHERE id = ?", [clock.now(), import_id])
        audit(con, user or _user(), "undo", f"import {import_id} ({row[3]})")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"id": import_id, "kind": kind, "file_name": row[3]}


def list_imports(con):
    return con.execute("""
        SELECT id, file_name, kind, rows, periods, units, imported_at, user_name, status, undone_at,
               is_demo, sha256, warnings
        FROM imports ORDER BY id DESC""").df()


def _user() -> str | None:
    try:
        return os.environ.get("REFORM_USER") or getpass.getuser()
    except Exception:
        return None
