"""The ingest path as plain functions: register a scan, recognise its pages, finish the document.

``flows/ingest.py`` wraps these in Prefect tasks; tests and other callers use them directly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus.archive import Archive, doc_id_for, sha256_of, write_atomic
from corpus.models import Document, DocumentMeta, Page
from ocr.pdfmeta import DocumentInfo
from ocr.pipeline import OcrOptions, PageOutcome, ocr_page
from ocr.recognize import language_data, tesseract_version
from ocr.sources import FOLDER_MEDIA_TYPE, Source, open_source

LISTING_SUFFIX = ".pages.json"  # the stored original of a folder of page images: its members, in order


@dataclass(frozen=True)
class Job:
    """One document to ingest: a file or folder and what the archivist says about it."""

    path: Path
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    # Fields the archivist gave: on --force they replace the archived metadata, the rest is kept.
    fields_given: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Registration:
    doc_id: str
    outcome: str  # new | resumed | forced | already
    source: Source  # the archived copy, ready to render
    pages_todo: tuple[int, ...]

    @property
    def page_count(self) -> int:
        return self.source.page_count


def provenance(options: OcrOptions) -> dict[str, object]:
    return {"tesseract": tesseract_version(), "language_data": language_data(options.language)}


def archived_already(archive: Archive, path: Path) -> Document | None:
    """The complete document whose original is the file ``path``, if any (a cheap look-up by hash)."""
    if not path.is_file():
        return None
    doc = archive.catalog.document_by_sha256(sha256_of(path))
    return doc if doc is not None and doc.status == "complete" else None


def register(archive: Archive, job: Job, *, run_id: str, force: bool = False) -> Registration:
    """Check a scan, store its original (once, by hash) and catalog it; say which pages remain."""
    source = open_source(job.path)
    sha256, stored = _store(archive, source)
    catalog = archive.catalog
    existing = catalog.document_by_sha256(sha256)
    doc_id = existing.id if existing else doc_id_for(sha256)
    archived = archived_source(archive, stored, source.media_type, source.page_count)
    if existing is None:
        catalog.add_document(Document(
            id=doc_id, meta=job.meta, original_name=job.path.name, sha256=sha256, original_path=stored,
            media_type=source.media_type, page_count=source.page_count, status="registered",
        ))
        catalog.log_event(run_id, "register", doc_id=doc_id, original=str(job.path), sha256=sha256)
        return Registration(doc_id, "new", archived, tuple(range(1, source.page_count + 1)))
    if force:
        catalog.delete_pages(doc_id)
        catalog.update_document(doc_id, meta=existing.meta.updated(job.meta, job.fields_given), status="registered")
        catalog.log_event(run_id, "force", doc_id=doc_id, original=str(job.path))
        return Registration(doc_id, "forced", archived, tuple(range(1, source.page_count + 1)))
    done = catalog.page_numbers(doc_id)
    todo = tuple(n for n in range(1, source.page_count + 1) if n not in done)
    if not todo and existing.status == "complete":
        return Registration(doc_id, "already", archived, ())
    catalog.log_event(run_id, "resume", doc_id=doc_id, pages_done=len(done), pages_todo=len(todo))
    return Registration(doc_id, "resumed", archived, todo)


def _store(archive: Archive, source: Source) -> tuple[str, str]:
    """Store the original(s); return the document's fingerprint and its stored path."""
    if source.media_type != FOLDER_MEDIA_TYPE:
        sha256 = sha256_of(source.path)
        return sha256, archive.store_original(source.path, sha256)
    members = [archive.store_original(member, sha256_of(member)) for member in source.members]
    listing = json.dumps({"folder": source.path.name, "pages": members}, ensure_ascii=False, indent=1)
    sha256 = hashlib.sha256(listing.encode("utf-8")).hexdigest()
    staged = archive.root / "tmp" / f"{sha256}{LISTING_SUFFIX}"
    write_atomic(staged, listing)
    stored = archive.store_original(staged, sha256)
    staged.unlink()
    return sha256, stored


def archived_source(archive: Archive, stored: str, media_type: str, page_count: int) -> Source:
    """The archived copy of an original as a Source: pages are always rendered from the archive."""
    path = archive.path(stored)
    if media_type == FOLDER_MEDIA_TYPE:
        listing = json.loads(path.read_text(encoding="utf-8"))
        members = tuple(archive.path(member) for member in listing["pages"])
        return Source(path, media_type, len(members), members)
    return Source(path, media_type, page_count)


def process_page(archive: Archive, doc_id: str, source: Source, page_no: int, options: OcrOptions,
                 *, run_id: str, recognised: PageOutcome | None = None) -> Page:
    """Recognise one page (unless it is ``recognised`` already) and archive it atomically (files,
    then the catalog row)."""
    outcome = recognised or ocr_page(source, doc_id, page_no, options)
    page = archive.save_page(outcome.page, outcome.files)
    archive.catalog.log_event(run_id, "ocr", doc_id=doc_id, page_no=page_no, psm=page.quality.get("psm"),
                              mean_confidence=page.mean_confidence, **provenance(options))
    return page


def finish_document(archive: Archive, doc_id: str, *, run_id: str, errors: list[str] | None = None) -> Document:
    """Write the document's text and mark it complete (or failed, if pages are missing)."""
    doc = archive.catalog.document(doc_id)
    assert doc is not None, f"finish_document called for unknown document {doc_id}"
    complete = doc.pages_done == doc.page_count
    archive.write_document_text(doc_id)
    archive.catalog.update_document(doc_id, status="complete" if complete else "failed")
    archive.catalog.log_event(run_id, "finish", doc_id=doc_id, complete=complete, errors=errors or [])
    finished = archive.catalog.document(doc_id)
    assert finished is not None
    return finished


SEARCHABLE_PDF = "searchable.pdf"  # documents/DOC/searchable.pdf: page images with an invisible text layer


def write_searchable_pdf(archive: Archive, doc: Document) -> Path:
    """Lay every page's words over its original page (or page image) in one PDF that names itself."""
    from ocr.pdf import PageLayer, searchable_pdf
    from ocr.sources import render_page

    source = archived_source(archive, doc.original_path, doc.media_type, doc.page_count)

    def layers() -> Iterator[PageLayer]:  # one page image at a time, never the whole book
        for page in archive.catalog.pages(doc.id):
            layer = PageLayer(archive.page_words(doc.id, page.page_no), (page.width, page.height), page.dpi, page.steps)
            if not source.is_pdf:
                rendered = render_page(source, page.page_no)
                layer.image, layer.image_dpi = rendered.image, rendered.dpi
                layer.image_file = source.members[page.page_no - 1] if source.members else \
                    (source.path if source.page_count == 1 else None)
            yield layer

    out = archive.document_dir(doc.id) / SEARCHABLE_PDF
    return searchable_pdf(layers(), out, source.path if source.is_pdf else None, document_info(doc.meta))


def document_info(meta: DocumentMeta) -> DocumentInfo:
    """The catalog's description of a document as its PDF carries it (Info, XMP, /Lang vi)."""
    places = tuple(meta.places)
    return DocumentInfo(title=meta.title, author=meta.author, subject=", ".join(p for p in (meta.collection, *places) if p),
                        keywords=tuple(k for k in (*places, meta.collection) if k), year=meta.year)


def searchable_pdf_of(archive: Archive, doc: Document) -> Path:
    """The document's searchable PDF, made now if the ingest did not make it."""
    path = archive.document_dir(doc.id) / SEARCHABLE_PDF
    return path if path.exists() else write_searchable_pdf(archive, doc)
