"""The engines the search benchmark compares: sohoa's two backends, plain Whoosh, SQLite FTS5."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser

from search_index.backend import Backend, IndexedPage
from search_index.models import SearchRequest
from search_index.searching import SearchIndex

_WORD = re.compile(r"\w+")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class SohoaEngine:
    def __init__(self, backend: type[Backend], folder: Path) -> None:
        self.name = f"sohoa {backend.name}"
        self.backend_cls, self.folder = backend, folder

    def build(self, pages: list[IndexedPage]) -> float:
        started = time.perf_counter()
        backend = self.backend_cls.create(self.folder)
        with backend.writer(bulk=True) as writer:
            writer.add(pages)
        self.index = SearchIndex(self.backend_cls(self.folder))
        return time.perf_counter() - started

    def run(self, text: str, *, any_word: bool = False, district: str | None = None,
            years: tuple[int, int] | None = None) -> list[str]:
        if any_word:
            text = " OR ".join(_WORD.findall(text))
        request = SearchRequest(text, district=district, year_from=years[0] if years else None,
                                year_to=years[1] if years else None, include_internal=True, limit=10,
                                pages_per_document=1, with_boxes=False, with_facets=district is not None)
        return [d.doc_id for d in self.index.search(request).documents]


class PlainWhoosh:
    """Whoosh as its documentation sets it up: StandardAnalyzer, positions, its query parser."""

    name = "plain whoosh"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def build(self, pages: list[IndexedPage]) -> float:
        started = time.perf_counter()
        self.folder.mkdir(parents=True)
        schema = Schema(doc_id=ID(stored=True, sortable=True), text=TEXT(analyzer=StandardAnalyzer()),
                        district=ID(sortable=True), year=NUMERIC(int, sortable=True), page_no=STORED())
        ix = whoosh_index.create_in(str(self.folder), schema)
        writer = ix.writer(limitmb=256, procs=2, multisegment=True)
        for p in pages:
            writer.add_document(doc_id=p.doc_id, text=p.text, district=p.meta.district, year=p.meta.year or 0,
                                page_no=p.page_no)
        writer.commit()
        self.ix = whoosh_index.open_dir(str(self.folder))
        self.searcher = self.ix.searcher()
        return time.perf_counter() - started

    def run(self, text: str, *, any_word: bool = False, district: str | None = None,
            years: tuple[int, int] | None = None) -> list[str]:
        parser = QueryParser("text", self.ix.schema, group=OrGroup if any_word else None) if any_word else \
            QueryParser("text", self.ix.schema)
        query = parser.parse(text)
        if district:
            query = wq.And([query, wq.Term("district", district), wq.NumericRange("year", *years)])  # type: ignore[misc]
            hits = self.searcher.search(query, limit=10, groupedby="district")
        else:
            hits = self.searcher.search(query, limit=10)
        return [h["doc_id"] for h in hits]


class Fts5:
    """SQLite FTS5 with unicode61 remove_diacritics 2 (it strips marks but keeps đ)."""

    name = "sqlite fts5"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def build(self, pages: list[IndexedPage]) -> float:
        started = time.perf_counter()
        self.folder.mkdir(parents=True)
        self.db = sqlite3.connect(self.folder / "fts.sqlite")
        self.db.execute("CREATE VIRTUAL TABLE pages USING fts5(text, doc_id UNINDEXED, district UNINDEXED, "
                        "year UNINDEXED, tokenize='unicode61 remove_diacritics 2')")
        self.db.executemany("INSERT INTO pages(text, doc_id, district, year) VALUES (?, ?, ?, ?)",
                            ((p.text, p.doc_id, p.meta.district, p.meta.year) for p in pages))
        self.db.commit()
        return time.perf_counter() - started

    def run(self, text: str, *, any_word: bool = False, district: str | None = None,
            years: tuple[int, int] | None = None) -> list[str]:
        phrase = text.startswith('"')
        words = _WORD.findall(text)
        if not words:
            return []
        match = f'"{" ".join(words)}"' if phrase else (" OR " if any_word else " ").join(f'"{w}"' for w in words)
        sql, args = "SELECT doc_id FROM pages WHERE pages MATCH ?", [match]
        if district:
            sql += " AND district = ? AND year BETWEEN ? AND ?"
            args += [district, *years]  # type: ignore[misc]
            facet = ("SELECT district, count(DISTINCT doc_id) FROM pages WHERE pages MATCH ? "
                     "AND district = ? AND year BETWEEN ? AND ? GROUP BY district")
            self.db.execute(facet, args).fetchall()
        return [row[0] for row in self.db.execute(sql + " ORDER BY rank LIMIT 10", args)]
