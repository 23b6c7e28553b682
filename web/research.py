"""Pages for researchers: search, a document, a page with its hits, and the files to download."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from corpus.revisions import Revisions
from search_index import SearchResults
from sohoa.errors import NotFoundError
from web import library, urls
from web.access import is_member
from web.bulletins import bulletins
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
    return render(request, "home.html", {"latest": bulletins(site, is_member(request))[:3]})


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
        "pdf": library.searchable_pdf(site, doc) is not None, "reviewed": len(Revisions(site.archive.catalog).reviewed(doc.id))})


@router.get("/documents/{doc_id}/pages/{page_no}", response_class=HTMLResponse)
def page_viewer(request: Request, doc_id: str, page_no: int, q: str = "") -> Response:
    site, member = site_of(request), is_member(request)
    doc = library.document(site, doc_id, member)
    page = library.page(site, doc, page_no)
    numbers = sorted(site.archive.catalog.page_numbers(doc.id))
    position = numbers.index(page_no)
    return render(request, "page.html", {
        "doc": doc, "page": page, "q": q, "found": library.search_in(site, doc, q, member),
        "boxes": library.page_boxes(site, page, q), "text_html": library.marked_text(page.text, q),
        "image": library.image_name(page), "citation": library.citation(doc, page_no, urls.base_url(request)),
        "stable_url": urls.absolute(request, library.page_url(doc.id, page_no)),
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
        "Content-Disposition": f'attachment; filename="{doc.id}.txt"'})


@router.get("/documents/{doc_id}/searchable.pdf")
def document_pdf(request: Request, doc_id: str) -> Response:
    site = site_of(request)
    path = library.searchable_pdf(site, library.document(site, doc_id, is_member(request)))
    if path is None:
        raise NotFoundError(f"{doc_id}: chưa có PDF tìm kiếm được")
    return FileResponse(path, media_type="application/pdf", filename=f"{doc_id}.pdf")
