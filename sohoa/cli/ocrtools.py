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
    hypothesis = _read_text(file) if file.suffix.lower() in TEXT_SUFFIXES else _recognise(file)
    rates = error_rates(hypothesis, truth)
    click.echo(f"CER {rates.cer:.2%}  ({rates.char_errors} / {rates.chars} ký tự / characters)")
    click.echo(f"WER {rates.wer:.2%}  ({rates.word_errors} / {rates.words} từ / words)")
    if max_cer is not None and rates.cer > max_cer:
        return ExitCode.check_failed
    return None


def _recognise(file: Path) -> str:
    """OCR a scan with sohoa's pipeline (no archive): pages joined by form feeds."""
    from corpus.archive import join_pages
    from ocr.pipeline import OcrOptions, ocr_page
    from ocr.sources import open_source

    source = open_source(file)
    options = OcrOptions()
    return join_pages(ocr_page(source, "eval", n, options).page.text for n in range(1, source.page_count + 1))


EXPORT_FORMATS = ("txt", "hocr", "alto", "pdf")


@click.command()
@click.argument("doc_id")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="txt", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="File to write (txt, pdf), or folder for one file per page (hocr, alto).")
@click.pass_obj
def export(settings: "Settings", doc_id: str, fmt: str, out: Path) -> None:
    """Export a document's OCR: text, hOCR or ALTO per page, or a searchable PDF."""
    from corpus.archive import PAGE_ALTO, PAGE_HOCR, PAGE_TEXT, PAGE_TEXT_LAYER, write_atomic
    from sohoa.cli.archive import _document, _open

    page_files = {"hocr": PAGE_HOCR, "alto": PAGE_ALTO}
    archive = _open(settings)
    doc = _document(archive, doc_id)
    _refuse_missing_pages(archive, doc, page_files.get(fmt, PAGE_TEXT_LAYER if fmt == "pdf" else PAGE_TEXT))
    if fmt == "txt":
        write_atomic(out, archive.document_text(doc.id) + "\n")
    elif fmt in page_files:
        out.mkdir(parents=True, exist_ok=True)
        suffix = page_files[fmt].split(".", 1)[1]
        for page in archive.catalog.pages(doc.id):
            source = archive.page_file(doc.id, page.page_no, page_files[fmt])
            write_atomic(out / f"page-{page.page_no:04d}.{suffix}", source.read_bytes())
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

