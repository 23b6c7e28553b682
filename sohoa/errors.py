"""Exceptions that reach the user as one line and an exit code (after OCRmyPDF's ExitCode)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1
    input_file = 2  # a file could not be read or is not what it claims to be
    missing_dependency = 3  # a program or its language data is not installed
    already_done = 4  # nothing to do: everything asked for is archived already
    child_process_error = 5  # an external program failed
    damaged_archive = 6  # verify found missing or altered originals
    partial_failure = 7  # a batch finished but some items failed
    not_found = 8  # no such document, page or file
    remote_service = 9  # an online service failed after retries
    damaged_index = 10  # the search index's files are damaged: `sohoa reindex` rebuilds it
    disk_full = 11  # no space left on the device: nothing half-written was left behind
    other_error = 15
    ctrl_c = 130


class SohoaError(Exception):
    """An error with a message fit for the user; never shown as a traceback."""

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


class IndexDamagedError(SohoaError):
    exit_code = ExitCode.damaged_index


class DiskFullError(SohoaError):
    exit_code = ExitCode.disk_full


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
            return disk_full(home / "catalog.sqlite" if home else "catalog.sqlite")
        if isinstance(cause, sqlite3.DatabaseError) and ("malformed" in str(cause) or "not a database" in str(cause)):
            catalog = home / "catalog.sqlite" if home else "catalog.sqlite"
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


def read_only(where: object) -> SohoaError:
    return SohoaError(f"kho chỉ đọc / the archive is read-only ({where}): only reading commands work there "
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
