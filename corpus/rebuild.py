"""Rebuild a lost or damaged catalog from the archive folder: documents/DOC/metadata.json and each
page's page.json + text.txt (corpus.records), checked against the originals on disk.

The new catalog is built beside the old one and swapped in with one rename; the old file (if any)
is kept as ``catalog.sqlite.damaged-TIME`` for whoever wants to look into it. The event log lived
in the old catalog: the new one starts with one ``rebuild`` event per document.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.archive import DOCUMENT_RECORD, PAGE_RECORD, PAGE_TEXT, Archive
from corpus.migrations import MIGRATE_LOCK
from corpus.records import read_document_record, read_page_record
from sohoa.errors import BadArgsError
from sohoa.settings import Settings

SQLITE_SIDE_FILES = ("-wal", "-shm")


@dataclass
class Rebuilt:
    documents: int = 0
    pages: int = 0
    kept_aside: Path | None = None  # the damaged catalog, moved out of the way
    problems: list[str] = field(default_factory=list)  # what could not be rebuilt, one line each


def rebuild_catalog(settings: Settings, progress: Callable[[str], None] | None = None) -> Rebuilt:
    catalog = settings.catalog_file
    if not settings.local_catalog:
        raise BadArgsError("rebuild-catalog rebuilds the archive's own SQLite catalog; a server database "
                           "(SOHOA_DATABASE_URL) is restored from its backups")
    building = catalog.with_name(f".catalog.sqlite.rebuilding-{os.getpid()}")
    for stale in [building, *(building.with_name(building.name + s) for s in SQLITE_SIDE_FILES)]:
        stale.unlink(missing_ok=True)
    report = Rebuilt()
    archive = Archive(replace(settings, database_url=f"sqlite:///{building}"), rebuilding=True)
    try:
        originals = _add_documents(archive, report, progress)
        report.problems += [f"{path}: bản gốc không có tài liệu / original without a document (no {DOCUMENT_RECORD}): "
                            "ingest it again" for path in _originals_on_disk(archive) - originals
                            - archive.kept_originals()]
    finally:
        archive.close()
        Path(f"{building}{MIGRATE_LOCK}").unlink(missing_ok=True)
    report.kept_aside = _set_aside(catalog)
    os.replace(building, catalog)
    return report


def _add_documents(archive: Archive, report: Rebuilt, progress: Callable[[str], None] | None) -> set[str]:
    """Catalog every document folder that holds its record; return the originals they account for."""
    run_id = f"rebuild-{uuid.uuid4().hex[:12]}"
    originals: set[str] = set()
    for folder in archive.document_dirs():
        if not (folder / DOCUMENT_RECORD).exists():
            report.problems.append(f"{folder}: không có / no {DOCUMENT_RECORD} (archived before sohoa wrote it): "
                                   "ingest its original again")
            continue
        doc = read_document_record(folder / DOCUMENT_RECORD)
        originals |= {doc.original_path, *archive.stored_members(doc.original_path)}
        pages = [read_page_record(p / PAGE_RECORD, p / PAGE_TEXT) for p in archive.page_dirs(doc.id)
                 if (p / PAGE_RECORD).exists()]
        # A document is complete again only with every page: otherwise a rerun of its ingest resumes it.
        status = doc.status if len(pages) == doc.page_count else "registered"
        archive.catalog.add_document(replace(doc, status=status))
        for page in pages:
            archive.catalog.save_page(page)
        archive.catalog.log_event(run_id, "rebuild", doc_id=doc.id, pages=len(pages), status=status)
        report.documents += 1
        report.pages += len(pages)
        if progress:
            progress(doc.id)
    return originals


def _originals_on_disk(archive: Archive) -> set[str]:
    return {archive.relative(p) for p in archive.stored_originals()}


def _set_aside(catalog: Path) -> Path | None:
    """Move the old catalog out of the way with its side files, an empty one's too: a write-ahead
    log left by the lost catalog would be replayed into the new one (SQLite: "malformed")."""
    if catalog.exists() and catalog.stat().st_size == 0:
        catalog.unlink()
    present = [suffix for suffix in ("", *SQLITE_SIDE_FILES) if Path(f"{catalog}{suffix}").exists()]
    if not present:
        return None
    aside = catalog.with_name(f"{catalog.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
    for suffix in present:
        os.replace(f"{catalog}{suffix}", f"{aside}{suffix}")
    return aside
