"""Prefect, configured for sohoa before it is imported: embedded, quiet, and kept inside the archive.

Call :func:`configure` first, then import ``prefect``. Every flow of sohoa runs against Prefect's
ephemeral API (no server to start) unless ``PREFECT_API_URL`` names one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sohoa import heap
from sohoa.settings import Settings

# Loggers that speak at the ephemeral API's start and shutdown (CancelledError tracebacks when its
# server task is cancelled, failed telemetry DNS look-ups without internet): not for users.
_NOISY_LOGGERS = ("httpx", "httpcore", "uvicorn", "uvicorn.error", "uvicorn.access", "asyncio",
                  "prefect.server", "prefect._internal", "prefect.events", "prefect.client", "docket",
                  "EventsWorker", "APILogWorker", "ResultRecordWorker")


def configure(settings: Settings) -> None:
    """Set Prefect's environment for this process (only where the user has not set it)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(settings.home / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # ... and the client's: in a terminal, Prefect's first import in a new PREFECT_HOME (every new
    # archive) prints a telemetry notice and queues an event for a network sohoa's users often lack
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # sohoa uses no Prefect blocks: registering Prefect's block types costs ~0.8 CPU-s a new database
    os.environ.setdefault("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "false")
    # ... and so nothing to memoize: the memo's check (load the collections' block list, hash the
    # registry) runs even when registration is off, ~0.5 CPU-s at every start of the API
    os.environ.setdefault("PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION", "false")
    # Services of the embedded API that read every event and that sohoa has no use for: automations
    # (sohoa defines none) and the store behind the UI's event feed (its vacuum goes with it).
    # Flow runs, task runs, logs and artifacts are still recorded. Saves ~0.6 CPU-s a run.
    os.environ.setdefault("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED", "false")
    # Prefect's task queue (docket) stores through py-key-value, which wraps every function of its
    # package in beartype's run-time type checks at import (~0.2 CPU-s at each start) and on every
    # call after; its own switch turns them off
    os.environ.setdefault("PY_KEY_VALUE_DISABLE_BEARTYPE", "true")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


@contextmanager
def flow_session(settings: Settings, *, serve_api: bool = True) -> Iterator[None]:
    """Run flows quietly: no heartbeat thread (it adds ~1 s to every flow's exit), no shutdown noise.

    With no Prefect server configured, the API is served from this process (flows.embedded_api)
    unless ``serve_api`` is False (a Dask cluster's workers are given Prefect's own instead).
    """
    configure(settings)
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows import embedded_api

    session: dict[Any, Any] = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    with heap.startup_objects():  # the API server's modules and app
        if serve_api and embedded_api.wanted():
            session[PREFECT_API_URL] = embedded_api.embedded_api_url()
    # Failed tasks are reported by sohoa itself, once, in the user's terms. Set after the API's
    # start: its app factory reloads Prefect's logging config, which resets these levels.
    for name in ("prefect.task_runs", "prefect.flow_runs", "prefect.task_engine", "prefect.flow_engine"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with temporary_settings(session), _silenced_stderr_at_exit():
        yield


@contextmanager
def _silenced_stderr_at_exit() -> Iterator[None]:
    """Drop stray 'CancelledError' tracebacks that the ephemeral server prints while stopping."""
    try:
        yield
    finally:
        for name in _NOISY_LOGGERS:
            logging.getLogger(name).disabled = True
        sys.stderr.flush()
