"""The contract between the search API and an engine, and the parts both engines share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from corpus.models import FACET_FIELDS, HIT_FIELDS, DocumentMeta
from search_index.query import Node


@dataclass(frozen=True)
class IndexedPage:
    """One index entry: a page carrying its document's fields.

    An engine stores the HIT_FIELDS as they are, a folded key (``place_key``) of each KEYED_FIELDS
    one for filters, and the year as a number (ranges, sorting); a hit gives them back as
    :func:`stored_meta` makes them.
    """

    doc_id: str
    page_no: int
    text: str
    meta: DocumentMeta = DocumentMeta()

    @property
    def key(self) -> str:
        return f"{self.doc_id}/{self.page_no}"


def stored_meta(get: Callable[[str], object]) -> dict[str, object]:
    """A hit's document fields from an engine's stored values (``get(name)``; 0 or None: no year)."""
    return {name: get(name) or "" for name in HIT_FIELDS} | {"year": get("year") or None}


@dataclass(frozen=True)
class RawHit:
    doc_id: str
    page_no: int
    score: float
    text: str
    meta: dict[str, object]


@dataclass
class RawResults:
    total_pages: int = 0
    total_documents: int = 0
    hits: list[RawHit] = field(default_factory=list)  # best pages, in result order
    facets: dict[str, Counter] = field(default_factory=dict)  # field → value → documents
    pages_per_doc: dict[str, int] = field(default_factory=dict)  # matching pages of the shown documents


@dataclass(frozen=True)
class Compiled:
    """A parsed query plus everything the request adds, handed to a backend."""

    root: Node | None
    exact: bool
    fuzzy: bool
    include_internal: bool
    sort: str
    want_docs: int  # offset + limit
    per_doc: int
    with_facets: bool


class IndexWriter(ABC):
    @abstractmethod
    def add(self, pages: Iterable[IndexedPage]) -> int: ...

    @abstractmethod
    def delete_document(self, doc_id: str) -> None: ...


class Backend(ABC):
    name: str
    damage: tuple[type[BaseException], ...] = ()  # what the engine raises when its own files are damaged

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    @abstractmethod
    def create(cls, path: Path) -> "Backend": ...

    @abstractmethod
    @contextmanager
    def writer(self, bulk: bool = False) -> Iterator[IndexWriter]:
        """Changes become visible together when the block ends; an exception discards them."""

    @abstractmethod
    def search(self, compiled: Compiled) -> RawResults: ...

    @abstractmethod
    def page_count(self) -> int: ...

    def close(self) -> None:
        pass


def best_pages(fetch: Callable[[int], list[RawHit]], total: int, want_docs: int, per_doc: int) -> list[RawHit]:
    """Ranked pages grouped by document: fetch more pages until ``want_docs`` documents show up."""
    n = max(50, want_docs * per_doc * 4)
    while True:
        ranked = fetch(n)
        seen: Counter = Counter()
        kept: list[RawHit] = []
        for hit in ranked:
            if hit.doc_id not in seen and len(seen) == want_docs:
                continue  # documents past the wanted ones are never shown: no counts, no snippets
            if seen[hit.doc_id] < per_doc:
                kept.append(hit)
            seen[hit.doc_id] += 1
        if len(seen) >= want_docs or len(ranked) >= total or len(ranked) < n:
            return kept
        n *= 4


def count_facets(docs: dict[str, dict[str, object]]) -> dict[str, Counter]:
    """Facet counts in documents from each matching document's fields (decades from years)."""
    facets: dict[str, Counter] = {name: Counter() for name in (*FACET_FIELDS, "decade")}
    for meta in docs.values():
        for name in FACET_FIELDS:
            value = meta.get(name)
            if value not in (None, "", 0):
                facets[name][value] += 1
        year = meta.get("year")
        if isinstance(year, int) and year:
            facets["decade"][f"{year // 10 * 10}s"] += 1
    return facets
