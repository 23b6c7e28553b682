"""Exceptions that reach the user as one line and an exit code (after OCRmyPDF's ExitCode).

Every code is listed in README.md's exit-code table; tests/test_errors.py holds the two together.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path

from sohoa.settings import CATALOG_FILE


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1  # a flag, argument or option value is wrong
    input_file = 2  # a file could not be read or is not what it claims to be
    missing_dependency = 3  # a program or its language data is not installed
    child_process_error = 5  # an external program (Tesseract, ffmpeg, espeak-ng) failed
    damaged_archive = 6  # verify found missing or altered originals
    partial_failure = 7  # a batch finished but some items failed
    not_found = 8  # no such document, page or file
    remote_service = 9  # an online service (gTTS, a Dask scheduler) failed after retries
    check_failed = 10  # the result failed its own check (audio shorter than its text, CER above the limit)
    busy = 11  # another process kept the search index's writer longer than we would wait
    edit_conflict = 12  # a correction was made from a version someone else has since replaced
    damaged_index = 13  # the search index's files are damaged: `sohoa reindex` rebuilds it
    disk_full = 14  # no space left on the device: nothing half-written was left behind
    other_error = 15  # an internal error: a bug, reported in one line (SOHOA_DEBUG=1 shows the traceback)
    ctrl_c = 130


class SohoaError(Exception):
    """An error with a message fit for the user; never shown as a traceback.

    Raise a subclass: each names the exit code that tells a script what went wrong.
    """

    exit_code = ExitCode.other_error


class BadArgsError(SohoaError):
    exit_code = ExitCode.bad_args


class InputFileError(SohoaError):
    exit_code = ExitCode.input_file


class MissingDependencyError(SohoaError):
    exit_code = ExitCode.missing_dependency


class SubprocessError(SohoaError):
    exit_code = ExitCode.child_process_error


class DamagedArchiveError(SohoaError):
    exit_code = ExitCode.damaged_archive


class NotFoundError(SohoaError):
    exit_code = ExitCode.not_found


class RemoteServiceError(SohoaError):
    exit_code = ExitCode.remote_service


class CheckFailedError(SohoaError):
    exit_code = ExitCode.check_failed


class BusyError(SohoaError):
    exit_code = ExitCode.busy


class IndexDamagedError(SohoaError):
    exit_code = ExitCode.damaged_index


class DiskFullError(SohoaError):
    exit_code = ExitCode.disk_full


class ReadOnlyArchiveError(SohoaError):
    """A writing command on an archive nobody may write: a wrong use, not a bug."""

    exit_code = ExitCode.bad_args


def is_transient(exc: BaseException) -> bool:
    """Whether trying again may succeed: an external program, an online service, the disk or the
    database failed. A user's error (a bad file, a bad argument) or a bug fails the same way again."""
    import sqlalchemy.exc  # the catalog's; already imported wherever pages are archived

    if isinstance(exc, SohoaError):
        return isinstance(exc, (SubprocessError, RemoteServiceError, BusyError))
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS):
        return False  # a full or read-only disk stays so: a retry would only write more
    return isinstance(exc, (OSError, sqlalchemy.exc.OperationalError))


NEARLY_FULL = 1 << 20  # bytes free under which a failure of anything is taken for a full disk


def disk_full(where: object) -> DiskFullError:
    return DiskFullError(f"hết chỗ trống trên đĩa / no space left on device: {where}")


def explain(exc: BaseException, home: Path | None) -> SohoaError | None:
    """What a failure from below sohoa means for the user, when it has one meaning: a full disk
    (ENOSPC anywhere in the chain, or a failure while the archive's disk is full: Prefect reports
    its own full database as an HTTP 500), a read-only archive, or a damaged catalog (SQLite's
    "malformed")."""
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return disk_full(_written(cause, home))
        if isinstance(cause, OSError) and cause.errno == errno.EROFS:
            return read_only(_written(cause, home))
        if isinstance(cause, sqlite3.OperationalError) and "disk is full" in str(cause):
            return disk_full(home / CATALOG_FILE if home else CATALOG_FILE)
        if isinstance(cause, sqlite3.DatabaseError) and ("malformed" in str(cause) or "not a database" in str(cause)):
            catalog = home / CATALOG_FILE if home else CATALOG_FILE
            return DamagedArchiveError(f"danh mục / catalog {catalog} is damaged ({cause}): chạy / run "
                                       "`sohoa rebuild-catalog` to rebuild it from the archive folder (docs/repair.md)")
    try:
        if home is not None and shutil.disk_usage(home).free < NEARLY_FULL:
            return disk_full(home)
    except OSError:
        pass
    if home is not None and home.is_dir() and not os.access(home, os.W_OK):
        return read_only(home)  # e.g. Prefect's own database under it could not start
    return None


def read_only(where: object) -> ReadOnlyArchiveError:
    return ReadOnlyArchiveError(f"kho chỉ đọc / the archive is read-only ({where}): only reading commands work there "
                      "(docs, show, text, search, verify, export)")


def _written(error: OSError, home: Path | None) -> object:
    """The file that could not be written: a copy's target (filename2), else the file named."""
    return error.filename2 or error.filename or home or "?"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        cause = todo.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        todo += [cause.__cause__, cause.__context__, getattr(cause, "orig", None)]
