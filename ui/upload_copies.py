"""The copies of uploaded files the import page reads from.

An uploaded file lives in the browser session's memory; the importer reads a path, so the
page writes each file of a batch to a folder of the session's own in the system's temp
folder. The files hold everything the office exported, personal data included (the importer
leaves it out of the store, not out of the file), so a copy must not outlive its use:
- the page removes the folder when the batch is imported or taken out of the uploader;
- a session left with a batch in its uploader (the tab closed, the server stopped) cannot
  remove it: `sweep` removes the folders of server processes that are gone, and those no
  session has touched for KEEP_SECONDS;
- a session that comes back after its folder was swept writes its copies again from the
  uploader (`copy_of`), so nothing it sees changes.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from metrics.store.db import process_alive

PREFIX = "reform-upload-"
# an hour without a rerun of the session that made it: a preview is read in minutes, and a
# session that comes back later only writes its copies again
KEEP_SECONDS = 3600
# a folder of this release: reform-upload-<server pid>-<random>; an earlier release's has no pid
_NAME = re.compile(rf"{re.escape(PREFIX)}(?:(\d+)-)?[A-Za-z0-9_]+")


def new_folder(base: str | os.PathLike | None = None) -> Path:
    """A folder for one session's copies, named after this server process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))


def copy_of(folder: Path, name: str, raw: bytes) -> Path:
    """The copy of an uploaded file in `folder`, written if it is not there (yet, or again
    after a sweep), and the folder marked as in use."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        path.write_bytes(raw)
    os.utime(folder)
    return path


def sweep(base: str | os.PathLike | None = None, spare: str | os.PathLike | None = None,
          now: float | None = None) -> list[str]:
    """Remove the copy folders left behind in `base` (the system's temp folder): those of a
    server process that is gone, and those not touched for KEEP_SECONDS; never `spare` (the
    calling session's own). Returns the names removed."""
    base = Path(base or tempfile.gettempdir())
    now = time.time() if now is None else now
    keep = Path(spare).resolve() if spare else None
    removed = []
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    for name in names:
        m = _NAME.fullmatch(name)
        if not m:
            continue
        path = base / name
        if keep is not None and path.resolve() == keep:
            continue
        try:
            st = path.lstat()
        except OSError:
            continue
        # (the temp folder is everyone's: only a real folder of this account's is removed)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            continue
        age = now - st.st_mtime
        gone = m.group(1) is not None and not process_alive(int(m.group(1)))
        if gone or age > KEEP_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(name)
    return removed


_last_sweep = [0.0]


def sweep_now_and_then(spare: str | os.PathLike | None = None, every: float = 60.0) -> None:
    """sweep(), at most once a minute per server process (the page calls it on every rerun)."""
    now = time.time()
    if now - _last_sweep[0] >= every:
        _last_sweep[0] = now
        sweep(spare=spare, now=now)
