"""What calamine cannot give of a worksheet, read from its XML: the sheet's true extent (a
bound on the area calamine will allocate), error cells (#N/A, #DIV/0!…, which it reads as
empty), long whole numbers as their digits, and formulas saved without a value."""
from __future__ import annotations

import posixpath
import re
import zipfile

from .source import Uncomputed, reject

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
