"""Commands that read or repair the archive: docs, show, text, verify, rebuild-catalog, doctor, delete.
None of them starts Prefect."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from corpus.archive import Archive
from corpus.models import KINDS, Document
from sohoa.errors import ExitCode, NotFoundError
from sohoa.settings import Settings

# Piped output (make run, logs) would otherwise be cut to 80 columns and wrap every title.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 132)


def _open(settings: Settings) -> Archive:
    if not settings.home.exists():
        raise NotFoundError(f"no archive at {settings.home} (ingest something first, or set --archive)")
    return Archive(settings)


def _document(archive: Archive, doc_id: str) -> Document:
    doc = archive.catalog.document(doc_id)
    if doc is None:
        raise NotFoundError(f"no document '{doc_id}' in {archive.root} (see `sohoa docs`)")
    return doc


def _confidence(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


@click.command()
@click.option("--district", help="Only this district.")
@click.option("--commune", help="Only this commune or ward.")
@click.option("--year", type=int, help="Only this year.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def docs(settings: Settings, district: str | None, commune: str | None, year: int | None, kind: str | None,
         as_json: bool) -> None:
    """List archived documents."""
    from sohoa.vietnamese import nfc

    archive = _open(settings)
    found = archive.catalog.documents(district=district and nfc(district), commune=commune and nfc(commune),
                                      year=year, kind=kind)
    if as_json:
        click.echo(json.dumps([_document_json(d) for d in found], ensure_ascii=False, indent=2))
        return
    table = Table("id", "title", "commune", "district", "year", "kind", "pages", "conf.", "review", "status")
    table.columns[0].no_wrap = True
    for d in found:
        table.add_row(d.id, d.meta.title or d.original_name, d.meta.commune, d.meta.district,
                      str(d.meta.year or ""), d.meta.kind, f"{d.pages_done}/{d.page_count}",
                      _confidence(d.mean_confidence), str(d.pages_review), d.status)
    console.print(table if found else "No documents match.")


def _document_json(doc: Document) -> dict[str, object]:
    data = asdict(doc)
    data.update(data.pop("meta"))
    return data


@click.command()
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(settings: Settings, doc_id: str, as_json: bool) -> None:
    """Show a document's metadata and a summary of each page."""
    archive = _open(settings)
    doc = _document(archive, doc_id)
    pages = archive.catalog.pages(doc.id)
    if as_json:
        click.echo(json.dumps({**_document_json(doc), "pages": [
            {k: v for k, v in asdict(p).items() if k != "text"} for p in pages]}, ensure_ascii=False, indent=2))
        return
    for label, value in (("id", doc.id), ("title", doc.meta.title), ("author", doc.meta.author),
                         ("commune", f"{doc.meta.commune_type} {doc.meta.commune}".strip()),
                         ("district", f"{doc.meta.district_type} {doc.meta.district}".strip()), ("province", doc.meta.province),
                         ("year", doc.meta.year or ""), ("kind", doc.meta.kind), ("collection", doc.meta.collection),
                         ("access", doc.meta.access), ("original", f"{doc.original_name} ({doc.media_type})"),
                         ("sha256", doc.sha256), ("status", f"{doc.status}, {doc.pages_done}/{doc.page_count} pages")):
        console.print(f"[bold]{label:>10}[/bold]  {value}")
    table = Table("page", "words", "confidence", "state", "steps")
    for p in pages:
        state = "blank" if p.blank else ("needs review" if p.needs_review else "ok")
        steps = ", ".join(map(_step_label, p.steps))
        table.add_row(str(p.page_no), str(p.word_count), _confidence(p.mean_confidence), state, steps)
    console.print(table)


def _step_label(step: dict[str, object]) -> str:
    """One preprocessing step as `show` lists it, with what it decided where that matters."""
    name = str(step.get("step"))
    if name == "resolution":  # tag (– for none) / estimated from the text / used
        return f"resolution {step.get('tag') or '–'}/{step.get('estimate') or '–'}→{step.get('used')} dpi"
    if name == "guard":
        return f"guard: {step.get('kept')} kept"
    return name + (f" {step['rotated']}°" if step.get("rotated") else "")


@click.command()
@click.argument("doc_id")
@click.option("--page", "page_no", type=int, help="Only this page (1-based).")
@click.option("--version", "version", type=int, help="This version of the page (1 = the OCR's; see `sohoa history`).")
@click.option("--all", "everything", is_flag=True,
              help="Keep running heads and page numbers (left out by default: they repeat on every page "
                   "and break sentences that run on from page to page).")
@click.pass_obj
def text(settings: Settings, doc_id: str, page_no: int | None, version: int | None, everything: bool) -> None:
    """Print a document's reading text as corrected so far (pages separated by form feeds): without
    the running heads and page numbers that repeat at the pages' tops and bottoms, unless --all."""
    from corpus.archive import join_pages
    from corpus.running_heads import reading_texts

    archive = _open(settings)
    doc = _document(archive, doc_id)
    if version is not None:
        from sohoa.corrections import page_version

        if page_no is None:
            raise click.UsageError("--version needs --page N")
        click.echo(page_version(archive, doc.id, page_no, version).text)
        return
    pages = archive.catalog.pages(doc.id)
    texts = [p.text for p in pages] if everything else reading_texts([p.text for p in pages])
    if page_no is None:
        click.echo(join_pages(texts))
        return
    by_number = {p.page_no: t for p, t in zip(pages, texts)}
    if page_no not in by_number:
        raise NotFoundError(f"document {doc.id} has no page {page_no} (it has {doc.page_count})")
    click.echo(by_number[page_no])


@click.command()
@click.option("--repair", is_flag=True,
              help="First finish documents whose run was killed after their last page (PDF, index, status).")
@click.pass_obj
def verify(settings: Settings, repair: bool) -> ExitCode:
    """Check the archive: re-hash every original, and compare the catalog with the folder both ways
    (originals, document and page folders, page files) and with the search index.

    Exits 6 naming each problem; docs/repair.md says how to repair each kind.
    """
    from corpus.consistency import compare_with_disk
    from corpus.verify import Damage
    from corpus.verify import verify as verify_archive
    from search_index.api import missing_from_index

    archive = _open(settings)
    unrepaired = _finish_unfinished(archive) if repair else 0
    checked, damage = verify_archive(archive)
    damage += compare_with_disk(archive)
    unindexed = missing_from_index(archive)
    damage += [Damage(doc_id, "index", "not in the search index (run `sohoa reindex`)") for doc_id in unindexed or []]
    for d in damage:
        console.print(f"✗ {d.doc_id}: {d.path}: {d.problem}", style="red")
    documents = len(archive.catalog.documents())
    console.print(f"{checked} originals checked, {documents} documents compared with the folder"
                  f"{'' if unindexed is not None else ' (no search index yet)'}; {len(damage)} problems")
    return ExitCode.damaged_archive if damage or unrepaired else ExitCode.ok


def _finish_unfinished(archive: Archive) -> int:
    """Finish what killed runs left unfinished; print a line each; return how many still fail."""
    from sohoa.ingest import finish_unfinished

    failed = 0
    for finished in finish_unfinished(archive, run_id="verify-repair"):
        if finished.errors:
            failed += 1
            console.print(f"✗ {finished.document.id}: {'; '.join(finished.errors)}", style="red")
        else:
            console.print(f"✓ {finished.document.id}: hoàn tất / finished")
    return failed


@click.command("rebuild-catalog")
@click.pass_obj
def rebuild_catalog(settings: Settings) -> ExitCode:
    """Rebuild a lost or damaged catalog from the archive folder (each document's metadata.json,
    each page's page.json and text.txt); the old catalog file is kept aside. Exits 6 when some
    document could not be rebuilt (each is named)."""
    from corpus.rebuild import rebuild_catalog as rebuild

    if not settings.home.is_dir():
        raise NotFoundError(f"no archive at {settings.home}")
    report = rebuild(settings)
    for problem in report.problems:
        console.print(f"✗ {problem}", style="red")
    if report.kept_aside:
        console.print(f"danh mục cũ / the old catalog is kept as {report.kept_aside}")
    console.print(f"{report.documents} documents, {report.pages} pages cataloged again in {settings.home}"
                  + (f"; {len(report.problems)} problems" if report.problems else ""))
    return ExitCode.damaged_archive if report.problems else ExitCode.ok


@click.command()
def doctor() -> ExitCode:
    """Check that Tesseract, its Vietnamese data, Poppler, ffmpeg and espeak-ng are installed."""
    from ocr.doctor import run_checks

    checks = run_checks()
    for c in checks:
        console.print(f"{'✓' if c.ok else '✗'} {c.name}: {c.detail}", style=None if c.ok else "red")
    return ExitCode.ok if all(c.ok for c in checks) else ExitCode.missing_dependency


@click.command()
@click.argument("doc_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def delete(settings: Settings, doc_id: str, yes: bool) -> None:
    """Remove a document's search entries, pages and derived files (its original stays, read-only).
    It leaves search first: a search never shows a document that is being deleted."""
    from sohoa.ingest import withdraw_and_delete

    archive = _open(settings)
    doc = _document(archive, doc_id)
    if not yes:
        click.confirm(f"Xóa / delete {doc.id} ({doc.meta.title or doc.original_name}, {doc.page_count} pages)?",
                      abort=True)
    withdraw_and_delete(archive, doc.id)
    console.print(f"{doc.id} deleted; its original remains at {doc.original_path}")
