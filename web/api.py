"""The JSON API behind the pages (OpenAPI at /openapi.json, described at /api).

The same access rule as the pages: internal documents and bulletins only with the member
credential (``Authorization: Bearer <token>``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from corpus.models import Document
from web import bulletins as store
from web import library, urls
from web.access import is_member, visible
from web.params import PAGE_SIZE, SearchForm, int_param
from web.render import render
from web.research import run_search
from web.site import Site, site_of

router = APIRouter(prefix="/api")
FORM_FIELDS = ("q", "district", "commune", "kind", "year_from", "year_to", "sort", "page", "fuzzy")


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> Response:
    """A readable page over the OpenAPI schema (Swagger UI would need a CDN and inline scripts)."""
    return render(request, "api.html", {"schema": request.app.openapi()})


@router.get("/search", summary="Tìm kiếm: trang khớp, nhóm theo tài liệu, kèm bộ lọc / search")
def api_search(
    request: Request,
    q: str | None = Query(None, description='Từ, "cụm từ", OR, NOT, district:…, year:1975..1985; không dấu cũng được'),
    district: str | None = None, commune: str | None = None,
    kind: str | None = Query(None, description="history | bulletin | resolution | other"),
    year_from: str | None = None, year_to: str | None = None,
    sort: str | None = Query(None, description="relevance | year | -year"),
    page: str | None = Query(None, description="1-based page of results"),
    limit: str | None = Query(None, description=f"documents per page, 1–100 (default {PAGE_SIZE})"),
    fuzzy: str | None = Query(None, description="1: tolerate one wrong letter (OCR noise)"),
    boxes: bool = Query(False, description="true: each hit page's word boxes (page-image pixels)"),
) -> dict[str, Any]:
    given = dict(q=q, district=district, commune=commune, kind=kind, year_from=year_from, year_to=year_to,
                 sort=sort, page=page, fuzzy=fuzzy)
    form = SearchForm.parse({k: v for k, v in given.items() if v is not None})
    size = int_param(limit, "limit", 1, 100) or PAGE_SIZE
    results = run_search(site_of(request), form, is_member(request), limit=size, boxes=boxes)
    if results is None:
        return {"total_documents": 0, "total_pages": 0, "documents": [], "facets": {},
                "notes": ["không có từ nào để tìm / nothing to search for"]}
    out = results.as_dict()
    out.pop("request")  # says include_internal: nobody needs to read that back
    for doc in out["documents"]:
        doc["url"] = f"/documents/{doc['doc_id']}"
        for hit in doc["pages"]:
            hit["url"] = library.page_url(doc["doc_id"], hit["page_no"])
    return out


def _document(site: Site, doc: Document) -> dict[str, Any]:
    return {"id": doc.id, **doc.meta.as_dict(), "page_count": doc.page_count, "pages_done": doc.pages_done,
            "status": doc.status, "mean_confidence": doc.mean_confidence, "url": f"/documents/{doc.id}",
            "text_url": f"/documents/{doc.id}/text.txt",
            "pdf_url": f"/documents/{doc.id}/searchable.pdf" if library.searchable_pdf(site, doc) else None}


@router.get("/documents", summary="Tài liệu / the documents, in catalog order")
def api_documents(request: Request, offset: str | None = None, limit: str | None = None) -> dict[str, Any]:
    site, member = site_of(request), is_member(request)
    start = int_param(offset, "offset", 0, 10**7) or 0
    size = int_param(limit, "limit", 1, 500) or 100
    docs = [d for d in site.archive.catalog.documents() if visible(d.meta.access, member)]
    return {"total": len(docs), "documents": [_document(site, d) for d in docs[start:start + size]]}


@router.get("/documents/{doc_id}", summary="Một tài liệu và các trang / one document and its pages")
def api_document(request: Request, doc_id: str) -> dict[str, Any]:
    site = site_of(request)
    doc = library.document(site, doc_id, is_member(request))
    pages = [{"page_no": p.page_no, "mean_confidence": p.mean_confidence, "needs_review": p.needs_review,
              "url": library.page_url(doc.id, p.page_no)} for p in site.archive.catalog.pages(doc.id)]
    return {**_document(site, doc), "pages": pages}


@router.get("/documents/{doc_id}/pages/{page_no}",
            summary="Một trang: chữ, ô chữ, trích dẫn / one page: text, word boxes, citation")
def api_page(request: Request, doc_id: str, page_no: int,
             q: str = Query("", max_length=2000, description="hits of this query as boxes")) -> dict[str, Any]:
    site = site_of(request)
    doc = library.document(site, doc_id, is_member(request))
    page = library.page(site, doc, page_no)
    base = library.page_url(doc.id, page_no)
    return {"doc_id": doc.id, "page_no": page_no, "text": page.text, "width": page.width, "height": page.height,
            "mean_confidence": page.mean_confidence, "citation": library.citation(doc, page_no, urls.base_url(request)),
            "url": urls.absolute(request, base), "hits": [asdict(b) for b in library.page_boxes(site, page, q)],
            "files": {n: f"{base}/{n}" for n in page.files
                      if n in library.PAGE_DOWNLOADS or n in library.PAGE_IMAGES}}


def _bulletin(item: store.Bulletin) -> dict[str, Any]:
    m = item.meta
    base = f"/audio/{item.slug}/"
    return {"slug": item.slug, "id": m.id, "title": item.title, "series": m.series, "issue": m.issue, "date": m.date,
            "publisher": m.publisher, "duration": m.duration, "chapters": [asdict(c) for c in m.chapters],
            "created": m.created, "url": base, "files": {n: base + n for n in item.files()}}


@router.get("/bulletins", summary="Bản tin, mới nhất trước / bulletins, newest first")
def api_bulletins(request: Request) -> dict[str, Any]:
    return {"bulletins": [_bulletin(b) for b in store.bulletins(site_of(request), is_member(request))]}


@router.get("/bulletins/{slug}", summary="Một bản tin, với chương và phụ đề / one bulletin with chapters and cues")
def api_bulletin(request: Request, slug: str) -> dict[str, Any]:
    item = store.bulletin(site_of(request), slug, is_member(request))
    return {**_bulletin(item), "cues": [asdict(c) for c in item.cues()]}
