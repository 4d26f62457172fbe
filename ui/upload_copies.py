"""The copies of uploaded files the import page reads from.

An uploaded file lives in the browser session's memory; the importer reads a path, so the
page writes each file of a batch to a folder of the session's own in the system's temp
folder. The files hold everything the office exported, personal data included (the importer
leaves it out of the store, not out of the file), so a copy must not outlive its use:
- the page removes the folder when the batch is imported or taken out of the uploader;
- a session left with a batch in its uploader (the tab closed, the server stopped) cannot
  remove it: `sweep` removes the folders of server processes of this machine that are gone,
  and those no session has touched for KEEP_SECONDS;
- a session that comes back after its folder was swept gets a new folder and writes its
  copies again (`copy_of`), so nothing it sees changes.
The temp folder is everyone's: a folder is only made by mkdtemp (private, a name no one can
take first), a copy only written into it without following links, and only this account's
real folders are ever removed.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import socket
import stat
import tempfile
import time
from pathlib import Path

from metrics.store.db import process_alive

PREFIX = "reform-upload-"
# an hour without a rerun of the session that made it: a preview is read in minutes, and a
# session that comes back later only writes its copies again
KEEP_SECONDS = 3600
# reform-upload-<machine>-<server pid>-<random>: a process id means something on its own
# machine only (two containers sharing a temp folder each see the other's processes as gone);
# an earlier release's folder has neither
_NAME = re.compile(rf"{re.escape(PREFIX)}(?:([0-9a-f]{{8}})-(\d{{1,9}})-)?[A-Za-z0-9_]+")


def _machine() -> str:
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def new_folder(base: str | os.PathLike | None = None) -> Path:
    """A new private folder (mode 0700) for one session's copies."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{_machine()}-{os.getpid()}-", dir=base))


def copy_of(folder: Path, name: str, raw: bytes) -> Path:
    """The copy of an uploaded file in `folder`, written (mode 0600) if it is not there, and
    the folder marked as in use. The caller makes a new folder when its own is gone: one
    made again by a name anyone could read in the temp folder could be someone else's."""
    path = folder / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
    os.utime(folder)
    return path


def sweep(base: str | os.PathLike | None = None, spare: str | os.PathLike | None = None,
          now: float | None = None) -> list[str]:
    """Remove the copy folders left behind in `base` (the system's temp folder): those of a
    server process of this machine that is gone, and those not touched for KEEP_SECONDS;
    never `spare` (the calling session's own), nor anything but this account's folders.
    Returns the names removed."""
    base = Path(base or tempfile.gettempdir())
    now = time.time() if now is None else now
    keep = Path(spare).resolve() if spare else None
    here = _machine()
    removed = []
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    for name in names:
        left = name.startswith(".") and name.endswith(_TRASH)         # a sweep cut short
        m = _NAME.fullmatch(name[1:-len(_TRASH)] if left else name)
        if not m:
            continue
        path = base / name
        st = _own_folder(path)
        if st is None or (keep is not None and path.resolve() == keep):
            continue
        gone = left or (m.group(1) == here and not process_alive(int(m.group(2))))
        if not gone and now - st.st_mtime <= KEEP_SECONDS:
            continue
        # renamed first (atomic): a session that touched it meanwhile gets it back, one that
        # comes to it after finds it gone and makes a new one
        trash = path if left else base / f".{name}{_TRASH}"
        if not left:
            try:
                os.rename(path, trash)
            except OSError:
                continue
            st = _own_folder(trash)
            if st is not None and not gone and now - st.st_mtime <= KEEP_SECONDS:
                os.rename(trash, path)
                continue
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(name)
    return removed


_TRASH = ".removing"


def _own_folder(path: Path) -> os.stat_result | None:
    """The folder's status if it is a real folder (not a link) of this account's."""
    try:
        st = path.lstat()
    except OSError:
        return None
    return st if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() else None


_last_sweep = [0.0]


def sweep_now_and_then(spare: str | os.PathLike | None = None, every: float = 60.0) -> None:
    """sweep(), at most once a minute per server process (called on every run of the app);
    a sweep that fails is logged, never shown: it must not stand in the way of a page."""
    now = time.time()
    if now - _last_sweep[0] < every:
        return
    _last_sweep[0] = now
    try:
        sweep(spare=spare, now=now)
    except Exception:  # noqa: BLE001
        logging.getLogger("dashboard.uploads").exception("sweeping left upload copies failed")
