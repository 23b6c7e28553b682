"""IIIF for the archive's pages: an Image API 3 service per page image and a Presentation API 3
manifest per document, so researchers can open pages in Mirador or Universal Viewer, compare and
annotate them. Only public documents are published: internal ones get no IIIF at all (a
manifest is made to be shared and cached elsewhere).

Identifiers: ``/iiif/3/{doc}-{page}`` is a page image; ``/iiif/{doc}/manifest.json`` a document,
which ``/iiif/{doc}/viewer`` opens in a viewer served here.
Each canvas links its ALTO through ``seeAlso`` (the OCR with word boxes in the image's pixels).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from corpus.archive import PAGE_IMAGE
from corpus.models import Document, Page
from sohoa.errors import NotFoundError
from web import iiif_image, library, urls
from web.params import KIND_LABELS
from web.render import render
from web.site import Site, site_of

router = APIRouter(prefix="/iiif", include_in_schema=False)
PRESENTATION = "http://iiif.io/api/presentation/3/context.json"
JSON_LD = 'application/ld+json;profile="{}"'
CORS = {"Access-Control-Allow-Origin": "*"}  # viewers on other sites must be able to read them
_IDENTIFIER = re.compile(r"([A-Za-z0-9_]{1,64})-(\d{1,6})")


def _public(site: Site, doc_id: str) -> Document:
    return library.document(site, doc_id, member=False)


def _page_image(site: Site, identifier: str) -> tuple[Page, object]:
    match = _IDENTIFIER.fullmatch(identifier)
    if not match:
        raise NotFoundError(f"{identifier[:60]}: {library.NOT_FOUND}")
    page = library.page(site, _public(site, match[1]), int(match[2]))
    return page, library.page_file(site, page, PAGE_IMAGE)


def image_service(request: Request, page: Page) -> str:
    return urls.absolute(request, f"/iiif/3/{page.doc_id}-{page.page_no}")


@router.get("/3/{identifier}")
def image_base(request: Request, identifier: str) -> Response:
    _page_image(site_of(request), identifier)
    return RedirectResponse(f"/iiif/3/{identifier}/info.json", status_code=303, headers=CORS)


@router.get("/3/{identifier}/info.json")
def image_info(request: Request, identifier: str) -> Response:
    site = site_of(request)
    page, _ = _page_image(site, identifier)
    return JSONResponse(iiif_image.info(image_service(request, page), page.width, page.height), headers=CORS,
                        media_type=JSON_LD.format("http://iiif.io/api/image/3/context.json"))


@router.get("/3/{identifier}/{region}/{size}/{rotation}/{quality_format}")
def image(request: Request, identifier: str, region: str, size: str, rotation: str, quality_format: str) -> Response:
    site = site_of(request)
    page, path = _page_image(site, identifier)
    wanted = iiif_image.parse_request(region, size, rotation, quality_format, page.width, page.height)
    cached = iiif_image.render(path, wanted, site.settings.home / "cache" / "iiif" / identifier)  # type: ignore[arg-type]
    return FileResponse(cached, media_type="image/jpeg", headers={**CORS, "Cache-Control": "public, max-age=86400"})


@router.get("/{doc_id}/manifest.json")
def manifest(request: Request, doc_id: str) -> Response:
    site = site_of(request)
    doc = _public(site, doc_id)
    return JSONResponse(manifest_of(request, doc), headers=CORS, media_type=JSON_LD.format(PRESENTATION))


@router.get("/{doc_id}/viewer", response_class=HTMLResponse)
def viewer(request: Request, doc_id: str) -> Response:
    """The manifest opened in a IIIF viewer served here (OpenSeadragon reading the manifest)."""
    doc = _public(site_of(request), doc_id)
    return render(request, "iiif_viewer.html", {"doc": doc, "manifest": f"/iiif/{doc.id}/manifest.json"})


def _text(value: str) -> dict[str, list[str]]:
    return {"vi": [value]}


def manifest_of(request: Request, doc: Document) -> dict[str, object]:
    """The document as a IIIF Presentation 3 manifest: one canvas per page, the catalog's metadata."""
    site, m = site_of(request), doc.meta
    cite = library.citation(request, doc)
    fields = [("Loại", KIND_LABELS.get(m.kind, m.kind)), ("Nơi", ", ".join(cite.places)),
              ("Năm", str(m.year) if m.year else ""), ("Bộ sưu tập", m.collection), ("Trích dẫn", cite.text())]
    base = urls.absolute(request, f"/iiif/{doc.id}")
    canvases = [_canvas(request, base, page) for page in site.archive.catalog.pages(doc.id) if PAGE_IMAGE in page.files]
    return {
        "@context": PRESENTATION, "id": f"{base}/manifest.json", "type": "Manifest",
        "label": _text(m.title or doc.original_name),
        "metadata": [{"label": _text(label), "value": _text(value)} for label, value in fields if value],
        "requiredStatement": {"label": _text("Nguồn"), "value": _text(site.settings.archive_name)},
        "homepage": [{"id": urls.absolute(request, f"/documents/{doc.id}"), "type": "Text", "label": _text(m.title or doc.id),
                      "format": "text/html"}],
        "items": canvases,
    }


def _canvas(request: Request, base: str, page: Page) -> dict[str, object]:
    canvas = f"{base}/canvas/{page.page_no}"
    service = image_service(request, page)
    files = f"/documents/{page.doc_id}/pages/{page.page_no}"
    see_also = [{"id": urls.absolute(request, f"{files}/page.alto.xml"), "type": "Dataset", "format": "application/xml",
                 "profile": "http://www.loc.gov/standards/alto/v3/alto.xsd", "label": _text("ALTO")}]
    return {
        "id": canvas, "type": "Canvas", "label": {"none": [f"Trang {page.page_no}"]},
        "width": page.width, "height": page.height,
        "thumbnail": [{"id": f"{service}/full/200,/0/default.jpg", "type": "Image", "format": "image/jpeg"}],
        "seeAlso": see_also if "page.alto.xml" in page.files else [],
        "items": [{"id": f"{canvas}/page", "type": "AnnotationPage", "items": [{
            "id": f"{canvas}/page/image", "type": "Annotation", "motivation": "painting", "target": canvas,
            "body": {"id": f"{service}/full/max/0/default.jpg", "type": "Image", "format": "image/jpeg",
                     "width": page.width, "height": page.height,
                     "service": [{"id": service, "type": "ImageService3", "profile": "level1"}]}}]}],
    }
