"""OCR tools: measure recognition against a ground truth, export outputs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sohoa.errors import ExitCode, InputFileError

if TYPE_CHECKING:
    from corpus.archive import Archive
    from corpus.models import Document, Page
    from sohoa.settings import Settings

TEXT_SUFFIXES = {".txt", ".text", ""}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror}") from None


@click.command("eval-ocr")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ground_truth", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--max-cer", type=float, default=None, help="Exit 10 when the CER is above this (for scripts).")
def eval_ocr(file: Path, ground_truth: Path, max_cer: float | None) -> ExitCode | None:
    """Print CER and WER of FILE against GROUND_TRUTH.txt (NFC, whitespace folded).

    FILE is OCR text (.txt); a scan (PDF, TIFF, PNG, JPEG) is first recognised by sohoa.
    """
    from ocr.metrics import error_rates

    truth = _read_text(ground_truth)
    hypothesis = _read_text(file) if file.suffix.lower() in TEXT_SUFFIXES else _recognize(file)
    rates = error_rates(hypothesis, truth)
    click.echo(f"CER {rates.cer:.2%}  ({rates.char_errors} / {rates.chars} ký tự / characters)")
    click.echo(f"WER {rates.wer:.2%}  ({rates.word_errors} / {rates.words} từ / words)")
    if max_cer is not None and rates.cer > max_cer:
        return ExitCode.check_failed
    return None


def _recognize(file: Path) -> str:
    """OCR a scan with sohoa's pipeline (no archive): pages joined by form feeds."""
    from corpus.archive import join_pages
    from ocr.pipeline import OcrOptions, ocr_page
    from ocr.sources import open_source

    source = open_source(file)
    options = OcrOptions()
    return join_pages(ocr_page(source, "eval", n, options).page.text for n in range(1, source.page_count + 1))


EXPORT_FORMATS = ("txt", "hocr", "alto", "pdf", "bag")


@click.command()
@click.argument("doc_id")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="txt", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="File to write (txt, pdf), or folder for one file per page (hocr, alto) with the page "
                   "image its boxes fall on (page-0001.alto.xml and page-0001.jpg), or a new folder for a "
                   "BagIt preservation package (bag: original, OCR, PDF, Dublin Core, provenance).")
@click.pass_obj
def export(settings: "Settings", doc_id: str, fmt: str, out: Path) -> None:
    """Export a document's OCR: text, hOCR or ALTO per page, a searchable PDF, or a BagIt bag."""
    from corpus.archive import PAGE_ALTO, PAGE_HOCR, PAGE_IMAGE, PAGE_TEXT, write_atomic
    from sohoa.cli.archive import _document, _open

    archive = _open(settings)
    doc = _document(archive, doc_id)
    # what each format reads of every page (a PDF or a bag: the page image at least, blank pages too)
    _refuse_missing_pages(archive, doc, {"hocr": PAGE_HOCR, "alto": PAGE_ALTO, "txt": PAGE_TEXT}.get(fmt, PAGE_IMAGE))
    if fmt == "txt":
        write_atomic(out, archive.document_text(doc.id) + "\n")
    elif fmt in ("hocr", "alto"):
        from corpus.export import page_files

        out.mkdir(parents=True, exist_ok=True)
        for name, content in page_files(archive, doc, fmt):
            write_atomic(out / name, content)
    elif fmt == "bag":
        from corpus.bag import write_bag
        from sohoa.ingest import searchable_pdf_of

        write_bag(archive, doc, out, archive_name=settings.archive_name, searchable_pdf=searchable_pdf_of(archive, doc))
    else:
        from sohoa.ingest import searchable_pdf_of

        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, searchable_pdf_of(archive, doc).read_bytes())
    click.echo(f"{doc.id}: {fmt} → {out}")


def _refuse_missing_pages(archive: "Archive", doc: "Document", name: str) -> None:
    """Check before writing anything: an export must not quietly drop a page whose files are gone."""
    from sohoa.errors import DamagedArchiveError

    pages = archive.catalog.pages(doc.id)
    numbers = {p.page_no for p in pages}
    absent = [n for n in range(1, doc.page_count + 1) if n not in numbers]
    absent += [p.page_no for p in pages if not archive.page_file(doc.id, p.page_no, name).exists()]
    if absent:
        raise DamagedArchiveError(
            f"{doc.id}: trang / page {', '.join(map(str, sorted(absent)))} thiếu / missing "
            f"({archive.relative(archive.page_dir(doc.id, min(absent)))}/{name}): nothing exported; "
            "see `sohoa verify` and docs/repair.md")

