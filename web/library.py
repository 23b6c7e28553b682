"""Documents and pages as the web shows them: access-checked, with downloads and a citation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from corpus.archive import PAGE_ALTO, PAGE_HOCR, PAGE_IMAGE, PAGE_TEXT
from corpus.models import Document, Page
from search_index import Box, PageHit, SearchRequest
from search_index.highlight import boxes, snippet, targets
from search_index.query import parse
from sohoa.errors import NotFoundError
from web.access import visible
from web.site import Site

# What a page folder may hold and the name it is downloaded under; nothing else is served.
PAGE_DOWNLOADS = {PAGE_TEXT: "Văn bản (TXT)", PAGE_ALTO: "ALTO XML", PAGE_HOCR: "hOCR"}
PAGE_IMAGES = (PAGE_IMAGE, "image.png", "image.webp")
DOC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_PAGE_NO = 100_000  # larger numbers overflow SQLite's integers; no book is that long
NOT_FOUND = "không tìm thấy"


def document(site: Site, doc_id: str, member: bool) -> Document:
    """The document, or NotFound — also when it is internal and the request is not a member's,
    so that a guessed id tells nothing about what exists."""
    doc = site.archive.catalog.document(doc_id) if DOC_ID.fullmatch(doc_id) else None
    if doc is None or not visible(doc.meta.access, member):
        raise NotFoundError(f"tài liệu {doc_id[:40]}: {NOT_FOUND}")
    return doc


def page(site: Site, doc: Document, page_no: int) -> Page:
    found = site.archive.catalog.page(doc.id, page_no) if 0 < page_no <= MAX_PAGE_NO else None
    if found is None:
        raise NotFoundError(f"trang {page_no} của {doc.id}: {NOT_FOUND}")
    return found


def page_file(site: Site, page: Page, name: str) -> Path:
    """An archive file of the page by its kind ("image.jpg", "page.alto.xml"…), never a path."""
    if name not in PAGE_DOWNLOADS and name not in PAGE_IMAGES or name not in page.files:
        raise NotFoundError(f"{name[:60]}: {NOT_FOUND}")
    path = site.archive.path(page.files[name])
    if not path.is_file():
        raise NotFoundError(f"{name[:60]}: {NOT_FOUND}")
    return path


def image_name(page: Page) -> str | None:
    return next((n for n in PAGE_IMAGES if n in page.files), None)


def document_text(site: Site, doc: Document) -> str:
    return site.archive.document_text(doc.id)


def searchable_pdf(site: Site, doc: Document) -> Path | None:
    path = site.archive.searchable_pdf_path(doc.id)  # written by `sohoa export --format pdf`
    return path if path.is_file() else None


def page_url(doc_id: str, page_no: int) -> str:
    return f"/documents/{doc_id}/pages/{page_no}"


def citation(doc: Document, page_no: int, base_url: str) -> str:
    """One line a researcher pastes into a footnote: title, place, year, page, stable URL."""
    m = doc.meta
    parts = [f"“{m.title or doc.original_name}”"]
    if m.commune:
        parts.append(f"xã {m.commune}" if not m.commune.lower().startswith(("xã", "phường", "thị trấn")) else m.commune)
    if m.district:
        parts.append(f"huyện {m.district}" if not m.district.lower().startswith(("huyện", "quận", "thị xã")) else m.district)
    if m.province:
        parts.append(m.province)
    parts.append(str(m.year) if m.year else "không rõ năm")
    parts.append(f"trang {page_no}")
    return ", ".join(parts) + f". {base_url}{page_url(doc.id, page_no)}"


@dataclass(frozen=True)
class InDocument:
    """A search within one document: its matching pages (with snippets and hit boxes)."""

    query: str
    pages: list[PageHit]
    notes: list[str]

    def hit(self, page_no: int) -> PageHit | None:
        return next((p for p in self.pages if p.page_no == page_no), None)


def search_in(site: Site, doc: Document, query: str, member: bool) -> InDocument | None:
    if not query.strip():
        return None
    # Boxes only for the page on screen (page_boxes): reading every hit page's words is wasted.
    request = SearchRequest(query=query, doc_id=doc.id, include_internal=member, limit=1,
                            pages_per_document=max(doc.page_count, doc.pages_done, 1), with_facets=False,
                            with_boxes=False)
    results = site.index.search(request)
    hits = results.documents[0].pages if results.documents else []
    return InDocument(query, sorted(hits, key=lambda p: p.page_no), results.notes)


def page_boxes(site: Site, page: Page, query: str) -> list[Box]:
    """The boxes of the words on this page image that the query hits."""
    wanted = targets(parse(query).root) if query.strip() else []
    return boxes(site.archive.page_words(page.doc_id, page.page_no), wanted) if wanted else []


def marked_text(text: str, query: str) -> str:
    """The whole page text, HTML-escaped, with the query's hits in <mark> (the search package's
    own matcher, so the text marks exactly what the index matched)."""
    wanted = targets(parse(query).root) if query.strip() else []
    return snippet(text, wanted, window=max(1, len(text)))
