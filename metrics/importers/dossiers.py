"""Dossier exports (domain.md 3.1): one row per dossier, millions of rows at a province.

The file is streamed into a temporary DuckDB table holding only the mapped columns (so
personal data never enters the database), typed and validated there in bulk, and written
in the caller's transaction. Categorical cells (units, channels, yes/no, ratings, fields)
have few distinct values: those are read in Python once each and joined back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain
from operator import itemgetter

import duckdb

from ..errors import ImportRejected, Problem, ProblemList
from ..i18n.fmt import number
from ..i18n import t
from ..model.profile import Profile
from ..i18n.textnorm import key
from .columns import Column, FileReport, column_letter, counters_unknown_without
from .headers import (DOSSIER_FIELDS, DOSSIER_REQUIRED, FALLBACK_FIELDS, clean_heading, dossier_left_out_reason,
                      map_dossier_heading, nearest_headings)
from .reader import iter_rows
from .source import Source, Uncomputed, cell_text, uncomputed_problem
from .values import NUMBERING, RATING_CODES, SHORT_YEAR, TOTAL_WORDS, US_DATE_FORMATS, date_sql, with_century, parse_channel, parse_fee_payment, parse_rating, parse_status, parse_yes_no

YES_NO_FIELDS = ["has_fee", "paid_online", "result_by_post", "digitised", "e_result", "e_certified_copy"]
TEXT_FIELDS = ["procedure_code", "procedure_name", "field", "handler"]
CERTIFICATION_FIELD = "chung thuc"
LAND_FIELD = "dat dai"
LAND_MEDIATION = "hoa giai tranh chap dat dai"

FIELD_LABEL_VI = {f: a[0] for f, a in DOSSIER_FIELDS.items()}


# the catalog of the working database import_file_apart reads a large file into, and the
# variable it sets on that connection: the staged rows are a table there, written to its file
# as they come (DuckDB may drop them from memory once written); anywhere else (the store's own
# connection on the import page, an import read in memory) they are a TEMP table, in memory
WORK_CATALOG = "reform_work"
STAGED_ON_DISK = "reform_staged_on_disk"


def _staged_in(con) -> str:
    """Where stg_raw goes: "" (a table of the working database on disk) or "TEMP "."""
    return "" if con.execute(f"SELECT getvariable('{STAGED_ON_DISK}')").fetchone()[0] else "TEMP "


def _staged_table(con) -> str:
    """stg_raw by its full name, for the views over it: the write runs with the store as the
    default catalog, where a bare name would be looked for."""
    return f"{WORK_CATALOG}.main.stg_raw" if not _staged_in(con) else "temp.main.stg_raw"


def _col(field: str) -> str:
    return f"f_{field}"


def stage(con: duckdb.DuckDBPyConnection, src: Source, header_idx: int, mapping: dict[int, str],
          width: int) -> tuple[int, list[tuple[int, str]], str | None, str | None]:
    """Create TEMP view stg(row_no, f_<field>…) over the file's mapped columns only; returns
    the lines set aside as no dossier (_set_aside), a date that proves the file month first,
    if it is (_date_order), and a date written with a two-digit year, if any (_short_year).

    The date columns are parsed while the file is read (each cell once, by its shape: see
    _hinted_date) and staged as TIMESTAMP; the text of a date cell is kept, as raw_<field>,
    only where it is not a date, for the checks to show. Every later step (the checks, the
    write) reads the typed column: a million date strings are neither held nor parsed again.
    """
    con.execute("DROP VIEW IF EXISTS stg")
    con.execute("DROP VIEW IF EXISTS stg_view_base")
    con.execute("DROP TABLE IF EXISTS stg_raw")
    fields = list(mapping.items())
    if src.fmt == "csv":
        header_line = src.line_of_row[header_idx]
        # physical lines up to and including the header; data rows are numbered after it
        skip = src.line_of_row[header_idx + 1] if header_idx + 1 < len(src.line_of_row) else header_line + 1
        dated = [(i, f) for i, f in fields if f in STAGED_DATES]
        sample = _csv_date_sample(src, header_idx, dated, width) if dated else {}
        hints, proof = _date_hints(con, sample) if dated else ({}, None)
        short = _short_year(sample)
        names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        select = ", ".join(f"{_trimmed(f'c{i}')} AS {_col(f)}" for i, f in fields)
        base = (f"FROM read_csv(?, auto_detect=false, header=false, skip={int(skip)}, "
                f"delim=?, quote='\"', escape='\"', encoding=?, null_padding=true, "
                f"strict_mode=true, columns={{{names}}}{{parallel}})")
        sql = f"CREATE {_staged_in(con)}TABLE stg_raw AS {_typed_dates(f'SELECT {select} {base}', dated, hints)}"
        params = [str(src.path), src.delimiter, src.encoding]
        try:
            con.execute(sql.replace("{parallel}", ""), params)
        except (duckdb.OutOfMemoryException, duckdb.InterruptException, duckdb.TransactionException):
            # not the file's fault (too little memory, a full disk): said as it is; the caller
            # tries once more without the memory limit
            raise
        except duckdb.Error as exc:
            if "parallel=false" in str(exc):
                con.execute(sql.replace("{parallel}", ", parallel=false"), params)
            else:
                raise _csv_error(src, exc) from exc
        # rows keep their file order in the table (insertion order), so the rowid gives the
        # row number a person sees in the file without a costly window over a million rows
        con.execute(f"CREATE TEMP VIEW stg_view_base AS SELECT rowid + {int(skip) + 1} AS row_no, * "
                    f"FROM {_staged_table(con)}")
    else:
        first, proof, short = _stage_rows(con, src, header_idx, fields)
        con.execute(f"CREATE TEMP VIEW stg_view_base AS SELECT rowid + {int(first)} AS row_no, * "
                    f"FROM {_staged_table(con)}")
    con.execute("CREATE TEMP VIEW stg AS SELECT * FROM stg_view_base")
    first_row = int(skip) + 1 if src.fmt == "csv" else int(first)
    return (*_set_aside(con, [f for _, f in fields], first_row), proof, short)


# what a list's closing lines begin with in the code column (accents stripped, lower case): a
# total, as the report importer reads one (tables._is_total: "Tổng cộng: 20.000 hồ sơ", "Cộng",
# "Toàn huyện"), a signature ("Người lập biểu"); or the date it was drawn up, anywhere in the
# line ("Tuy Phước, ngày 05 tháng 01 năm 2023", "…, ngày 05/01/2023")
_SIGNED = r"nguoi lap|lap bieu|thu truong|ghi chu|xac nhan|ky ten|ky,|ky ghi ro"
FOOTER_TEXT = rf"^[^a-z0-9]*({'|'.join(TOTAL_WORDS)}|{_SIGNED})([^a-z0-9]|$)|ngay \d{{1,2}}( thang|/)"
# in the unit column, where "Công an xã" is a unit: signatures and the date of the list only
SIGNATURE_TEXT = rf"^[^a-z0-9]*({_SIGNED})([^a-z0-9]|$)|ngay \d{{1,2}}( thang|/)"


def _set_aside(con, fields: list[str], first_row: int) -> tuple[int, list[tuple[int, str]]]:
    """Drop the rows that are no dossier, and say how many and which: blank lines, and the
    lines after a list (a total, the place and date, signatures) — no code, unit or date; or,
    with no date, a code cell (no unit) or a unit cell (no code) that reads as such a line
    ("NGƯỜI LẬP BIỂU" under the unit column). Returns (rows with some text, up to three of them
    as (row, text)); blank lines need no word."""
    present = [f for f in fields if f in ("dossier_code", "unit", "received_at")]
    if not present:
        return 0, []
    cond = " AND ".join(_blank(f) for f in present)
    dates = [_blank(f) for f in STAGED_DATES if f in fields]

    def says(field: str, pattern: str) -> str:
        cell = f"raw_{field}" if field in STAGED_DATES else _col(field)
        return f"regexp_matches(lower(strip_accents({cell})), '{pattern}')"

    def reads_as_footer(field: str) -> str:
        return says(field, FOOTER_TEXT if field == "dossier_code" else SIGNATURE_TEXT)

    # a date cell of a signature line may hold a signature too ("THỦ TRƯỞNG ĐƠN VỊ" under the
    # due date, "(Ký, ghi rõ họ tên)" under each name)
    signed_dates = [f"({_blank(f)} OR ({_col(f)} IS NULL AND {says(f, SIGNATURE_TEXT)}))"
                    for f in STAGED_DATES if f in fields]
    for said, other in (("dossier_code", "unit"), ("unit", "dossier_code")):
        if said in fields and dates:
            rest = [*signed_dates, _blank(other)] if other in fields else signed_dates
            cond = f"({cond}) OR ({' AND '.join(rest)} AND {reads_as_footer(said)})"
    ids = [_blank(f) for f in ("dossier_code", "unit") if f in fields]
    if ids and dates:
        # a total line: no code, no unit, and only counts in its date columns ("8" under the
        # received date, "Tổng cộng" in the row-number column, which is not read)
        counts = [f"({_blank(f)} OR ({_col(f)} IS NULL AND regexp_full_match(raw_{f}, '[0-9][0-9.,]*')))"
                  for f in STAGED_DATES if f in fields]
        cond = f"({cond}) OR ({' AND '.join(ids + counts)})"
    # the line that numbers the columns under the headings ("(1)", "(2)"… or 1, 2…), as the
    # official forms print it (tables reads it the same way): the first line only, every cell
    # such a number or blank, three of them at least
    cells_ = list(dict.fromkeys(fields))
    numbered = " AND ".join(f"({_blank(f)} OR {says(f, NUMBERING)})" for f in cells_)
    numbered += " AND " + " + ".join(f"CASE WHEN {_blank(f)} THEN 0 ELSE 1 END" for f in cells_) + " >= 3"
    # (the first line: first_row in the view, rowid 0 in the staged table the DELETE reads —
    # nothing was deleted from it yet)
    on_view = f"({cond}) OR (row_no = {int(first_row)} AND {numbered})"
    cells = [f"raw_{f}" if f in STAGED_DATES else _col(f) for f in dict.fromkeys(fields)]
    text = f"concat_ws(' · ', {', '.join(cells)})"
    n = con.execute(f"SELECT count(*) FILTER (WHERE {text} <> ''), count(*) FROM stg WHERE {on_view}").fetchone()
    if not n[1]:
        return 0, []
    shown = con.execute(f"SELECT row_no, {text} FROM stg WHERE ({on_view}) AND {text} <> '' ORDER BY row_no "
                        "LIMIT 3").fetchall() if n[0] else []
    con.execute(f"DELETE FROM stg_raw WHERE ({cond}) OR (rowid = 0 AND {numbered})")
    return n[0], shown


# the date columns staged as TIMESTAMP (apology_sent holds yes/no or a date: it is mapped
# per distinct value like the other categorical cells)
STAGED_DATES = ("received_at", "due_at", "finished_at")


def _blank(field: str, alias: str = "") -> str:
    """SQL: the staged cell of `field` was blank (a date column's typed value is NULL both for
    a blank cell and for one that is not a date; only the latter keeps its text)."""
    if field in STAGED_DATES:
        return f"({alias}{_col(field)} IS NULL AND {alias}raw_{field} IS NULL)"
    return f"{alias}{_col(field)} IS NULL"


def _typed_dates(select: str, dated: list[tuple[int, str]], hints: dict[str, "DatePlan"]) -> str:
    """`select` (text columns f_<field>) with its date columns parsed: f_<field> TIMESTAMP, and
    raw_<field> the cell's text where it is not a date (NULL otherwise)."""
    if not dated:
        return select
    parsed = ", ".join(f"{_hinted_date(f, hints)} AS p_{f}" for _, f in dated)
    # a year written with two digits ("02/08/22"), which strptime reads as the year 22, is
    # this century's (said in a note: _short_year); any other year before 1900 is no date
    centred = ", ".join(f"{with_century(f'p_{f}', _col(f))} AS d_{f}" for _, f in dated)
    raw_years = ", ".join(f"p_{f}" for _, f in dated)
    drop = ", ".join(f"d_{f}" for _, f in dated)
    typed = ", ".join(f"d_{f} AS {_col(f)}" for _, f in dated)
    raws = ", ".join(f"CASE WHEN d_{f} IS NULL THEN {_col(f)} END AS raw_{f}" for _, f in dated)
    return (f"SELECT * EXCLUDE ({drop}) REPLACE ({typed}), {raws} FROM "
            f"(SELECT * EXCLUDE ({raw_years}), {centred} FROM (SELECT *, {parsed} FROM ({select})))")


def _csv_date_sample(src: Source, header_idx: int, dated: list[tuple[int, str]], width: int,
                     blocks: int = 32, block_bytes: int = 1 << 16) -> dict[str, list[str]]:
    """A few thousand cells of each date column, from the rows under the header and from blocks
    spread over the whole file (read in Python, a few milliseconds): the shapes _date_hints
    plans for. A block may start inside a quoted cell; rows of the wrong width are skipped, and
    a stray value only costs a shape that no format reads (its cells take the full list)."""
    import csv
    import io
    import os

    out: dict[str, list[str]] = {f: [] for _, f in dated}

    def take(row: list, whole: bool = True) -> None:
        if whole and len(row) != width:
            return
        for i, f in dated:
            v = row[i] if i < len(row) else None
            if isinstance(v, str) and v.strip():
                out[f].append(v.strip())

    for row in src.head[header_idx + 1:]:
        take([None if v is None else str(v) for v in row], whole=False)
    enc = (src.encoding or "utf-8").lower().replace("_", "-")
    if enc not in ("utf-8", "utf8", "utf-8-sig", "latin-1", "latin1", "iso-8859-1", "cp1252", "windows-1252"):
        return out                      # multi-byte units (utf-16): an offset may split one
    size = os.path.getsize(src.path)
    with open(src.path, "rb") as fh:
        for k in range(blocks):
            fh.seek(size * k // blocks)
            chunk = fh.read(block_bytes).decode(enc if enc != "utf-8-sig" else "utf-8", errors="replace")
            lines = chunk.split("\n")[1:-1]          # the first and last lines are cut
            try:
                for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=src.delimiter or ","):
                    take(row)
            except csv.Error:
                continue
    return out


def _trimmed(c: str) -> str:
    """SQL: nullif(trim(c), '') — DuckDB's trim copies every string it is given; most cells have
    no space to trim, and a test of their first and last character costs a fraction of that
    (a quarter of the staging of a million rows)."""
    return f"CASE WHEN {c} = '' OR prefix({c}, ' ') OR suffix({c}, ' ') THEN nullif(trim({c}), '') ELSE {c} END"


def _csv_error(src: Source, exc: Exception) -> ImportRejected:
    msg = str(exc)
    line = None
    import re

    m = re.search(r"Line: (\d+)", msg)
    if m:
        line = int(m.group(1))
    first = msg.splitlines()[0][:200]
    if "Expected Number of Columns" in msg:
        return ImportRejected(src.display_name, [Problem(
            "Dòng có nhiều cột hơn dòng tiêu đề", "A row has more columns than the header", row=line)])
    if "unicode" in msg.lower() or "encoding" in msg.lower():
        return ImportRejected(src.display_name, [Problem(
            "Tệp có ký tự không đọc được (bảng mã)", "Characters that do not decode (encoding)", row=line)])
    return ImportRejected(src.display_name, [Problem(
        f"Tệp CSV không đọc được: {first}", f"Cannot read the CSV: {first}", row=line)])


DATE_FIELDS = ("received_at", "due_at", "finished_at", "apology_sent")
DAYS_1900_TO_1904 = 1462


# what Python's str.strip() takes off a cell, for DuckDB's trim (which takes spaces only by
# default): a workbook's cells carry tabs, line breaks and no-break spaces pasted from the web
_WHITESPACE = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
# the same characters as an RE2 class (checked equal to str.isspace over the BMP's first 12,544)
_SPACE_CLASS = r"[\s\pZ\x0b\x1c-\x1f\x85]"
# cells of these types are written by csv.writer as DuckDB reads them (str() of a datetime is
# its ISO form); a float (a whole one is written "12.0"), a bool or a formula without its value
# goes through cell_text
_AS_WRITTEN = frozenset({str, type(None), datetime, date, time})


def _stage_rows(con, src: Source, header_idx: int, fields: list[tuple[int, str]]) -> tuple[int, str | None, str | None]:
    """A workbook's or an HTML page's rows, read in Python, into stg_raw; returns the sheet's
    number of the first data row (the rows keep their order: row_no is the rowid after it) and
    a date that proves the file month first, if it is, and one written with a two-digit year.

    Handed to DuckDB as a temporary CSV (an Arrow table, and pyarrow's writers, would load
    pandas: half a second of a 100,000-row import for nothing). When every mapped column holds
    text, dates and blanks only (most sheets), the rows go to the CSV writer as they are, each
    picked in C by one itemgetter, and DuckDB trims the cells: no Python-level pass over the
    cells at all. Otherwise each mapped column is converted by one comprehension."""
    import csv
    import os
    import tempfile

    rows = list(iter_rows(src))[header_idx + 1:]
    first = header_idx + 2                       # the sheet's number of the first data row
    width = max((i for i, _ in fields), default=0) + 1
    short = [k for k, r in enumerate(rows) if len(r) < width]
    for k in short:
        rows[k] = list(rows[k]) + [None] * (width - len(rows[k]))
    idx = [i for i, _ in fields]
    names = [_col(f) for _, f in fields]
    # a date written as a bare serial number (not a date cell, which calamine reads right) in
    # a workbook that counts from 1904 is 1,462 days later than date_sql's 1899 count says
    shift = {f for _, f in fields if f in DATE_FIELDS} if src.date1904 else set()
    pick = itemgetter(*idx) if len(idx) > 1 else (lambda r, i=idx[0]: (r[i],))
    picked = list(map(pick, rows))
    step = max(1, len(rows) // SAMPLE_CELLS)
    if not src.has_uncomputed and set(map(type, chain.from_iterable(picked))) <= _AS_WRITTEN:
        out_rows = picked
        sample = {f: [str(r[k]).strip() for r in picked[::step] if r[k] is not None and str(r[k]).strip()]
                  for k, (_, f) in enumerate(fields) if f in STAGED_DATES}
    else:
        cols = _converted_columns(src, header_idx, rows, fields, shift, first)
        out_rows = zip(*cols)
        sample = {f: [v for v in col[::step] if v] for (_, f), col in zip(fields, cols) if f in STAGED_DATES}
    dated = [(i, f) for i, f in fields if f in STAGED_DATES]
    hints, proof = _date_hints(con, sample)
    short = _short_year(sample)
    fd, tmp = tempfile.mkstemp(prefix="reform-stage-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            # \r\n: Python's writer then quotes a cell holding a lone \r (a cell saved as _x000D_
            # by .NET exporters), which DuckDB would otherwise read as the end of the row
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(names)
            w.writerows(out_rows)
        del rows, picked
        spec = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
        # (a trim with a set of characters is slow in DuckDB: only for the cells that need it)
        trimmed = ", ".join(f"CASE WHEN regexp_matches({n}, '^{_SPACE_CLASS}|{_SPACE_CLASS}$') "
                            f"THEN nullif(trim({n}, '{_WHITESPACE}'), '') ELSE nullif({n}, '') END AS {n}"
                            for n in names)
        select = (f"SELECT {trimmed} FROM read_csv(?, header=true, auto_detect=false, columns={{{spec}}}, "
                  f"delim=',', quote='\"', escape='\"', nullstr='', strict_mode=true)")
        con.execute(f"CREATE {_staged_in(con)}TABLE stg_raw AS {_typed_dates(select, dated, hints)}", [tmp])
    finally:
        os.unlink(tmp)
    return first, proof, short


def _converted_columns(src: Source, header_idx: int, rows: list, fields: list[tuple[int, str]], shift: set,
                       first: int) -> list[list]:
    """Each mapped column as the text DuckDB reads (cell_text), one comprehension per column;
    formulas saved without their value are refused, listed."""
    uncomputed = ProblemList()      # formulas without a value in a column the import uses
    cols = []
    for i, f in fields:
        col = list(map(itemgetter(i), rows))
        if f in shift:
            col = [v + DAYS_1900_TO_1904 if type(v) in (int, float) else v for v in col]
        # text cells are most cells; the rest (dates, numbers, a formula without its value)
        # go through _text_or_none
        cols.append([(v.strip() or None) if type(v) is str else (None if v is None else _text_or_none(v))
                     for v in col])
        if src.has_uncomputed and any(type(v) is Uncomputed for v in col):
            head = src.head[header_idx]
            for k, v in enumerate(col):
                if type(v) is Uncomputed:
                    uncomputed.add(uncomputed_problem(v, first + k, str(head[i]) if i < len(head) else f))
    uncomputed.raise_if_any(src.display_name)
    return cols


def _text_or_none(v) -> str | None:
    t = cell_text(v)
    if t is None:
        return None
    t = t.strip()
    return t or None


# --- mapping categorical values --------------------------------------------------------
def _distinct(con, field: str) -> list[str]:
    return [r[0] for r in con.execute(f"SELECT DISTINCT {_col(field)} FROM stg WHERE {_col(field)} IS NOT NULL").fetchall()]


def _first_rows(con, field: str, value: str, n: int = 5) -> list[int]:
    return [r[0] for r in con.execute(
        f"SELECT row_no FROM stg WHERE {_col(field)} = ? ORDER BY row_no LIMIT {n}", [value]).fetchall()]


def _count_rows(con, field: str, value: str) -> int:
    return con.execute(f"SELECT count(*) FROM stg WHERE {_col(field)} = ?", [value]).fetchone()[0]


def _map_table(con, name: str, pairs: list[tuple], types: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"CREATE TEMP TABLE {name} ({types})")
    if pairs:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in pairs[0])})", pairs)


def _report_value(con, problems: ProblemList, field: str, header: str, value: str, vi: str, en: str,
                  exp_vi: str, exp_en: str, learn: tuple | None = None) -> None:
    rows = _first_rows(con, field, value)
    total = _count_rows(con, field, value)
    for r in rows:
        problems.add(Problem(vi, en, row=r, column=header, value=value, expected_vi=exp_vi, expected_en=exp_en,
                             learn=learn))
    # the remaining rows with the same value count as errors without being listed
    problems.total += max(0, total - len(rows))


def build_maps(con, profile: Profile, present: set[str], headers: dict[str, str],
               problems: ProblemList, layout=None, month_first: bool = False) -> None:
    def taught(field: str, raw: object) -> str | None:
        return layout.value(field, raw) if layout is not None else None

    # units
    pairs = []
    for raw in _distinct(con, "unit"):
        u = profile.match_unit(raw)
        if u is None:
            sugg = ", ".join(profile.suggest_units(raw))
            _report_value(con, problems, "unit", headers["unit"], raw,
                          f"Đơn vị không có trong danh mục; gần nhất: {sugg}",
                          f"Unknown unit; closest known: {sugg}",
                          "tên hoặc mã một đơn vị của hồ sơ cấu hình", "a unit name or code of the profile",
                          learn=("unit", raw))
        else:
            pairs.append((raw, u.code))
    _map_table(con, "map_unit", pairs, "raw VARCHAR, code VARCHAR")

    if "channel" in present:
        pairs = []
        for raw in _distinct(con, "channel"):
            ch = int(taught("channel", raw)) if taught("channel", raw) else parse_channel(raw)
            if ch is None:
                _report_value(con, problems, "channel", headers["channel"], raw,
                              "Kênh nộp không đọc được", "Unreadable channel",
                              "1/Trực tiếp, 2/Trực tuyến, 3/Bưu chính (BCCI)",
                              "1/in person, 2/online, 3/post (BCCI)", learn=("value", "channel", raw))
            else:
                pairs.append((raw, ch))
        _map_table(con, "map_channel", pairs, "raw VARCHAR, v TINYINT")

    for f in YES_NO_FIELDS:
        if f not in present:
            continue
        pairs = []
        for raw in _distinct(con, f):
            said = taught(f, raw)
            v = (said == "yes") if said else parse_yes_no(raw, allow_code_2=(f == "paid_online"))
            if v is None:
                _report_value(con, problems, f, headers[f], raw, "Giá trị có/không không đọc được",
                              "Unreadable yes/no value", "x, có, 1, đã / trống, 0, không, chưa",
                              "x, yes, 1 / blank, 0, no", learn=("value", f, raw))
            else:
                pairs.append((raw, v))
        _map_table(con, f"map_{f}", pairs, "raw VARCHAR, v BOOLEAN")

    if "fee_payment" in present:
        pairs = []
        for raw in _distinct(con, "fee_payment"):
            said = taught("fee_payment", raw)
            v = parse_fee_payment(said, taught=True) if said else parse_fee_payment(raw)
            if v is None:
                _report_value(con, problems, "fee_payment", headers["fee_payment"], raw,
                              "Tình trạng thanh toán không đọc được", "Unreadable fee state",
                              "1 hoặc 2 (đã thanh toán trực tuyến), 0 hoặc 3 (chưa thanh toán trực tuyến), "
                              "«Không có phí», «Chưa thanh toán»", "1 or 2 (paid online), 0 or 3 (not paid "
                              "online), «Không có phí» (no fee), «Chưa thanh toán» (not paid)",
                              learn=("value", "fee_payment", raw))
            else:
                pairs.append((raw, v[0], v[1]))
        _map_table(con, "map_fee_payment", pairs, "raw VARCHAR, has_fee BOOLEAN, paid BOOLEAN")

    if "apology_sent" in present:
        # a yes/no token, or the date the letter was sent
        pairs = []
        for raw in _distinct(con, "apology_sent"):
            v = parse_yes_no(raw)
            if v is not None:
                pairs.append((raw, v))
        _map_table(con, "map_apology_yn", pairs, "raw VARCHAR, v BOOLEAN")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE map_apology AS
            SELECT raw, v, {with_century('p', 'raw')} AS at FROM (
                SELECT a.raw, m.v, {date_sql('a.raw', US_DATE_FORMATS if month_first else None)} AS p
                FROM (SELECT DISTINCT {_col('apology_sent')} AS raw FROM stg
                      WHERE {_col('apology_sent')} IS NOT NULL) a
                LEFT JOIN map_apology_yn m ON m.raw = a.raw)""")

    if "rating" in present:
        pairs = []
        for raw in _distinct(con, "rating"):
            said = taught("rating", raw)
            ok, v = (True, None if said == "none" else said) if said else parse_rating(raw)
            if not ok:
                _report_value(con, problems, "rating", headers["rating"], raw, "Mức đánh giá không đọc được",
                              "Unreadable rating", "Rất hài lòng, Hài lòng, Bình thường, Không hài lòng (hoặc mã 1, 2, 3) "
                              "hoặc để trống", "Very satisfied, Satisfied, Neutral, Dissatisfied (or codes 1, 2, 3) "
                              "or blank", learn=("value", "rating", raw))
            else:
                pairs.append((raw, v or ""))
        _map_table(con, "map_rating", pairs, "raw VARCHAR, v VARCHAR")

    # field and procedure decide the certification and land-at-commune counters; an export
    # without a field column cannot tell them (NULL: the counters are unknown, not 0)
    has_field, has_proc = "field" in present, "procedure_name" in present
    fsel = _col("field") if has_field else "NULL"
    psel = _col("procedure_name") if has_proc else "NULL"
    kinds = con.execute(f"SELECT DISTINCT {fsel}, {psel} FROM stg").fetchall()
    pairs = []
    for fv, pv in kinds:
        fk, pk = key(fv), key(pv)
        is_cert = CERTIFICATION_FIELD in fk if has_field else None
        is_land = LAND_FIELD in fk if has_field else None
        is_med = LAND_MEDIATION in pk if has_proc else None
        pairs.append((fv or "", pv or "", is_cert, is_land, is_med))
    _map_table(con, "map_kind", pairs,
               "f VARCHAR, p VARCHAR, is_cert BOOLEAN, is_land BOOLEAN, is_med BOOLEAN")


def _hinted_date(field: str, hints: dict[str, "DatePlan"] | None) -> str:
    """The date of a cell, parsed by its shape: each shape seen in the column (where digits and
    separators sit: '99/99/9999 99:99') is read with the one format that reads it, found once
    on a sample (_date_hints); anything else falls back to the whole list (date_sql).

    Real files mix three or four formats in one column; trying the list on every cell was
    most of an import's time. A shape costs a length and a few one-character comparisons.
    The formats come from DATE_FORMATS and the separators from the sample's shapes, checked to
    be one of a few characters: nothing of the file's text goes into the SQL.
    """
    c = _col(field)
    plan = (hints or {}).get(field)
    full = date_sql(c, plan.formats if plan else None)
    if not plan or not plan.shapes:
        return full
    # (no trim: every staged cell is trimmed already, by DuckDB's trim for a CSV and by
    # Python's strip, which removes all the same spaces and more, for a workbook)
    whens = []
    for shape, fmt in plan.shapes:
        conds = [f"length({c}) = {len(shape)}"]
        conds += [f"substr({c}, {i + 1}, 1) = '{ch}'" for i, ch in enumerate(shape) if ch != "9"]
        whens.append(f"WHEN {' AND '.join(conds)} THEN coalesce(try_strptime({c}, '{fmt}'), {full})")
    return f"CASE WHEN {c} IS NULL THEN NULL {' '.join(whens)} ELSE {full} END"


# map_apology holds every distinct apology cell with its yes/no reading (v) and the date it
# denotes (at), so the costly date parsing runs once per distinct value, not once per row
APOLOGY_SQL = ("CASE WHEN s.f_apology_sent IS NULL THEN FALSE WHEN ma.v IS NOT NULL THEN ma.v "
               "WHEN ma.at IS NOT NULL THEN TRUE ELSE NULL END")


def typed_sql(present: set[str], only: set[str] | None = None) -> str:
    """SELECT of the typed rows over stg. With `only`, just those output columns and the
    joins they need (the checks read a few columns of a million rows: no need to join the
    other maps for them)."""
    def opt(f: str, expr: str, default: str = "NULL") -> str:
        return expr if f in present else default

    # (output column, expression, alias of the map it reads or None)
    cols: list[tuple[str, str, str | None]] = [
        ("row_no", "s.row_no", None),
        ("dossier_code", _col("dossier_code"), None),
        ("unit_code", "mu.code", "mu"),
        *[(f, opt(f, _col(f)), None) for f in TEXT_FIELDS],
        ("channel", opt("channel", "mc.v"), "mc" if "channel" in present else None),
        *[(f, opt(f, f"s.{_col(f)}"), None) for f in STAGED_DATES],
        # a blank yes/no cell is "no"; a missing column is unknown (NULL)
        *[(f, opt(f, f"coalesce(m_{f}.v, FALSE)"), f"m_{f}" if f in present else None) for f in YES_NO_FIELDS],
        # the apology cell is yes/no or the date it was sent; anything else is unreadable (NULL)
        ("apology_sent", opt("apology_sent", APOLOGY_SQL), "ma" if "apology_sent" in present else None),
        ("apology_at", opt("apology_sent", "ma.at"), "ma" if "apology_sent" in present else None),
        ("rating", opt("rating", "coalesce(mr.v, " + chr(39) * 2 + ")"), "mr" if "rating" in present else None),
        # NULL (unknown) where the export has no field / procedure column (map_kind)
        ("is_certification", "mk.is_cert", "mk"),
        ("is_land", "mk.is_land", "mk"),
        ("is_land_mediation", "mk.is_med", "mk"),
    ]
    # the cell's text where it is not a date (staged as raw_<field>), for the checks to show
    cols += [(f"raw_{f}", f"s.raw_{f}" if f in STAGED_DATES else f"s.{_col(f)}", None)
             for f in ("dossier_code", "unit", *STAGED_DATES, "apology_sent") if f in present]
    if "fee_payment" in present:
        # the coded fee state gives both flags, unless the export has their own columns too
        # has_fee NULL (unknown) for a code that does not say; a blank cell is not paid online
        coded = {"has_fee": "mfp.has_fee", "paid_online": "coalesce(mfp.paid, FALSE)"}
        cols = [(n, coded[n], "mfp") if n in coded and n not in present else (n, e, a) for n, e, a in cols]
    if only is not None:
        cols = [c for c in cols if c[0] in only]
    needed = {c[2] for c in cols if c[2]}
    joins = {"mu": "LEFT JOIN map_unit mu ON mu.raw = s.f_unit"}
    if "channel" in present:
        joins["mc"] = "LEFT JOIN map_channel mc ON mc.raw = s.f_channel"
    for f in YES_NO_FIELDS:
        if f in present:
            joins[f"m_{f}"] = f"LEFT JOIN map_{f} m_{f} ON m_{f}.raw = s.{_col(f)}"
    if "fee_payment" in present:
        joins["mfp"] = "LEFT JOIN map_fee_payment mfp ON mfp.raw = s.f_fee_payment"
    if "apology_sent" in present:
        joins["ma"] = "LEFT JOIN map_apology ma ON ma.raw = s.f_apology_sent"
    if "rating" in present:
        joins["mr"] = "LEFT JOIN map_rating mr ON mr.raw = s.f_rating"
    fsel = "coalesce(s.f_field, '')" if "field" in present else "''"
    psel = "coalesce(s.f_procedure_name, '')" if "procedure_name" in present else "''"
    joins["mk"] = f"LEFT JOIN map_kind mk ON mk.f = {fsel} AND mk.p = {psel}"
    select = ", ".join(f"{expr} AS {name}" for name, expr, _ in cols)
    return f"SELECT {select} FROM stg s {' '.join(j for a, j in joins.items() if a in needed)}"


CHECKS = [
    # (sql predicate on typed, column field, message vi, en, expected vi, en)
    # (a unit written but not known is listed by build_maps, once per spelling)
    ("raw_unit IS NULL", "unit", "Thiếu đơn vị", "Missing unit", "tên hoặc mã một đơn vị", "a unit's name or code"),
    ("received_at IS NULL AND raw_received_at IS NULL", "received_at", "Thiếu ngày tiếp nhận",
     "Missing received date", "một ngày", "a date"),
    ("received_at IS NULL AND raw_received_at IS NOT NULL", "received_at", "Ngày không hợp lệ",
     "Not a valid date", "dd/mm/yyyy [HH:MM[:SS]] hoặc yyyy-mm-dd", "dd/mm/yyyy [HH:MM[:SS]] or yyyy-mm-dd"),
    ("due_at IS NULL AND raw_due_at IS NULL", "due_at", "Thiếu ngày hẹn trả", "Missing due date",
     "một ngày", "a date"),
    ("due_at IS NULL AND raw_due_at IS NOT NULL", "due_at", "Ngày không hợp lệ", "Not a valid date",
     "dd/mm/yyyy [HH:MM[:SS]] hoặc yyyy-mm-dd", "dd/mm/yyyy [HH:MM[:SS]] or yyyy-mm-dd"),
    ("finished_at IS NULL AND raw_finished_at IS NOT NULL", "finished_at", "Ngày không hợp lệ",
     "Not a valid date", "dd/mm/yyyy [HH:MM[:SS]], yyyy-mm-dd hoặc để trống nếu chưa xong",
     "dd/mm/yyyy [HH:MM[:SS]], yyyy-mm-dd or blank while pending"),
    ("CAST(due_at AS DATE) < CAST(received_at AS DATE)", "due_at", "Ngày hẹn trả trước ngày tiếp nhận",
     "Due date before the received date", "không sớm hơn ngày tiếp nhận", "not before the received date"),
    ("CAST(finished_at AS DATE) < CAST(received_at AS DATE)", "finished_at",
     "Ngày kết thúc trước ngày tiếp nhận", "Finished before it was received",
     "không sớm hơn ngày tiếp nhận", "not before the received date"),
    ("CAST(received_at AS DATE) > $today", "received_at", "Ngày tiếp nhận ở tương lai",
     "Received date in the future", "không muộn hơn hôm nay", "not after today"),
    ("CAST(finished_at AS DATE) > $today", "finished_at", "Ngày kết thúc ở tương lai",
     "Finished date in the future", "không muộn hơn hôm nay", "not after today"),
    ("apology_sent IS NULL AND raw_apology_sent IS NOT NULL", "apology_sent",
     "Giá trị xin lỗi không đọc được", "Unreadable apology value", "có/không hoặc ngày gửi",
     "yes/no or the date it was sent"),
]


_SHAPE_STRIP = "9/-.: ,TAPMapm"       # (AM/PM: "8/25/2022 2:30:00 PM")
_DIGITS_TO_9 = str.maketrans("0123456789", "9" * 10)


def _shape(v: str) -> str | None:
    """Where digits and separators sit in a date cell; None if it holds anything else."""
    out = v.translate(_DIGITS_TO_9)
    return out if len(out) <= 26 and not out.strip(_SHAPE_STRIP) else None


SAMPLE_CELLS = 3000
PER_SHAPE = 300


@dataclass
class DatePlan:
    """How a date column is read: its shapes, each with the one format that reads it, and the
    list for any other cell (the file's day-month order)."""
    shapes: list[tuple[str, str]]
    formats: list[str]


# (a two-digit year too: "8/25/22 2:30 PM" proves the order as well as "8/25/2022")
_LEADING_PAIR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2}(?!\d))")


# distinct dates whose second part is over 12 that prove a file month first: one is a typo
MONTH_FIRST_PROOF = 3


def _date_order(samples: dict[str, list[str]]) -> tuple[list[str], str | None]:
    """The file's formats: day first, unless its cells prove month first — second parts over
    12 in MONTH_FIRST_PROOF distinct dates or more, and no first part over 12, over all its date
    columns together (one system writes them all one way; ambiguous dates prove nothing).
    Returns (formats, a proving date when month first)."""
    from .values import DATE_FORMATS, US_DATE_FORMATS

    day_over, month_over = False, set()
    for sample in samples.values():
        for v in sample:
            m = _LEADING_PAIR.match(v)
            if m:
                day_over = day_over or int(m[1]) > 12
                if int(m[2]) > 12:
                    month_over.add(m[0])
    if len(month_over) >= MONTH_FIRST_PROOF and not day_over:
        return US_DATE_FORMATS, min(month_over)
    return DATE_FORMATS, None


_SHORT_YEAR = re.compile(SHORT_YEAR)


def _short_year(samples: dict[str, list[str]]) -> str | None:
    """A sampled date cell written with a two-digit year ("02/08/22"), if any: read as this
    century's, and the import says so."""
    return next((v for sample in samples.values() for v in sample if _SHORT_YEAR.search(v)), None)


def _date_hints(con, samples: dict[str, list[str]]) -> tuple[dict[str, DatePlan], str | None]:
    """Per date column, the shapes of its cells with the format that reads each (from a sample
    spread over the file): parsing a cell with the one format of its shape is several times
    faster than trying the whole list. Also a date that proves the file month first, if it is."""
    formats, proof = _date_order(samples)
    hints: dict[str, DatePlan] = {}
    for f, sample in samples.items():
        if proof:
            hints[f] = DatePlan([], formats)        # month first even where no shape is planned
        if len(sample) > SAMPLE_CELLS:
            sample = sample[::len(sample) // SAMPLE_CELLS + 1]
        by_shape: dict[str, list[str]] = {}
        for v in sample:
            sh = _shape(v)
            # Excel serials (44805, 44805.5) take their own path; longer bare digits are dates
            # written without separators (the sync record's yyyyMMddHHmmss, yyyymmdd)
            if sh is not None and not (sh.replace("9", "") in ("", ".") and len(sh.split(".")[0]) <= 5):
                by_shape.setdefault(sh, []).append(v)
        if not by_shape:
            continue
        # one query per column: which formats read every sampled cell of each shape
        # (a few hundred cells of a shape tell its format as well as thousands)
        shapes = [sh for sh, values in by_shape.items() for _ in values[:PER_SHAPE]]
        cells = [v for values in by_shape.values() for v in values[:PER_SHAPE]]
        # (the formats are the program's own constants: strptime wants them literal)
        tests = ", ".join(f"bool_and(try_strptime(v, '{fmt}') IS NOT NULL)" for fmt in formats)
        reads = con.execute(f"SELECT sh, {tests} FROM (SELECT unnest(?) AS v, unnest(?) AS sh) GROUP BY sh",
                            [cells, shapes]).fetchall()
        first = {r[0]: next((k for k, ok in enumerate(r[1:]) if ok), None) for r in reads}
        # the commonest shapes first: the CASE of _hinted_date tests them in this order
        plan = [(sh, formats[first[sh]]) for sh, values in sorted(by_shape.items(), key=lambda x: -len(x[1]))
                if first.get(sh) is not None]
        if plan:
            hints[f] = DatePlan(plan[:8], formats)
    return hints, proof


def _shown(field: str) -> str:
    """SQL: a checked cell as the problem list shows it. A date the file gave as a date (its text
    is not kept) is shown as it was read, dd/mm/yyyy[ HH:MM], which also tells the reader how
    an ambiguous cell was understood; a cell that is not a date is shown as written."""
    if field in STAGED_DATES:
        return (f"coalesce(raw_{field}, CASE WHEN {field} = date_trunc('day', {field}) "
                f"THEN strftime({field}, '%d/%m/%Y') ELSE strftime({field}, '%d/%m/%Y %H:%M') END)")
    if field in ("apology_sent", "unit"):
        return f"CAST(raw_{field} AS VARCHAR)"
    return f"CAST({field} AS VARCHAR)"


def validate(con, present: set[str], headers: dict[str, str], problems: ProblemList, today) -> dict:
    """Type the staged rows and check them all; returns what the writer needs to know."""
    # typed is a view, not a table: the checks below read the few columns they need, the
    # INSERT of write all of them, and the rows are stored once, in dossiers (the dates were
    # parsed at staging; what the view adds is the joins with the maps of distinct values)
    con.execute("CREATE OR REPLACE TEMP VIEW typed AS " + typed_sql(present))
    checks = [("dossier_code IS NULL", "dossier_code", "Thiếu mã hồ sơ", "Missing dossier code", None, None)]
    checks += [c for c in CHECKS if c[1] in present]
    preds = [c[0].replace("$today", "CAST($today AS DATE)") for c in checks]
    needed = {"dossier_code", "unit", "received_at", "due_at", "finished_at", "apology_sent"}
    needed |= {f"raw_{f}" for f in needed}
    # one pass counts every kind of problem (and the months, for the summary); only the kinds
    # that occur are listed row by row. count_if over a boolean is the same count as
    # count(*) FILTER (WHERE …) and much cheaper for DuckDB
    counts = con.execute(
        "SELECT " + ", ".join(f"CAST(count_if(coalesce({p}, FALSE)) AS BIGINT)" for p in preds)
        + ", count(*), count(DISTINCT dossier_code), list(DISTINCT date_trunc('month', received_at)) "
        + f"FROM ({typed_sql(present, only=needed)}) AS typed", {"today": today}).fetchone()
    months = counts[-1]
    counts = counts[:-1]
    for (pred, field, vi, en, evi, een), sql_pred, n in zip(checks, preds, counts):
        if not n:
            continue
        rows = con.execute(f"SELECT row_no, {_shown(field)} FROM typed WHERE {sql_pred} "
                           f"ORDER BY row_no LIMIT 50", {"today": today} if "$today" in sql_pred else None
                           ).fetchall()
        for r, v in rows:
            problems.add(Problem(vi, en, row=r, column=headers[field], value=v, expected_vi=evi, expected_en=een))
        problems.total += max(0, n - len(rows))
    n_rows, n_codes = counts[-2], counts[-1]
    has_repeats = n_rows - counts[0] > n_codes
    if has_repeats:
        # the same code twice: identical rows are one dossier; different content is an error
        content = ", ".join(c for c in CONTENT_COLUMNS)
        dups = con.execute(f"""
            SELECT dossier_code, list(row_no ORDER BY row_no)[1:5] AS rows_, count(*) AS n
            FROM typed WHERE dossier_code IS NOT NULL
            GROUP BY dossier_code HAVING count(DISTINCT hash({content})) > 1
            ORDER BY min(row_no) LIMIT 50""").fetchall()
        for code, rows_, _n in dups:
            problems.add(Problem(
                f"Mã hồ sơ trùng với nội dung khác nhau (các dòng {', '.join(map(str, rows_))})",
                f"The same dossier code with different content (rows {', '.join(map(str, rows_))})",
                row=rows_[0], column=headers["dossier_code"], value=code,
                expected_vi="mỗi mã hồ sơ một lần", expected_en="each code once"))
    return {"repeats": has_repeats, "codes": n_codes, "months": months}


CONTENT_COLUMNS = ["unit_code", "procedure_code", "procedure_name", "field", "channel", "received_at",
                   "due_at", "finished_at", "has_fee", "paid_online", "result_by_post", "digitised",
                   "e_result", "e_certified_copy", "apology_sent", "apology_at", "rating", "handler"]
STORED_COLUMNS = ["dossier_code"] + CONTENT_COLUMNS + ["is_certification", "is_land", "is_land_mediation"]


def prepare(con, src: Source, header_idx: int, mapping: dict[int, str], width: int, profile: Profile,
            today, layout=None) -> dict:
    """Stage, type and validate; raise ImportRejected listing every problem, or return a summary
    (with the file's column report: what each column was read as, or why it was left out)."""
    head = src.head[header_idx]
    mapping = dict(mapping)
    report = FileReport()
    present = set(mapping.values())
    if "unit" not in present and "resolving_unit" in present:
        # the only unit column names the resolving unit: it is the unit
        mapping = {i: ("unit" if f == "resolving_unit" else f) for i, f in mapping.items()}
        present = set(mapping.values())
    headers = {f: str(head[i]) if i < len(head) and head[i] is not None else f for i, f in mapping.items()}
    missing = [f for f in DOSSIER_REQUIRED if f not in present]
    if missing:
        unread = [h for i, h in enumerate(head) if i not in mapping and h is not None]
        raise ImportRejected(src.display_name, [_missing_problem(f, unread) for f in missing])
    aside, aside_rows, month_first, short_year = stage(con, src, header_idx, mapping, width)
    n = con.execute("SELECT count(*) FROM stg").fetchone()[0]
    if n == 0:
        raise ImportRejected(src.display_name, [Problem("Tệp không có hồ sơ nào dưới dòng tiêu đề",
                                                        "No dossier rows below the header")])
    if aside:
        what = "; ".join(f"{r}: «{v[:60]}»" for r, v in aside_rows) + ("; …" if aside > len(aside_rows) else "")
        report.notes.append((f"{number(aside)} dòng không phải hồ sơ (dòng tổng, ngày lập, chữ ký, dòng đánh số cột…: "
                             f"không có đơn vị, ngày nào) được bỏ qua — dòng {what}",
                             f"{number(aside, 'en')} line(s) that are no dossier (a total, the date of the list, "
                             f"signatures, the line numbering the columns…: no unit, no date) set aside — row {what}"))
    if month_first:
        report.notes.append((f"Ngày trong tệp viết tháng trước ngày (như «{month_first}»): đọc theo thứ tự đó",
                             f"The file writes its dates month first (as «{month_first}»): read in that order"))
    if short_year:
        report.notes.append((f"Năm viết hai chữ số (như «{short_year}»): đọc là năm 20xx",
                             f"Years written with two digits (as «{short_year}»): read as 20xx"))
    unit_note = None
    if "resolving_unit" in present:
        unit_note = choose_unit_column(con, profile, mapping, headers)
        present.discard("resolving_unit")
    if layout is not None:
        _skip_units(con, report, layout)
    if "status" in present:
        _apply_status(con, report, headers, layout)
    problems = ProblemList()
    build_maps(con, profile, present, headers, problems, layout, month_first=bool(month_first))
    if "rating" in present:
        _rating_codes_note(con, report, layout)
    checked = validate(con, present, headers, problems, today)
    problems.raise_if_any(src.display_name)
    # the months came with the checks; formatted here, a dozen of them rather than a million
    periods = sorted({m.strftime("%Y-%m") for m in checked["months"] if m is not None})
    units = con.execute("SELECT list(DISTINCT unit_code ORDER BY unit_code) FROM "
                        f"({typed_sql(present, only={'unit_code'})})").fetchone()[0]
    report.columns = column_report(head, mapping, unit_note)
    report.unknown_counters = counters_unknown_without(present)
    if "fee_payment" in present and "has_fee" not in present:
        _fee_unknown(con, report)
    return {"rows": checked["codes"], "periods": periods, "units": units, "present": sorted(present),
            "repeats": checked["repeats"], "report": report}


def _rating_codes_note(con, report: FileReport, layout=None) -> None:
    """Ratings written as the national portal's codes (1, 2, 3) are read as its marks; a star
    scale written with the same digits would read upside down (1 star as very satisfied), so
    the import says how it read them, and a layout taught otherwise wins."""
    codes = [raw for (raw,) in con.execute("SELECT raw FROM map_rating ORDER BY raw").fetchall()
             if str(raw).strip() in RATING_CODES and (layout is None or layout.value("rating", raw) is None)]
    if codes:
        report.notes.append((
            f"Đánh giá ghi bằng mã số ({', '.join(codes)}): đọc theo mã của Cổng Dịch vụ công, 1 = Rất hài lòng, "
            "2 = Hài lòng, 3 = Không hài lòng. Nếu hệ thống của đơn vị dùng thang khác (như 1–5 sao), hãy dạy mẫu tệp.",
            f"Ratings written as codes ({', '.join(codes)}): read as the national portal's, 1 = very satisfied, "
            "2 = satisfied, 3 = dissatisfied. If your system uses another scale (such as 1–5 stars), teach the layout."))


def _fee_unknown(con, report: FileReport) -> None:
    """A coded fee state (0, 3 or blank) says "not paid online" but not whether a fee is due:
    the fee-bearing count, the online-payment rate's denominator, is then unknown, said."""
    n = con.execute("SELECT count(*) FROM stg s LEFT JOIN map_fee_payment mfp ON mfp.raw = s.f_fee_payment "
                    "WHERE mfp.has_fee IS NULL").fetchone()[0]
    if not n:
        return
    if "fee_dossiers" not in report.unknown_counters:
        report.unknown_counters.append("fee_dossiers")
    report.notes.append((
        f"{number(n)} hồ sơ có tình trạng thanh toán 0, 3 hoặc để trống: chưa thanh toán trực tuyến, nhưng tệp không "
        "cho biết hồ sơ có phí hay không (phần mềm xuất ghi 0 cho mọi hồ sơ chưa thanh toán; hồ sơ có phí lấy từ "
        "CSDL quốc gia về TTHC). Số hồ sơ có phí và tỷ lệ thanh toán trực tuyến để trống; dạy mẫu tệp nếu "
        "mã 0 của hệ thống mình nghĩa là «không có phí».",
        f"{number(n, 'en')} dossiers have fee state 0, 3 or blank: not paid online, but the file does not say whether a fee "
        "is due (exporters write 0 for every dossier not paid online; fee-bearing comes from the national "
        "procedure catalogue). Fee-bearing dossiers and the online-payment rate are left unknown; teach the "
        "layout if your system's 0 means «no fee»."))


def _missing_problem(f: str, head: list[object]) -> Problem:
    """A required column the header does not have, with the file's nearest headings."""
    label = FIELD_LABEL_VI[f]
    near = nearest_headings(DOSSIER_FIELDS[f] + FALLBACK_FIELDS.get(f, []), [h for h in head if h is not None])
    if near:
        quoted = ", ".join(f"«{h}»" for h in near)
        return Problem(f"Thiếu cột «{label}»; tiêu đề gần nhất trong tệp: {quoted}",
                       f"No {t('field_' + f, 'en')} column; closest heading in the file: {quoted}",
                       expected_vi="một trong: " + ", ".join(DOSSIER_FIELDS[f][:4]),
                       expected_en="one of: " + ", ".join(DOSSIER_FIELDS[f][:4]), learn=("missing", f))
    return Problem(f"Thiếu cột «{label}»", f"No {t('field_' + f, 'en')} column",
                   expected_vi="một trong: " + ", ".join(DOSSIER_FIELDS[f][:4]),
                   expected_en="one of: " + ", ".join(DOSSIER_FIELDS[f][:4]), learn=("missing", f))


def choose_unit_column(con, profile: Profile, mapping: dict[int, str], headers: dict[str, str]) -> tuple:
    """A list with both a receiving and a resolving unit column: the unit is the column whose
    names are the profile's units for more rows (at a district the receiving "unit" is often
    the one-stop shop itself, and the departments are in the resolving column). The other is
    left out, and the preview says so. Returns (column read, column left out)."""
    def matched_rows(field: str) -> int:
        rows = con.execute(f"SELECT {_col(field)}, count(*) FROM stg WHERE {_col(field)} IS NOT NULL "
                           f"GROUP BY 1").fetchall()
        return sum(n for raw, n in rows if profile.match_unit(raw) is not None)

    resolving, receiving = matched_rows("resolving_unit"), matched_rows("unit")
    if resolving > receiving:
        con.execute("CREATE OR REPLACE TEMP VIEW stg AS SELECT * REPLACE (f_resolving_unit AS f_unit) FROM "
                    "(SELECT * FROM stg_view_base)")
        headers["unit"], headers["resolving_unit"] = headers["resolving_unit"], headers["unit"]
        return ("resolving_unit", "unit")
    return ("unit", "resolving_unit")


def _skip_units(con, report: FileReport, layout) -> None:
    """Rows of units the layout marks as not ours (a province-wide export) are left out, counted."""
    rows = con.execute(f"SELECT {_col('unit')}, count(*) FROM stg WHERE {_col('unit')} IS NOT NULL GROUP BY 1"
                       ).fetchall()
    skipped = [(raw, n) for raw, n in rows if layout.skips(raw)]
    if not skipped:
        return
    _map_table(con, "skip_unit", [(raw,) for raw, _ in skipped], "raw VARCHAR")
    con.execute(f"DELETE FROM stg_raw WHERE {_col('unit')} IN (SELECT raw FROM skip_unit)")
    con.execute("DROP TABLE IF EXISTS skip_unit")
    what = ", ".join(f"«{raw}» {n}" for raw, n in skipped)
    total = sum(n for _, n in skipped)
    report.notes.append((f"{total} hồ sơ của đơn vị không thuộc phạm vi (theo mẫu tệp) được bỏ qua: {what}",
                         f"{total} dossiers of units that are not ours (per the layout) are left out: {what}"))


def _apply_status(con, report: FileReport, headers: dict[str, str], layout=None) -> None:
    """What the status column explains: rows never received (registered online, refused at the
    desk) have no received date and are left out, counted; a finished status without a
    finished date, and a withdrawn or stopped dossier still open, are counted as pending and
    said so; statuses not recognised are listed."""
    rows = con.execute(f"SELECT {_col('status')}, count(*) FROM stg GROUP BY 1").fetchall()
    pairs, unknown = [], []
    for raw, n in rows:
        if raw is None:
            continue
        meaning = (layout.value("status", raw) if layout is not None else None) or parse_status(raw)
        if meaning is None:
            unknown.append((raw, n))
        else:
            pairs.append((raw, meaning))
    _map_table(con, "map_status", pairs, "raw VARCHAR, v VARCHAR")
    left = con.execute(f"""
        SELECT ms.raw, count(*) FROM stg s JOIN map_status ms ON ms.raw = s.{_col('status')}
        WHERE ms.v = 'not_received' AND {_blank('received_at', 's.')} GROUP BY 1 ORDER BY 2 DESC""").fetchall()
    if left:
        con.execute(f"""DELETE FROM stg_raw WHERE {_blank('received_at')} AND {_col('status')} IN
                        (SELECT raw FROM map_status WHERE v = 'not_received')""")
        total = sum(n for _, n in left)
        what = ", ".join(f"«{raw}» {n}" for raw, n in left)
        report.notes.append((f"{total} hồ sơ chưa được tiếp nhận (không có ngày tiếp nhận; trạng thái {what}) "
                             "được bỏ qua: chúng chưa vào kỳ nào",
                             f"{total} dossiers never received (no received date; status {what}) are left out: "
                             "they belong to no month"))
    odd = con.execute(f"""
        SELECT ms.v, count(*), min(s.row_no) FROM stg s JOIN map_status ms ON ms.raw = s.{_col('status')}
        WHERE {_blank('finished_at', 's.')} AND ms.v IN ('finished', 'withdrawn', 'stopped')
        GROUP BY 1 ORDER BY 1""").fetchall()
    for meaning, n, first in odd:
        vi = {"finished": "đã xong", "withdrawn": "đã rút", "stopped": "dừng xử lý"}[meaning]
        report.notes.append((f"{n} hồ sơ có trạng thái {vi} nhưng không có ngày kết thúc xử lý (dòng đầu: {first}): "
                             "được tính là đang giải quyết",
                             f"{n} dossiers have a {meaning} status but no finished date (first row {first}): "
                             "counted as pending"))
    busy = con.execute(f"""
        SELECT count(*), min(s.row_no) FROM stg s JOIN map_status ms ON ms.raw = s.{_col('status')}
        WHERE ms.v = 'pending' AND NOT {_blank('finished_at', 's.')}""").fetchone()
    if busy[0]:
        report.notes.append((f"{busy[0]} hồ sơ có trạng thái đang xử lý nhưng có ngày kết thúc xử lý (dòng đầu: "
                             f"{busy[1]}): được tính theo ngày kết thúc, là đã giải quyết",
                             f"{busy[0]} dossiers have a pending status but a finished date (first row {busy[1]}): "
                             "counted by the finished date, as resolved"))
    if unknown:
        what = ", ".join(f"«{raw}» ({n})" for raw, n in sorted(unknown, key=lambda x: -x[1])[:8])
        report.notes.append((f"Trạng thái không nhận ra, không dùng đến: {what}",
                             f"Statuses not recognised, not used: {what}"))


def column_report(head: list[object], mapping: dict[int, str], unit_note: tuple | None) -> list[Column]:
    """Each column of the header: the field it was read as, or why it was left out."""
    out: list[Column] = []
    read_at = {f: i for i, f in mapping.items()}
    for i, h in enumerate(head):
        heading = "" if h is None else " ".join(str(h).split())
        f = mapping.get(i)
        if f == "resolving_unit" or (f == "unit" and unit_note and unit_note[0] == "resolving_unit"):
            chosen, dropped = unit_note or ("unit", "resolving_unit")
            if f == chosen:
                out.append(Column(i, heading, read_as="unit"))
            else:
                other = read_at.get(chosen)
                out.append(Column(i, heading, reason="unit_not_chosen",
                                  note=column_letter(other) if other is not None else ""))
            continue
        if f is not None:
            out.append(Column(i, heading, read_as=f))
            continue
        if not heading:
            continue
        reason = dossier_left_out_reason(h)
        note = ""
        if reason == "duplicate":
            g = map_dossier_heading(h) or next((x for x, a in FALLBACK_FIELDS.items()
                                                if clean_heading(h) in {clean_heading(y) for y in a}), None)
            if g in read_at:
                note = column_letter(read_at[g])
        out.append(Column(i, heading, reason=reason, note=note))
    return out


def write(con, import_id: int, repeats: bool = True) -> None:
    """Insert the validated rows as the current version of their dossiers (caller's transaction).

    Repeated identical rows (validated as identical) are written once."""
    cols = ", ".join(STORED_COLUMNS)
    if con.execute("SELECT count(*) FROM dossiers").fetchone()[0]:
        # the codes straight from stg (typed.dossier_code is stg's f_dossier_code): reading
        # them through the typed view would join every map for nothing
        con.execute(f"""UPDATE dossiers SET is_current = FALSE
                       WHERE is_current AND dossier_code IN (SELECT DISTINCT {_col('dossier_code')} FROM stg)""")
    if repeats:
        con.execute(f"INSERT INTO dossiers (import_id, row_no, {cols}, is_current) "
                    f"SELECT ?, min(row_no), {cols}, TRUE FROM typed GROUP BY {cols}", [import_id])
    else:
        con.execute(f"INSERT INTO dossiers (import_id, row_no, {cols}, is_current) "
                    f"SELECT ?, row_no, {cols}, TRUE FROM typed", [import_id])


def undo(con, import_id: int) -> None:
    """Remove one import's rows; the previous version of each dossier becomes current again."""
    con.execute("CREATE OR REPLACE TEMP TABLE undo_codes AS SELECT DISTINCT dossier_code FROM dossiers "
                "WHERE import_id = ?", [import_id])
    con.execute("DELETE FROM dossiers WHERE import_id = ?", [import_id])
    con.execute("""
        UPDATE dossiers SET is_current = TRUE
        FROM (SELECT dossier_code, max(import_id) AS last_id FROM dossiers
              WHERE dossier_code IN (SELECT dossier_code FROM undo_codes) GROUP BY dossier_code) AS last
        WHERE dossiers.dossier_code = last.dossier_code AND dossiers.import_id = last.last_id""")
    con.execute("DROP TABLE IF EXISTS undo_codes")


def cleanup(con) -> None:
    con.execute("DROP VIEW IF EXISTS typed")
    con.execute("DROP VIEW IF EXISTS stg")
    con.execute("DROP VIEW IF EXISTS stg_view_base")
    for table in ("stg_raw", "map_unit", "map_channel", "map_apology", "map_apology_yn", "map_rating", "map_kind",
                  "map_fee_payment", "map_status",
                  *[f"map_{f}" for f in YES_NO_FIELDS]):
        con.execute(f"DROP TABLE IF EXISTS {table}")
