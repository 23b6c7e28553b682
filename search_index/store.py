"""Where an index lives, who may write it, and how a rebuild is swapped in.

Layout, one folder per backend::

    index/whoosh/writer.lock      held (flock) by the one process writing; others wait their turn
    index/whoosh/CURRENT          the name of the live generation, replaced atomically
    index/whoosh/gen-…/           the engine's own files

An update changes the live generation through the engine's own commit (Whoosh and tantivy both
publish a commit by renaming one table-of-contents file, so a writer killed mid-commit leaves the
previous commit readable). ``reindex`` builds a new generation beside it and swaps CURRENT.
"""

from __future__ import annotations

import errno
import fcntl
import os
import pickle
import shutil
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.archive import write_atomic
from sohoa.errors import BusyError, IndexDamagedError

# What an engine raises when its files were cut short, zeroed or removed under it (Whoosh reads
# segments with struct and pickle; click would even turn an EOFError into "interrupted").
DAMAGE = (EOFError, pickle.UnpicklingError, struct.error, zlib.error, FileNotFoundError)
LOCK_TIMEOUT = 600.0  # seconds: long enough to wait behind a full reindex of a large archive
POLL = 0.05


class IndexBusyError(BusyError):
    """Another process kept the index writer for longer than we were willing to wait."""


def backend_home(archive_root: Path, backend: str) -> Path:
    return archive_root / "index" / backend


def current_generation(home: Path) -> Path | None:
    try:
        name = (home / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = home / name
    return path if name and path.is_dir() else None


@contextmanager
def reading(home: Path, damage: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Turn an engine's failure to read its own files (``DAMAGE``, and the engine's own ``damage``)
    into one line that says how to repair it."""
    try:
        yield
    except DAMAGE + damage as exc:
        raise IndexDamagedError(f"chỉ mục tìm kiếm bị hỏng / search index damaged at {home} ({type(exc).__name__}); "
                                "chạy / run `sohoa reindex` to rebuild it from the archive") from None


def new_generation(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path.mkdir()
    return path


def publish(home: Path, generation: Path) -> None:
    """Make ``generation`` the live index, then remove generations older than the one it replaces."""
    previous = current_generation(home)
    _fsync_tree(generation)
    write_atomic(home / "CURRENT", generation.name + "\n")
    keep = {generation.name} | ({previous.name} if previous else set())
    for stale in home.glob("gen-*"):
        if stale.name not in keep:
            shutil.rmtree(stale, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


@contextmanager
def writer_lock(home: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the index's single-writer lock, waiting up to ``timeout`` seconds for it.

    A kernel lock (flock): it dies with its process, so a killed writer never leaves a stale lock.
    """
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"chỉ mục đang bận / the search index at {home} is being written by another process "
                        f"(waited {timeout:.0f} s); try again later") from None
                time.sleep(POLL)
        yield
    finally:
        os.close(fd)  # closing releases the lock
