"""Turning a request into results: parse, filter, ask the backend, group by document, highlight."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace

from corpus.archive import Archive
from corpus.models import FILTER_FIELDS, HIT_FIELDS
from search_index.backend import Backend, Compiled, RawHit
from search_index.highlight import Target, boxes, snippet, targets
from search_index.models import SORTS, DocumentHit, FacetValue, PageHit, SearchRequest, SearchResults
from search_index.query import AllOf, Filter, Node, ParsedQuery, YearRange, parse, place_key
from search_index.store import reading
from sohoa.errors import BadArgsError

NOTHING_TO_SEARCH = "không có từ nào để tìm / nothing to search for: type a word, a \"phrase\" or a filter"
MAX_LIMIT = 1000


def request_filters(request: SearchRequest) -> list[Node]:
    filters: list[Node] = []
    for name in FILTER_FIELDS:
        value = getattr(request, name)
        if value and place_key(value):
            filters.append(Filter(name, place_key(value)))
    if request.doc_id:
        filters.append(Filter("doc", request.doc_id.strip()))
    if request.year_from is not None or request.year_to is not None:
        filters.append(YearRange(request.year_from, request.year_to))
    return filters


def check(request: SearchRequest) -> None:
    if request.sort not in SORTS:
        raise BadArgsError(f"sort '{request.sort}' is not one of {', '.join(SORTS)}")
    if not 0 < request.limit <= MAX_LIMIT or request.offset < 0 or request.pages_per_document < 1:
        raise BadArgsError(f"limit must be 1–{MAX_LIMIT}, offset ≥ 0, pages per document ≥ 1")


class SearchIndex:
    """An open index; keep one per process (a web app) or open one per query (the CLI)."""

    def __init__(self, backend: Backend, archive: Archive | None = None) -> None:
        self.backend = backend
        self.archive = archive  # where hit pages' word boxes come from; None: no boxes

    def close(self) -> None:
        self.backend.close()

    def search(self, request: SearchRequest | str, **options: object) -> SearchResults:
        if isinstance(request, str):
            request = SearchRequest(query=request, **options)  # type: ignore[arg-type]
        elif options:
            request = replace(request, **options)  # type: ignore[arg-type]
        check(request)
        started = time.perf_counter()
        parsed = parse(request.query)
        filters = request_filters(request)
        if parsed.root is None and not filters:
            return _empty(request, parsed.notes + [NOTHING_TO_SEARCH], self.backend.name, started)
        parts = ([parsed.root] if parsed.root else []) + filters
        root = parts[0] if len(parts) == 1 else AllOf(tuple(parts))
        compiled = Compiled(root, parsed.exact, request.fuzzy, request.include_internal, request.sort,
                            request.offset + request.limit, request.pages_per_document, request.with_facets)
        with reading(self.backend.path, self.backend.damage):
            raw = self.backend.search(compiled)
        wanted = targets(parsed.root, request.fuzzy)
        grouped = _group(raw.hits)[request.offset:request.offset + request.limit]
        documents = [self._document(hits, raw.pages_per_doc.get(hits[0].doc_id, len(hits)), wanted, request)
                     for hits in grouped]
        facets = {name: _facet_values(name, counts) for name, counts in raw.facets.items()}
        return SearchResults(request, raw.total_pages, raw.total_documents, documents, facets, parsed.notes,
                             self.backend.name, round((time.perf_counter() - started) * 1000, 2))

    def _document(self, hits: list[RawHit], matching: int, wanted: list[Target],
                  request: SearchRequest) -> DocumentHit:
        meta = hits[0].meta
        pages = []
        for hit in hits:
            words = self.archive.page_words(hit.doc_id, hit.page_no) if self.archive and request.with_boxes else []
            pages.append(PageHit(hit.page_no, round(hit.score, 4), snippet(hit.text, wanted),
                                 boxes(words, wanted) if wanted else []))
        year = meta.get("year")
        return DocumentHit(
            doc_id=hits[0].doc_id, **{name: str(meta.get(name, "")) for name in HIT_FIELDS},
            year=int(year) if year else None, score=round(hits[0].score, 4), matching_pages=matching, pages=pages,
        )


def _group(hits: list[RawHit]) -> list[list[RawHit]]:
    groups: dict[str, list[RawHit]] = {}
    for hit in hits:
        groups.setdefault(hit.doc_id, []).append(hit)
    return list(groups.values())


def _facet_values(name: str, counts: Counter) -> list[FacetValue]:
    if name in ("year", "decade"):
        ordered = sorted(counts.items(), key=lambda kv: str(kv[0]))
    else:
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [FacetValue(str(value), count) for value, count in ordered]


def _empty(request: SearchRequest, notes: list[str], backend: str, started: float) -> SearchResults:
    return SearchResults(request, 0, 0, [], {}, notes, backend, round((time.perf_counter() - started) * 1000, 2))


__all__ = ["SearchIndex", "ParsedQuery"]
