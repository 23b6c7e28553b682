"""Scaling figures: OCR throughput on Dask workers against the local runner, catalog write rates.

    python -m bench.scale_bench [--pages 16] [--rounds 3] [--rows 400] [--skip-ocr] [--json out.json]

OCR (bench/scale_ocr.py): a clean PDF of ``--pages`` pages, a new one each round, ingested by
each runner in turn, the order rotated every round: the local thread pool (2 threads, the
default on 2 cores), the flow on a Dask LocalCluster of 1 and of 2 worker processes (one thread
each), and the same page function sent to those clusters with ``client.map`` (no Prefect). Each
runner first ingests a 2-page warm-up document (every worker imports and opens the archive).
Before each run the bench waits for the machine's other users to quieten, and it reports their
share of the cores during the run. Figures are medians over the rounds; scaling efficiency =
pages/s with 2 workers ÷ (2 × pages/s with 1), in steady state.

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
SHOWN = ("runner", "round", "steady_pages_per_s", "page_phase_pages_per_s", "cpu_s_per_page", "others_share",
         "tasks_per_worker")


def bench_ocr(pages: int, rounds: int, folder: Path) -> dict[str, object]:
    from distributed import LocalCluster

    from bench.scale_ocr import Runner, measure, summary, warm_up
    from sohoa.runtime import configure_prefect
    from sohoa.samples import make_scan
    from sohoa.settings import Settings

    def settings(name: str) -> Settings:
        return dataclasses.replace(Settings.from_env(folder / name), jobs=2)

    configure_prefect(settings("prefect"))
    make_scan(folder / "warmup.pdf", pages=2, font="serif", variant="clean", seed=6)
    rows: list[dict[str, object]] = []
    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as one, \
            LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as two:
        runners = [Runner("local threads (2)", settings("local")), Runner("dask 1 worker", settings("dask1"), one),
                   Runner("dask 2 workers", settings("dask2"), two),
                   Runner("plain dask 1 worker", settings("plain1"), one, prefect=False),
                   Runner("plain dask 2 workers", settings("plain2"), two, prefect=False)]
        warm_up(runners, folder / "warmup.pdf")
        for n in range(rounds):
            pdf = folder / f"book-{n + 1}.pdf"
            make_scan(pdf, pages=pages, font="serif", variant="clean", seed=5 + n)
            shift = n % len(runners)
            for runner in runners[shift:] + runners[:shift]:
                rows.append({**measure(runner, pdf, pages), "round": n + 1})
                print(" ".join(f"{k}={rows[-1].get(k, '')}" for k in SHOWN), flush=True)
    steady = summary(rows, "steady_pages_per_s")
    medians = {key: summary(rows, key) for key in ("steady_pages_per_s", "page_phase_pages_per_s",
                                                   "cpu_s_per_page", "others_share")}
    efficiency = {"prefect": round(steady["dask 2 workers"] / (2 * steady["dask 1 worker"]), 2),
                  "plain": round(steady["plain dask 2 workers"] / (2 * steady["plain dask 1 worker"]), 2)}
    return {"runs": rows, "medians": medians, "efficiency_steady": efficiency}


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
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--skip-catalog", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sohoa-scale-bench-"))
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    report: dict[str, object] = {"cores": os.cpu_count(), "load_at_start": round(load, 1)}
    if not args.skip_ocr:
        ocr = bench_ocr(args.pages, args.rounds, folder)
        medians = ocr["medians"]
        names = list(medians["steady_pages_per_s"])  # type: ignore[index]
        print_table(["runner (medians)", *medians],  # type: ignore[list-item]
                    [[name, *(round(m[name], 3) for m in medians.values())] for name in names])  # type: ignore[union-attr]
        print(f"scaling efficiency, steady state (2 workers vs 2 × 1): {ocr['efficiency_steady']}")
        report["ocr"] = ocr
    if not args.skip_catalog:
        catalog = bench_catalog(args.rows, folder)
        print_table(list(catalog[0]), [list(r.values()) for r in catalog])
        report["catalog"] = catalog
    report["load_at_end"] = round(os.getloadavg()[0], 1)
    print(f"load average {report['load_at_end']} at end")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
