"""Pages for researchers: search, a document, a page with its hits, and the files to download."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response

from corpus.archive import PAGE_IMAGE
from corpus.export import download_name
from corpus.revisions import Revisions
from search_index import SearchResults
from sohoa.errors import NotFoundError
from web import library
from web.access import is_member
from web.browse import overview
from web.bulletins import bulletins
from web.citation import FORMATS as CITATION_FORMATS
from web.params import PAGE_SIZE, SearchForm
from web.render import render
from web.site import Site, site_of

router = APIRouter(include_in_schema=False)
FACETS = {"district": "Quận / huyện", "commune": "Xã / phường", "kind": "Loại tài liệu", "decade": "Thập niên"}


def run_search(site: Site, form: SearchForm, member: bool, limit: int = PAGE_SIZE,
               boxes: bool = False) -> SearchResults | None:
    """The results for a filled-in form (None for an empty one); internal documents only for members."""
    if form.empty:
        return None
    return site.index.search(form.request(member, limit=limit, offset=(form.page - 1) * limit, with_boxes=boxes))


def facet_link(form: SearchForm, name: str, value: str) -> str:
    if name == "decade":
        start = int(value.rstrip("s"))
        return form.link(year_from=start, year_to=start + 9)
    return form.link(**{name: value})


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    site = site_of(request)
    return render(request, "home.html", {"latest": bulletins(site, is_member(request))[:3],
                                         "holdings": overview(site, is_member(request))})


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request) -> Response:
    form = SearchForm.parse(dict(request.query_params))
    results = run_search(site_of(request), form, is_member(request))
    return render(request, "search.html", {"form": form, "results": results, "facet_names": FACETS,
                                           "facet_link": facet_link})


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str, q: str = "") -> Response:
    site, member = site_of(request), is_member(request)
    doc = library.document(site, doc_id, member)
    pages = site.archive.catalog.pages(doc.id)
    return render(request, "document.html", {
        "doc": doc, "pages": pages, "q": q, "found": library.search_in(site, doc, q, member),
        "pdf": library.searchable_pdf(site, doc) is not None, "citation": library.citation(request, doc),
        "reviewed": len(Revisions(site.archive.catalog).reviewed(doc.id))})


@router.get("/documents/{doc_id}/goto")
def go_to_page(request: Request, doc_id: str, page: int = Query(ge=1, le=library.MAX_PAGE_NO), q: str = "") -> Response:
    """The "go to page N" form: to that page, or a one-line 404 if the document has none."""
    site = site_of(request)
    found = library.page(site, library.document(site, doc_id, is_member(request)), page)
    target = library.page_url(doc_id, found.page_no) + (f"?{urlencode({'q': q})}" if q else "")
    return RedirectResponse(target, status_code=303)


@router.get("/documents/{doc_id}/pages/{page_no}", response_class=HTMLResponse)
def page_viewer(request: Request, doc_id: str, page_no: int, q: str = "") -> Response:
    site, member = site_of(request), is_member(request)
    doc = library.document(site, doc_id, member)
    page = library.page(site, doc, page_no)
    numbers = sorted(site.archive.catalog.page_numbers(doc.id))
    position = numbers.index(page_no)
    boxes = library.page_boxes(site, page, q)
    return render(request, "page.html", {
        "doc": doc, "page": page, "q": q, "found": library.search_in(site, doc, q, member),
        "boxes": boxes, "text_html": library.marked_text(page.text, q),
        "image": library.image_name(page), "citation": library.citation(request, doc, page_no),
        # deep zoom over the IIIF image service, which only public documents have
        "iiif": f"/iiif/3/{doc.id}-{page_no}" if doc.meta.access == "public" and PAGE_IMAGE in page.files else None,
        "boxes_data": [asdict(b) for b in boxes],
        "previous": numbers[position - 1] if position > 0 else None,
        "next": numbers[position + 1] if position + 1 < len(numbers) else None,
        "downloads": {n: label for n, label in library.PAGE_DOWNLOADS.items() if n in page.files},
        "pdf": library.searchable_pdf(site, doc) is not None})


@router.get("/documents/{doc_id}/pages/{page_no}/{name}")
def page_file(request: Request, doc_id: str, page_no: int, name: str) -> Response:
    site = site_of(request)
    page = library.page(site, library.document(site, doc_id, is_member(request)), page_no)
    path = library.page_file(site, page, name)
    download = name not in library.PAGE_IMAGES
    filename = f"{doc_id}-trang-{page_no:04d}-{name}"
    return FileResponse(path, filename=filename if download else None,
                        content_disposition_type="attachment" if download else "inline")


@router.get("/documents/{doc_id}/text.txt")
def document_text(request: Request, doc_id: str) -> Response:
    site = site_of(request)
    doc = library.document(site, doc_id, is_member(request))
    return PlainTextResponse(library.document_text(site, doc), headers={
        "Content-Disposition": f'attachment; filename="{download_name(doc, "txt")}"'})


@router.get("/documents/{doc_id}/cite.{fmt}")
def document_citation(request: Request, doc_id: str, fmt: str, page: int | None = Query(None, ge=1)) -> Response:
    """The citation for a reference manager: RIS (Zotero, EndNote), BibTeX, CSL-JSON."""
    if fmt not in CITATION_FORMATS:
        raise NotFoundError(f"không có dạng trích dẫn '{fmt[:20]}' / citation formats: ris, bib, json")
    site = site_of(request)
    doc = library.document(site, doc_id, is_member(request))
    if page is not None:
        library.page(site, doc, page)
    media_type, write = CITATION_FORMATS[fmt]
    return Response(write(library.citation(request, doc, page)), media_type=f"{media_type}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{download_name(doc, fmt)}"'})


@router.get("/documents/{doc_id}/searchable.pdf")
def document_pdf(request: Request, doc_id: str) -> Response:
    site = site_of(request)
    doc = library.document(site, doc_id, is_member(request))
    path = library.searchable_pdf(site, doc)
    if path is None:
        raise NotFoundError(f"{doc_id}: chưa có PDF tìm kiếm được")
    return FileResponse(path, media_type="application/pdf", filename=download_name(doc, "pdf"))
