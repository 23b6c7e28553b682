"""The correction view: the page image beside its lines, each line under its image strip.

A save sends every line with the version the form was opened at; a stale form gets 409 and both
texts (``sohoa.corrections.EditConflictError``). The script (static/correct.js) saves on Enter and
moves to the next line; without it, the form still saves the whole page.
"""

from __future__ import annotations

import io

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from PIL import Image

from corpus.models import Word
from corpus.revisions import PageVersion
from ocr.relayout import clean_line
from sohoa import corrections
from web import library
from web.review import require_editor, sign_in
from web.access import editor_of
from web.render import render
from web.site import site_of

router = APIRouter(include_in_schema=False)
LOW_CONFIDENCE = 80.0  # words under this are where the "next doubtful word" key goes
STRIP_PADDING = 0.35  # of the line's height, above and below, so that diacritics are not cut


def view_url(doc_id: str, page_no: int) -> str:
    return f"/review/{doc_id}/{page_no}"


def line_rows(version: PageVersion) -> list[dict[str, object]]:
    """Each line's text and where its doubtful words start (character offsets, for the script)."""
    rows: list[dict[str, object]] = []
    for number, text in enumerate(version.lines, start=1):
        words = [w for w in version.words if w.line == number]
        offsets, at = [], 0
        for w in words:
            if w.confidence < LOW_CONFIDENCE:
                offsets.append(f"{at}:{len(w.text)}")
            at += len(w.text) + 1
        rows.append({"number": number, "text": text, "low": " ".join(offsets)})
    return rows


def _context(request: Request, doc_id: str, page_no: int, **extra: object) -> dict[str, object]:
    site = site_of(request)
    doc = library.document(site, doc_id, True)
    page = library.page(site, doc, page_no)
    versions = corrections.history(site.archive, doc.id, page.page_no)
    return {"doc": doc, "page": page, "version": versions[-1], "versions": versions, "lines": line_rows(versions[-1]),
            "image": library.image_name(page), **extra}


@router.get("/review/{doc_id}/{page_no}", response_class=HTMLResponse)
def correction_view(request: Request, doc_id: str, page_no: int, saved: int = 0) -> Response:
    if editor_of(request) is None:
        return sign_in(request)
    return render(request, "correct.html", _context(request, doc_id, page_no, saved=saved))


@router.post("/review/{doc_id}/{page_no}", response_class=HTMLResponse)
def save(request: Request, doc_id: str, page_no: int, base: int = Form(...),
         line: list[str] = Form(default=[])) -> Response:
    editor = require_editor(request)
    wants_json = "json" in request.headers.get("accept", "")
    try:
        saved = corrections.save_lines(site_of(request).archive, doc_id, page_no, line, author=editor, base=base)
    except corrections.EditConflictError as conflict:
        return conflict_response(request, doc_id, page_no, conflict, wants_json)
    number = saved.version.version if saved.version else base
    if wants_json:
        return JSONResponse({"version": number, "changed": saved.version is not None})
    return RedirectResponse(f"{view_url(doc_id, page_no)}?saved={number}", status_code=303)


@router.post("/review/{doc_id}/{page_no}/revert")
def revert(request: Request, doc_id: str, page_no: int, to: int = Form(...), base: int = Form(...)) -> Response:
    editor = require_editor(request)
    try:
        saved = corrections.revert(site_of(request).archive, doc_id, page_no, to, author=editor, base=base)
    except corrections.EditConflictError as conflict:
        return conflict_response(request, doc_id, page_no, conflict, wants_json=False)
    number = saved.version.version if saved.version else base
    return RedirectResponse(f"{view_url(doc_id, page_no)}?saved={number}", status_code=303)


def conflict_response(request: Request, doc_id: str, page_no: int, conflict: corrections.EditConflictError,
                      wants_json: bool) -> Response:
    """409 with the lines where the newer version and the stale form differ: theirs and mine."""
    pairs = [(n, theirs, mine) for n, (theirs, mine) in
             enumerate(zip(conflict.latest.lines, conflict.mine), start=1) if clean_line(theirs) != clean_line(mine)]
    if wants_json:
        return JSONResponse({"error": str(conflict), "version": conflict.latest.version,
                             "author": conflict.latest.author,
                             "conflicts": [{"line": n, "theirs": t, "mine": m} for n, t, m in pairs]}, 409)
    return render(request, "correct.html", _context(request, doc_id, page_no, conflict=conflict, pairs=pairs),
                  status_code=409)


@router.get("/review/{doc_id}/{page_no}/lines/{number}.jpg")
def line_strip(request: Request, doc_id: str, page_no: int, number: int) -> Response:
    """The strip of the page image that holds one line, so its diacritics sit right above the text."""
    require_editor(request)
    context = _context(request, doc_id, page_no)
    version: PageVersion = context["version"]  # type: ignore[assignment]
    words = [w for w in version.words if w.line == number]
    if not words or not context["image"]:
        return Response(status_code=404)
    path = library.page_file(site_of(request), context["page"], str(context["image"]))  # type: ignore[arg-type]
    with Image.open(path) as image:
        strip = image.crop(strip_box(words, image.width, image.height))
        buffer = io.BytesIO()
        strip.convert("L").save(buffer, "JPEG", quality=85)
    return Response(buffer.getvalue(), media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


def strip_box(words: list[Word], width: int, height: int) -> tuple[int, int, int, int]:
    top, bottom = min(w.top for w in words), max(w.top + w.height for w in words)
    pad = int((bottom - top) * STRIP_PADDING) + 4
    left, right = min(w.left for w in words), max(w.left + w.width for w in words)
    return max(0, left - pad), max(0, top - pad), min(width, right + pad), min(height, bottom + pad)
