"""`sohoa demo` (what `make run` runs): make a small box of aged Vietnamese scans, ingest it, show it."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from sohoa.errors import ExitCode
from sohoa.settings import Settings

# Two documents, as an archivist would describe them in a manifest.
SAMPLE_BOX = (
    {"file": "lich-su-dang-bo-xa-nghia-trung.pdf", "title": "Lịch sử Đảng bộ xã Nghĩa Trung (bản mẫu)",
     "commune": "Nghĩa Trung", "district": "Vũ Thư", "province": "Thái Bình", "year": "1995", "kind": "history",
     "collection": "Lịch sử đảng bộ xã", "access": "public", "font": "serif", "variant": "aged", "pages": 2},
    {"file": "nghi-quyet-danh-may.tiff", "title": "Nghị quyết chi bộ (bản đánh máy mẫu)",
     "commune": "Nghĩa Trung", "district": "Vũ Thư", "province": "Thái Bình", "year": "1978",
     "kind": "resolution", "collection": "Nghị quyết", "access": "internal", "font": "typewriter",
     "variant": "skewed", "pages": 1},
)


def make_sample_box(folder: Path) -> Path:
    """Render the sample scans into ``folder`` and write their manifest; return the manifest."""
    from sohoa.samples import make_scan

    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    from corpus.archive import join_pages
    from corpus.manifest import COLUMNS

    with manifest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for seed, row in enumerate(SAMPLE_BOX):
            scan = folder / row["file"]
            if not scan.exists():
                truth = make_scan(scan, pages=row["pages"], font=row["font"], variant=row["variant"], seed=seed)
                ground_truth(scan).write_text(join_pages(truth), encoding="utf-8")
            writer.writerow(row)
    return manifest


def ground_truth(scan: Path) -> Path:
    return scan.with_name(scan.name + ".gt.txt")


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> ExitCode:
    """Render a few Vietnamese pages into aged scans, ingest them, and print the result.

    The scans and their manifest are written to SAMPLES under the archive folder; running the
    command again finds them archived already and only prints.
    """
    from sohoa.cli.archive import docs, text
    from sohoa.cli.ingest import ingest

    settings: Settings = ctx.obj
    box = settings.home / "samples"
    click.echo(f"Tạo bản quét mẫu / rendering sample scans in {box} …")
    manifest = make_sample_box(box)
    code = ctx.invoke(ingest, paths=(), manifest=manifest, force=False, jobs=None)
    ctx.invoke(docs, district=None, commune=None, year=None, kind=None, as_json=False)
    from corpus.archive import Archive
    from ocr.metrics import error_rates

    archive = Archive(settings)
    for doc in archive.catalog.documents():
        click.echo(f"\n── {doc.id}: {doc.meta.title} ──")
        ctx.invoke(text, doc_id=doc.id, page_no=None)
        truth = ground_truth(box / doc.original_name)
        if truth.exists():
            read = archive.document_text(doc.id)
            rates = error_rates(read, truth.read_text(encoding="utf-8"))
            click.echo(f"── so với văn bản gốc / against the printed text: CER {rates.cer:.2%}, WER {rates.wer:.2%}")
    return code
