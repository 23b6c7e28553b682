"""`sohoa deploy`: the ingest, audiobook, reindex and watch flows as Prefect deployments, so that
an operator starts them from the Prefect UI's forms."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console

from sohoa import runtime
from sohoa.errors import ExitCode
from sohoa.settings import Settings

console = Console(highlight=False, soft_wrap=True)


@click.command()
@click.option("--watch", "inbox", type=click.Path(file_okay=False, path_type=Path),
              help="Also poll this hot folder on a schedule (the watch deployment's default inbox).")
@click.option("--interval", type=click.FloatRange(5), default=60, show_default=True,
              help="With --watch: seconds between looks at the inbox.")
@click.option("--limit", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Runs at once (each ingest already keeps every core busy).")
@click.pass_obj
def deploy(settings: Settings, inbox: Path | None, interval: float, limit: int) -> ExitCode:
    """Serve the ingest, audiobook, reindex and watch flows as deployments on the Prefect server
    at PREFECT_API_URL, until Ctrl-C. Start a run from the Prefect UI (Deployments → Run → Custom
    run): its form asks for the paths on this machine, the metadata and who you are. Each run is
    a process of this command and does what the command of the same name does.

    \b
    Example:
      prefect server start &                      (UI and API on port 4200)
      export PREFECT_API_URL=http://127.0.0.1:4200/api
      sohoa deploy --watch /srv/inbox
    """
    os.environ["SOHOA_HOME"] = str(settings.home)  # the runs are processes of this one: the same archive
    if inbox is not None:
        inbox.mkdir(parents=True, exist_ok=True)
    flows = runtime.load_flows(settings, "flows.deployments")
    console.print(f"phục vụ / serving: ingest, audiobook, reindex, watch → {settings.home} (Ctrl-C to stop)")
    flows.serve_all(inbox, interval, limit)
    return ExitCode.ok
