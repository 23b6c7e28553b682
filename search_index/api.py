"""The plain functions the ingest flow, the CLI and the web app call."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import attrgetter

from corpus.archive import Archive
from corpus.models import DocumentMeta, Page
from corpus.running_heads import reading_texts
from search_index.backend import Backend, IndexedPage
from search_index.models import SearchRequest, SearchResults
from search_index.searching import SearchIndex, _empty
from search_index.store import (LOCK_TIMEOUT, backend_home, current_generation, new_generation, publish, reading,
                                writer_lock)
from sohoa.errors import BadArgsError

BACKENDS = {
    "whoosh": "search_index.whoosh.backend:WhooshBackend",
    "tantivy": "search_index.tantivy_backend:TantivyBackend",
}
NO_INDEX = "chưa có chỉ mục / no search index yet: run `sohoa reindex`"


def backend_class(name: str) -> type[Backend]:
    if name not in BACKENDS:
        raise BadArgsError(f"search backend '{name}' is not one of {', '.join(BACKENDS)} (SOHOA_SEARCH_BACKEND)")
    module, attr = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), attr)


def open_index(archive: Archive) -> SearchIndex | None:
    """The live index of the archive's configured backend, or None when none was built yet."""
    name = archive.settings.search_backend
    cls = backend_class(name)
    generation = current_generation(backend_home(archive.root, name))
    if generation is None:
        return None
    with reading(generation, cls.damage):
        return SearchIndex(cls(generation), archive)


def search(archive: Archive, request: SearchRequest | str, **options: object) -> SearchResults:
    index = open_index(archive)
    if index is None:
        req = request if isinstance(request, SearchRequest) else SearchRequest(query=request, **options)  # type: ignore[arg-type]
        return _empty(req, [NO_INDEX], archive.settings.search_backend, time.perf_counter())
    try:
        return index.search(request, **options)
    finally:
        index.close()


def missing_from_index(archive: Archive) -> list[str] | None:
    """The complete documents whose pages are not all in the index (None: there is no index)."""
    index = open_index(archive)
    if index is None:
        return None
    try:
        return [doc.id for doc in archive.catalog.documents() if doc.status == "complete" and index.search(
            SearchRequest(query="", doc_id=doc.id, include_internal=True, limit=1, with_facets=False,
                          with_boxes=False)
        ).total_pages < doc.pages_done]
    finally:
        index.close()


def document_pages(archive: Archive, doc_id: str) -> list[IndexedPage]:
    doc = archive.catalog.document(doc_id)
    if doc is None:
        return []
    return _reading_pages(doc_id, archive.catalog.pages(doc_id), doc.meta)


def all_pages(archive: Archive) -> Iterator[IndexedPage]:
    metas = {d.id: d.meta for d in archive.catalog.documents()}
    for doc_id, pages in groupby(archive.catalog.iter_pages(), key=attrgetter("doc_id")):
        if doc_id in metas:
            yield from _reading_pages(doc_id, list(pages), metas[doc_id])


def _reading_pages(doc_id: str, pages: list[Page], meta: DocumentMeta) -> list[IndexedPage]:
    """A document's pages as searched: running heads and page numbers left out of the text (and so
    of the hits and snippets), as they are of the text read aloud (corpus.running_heads)."""
    texts = reading_texts([p.text for p in pages])
    return [IndexedPage(doc_id, p.page_no, text, meta) for p, text in zip(pages, texts)]


@contextmanager
def _live(archive: Archive, timeout: float) -> Iterator[Backend]:
    """The live index under the writer lock, created empty the first time."""
    name = archive.settings.search_backend
    cls = backend_class(name)
    home = backend_home(archive.root, name)
    with writer_lock(home, timeout):
        generation = current_generation(home)
        if generation is None:
            generation = new_generation(home)
            cls.create(generation).close()
            publish(home, generation)
        backend = cls(generation)
        try:
            yield backend
        finally:
            backend.close()


def update_document(archive: Archive, doc_id: str, timeout: float = LOCK_TIMEOUT) -> int:
    """Index (or re-index) every page of one document; returns the pages indexed.

    Waits its turn behind any other writer (up to ``timeout`` seconds, then IndexBusyError).
    A document no longer in the catalog is removed from the index.
    """
    pages = document_pages(archive, doc_id)
    with _live(archive, timeout) as backend, backend.writer() as writer:
        writer.delete_document(doc_id)
        return writer.add(pages)


def remove_document(archive: Archive, doc_id: str, timeout: float = LOCK_TIMEOUT) -> None:
    with _live(archive, timeout) as backend, backend.writer() as writer:
        writer.delete_document(doc_id)


def reindex(archive: Archive, progress: Callable[[int], None] | None = None,
            timeout: float = LOCK_TIMEOUT) -> int:
    """Rebuild the index from the corpus into a new folder, then swap it in; returns pages indexed.

    Holds the writer lock throughout, so ingests that finish meanwhile queue behind it and land in
    the new index. Searches keep reading the old one until the swap.
    """
    name = archive.settings.search_backend
    cls = backend_class(name)
    home = backend_home(archive.root, name)
    with writer_lock(home, timeout):
        generation = new_generation(home)
        backend = cls.create(generation)
        count = 0
        try:
            with backend.writer(bulk=True) as writer:
                batch: list[IndexedPage] = []
                for page in all_pages(archive):
                    batch.append(page)
                    if len(batch) == 500:
                        count += writer.add(batch)
                        batch.clear()
                        if progress:
                            progress(count)
                count += writer.add(batch)
                if progress:
                    progress(count)
        finally:
            backend.close()
        publish(home, generation)
        return count
