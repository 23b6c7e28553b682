"""Everything sohoa does to Python, glibc and Prefect for speed, in one place, behind one switch.

None of it changes what sohoa writes; each saves CPU or memory a page or a run:

- page processes: one Tesseract (OpenMP) thread per page, since pages run in parallel; glibc's
  heap bounded for page arrays (:mod:`sohoa.heap`);
- Prefect's start: its long-lived objects built with the cyclic collector paused; block
  registration, unused server services and py-key-value's run-time type checks turned off; no
  flow heartbeat thread;
- Prefect's API served from a thread of the flow's process (:mod:`flows.embedded_api`) instead of
  its ephemeral server process, on the Prefect versions it was tested with (``TESTED_PREFECT``);
  on any other, or if Prefect's internals differ, Prefect's own server with one warning line.

``SOHOA_PLAIN_RUNTIME=1`` turns all of them off: sohoa then runs as the libraries do by default,
which is how CI checks that a tweak broken by an upgrade fails one test, not every command.
What is not for speed stays on: Prefect's home inside the archive, no telemetry, quiet loggers.

Commands start Prefect through :func:`load_flows`; flows run inside :func:`flow_session`.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import ModuleType
from typing import Any

from sohoa import heap
from sohoa.errors import disk_full
from sohoa.settings import Settings

PLAIN_SWITCH = "SOHOA_PLAIN_RUNTIME"
# Prefect minor versions the embedded API was tested with (its private parts: create_app's
# arguments, SubprocessASGIServer's instances, threading's exit hooks). pyproject.toml pins the same.
TESTED_PREFECT = ("3.9",)
# Free space Prefect's database needs (1.3 MB new, then a run's records): with less, its server
# fails to start in some 1,800 lines of tracebacks, then again in its fallback, minutes later.
PREFECT_ROOM = 4 << 20

# Loggers that speak at the ephemeral API's start and shutdown (CancelledError tracebacks when its
# server task is cancelled, failed telemetry DNS look-ups without internet): not for users.
_NOISY_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access", "asyncio",
                  "prefect.server", "prefect._internal", "prefect.events", "prefect.client", "docket",
                  "EventsWorker", "APILogWorker", "ResultRecordWorker")

# Prefect settings that only save time: the defaults of a plain runtime are Prefect's own.
_PREFECT_SPEED = {
    # sohoa uses no Prefect blocks: registering Prefect's block types costs ~0.8 CPU-s a new database,
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    # ... and so nothing to memoize: the memo's check runs even when registration is off (~0.5 CPU-s)
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
    # Services that read every event and that sohoa has no use for: automations (it defines none)
    # and the UI's event feed store. Runs, task runs, logs and artifacts are still recorded (~0.6 CPU-s).
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    # py-key-value (under Prefect's task queue) wraps each of its functions in beartype's run-time
    # type checks at import (~0.2 CPU-s) and on every call after; its own switch turns them off
    "PY_KEY_VALUE_DISABLE_BEARTYPE": "true",
}


def plain() -> bool:
    """Whether the speed tweaks are off (``SOHOA_PLAIN_RUNTIME=1``)."""
    return os.environ.get(PLAIN_SWITCH) == "1"


@functools.cache
def tune_page_process() -> None:
    """Make this process fit for recognising pages in parallel; once per process (a command, a
    Dask worker). Tesseract reads OMP_THREAD_LIMIT when each page's run starts."""
    if plain():
        return
    # One thread a page: OpenMP threads on top oversubscribe the cores (a dense page took 4.5 s with
    # the default and 1.3 s with one thread on 2 cores).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    heap.bound_page_memory()


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Build what lives as long as the process (Prefect's modules, its API's app) without the cyclic
    collector walking it again and again, then freeze it (:func:`sohoa.heap.startup_objects`)."""
    with nullcontext() if plain() else heap.startup_objects():
        yield


def configure_prefect(settings: Settings) -> None:
    """Set Prefect's environment for this process before Prefect is imported (where the user has
    not set it)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(settings.home / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # ... and the client's: Prefect's first import in a new PREFECT_HOME prints a telemetry notice
    # and queues an event for a network sohoa's users often lack
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    # Prefect's own server (a plain runtime) migrates a new database and registers its blocks first:
    # over a minute on a busy machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    if not plain():
        for name, value in _PREFECT_SPEED.items():
            os.environ.setdefault(name, value)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def load_flows(settings: Settings, module: str) -> ModuleType:
    """Configure Prefect and import a flow module: the one way a command starts Prefect."""
    configure_prefect(settings)
    check_room(Path(os.environ["PREFECT_HOME"]))
    with long_lived_objects():
        return importlib.import_module(module)


def check_room(prefect_home: Path) -> None:
    """Refuse to start Prefect on a disk without room for its database: one line, exit 14."""
    existing = next(p for p in (prefect_home, *prefect_home.parents) if p.exists())
    free = shutil.disk_usage(existing).free
    if free < PREFECT_ROOM:
        raise disk_full(f"{prefect_home} ({free >> 10} KiB free; Prefect's database needs {PREFECT_ROOM >> 20} MiB)")


@contextmanager
def flow_session(settings: Settings, *, serve_api: bool = True) -> Iterator[None]:
    """Run flows quietly, against the API :func:`prefect_api_url` chooses (none on a Dask
    cluster's behalf: its workers are given Prefect's own, ``serve_api=False``)."""
    configure_prefect(settings)
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    session: dict[Any, Any] = {} if plain() else {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}  # ~1 s a flow's exit
    with long_lived_objects():  # the API server's modules and app
        url = prefect_api_url() if serve_api else None
    if url:
        session[PREFECT_API_URL] = url
    # Failed tasks are reported by sohoa itself, once, in the user's terms. Set after the API's
    # start: its app factory reloads Prefect's logging config, which resets these levels.
    for name in ("prefect.task_runs", "prefect.flow_runs", "prefect.task_engine", "prefect.flow_engine"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        with temporary_settings(session):
            yield
    finally:  # drop stray 'CancelledError' tracebacks that the ephemeral server prints while stopping
        for name in _NOISY_LOGGERS:
            logging.getLogger(name).disabled = True
        sys.stderr.flush()


def prefect_api_url() -> str | None:
    """This process's embedded Prefect API, or None for Prefect's own choice (a configured server,
    or its ephemeral server process): plain runtime, an untested Prefect, or internals that differ."""
    import prefect

    if plain():
        return None
    version = ".".join(prefect.__version__.split(".")[:2])
    if version not in TESTED_PREFECT:
        _fallback(f"Prefect {prefect.__version__} is not one sohoa's embedded API was tested with "
                  f"({', '.join(TESTED_PREFECT)})")
        return None
    from flows import embedded_api

    try:
        return embedded_api.embedded_api_url() if embedded_api.wanted() else None
    except (ImportError, AttributeError, TypeError, RuntimeError) as exc:
        _fallback(f"Prefect's internals differ from what sohoa's embedded API expects ({type(exc).__name__}: {exc})")
        return None


@functools.cache
def _fallback(reason: str) -> None:
    print(f"sohoa: cảnh báo / warning: {reason}; using Prefect's own ephemeral server", file=sys.stderr)
