"""Limits checked before a file is opened, so a hostile upload cannot exhaust memory or
time: size, and for workbooks the zip's own numbers (entries, uncompressed size, ratio)."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..errors import ImportRejected, Problem

MAX_FILE_BYTES = int(os.environ.get("REFORM_MAX_FILE_MB", "2048")) * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000
MAX_XLSX_UNCOMPRESSED = 1024 ** 3        # a real 100,000-row export is well under 100 MB
MAX_RATIO = 150                          # XML compresses ~10-30×; bombs go to 1000× and more
RATIO_CHECK_FROM = 20 * 1024 ** 2        # small members may compress well; only big ones matter


def check(path: Path, name: str) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportRejected(name, [Problem(
            f"Tệp quá lớn ({size // 1024 ** 2} MB, tối đa {MAX_FILE_BYTES // 1024 ** 2} MB)",
            f"File too large ({size // 1024 ** 2} MB, at most {MAX_FILE_BYTES // 1024 ** 2} MB)")])
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        return
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader reports a damaged workbook in its own words
    bad = None
    if len(infos) > MAX_ZIP_ENTRIES:
        bad = f"{len(infos)} entries"
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        bad = f"{total // 1024 ** 2} MB uncompressed"
    for i in infos:
        if i.file_size > RATIO_CHECK_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            bad = f"{i.filename}: {i.file_size // max(i.compress_size, 1)}× compression"
    if bad:
        raise ImportRejected(name, [Problem(
            "Bảng tính bất thường (có thể là tệp nén độc hại), không mở: " + bad,
            "Abnormal workbook (possibly a zip bomb), not opened: " + bad)])
