"""Browsing the holdings without typing: by place (province → district → commune), by time
(decade → year), by kind and by collection; and the counts and newest additions on the home page.

Counted in Python over the catalog's visible documents: one pass a request, fine for the
thousands of documents a district holds (a city's catalog would want these counts in SQL).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from corpus.models import Document
from web.access import is_member, visible
from web.params import KIND_LABELS, int_param, text_param
from web.render import render
from web.site import Site, site_of

router = APIRouter()
PER_PAGE = 50
PLACE = ("province", "district", "commune")


@dataclass(frozen=True)
class Filter:
    """Where the reader has browsed to; every field narrows the holdings."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None
    decade: int | None = None
    year: int | None = None
    kind: str | None = None
    collection: str | None = None

    @classmethod
    def parse(cls, params: dict[str, str]) -> "Filter":
        return cls(**{f.name: int_param(params.get(f.name), f.name, 1900, 2999) if f.name in ("decade", "year")
                      else text_param(params.get(f.name), f.name) for f in fields(cls)})

    def matches(self, doc: Document) -> bool:
        m = doc.meta
        return all(want is None or got == want for want, got in (
            (self.province, m.province), (self.district, m.district), (self.commune, m.commune),
            (self.year, m.year), (self.kind, m.kind), (self.collection, m.collection))) and \
            (self.decade is None or (m.year is not None and m.year // 10 * 10 == self.decade))

    def link(self, **changes: object) -> str:
        chosen = replace(self, **changes)
        return "/documents?" + urlencode({f.name: v for f in fields(chosen) if (v := getattr(chosen, f.name)) is not None})


def place_level(docs: list[Document], chosen: Filter) -> str | None:
    """The next place level to browse by: the broadest not chosen yet that some document names (an
    archive whose documents give only the commune starts there)."""
    return next((level for level in PLACE if getattr(chosen, level) is None
                 and any(getattr(d.meta, level) for d in docs)), None)


def facets(docs: list[Document], chosen: Filter, place: str | None) -> dict[str, list[tuple[object, int]]]:
    """The next step of each way to browse (``place``: :func:`place_level`), with how many
    documents each leads to."""
    counts = {
        "place": Counter(getattr(d.meta, place) for d in docs if getattr(d.meta, place)) if place else Counter(),
        "time": Counter((d.meta.year if chosen.decade else d.meta.year // 10 * 10) for d in docs if d.meta.year)
        if chosen.year is None else Counter(),
        "kind": Counter(d.meta.kind for d in docs) if chosen.kind is None else Counter(),
        "collection": Counter(d.meta.collection for d in docs if d.meta.collection) if chosen.collection is None else Counter(),
    }
    return {name: sorted(count.items(), key=lambda item: (str(item[0]))) for name, count in counts.items()}


def holdings(site: Site, member: bool) -> list[Document]:
    return [d for d in site.archive.catalog.documents() if visible(d.meta.access, member)]


def overview(site: Site, member: bool) -> dict[str, object]:
    """What the archive holds, for the home page: counts and the newest additions."""
    docs = holdings(site, member)
    return {"documents": len(docs), "pages": sum(d.pages_done for d in docs),
            "communes": len({(d.meta.province, d.meta.district, d.meta.commune) for d in docs if d.meta.commune}),
            "newest": sorted(docs, key=lambda d: d.created_at, reverse=True)[:5]}


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request) -> Response:
    chosen = Filter.parse(dict(request.query_params))
    page = int_param(request.query_params.get("page"), "page", 1, 10_000) or 1
    docs = [d for d in holdings(site_of(request), is_member(request)) if chosen.matches(d)]
    docs.sort(key=lambda d: (-(d.meta.year or 0), d.meta.title))
    place = place_level(docs, chosen)
    return render(request, "documents.html", {
        "chosen": chosen, "facets": facets(docs, chosen, place), "total": len(docs), "page": page,
        "docs": docs[(page - 1) * PER_PAGE:page * PER_PAGE], "pages": max(1, -(-len(docs) // PER_PAGE)),
        "place_level": place,
        "kind_labels": KIND_LABELS})
