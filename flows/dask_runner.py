"""Where page tasks run: a thread pool on this machine, or a Dask cluster (``--cluster tcp://HOST:8786``).

On a cluster a page task runs in a worker process, perhaps on another machine. It receives the
settings (picklable), never an open engine, and opens the archive once per process: the files
through the archive folder (a shared mount, at the same path on every machine) and the catalog
through ``database_url`` (PostgreSQL when machines share it).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from corpus.archive import Archive
from sohoa.errors import BadArgsError, MissingDependencyError, RemoteServiceError
from sohoa.settings import Settings

_archives: dict[Settings, Archive] = {}
_lock = threading.Lock()


def worker_archive(settings: Settings) -> Archive:
    """This process's archive for ``settings``, opened on first use and kept for later pages."""
    with _lock:
        archive = _archives.get(settings)
        if archive is None:
            if not settings.home.is_dir():
                # Archive() would create an empty local folder and every page would fail obscurely.
                raise MissingDependencyError(
                    f"the archive folder {settings.home} is not reachable on {socket.gethostname()}: "
                    "mount the shared archive at the same path on every machine")
            archive = _archives[settings] = Archive(settings)
        return archive


def close_archive(settings: Settings) -> None:
    """Close this process's archive for ``settings`` (the flow's process, at the end of a run)."""
    with _lock:
        archive = _archives.pop(settings, None)
    if archive is not None:
        archive.close()


def _host_port(address: str) -> tuple[str, int]:
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    return parts.hostname or "127.0.0.1", parts.port or 8786


def is_loopback(address: str) -> bool:
    host = _host_port(address)[0]
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds, in the user's terms, if the scheduler cannot be reached (Dask waits 30 s)."""
    try:
        with socket.create_connection(_host_port(address), timeout=timeout):
            pass
    except OSError as exc:
        raise RemoteServiceError(f"cannot reach the Dask scheduler at {address} ({exc})") from None


def page_runner(settings: Settings, cluster: str | None = None):  # noqa: ANN201 (a Prefect TaskRunner)
    """The task runner for page tasks: Dask at ``cluster``, else ``settings.jobs`` threads."""
    if not cluster:
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=settings.jobs)
    if not is_loopback(cluster) and settings.database_url.startswith("sqlite"):
        # SQLite on a network share loses its locks: machines must share a server database.
        raise BadArgsError(f"a Dask cluster on other machines ({cluster}) needs a shared catalog: "
                           "set SOHOA_DATABASE_URL=postgresql://… (docs/scaling.md)")
    check_scheduler(cluster)
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=cluster)


@contextmanager
def api_for_workers(cluster: str | None) -> Iterator[None]:
    """Give the cluster's workers the flow's Prefect API.

    Task runs report to the API of the flow that owns them. A worker that finds no
    ``PREFECT_API_URL`` starts an ephemeral API of its own (about 10 s, per worker process, and a
    record the flow never sees). On loopback the flow's ephemeral API is started here and its
    address handed to the workers; a cluster on other machines needs a real server.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if not cluster or PREFECT_API_URL.value():
        yield
        return
    if not is_loopback(cluster):
        raise BadArgsError(
            f"a Dask cluster on other machines ({cluster}) needs a Prefect server they can reach: run "
            "'prefect server start --host 0.0.0.0' and set PREFECT_API_URL=http://HOST:4200/api (docs/scaling.md)")
    from prefect.server.api.server import SubprocessASGIServer

    # The same instance Prefect's own client uses (one per process), stopped by Prefect at exit:
    # stopping it here would cut off this process's later flows and its events worker.
    server = SubprocessASGIServer()
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield
