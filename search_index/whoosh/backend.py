"""Whoosh 2.7.4: the default engine (pure Python, a folder of files, nothing to run).

Speed comes from doing the analysis once in our own code and handing Whoosh term lists
(``Syllables.index`` counts them with a C-level Counter instead of Whoosh's token-object
pipeline), from answering phrases with syllable-pair terms instead of positions, and from
evaluating queries on arrays of postings (``whoosh_arrays``) instead of Whoosh's matchers.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from search_index.analysis import analyze, fold_syllable, pairs
from corpus.models import KEYED_FIELDS, HIT_FIELDS
from search_index.backend import (Backend, Compiled, IndexedPage, IndexWriter, RawHit, RawResults, count_facets,
                                  stored_meta)
from search_index.query import FUZZY_MIN, AllOf, AnyOf, Filter, Node, Not, Words, YearRange, place_key
from search_index.whoosh.arrays import ArraySearcher, best_of_each, ranked
from search_index.whoosh.fast import FastSegmentWriter, ParallelSegmentWriter

EXACT_BOOST = 2.0


class Syllables(TEXT):
    """A text field fed a ready list of terms: no analyzer runs at index time."""

    def __init__(self) -> None:
        super().__init__(analyzer=SpaceSeparatedTokenizer(), phrase=False)

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(value, str):
            value = value.split()
        for term, freq in Counter(value).items():
            yield term.encode("utf-8"), freq, float(freq), pack_uint(freq)


def schema() -> Schema:
    fields = dict(
        key=ID(unique=True),
        doc_id=ID(stored=True, sortable=True),
        page_no=NUMERIC(int, stored=True),
        year=NUMERIC(int, stored=True, sortable=True),
        text=STORED(),
        exact=Syllables(),
        folded=Syllables(),
        pairs=Syllables(),
    )
    for name in HIT_FIELDS:
        fields[name] = STORED()
    for name in KEYED_FIELDS:
        fields[f"{name}_key"] = ID()
    return Schema(**fields)


def document(page: IndexedPage) -> dict[str, object]:
    terms = analyze(page.text)
    doc: dict[str, object] = dict(key=page.key, doc_id=page.doc_id, page_no=page.page_no, year=page.meta.year or 0,
                                  text=page.text, exact=terms.exact, folded=terms.folded, pairs=terms.pairs)
    for name in HIT_FIELDS:
        doc[name] = getattr(page.meta, name)
    for name in KEYED_FIELDS:
        doc[f"{name}_key"] = place_key(getattr(page.meta, name))
    return doc


def compile_node(node: Node, exact: bool, fuzzy: bool) -> wq.Query:
    if isinstance(node, Words):
        folded = [fold_syllable(t) for t in node.terms]
        if len(folded) == 1:
            loose: wq.Query = (wq.FuzzyTerm("folded", folded[0], maxdist=1, prefixlength=1)
                               if (fuzzy or node.fuzzy) and len(folded[0]) >= FUZZY_MIN
                               else wq.Term("folded", folded[0]))
            return wq.Or([wq.Term("exact", node.terms[0], boost=EXACT_BOOST), loose]) if exact else loose
        phrase = wq.And([wq.Term("pairs", p) for p in pairs(folded)])
        if not exact:
            return phrase
        return wq.AndMaybe(phrase, wq.And([wq.Term("exact", t) for t in node.terms], boost=EXACT_BOOST))
    if isinstance(node, Filter):
        return wq.Term("doc_id" if node.field == "doc" else f"{node.field}_key", node.value)
    if isinstance(node, YearRange):
        return wq.NumericRange("year", node.low, node.high)
    if isinstance(node, Not):
        return wq.AndNot(wq.Every(), compile_node(node.part, exact, fuzzy))
    if isinstance(node, AnyOf):
        return wq.Or([compile_node(p, exact, fuzzy) for p in node.parts])
    assert isinstance(node, AllOf)
    positive = [compile_node(p, exact, fuzzy) for p in node.parts if not isinstance(p, Not)]
    negative = [compile_node(p.part, exact, fuzzy) for p in node.parts if isinstance(p, Not)]
    query: wq.Query = wq.And(positive) if positive else wq.Every()
    return wq.AndNot(query, wq.Or(negative)) if negative else query


def compile_query(compiled: Compiled) -> wq.Query:
    query = compile_node(compiled.root, compiled.exact, compiled.fuzzy) if compiled.root else wq.Every()
    if not compiled.include_internal:
        query = wq.AndNot(query, wq.Term("access_key", "internal"))
    return query


class WhooshBackend(Backend):
    name = "whoosh"
    damage = (whoosh_index.IndexError,)  # a zeroed or foreign table of contents

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.ix = whoosh_index.open_dir(str(path))
        self._view: _SearcherView | None = None
        # One searcher is kept and renewed in place: two threads in it at once read each other's
        # file positions (UnpicklingError under 8 web clients). Searching is CPU-bound under the
        # GIL anyway, so one search at a time per index costs nothing.
        self._one_at_a_time = threading.Lock()

    def view(self) -> "_SearcherView":
        """One searcher kept open, renewed when a writer has committed since (a web app's case)."""
        if self._view is None or not self._view.searcher.up_to_date():
            if self._view is not None:
                self._view.searcher.close()
            self._view = _SearcherView(self.ix.searcher())
        return self._view

    def close(self) -> None:
        if self._view is not None:
            self._view.searcher.close()
            self._view = None

    @classmethod
    def create(cls, path: Path) -> "WhooshBackend":
        path.mkdir(parents=True, exist_ok=True)
        whoosh_index.create_in(str(path), schema())
        return cls(path)

    @contextmanager
    def writer(self, bulk: bool = False) -> Iterator[IndexWriter]:
        # Bulk builds use both cores (a forked child writes a second segment); small updates stay in-process.
        writer = (ParallelSegmentWriter if bulk else FastSegmentWriter)(self.ix, document)
        try:
            yield _Writer(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def page_count(self) -> int:
        return self.ix.doc_count()

    def search(self, compiled: Compiled) -> RawResults:
        with self._one_at_a_time:
            return self.view().search(compiled)


class _SearcherView:
    """An open searcher with what every search reuses: decoded postings, each page's document."""

    def __init__(self, searcher) -> None:  # type: ignore[no-untyped-def]
        self.searcher = searcher
        self.arrays = ArraySearcher(searcher)
        self.doc_names, self.doc_of_page = np.unique(self.arrays.column("doc_id").astype(str), return_inverse=True)
        self._metas: dict[int, dict[str, object]] = {}  # document ordinal → its fields

    def meta(self, ordinal: int, docnum: int) -> dict[str, object]:
        if ordinal not in self._metas:
            self._metas[ordinal] = stored_meta(self.searcher.stored_fields(docnum).get)
        return self._metas[ordinal]

    def search(self, compiled: Compiled) -> RawResults:
        results = RawResults()
        matches = self.arrays.matches(compile_query(compiled))
        results.total_pages = len(matches)
        if not len(matches):
            return results
        docs_of = self.doc_of_page[matches.docs]
        counts = np.bincount(docs_of, minlength=len(self.doc_names))
        present = np.flatnonzero(counts)
        results.total_documents = len(present)
        if compiled.with_facets:
            _, first = np.unique(docs_of, return_index=True)
            results.facets = count_facets({int(o): self.meta(int(o), int(matches.docs[i]))
                                           for o, i in zip(present, first)})
        by_year = None if compiled.sort == "relevance" else self.arrays.column("year")
        order = ranked(matches, by_year, reverse=compiled.sort == "-year")
        chosen = order[best_of_each(docs_of[order], compiled.want_docs, compiled.per_doc)]
        for docnum, score in zip(matches.docs[chosen].tolist(), matches.scores[chosen].tolist()):
            stored = self.searcher.stored_fields(docnum)
            results.hits.append(RawHit(stored["doc_id"], stored["page_no"], score, stored["text"], stored_meta(stored.get)))
            results.pages_per_doc[stored["doc_id"]] = int(counts[self.doc_of_page[docnum]])
        return results


class _Writer(IndexWriter):
    def __init__(self, writer) -> None:  # type: ignore[no-untyped-def]
        self.writer = writer

    def add(self, pages: Iterable[IndexedPage]) -> int:
        return self.writer.add_items(pages)

    def delete_document(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)
