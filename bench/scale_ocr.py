"""OCR throughput of the ingest flow on the local runner and on Dask workers (used by bench.scale_bench).

A runner ingests one clean PDF per round into an archive of its own. Two rates are taken:
- page phase: from the document's registration to its finish, as the flow reports them;
- steady state: from the page folders' write times, (N − w) pages over the time from the w-th to
  the last page done (w = pages in flight), which leaves out the start of the run;
and, with :mod:`bench.cpu_ledger`, the CPU by role and the neighbours' share of the machine. On
Dask the scheduler's task stream says how many page tasks each worker ran. "plain" runners send
the same page function to the same cluster with ``client.map``, without Prefect. "CLI" runners
run the documented command, ``sohoa ingest --cluster``, as a program, against a scheduler and
workers started as programs (``dask scheduler``, ``dask worker --nworkers N --nthreads 1``) and
a ``prefect server start``, as docs/scaling.md deploys them; their CPU is counted in total only
(the finished ingest command's CPU cannot be told from its Tesseracts').
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.cpu_ledger import Ledger, wait_for_quiet
from sohoa.ingest import Job, plan
from sohoa.settings import Settings


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


class ProcessCluster:
    """A Dask scheduler and ``workers`` worker processes, each started as its own program."""

    def __init__(self, workers: int, folder: Path, env: dict[str, str]) -> None:
        from tests.postgres import free_port
        from tests.processes import start

        bin_dir, port = Path(sys.executable).parent, free_port()
        self.scheduler_address = f"tcp://127.0.0.1:{port}"
        self.workers = range(workers)  # what Runner.in_flight counts
        folder.mkdir(parents=True, exist_ok=True)
        self.parts = [start([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                             "--no-dashboard"], folder / "scheduler.log", env, cwd=folder)]
        self.parts.append(start([str(bin_dir / "dask"), "worker", self.scheduler_address, "--nworkers", str(workers),
                                 "--nthreads", "1", "--no-dashboard"], folder / "workers.log",
                                {**env, "OMP_THREAD_LIMIT": "1"}, cwd=folder))
        from distributed import Client

        with Client(self.scheduler_address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def close(self) -> None:
        for part in reversed(self.parts):
            part.stop()


@dataclasses.dataclass
class Runner:
    name: str
    settings: Settings
    cluster: Any = None  # a distributed.LocalCluster or a ProcessCluster
    prefect: bool = True
    cli: bool = False  # through the sohoa ingest command (a program), not run_ingest in this process

    @property
    def in_flight(self) -> int:
        return len(self.cluster.workers) if self.cluster else self.settings.jobs

    @property
    def address(self) -> str | None:
        return self.cluster.scheduler_address if self.cluster else None

    def ingest(self, pdf: Path) -> tuple[str, float]:
        """Ingest ``pdf``; return its document id and the page phase in seconds."""
        if self.cli:
            return self._command(pdf)
        return self._flow(pdf) if self.prefect else self._plain(pdf)

    def _command(self, pdf: Path) -> tuple[str, float]:
        """The page phase here is the whole command: start, registration, pages, finish."""
        from corpus.catalog import Catalog

        command = [str(Path(sys.executable).parent / "sohoa"), "--archive", str(self.settings.home), "ingest",
                   "--cluster", self.address or "", str(pdf)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SOHOA_JOBS": "2"})
        took = time.perf_counter() - started
        assert done.returncode == 0, done.stdout + done.stderr
        catalog = Catalog(self.settings.database_url)
        [doc] = [d for d in catalog.documents() if d.original_name == pdf.name]
        catalog.close()
        return doc.id, took

    def _flow(self, pdf: Path) -> tuple[str, float]:
        from flows.dask_runner import worker_archive
        from flows.ingest import run_ingest

        clock = PhaseClock()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        todos = plan(worker_archive(self.settings), [Job(pdf)])
        [result] = run_ingest(self.settings, todos, cluster=self.address, reporter=clock)
        assert result.ok and result.doc_id, result.errors
        return result.doc_id, clock.end - clock.start

    def _plain(self, pdf: Path) -> tuple[str, float]:
        from distributed import Client

        from flows.dask_runner import worker_archive
        from flows.ingest import page_task
        from ocr.pipeline import OcrOptions
        from sohoa import ingest as steps

        self.settings.home.mkdir(parents=True, exist_ok=True)
        archive = worker_archive(self.settings)
        registration = steps.register(archive, steps.plan_job(archive, Job(pdf)), run_id="bench")
        start, todo = time.perf_counter(), registration.pages_todo
        with Client(self.address) as client:
            futures = client.map(page_task.fn, [self.settings] * len(todo), [registration.doc_id] * len(todo),
                                 [registration.source] * len(todo), todo, [OcrOptions()] * len(todo),
                                 ["bench"] * len(todo), pure=False)
            client.gather(futures)
        doc = steps.finish(archive, registration.doc_id, run_id="bench").document
        assert doc.status == "complete", doc
        return doc.id, time.perf_counter() - start


def done_times(settings: Settings, doc_id: str) -> list[float]:
    """When each page of the document was written: its page folder's newest file."""
    pages = settings.home / "documents" / doc_id / "pages"
    return sorted(max(f.stat().st_mtime for f in folder.iterdir())
                  for folder in pages.iterdir() if folder.is_dir() and not folder.name.startswith("."))


def steady_rate(times: list[float], in_flight: int) -> float:
    """Pages/s once every slot is busy: (N − w) pages from the w-th completion to the last."""
    first = min(in_flight, len(times) - 1)
    return (len(times) - first) / (times[-1] - times[first - 1])


def worker_counts(address: str, since: float) -> list[int]:
    """Page tasks each worker ran since ``since`` (epoch s), from the scheduler's task stream."""
    from distributed import Client

    with Client(address) as client:
        stream = client.get_task_stream(start=since)
    return sorted(Counter(record["worker"] for record in stream).values(), reverse=True)


def measure(runner: Runner, pdf: Path, pages: int) -> dict[str, object]:
    """One measured run, after waiting for the neighbours to quieten (noted, never hidden)."""
    waited = wait_for_quiet()
    since = time.time()
    with Ledger() as usage:
        doc_id, phase = runner.ingest(pdf)
    row: dict[str, object] = {
        "runner": runner.name, "pages": pages, "page_phase_pages_per_s": round(pages / phase, 3),
        "steady_pages_per_s": round(steady_rate(done_times(runner.settings, doc_id), runner.in_flight), 3),
        "cpu_s_per_page": round(usage.ours / pages, 2), "others_share": round(usage.others_share, 2),
        "waited_for_quiet_s": round(waited), "cpu_s_by_role": {k: round(v, 1) for k, v in usage.roles.items() if v},
    }
    if runner.cluster:
        row["tasks_per_worker"] = worker_counts(runner.address or "", since)
    return row


def warm_up(runners: list[Runner], pdf: Path) -> None:
    """Ingest a short document on each runner, pages enough for every worker: imports, archives, API."""
    from distributed import Client

    for runner in runners:
        if runner.cluster:  # the scheduler records its task stream only once asked for it
            with Client(runner.address) as client:
                client.get_task_stream()
        runner.ingest(pdf)


def summary(rows: list[dict[str, object]], key: str) -> dict[str, float]:
    """Median of ``key`` per runner."""
    by_runner: dict[str, list[float]] = {}
    for row in rows:
        by_runner.setdefault(str(row["runner"]), []).append(float(row[key]))  # type: ignore[arg-type]
    return {name: statistics.median(values) for name, values in by_runner.items()}
