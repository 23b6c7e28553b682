"""What a search asks for and what it gives back: plain dataclasses a CLI or web page renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SORTS = ("relevance", "year", "-year")


@dataclass(frozen=True)
class SearchRequest:
    """A query string plus the filters a search form or the CLI adds to it.

    ``include_internal`` is False by default: documents marked ``access="internal"`` are indexed
    but only shown to members (the web app sets it from a credential; the CLI, run by someone who
    can read the archive folder anyway, sets it to True unless ``--public-only``).
    """

    query: str
    district: str | None = None
    commune: str | None = None
    province: str | None = None
    kind: str | None = None
    collection: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    doc_id: str | None = None  # search within one document
    include_internal: bool = False
    fuzzy: bool = False  # tolerate one wrong letter in words of 4+ letters (OCR noise)
    sort: str = "relevance"  # relevance | year | -year
    offset: int = 0  # in documents
    limit: int = 10  # documents per page of results
    pages_per_document: int = 3
    with_facets: bool = True
    with_boxes: bool = True  # word boxes for the hits (reads each shown page's words.json)


@dataclass(frozen=True)
class Box:
    """A hit word's box in page-image pixels (the coordinates OCR stored for that word)."""

    text: str
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class PageHit:
    page_no: int
    score: float
    snippet_html: str  # HTML-escaped page text with <mark>…</mark> around the hits
    boxes: list[Box] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentHit:
    doc_id: str
    title: str
    commune: str
    district: str
    province: str
    year: int | None
    kind: str
    collection: str
    access: str
    score: float  # its best page's score (or 0 when sorted by year)
    matching_pages: int
    pages: list[PageHit]


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int  # documents


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    total_pages: int
    total_documents: int
    documents: list[DocumentHit]
    facets: dict[str, list[FacetValue]]
    notes: list[str]  # what the query parser did with odd input, in one line each
    backend: str
    elapsed_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
