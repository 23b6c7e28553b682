"""Page OCR on a real dask.distributed cluster (two worker processes on loopback) through
prefect-dask, with the catalog on a real PostgreSQL: every page lands exactly once, even when a
worker is killed in the middle of the run."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from corpus.catalog import Catalog
from sohoa.errors import BadArgsError, RemoteServiceError
from sohoa.ingest import Job, plan
from tests.conftest import ROOT
from tests.postgres import free_port, postgres, postgres_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
PAGES = 6


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local:
        yield local


class WorkerKiller(threading.Thread):
    """Kills the worker process busy with a page once the first page after the ``after`` pages
    already in the catalog is there."""

    def __init__(self, address: str, catalog_url: str, after: int = 0, patience: float = 240) -> None:
        super().__init__(daemon=True)
        self.address, self.catalog_url, self.after, self.patience = address, catalog_url, after, patience
        self.killed_pid: int | None = None
        self.pages_before_kill: int | None = None

    def run(self) -> None:
        from distributed import Client

        catalog = Catalog(self.catalog_url)
        with Client(self.address, timeout=30) as client:
            deadline = time.monotonic() + self.patience
            while time.monotonic() < deadline:
                done = sum(d.pages_done for d in catalog.documents())
                busy = [w for w, keys in client.processing().items() if keys]
                if done > self.after and busy:
                    pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                    self.pages_before_kill = done - self.after
                    os.kill(pid, signal.SIGKILL)
                    self.killed_pid = pid
                    break
                time.sleep(0.2)
        catalog.close()


def test_every_page_lands_once_when_a_worker_is_killed(cluster, settings, postgres_url, scans):
    from flows.ingest import run_ingest

    settings = dataclasses.replace(settings, database_url=postgres_url)
    scan = scans.get("dask-six-pages.pdf", pages=PAGES, font="serif", variant="clean", seed=11)
    killer = WorkerKiller(cluster.scheduler_address, postgres_url)
    killer.start()
    [result] = run_ingest(settings, plan(None, [Job(scan)]), cluster=cluster.scheduler_address)
    killer.join(timeout=5)

    assert killer.killed_pid is not None and killer.pages_before_kill < PAGES, "no worker was killed mid-run"
    assert result.ok, result.errors
    assert result.document.status == "complete" and result.document.pages_done == PAGES
    catalog = Catalog(postgres_url)
    pages = catalog.pages(result.doc_id)
    assert [p.page_no for p in pages] == list(range(1, PAGES + 1))  # each page once, none missing
    assert all(p.word_count > 20 for p in pages)
    ocr_hosts = {e["detail"].get("tesseract") for e in catalog.events(result.doc_id) if e["action"] == "ocr"}
    assert ocr_hosts and None not in ocr_hosts
    catalog.close()


@pytest.fixture
def shell_cluster(tmp_path: Path):
    """A scheduler and two single-threaded workers started as docs/scaling.md says, each its own
    program through the project's own `dask` console script (not an in-process LocalCluster)."""
    dask = str(ROOT / ".venv" / "bin" / "dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:  # the child keeps its own copy of the handle
            started.append(subprocess.Popen([dask, *args, "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT,
                                            cwd=tmp_path, start_new_session=True))

    start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1])
    start("worker", "worker", address, "--nworkers", "2", "--nthreads", "1")
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(started):
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(started):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_the_documented_cluster_command_archives_every_page_once(shell_cluster, scans, tmp_path):
    """`sohoa ingest --cluster` as a program, with its progress bars, against workers that are
    programs of their own: the page tasks and what they carry reach the workers by pickling."""
    scan = scans.get("cluster-cli.pdf", pages=3, font="serif", variant="clean", seed=12)
    home = tmp_path / "archive"
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "sohoa"), "--archive", str(home), "ingest", str(scan),
                           "--cluster", shell_cluster], capture_output=True, text=True, timeout=900, cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "1 documents, 3 pages archived" in done.stdout
    catalog = Catalog(f"sqlite:///{home / 'catalog.sqlite'}")
    (doc,) = catalog.documents()
    assert doc.status == "complete"
    assert [p.page_no for p in catalog.pages(doc.id)] == [1, 2, 3]
    assert all("Đảng" in p.text for p in catalog.pages(doc.id))
    ocr_runs = Counter(e["page_no"] for e in catalog.events(doc.id) if e["action"] == "ocr")
    assert ocr_runs == {1: 1, 2: 1, 3: 1}  # each page read once, by a worker
    catalog.close()


def test_a_cluster_that_cannot_be_reached_is_one_clear_error(settings):
    from flows.dask_runner import page_runner

    with pytest.raises(RemoteServiceError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        page_runner(settings, "tcp://127.0.0.1:9")


def test_a_remote_cluster_needs_a_shared_catalog(settings):
    from flows.dask_runner import page_runner

    with pytest.raises(BadArgsError, match="SOHOA_DATABASE_URL=postgresql"):
        page_runner(settings, "tcp://10.0.0.7:8786")


def test_a_remote_cluster_needs_a_real_prefect_server(monkeypatch):
    from flows.dask_runner import api_for_workers

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with pytest.raises(BadArgsError, match="prefect server start"), api_for_workers("tcp://10.0.0.7:8786"):
        pass


def test_a_worker_without_the_shared_archive_says_so(settings, tmp_path):
    from flows.dask_runner import worker_archive

    elsewhere = dataclasses.replace(settings, home=tmp_path / "not-mounted")
    with pytest.raises(Exception, match="not reachable on .*mount the shared archive"):
        worker_archive(elsewhere)
    assert not elsewhere.home.exists()
