"""`sohoa serve`: the web app for researchers and listeners."""

from __future__ import annotations

import click

from sohoa.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64),
              help="Server processes (default: one per core; a search keeps one core busy).")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int | None) -> None:
    """Serve search, page viewer and bulletins over HTTP (API docs at /api).

    Internal documents are shown only to members: set SOHOA_MEMBER_TOKEN to the shared member
    code, and SOHOA_BASE_URL to the public address used in citations, QR codes and feeds
    (unset: links take the address each request came to).
    """
    import os

    import uvicorn

    os.environ["SOHOA_HOME"] = str(settings.home)  # the factory below reads it, also in worker processes
    click.echo(f"sohoa: {settings.home} → http://{host}:{port}/", err=True)
    uvicorn.run("web.app:app_from_env", factory=True, host=host, port=port, workers=workers or os.cpu_count() or 1,
                log_level="warning", proxy_headers=True)
