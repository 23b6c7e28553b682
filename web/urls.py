"""The one place that decides absolute links (citations, QR codes, feeds, share links).

The configured public address (``SOHOA_BASE_URL``) wins, so links stay stable behind a proxy;
without one, the address the request came to (the scheme behind a proxy comes from uvicorn's
``--proxy-headers``). Paths inside the site stay relative everywhere else.
"""

from __future__ import annotations

from fastapi import Request

from web.site import site_of


def base_url(request: Request) -> str:
    return site_of(request).settings.base_url or str(request.base_url).rstrip("/")


def absolute(request: Request, path: str) -> str:
    """``path`` (starting with "/") as a full URL a listener or a podcast app can open."""
    return base_url(request) + path
