"""The ingest service: plan → register → pages → finish, as plain functions.

Everything ingest decides and writes is here; the command (`sohoa.cli.ingest`), the Prefect flow
(`flows.ingest`, which adds retries, concurrency and artifacts) and tests call the same functions.

- :func:`plan` looks at each file once (its one hash) and decides what remains to do for it.
- :func:`register` stores the original and writes the catalog row; on ``--force`` the new
  metadata (access first) reach the catalog and the search index before any page is redone.
- :func:`recognise_page` reads one page and archives it atomically; ``early`` is the page as the
  head start (`sohoa.head_start`) already recognised it, passed in.
- :func:`finish` writes what the pages make (text, searchable PDF, index entry) and only then
  marks the document complete: a run killed before that leaves it unfinished, and a rerun or
  ``sohoa verify --repair`` finishes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from corpus.archive import (LISTING_SUFFIX, Archive, doc_id_for, original_location, sha256_of,
                            write_atomic)
from corpus.models import Document, DocumentMeta, Page
from ocr.pdfmeta import DocumentInfo
from ocr.pipeline import OcrOptions, PageOutcome, ocr_page
from ocr.recognize import language_data, tesseract_version
from ocr.sources import FOLDER_MEDIA_TYPE, Source, open_source
from sohoa import runtime
from sohoa.errors import InputFileError, SohoaError

@dataclass(frozen=True)
class Job:
    """One document to ingest: a file or folder and what the archivist says about it."""

    path: Path
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    # Fields the archivist gave: on --force they replace the archived metadata, the rest is kept.
    fields_given: frozenset[str] = frozenset()
    started_by: str = ""  # who asked for it (an editor's name, a user): in the provenance events
    original_name: str = ""  # the original's name to record, when not the file's (an upload's own name)


@dataclass(frozen=True)
class Fingerprint:
    """A document's SHA-256; for a folder, the hash of its listing, and each page image's own."""

    sha256: str
    members: tuple[str, ...] = ()  # a folder's page images' hashes, in page order


@dataclass(frozen=True)
class Todo:
    """What remains to do for one file: the one decision, made from its one hash.

    ``outcome``: new | resumed (pages or only the finish remain) | forced | already | duplicate (of
    an earlier job of the batch) | refused (``error`` says why).
    """

    job: Job
    outcome: str
    source: Source | None = None  # the file as given
    fingerprint: Fingerprint | None = None
    doc_id: str | None = None
    pages: tuple[int, ...] = ()  # pages still to recognise
    document: Document | None = None  # the catalog row it continues, if any
    error: str | None = None  # why it was refused, or whose duplicate it is

    @property
    def has_work(self) -> bool:
        return self.outcome not in ("already", "duplicate", "refused")


@dataclass(frozen=True)
class Registration:
    doc_id: str
    outcome: str  # new | resumed | forced
    source: Source  # the archived copy, ready to render
    pages_todo: tuple[int, ...]

    @property
    def page_count(self) -> int:
        return self.source.page_count


@dataclass(frozen=True)
class Finished:
    document: Document
    errors: tuple[str, ...] = ()


# -- plan ----------------------------------------------------------------------------------------
def plan(archive: Archive | None, jobs: Sequence[Job], *, force: bool = False) -> list[Todo]:
    """What remains to do for each job, in order (``archive`` None: a new archive, all is new).
    A document given twice in the batch is done once: the later ones are ``duplicate``."""
    todos: list[Todo] = []
    first: dict[str, Path] = {}
    for job in jobs:
        todo = plan_job(archive, job, force=force)
        if todo.fingerprint is not None and todo.fingerprint.sha256 in first:
            earlier = first[todo.fingerprint.sha256]
            same = "given twice" if earlier == job.path else f"the same document as {earlier}"
            todo = Todo(job, "duplicate", doc_id=todo.doc_id, error=f"{job.path}: {same}, done once")
        elif todo.fingerprint is not None:
            first[todo.fingerprint.sha256] = job.path
        todos.append(todo)
    return todos


def plan_job(archive: Archive | None, job: Job, *, force: bool = False) -> Todo:
    try:
        source = open_source(job.path)
        fingerprint = fingerprint_of(source)
    except SohoaError as exc:
        return Todo(job, "refused", error=str(exc))
    every = tuple(range(1, source.page_count + 1))
    existing = archive.catalog.document_by_sha256(fingerprint.sha256) if archive is not None else None
    if existing is None:
        return Todo(job, "new", source, fingerprint, doc_id_for(fingerprint.sha256), every)
    if force:
        return Todo(job, "forced", source, fingerprint, existing.id, every, existing)
    assert archive is not None
    todo = _remaining(archive, existing.id, source.page_count)
    outcome = "already" if not todo and existing.status == "complete" else "resumed"
    return Todo(job, outcome, source, fingerprint, existing.id, todo, existing)


def _remaining(archive: Archive, doc_id: str, page_count: int) -> tuple[int, ...]:
    done = archive.catalog.page_numbers(doc_id)
    return tuple(n for n in range(1, page_count + 1) if n not in done)


def fingerprint_of(source: Source) -> Fingerprint:
    try:
        if source.media_type != FOLDER_MEDIA_TYPE:
            return Fingerprint(sha256_of(source.path))
        members = tuple(sha256_of(member) for member in source.members)
    except OSError as exc:
        raise InputFileError(f"{source.path}: không đọc được / cannot read ({exc.strerror})") from None
    listing = _listing(source, members)
    return Fingerprint(hashlib.sha256(listing.encode("utf-8")).hexdigest(), members)


def _listing(source: Source, members: tuple[str, ...]) -> str:
    """The stored original of a folder: where each of its page images is archived, in order."""
    stored = [original_location(sha, member.suffix) for sha, member in zip(members, source.members, strict=True)]
    return json.dumps({"folder": source.path.name, "pages": stored}, ensure_ascii=False, indent=1)


# -- register ------------------------------------------------------------------------------------
def register(archive: Archive, todo: Todo, *, run_id: str) -> Registration:
    """Store the original (once, by hash) and write the catalog row the plan decided on."""
    assert todo.source is not None and todo.fingerprint is not None and todo.doc_id is not None, todo.outcome
    job, doc_id, catalog = todo.job, todo.doc_id, archive.catalog
    if todo.outcome == "forced":
        withdraw_forced(archive, [todo])
        catalog.delete_pages(doc_id)
        catalog.log_event(run_id, "force", doc_id=doc_id, original=str(job.path), by=job.started_by)
    stored = _store(archive, todo.source, todo.fingerprint)
    pages, outcome = todo.pages, todo.outcome
    if outcome == "new" and catalog.document(doc_id) is not None:
        # another command registered it since this one's plan: continue it, do not add it again
        pages, outcome = _remaining(archive, doc_id, todo.source.page_count), "resumed"
    if outcome == "new":
        catalog.add_document(Document(
            id=doc_id, meta=job.meta, original_name=job.original_name or job.path.name, sha256=todo.fingerprint.sha256,
            original_path=stored, media_type=todo.source.media_type, page_count=todo.source.page_count,
            status="registered"))
        catalog.log_event(run_id, "register", doc_id=doc_id, original=str(job.path), sha256=todo.fingerprint.sha256,
                          by=job.started_by)
    elif outcome == "resumed":
        catalog.log_event(run_id, "resume", doc_id=doc_id, pages_done=todo.source.page_count - len(pages),
                          pages_todo=len(pages), by=job.started_by)
    archived = archived_source(archive, stored, todo.source.media_type, todo.source.page_count)
    return Registration(doc_id, outcome, archived, pages)


def withdraw_forced(archive: Archive, todos: Sequence[Todo]) -> None:
    """Redone (``forced``) documents leave every public surface before any slow work (Prefect's
    start, the head start, the pages): the index forgets each until its finish, then its catalog
    row takes the new metadata (the web pages read access there). In this order, whenever the
    catalog says internal, search does too; a kill between the two leaves the document hidden,
    never shown (`sohoa reindex` brings it back). Idempotent: :func:`register` does it again for
    callers that go straight to it."""
    import search_index  # imported when needed: it would delay the head start by ~0.3 s

    for todo in todos:
        if todo.outcome == "forced" and todo.document is not None:
            search_index.remove_document(archive, todo.document.id)
            archive.catalog.update_document(todo.document.id, status="registered",
                                            meta=todo.document.meta.updated(todo.job.meta, todo.job.fields_given))


def withdraw_and_delete(archive: Archive, doc_id: str) -> None:
    """Delete a document: out of the search index first, then its rows and derived files."""
    import search_index

    search_index.remove_document(archive, doc_id)
    archive.delete_document(doc_id)


def _store(archive: Archive, source: Source, fingerprint: Fingerprint) -> str:
    """Store the original(s); return the document's stored path."""
    if source.media_type != FOLDER_MEDIA_TYPE:
        return archive.store_original(source.path, fingerprint.sha256)
    for member, sha256 in zip(source.members, fingerprint.members, strict=True):
        archive.store_original(member, sha256)
    staged = archive.root / "tmp" / f"{fingerprint.sha256}{LISTING_SUFFIX}"
    write_atomic(staged, _listing(source, fingerprint.members))
    stored = archive.store_original(staged, fingerprint.sha256)
    staged.unlink()
    return stored


def archived_source(archive: Archive, stored: str, media_type: str, page_count: int) -> Source:
    """The archived copy of an original as a Source: pages are always rendered from the archive."""
    path = archive.path(stored)
    if media_type == FOLDER_MEDIA_TYPE:
        listing = json.loads(path.read_text(encoding="utf-8"))
        members = tuple(archive.path(member) for member in listing["pages"])
        return Source(path, media_type, len(members), members)
    return Source(path, media_type, page_count)


# -- pages ---------------------------------------------------------------------------------------
def provenance(options: OcrOptions) -> dict[str, object]:
    return {"tesseract": tesseract_version(), "language_data": language_data(options.language)}


def recognize_page(archive: Archive, doc_id: str, source: Source, page_no: int, options: OcrOptions,
                   *, run_id: str, early: Future[PageOutcome] | None = None) -> Page:
    """Recognise one page (or take ``early``, the head start's reading of it, if that succeeded)
    and archive it atomically: files, then the catalog row, then its provenance."""
    runtime.tune_page_process()
    outcome = _taken(early) or ocr_page(source, doc_id, page_no, options)
    page = archive.save_page(outcome.page, outcome.files)
    archive.catalog.log_event(run_id, "ocr", doc_id=doc_id, page_no=page_no, psm=page.quality.get("psm"),
                              mean_confidence=page.mean_confidence, **provenance(options))
    return page


def page_error(page_no: int, exc: Exception) -> str:
    """A failed page in the run's report: sohoa's own errors in their words, anything else named."""
    return f"page {page_no}: {exc}" if isinstance(exc, SohoaError) else f"page {page_no}: {type(exc).__name__}: {exc}"


def _taken(early: Future[PageOutcome] | None) -> PageOutcome | None:
    if early is None:
        return None
    try:
        return early.result()
    except Exception:  # noqa: BLE001 - the page is read again here, and its own failure reported
        return None


# -- finish --------------------------------------------------------------------------------------
def finish(archive: Archive, doc_id: str, *, run_id: str, page_errors: Sequence[str] = ()) -> Finished:
    """Write the document's text, searchable PDF and index entry, then its status: ``complete``
    only when every page and all of these are done. Idempotent: safe to run again after a kill."""
    import search_index

    doc = archive.catalog.document(doc_id)
    if doc is None:
        raise SohoaError(f"document {doc_id} left the catalog while it was being ingested")
    errors = list(page_errors)
    archive.write_document_text(doc_id)
    if doc.pages_done == doc.page_count:
        try:
            write_searchable_pdf(archive, doc)
        except Exception as exc:  # noqa: BLE001 - the pages are archived; a rerun writes the PDF again
            errors.append(f"searchable PDF not written ({exc})")
    elif not errors:
        errors.append("some pages are missing")
    if doc.pages_done:
        try:
            search_index.update_document(archive, doc_id)
        except Exception as exc:  # noqa: BLE001 - the pages are archived; a rerun or `sohoa reindex` mends it
            errors.append(f"search index not updated ({exc}); run the ingest again or `sohoa reindex`")
    archive.catalog.update_document(doc_id, status="failed" if errors else "complete")
    archive.catalog.log_event(run_id, "finish", doc_id=doc_id, complete=not errors, errors=errors)
    finished = archive.catalog.document(doc_id)
    assert finished is not None
    return Finished(finished, tuple(errors))


def ingest_plainly(archive: Archive, jobs: Sequence[Job], options: OcrOptions | None = None, *,
                   force: bool = False, run_id: str = "plain") -> list[Finished]:
    """The whole journey without Prefect, a page at a time: what the flow does, less its retries,
    concurrency and artifacts. Files archived already or refused are left out of the result."""
    finished = []
    for todo in plan(archive, jobs, force=force):
        if not todo.has_work:
            continue
        registration = register(archive, todo, run_id=run_id)
        errors = []
        for page_no in registration.pages_todo:
            try:
                recognize_page(archive, registration.doc_id, registration.source, page_no, options or OcrOptions(),
                               run_id=run_id)
            except Exception as exc:  # noqa: BLE001 - one failed page is reported, the others go on
                errors.append(page_error(page_no, exc))
        finished.append(finish(archive, registration.doc_id, run_id=run_id, page_errors=errors))
    return finished


def finish_unfinished(archive: Archive, *, run_id: str) -> list[Finished]:
    """Finish every document whose pages are all archived but whose finish did not complete (a run
    killed after its last page): what `sohoa verify --repair` does."""
    return [finish(archive, doc.id, run_id=run_id) for doc in archive.catalog.documents()
            if doc.status != "complete" and doc.pages_done == doc.page_count]


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

    out = archive.searchable_pdf_path(doc.id)
    return searchable_pdf(layers(), out, source.path if source.is_pdf else None, document_info(doc.meta))


def document_info(meta: DocumentMeta) -> DocumentInfo:
    """The catalog's description of a document as its PDF carries it (Info, XMP, /Lang vi)."""
    places = tuple(meta.places)
    return DocumentInfo(title=meta.title, author=meta.author, subject=", ".join(p for p in (meta.collection, *places) if p),
                        keywords=tuple(k for k in (*places, meta.collection) if k), year=meta.year)


def searchable_pdf_of(archive: Archive, doc: Document) -> Path:
    """The document's searchable PDF, made now if the ingest did not make it."""
    path = archive.searchable_pdf_path(doc.id)
    return path if path.exists() else write_searchable_pdf(archive, doc)
