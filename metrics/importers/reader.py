"""Opening an input file as rows of cells, whatever it is: .xlsx, or .csv in UTF-8 (with or
without BOM) or UTF-16 (Excel's "Unicode text"), separated by comma, semicolon or tab.

Only the first rows are read here (to find the header and the kind); the bulk of a dossier
file is streamed by DuckDB (CSV) or row by row (XLSX) in dossiers.py.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from ..errors import ImportRejected, Problem

HEAD_ROWS = 40


def reject(file_name: str, vi: str, en: str, **kw) -> ImportRejected:
    return ImportRejected(file_name, [Problem(vi, en, **kw)])


@dataclass
class Source:
    path: Path
    display_name: str
    fmt: str                      # "xlsx" or "csv"
    encoding: str | None = None   # csv only (a DuckDB/Python codec name)
    delimiter: str | None = None  # csv only
    head: list[list[object]] = field(default_factory=list)
    # physical line index (0-based) where each head row starts, for DuckDB's skip=
    line_of_row: list[int] = field(default_factory=list)
    sheet: str | None = None
    # xlsx: the worksheet parsed for the head, kept for the full read that follows (calamine
    # parses a whole sheet at once; parsing it twice was a third of a 100k import)
    parsed: ParsedSheet | None = field(default=None, repr=False)


def cell_text(v: object) -> str | None:
    """A cell as the text DuckDB parses: dates in ISO form, whole floats without '.0'."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def open_source(path: str | Path, display_name: str | None = None) -> Source:
    p = Path(path)
    name = display_name or p.name
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise reject(name, f"Không đọc được tệp: {exc}", f"Cannot read the file: {exc}") from exc
    if size == 0:
        raise reject(name, "Tệp rỗng", "The file is empty")
    with p.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return _open_xlsx(p, name)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise reject(name, "Tệp Excel đời cũ (.xls) không được hỗ trợ: hãy lưu lại dưới dạng .xlsx",
                     "Old Excel (.xls) files are not supported: save the file as .xlsx")
    return _open_csv(p, name)


# --- xlsx -------------------------------------------------------------------------------
MAX_XLSX_UNCOMPRESSED = 2 * 1024 ** 3  # a zip bomb disguised as a workbook stops here


def _open_xlsx(p: Path, name: str) -> Source:
    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise reject(name, "Tệp không phải là bảng tính Excel hợp lệ", "Not a valid Excel workbook") from exc
    if "xl/workbook.xml" not in names:
        raise reject(name, "Tệp nén không phải là bảng tính Excel (.xlsx)", "A zip file that is not an .xlsx workbook")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise reject(name, "Bảng tính quá lớn khi giải nén", "The workbook is too large once uncompressed")
    src = Source(p, name, "xlsx")
    rows = []
    try:
        src.parsed = load_xlsx_sheet(p)
        for row in xlsx_rows(src.parsed):
            rows.append(row)
            if len(rows) >= HEAD_ROWS:
                break
    except ImportRejected:
        raise
    except Exception as exc:  # calamine raises several kinds on a damaged workbook
        raise reject(name, f"Không đọc được bảng tính: {exc}", f"Cannot read the workbook: {exc}") from exc
    src.head = rows
    src.line_of_row = list(range(len(rows)))
    return src


@dataclass
class ParsedSheet:
    sheet: object                  # a python_calamine CalamineSheet
    # error cells (#N/A, #DIV/0!…) by 0-based row and column: calamine reads them as empty,
    # and an error where a date or a count should be must be refused, not taken as blank
    errors: dict[int, dict[int, str]] = field(default_factory=dict)


def load_xlsx_sheet(p: Path) -> ParsedSheet | None:
    """The first worksheet that holds more than one row (exports sometimes lead with a cover
    sheet), parsed; None for a workbook without a worksheet.

    Read with calamine (python-calamine, Rust): 100,000 dossiers in about 2 s, where openpyxl
    took 25-39 s (docs/performance.md). It reads the cached values of formulas, as openpyxl's
    data_only did."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    wb = CalamineWorkbook.from_path(str(p))
    try:
        chosen = None
        for i, meta in enumerate(wb.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue            # chart sheets and macro sheets hold no rows
            ws = wb.get_sheet_by_index(i)
            if chosen is None:
                chosen = (i, ws)    # the first worksheet, if none holds more than one row
            if ws.end is not None and ws.end[0] >= 1:
                chosen = (i, ws)
                break
    finally:
        wb.close()
    if chosen is None:
        return None
    return ParsedSheet(chosen[1], _error_cells(p, chosen[0]))


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# an error cell: its tag, and its content unless it closes itself (<c r="A1" t="e"/>)
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*?)(?:/>|>(.*?)</c>)', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _error_cells(p: Path, index: int) -> dict[int, dict[int, str]]:
    """The error cells of the workbook's index-th sheet, read from its XML (calamine does not
    tell them from empty cells). A first pass only looks for the marker, streamed: most
    workbooks have none, and the sheet's XML is then never held whole."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(p) as zf:
        sheets = ET.fromstring(zf.read("xl/workbook.xml")).findall("{*}sheets/{*}sheet")
        rid = sheets[index].get(_REL_NS) if index < len(sheets) else None
        target = None
        for rel in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels")):
            if rel.get("Id") == rid:
                target = rel.get("Target", "")
        if not target:
            return {}
        name = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if name not in zf.namelist():
            return {}               # stored where this does not look: its error cells read as empty
        marker, tail, found = b't="e"', b"", False
        with zf.open(name) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                if marker in tail + chunk:
                    found = True
                    break
                tail = chunk[-len(marker):]
        if not found:
            return {}
        xml = zf.read(name)
    errors: dict[int, dict[int, str]] = {}
    for m in _ERROR_CELL.finditer(xml):
        ref, value = _CELL_REF.search(m.group(1)), _CELL_VALUE.search(m.group(2) or b"")
        if ref is None:
            continue
        col = 0
        for ch in ref.group(1):
            col = col * 26 + ch - 64
        text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
        errors.setdefault(int(ref.group(2)) - 1, {})[col - 1] = text or "#ERROR"
    return errors


def xlsx_rows(parsed: ParsedSheet | None):
    """A parsed sheet's rows as lists of cell values laid out as in the sheet: item i is row
    i + 1 and column j column j + 1, empty cells None, error cells their text ("#N/A"),
    dates as date/datetime, numbers as float."""
    if parsed is None or parsed.sheet.start is None:
        return
    # calamine gives the rows from the first, but the columns from the first used one
    lead = [None] * parsed.sheet.start[1]
    errors = parsed.errors
    for i, row in enumerate(parsed.sheet.iter_rows()):
        cells = lead + [None if v == "" else v for v in row]
        for j, text in errors.get(i, {}).items():
            if j < len(cells):
                cells[j] = text
        yield cells


def iter_xlsx_rows(src: Source | Path):
    """Every row of a workbook's sheet (xlsx_rows); a Source's parsed sheet is used, once."""
    if isinstance(src, Source):
        sheet, src.parsed = src.parsed, None
        yield from xlsx_rows(sheet if sheet is not None else load_xlsx_sheet(src.path))
    else:
        yield from xlsx_rows(load_xlsx_sheet(src))


# --- csv --------------------------------------------------------------------------------
def _decode_head(raw: bytes) -> tuple[str, str]:
    """(python codec, duckdb encoding) of a CSV, from its BOM or its content."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "utf-8"
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        return "utf-16", "utf-16"
    # UTF-16 without BOM: every other byte is zero in mostly-ASCII text
    if len(raw) >= 4 and raw[1::2].count(0) > len(raw) // 4:
        return "utf-16-le", "utf-16"
    return "utf-8", "utf-8"


def _open_csv(p: Path, name: str) -> Source:
    with p.open("rb") as fh:
        raw = fh.read(256 * 1024)
    codec, duck_enc = _decode_head(raw)
    if codec == "utf-8" and b"\x00" in raw:
        raise reject(name, "Tệp nhị phân, không phải bảng tính hay CSV",
                     "A binary file, neither a workbook nor a CSV")
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        # the 256 KiB cut may split a character; retry without the last few bytes
        try:
            text = raw[: exc.start].decode(codec) if exc.start > len(raw) - 8 else None
        except UnicodeDecodeError:
            text = None
        if text is None:
            raise reject(name, "Tệp CSV không ở bảng mã UTF-8 hoặc UTF-16: hãy lưu lại với UTF-8",
                         "The CSV is neither UTF-8 nor UTF-16: save it as UTF-8",
                         value=f"byte {exc.start}") from exc
    if "\x00" in text:
        raise reject(name, "Tệp nhị phân, không phải bảng tính hay CSV",
                     "A binary file, neither a workbook nor a CSV")
    if len(raw) == 256 * 1024:
        # the last line may be cut
        text = text[: max(text.rfind("\n"), 0)]
    delim = _sniff_delimiter(text)
    src = Source(p, name, "csv", encoding=duck_enc, delimiter=delim)
    src.python_codec = codec  # type: ignore[attr-defined]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    start_line = 0
    try:
        for row in reader:
            src.head.append([c if c != "" else None for c in row])
            src.line_of_row.append(start_line)
            start_line = reader.line_num
            if len(src.head) >= HEAD_ROWS:
                break
    except csv.Error as exc:
        raise reject(name, f"Tệp CSV hỏng: {exc}", f"Malformed CSV: {exc}") from exc
    if not any(any(c not in (None, "") for c in r) for r in src.head):
        raise reject(name, "Tệp không có dữ liệu", "The file holds no data")
    return src


def _sniff_delimiter(text: str) -> str:
    best, best_score = ",", -1
    for d in (",", ";", "\t"):
        try:
            rows = []
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=d):
                rows.append(row)
                if len(rows) >= HEAD_ROWS:
                    break
        except csv.Error:
            continue
        widths = [len(r) for r in rows if len(r) > 1]
        if not widths:
            continue
        # the header and data rows share the widest count; title rows are narrower
        top = max(widths)
        score = sum(1 for w in widths if w == top) * top
        if score > best_score:
            best, best_score = d, score
    return best


def iter_csv_rows(src: Source, skip_rows: int = 0):
    """All rows of a CSV in Python (small files: reports, peers)."""
    with src.path.open("r", encoding=getattr(src, "python_codec", "utf-8"), newline="",
                       errors="strict") as fh:
        reader = csv.reader(fh, delimiter=src.delimiter or ",")
        for i, row in enumerate(reader):
            if i < skip_rows:
                continue
            yield [c if c != "" else None for c in row]


def iter_rows(src: Source):
    try:
        if src.fmt == "xlsx":
            yield from iter_xlsx_rows(src)
        else:
            yield from iter_csv_rows(src)
    except UnicodeDecodeError as exc:
        raise reject(src.display_name, "Tệp có ký tự không đọc được theo bảng mã đã nhận diện",
                     "The file has characters that do not decode", value=str(exc)[:80]) from exc
    except csv.Error as exc:
        raise reject(src.display_name, f"Tệp CSV hỏng: {exc}", f"Malformed CSV: {exc}") from exc
