"""Web app timing: the search page and a bulletin page under 8 concurrent clients on loopback.

    python -m bench.web_bench [--pages 20000] [--clients 8] [--requests 400] [--workers 1]

Builds (once, kept in bench/results/web-archive-<pages>/) an archive of generated Vietnamese
party-history pages indexed with the configured backend (Whoosh by default) and one espeak
bulletin, starts `uvicorn web.app:app_from_env` as its own process on 127.0.0.1, and sends
requests from keep-alive clients. Reports the app's own time (its Server-Timing header) and the
time a client waited, p50/p95. Only loopback traffic; bounded in requests and in time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.search_bench import query_sets
from bench.search_corpus import PageGenerator
from corpus import Archive, Document
from search_index.api import backend_class
from search_index.store import backend_home, new_generation, publish

RESULTS = Path(__file__).resolve().parent / "results"
TIME_LIMIT = 300.0  # seconds for each measured run, whatever --requests says


def build(home: Path, pages: int) -> str:
    """The archive with ``pages`` indexed pages and one bulletin; returns the bulletin's slug."""
    archive = Archive.open(home)
    try:
        if not (backend_home(home, archive.settings.search_backend) / "CURRENT").exists():
            started = time.perf_counter()
            index_pages(archive, pages)
            print(f"indexed {pages} pages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        audio = home / "audio"
        if not any(audio.glob("*/audiobook.json")):
            from tests.web_fixtures import make_bulletins

            make_bulletins(archive)
        return sorted(p.parent.name for p in audio.glob("*/audiobook.json"))[-1]
    finally:
        archive.close()


def index_pages(archive: Archive, count: int) -> None:
    """Catalog rows for the documents and the generated pages straight into a new index generation
    (what `sohoa reindex` does, without storing 20,000 page folders the search page never reads)."""
    name = archive.settings.search_backend
    home = backend_home(archive.root, name)
    generation = new_generation(home)
    backend = backend_class(name).create(generation)
    seen = {d.id for d in archive.catalog.documents()}  # another backend's run may have added them
    with backend.writer(bulk=True) as writer:
        batch = []
        for page in PageGenerator().pages(count):
            if page.doc_id not in seen:
                seen.add(page.doc_id)
                archive.catalog.add_document(Document(page.doc_id, page.meta, f"{page.doc_id}.pdf", page.doc_id.ljust(64, "0"),
                                                      f"originals/{page.doc_id}.pdf", "application/pdf", 0, "complete"))
            batch.append(page)
            if len(batch) == 500:
                writer.add(batch)
                batch.clear()
        writer.add(batch)
    backend.close()
    publish(home, generation)


def search_urls(n: int) -> list[str]:
    """The benchmark's query mix as search-page URLs (the form's own parameters)."""
    urls = []
    for kind, queries in query_sets(max(1, n // 4)).items():
        for q in queries:
            params = {"q": q["text"].strip('"') if kind != "phrase" else q["text"]}
            if "district" in q:
                params.update(district=q["district"], year_from=q["years"][0], year_to=q["years"][1])
            urls.append("/search?" + urlencode(params))
    random.Random(3).shuffle(urls)
    return urls[:n]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(home: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "SOHOA_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "web.app:app_from_env", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                            env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def load(port: int, urls: list[str], clients: int) -> tuple[list[float], list[float], int]:
    """Send ``urls`` from ``clients`` keep-alive connections; (app ms, client ms, errors)."""
    app_ms: list[float] = []
    wait_ms: list[float] = []
    errors = [0]
    lock = threading.Lock()
    queue = list(reversed(urls))
    deadline = time.monotonic() + TIME_LIMIT

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    break
                url = queue.pop()
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"accept": "text/html"})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):  # a dropped connection counts as an error
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            waited = (time.perf_counter() - started) * 1000
            timing = response.getheader("server-timing", "app;dur=0").split("dur=")[1]
            with lock:
                if response.status != 200:
                    errors[0] += 1
                app_ms.append(float(timing))
                wait_ms.append(waited)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return app_ms, wait_ms, errors[0]


def p50_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="per page kind (at most 5 minutes each)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes")
    args = parser.parse_args()
    home = RESULTS / f"web-archive-{args.pages}"
    slug = build(home, args.pages)
    port = free_port()
    server = serve(home, port, args.workers)
    try:
        load(port, search_urls(40), args.clients)  # warm up: index open, templates compiled, caches
        runs = {"search page": search_urls(args.requests), "bulletin page": [f"/audio/{slug}/"] * args.requests}
        backend = os.environ.get("SOHOA_SEARCH_BACKEND", "whoosh")
        print(f"{args.pages} pages, {backend}; load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("| page | requests | clients | workers | app p50 ms | app p95 ms | client p50 ms | client p95 ms | req/s | errors |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, urls in runs.items():
            started = time.perf_counter()
            app_ms, wait_ms, errors = load(port, urls, args.clients)
            rate = len(wait_ms) / (time.perf_counter() - started)
            (a50, a95), (w50, w95) = p50_p95(app_ms), p50_p95(wait_ms)
            print(f"| {name} | {len(wait_ms)} | {args.clients} | {args.workers} | {a50:.0f} | {a95:.0f} | {w50:.0f} | "
                  f"{w95:.0f} | {rate:.1f} | {errors} |", flush=True)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
