"""A multipart upload written to disk as it arrives, under names of our choosing, within a size limit.

Starlette's form parser keeps each file in a spooled temporary file and enforces no size limit
until the whole body has been read. Here every chunk goes straight to its file in the quarantine
folder as it arrives, and the upload stops the moment the limit is passed: nothing of an upload
is held in memory but one chunk, and a disk is never filled by one request. Uploaded file names
are kept as text for display only; the files on disk are named ``0001.pdf``, ``0002.png`` …
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from sohoa.errors import BadArgsError
from sohoa.uploads import Upload, display_name, megabytes
from sohoa.vietnamese import nfc

SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
FIELD_LIMIT = 10_000  # bytes of one form field (a title, a commune): far more than any real value


class TooLarge(BadArgsError):
    """The upload passed its size limit; what was written of it is removed by the caller."""


def too_large(limit: int) -> TooLarge:
    return TooLarge(f"tải lên quá {megabytes(limit)} / upload over the limit of {megabytes(limit)}")


@dataclass
class Received:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[Upload] = field(default_factory=list)  # in quarantine, named by number


def stored_name(number: int, raw: str) -> str:
    """``0001.pdf``: the file's number, and its suffix only if it is a plain short one."""
    suffix = PurePosixPath(display_name(raw)).suffix.lower()
    return f"{number:04d}{suffix if SAFE_SUFFIX.fullmatch(suffix) else ''}"


class _Receiver:
    """The parser's callbacks: headers of a part, then its data to a field or a file."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder, self.limit, self.total = folder, limit, 0
        self.upload = Received()
        self.header, self.value, self.headers = b"", b"", {}
        self.name, self.filename, self.buffer = "", None, bytearray()
        self.out: BinaryIO | None = None

    def callbacks(self) -> dict[str, object]:
        return {"on_part_begin": self.begin, "on_header_field": self.on_field, "on_header_value": self.on_value,
                "on_header_end": self.header_end, "on_headers_finished": self.headers_done,
                "on_part_data": self.data, "on_part_end": self.end}

    def begin(self) -> None:
        self.headers, self.buffer = {}, bytearray()

    def on_field(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def on_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header.decode("latin-1").lower()] = self.value
        self.header, self.value = b"", b""

    def headers_done(self) -> None:
        _, options = parse_options_header(self.headers.get("content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self.filename = None if filename is None else filename.decode("utf-8", "replace")
        if self.filename:
            number = len(self.upload.files) + 1
            self.out = (self.folder / stored_name(number, self.filename)).open("xb")

    def data(self, data: bytes, start: int, end: int) -> None:
        self.total += end - start
        if self.total > self.limit:
            raise too_large(self.limit)
        if self.out is not None:
            self.out.write(data[start:end])
        elif self.filename is None:
            if len(self.buffer) + end - start > FIELD_LIMIT:
                raise BadArgsError(f"trường '{self.name}' quá dài / form field too long")
            self.buffer += data[start:end]

    def end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.upload.files.append(Upload(Path(self.out.name), display_name(self.filename or "")))
            self.out = None
        elif self.filename is None:
            self.upload.fields[self.name] = nfc(self.buffer.decode("utf-8", "replace"))

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


async def receive(content_type: str, chunks: AsyncIterator[bytes], folder: Path, limit: int) -> Received:
    """Parse a ``multipart/form-data`` body from ``chunks``, its files into ``folder``. A file input
    left empty (a part with an empty file name) is no file."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadArgsError("cần một biểu mẫu multipart/form-data / expected a multipart/form-data form")
    receiver = _Receiver(folder, limit)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise BadArgsError(f"tải lên bị hỏng / damaged upload ({exc})") from None
    finally:
        receiver.close()
    return receiver.upload
