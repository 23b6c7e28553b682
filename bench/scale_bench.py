"""Scaling figures: OCR throughput on Dask workers against the local runner, catalog write rates.

    python -m bench.scale_bench [--pages 8] [--rows 400] [--json out.json]

OCR: one clean PDF of ``--pages`` pages ingested through the real flow three ways: the local
thread pool (2 threads, the default on 2 cores), a Dask LocalCluster with 1 worker process and
with 2 (one thread each). Each runner first ingests a 1-page warm-up document (worker imports,
Prefect's API); the figure is the page phase: from the document's registration to its finish,
as pages per second. Scaling efficiency = pages/s with 2 workers ÷ (2 × pages/s with 1).

Catalog: what the flow writes per page (the page row, then its provenance event: two
transactions) from 1 and 2 writer processes, on SQLite (WAL, in the archive) and on a real
PostgreSQL with fsync on (started here, as tests/postgres.py does).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from bench.common import print_table

CATALOG_TEXT = ("Lịch sử Đảng bộ xã Cự Khối giai đoạn 1930–1975: phong trào cách mạng, hợp tác xã nông nghiệp. " * 20)


class PhaseClock:
    """A flow reporter that notes when the document was registered and when it was finished."""

    def __init__(self) -> None:
        self.start = self.end = 0.0

    def document_registered(self, job: object, registration: object) -> None:
        self.start = time.perf_counter()

    def page_done(self, doc_id: str, page_no: int) -> None:
        pass

    def document_done(self, result: object) -> None:
        self.end = time.perf_counter()


def ocr_rate(name: str, pdf: Path, warmup: Path, folder: Path, cluster: str | None, jobs: int) -> dict[str, object]:
    from flows.ingest import run_ingest
    from sohoa.ingest import Job
    from sohoa.settings import Settings

    settings = dataclasses.replace(Settings.from_env(folder / name), jobs=jobs)
    run_ingest(settings, [Job(warmup)], cluster=cluster)
    clock = PhaseClock()
    started = time.perf_counter()
    [result] = run_ingest(settings, [Job(pdf)], cluster=cluster, reporter=clock)
    total = time.perf_counter() - started
    assert result.ok and result.document is not None, result.errors
    pages = result.document.page_count
    return {"runner": name, "pages": pages, "page_phase_s": round(clock.end - clock.start, 1),
            "pages_per_s": round(pages / (clock.end - clock.start), 3), "whole_run_s": round(total, 1)}


def cpu_per_page(pdf: Path, pages: int) -> dict[str, object]:
    """CPU seconds one page costs (render, clean, Tesseract, outputs), ours and child processes':
    unlike wall time, hardly moved by other work on a shared machine. 1 / this = pages/s per core."""
    import resource

    from ocr.pipeline import OcrOptions, ocr_page
    from ocr.sources import open_source

    source = open_source(pdf)

    def used() -> float:
        return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
                   for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))

    ocr_page(source, "warmup", 1, OcrOptions())
    before = used()
    for page_no in range(1, pages + 1):
        ocr_page(source, "cpu", page_no, OcrOptions())
    seconds = (used() - before) / pages
    return {"cpu_s_per_page": round(seconds, 2), "pages_per_s_per_core": round(1 / seconds, 3)}


def bench_ocr(pages: int, folder: Path) -> list[dict[str, object]]:
    from distributed import LocalCluster

    from flows.runtime import configure
    from sohoa.samples import make_scan
    from sohoa.settings import Settings

    configure(Settings.from_env(folder / "prefect"))
    pdf, warmup = folder / "book.pdf", folder / "warmup.pdf"
    make_scan(pdf, pages=pages, font="serif", variant="clean", seed=5)
    make_scan(warmup, pages=1, font="serif", variant="clean", seed=6)
    rows = [ocr_rate("local threads (2)", pdf, warmup, folder, None, 2)]
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            rows.append(ocr_rate(f"dask {workers} worker(s)", pdf, warmup, folder, cluster.scheduler_address, 2))
    one = float(rows[1]["pages_per_s"])  # type: ignore[arg-type]
    for row, workers in zip(rows, (2, 1, 2)):
        # Against perfect scaling of one Dask worker: the local pool also runs 2 pages at once.
        row["efficiency"] = round(float(row["pages_per_s"]) / (workers * one), 2)  # type: ignore[arg-type]
    return rows


def _write_pages(url: str, writer: int, rows: int, barrier: object) -> float:
    from corpus.catalog import Catalog
    from corpus.models import Page

    catalog = Catalog(url)
    doc_id = f"bench{writer:07d}"
    barrier.wait()  # type: ignore[attr-defined]
    started = time.perf_counter()
    for n in range(1, rows + 1):
        catalog.save_page(Page(doc_id=doc_id, page_no=n, text=CATALOG_TEXT, mean_confidence=92.0, word_count=400,
                               width=2480, height=3508, dpi=300, quality={"syllable_ratio": 0.98},
                               steps=[{"name": "deskew", "angle": 0.3}], files={"text.txt": "x"}))
        catalog.log_event("bench", "ocr", doc_id=doc_id, page_no=n, tesseract="5.3.0")
    elapsed = time.perf_counter() - started
    catalog.close()
    return elapsed


def catalog_rate(engine: str, url: str, writers: int, rows: int) -> dict[str, object]:
    from corpus.catalog import Catalog
    from corpus.models import Document, DocumentMeta

    catalog = Catalog(url)
    for writer in range(writers):
        doc_id = f"bench{writer:07d}"
        catalog.add_document(Document(id=doc_id, meta=DocumentMeta(), original_name="b.pdf", sha256=doc_id * 5,
                                      original_path="x", media_type="application/pdf", page_count=rows,
                                      status="registered"))
    catalog.close()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(writers)
        with context.Pool(writers) as pool:
            times = pool.starmap(_write_pages, [(url, w, rows, barrier) for w in range(writers)])
    return {"engine": engine, "writers": writers, "pages": rows * writers,
            "pages_per_s": round(rows * writers / max(times), 1)}


def bench_catalog(rows: int, folder: Path) -> list[dict[str, object]]:
    from tests.postgres import postgres_bin, running_postgres

    results = []
    for writers in (1, 2):
        url = f"sqlite:///{folder / f'catalog-{writers}.sqlite'}"
        results.append(catalog_rate("SQLite (WAL)", url, writers, rows))
    bin_dir = postgres_bin()
    if bin_dir is None:
        print("PostgreSQL is not installed: scripts/setup.sh --test")
        return results
    with running_postgres(bin_dir, durable=True) as server:
        for writers in (1, 2):
            results.append(catalog_rate("PostgreSQL 15", server.create_database(f"bench{writers}"), writers, rows))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sohoa-scale-bench-"))
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    report: dict[str, object] = {"cores": os.cpu_count(), "load_at_start": round(load, 1)}
    from sohoa.samples import make_scan

    make_scan(folder / "cpu.pdf", pages=3, font="serif", variant="clean", seed=7)
    cpu = cpu_per_page(folder / "cpu.pdf", 3)
    print(f"CPU per page: {cpu['cpu_s_per_page']} s = {cpu['pages_per_s_per_core']} pages/s per core")
    report["cpu"] = cpu
    if not args.skip_ocr:
        ocr = bench_ocr(args.pages, folder)
        print_table(list(ocr[0]), [list(r.values()) for r in ocr])
        report["ocr"] = ocr
    catalog = bench_catalog(args.rows, folder)
    print_table(list(catalog[0]), [list(r.values()) for r in catalog])
    report["catalog"] = catalog
    report["load_at_end"] = round(os.getloadavg()[0], 1)
    print(f"load average {report['load_at_end']} at end")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
