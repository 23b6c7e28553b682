"""Exceptions that reach the user as one line and an exit code (after OCRmyPDF's ExitCode).

Every code is listed in README.md's exit-code table; tests/test_errors.py holds the two together.
"""

from __future__ import annotations

from enum import IntEnum


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


def is_transient(exc: BaseException) -> bool:
    """Whether trying again may succeed: an external program, an online service, the disk or the
    database failed. A user's error (a bad file, a bad argument) or a bug fails the same way again."""
    import sqlalchemy.exc  # the catalog's; already imported wherever pages are archived

    if isinstance(exc, SohoaError):
        return isinstance(exc, (SubprocessError, RemoteServiceError, BusyError))
    return isinstance(exc, (OSError, sqlalchemy.exc.OperationalError))
