"""A batch as an archivist asks for it, planned against the archive, and the lines that report it.

`sohoa ingest` and the deployed ingest flow (`flows.deployments`, started from the Prefect UI) both
go through these functions before and after the ingest flow, so that a run started from either
archives the same documents and reports them in the same words.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.archive import Archive
from corpus.manifest import read_manifest
from corpus.models import Document, DocumentMeta, given_fields
from sohoa.ingest import Job, Todo, plan, withdraw_forced
from sohoa.settings import Settings

if TYPE_CHECKING:  # the flow's module imports Prefect
    from flows.ingest import DocumentResult


@dataclass(frozen=True)
class StartedBy:
    """Who started a run and through what: recorded in the run's provenance ("start" event)."""

    who: str  # a person (the CLI's user, the name typed in the Prefect form) or "schedule"
    via: str  # "cli", "prefect deployment ingest-files", "watch /srv/inbox"

    @classmethod
    def command_line(cls) -> StartedBy:
        return cls(getpass.getuser(), "cli")


def collect_jobs(paths: list[Path], manifest: Path | None, fields: dict[str, object]) -> tuple[list[Job], list[str]]:
    """The documents asked for (``fields`` apply to every path; a manifest gives each row its
    own) and one error line per refused manifest row."""
    meta = DocumentMeta.parse(**fields)  # type: ignore[arg-type]
    jobs = [Job(path, meta, given_fields(fields)) for path in paths]
    refused = []
    for row in read_manifest(manifest) if manifest else []:
        if row.error:
            refused.append(f"✗ {row.error}")
        else:
            assert row.path is not None and row.meta is not None
            jobs.append(Job(row.path, row.meta, row.fields_given))
    return jobs, refused


def plan_batch(settings: Settings, jobs: list[Job], *, force: bool) -> list[Todo]:
    """Look in the archive once, before Prefect starts: what remains to do for each file. Redone
    documents' access changes take effect now, before any slow work."""
    archive = None
    if (settings.home / "catalog.sqlite").exists() or not settings.database_url.startswith("sqlite"):
        archive = Archive(settings)  # a new local archive has no catalog to look in yet
    try:
        todos = plan(archive, jobs, force=force)
        if archive is not None:
            withdraw_forced(archive, todos)
        return todos
    finally:
        if archive is not None:
            archive.close()


def already_archived_line(path: str, doc: Document) -> str:
    return f"= {path}: already archived as {doc.id} ({doc.page_count} pages)"


def unworked_lines(todos: list[Todo]) -> list[str]:
    """A line for each file archived already, given twice, or refused (these start with ✗)."""
    lines = []
    for todo in todos:
        if todo.outcome == "already" and todo.document is not None:
            lines.append(already_archived_line(str(todo.job.path), todo.document))
        elif todo.outcome == "duplicate":
            lines.append(f"= {todo.error}")
        elif todo.outcome == "refused":
            lines.append(f"✗ {todo.error}")
    return lines


def result_lines(result: DocumentResult) -> list[str]:
    """What became of one document the flow worked on; errors start with ✗."""
    doc, lines = result.document, []
    if result.outcome == "already" and doc is not None:
        lines.append(already_archived_line(result.path, doc))
    elif doc is not None and result.ok:
        confidence = f"{doc.mean_confidence:.1f}" if doc.mean_confidence is not None else "–"
        lines.append(f"✓ {doc.id}  {result.path}: {doc.page_count} pages, mean word confidence {confidence}, "
                     f"{doc.pages_review} flagged for review")
    for error in result.errors:
        where = "" if error.startswith(result.path) else f"{result.path}: "
        lines.append(f"✗ {where}{error}")
    return lines


def summary_line(settings: Settings, results: list[DocumentResult], done_before: list[Document],
                 failures: int) -> str:
    """The closing line; ``failures`` counts what failed before the flow (refused files, rows)."""
    if not results and not failures:
        return f"{len(done_before)} documents already archived in {settings.home}"
    done = [r.document for r in results if r.ok and r.document] + done_before
    pages = sum(d.page_count for d in done)
    review = sum(d.pages_review for d in done)
    return (f"{len(done)} documents, {pages} pages archived in {settings.home}; {review} pages to review"
            + (f"; {failures} failed" if failures else ""))
