"""The `ingest` flow: register each scan, recognise its pages concurrently, finish, report.

A thin wrapper over :mod:`sohoa.ingest`: Prefect adds retries of transient failures, the
bounded thread pool that keeps every core busy (Tesseract and Poppler run as subprocesses, one
Tesseract thread each), and a markdown artifact per document. The project's own record of every
page lives in the catalog.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context

from corpus.archive import Archive
from corpus.models import Document, Page
from ocr.pipeline import OcrOptions
from sohoa import head_start, heap
from sohoa import ingest as steps
from sohoa.errors import SohoaError, is_transient
from sohoa.settings import Settings
from flows.dask_runner import api_for_workers, close_archive, page_runner, worker_archive
from flows.runtime import flow_session


class Reporter(Protocol):
    """What the flow tells its caller as it goes (the CLI draws progress bars from it)."""

    def document_registered(self, job: steps.Job, registration: steps.Registration) -> None: ...
    def page_done(self, doc_id: str, page_no: int) -> None: ...
    def document_done(self, result: "DocumentResult") -> None: ...


@dataclass
class DocumentResult:
    path: str
    doc_id: str | None = None
    outcome: str = "failed"  # new | resumed | forced | already | failed
    document: Document | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry what may pass (a crashed subprocess, a busy disk), never a bad input."""
    try:
        state.result()
    except Exception as exc:
        return is_transient(exc)
    return False


# The catalog, not Prefect's result store, is the record of what is done: no task caching.
@task(name="register", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=_is_transient)
def register_task(archive: Archive, job: steps.Job, run_id: str, force: bool) -> steps.Registration:
    return steps.register(archive, job, run_id=run_id, force=force)


# Page tasks get the settings, not the open Archive (it holds an SQLAlchemy engine): on a Dask
# cluster they run in other processes, each of which opens the archive once (flows.dask_runner).
# The batch's first pages may have been recognised while Prefect started (sohoa.head_start).
@task(name="ocr-page", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=_is_transient)
def page_task(settings: Settings, doc_id: str, source: Any, page_no: int, options: OcrOptions, run_id: str) -> Page:
    return steps.process_page(worker_archive(settings), doc_id, source, page_no, options, run_id=run_id,
                              recognised=head_start.take(doc_id, page_no, options))


def _artifact(doc: Document, pages: list[Page], errors: list[str]) -> None:
    rows = "\n".join(
        f"| {p.page_no} | {p.word_count} | {p.mean_confidence if p.mean_confidence is not None else '–'} | "
        f"{'blank' if p.blank else ('needs review' if p.needs_review else 'ok')} |"
        for p in pages
    )
    problems = "".join(f"\n- {e}" for e in errors)
    create_markdown_artifact(
        key=f"ingest-{doc.id}",
        description=f"Ingest of {doc.original_name}",
        markdown=(f"# {doc.meta.title or doc.original_name} ({doc.id})\n\n"
                  f"Status **{doc.status}**, {doc.pages_done}/{doc.page_count} pages, "
                  f"mean word confidence {doc.mean_confidence or 0:.1f}, {doc.pages_review} to review.\n\n"
                  f"| page | words | confidence | state |\n|---|---|---|---|\n{rows}\n"
                  + (f"\n## Problems{problems}\n" if errors else "")),
    )


@task(name="searchable-pdf", cache_policy=NO_CACHE, retries=1)
def pdf_task(archive: Archive, doc: Document) -> None:
    steps.write_searchable_pdf(archive, doc)


@task(name="index-document", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def index_task(archive: Archive, doc_id: str) -> int:
    """Bring the search index up to date with one document (through the index's single writer)."""
    import search_index

    return search_index.update_document(archive, doc_id)


@flow(name="ingest", validate_parameters=False, log_prints=False)
def ingest_flow(settings: Settings, jobs: list[steps.Job], options: OcrOptions, force: bool = False,
                reporter: Any = None) -> list[DocumentResult]:
    """Ingest a batch of scans into the archive; one bad file never stops the others.

    ``reporter`` is a :class:`Reporter` (typed Any: Prefect builds a schema from the signature).
    """
    run_id = str(get_run_context().flow_run.id)
    archive = worker_archive(settings)
    results: list[DocumentResult] = []
    pending: list[tuple[DocumentResult, list[tuple[int, Future[Any]]]]] = []
    for job in jobs:
        result = DocumentResult(path=str(job.path))
        results.append(result)
        try:
            registration = register_task(archive, job, run_id, force)
        except SohoaError as exc:
            result.errors.append(str(exc))
            if reporter:
                reporter.document_done(result)
            continue
        result.doc_id, result.outcome = registration.doc_id, registration.outcome
        if reporter:
            reporter.document_registered(job, registration)
        futures = [(n, page_task.submit(settings, registration.doc_id, registration.source, n, options, run_id))
                   for n in registration.pages_todo]
        pending.append((result, futures))
    for result, futures in pending:
        _finish(archive, result, futures, run_id, reporter)
    return results


def _finish(archive: Archive, result: DocumentResult, futures: list[tuple[int, Any]], run_id: str,
            reporter: Reporter | None) -> None:
    assert result.doc_id is not None
    if result.outcome == "already":
        result.document = archive.catalog.document(result.doc_id)
        if reporter:
            reporter.document_done(result)
        return
    for page_no, future in futures:
        try:
            future.result()
        except SohoaError as exc:
            result.errors.append(f"page {page_no}: {exc}")
        except Exception as exc:  # an unexpected failure of one page must not stop the batch
            result.errors.append(f"page {page_no}: {type(exc).__name__}: {exc}")
        if reporter:
            reporter.page_done(result.doc_id, page_no)
    result.document = steps.finish_document(archive, result.doc_id, run_id=run_id, errors=result.errors)
    pages = archive.catalog.pages(result.doc_id)
    if result.document.status == "complete":
        try:
            pdf_task(archive, result.document)
        except Exception as exc:  # the text is archived; only the PDF copy is missing (`sohoa export` remakes it)
            result.errors.append(f"searchable PDF not written ({exc})")
    _artifact(result.document, pages, result.errors)
    if pages:
        try:
            index_task(archive, result.doc_id)
        except Exception as exc:  # the archive is complete; only search is behind (`sohoa reindex` mends it)
            result.errors.append(f"search index not updated ({exc}); run `sohoa reindex`")
    if result.document.status != "complete" and not result.errors:
        result.errors.append("some pages are missing")
    if reporter:
        reporter.document_done(result)


def run_ingest(settings: Settings, jobs: list[steps.Job], options: OcrOptions | None = None, *,
               force: bool = False, reporter: Reporter | None = None, cluster: str | None = None
               ) -> list[DocumentResult]:
    """Run the flow with a page pool as wide as ``settings.jobs``, or on the Dask cluster at ``cluster``."""
    heap.bound_page_memory()  # freed page arrays are reused or given back, not hoarded per thread
    with flow_session(settings, serve_api=not cluster), api_for_workers(cluster):
        configured = ingest_flow.with_options(task_runner=page_runner(settings, cluster))
        try:
            return configured(settings, jobs, options or OcrOptions(), force, reporter)
        finally:
            close_archive(settings)
