"""Workbooks (.xlsx): read with calamine (python-calamine, Rust), patched with what it cannot
give from the sheet's XML (xlsx_xml)."""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportRejected
from . import guard
from .source import HEAD_ROWS, Source, Uncomputed, reject
from .xlsx_xml import _patched_cells, _scan, _sheet_parts

# --- xlsx -------------------------------------------------------------------------------
# a zip bomb disguised as a workbook stops here: the one limit, guard's (which checks it before
# any file is opened; open_source checks it again for a caller that did not go through guard)
MAX_XLSX_UNCOMPRESSED = guard.MAX_XLSX_UNCOMPRESSED


def _open_xlsx(p: Path, name: str, kind: str | None = None) -> Source:
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
        src.parsed = load_xlsx_sheet(p, name, kind)
        src.kind = kind
        if src.parsed is not None:
            src.sheet, src.other_sheets = src.parsed.name, src.parsed.others
            src.sheet_named = not src.parsed.first or bool(src.parsed.others)
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
    name: str = ""                 # the sheet's name, as its tab shows it
    first: bool = True             # the first worksheet of the workbook (no need to say which was read)
    rows: bool = True              # it holds more than one row
    others: list[str] = field(default_factory=list)   # the worksheets looked at and not read


# calamine holds the sheet's whole used area in memory (from its first used cell to its last),
# and a failed allocation aborts the process: a few KB with one value in XFD1048576 would take
# the dashboard down. A sheet whose area is larger than this is refused before it is parsed
# (a million dossiers of 30 columns fit; a province's year belongs in a CSV anyway).
MAX_XLSX_CELLS = 32_000_000


def load_xlsx_sheet(p: Path, name: str | None = None, kind: str | None = None) -> ParsedSheet | None:
    """The worksheet to read, parsed: the first that holds more than one row (visible sheets
    before hidden ones), as always — unless its first rows head nothing the import reads (a
    cover, notes), or not what the user chose (`kind`: a dossier list, or a table for the other
    kinds): then the next visible sheet that does, and the preview says which was read. Never a
    guess between a table and a dossier list: a report whose detail sheet lists some dossiers
    (the late ones) is read as the report unless the user asks for the list. None for a
    workbook without a worksheet.

    Read with calamine (python-calamine, Rust): 100,000 dossiers in about 2 s, where openpyxl
    took 25-39 s (docs/performance.md). It reads the cached values of formulas, as openpyxl's
    data_only did."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    name = name or p.name
    with zipfile.ZipFile(p) as zf:
        parts = _sheet_parts(zf)
        wb = CalamineWorkbook.from_path(str(p))
        try:
            chosen, others, switched = None, [], False
            metas = list(enumerate(wb.sheets_metadata))
            # the sheets the user sees first: a hidden sheet ahead of the table is usually the
            # lists behind its drop-downs
            order = ([(i, m) for i, m in metas if m.visible == SheetVisibleEnum.Visible]
                     + [(i, m) for i, m in metas if m.visible != SheetVisibleEnum.Visible])
            sheets = [(i, m) for i, m in order if m.typ == SheetTypeEnum.WorkSheet]  # (no chart sheets)
            for n, (i, meta) in enumerate(sheets):
                # the first worksheet, unless a later one holds more than one row, as always;
                # past the first with rows only when it heads nothing — then the next visible
                # sheet that heads a list or a table (a summary or a cover ahead of the data)
                looking_on = chosen is not None and chosen.rows
                if looking_on and meta.visible != SheetVisibleEnum.Visible:
                    break
                part = parts[i] if i < len(parts) else None
                scan = _scan(zf, part) if part is not None else None
                if looking_on and (scan is None or scan[0] * scan[1] > MAX_XLSX_CELLS):
                    others.append(meta.name)    # only looked for: one that cannot be read is passed by
                    continue
                _check_sheet(name, meta.name, part, scan)
                ws = wb.get_sheet_by_index(i)
                rows = ws.end is not None and ws.end[0] >= 1
                if looking_on:
                    if rows and _wanted(_holds(ParsedSheet(ws)), kind):
                        others.insert(0, chosen.name)       # (in the workbook's order)
                        chosen = ParsedSheet(ws, _patched_cells(zf, part, name) if scan[2] else {},
                                             name=meta.name, first=False, rows=True)
                        switched = True
                        break
                    if rows:
                        others.append(meta.name)
                    continue
                if chosen is None or rows:
                    chosen = ParsedSheet(ws, _patched_cells(zf, part, name) if scan[2] else {},
                                         name=meta.name, first=n == 0, rows=rows)
                if rows and _wanted(_holds(chosen), kind):
                    break
        finally:
            wb.close()
    if chosen is not None:
        # the sheets passed by, named only when another than the usual one was read
        chosen.others = others if switched else []
    return chosen


def _check_sheet(name: str, sheet: str, part, scan) -> None:
    if part is None:
        # without its XML neither its size nor its error cells can be checked, and calamine
        # would allocate whatever area it says
        raise reject(name, f"Không tìm thấy dữ liệu của trang tính «{sheet}» trong tệp; "
                     "hãy mở và lưu lại tệp bằng Excel rồi nhập lại",
                     f"The data of sheet «{sheet}» cannot be located in the file; "
                     "open and save it again in Excel, then import it")
    if scan[0] * scan[1] > MAX_XLSX_CELLS:
        from ..i18n import fmt

        raise reject(name, f"Trang tính «{sheet}» trải trên {fmt.number(scan[0])} dòng × "
                     f"{fmt.number(scan[1])} cột: "
                     "quá lớn để đọc; hãy xóa các ô thừa ở xa bảng hoặc xuất tệp CSV",
                     f"Sheet «{sheet}» spans {fmt.number(scan[0], 'en')} rows × "
                     f"{fmt.number(scan[1], 'en')} columns: too large "
                     "to read; clear stray cells far from the table or export a CSV")


def sheets_heading(p: Path, other_than: str) -> list[tuple[str, str]]:
    """(sheet, what it heads) for the visible worksheets but `other_than` whose first rows head
    a dossier list or a table; sheets too large or unreadable are passed by."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    out = []
    with zipfile.ZipFile(p) as zf:
        parts = _sheet_parts(zf)
        wb = CalamineWorkbook.from_path(str(p))
        try:
            for i, meta in enumerate(wb.sheets_metadata):
                if meta.name == other_than or meta.typ != SheetTypeEnum.WorkSheet or \
                        meta.visible != SheetVisibleEnum.Visible or i >= len(parts) or parts[i] is None:
                    continue
                scan = _scan(zf, parts[i])
                if scan[0] * scan[1] > MAX_XLSX_CELLS:
                    continue
                holds = _holds(ParsedSheet(wb.get_sheet_by_index(i)))
                if holds is not None:
                    out.append((meta.name, holds))
        except Exception:  # a hint only: a sheet calamine cannot read is simply not offered
            pass
        finally:
            wb.close()
    return out


def _wanted(holds: str | None, kind: str | None) -> bool:
    """Whether a sheet heading `holds` is what the import looks for: anything it reads, or what
    the user chose."""
    if kind is None:
        return holds is not None
    return holds == ("dossiers" if kind == "dossiers" else "table")


def _holds(parsed: ParsedSheet) -> str | None:
    """What a sheet's first rows head: "dossiers" (a dossier list as the importer reads one),
    "table" (a report table) or None."""
    from .headers import heads_a_dossier_list, map_dossier_header

    head = []
    for row in xlsx_rows(parsed):
        head.append(row)
        if len(head) >= HEAD_ROWS:
            break
    if any(heads_a_dossier_list(map_dossier_header(r)) for r in head):
        return "dossiers"
    from .tables import find_table_header

    return "table" if find_table_header(head) is not None else None


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
        yield from xlsx_rows(sheet if sheet is not None else load_xlsx_sheet(src.path, src.display_name, src.kind))
    else:
        yield from xlsx_rows(load_xlsx_sheet(src))
