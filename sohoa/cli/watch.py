"""`sohoa watch INBOX`: a hot folder. Scans dropped in are ingested, then moved to done/ or failed/."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from sohoa import runtime
from sohoa.errors import ExitCode
from sohoa.settings import Settings

console = Console(highlight=False, soft_wrap=True)


@click.command()
@click.argument("inbox", type=click.Path(file_okay=False, path_type=Path))
@click.option("--interval", type=click.FloatRange(0.5), default=30, show_default=True,
              help="Seconds between looks at the inbox.")
@click.option("--once", is_flag=True,
              help="Look twice, --settle seconds apart, ingest what is ready, and stop (for cron).")
@click.option("--settle", type=click.FloatRange(0), default=2, show_default=True,
              help="With --once: seconds a file's size must stay unchanged.")
@click.option("--serve", is_flag=True,
              help="Serve a Prefect deployment scheduled every --interval seconds (needs PREFECT_API_URL).")
@click.option("--cluster", envvar="SOHOA_DASK_ADDRESS", metavar="tcp://HOST:8786",
              help="Recognise pages on this Dask cluster (docs/scaling.md).")
@click.pass_obj
def watch(settings: Settings, inbox: Path, interval: float, once: bool, settle: float, serve: bool,
          cluster: str | None) -> ExitCode:
    """Ingest every scan dropped into INBOX (optionally with a CSV manifest), then move it to
    INBOX/done/ or to INBOX/failed/ with a NAME.reason.txt. A file still being copied is left
    alone until its size stops changing.
    """
    from ocr.doctor import check_ocr

    check_ocr()
    flows = runtime.load_flows(settings, "flows.watch")
    inbox.mkdir(parents=True, exist_ok=True)
    if serve:
        console.print(f"phục vụ / serving: watching {inbox} every {interval:g} s (Ctrl-C to stop)")
        flows.serve_watch(inbox, settings, interval, cluster)
        return ExitCode.ok
    hot = flows.watcher(inbox, settings, cluster)
    failures, polls = 0, 0
    while True:
        report = hot.poll()
        polls += 1
        for name in report.done:
            console.print(f"✓ {name} → done/")
        for name, reasons in report.failed.items():
            console.print(f"✗ {name} → failed/: {'; '.join(reasons)}", style="red")
        failures += len(report.failed)
        if once and polls == 2:  # the first look only learns sizes; the second can tell them stable
            if report.waiting:
                console.print(f"… still arriving / đang chép: {', '.join(report.waiting)}")
            break
        time.sleep(settle if once else interval)
    return ExitCode.partial_failure if failures else ExitCode.ok
