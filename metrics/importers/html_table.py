"""An HTML table saved under an .xls name: what most one-stop systems' "Excel" button writes
(a page of <table>s sent as application/vnd.ms-excel; Excel opens it as a sheet).

The rows are read as Excel shows them: every <tr> of every table in document order (a title
table, then the data table, often nested in a third), a merged cell's text in its first cell
and nothing in the cells it covers, as calamine gives a merged range of a real workbook.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

# a browser-made export of 100,000 dossiers is ~60-120 MB of HTML; beyond this the rows would
# not fit comfortably in memory as Python lists: such a file belongs in .xlsx or .csv
MAX_HTML_BYTES = 300 * 1024 ** 2
MAX_SPAN = 1000

_MARKERS = re.compile(rb"<\s*(table|html|!doctype\s+html|tr)\b", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def looks_like_html(raw: bytes) -> bool:
    """The first bytes of a file are an HTML page with a table (UTF-8 or UTF-16)."""
    text = raw
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return False
    stripped = text.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"<") and bool(_MARKERS.search(text[:65536]))


def decode_html(raw: bytes) -> str:
    """The page's text: its BOM, else the charset its <meta> names, else UTF-8 (what the
    browser-side exporters write, without any <meta>)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    m = _CHARSET.search(raw[:4096])
    codec = m.group(1).decode("ascii").lower() if m else "utf-8"
    try:
        return raw.decode(codec)
    except LookupError:
        return raw.decode("utf-8")


class _Table:
    __slots__ = ("rows", "row", "cell", "taken", "r", "span", "nested")

    def __init__(self):
        self.rows: list[list[object]] = []
        self.row: list[object] | None = None
        self.cell: list[str] | None = None
        self.taken: dict[tuple[int, int], bool] = {}     # cells covered by a span from above
        self.r = -1
        self.span = (1, 1)
        self.nested = False                  # the open row holds a nested table


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Table] = []
        self.out: list[list[object]] = []
        self.skip = 0                        # inside <style>/<script>/<head> comments etc.

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
            return
        if tag == "table":
            if self.stack:
                self.stack[-1].nested = True
            self.stack.append(_Table())
            return
        if not self.stack:
            return
        t = self.stack[-1]
        if tag == "tr":
            self._end_row(t)
            t.r += 1
            t.row = []
        elif tag in ("td", "th"):
            if t.row is None:
                t.r += 1
                t.row = []
            self._end_cell(t)
            a = dict(attrs)
            t.cell = []
            t.span = (_span(a.get("rowspan")), _span(a.get("colspan")))
        elif tag == "br" and t.cell is not None:
            t.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
            return
        if not self.stack:
            return
        t = self.stack[-1]
        if tag in ("td", "th"):
            self._end_cell(t)
        elif tag == "tr":
            self._end_row(t)
        elif tag == "table":
            self._end_row(t)
            self.stack.pop()
        elif tag in ("p", "div") and t.cell is not None:
            t.cell.append("\n")

    def handle_data(self, data):
        if self.skip or not self.stack:
            return
        t = self.stack[-1]
        if t.cell is not None:
            t.cell.append(data)

    def _end_cell(self, t: _Table) -> None:
        if t.cell is None or t.row is None:
            return
        text = " ".join("".join(t.cell).split())
        t.cell = None
        # skip the places taken by a rowspan from a row above
        c = len(t.row)
        while t.taken.pop((t.r, c), False):
            t.row.append(None)
            c += 1
        t.row.append(text if text else None)
        rs, cs = t.span
        for _ in range(cs - 1):
            t.row.append(None)
        for dr in range(1, rs):
            for dc in range(cs):
                t.taken[(t.r + dr, c + dc)] = True

    def _end_row(self, t: _Table) -> None:
        self._end_cell(t)
        if t.row is None:
            return
        c = len(t.row)
        while t.taken.pop((t.r, c), False):
            t.row.append(None)
            c += 1
        row, t.row = t.row, None
        nested, t.nested = t.nested, False
        # a row that only held nested tables (their rows are out already) is not a row of its
        # own; an empty row is kept, so that row numbers are those Excel shows
        if not (nested and all(v is None for v in row)):
            self.out.append(row)


def _span(v: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(v).strip())))
    except (TypeError, ValueError):
        return 1


def html_rows(text: str) -> list[list[object]]:
    """Every row of every table in the page, as lists of cell texts (None for empty)."""
    p = _TableParser()
    p.feed(text)
    p.close()
    for t in reversed(p.stack):      # tables never closed: keep what they held
        p._end_row(t)
    # trailing empty cells carry nothing
    out = []
    for row in p.out:
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    return out
