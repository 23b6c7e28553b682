"""`sohoa ingest`: scans in, Vietnamese text out, kept safe in the archive."""

from __future__ import annotations

import errno
import getpass
import os
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from corpus.archive import Archive, refuse_lost_catalog
from corpus.manifest import read_manifest
from corpus.models import ACCESS_LEVELS, KINDS, Document, DocumentMeta, given_fields
from ocr.pipeline import OcrOptions
from sohoa import runtime
from sohoa.errors import ExitCode, disk_full
from sohoa.head_start import head_start
from sohoa.ingest import Job, Todo, plan, withdraw_forced
from sohoa.runs import Outcome, command_run
from sohoa.settings import Settings

if TYPE_CHECKING:  # the flow's module imports Prefect: only once there is work (sohoa.runtime.load_flows)
    from flows.ingest import DocumentResult

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def already_archived_line(path: str, doc: Document) -> str:
    return f"= {path}: already archived as {doc.id} ({doc.page_count} pages)"


class ProgressReporter:
    """Two bars (documents, pages) and one line per finished document."""

    def __init__(self, progress: Progress, documents: int) -> None:
        self.progress = progress
        self.docs = progress.add_task("tài liệu / documents", total=documents)
        self.pages = progress.add_task("trang / pages", total=0)

    def document_registered(self, job, registration) -> None:  # noqa: ANN001 (see flows.ingest.Reporter)
        self.progress.update(self.pages, total=(self.progress.tasks[self.pages].total or 0)
                             + len(registration.pages_todo))

    def page_done(self, doc_id: str, page_no: int) -> None:
        self.progress.advance(self.pages)

    def document_done(self, result) -> None:  # noqa: ANN001
        self.progress.advance(self.docs)
        doc = result.document
        if result.outcome == "already" and doc is not None:
            self.progress.console.print(already_archived_line(result.path, doc), soft_wrap=True)
        elif doc is not None and result.ok:
            confidence = f"{doc.mean_confidence:.1f}" if doc.mean_confidence is not None else "–"
            self.progress.console.print(
                f"✓ {doc.id}  {result.path}: {doc.page_count} pages, mean word confidence {confidence}, "
                f"{doc.pages_review} flagged for review", soft_wrap=True)
        for error in result.errors:
            where = "" if error.startswith(result.path) else f"{result.path}: "
            self.progress.console.print(f"✗ {where}{error}", style="red", soft_wrap=True)


def _open_archive(settings: Settings) -> Archive | None:
    """The archive, if there is one to look in (a new local archive has no catalog yet)."""
    refuse_lost_catalog(settings)  # a lost catalog is said before Prefect starts, not once per file
    if settings.local_catalog and not settings.catalog_file.exists():
        return None
    return Archive(settings)


def _plan(settings: Settings, jobs: list[Job], *, force: bool) -> list[Todo]:
    """Look in the archive once, before Prefect starts: what remains to do for each file. Redone
    documents' access changes take effect now, before any slow work."""
    archive = _open_archive(settings)
    try:
        todos = plan(archive, jobs, force=force)
        if archive is not None:
            withdraw_forced(archive, todos)
        return todos
    finally:
        if archive is not None:
            archive.close()


def _print_unworked(todos: list[Todo]) -> tuple[list[Document], int]:
    """Print the files archived already, given twice, or refused; return the first and how many of the last."""
    done = [t.document for t in todos if t.outcome == "already" and t.document is not None]
    for todo in todos:
        if todo.outcome == "already" and todo.document is not None:
            console.print(already_archived_line(str(todo.job.path), todo.document))
        elif todo.outcome == "duplicate":
            console.print(f"= {todo.error}")
        elif todo.outcome == "refused":
            errors.print(f"✗ {todo.error}", style="red", soft_wrap=True)
    return done, sum(t.outcome == "refused" for t in todos)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))  # one bad file: its own line
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help="CSV file, one row a document: file,title,commune,district,province,year,kind,collection,access "
                   "(and author, commune_type, district_type).")
@click.option("--bag", "bags", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="A BagIt bag from 'sohoa export --format bag': checked, then ingested with its metadata.")
@click.option("--allow-outside", is_flag=True,
              help="Let the manifest name files outside its own folder (../x.pdf, absolute paths).")
@click.option("--title", help="Title of the document (tên tài liệu).")
@click.option("--commune", help="Commune or ward (xã / phường).")
@click.option("--district", help="District (quận / huyện).")
@click.option("--province", help="Province or city (tỉnh / thành phố).")
@click.option("--year", type=int, help="Year the document covers or was issued.")
@click.option("--kind", type=click.Choice(KINDS), help="history, bulletin, resolution or other (default).")
@click.option("--collection", help="Collection the document belongs to.")
@click.option("--author", help="Who wrote or issued it (tác giả), e.g. the party committee: cited and put in the PDF.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS),
              help="public (default) or internal: internal documents are hidden from the public web pages.")
@click.option("--force", is_flag=True, help="Redo the OCR of documents already archived.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Pages recognised at once (default: all cores).")
@click.option("--cluster", envvar="SOHOA_DASK_ADDRESS", metavar="tcp://HOST:8786",
              help="Recognise pages on this Dask cluster (docs/scaling.md); default: this machine.")
@click.option("--by", "started_by", envvar="SOHOA_EDITOR", default=lambda: _user_name(), show_default="your user name",
              help="Who starts this run, recorded in the archive's provenance events (or $SOHOA_EDITOR).")
@click.option("--recorded-as", hidden=True, help="The web app's run this command works for (it keeps the record).")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], manifest: Path | None, bags: tuple[Path, ...],
           allow_outside: bool, force: bool, jobs: int | None, cluster: str | None, started_by: str,
           recorded_as: str | None, **meta_flags: object) -> ExitCode:
    """Ingest scans (PDF, TIFF, JPEG/PNG, or a folder of page images = one document).

    Each document's pages are recognised in Vietnamese and stored in the archive with their text,
    word boxes and confidence. Re-running the same command finishes interrupted documents and
    skips archived ones. Each run is listed in the web app's "Lịch sử nhập" (/ingest/history).
    """
    if not paths and manifest is None and not bags:
        raise click.UsageError("give at least one file or folder, --manifest FILE.csv or --bag DIR")
    jobs_list, failures = _jobs(paths, manifest, bags, meta_flags, started_by, allow_outside=allow_outside)
    from ocr.doctor import check_ocr

    check_ocr()
    settings = settings if jobs is None else Settings(**{**settings.__dict__, "jobs": jobs})
    todos = _plan(settings, jobs_list, force=force)  # what remains per file (one look, one hash); access first
    done_before, refused = _print_unworked(todos)
    work = [t for t in todos if t.has_work]
    with nullcontext(Outcome()) if recorded_as else command_run(settings.home, started_by, todos) as outcome:
        # Nothing to do: do not pay for starting Prefect.
        results = _run_flow(settings, work, cluster) if work else []  # register → pages → finish, per document
        outcome.record_failures(results)
        outcome.exit_code = _summarize(settings, results, done_before, failures + refused)
    return outcome.exit_code


def _user_name() -> str:
    """Who runs the command, for the provenance events; a container's nameless uid is still a run."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _jobs(paths: tuple[Path, ...], manifest: Path | None, bags: tuple[Path, ...], meta_flags: dict[str, object],
          started_by: str, *, allow_outside: bool) -> tuple[list[Job], int]:
    """The documents asked for (flags apply to every path; a manifest row or a bag gives each its
    own) and how many manifest rows or bags were refused (one line each)."""
    from corpus.bag import read_bag

    meta = DocumentMeta.parse(**meta_flags)  # type: ignore[arg-type]
    jobs = [Job(path, meta, given_fields(meta_flags), started_by) for path in paths]
    refused = 0
    for row in [*(read_manifest(manifest, allow_outside=allow_outside) if manifest else []), *map(read_bag, bags)]:
        if row.error:
            errors.print(f"✗ {row.error}", style="red", soft_wrap=True)
            refused += 1
        else:
            assert row.path is not None and row.meta is not None
            jobs.append(Job(row.path, row.meta, row.fields_given, started_by, row.original_name))
    return jobs, refused


def _run_flow(settings: Settings, work: list[Todo], cluster: str | None) -> list[DocumentResult]:
    """The ingest flow over ``work``, with progress bars. While Prefect starts, the first new pages
    are read already (sohoa.head_start); on a cluster, the cluster reads them all."""
    options = OcrOptions()
    with head_start([] if cluster else work, options, settings.jobs) as early:
        flows = runtime.load_flows(settings, "flows.ingest")
        # Twice a second: a page takes seconds, and each redraw holds the interpreter's lock for
        # ~0.6 ms that the page threads want (rich's default is 10 a second).
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True, refresh_per_second=2) as progress:
            return flows.run_ingest(settings, work, options, reporter=ProgressReporter(progress, len(work)),
                                    cluster=cluster, early=early)


def _summarize(settings: Settings, results: list[DocumentResult], done_before: list[Document], failures: int) -> ExitCode:
    """One closing line; non-zero if anything failed."""
    failures += sum(not r.ok for r in results)
    if any(f"[Errno {errno.ENOSPC}]" in error for r in results for error in r.errors):
        raise disk_full(settings.home)  # every later file would fail the same way: one line, its own code
    if not results and not failures:
        console.print(f"{len(done_before)} documents already archived in {settings.home}")
        return ExitCode.ok
    done = [r.document for r in results if r.ok and r.document] + done_before
    pages = sum(d.page_count for d in done)
    review = sum(d.pages_review for d in done)
    console.print(f"{len(done)} documents, {pages} pages archived in {settings.home}; {review} pages to review"
                  + (f"; {failures} failed" if failures else ""))
    return ExitCode.partial_failure if failures else ExitCode.ok
