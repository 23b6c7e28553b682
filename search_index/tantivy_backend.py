"""tantivy (tantivy-py): the engine for large corpora, fed the same pre-analysed terms as Whoosh.

Terms arrive space-separated and are indexed with tantivy's "whitespace" tokenizer, so tantivy
never re-analyses Vietnamese. Facets are tantivy aggregations (documents counted as the
cardinality of doc_id per bucket), so no hit list is ever pulled into Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy
from tantivy import Occur
from tantivy import Query as TQ

from search_index.analysis import analyze, fold_syllable, pairs
from corpus.models import FACET_FIELDS, KEYED_FIELDS, HIT_FIELDS
from search_index.backend import (Backend, Compiled, IndexedPage, IndexWriter, RawHit, RawResults, best_pages,
                                  stored_meta)
from search_index.query import FUZZY_MIN, AllOf, AnyOf, Filter, Node, Not, Words, YearRange, place_key

EXACT_BOOST = 2.0
TERMS_FIELDS = ("exact", "folded", "pairs")
FACET_SIZE = 200
YEARS = 1000  # every year a record can carry: the year facet is never cut short


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, fast=True, tokenizer_name="raw")
    sb.add_integer_field("page_no", stored=True)
    sb.add_integer_field("year", stored=True, fast=True, indexed=True)
    sb.add_bytes_field("text", stored=True, indexed=False)
    for name in TERMS_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for name in HIT_FIELDS:
        sb.add_text_field(name, stored=True, fast=name in FACET_FIELDS, tokenizer_name="raw")
    for name in KEYED_FIELDS:
        sb.add_text_field(f"{name}_key", tokenizer_name="raw", index_option="basic")
    return sb.build()


def document(page: IndexedPage) -> tantivy.Document:
    terms = analyze(page.text)
    doc = tantivy.Document(doc_id=page.doc_id, page_no=page.page_no, year=page.meta.year or 0,
                           text=page.text.encode("utf-8"), exact=" ".join(terms.exact),
                           folded=" ".join(terms.folded), pairs=" ".join(terms.pairs))
    for name in HIT_FIELDS:
        doc.add_text(name, getattr(page.meta, name))
    for name in KEYED_FIELDS:
        doc.add_text(f"{name}_key", place_key(getattr(page.meta, name)))
    return doc


class _Compiler:
    def __init__(self, schema: tantivy.Schema, exact: bool, fuzzy: bool) -> None:
        self.schema, self.exact, self.fuzzy = schema, exact, fuzzy

    def term(self, field: str, value: str) -> TQ:
        return TQ.term_query(self.schema, field, value)

    def all_of(self, queries: list[TQ]) -> TQ:
        return queries[0] if len(queries) == 1 else TQ.boolean_query([(Occur.Must, q) for q in queries])

    def node(self, node: Node) -> TQ:
        if isinstance(node, Words):
            folded = [fold_syllable(t) for t in node.terms]
            if len(folded) == 1:
                loose = (TQ.fuzzy_term_query(self.schema, "folded", folded[0], distance=1)
                         if (self.fuzzy or node.fuzzy) and len(folded[0]) >= FUZZY_MIN
                         else self.term("folded", folded[0]))
                if not self.exact:
                    return loose
                return TQ.boolean_query([(Occur.Should, TQ.boost_query(self.term("exact", node.terms[0]), EXACT_BOOST)),
                                         (Occur.Should, loose)])
            phrase = self.all_of([self.term("pairs", p) for p in pairs(folded)])
            if not self.exact:
                return phrase
            exact = TQ.boost_query(self.all_of([self.term("exact", t) for t in node.terms]), EXACT_BOOST)
            return TQ.boolean_query([(Occur.Must, phrase), (Occur.Should, exact)])
        if isinstance(node, Filter):
            return self.term("doc_id" if node.field == "doc" else f"{node.field}_key", node.value)
        if isinstance(node, YearRange):
            if node.low is None and node.high is None:
                return TQ.all_query()
            return TQ.range_query(self.schema, "year", tantivy.FieldType.Integer, node.low, node.high)
        if isinstance(node, Not):
            return TQ.boolean_query([(Occur.Must, TQ.all_query()), (Occur.MustNot, self.node(node.part))])
        if isinstance(node, AnyOf):
            return TQ.boolean_query([(Occur.Should, self.node(p)) for p in node.parts])
        assert isinstance(node, AllOf)
        clauses = [(Occur.MustNot, self.node(p.part)) if isinstance(p, Not) else (Occur.Must, self.node(p))
                   for p in node.parts]
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, TQ.all_query()))
        return TQ.boolean_query(clauses)

    def query(self, compiled: Compiled) -> TQ:
        query = self.node(compiled.root) if compiled.root else TQ.all_query()
        if compiled.include_internal:
            return query
        return TQ.boolean_query([(Occur.Must, query), (Occur.MustNot, self.term("access_key", "internal"))])


def _facet_aggs() -> dict[str, object]:
    docs = {"docs": {"cardinality": {"field": "doc_id"}}}
    aggs: dict[str, object] = {name: {"terms": {"field": name, "size": YEARS if name == "year" else FACET_SIZE},
                                      "aggs": docs} for name in FACET_FIELDS}
    return aggs | {"docs": {"cardinality": {"field": "doc_id"}}}


class TantivyBackend(Backend):
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema

    @classmethod
    def create(cls, path: Path) -> "TantivyBackend":
        path.mkdir(parents=True, exist_ok=True)
        tantivy.Index(schema(), path=str(path), reuse=False)
        return cls(path)

    @contextmanager
    def writer(self, bulk: bool = False) -> Iterator[IndexWriter]:
        writer = self.index.writer(heap_size=256_000_000 if bulk else 60_000_000, num_threads=2 if bulk else 1)
        try:
            yield _Writer(writer)
        except BaseException:
            writer.rollback()
            writer.wait_merging_threads()
            raise
        writer.commit()
        writer.wait_merging_threads()  # ends the writer: its lock file is released now, not at GC
        self.index.reload()

    def page_count(self) -> int:
        self.index.reload()
        return self.index.searcher().num_docs

    def search(self, compiled: Compiled) -> RawResults:
        self.index.reload()
        searcher = self.index.searcher()
        compiler = _Compiler(self.schema, compiled.exact, compiled.fuzzy)
        query = compiler.query(compiled)
        results = RawResults()
        results.total_pages = searcher.search(query, limit=1, count=True).count or 0
        if not results.total_pages:
            return results
        aggs = searcher.aggregate(query, _facet_aggs() if compiled.with_facets else
                                  {"docs": {"cardinality": {"field": "doc_id"}}})
        results.total_documents = round(aggs["docs"]["value"])
        if compiled.with_facets:
            results.facets = _facets(aggs)

        def fetch(n: int) -> list[RawHit]:
            if compiled.sort == "relevance":
                found = searcher.search(query, limit=n)
            else:
                order = tantivy.Order.Desc if compiled.sort == "-year" else tantivy.Order.Asc
                found = searcher.search(query, limit=n, order_by_field="year", order=order)
            return [_hit(searcher.doc(address), score if compiled.sort == "relevance" else 0.0)
                    for score, address in found.hits]

        results.hits = best_pages(fetch, results.total_pages, compiled.want_docs, compiled.per_doc)
        shown = list(dict.fromkeys(h.doc_id for h in results.hits))
        if shown:  # matching pages of the shown documents: one aggregation, not one count per document
            in_shown = TQ.term_set_query(self.schema, "doc_id", shown)
            counted = searcher.aggregate(TQ.boolean_query([(Occur.Must, query), (Occur.Must, in_shown)]),
                                         {"pages": {"terms": {"field": "doc_id", "size": len(shown)}}})
            results.pages_per_doc = {b["key"]: int(b["doc_count"]) for b in counted["pages"]["buckets"]}
        return results


def _facets(aggs: dict) -> dict[str, Counter]:  # type: ignore[type-arg]
    facets: dict[str, Counter] = {}
    for name in FACET_FIELDS:
        facets[name] = Counter({b["key"]: round(b["docs"]["value"]) for b in aggs[name]["buckets"]
                                if b["key"] not in ("", 0)})
    facets["decade"] = Counter()
    for year, count in facets["year"].items():
        facets["decade"][f"{int(year) // 10 * 10}s"] += count
    return facets


def _hit(doc: tantivy.Document, score: float) -> RawHit:
    values = doc.to_dict()

    def first(name: str, default: object = "") -> object:
        got = values.get(name)
        return got[0] if got else default

    meta = stored_meta(first)
    text = first("text", b"")
    return RawHit(str(first("doc_id")), int(first("page_no", 0)), float(score),  # type: ignore[arg-type]
                  bytes(text).decode("utf-8"), meta)  # type: ignore[arg-type]


class _Writer(IndexWriter):
    def __init__(self, writer: tantivy.IndexWriter) -> None:
        self.writer = writer

    def add(self, pages: Iterable[IndexedPage]) -> int:
        count = 0
        for page in pages:
            self.writer.add_document(document(page))
            count += 1
        return count

    def delete_document(self, doc_id: str) -> None:
        self.writer.delete_documents_by_term("doc_id", doc_id)
