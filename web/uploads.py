""""Nhập tài liệu" for editors: upload scans (or a ZIP of page images, or a CSV manifest with its
files), follow the run page by page, and "Lịch sử nhập", the runs so far.

The request streams the files into the run's quarantine (``web.upload_stream``), checks them with
the ingest service's plan and starts `sohoa ingest` in a process of its own (``sohoa.uploads``);
the progress page polls a JSON view of the catalog, so it can be closed and opened again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from corpus.models import ACCESS_LEVELS, KINDS
from sohoa import runs, uploads
from sohoa.errors import SohoaError
from web.access import editor_of
from web.render import render
from web.review import require_editor, sign_in
from web.site import site_of
from web.upload_stream import Received, TooLarge, receive, too_large

router = APIRouter(include_in_schema=False)
# A run's state as the editor reads it (the pages keep the English state in data-state for scripts).
STATE_LABELS = {"checking": "đang kiểm tra", "preview": "chờ xuất bản", "running": "đang chạy", "done": "xong", "failed": "có lỗi",
                "partial": "xong, trừ các tệp lỗi dưới đây",
                "refused": "không có tệp nào nhập được",
                "interrupted": "bị ngắt: nhập lại các tệp này, việc nhập tiếp tục từ trang còn dở"}


def _form(request: Request, message: str = "", status: int = 200) -> Response:
    limit = site_of(request).upload_limit
    return render(request, "ingest.html", {"message": message, "kinds": KINDS, "access_levels": ACCESS_LEVELS,
                                           "limit": uploads.megabytes(limit)}, status_code=status)


@router.get("/ingest", response_class=HTMLResponse)
def upload_form(request: Request) -> Response:
    return _form(request) if editor_of(request) else sign_in(request)


async def take_upload(request: Request, editor: str, accept: Callable[[runs.Run, Path, Received], object],
                      form: Callable[[Request, str, int], Response]) -> tuple[runs.Run, Path] | Response:
    """Stream the request's files into a new run's quarantine and let ``accept`` check them (in a
    thread: it reads files); a refused upload leaves nothing behind and gets ``form`` again with
    its one line. Scan and bulletin uploads both come in this way."""
    limit = site_of(request).upload_limit
    if int(request.headers.get("content-length") or 0) > limit + 2**16:  # the form's own fields besides
        return form(request, str(too_large(limit)), 413)
    run, folder = runs.new_run(site_of(request).archive.settings.home, editor)
    try:
        received = await receive(request.headers.get("content-type", ""), request.stream(), folder / "quarantine", limit)
        await run_in_threadpool(accept, run, folder, received)
    except SohoaError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return form(request, str(exc), 413 if isinstance(exc, TooLarge) else 400)
    except OSError as exc:  # a full or read-only disk: the same, said in one line
        shutil.rmtree(folder, ignore_errors=True)
        return form(request, f"không lưu được tệp tải lên / cannot store the upload ({exc.strerror})", 507)
    return run, folder


@router.post("/ingest", response_class=HTMLResponse)
async def upload(request: Request) -> Response:
    editor = require_editor(request)
    site = site_of(request)

    def accept(run: runs.Run, folder: Path, received: Received) -> None:
        if not received.files:
            raise SohoaError("chưa chọn tệp nào / no file chosen")
        files, refused = uploads.unpack_zips(received.files, site.upload_limit)
        jobs, more = uploads.jobs_of(files, received.fields, editor)
        uploads.check(site.archive, run, folder, jobs, refused + more)

    taken = await take_upload(request, editor, accept, _form)
    if isinstance(taken, Response):
        return taken
    run, folder = taken
    if run.to_ingest:
        uploads.start(site.settings, run, folder)
    return RedirectResponse(f"/ingest/runs/{run.id}", status_code=303)


def _run(request: Request, run_id: str) -> tuple[runs.Run, dict[str, object]]:
    require_editor(request)
    archive = site_of(request).archive
    folder = runs.run_folder(archive.settings.home, run_id)
    if folder is None:
        raise HTTPException(404)
    run = runs.Run.load(folder)
    return run, uploads.progress(archive, run, folder)


@router.get("/ingest/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> Response:
    if editor_of(request) is None:
        return sign_in(request)
    run, progress = _run(request, run_id)
    return render(request, "ingest_run.html", {"run": run, "progress": progress, "states": STATE_LABELS})


@router.get("/ingest/runs/{run_id}/progress.json")
def run_progress(request: Request, run_id: str) -> Response:
    return JSONResponse(_run(request, run_id)[1], headers={"Cache-Control": "no-store"})


@router.get("/ingest/history", response_class=HTMLResponse)
def run_history(request: Request) -> Response:
    if editor_of(request) is None:
        return sign_in(request)
    return render(request, "ingest_history.html", {"runs": uploads.history(site_of(request).archive),
                                                   "states": STATE_LABELS})
