"""Prefect's API served from a thread of this process, instead of Prefect's ephemeral subprocess.

With no ``PREFECT_API_URL``, Prefect starts its ephemeral API as a second Python process that
imports Prefect, pydantic, SQLAlchemy and FastAPI all over again (~250 MB resident). Served here,
from the same app factory with the same ephemeral settings (no UI, the services Prefect runs in
ephemeral mode, the same SQLite database under ``PREFECT_HOME``), the flow's process grows only by
what the server adds: ~140 MB less in all. :mod:`sohoa.runtime` decides when it is used (tested
Prefect versions only, not in a plain runtime) and falls back to Prefect's own server otherwise.

One server per process, started on first use and stopped at exit by a threading exit hook: those
run in reverse order of registration, so Prefect's event and log workers (registered later) flush
their last events first, and all of them run before Python shuts down the thread pools, which the
server's in-memory message broker polls through. The server stops only once its services have
handled every message delivered to them: Prefect's TaskRunRecorder.stop() cancels its consumer
even in the middle of writing a batch, which logged "Error flushing … events" with a traceback at
the exit of about one run in 60 (and lost those task runs' last states).

A new archive's Prefect database would be migrated from nothing by Alembic at the server's first
start (~4 CPU-s). The first migrated, still empty database is kept in sohoa's cache
(``$XDG_CACHE_HOME/sohoa``, one file per Prefect version, ~1.3 MB) and copied into later new archives.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

_STARTUP_TIMEOUT = 60.0  # seconds: a fresh database is migrated first (~4 CPU-s on a quiet machine)
_DRAIN_TIMEOUT = 10.0  # seconds: a batch is written in milliseconds; a stuck service must not hang the exit
_DRAIN_QUIET = 0.05  # seconds with nothing outstanding: the client's last frames have arrived and been handled
_lock = threading.Lock()
_running: dict[str, Any] = {}  # "url", "server", "thread" of this process's server


def embedded_api_url() -> str:
    """The address of this process's Prefect API, started now if it is not running yet."""
    with _lock:
        if "url" not in _running:
            _start()
        return str(_running["url"])


def _start() -> None:
    import uvicorn
    from prefect.server.api.server import create_app

    database, template = _database(), _template()
    fresh = database is not None and not database.exists()
    if fresh and template.exists():
        _copy(template, database)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, held from now on: no race with another process
    config = uvicorn.Config(create_app(ephemeral=True, final=True), log_level="error", access_log=False,
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="prefect-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("Prefect's API did not start in this process")
        time.sleep(0.02)
    _running.update(url=f"http://127.0.0.1:{sock.getsockname()[1]}/api", server=server, thread=thread)
    # threading's exit hooks run in reverse order of registration, before atexit's
    getattr(threading, "_register_atexit", atexit.register)(_stop)
    if fresh and not template.exists():
        _keep_template(database, template)  # migrated now, and no run in it yet


def _database() -> Path | None:
    """Prefect's SQLite database file, or None if it is elsewhere (PostgreSQL, in memory)."""
    from prefect.settings import get_current_settings

    url = get_current_settings().server.database.connection_url
    url = url.get_secret_value() if url is not None else ""
    prefix = "sqlite+aiosqlite:///"
    return Path(url.removeprefix(prefix)) if url.startswith(prefix) and ":memory:" not in url else None


def _template() -> Path:
    import prefect

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sohoa"
    return cache / f"prefect-{prefect.__version__}-empty.db"


def _copy(source: Path, target: Path) -> None:
    """Copy so that a reader sees the whole file or none (another process may start at once)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    except OSError:
        pass  # no copy: Prefect migrates a new database itself, as it would anyway


def _keep_template(database: Path, template: Path) -> None:
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        partial = template.with_name(f".{template.name}.{os.getpid()}.partial")
        # SQLite's online backup: a consistent copy while the server has the database open; the
        # copy without a write-ahead log, so that copying its one file copies all of it
        with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, template)
    except (OSError, sqlite3.Error):
        pass  # nothing kept: the next new archive migrates its own database


def _stop() -> None:
    server, thread = _running.get("server"), _running.get("thread")
    if server is not None and thread is not None:
        _drain()
        server.should_exit = True
        thread.join(timeout=10)
    _running.clear()


def _drain() -> None:
    """Wait until the services have handled every message the in-memory broker delivered to them
    (its counters: published minus consumed), and nothing more came for ``_DRAIN_QUIET``."""
    deadline = time.monotonic() + _DRAIN_TIMEOUT
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if _outstanding():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= _DRAIN_QUIET:
            return
        time.sleep(0.01)


def _outstanding() -> int:
    from prefect.server.utilities.messaging import memory

    lock = memory._metrics_lock or threading.Lock()  # None until the first message: then there is none
    with lock:
        return sum(topic["published"] - topic["consumed"] for topic in memory.METRICS.values())


def wanted() -> bool:
    """Whether this process should serve its own API: none configured, none started by Prefect
    here already, and not inside a flow run (a subflow reports to its parent's API)."""
    from prefect.context import FlowRunContext
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    prefect_started = any(s.running for s in getattr(SubprocessASGIServer, "_instances", {}).values())
    return not PREFECT_API_URL.value() and not prefect_started and FlowRunContext.get() is None
