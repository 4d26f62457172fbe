"""Opening an input file as rows of cells, whatever it is: .xlsx, or .csv in UTF-8 (with or
without BOM) or UTF-16 (Excel's "Unicode text"), separated by comma, semicolon or tab.

Only the first rows are read here (to find the header and the kind); the bulk of a dossier
file is streamed by DuckDB (CSV) or row by row (XLSX) in dossiers.py.
"""
from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from ..errors import ImportRejected, Problem
from .html_table import MAX_HTML_BYTES, decode_html, html_rows, looks_like_html

HEAD_ROWS = 40


def reject(file_name: str, vi: str, en: str, **kw) -> ImportRejected:
    return ImportRejected(file_name, [Problem(vi, en, **kw)])


class Uncomputed:
    """A formula cell saved without its computed value (a library that leaves computing to
    Excel, or openpyxl saving a workbook it loaded). Read as empty it would turn a finished
    date into a pending dossier; where a column the import uses holds one, the file is
    refused (uncomputed_problem); elsewhere it is empty."""
    __slots__ = ("place",)

    def __init__(self, place: str):
        self.place = place

    def __repr__(self) -> str:
        return f"Uncomputed({self.place})"


def uncomputed_problem(cell: Uncomputed, row: int | None = None, column: str | None = None) -> Problem:
    return Problem(f"Ô {cell.place} có công thức chưa được tính giá trị; hãy mở tệp bằng Excel, lưu lại rồi nhập lại",
                   f"Cell {cell.place} holds a formula without its computed value; open the file in Excel, "
                   "save it and import it again", row=row, column=column, value=cell.place)


@dataclass
class Source:
    path: Path
    display_name: str
    fmt: str                      # "xlsx", "csv" or "html" (an HTML table saved as .xls)
    encoding: str | None = None   # csv only (a DuckDB/Python codec name)
    delimiter: str | None = None  # csv only
    head: list[list[object]] = field(default_factory=list)
    # physical line index (0-based) where each head row starts, for DuckDB's skip=
    line_of_row: list[int] = field(default_factory=list)
    sheet: str | None = None
    # xlsx: the worksheet parsed for the head, kept for the full read that follows (calamine
    # parses a whole sheet at once; parsing it twice was a third of a 100k import)
    parsed: ParsedSheet | None = field(default=None, repr=False)
    # xlsx: the workbook counts its date serials from 1904-01-01 (old Mac Excel), not 1899-12-30
    date1904: bool = False
    # html: every row of the page's tables (small enough to hold: html_table.MAX_HTML_BYTES)
    rows: list[list[object]] | None = field(default=None, repr=False)
    # xlsx: the sheet has formulas saved without their value (cells read as Uncomputed)
    has_uncomputed: bool = False


def cell_text(v: object) -> str | None:
    """A cell as the text DuckDB parses: dates in ISO form, whole floats without '.0'."""
    if v is None or isinstance(v, Uncomputed):
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
    with p.open("rb") as fh:
        start = fh.read(65536)
    if looks_like_html(start):
        return _open_html(p, name, size)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        if _is_encrypted_workbook(p):
            raise reject(name, "Tệp Excel có đặt mật khẩu: hãy bỏ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc) "
                         "rồi nhập lại", "The Excel file is password-protected: remove the password (File › Info › "
                         "Protect Workbook) and import it again")
        raise reject(name, "Tệp Excel đời cũ (.xls) không được hỗ trợ: hãy lưu lại dưới dạng .xlsx",
                     "Old Excel (.xls) files are not supported: save the file as .xlsx")
    return _open_csv(p, name)


def _is_encrypted_workbook(p: Path) -> bool:
    """A password-protected .xlsx is an OLE container (as an old .xls is) holding the
    workbook encrypted in a stream named EncryptedPackage."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with p.open("rb") as fh:
        tail = b""
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker):]
    return False


# --- html saved as .xls ---------------------------------------------------------------
def _open_html(p: Path, name: str, size: int) -> Source:
    if size > MAX_HTML_BYTES:
        raise reject(name, "Tệp HTML (dạng .xls) quá lớn để đọc: hãy mở bằng Excel và lưu lại dưới dạng .xlsx",
                     "The HTML file (saved as .xls) is too large to read: open it in Excel and save it as .xlsx")
    try:
        text = decode_html(p.read_bytes())
    except UnicodeDecodeError as exc:
        raise reject(name, "Tệp HTML có ký tự không đọc được (bảng mã): hãy lưu lại dưới dạng .xlsx",
                     "The HTML file has characters that do not decode: save it as .xlsx",
                     value=f"byte {exc.start}") from exc
    rows = html_rows(text)
    if not any(any(c not in (None, "") for c in r) for r in rows):
        raise reject(name, "Tệp HTML không có bảng dữ liệu nào", "The HTML file holds no table")
    src = Source(p, name, "html", rows=rows)
    src.head = rows[:HEAD_ROWS]
    src.line_of_row = list(range(len(src.head)))
    return src


# --- xlsx -------------------------------------------------------------------------------
MAX_XLSX_UNCOMPRESSED = 2 * 1024 ** 3  # a zip bomb disguised as a workbook stops here


def _open_xlsx(p: Path, name: str) -> Source:
    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
            book = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise reject(name, "Tệp không phải là bảng tính Excel hợp lệ", "Not a valid Excel workbook") from exc
    if "xl/workbook.xml" not in names:
        raise reject(name, "Tệp nén không phải là bảng tính Excel (.xlsx)", "A zip file that is not an .xlsx workbook")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise reject(name, "Bảng tính quá lớn khi giải nén", "The workbook is too large once uncompressed")
    src = Source(p, name, "xlsx")
    pr = re.search(rb"<(?:\w+:)?workbookPr\b[^>]*>", book)
    src.date1904 = bool(pr and re.search(rb"""\bdate1904=["'](?:1|true)["']""", pr.group(0)))
    rows = []
    try:
        src.parsed = load_xlsx_sheet(p, name)
        src.has_uncomputed = src.parsed is not None and any(
            type(v) is Uncomputed for cells in src.parsed.errors.values() for v in cells.values())
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


# calamine holds the sheet's whole used area in memory (from its first used cell to its last),
# and a failed allocation aborts the process: a few KB with one value in XFD1048576 would take
# the dashboard down. A sheet whose area is larger than this is refused before it is parsed
# (a million dossiers of 30 columns fit; a province's year belongs in a CSV anyway).
MAX_XLSX_CELLS = 32_000_000


def load_xlsx_sheet(p: Path, name: str | None = None) -> ParsedSheet | None:
    """The first worksheet that holds more than one row (exports sometimes lead with a cover
    sheet), visible sheets before hidden ones, parsed; None for a workbook without a worksheet.

    Read with calamine (python-calamine, Rust): 100,000 dossiers in about 2 s, where openpyxl
    took 25-39 s (docs/performance.md). It reads the cached values of formulas, as openpyxl's
    data_only did."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    name = name or p.name
    with zipfile.ZipFile(p) as zf:
        parts = _sheet_parts(zf)
        wb = CalamineWorkbook.from_path(str(p))
        try:
            chosen = None
            metas = list(enumerate(wb.sheets_metadata))
            # the sheets the user sees first: a hidden sheet ahead of the table is usually the
            # lists behind its drop-downs
            order = ([(i, m) for i, m in metas if m.visible == SheetVisibleEnum.Visible]
                     + [(i, m) for i, m in metas if m.visible != SheetVisibleEnum.Visible])
            for i, meta in order:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue            # chart sheets and macro sheets hold no rows
                part = parts[i] if i < len(parts) else None
                if part is None:
                    # without its XML neither its size nor its error cells can be checked, and
                    # calamine would allocate whatever area it says
                    raise reject(name, f"Không tìm thấy dữ liệu của trang tính «{meta.name}» trong tệp; "
                                 "hãy mở và lưu lại tệp bằng Excel rồi nhập lại",
                                 f"The data of sheet «{meta.name}» cannot be located in the file; "
                                 "open and save it again in Excel, then import it")
                scan = _scan(zf, part)
                if scan[0] * scan[1] > MAX_XLSX_CELLS:
                    from .. import fmt

                    raise reject(name, f"Trang tính «{meta.name}» trải trên {fmt.number(scan[0])} dòng × "
                                 f"{fmt.number(scan[1])} cột: "
                                 "quá lớn để đọc; hãy xóa các ô thừa ở xa bảng hoặc xuất tệp CSV",
                                 f"Sheet «{meta.name}» spans {fmt.number(scan[0], 'en')} rows × "
                                 f"{fmt.number(scan[1], 'en')} columns: too large "
                                 "to read; clear stray cells far from the table or export a CSV")
                ws = wb.get_sheet_by_index(i)
                if chosen is None or (ws.end is not None and ws.end[0] >= 1):
                    # the first worksheet, unless a later one holds more than one row
                    errors = _patched_cells(zf, part, name) if scan[2] else {}
                    chosen = ParsedSheet(ws, errors)
                if ws.end is not None and ws.end[0] >= 1:
                    break
        finally:
            wb.close()
    return chosen


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# the XML may name its elements with a prefix (<x:c>, .NET exporters) and quote with ' or "
_ROW_NO = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br=["\'](\d+)')
_WIDE_REF = re.compile(rb'r=["\']([A-Z]{2,3})\d')
# an error cell: its tag, and its content unless it closes itself (<c r="A1" t="e"/>)
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt=["\']e["\'][^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_CELL_REF = re.compile(rb'\br=["\']([A-Z]{1,3})(\d+)["\']')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _col_no(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_parts(zf: zipfile.ZipFile) -> list[str | None]:
    """The XML part of each sheet, in the workbook's order (calamine's order)."""
    import xml.etree.ElementTree as ET

    try:
        sheets = ET.fromstring(zf.read("xl/workbook.xml")).findall("{*}sheets/{*}sheet")
        rels = {r.get("Id"): r.get("Target", "") for r in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
    except (KeyError, ET.ParseError):
        return []                   # calamine says what is wrong with such a file
    # part names are case-insensitive (OPC), and a target may be relative ("./worksheets/…")
    names = {n.lower(): n for n in zf.namelist()}
    parts: list[str | None] = []
    for sh in sheets:
        target = (rels.get(sh.get(_REL_NS)) or "").replace("\\", "/")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
        parts.append(names.get(part.lower()) if target else None)
    return parts


def _chunks(zf: zipfile.ZipFile, part: str):
    """A part's XML in pieces of about 1 MB, each cut before a tag (never held whole)."""
    tail = b""
    with zf.open(part) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")  # a cut tag waits
            yield body
    if tail:
        yield tail


def _scan(zf: zipfile.ZipFile, part: str) -> tuple[int, int, bool]:
    """(rows, columns, has cells to patch: _needs_patch) of a sheet, an upper bound of the area calamine will
    hold. Only byte searches that run in C over the whole text: rows come in order, so the
    last row tag of a chunk carries its highest number; columns past Z are the only ones
    looked for (few distinct ones). That holds when every row and cell says where it is: a
    cell without r= (calamine puts it after the previous one) or whose row number has more
    digits than the rows around it sends the sheet to the exact, slower count."""
    rows, wide, errors, cells = 0, set(), False, False
    for body in _chunks(zf, part):
        tags = body.count(b"<row") + body.count(b":row ")
        if tags:
            cells = True
            last = max(body.rfind(b"<row"), body.rfind(b":row "))
            m = _ROW_NO.match(body, body.rfind(b"<", 0, last + 1))
            rows = max(rows, int(m.group(1)) if m else 0, rows + tags if m is None else 0)
        # cell tags ("<c" that is not "<cols", "<cfRule"…) against the places written (r=)
        n_cells = body.count(b"<c") - len(_OTHER_C_TAG.findall(body))
        if b":row" in body:                                     # <x:c> (.NET exporters)
            n_cells += body.count(b":c ") + body.count(b":c>") + body.count(b":c/>")
        if (body.count(b" r=") < n_cells + tags
                or re.search(rb"r=[\"'][A-Z]{1,3}\d{%d}" % (len(str(rows)) + 1), body)):
            return _scan_exact(zf, part)
        wide.update(_WIDE_REF.findall(body))
        errors = errors or _needs_patch(body)
    return rows, max(max(map(_col_no, wide), default=0), 26 if cells else 0), errors


_OTHER_C_TAG = re.compile(rb"<c[a-zA-Z]")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_ROW_ATTR = re.compile(rb"\br=[\"'](\d+)")


def _scan_exact(zf: zipfile.ZipFile, part: str) -> tuple[int, int, bool]:
    """_scan for a sheet whose rows or cells do not all say where they are: every row and
    cell tag in turn, placed as calamine places them (one after the previous)."""
    rows = cols = row = col = 0
    errors = False
    for body in _chunks(zf, part):
        errors = errors or _needs_patch(body)
        for m in _TAG.finditer(body):
            attrs = m.group(2)
            if m.group(1) == b"row":
                r = _ROW_ATTR.search(attrs)
                row, col = (int(r.group(1)) if r else row + 1), 0
            else:
                ref = _CELL_REF.search(attrs)
                if ref:
                    col = _col_no(ref.group(1))
                    rows = max(rows, int(ref.group(2)))
                else:
                    col += 1
                cols = max(cols, col)
            rows = max(rows, row)
    return rows, cols, errors


# a number of 16 digits or more: calamine reads every number as a float, which keeps 15-17
# significant digits; a long numeric dossier code (PhpSpreadsheet writes them as numbers)
# would come back as another code
_LONG_NUMBER = re.compile(rb"v>-?\d{16}")
_LONG_VALUE = re.compile(rb"v>(-?\d{16,})</")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _cell_tag_before(xml: bytes, pos: int) -> bytes:
    """The opening tag of the cell that holds position `pos` of a sheet's XML (b"" if it
    starts more than 4 KB before)."""
    start = None
    for start in _CELL_START.finditer(xml, max(0, pos - 4096), pos):
        pass
    return xml[start.start():xml.index(b">", start.start())] if start else b""


def _needs_patch(body: bytes) -> bool:
    """Whether a piece of sheet XML has cells calamine cannot give as written: error cells,
    long whole numbers, formulas (which may lack their value): _patched_cells."""
    return (b't="e"' in body or b"t='e'" in body or _LONG_NUMBER.search(body) is not None
            or b"f>" in body)       # a formula (<f>…</f>, <x:f>): checked for a value


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_VALUE_TAG = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>|<(?:\w+:)?v\s*/>")


def _formulas_without_values(xml: bytes, name: str, cells: dict[int, dict[int, object]]) -> None:
    """Formula cells written without their computed value (Uncomputed), into `cells`."""
    for m in _FORMULA.finditer(xml):
        end = _CELL_END.search(xml, m.end())
        if end is None:
            continue
        tag = _cell_tag_before(xml, m.start())
        value = _VALUE_TAG.search(xml, m.end(), end.start())
        # an empty <v></v> is a computed empty text only in a cell typed as text (t="str")
        if value is not None and (xml[value.end():value.end() + 2] not in (b"</", b"/>")
                                  or re.search(rb"""\bt=["'](?:str|inlineStr)["']""", tag)):
            continue
        ref = _CELL_REF.search(tag)
        if ref is None:             # no place written: which field it holds cannot be known
            raise reject(name, "Bảng tính có công thức chưa được tính giá trị; hãy mở tệp bằng Excel, "
                         "lưu lại rồi nhập lại",
                         "The workbook has formulas without their computed values; open the file in "
                         "Excel, save it and import it again")
        place = ref.group(1).decode() + ref.group(2).decode()
        cells.setdefault(int(ref.group(2)) - 1, {})[_col_no(ref.group(1)) - 1] = Uncomputed(place)


def _patched_cells(zf: zipfile.ZipFile, part: str, name: str) -> dict[int, dict[int, str]]:
    """What calamine cannot give of a sheet, read from its XML: the text of error cells
    (#N/A, #DIV/0!…: calamine does not tell them from empty cells), long whole numbers as
    their digits, and formulas saved without a value (Uncomputed; calamine reads them as
    empty). Only for a sheet whose scan found any of them."""
    xml = zf.read(part)
    errors: dict[int, dict[int, object]] = {}
    _formulas_without_values(xml, name, errors)
    for m in _LONG_VALUE.finditer(xml):
        tag = _cell_tag_before(xml, m.start())
        if re.search(rb"""\bt=["'](?:s|e|b)["']""", tag):
            continue                # a shared-string index, an error or a boolean: not a number
        ref = _CELL_REF.search(tag)
        digits = m.group(1).decode()
        if ref is None:
            raise reject(name, f"Bảng tính có số quá dài ({digits}) ở một ô không ghi vị trí; "
                         "hãy lưu cột đó dưới dạng văn bản rồi nhập lại",
                         f"The workbook has a long number ({digits}) in a cell without a place; "
                         "store that column as text and import again", value=digits)
        errors.setdefault(int(ref.group(2)) - 1, {})[_col_no(ref.group(1)) - 1] = digits
    for m in _ERROR_CELL.finditer(xml):
        ref, value = _CELL_REF.search(m.group(1)), _CELL_VALUE.search(m.group(2) or b"")
        text = (value.group(1).decode("utf-8", "replace") if value else "") or "#ERROR"
        if ref is None:             # no place written: which field it holds cannot be known
            raise reject(name, f"Bảng tính có ô lỗi công thức ({text}); hãy sửa hoặc xóa các ô lỗi rồi nhập lại",
                         f"The workbook has a formula error cell ({text}); fix or clear the error cells "
                         "and import again", value=text)
        errors.setdefault(int(ref.group(2)) - 1, {})[_col_no(ref.group(1)) - 1] = text
    return errors


def xlsx_rows(parsed: ParsedSheet | None):
    """A parsed sheet's rows as lists of cell values laid out as in the sheet: item i is row
    i + 1 and column j column j + 1, empty cells None, error cells their text ("#N/A"),
    formulas saved without a value an Uncomputed,
    whole numbers int (as openpyxl gave them: report tables read a unit code 21952 as text),
    other numbers float, dates as date/datetime."""
    if parsed is None or parsed.sheet.start is None:
        return
    # calamine gives the rows from the first, but the columns from the first used one
    lead = [None] * parsed.sheet.start[1]
    errors = parsed.errors
    for i, row in enumerate(parsed.sheet.iter_rows()):
        cells = lead + [None if v == "" else int(v) if type(v) is float and v.is_integer() and abs(v) < 2 ** 53
                        else v for v in row]
        for j, text in errors.get(i, {}).items():
            if j < len(cells):
                cells[j] = text
        yield cells


def iter_xlsx_rows(src: Source | Path):
    """Every row of a workbook's sheet (xlsx_rows); a Source's parsed sheet is used, once."""
    if isinstance(src, Source):
        sheet, src.parsed = src.parsed, None
        yield from xlsx_rows(sheet if sheet is not None else load_xlsx_sheet(src.path, src.display_name))
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
        elif src.fmt == "html":
            yield from src.rows or []
        else:
            yield from iter_csv_rows(src)
    except UnicodeDecodeError as exc:
        raise reject(src.display_name, "Tệp có ký tự không đọc được theo bảng mã đã nhận diện",
                     "The file has characters that do not decode", value=str(exc)[:80]) from exc
    except csv.Error as exc:
        raise reject(src.display_name, f"Tệp CSV hỏng: {exc}", f"Malformed CSV: {exc}") from exc
