"""What every reader gives: a Source (a file opened as rows of cells, its first rows read),
the cell types a workbook may hold, and the refusal of a file that cannot be read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ImportRejected, Problem

if TYPE_CHECKING:
    from .xlsx_file import ParsedSheet

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
    # xlsx: the sheet read, and whether the preview must name it (not the workbook's first
    # worksheet, or others were passed by: other_sheets)
    sheet: str | None = None
    sheet_named: bool = False
    # xlsx: the worksheet parsed for the head, kept for the full read that follows (calamine
    # parses a whole sheet at once; parsing it twice was a third of a 100k import)
    parsed: ParsedSheet | None = field(default=None, repr=False)
    # xlsx: the workbook counts its date serials from 1904-01-01 (old Mac Excel), not 1899-12-30
    date1904: bool = False
    # html: every row of the page's tables (small enough to hold: html_table.MAX_HTML_BYTES)
    rows: list[list[object]] | None = field(default=None, repr=False)
    # xlsx: the sheet has formulas saved without their value (cells read as Uncomputed)
    has_uncomputed: bool = False
    # xlsx: the worksheets looked at and not read
    other_sheets: list[str] = field(default_factory=list)
    # xlsx: the kind asked for, which chose the sheet (a second full read must read the same one)
    kind: str | None = None


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
