"""A file's digest, the import's "same file again?" key, worked out on another core.

Kept apart from the importer (hashlib and threading only) so that the command line can start
it before it loads DuckDB and the importer: hashlib lets go of the GIL, so the tenth of a
second a million-row file takes to hash passes while the rest starts up.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digest_soon(p: Path):
    """The file's sha256, computed in a thread: call the returned function for it."""
    box: dict = {}

    def work():
        try:
            box["digest"] = sha256_of(p)
        except BaseException as exc:  # handed to the caller, who raises it where it waits
            box["error"] = exc

    th = threading.Thread(target=work, name="import-digest", daemon=True)
    th.start()

    def result() -> str:
        th.join()
        if "error" in box:
            raise box["error"]
        return box["digest"]
    return result
