"""Pages for listeners: the bulletins, one bulletin's player, its files, the feed, offline copies.

The paths match what `sohoa audiobook` prints into QR codes and feeds: ``/audio/<slug>/``.
An internal bulletin reached without signing in (a QR code on paper, a shared link) answers
with a sign-in form that comes back to it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from corpus import listens
from tts.meta import display_date
from web import bulletins as store
from web import urls
from web.access import is_member
from web.polls import page_polls
from web.render import render
from web.site import HERE, site_of

router = APIRouter(include_in_schema=False)
SPEEDS = [("0.75", "0,75×"), ("1", "1×"), ("1.25", "1,25×"), ("1.5", "1,5×"), ("1.75", "1,75×"), ("2", "2×")]
SIGN_IN = "/members"  # the member sign-in form; it takes ``next``, a local path to return to


@router.get("/audio/", response_class=HTMLResponse)
def bulletin_list(request: Request) -> Response:
    items = store.bulletins(site_of(request), is_member(request))
    return render(request, "bulletins.html", {"bulletins": items})


@router.get("/audio/feed.xml")
def podcast_feed(request: Request) -> Response:
    feed = store.feed(site_of(request), is_member(request), urls.base_url(request))
    return Response(feed, media_type="application/rss+xml")


@router.get("/audio/offline.js")
def service_worker() -> Response:
    """The service worker, served from /audio/ so that its scope covers every bulletin."""
    return FileResponse(HERE / "static" / "offline-worker.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})


@router.get("/audio/{slug}/", response_class=HTMLResponse)
def bulletin_page(request: Request, slug: str) -> Response:
    site, member = site_of(request), is_member(request)
    try:
        item = store.bulletin(site, slug, member)
    except store.InternalBulletin:
        return render(request, "sign_in.html", {"next": f"/audio/{slug}/", "action": SIGN_IN}, status_code=401)
    files = item.files()
    plays = listens.plays(site.archive.catalog.engine, item.slug) if member else None
    return render(request, "bulletin.html", {
        "b": item, "files": files, "cues": item.cues(), "chapters": item.meta.chapters, "speeds": SPEEDS,
        "polls": page_polls(request, item.slug), "page_url": urls.absolute(request, f"/audio/{item.slug}/"),
        "offline_files": [f"/audio/{item.slug}/{n}" for n in files],  # what "keep for offline" fetches
        "listens": [(display_date(day), count) for _, day, count in plays] if plays is not None else None})


@router.post("/api/bulletins/{slug}/plays", status_code=204)
def count_play(request: Request, slug: str) -> Response:
    """The player says a listener has heard 30 seconds: one more play today (nothing else is kept)."""
    site = site_of(request)
    item = store.bulletin(site, slug, is_member(request))
    listens.record_play(site.archive.catalog.engine, item.slug)
    return Response(status_code=204)


@router.get("/audio/{slug}/{name}")
def bulletin_file(request: Request, slug: str, name: str) -> Response:
    """The audio (answers Range requests, so the player can seek), captions, chapters, cover, QR code."""
    path, media_type = store.bulletin_file(site_of(request), slug, name, is_member(request))
    return FileResponse(path, media_type=media_type)
