"""A batch manifest: a CSV file, one row a document: its file, then DocumentMeta's fields (title,
commune, district, province, year, kind, collection, access). Paths are relative to the manifest's folder.

A manifest names files in its own folder (and below) only: ``../x.pdf``, an absolute path
elsewhere or a symlink out is refused on its row, unless the caller allows it (``sohoa ingest
--allow-outside``): a manifest handed over with a box of scans must not pull in other files of the
machine. Encoding: UTF-8 (with or without BOM), else Windows-1258 (CP1258, what Excel saves on a
Vietnamese Windows); a row readable in neither is refused alone.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.models import META_FIELDS, DocumentMeta, given_fields
from sohoa.errors import InputFileError, SohoaError
from sohoa.vietnamese import nfc

COLUMNS = ("file", *META_FIELDS)
# Optional: the name to record for the original when the file's own name is not it (an upload
# stored under a number by `sohoa.uploads` keeps the name it was uploaded under).
NAME_COLUMN = "original_name"
ALIASES = {"ward": "commune", "phuong": "commune", "xa": "commune", "path": "file"}


@dataclass(frozen=True)
class ManifestRow:
    line: int
    path: Path | None
    meta: DocumentMeta | None
    error: str | None = None
    fields_given: frozenset[str] = frozenset()
    original_name: str = ""


def read_manifest(manifest: Path, locate: Callable[[str], Path] | None = None, *,
                  allow_outside: bool = False) -> list[ManifestRow]:
    """Every row, good or bad: a bad row carries its error so the rest of the batch goes on.

    ``locate`` finds the file a row names (default: relative to the manifest's folder, which the
    file must stay inside unless ``allow_outside``); uploads use it to find files stored under
    names of their own (``sohoa.uploads``)."""
    try:
        data = manifest.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{manifest}: cannot read manifest ({exc.strerror})") from None
    lines = _decode(data)
    reader = csv.DictReader(UNREADABLE if line is None else line for line in lines)
    headers = {(h or "").strip().lower() for h in reader.fieldnames or []}
    headers = {ALIASES.get(h, h) for h in headers}
    if "file" not in headers:
        raise InputFileError(f"{manifest}: manifest has no 'file' column (columns: {', '.join(COLUMNS)})")
    confine = locate is None and not allow_outside
    locate = locate or (lambda name: (manifest.parent / name).resolve())
    return [_parse_row(manifest, reader.line_num, row, locate, confine) for row in reader]


UNREADABLE = "\x00unreadable"  # stands in for a line in no known encoding: its row is refused


def _decode(data: bytes) -> list[str | None]:
    """The manifest's lines: the whole file as UTF-8, else as CP1258, else line by line (None: neither)."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    return [_decode_line(line) for line in data.removeprefix(b"\xef\xbb\xbf").splitlines()]


def _decode_line(line: bytes) -> str | None:
    for encoding in ("utf-8", "cp1258"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _parse_row(manifest: Path, line: int, raw: dict[str, str | None], locate: Callable[[str], Path],
               confine: bool) -> ManifestRow:
    row = {ALIASES.get((k or "").strip().lower(), (k or "").strip().lower()): nfc((v or "").strip())
           for k, v in raw.items() if k}
    where = f"{manifest.name}:{line}"
    if any(UNREADABLE in (v or "") for v in [*raw.values(), *raw.keys()] if isinstance(v, str)):
        return ManifestRow(line, None, None, f"{where}: dòng không đọc được / row is neither UTF-8 nor CP1258: "
                                             "save the manifest as 'CSV UTF-8'")
    if not row.get("file"):
        return ManifestRow(line, None, None, f"{where}: no file named")
    path = locate(row["file"])
    if confine and not path.is_relative_to(manifest.parent.resolve()):
        return ManifestRow(line, path, None, f"{where}: {row['file']}: ngoài thư mục của bảng kê / outside the "
                                             "manifest's folder: refused (sohoa ingest --allow-outside allows it)")
    if not path.exists():
        return ManifestRow(line, path, None, f"{where}: {row['file']}: no such file")
    values = {k: v for k, v in row.items() if k in COLUMNS and k != "file"}
    try:
        meta = DocumentMeta.parse(**values)
    except SohoaError as exc:
        return ManifestRow(line, path, None, f"{where}: {exc}")
    return ManifestRow(line, path, meta, fields_given=given_fields(values), original_name=row.get(NAME_COLUMN, ""))
