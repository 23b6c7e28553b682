"""Pages for listeners: the bulletins, one bulletin's player, its files, and the podcast feed.

The paths match what `sohoa audiobook` prints into QR codes and feeds: ``/audio/<slug>/``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from web import bulletins as store
from web.access import is_member
from web.render import render
from web.site import site_of

router = APIRouter(include_in_schema=False)


@router.get("/audio/", response_class=HTMLResponse)
def bulletin_list(request: Request) -> Response:
    items = store.bulletins(site_of(request), is_member(request))
    return render(request, "bulletins.html", {"bulletins": items})


@router.get("/audio/feed.xml")
def podcast_feed(request: Request) -> Response:
    return Response(store.feed(site_of(request), is_member(request)), media_type="application/rss+xml")


@router.get("/audio/{slug}/", response_class=HTMLResponse)
def bulletin_page(request: Request, slug: str) -> Response:
    site = site_of(request)
    item = store.bulletin(site, slug, is_member(request))
    return render(request, "bulletin.html", {
        "b": item, "files": item.files(), "cues": item.cues(), "chapters": item.meta.get("chapters") or [],
        "page_url": site.url(f"/audio/{item.slug}/"), "feed_url": site.url("/audio/feed.xml")})


@router.get("/audio/{slug}/{name}")
def bulletin_file(request: Request, slug: str, name: str) -> Response:
    """The audio (answers Range requests, so the player can seek), captions, QR code."""
    path, media_type = store.bulletin_file(site_of(request), slug, name, is_member(request))
    return FileResponse(path, media_type=media_type)
