"""`sohoa ingest`: scans in, Vietnamese text out, kept safe in the archive."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from corpus.archive import Archive
from corpus.manifest import read_manifest
from corpus.models import ACCESS_LEVELS, KINDS, Document, DocumentMeta, given_fields
from ocr.pipeline import OcrOptions
from sohoa import heap
from sohoa.errors import ExitCode
from sohoa.head_start import HEAD_START_PAGES_PER_THREAD, EarlyPage, first_pages, head_start
from sohoa.ingest import Job, archived_already
from sohoa.settings import Settings

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
    if not (settings.home / "catalog.sqlite").exists() and settings.database_url.startswith("sqlite"):
        return None
    return Archive(settings)


def _skip_archived(archive: Archive | None, jobs: list[Job]) -> tuple[list[Document], list[Job]]:
    """Report the files archived already and return the jobs that remain."""
    if archive is None:
        return [], jobs
    done, remaining = [], []
    for job in jobs:
        doc = archived_already(archive, job.path)
        if doc is None:
            remaining.append(job)
        else:
            console.print(already_archived_line(str(job.path), doc))
            done.append(doc)
    return done, remaining


def _plan(settings: Settings, jobs: list[Job], *, force: bool, early: bool
          ) -> tuple[list[Document], list[Job], list[EarlyPage]]:
    """Look in the archive once: the documents archived already, the jobs that remain, and (if
    ``early``) the pages of those to give a head start (sohoa.head_start)."""
    archive = _open_archive(settings)
    try:
        done, remaining = ([], jobs) if force else _skip_archived(archive, jobs)
        pages = first_pages(archive, [job.path for job in remaining], HEAD_START_PAGES_PER_THREAD * settings.jobs,
                            force=force) if early else []
        return done, remaining, pages
    finally:
        if archive is not None:
            archive.close()


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help="CSV file, one row a document: file,title,commune,district,province,year,kind,collection,access.")
@click.option("--bag", "bags", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="A BagIt bag from 'sohoa export --format bag': checked, then ingested with its metadata.")
@click.option("--title", help="Title of the document (tên tài liệu).")
@click.option("--commune", help="Commune or ward (xã / phường).")
@click.option("--district", help="District (quận / huyện).")
@click.option("--province", help="Province or city (tỉnh / thành phố).")
@click.option("--year", type=int, help="Year the document covers or was issued.")
@click.option("--kind", type=click.Choice(KINDS), help="history, bulletin, resolution or other (default).")
@click.option("--collection", help="Collection the document belongs to.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS),
              help="public (default) or internal: internal documents are hidden from the public web pages.")
@click.option("--force", is_flag=True, help="Redo the OCR of documents already archived.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Pages recognised at once (default: all cores).")
@click.option("--cluster", envvar="SOHOA_DASK_ADDRESS", metavar="tcp://HOST:8786",
              help="Recognise pages on this Dask cluster (docs/scaling.md); default: this machine.")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], manifest: Path | None, bags: tuple[Path, ...], force: bool,
           jobs: int | None, cluster: str | None, **meta_flags: object) -> ExitCode:
    """Ingest scans (PDF, TIFF, JPEG/PNG, or a folder of page images = one document).

    Each document's pages are recognised in Vietnamese and stored in the archive with their text,
    word boxes and confidence. Re-running the same command finishes interrupted documents and
    skips archived ones.
    """
    if not paths and manifest is None and not bags:
        raise click.UsageError("give at least one file or folder, --manifest FILE.csv or --bag DIR")
    jobs_list: list[Job] = []
    failures = 0
    meta = DocumentMeta.parse(**meta_flags)  # type: ignore[arg-type]
    jobs_list.extend(Job(path, meta, given_fields(meta_flags)) for path in paths)
    from corpus.bag import read_bag

    for row in [*(read_manifest(manifest) if manifest else []), *map(read_bag, bags)]:
        if row.error:
            errors.print(f"✗ {row.error}", style="red", soft_wrap=True)
            failures += 1
        else:
            assert row.path is not None and row.meta is not None
            jobs_list.append(Job(row.path, row.meta, row.fields_given))

    from ocr.doctor import check_ocr

    check_ocr()
    if jobs is not None:
        settings = Settings(**{**settings.__dict__, "jobs": jobs})
    # While Prefect is imported and its API starts, the first pages are recognised (sohoa.head_start);
    # on a cluster the pages are the cluster's.
    done_before, jobs_list, early = _plan(settings, jobs_list, force=force, early=not cluster)
    if not jobs_list:  # nothing to do: do not pay for starting Prefect
        console.print(f"{len(done_before)} documents already archived in {settings.home}")
        return ExitCode.partial_failure if failures else ExitCode.ok
    options = OcrOptions()
    with head_start(early, options, settings.jobs):
        from flows.runtime import configure

        configure(settings)
        with heap.startup_objects():  # Prefect and the flow's modules
            from flows.ingest import run_ingest

        # Twice a second: a page takes seconds, and each redraw holds the interpreter's lock for
        # ~0.6 ms that the page threads want (rich's default is 10 a second).
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=console, transient=True, refresh_per_second=2) as progress:
            results = run_ingest(settings, jobs_list, options, force=force,
                                 reporter=ProgressReporter(progress, len(jobs_list)), cluster=cluster)
    failures += sum(not r.ok for r in results)
    done = [r.document for r in results if r.ok and r.document] + done_before
    pages = sum(d.page_count for d in done)
    review = sum(d.pages_review for d in done)
    console.print(f"{len(done)} documents, {pages} pages archived in {settings.home}; {review} pages to review"
                  + (f"; {failures} failed" if failures else ""))
    return ExitCode.partial_failure if failures else ExitCode.ok
