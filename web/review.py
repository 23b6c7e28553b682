"""The editors' queue: flagged pages worst first, with filters and counts, "checked" with no
change, and readers' error reports (suggestions) to accept or reject in one click; and the public
"báo lỗi" form that files those reports (rate-limited, anonymous: no name, no address stored)."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from corpus.revisions import Revisions
from ocr.relayout import clean_line
from sohoa import corrections
from sohoa.errors import BadArgsError
from sohoa.vietnamese import nfc
from web import library
from web.access import editor_of, is_member
from web.render import render
from web.site import site_of

router = APIRouter(include_in_schema=False)
FILTERS = ("doc", "commune", "year")


def require_editor(request: Request) -> str:
    """The editor's name; anyone else is refused (pages they open are sent to sign in: sign_in)."""
    name = editor_of(request)
    if name is None:
        raise HTTPException(403, "Chỉ biên tập viên / editors only")
    return name


def sign_in(request: Request) -> Response:
    """To the sign-in form, which comes back here afterwards."""
    return RedirectResponse(f"/members?next={quote(request.url.path)}", status_code=303)


def queue_view(rows: list[dict[str, Any]], chosen: dict[str, str]) -> dict[str, Any]:
    """The queue filtered by ``chosen``, and for each filter the counts of every value."""
    def value(row: dict[str, Any], key: str) -> str:
        return str(row["doc_id"] if key == "doc" else row[key] or "")

    shown = [r for r in rows if all(value(r, k) == v for k, v in chosen.items() if v)]
    counts = {key: sorted(Counter(value(r, key) for r in rows).items()) for key in FILTERS}
    titles = {r["doc_id"]: r["title"] or r["doc_id"] for r in rows}
    return {"rows": shown, "counts": counts, "total": len(rows), "titles": titles}


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, doc: str = "", commune: str = "", year: str = "") -> Response:
    if editor_of(request) is None:
        return sign_in(request)
    revisions = Revisions(site_of(request).archive.catalog)
    chosen = {"doc": doc, "commune": nfc(commune), "year": year}
    return render(request, "review.html", {**queue_view(revisions.queue(), chosen), "chosen": chosen,
                                           "suggestions": revisions.suggestions()})


@router.post("/review/{doc_id}/{page_no}/checked")
def checked(request: Request, doc_id: str, page_no: int) -> Response:
    editor = require_editor(request)
    site = site_of(request)
    page = library.page(site, library.document(site, doc_id, True), page_no)
    Revisions(site.archive.catalog).mark_reviewed(page.doc_id, page.page_no, editor, "checked")
    site.archive.catalog.log_event("web", "checked", doc_id=page.doc_id, page_no=page.page_no, author=editor)
    return RedirectResponse("/review", status_code=303)


@router.post("/review/suggestions/{suggestion_id}")
def decide(request: Request, suggestion_id: int, decision: str = Form(..., pattern="^(accept|reject)$")) -> Response:
    editor = require_editor(request)
    site = site_of(request)
    revisions = Revisions(site.archive.catalog)
    found = next((s for s in revisions.suggestions() if s.id == suggestion_id), None)
    if found is None:
        raise HTTPException(404)
    if decision == "accept":
        current = corrections.history(site.archive, found.doc_id, found.page_no)[-1]
        lines = current.lines
        line = lines[found.line - 1] if found.line <= len(lines) else ""
        if found.before not in line:
            raise BadArgsError(f"dòng {found.line} đã đổi, không còn “{found.before}” / the line has changed")
        lines[found.line - 1] = line.replace(found.before, found.after, 1)
        corrections.save_lines(site.archive, found.doc_id, found.page_no, lines, author=editor,
                               base=current.version, action="suggestion")
    revisions.decide(found.id, "accepted" if decision == "accept" else "rejected", editor)
    return RedirectResponse("/review", status_code=303)


@router.post("/documents/{doc_id}/pages/{page_no}/suggest", response_class=HTMLResponse)
def suggest(request: Request, doc_id: str, page_no: int, before: str = Form(..., max_length=200),
            after: str = Form(..., max_length=200)) -> Response:
    site = site_of(request)
    page = library.page(site, library.document(site, doc_id, is_member(request)), page_no)
    client = request.client.host if request.client else "unknown"
    if wait := site.suggestions.wait(client):
        raise HTTPException(429, f"Bạn đã gửi nhiều báo lỗi; thử lại sau {wait} giây / too many reports")
    before, after = clean_line(before), clean_line(after)
    lines = corrections.history(site.archive, page.doc_id, page.page_no)[-1].lines
    line = next((n for n, text in enumerate(lines, start=1) if before and before in text), None)
    if line is None or not after or after == before:
        raise BadArgsError("chọn chữ sai có trên trang và gõ chữ đúng / select words on the page and type the fix")
    site.suggestions.record(client)
    Revisions(site.archive.catalog).suggest(page.doc_id, page.page_no, line, before, after)
    return RedirectResponse(f"{library.page_url(page.doc_id, page.page_no)}?reported=1", status_code=303)
