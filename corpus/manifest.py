"""A batch manifest: a CSV file, one row a document: its file, then DocumentMeta's fields (title,
commune, district, province, year, kind, collection, access). Paths are relative to the manifest's folder."""

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


def read_manifest(manifest: Path, locate: Callable[[str], Path] | None = None) -> list[ManifestRow]:
    """Every row, good or bad: a bad row carries its error so the rest of the batch goes on.

    ``locate`` finds the file a row names (default: relative to the manifest's folder); uploads
    use it to find files stored under names of their own (``sohoa.uploads``)."""
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{manifest}: cannot read manifest ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    headers = {(h or "").strip().lower() for h in reader.fieldnames or []}
    headers = {ALIASES.get(h, h) for h in headers}
    if "file" not in headers:
        raise InputFileError(f"{manifest}: manifest has no 'file' column (columns: {', '.join(COLUMNS)})")
    locate = locate or (lambda name: (manifest.parent / name).resolve())
    return [_parse_row(manifest, number, row, locate) for number, row in enumerate(reader, start=2)]


def _parse_row(manifest: Path, line: int, raw: dict[str, str | None], locate: Callable[[str], Path]) -> ManifestRow:
    row = {ALIASES.get((k or "").strip().lower(), (k or "").strip().lower()): nfc((v or "").strip())
           for k, v in raw.items() if k}
    where = f"{manifest.name}:{line}"
    if not row.get("file"):
        return ManifestRow(line, None, None, f"{where}: no file named")
    path = locate(row["file"])
    if not path.exists():
        return ManifestRow(line, path, None, f"{where}: {row['file']}: no such file")
    values = {k: v for k, v in row.items() if k in COLUMNS and k != "file"}
    try:
        meta = DocumentMeta.parse(**values)
    except SohoaError as exc:
        return ManifestRow(line, path, None, f"{where}: {exc}")
    return ManifestRow(line, path, meta, fields_given=given_fields(values), original_name=row.get(NAME_COLUMN, ""))
