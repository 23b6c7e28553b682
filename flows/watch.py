"""The hot folder as a Prefect flow, and its deployment served on an interval.

``watch_flow`` is one poll of :class:`sohoa.watch.Watcher`; the scans it finds ready are ingested
by the ingest flow (a subflow: its runs and artifacts show under the poll in the Prefect UI).
``serve_watch`` serves it as a deployment scheduled every ``interval`` seconds: schedules need a
real Prefect server (``prefect server start``), the ephemeral API cannot keep them.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow

from sohoa.errors import BadArgsError, ExitCode
from flows.dask_runner import worker_archive
from sohoa.ingest import Job, plan
from sohoa.runs import command_run
from sohoa.settings import Settings
from sohoa.watch import Watcher


def watcher(inbox: Path, settings: Settings, cluster: str | None = None, reporter: Any = None) -> Watcher:
    """A Watcher whose batches go through the ingest flow (locally, or on the Dask cluster)."""
    from flows.ingest import run_ingest

    def ingest(jobs: list[Job]) -> list[Any]:
        todos = plan(worker_archive(settings), jobs)
        with command_run(settings.home, "watch", todos, origin="watch") as outcome:  # "Lịch sử nhập"
            results = run_ingest(settings, todos, cluster=cluster, reporter=reporter)
            outcome.record_failures(results)
            failed = outcome.failures or any(t.outcome == "refused" for t in todos)
            outcome.exit_code = ExitCode.partial_failure if failed else ExitCode.ok
        return results

    return Watcher(inbox, ingest)


@flow(name="watch-inbox", log_prints=False)
def watch_flow(inbox: str, home: str | None = None, cluster: str | None = None) -> dict[str, Any]:
    """One look at the inbox: ingest what has finished arriving, move it to done/ or failed/."""
    report = watcher(Path(inbox), Settings.from_env(home), cluster).poll()
    return asdict(report)


def serve_watch(inbox: Path, settings: Settings, interval: float, cluster: str | None = None) -> None:
    """Serve the watch deployment until interrupted; each scheduled run is one poll."""
    from prefect.deployments.runner import EntrypointType
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        raise BadArgsError("a schedule needs a Prefect server: run 'prefect server start' and set "
                           "PREFECT_API_URL=http://127.0.0.1:4200/api (docs/scaling.md)")
    watch_flow.serve(
        name=f"watch-{inbox.name}", interval=interval, print_starting_message=False,
        limit=1,  # one poll at a time: overdue runs would otherwise start together and queue on the lock
        parameters={"inbox": str(inbox.absolute()), "home": str(settings.home), "cluster": cluster},
        # By module, not file: the runner finds the flow wherever sohoa is installed.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
