"""Vietnamese full-text search over the corpus: one interface, two engines (Whoosh, tantivy).

The ingest flow calls :func:`update_document` after each document and :func:`remove_document`
when one is deleted; :func:`reindex` rebuilds everything from the corpus (the source of truth).
Readers call :func:`search` (or keep an :class:`SearchIndex` from :func:`open_index`).
"""

from __future__ import annotations

from search_index.api import open_index, reindex, remove_document, search, update_document
from search_index.models import Box, DocumentHit, FacetValue, PageHit, SearchRequest, SearchResults
from search_index.searching import SearchIndex
from search_index.store import IndexBusyError

__all__ = [
    "Box", "DocumentHit", "FacetValue", "IndexBusyError", "PageHit", "SearchIndex", "SearchRequest",
    "SearchResults", "open_index", "reindex", "remove_document", "search", "update_document",
]
