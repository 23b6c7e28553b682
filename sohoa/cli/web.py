"""`sohoa serve`: the web app for researchers and listeners."""

from __future__ import annotations

import click

from sohoa.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64),
              help="Server processes (default: one per core; a search keeps one core busy).")
@click.option("--base-url", help="Public address of this server, e.g. https://bantin.example.vn, for the links "
                                 "it writes (default $SOHOA_BASE_URL; unset: the address each request came to).")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, workers: int | None, base_url: str | None) -> None:
    """Serve search, page viewer and bulletins over HTTP (API docs at /api).

    Internal documents are shown only to members: set SOHOA_MEMBER_TOKEN to the shared member
    code. --base-url (or SOHOA_BASE_URL) is the public address used in citations, share links and
    feeds; use the one printed QR codes carry (unset: links take the address each request came to).
    """
    import os

    import uvicorn

    from tts.publish import published_base_url

    os.environ["SOHOA_HOME"] = str(settings.home)  # the factory below reads it, also in worker processes
    # Checked as `sohoa audiobook --local` checks it (a loopback address is fine for a server), so
    # that a typo fails here, not in every citation and feed link.
    address = (settings.base_url if base_url is None else base_url).strip()
    os.environ["SOHOA_BASE_URL"] = published_base_url(address, local=True) if address else ""
    click.echo(f"sohoa: {settings.home} → http://{host}:{port}/", err=True)
    uvicorn.run("web.app:app_from_env", factory=True, host=host, port=port, workers=workers or os.cpu_count() or 1,
                log_level="warning", proxy_headers=True)
