"""Exceptions that reach the user as one line and an exit code (after OCRmyPDF's ExitCode)."""

from __future__ import annotations

from enum import IntEnum


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
    edit_conflict = 12  # a correction was made from a version someone else has since replaced
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
