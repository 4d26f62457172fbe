"""Opening an input file as rows of cells, whatever it is: .xlsx (xlsx_file, patched from its
XML by xlsx_xml), an HTML table saved as .xls (html_table), or text (csv_file: UTF-8 with or
without BOM, or UTF-16 — Excel's "Unicode text" — separated by comma, semicolon or tab).
What every reader gives, the Source, is in source.py.

Only the first rows are read here (to find the header and the kind); the bulk of a dossier
file is streamed by DuckDB (CSV) or row by row (XLSX) in dossiers.py.
"""
from __future__ import annotations

import csv
from pathlib import Path

from .csv_file import iter_csv_rows, _open_csv
from .html_table import MAX_HTML_BYTES, decode_html, html_rows, looks_like_html
from .source import HEAD_ROWS, Source, reject
from .xlsx_file import _open_xlsx, iter_xlsx_rows


def open_source(path: str | Path, display_name: str | None = None, kind: str | None = None) -> Source:
    """The file's head and how to read the rest. `kind`, when the user chose one, picks a
    workbook's sheet (a dossier list or a table) where the first sheet is the other."""
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
        return _open_xlsx(p, name, kind)
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
