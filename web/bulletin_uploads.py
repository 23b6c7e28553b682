""""Bản tin" for editors: upload a bulletin, proofread its read-aloud text, "Xuất bản".

The upload streams into a run's quarantine as a scan upload does (``web.upload_stream``); the
preview page shows the normalised text with the changed words marked; publishing starts
`sohoa audiobook` as the run's own process (``sohoa.uploads.start``), followed on the same run
page as an ingest, which links to the listening page when it is done.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from corpus.models import ACCESS_LEVELS
from sohoa import bulletin_uploads, runs, uploads
from web.access import editor_of
from web.render import render
from web.review import require_editor, sign_in
from web.site import site_of
from web.uploads import take_upload

router = APIRouter(include_in_schema=False)


def _form(request: Request, message: str = "", status: int = 200) -> Response:
    return render(request, "bulletin_upload.html", {
        "message": message, "access_levels": ACCESS_LEVELS, "limit": uploads.megabytes(site_of(request).upload_limit)},
        status_code=status)


@router.get("/ingest/bulletin", response_class=HTMLResponse)
def bulletin_form(request: Request) -> Response:
    return _form(request) if editor_of(request) else sign_in(request)


@router.post("/ingest/bulletin", response_class=HTMLResponse)
async def bulletin_upload(request: Request) -> Response:
    editor = require_editor(request)
    settings = site_of(request).settings
    taken = await take_upload(request, editor, lambda run, folder, received: bulletin_uploads.check(
        settings, run, folder, received.files, received.fields), _form)
    if isinstance(taken, Response):
        return taken
    return RedirectResponse(f"/ingest/bulletin/{taken[0].id}", status_code=303)


def _waiting(request: Request, run_id: str) -> tuple[runs.Run, Path]:
    """A bulletin run still waiting for "Xuất bản", and its folder."""
    require_editor(request)
    folder = runs.run_folder(site_of(request).archive.settings.home, run_id)
    run = runs.Run.load(folder) if folder else None
    if folder is None or run is None or run.kind != "audiobook":
        raise HTTPException(404)
    return run, folder


@router.get("/ingest/bulletin/{run_id}", response_class=HTMLResponse)
def bulletin_preview(request: Request, run_id: str) -> Response:
    if editor_of(request) is None:
        return sign_in(request)
    run, folder = _waiting(request, run_id)
    if run.state != "preview":
        return RedirectResponse(f"/ingest/runs/{run.id}", status_code=303)
    lines = bulletin_uploads.preview(site_of(request).settings, run, folder)
    return render(request, "bulletin_preview.html", {
        "run": run, "lines": lines, "changed": bulletin_uploads.changed_words(lines)})


@router.post("/ingest/bulletin/{run_id}", response_class=HTMLResponse)
def bulletin_publish(request: Request, run_id: str) -> Response:
    run, folder = _waiting(request, run_id)
    if run.state == "preview":  # a second click publishes nothing twice
        site = site_of(request)
        bulletin_uploads.publish(site.archive, run, folder)
        uploads.start(site.settings, run, folder)
    return RedirectResponse(f"/ingest/runs/{run.id}", status_code=303)
