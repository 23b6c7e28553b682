"""Scaling figures: OCR throughput on Dask workers against the local runner, catalog write rates.

    python -m bench.scale_bench [--pages 16] [--rounds 3] [--rows 400] [--skip-ocr] [--json out.json]
    python -m bench.scale_bench --cli --skip-catalog     (the CLI on separate processes only)

OCR (bench/scale_ocr.py): a clean PDF of ``--pages`` pages, a new one each round, ingested by
each runner in turn, the order rotated every round: the local thread pool (2 threads, the
default on 2 cores), the flow on a Dask LocalCluster of 1 and of 2 worker processes (one thread
each), and the same page function sent to those clusters with ``client.map`` (no Prefect). Each
runner first ingests a 2-page warm-up document (every worker imports and opens the archive).
Before each run the bench waits for the machine's other users to quieten, and it reports their
share of the cores during the run. Figures are medians over the rounds; scaling efficiency =
pages/s with 2 workers ÷ (2 × pages/s with 1), in steady state.

With ``--cli`` the runners are the documented deployment instead (bench/scale_ocr.py): a
``prefect server start``, a scheduler with 1 and one with 2 worker processes started with the
``dask`` command, and ``sohoa ingest --cluster`` run as a program for each document.

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
import sys
import tempfile
import time
from pathlib import Path

from bench.common import print_table

CATALOG_TEXT = ("Lịch sử Đảng bộ xã Cự Khối giai đoạn 1930–1975: phong trào cách mạng, hợp tác xã nông nghiệp. " * 20)
SHOWN = ("runner", "round", "steady_pages_per_s", "page_phase_pages_per_s", "cpu_s_per_page", "others_share",
         "tasks_per_worker")


def bench_ocr(pages: int, rounds: int, folder: Path) -> dict[str, object]:
    from distributed import LocalCluster

    from bench.scale_ocr import Runner
    from sohoa.runtime import configure_prefect
    from sohoa.settings import Settings

    def settings(name: str) -> Settings:
        return dataclasses.replace(Settings.from_env(folder / name), jobs=2)

    configure_prefect(settings("prefect"))
    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as one, \
            LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as two:
        runners = [Runner("local threads (2)", settings("local")), Runner("dask 1 worker", settings("dask1"), one),
                   Runner("dask 2 workers", settings("dask2"), two),
                   Runner("plain dask 1 worker", settings("plain1"), one, prefect=False),
                   Runner("plain dask 2 workers", settings("plain2"), two, prefect=False)]
        rows = run_rounds(runners, pages, rounds, folder)
    return report(rows, {"prefect": ("dask 2 workers", "dask 1 worker"),
                         "plain": ("plain dask 2 workers", "plain dask 1 worker")})


def run_rounds(runners: list, pages: int, rounds: int, folder: Path) -> list[dict[str, object]]:  # type: ignore[type-arg]
    """Warm every runner up, then one new PDF a round through each, the runners' order rotated."""
    from bench.scale_ocr import measure, warm_up
    from sohoa.samples import make_scan

    make_scan(folder / "warmup.pdf", pages=2, font="serif", variant="clean", seed=6)
    warm_up(runners, folder / "warmup.pdf")
    rows: list[dict[str, object]] = []
    for n in range(rounds):
        pdf = folder / f"book-{n + 1}.pdf"
        make_scan(pdf, pages=pages, font="serif", variant="clean", seed=5 + n)
        shift = n % len(runners)
        for runner in runners[shift:] + runners[:shift]:
            rows.append({**measure(runner, pdf, pages), "round": n + 1})
            print(" ".join(f"{k}={rows[-1].get(k, '')}" for k in SHOWN), flush=True)
    return rows


def report(rows: list[dict[str, object]], pairs: dict[str, tuple[str, str]]) -> dict[str, object]:
    """Medians per runner; efficiency = steady pages/s of the 2-worker runner ÷ 2 × the 1-worker one's."""
    from bench.scale_ocr import summary

    medians = {key: summary(rows, key) for key in ("steady_pages_per_s", "page_phase_pages_per_s",
                                                   "cpu_s_per_page", "others_share")}
    steady = medians["steady_pages_per_s"]
    efficiency = {name: round(steady[two] / (2 * steady[one]), 2) for name, (two, one) in pairs.items()}
    return {"runs": rows, "medians": medians, "efficiency_steady": efficiency}


def bench_cli(pages: int, rounds: int, folder: Path) -> dict[str, object]:
    from bench.scale_ocr import ProcessCluster, Runner
    from sohoa.settings import Settings
    from tests.postgres import free_port
    from tests.processes import answers, start

    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(folder / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false"}
    server = start([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                    "--port", str(port)], folder / "prefect-server.log", env)
    os.environ["PREFECT_API_URL"] = env["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    clusters = []
    try:
        server.wait_until(lambda: answers(f"{env['PREFECT_API_URL']}/health"), 180, "prefect server start")
        clusters = [ProcessCluster(n, folder / f"dask-{n}", env) for n in (1, 2)]
        runners = [Runner(f"CLI, {n} worker{'s' * (n > 1)}", Settings.from_env(folder / f"cli{n}"), cluster, cli=True)
                   for n, cluster in zip((1, 2), clusters)]
        rows = run_rounds(runners, pages, rounds, folder)
    finally:
        for cluster in clusters:
            cluster.close()
        server.stop()
    return report(rows, {"cli": ("CLI, 2 workers", "CLI, 1 worker")})


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
    parser.add_argument("--cli", action="store_true", help="OCR through the sohoa command on separate processes")
    parser.add_argument("--skip-catalog", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sohoa-scale-bench-"))
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at start")
    report: dict[str, object] = {"cores": os.cpu_count(), "load_at_start": round(load, 1)}
    if not args.skip_ocr:
        ocr = (bench_cli if args.cli else bench_ocr)(args.pages, args.rounds, folder)
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
