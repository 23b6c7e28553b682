"""Corrections as free ground truth, and how soon a save reaches everything downstream.

    python -m bench corrections                     # a sample archive: Tesseract, then the truth saved as corrections
    python -m bench corrections --archive DIR       # an archive editors have corrected: CER of version 1 vs latest

Table 1: per document, the pages corrected and the character error rate of the OCR's text
(version 1) against the latest version of those pages, which an editor has read: the OCR's CER
measured on real pages, at no cost. Table 2 (sample archive only): the wall time of one save,
median of ``--repeat`` saves, split into the page's own files and the document's downstream work
(document text, searchable PDF, index entry), against a budget of 5 s ("within seconds").
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import load_average, print_table
from corpus import Archive
from corpus.revisions import Revisions
from ocr.metrics import error_rates
from sohoa import corrections

BUDGET = 5.0  # seconds from save to search, PDF and ALTO: "within seconds"


def cer_table(archive: Archive) -> list[list[object]]:
    rows: list[list[object]] = []
    revisions = Revisions(archive.catalog)
    for doc in archive.catalog.documents():
        corrected = sorted({v.page_no for v in revisions.versions(doc.id)})
        pairs = [corrections.history(archive, doc.id, n) for n in corrected]
        if not pairs:
            continue
        first = "\n".join(h[0].text for h in pairs)
        latest = "\n".join(h[-1].text for h in pairs)
        rates = error_rates(first, latest)
        rows.append([doc.id, doc.meta.title[:40], f"{len(corrected)}/{doc.page_count}", f"{rates.cer:.2%}",
                     f"{rates.wer:.2%}", rates.char_errors])
    return rows


def sample_archive(folder: Path, pages: int) -> tuple[Archive, str]:
    """Aged sample pages through the ingest, with a searchable PDF and an index; their truth, line
    for line where the OCR found as many lines, saved as an editor's correction."""
    from sohoa import ingest as steps
    from sohoa.samples import make_scan

    truth = make_scan(folder / "sample.pdf", pages=pages, variant="aged", seed=3)
    archive = Archive.open(folder / "archive")
    (finished,) = steps.ingest_plainly(archive, [steps.Job(folder / "sample.pdf")], run_id="bench")
    doc = finished.document
    for n, text in enumerate(truth, start=1):
        current = corrections.history(archive, doc.id, n)[-1]
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) == len(current.lines):
            corrections.save_lines(archive, doc.id, n, lines, author="bench", base=current.version)
    return archive, doc.id


def save_times(archive: Archive, doc_id: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall seconds of whole saves and of their downstream part: a word changed back and forth."""
    walls, downstream = [], []
    first_line = corrections.history(archive, doc_id, 1)[-1].lines[0]
    for i in range(repeat):
        current = corrections.history(archive, doc_id, 1)[-1]
        lines = [first_line + " x" if i % 2 == 0 else first_line, *current.lines[1:]]
        start = time.perf_counter()
        saved = corrections.save_lines(archive, doc_id, 1, lines, author="bench", base=current.version)
        walls.append(time.perf_counter() - start)
        downstream.append(saved.seconds_downstream)
    return walls, downstream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, help="An archive with corrections (default: make a sample one).")
    parser.add_argument("--pages", type=int, default=3, help="Sample pages (default 3).")
    parser.add_argument("--repeat", type=int, default=7, help="Saves timed (default 7).")
    args = parser.parse_args()
    print(load_average())
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        archive, doc_id = (Archive.open(args.archive), None) if args.archive else sample_archive(Path(tmp), args.pages)
        print_table(["doc", "title", "corrected", "CER v1→latest", "WER", "char errors"], cer_table(archive))
        if doc_id:
            walls, downstream = save_times(archive, doc_id, args.repeat)
            wall, down = statistics.median(walls), statistics.median(downstream)
            print_table(["save (median of %d)" % args.repeat, "page files + catalog", "downstream (text, PDF, index)",
                         "budget", "share of budget"],
                        [[f"{wall:.2f} s", f"{wall - down:.2f} s", f"{down:.2f} s", f"{BUDGET:.0f} s", f"{wall / BUDGET:.2f}"]])
        archive.close()


if __name__ == "__main__":
    main()
