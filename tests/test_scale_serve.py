"""The watch deployment served on an interval against a real Prefect server (`prefect server start`),
which the test starts itself: a scan dropped into the inbox is ingested by a scheduled run.

Part of the default run: about 40 s on an idle 2-core machine (the server takes 12–25 s to start,
each scheduled run starts a Python process), minutes on a loaded one. ``SOHOA_SKIP_SERVE=1`` leaves
it out on a machine where that is too slow; `sohoa watch --once` (tests/test_scale_watch.py) covers
the same ingest path without a server.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.archive import Archive
from tests.postgres import free_port
from tests.processes import answers, start

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(bool(os.environ.get("SOHOA_SKIP_SERVE")),
                                 reason="SOHOA_SKIP_SERVE is set: no Prefect server started")]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A real Prefect server on a free loopback port, with its own home; the env to reach it."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"}
    env.pop("PREFECT_API_URL", None)
    server = start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                   home / "server.log", env)
    api = f"http://127.0.0.1:{port}/api"
    try:
        server.wait_until(lambda: answers(f"{api}/health"), 180, "prefect server start")
        yield {**env, "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    finally:
        server.stop()


def test_the_served_deployment_ingests_dropped_scans_on_schedule(prefect_server, tmp_path, scans):
    inbox, home = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    served = start([str(BIN / "sohoa"), "--archive", str(home), "watch", str(inbox), "--serve", "--interval", "3"],
                   tmp_path / "serve.log", prefect_server)
    try:
        scan = scans.get("served-one-page.pdf", pages=1, font="serif", variant="clean", seed=31)
        shutil.copyfile(scan, inbox / "ban-tin.pdf")
        served.wait_until((inbox / "done" / "ban-tin.pdf").exists, 150, "a scheduled run to ingest the scan")
    finally:
        served.stop()
    [doc] = Archive.open(home).catalog.documents()
    assert doc.status == "complete" and doc.original_name == "ban-tin.pdf"
