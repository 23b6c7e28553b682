"""The `ingest` flow: the calls of :mod:`sohoa.ingest` as Prefect tasks.

Prefect adds retries of transient failures, the bounded pool that keeps every core busy (or a
Dask cluster), a markdown artifact per document, and progress reports to the caller. What is
decided and written is the service's; the catalog, not Prefect's result store, records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context

from corpus.models import Document, Page
from flows.dask_runner import api_for_workers, close_archive, page_runner, worker_archive
from ocr.pipeline import OcrOptions
from sohoa import ingest as service
from sohoa import runtime
from sohoa.errors import SohoaError, is_transient
from sohoa.head_start import HeadStart
from sohoa.settings import Settings


class Reporter(Protocol):
    """What the flow tells its caller as it goes (the CLI draws progress bars from it)."""

    def document_registered(self, job: service.Job, registration: service.Registration) -> None: ...
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


class ProcessLocal:
    """What the flow uses in the command's own process only: the progress reporter and the head start.

    Prefect sends a flow's parameters with every task to a Dask worker (in the serialised flow run
    context); these hold locks and threads, and mean nothing on a worker, so they travel as an
    empty holder. Given as a parameter, they show in the flow's signature, not in a module global.
    """

    def __init__(self, reporter: Reporter | None = None, early: HeadStart | None = None) -> None:
        self.reporter, self.early = reporter, early

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return ProcessLocal, ()


def _is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry what may pass (a crashed subprocess, a busy disk), never a bad input."""
    try:
        state.result()
    except Exception as exc:
        return is_transient(exc)
    return False


# Tasks get the settings, not an open Archive (it holds an SQLAlchemy engine): on a Dask cluster
# page tasks run in other processes, each of which opens the archive once (flows.dask_runner).
@task(name="register", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=_is_transient)
def register_task(settings: Settings, todo: service.Todo, run_id: str) -> service.Registration:
    return service.register(worker_archive(settings), todo, run_id=run_id)


@task(name="ocr-page", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=_is_transient)
def page_task(settings: Settings, doc_id: str, source: Any, page_no: int, options: OcrOptions, run_id: str,
              early: Any = None) -> Page:
    """``early``: the head start's reading of this page (a concurrent Future), never on a cluster."""
    return service.recognize_page(worker_archive(settings), doc_id, source, page_no, options, run_id=run_id,
                                  early=early)


@task(name="finish", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, retry_condition_fn=_is_transient)
def finish_task(settings: Settings, doc_id: str, run_id: str, page_errors: list[str]) -> service.Finished:
    return service.finish(worker_archive(settings), doc_id, run_id=run_id, page_errors=page_errors)


def _artifact(doc: Document, pages: list[Page], errors: tuple[str, ...]) -> None:
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


@flow(name="ingest", validate_parameters=False, log_prints=False)
def ingest_flow(settings: Settings, todos: list[service.Todo], options: OcrOptions, local: Any = None
                ) -> list[DocumentResult]:
    """Ingest a planned batch; one bad file never stops the others.

    ``local`` is a :class:`ProcessLocal` (typed Any: Prefect builds a schema from the signature).
    """
    local = local or ProcessLocal()
    reporter, early = local.reporter, local.early
    run_id = str(get_run_context().flow_run.id)
    started: list[tuple[DocumentResult, list[tuple[int, Any]]]] = []
    results = [DocumentResult(path=str(todo.job.path), doc_id=todo.doc_id, outcome=todo.outcome) for todo in todos]
    for todo, result in zip(todos, results):
        if not todo.has_work:
            _report_unworked(settings, todo, result, reporter)
            continue
        try:
            registration = register_task(settings, todo, run_id)
        except SohoaError as exc:
            result.outcome = "failed"
            result.errors.append(str(exc))
            _done(reporter, result)
            continue
        if reporter:
            reporter.document_registered(todo.job, registration)
        started.append((result, [(n, page_task.submit(settings, registration.doc_id, registration.source, n, options,
                                                       run_id, early and early.claim(registration.doc_id, n, options)))
                                 for n in registration.pages_todo]))
    for result, pages in started:
        _finish(settings, result, pages, run_id, reporter)
    return results


def _report_unworked(settings: Settings, todo: service.Todo, result: DocumentResult, reporter: Reporter | None) -> None:
    if todo.outcome == "refused":
        result.outcome = "failed"
        result.errors.append(todo.error or "refused")
    else:
        result.document = worker_archive(settings).catalog.document(todo.doc_id or "")
    _done(reporter, result)


def _finish(settings: Settings, result: DocumentResult, pages: list[tuple[int, Any]], run_id: str,
            reporter: Reporter | None) -> None:
    assert result.doc_id is not None
    page_errors: list[str] = []
    for page_no, future in pages:
        try:
            future.result()
        except Exception as exc:  # noqa: BLE001 - one failed page is reported, the others go on
            page_errors.append(service.page_error(page_no, exc))
        if reporter:
            reporter.page_done(result.doc_id, page_no)
    try:
        finished = finish_task(settings, result.doc_id, run_id, page_errors)
    except SohoaError as exc:
        result.errors.extend([*page_errors, str(exc)])
    else:
        result.document, result.errors = finished.document, list(finished.errors)
        _artifact(finished.document, worker_archive(settings).catalog.pages(result.doc_id), finished.errors)
    _done(reporter, result)


def _done(reporter: Reporter | None, result: DocumentResult) -> None:
    if reporter:
        reporter.document_done(result)


def run_ingest(settings: Settings, todos: list[service.Todo], options: OcrOptions | None = None, *,
               reporter: Reporter | None = None, cluster: str | None = None, early: HeadStart | None = None
               ) -> list[DocumentResult]:
    """Run the flow with a page pool as wide as ``settings.jobs``, or on the Dask cluster at ``cluster``."""
    runtime.tune_page_process()
    with runtime.flow_session(settings, serve_api=not cluster), api_for_workers(cluster):
        configured = ingest_flow.with_options(task_runner=page_runner(settings, cluster))
        try:
            return configured(settings, todos, options or OcrOptions(), ProcessLocal(reporter, None if cluster else early))
        finally:
            close_archive(settings)
