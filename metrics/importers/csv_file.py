"""Text files (.csv, Excel's "Unicode text"): the encoding and delimiter found from the
first bytes, the first rows read with Python's csv; the bulk is read by DuckDB (dossiers.py)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .source import HEAD_ROWS, Source, reject

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
            utf8 = _from_windows_vietnamese(p, raw)
            if utf8 is not None:
                import os
                import weakref

                try:
                    src = _open_csv(utf8, name)
                except BaseException:
                    os.unlink(utf8)         # refused on a second look: no copy is left behind
                    raise
                # the copy goes with the source that reads it (or at the latest when the process ends)
                weakref.finalize(src, os.unlink, str(utf8))
                return src
            raise reject(name, "Tệp CSV không ở bảng mã UTF-8, UTF-16 hay Windows tiếng Việt (1258): "
                         "hãy lưu lại với UTF-8",
                         "The CSV is neither UTF-8, UTF-16 nor Windows Vietnamese (1258): save it as UTF-8",
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


# letters only Windows' Vietnamese code page gives among the 8-bit ones: ă â ơ ư đ and the five
# tone marks it writes apart from their vowel (the text is composed to NFC after decoding)
_VIETNAMESE_1258 = set("ĂăƠơƯưĐđ\u0300\u0301\u0303\u0309\u0323")


def _from_windows_vietnamese(p: Path, raw: bytes) -> Path | None:
    """A CSV saved by Excel on a Vietnamese Windows (code page 1258: "CSV (Comma delimited)"
    writes the system's code page, not UTF-8): its text, composed to NFC, in a UTF-8 copy that
    DuckDB reads (it knows no 1258; the caller removes it with the source). None if the file
    does not read as 1258 or shows none of the letters only Vietnamese text has."""
    import os
    import tempfile
    import unicodedata

    try:
        head = raw.decode("cp1258")
    except UnicodeDecodeError:
        return None
    if not _VIETNAMESE_1258 & set(head):
        return None
    # UTF-8 with a few broken bytes is not 1258: most of its other bytes still pair up as UTF-8
    # (whose lead bytes 1258 would read as Ă, Ê… and garble every name)
    loose = raw.decode("utf-8", errors="replace")
    if sum(1 for ch in loose if ord(ch) > 127 and ch != "\ufffd") > loose.count("\ufffd"):
        return None
    fd, tmp = tempfile.mkstemp(prefix="reform-1258-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, \
                p.open("r", encoding="cp1258", errors="strict", newline="") as src:
            # line by line: a tone mark never stands apart from its vowel across a line break
            for line in src:
                out.write(unicodedata.normalize("NFC", line))
    except (UnicodeDecodeError, OSError):
        os.unlink(tmp)
        return None
    return Path(tmp)


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
