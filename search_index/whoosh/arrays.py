"""Whoosh queries answered with arrays: every matching page and its score at once.

Whoosh's matchers walk the postings one page at a time in Python, and a search page needs every
match anyway (the totals, the pages of each document, the facets), so a common word cost a
search 100–300 ms at 20,000 pages. Here each term's postings are decoded once per searcher into
NumPy arrays (kept in a bounded cache), queries combine them with sorted-set operations and the
ranking is one sort. The scores are Whoosh's own BM25F, term by term, summed the way Whoosh's
matchers sum them; `tests/test_search_arrays.py` checks them against Whoosh's searcher.

Only the query types `whoosh_backend.compile_query` builds are understood; anything else is a
programming error (TypeError), not a silent fallback.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.util.numeric import byte_to_length

CACHED_POSTINGS = 4_000_000  # decoded postings kept per searcher (~48 MB at 12 bytes each)
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    docs: np.ndarray  # global docnums, ascending, unique
    scores: np.ndarray  # float64, one per docnum

    def __len__(self) -> int:
        return len(self.docs)


def _empty() -> Matches:
    return Matches(np.empty(0, np.int64), np.empty(0, np.float64))


class ArraySearcher:
    """Array evaluation over one open Whoosh searcher (make a new one when the searcher is renewed)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting  # BM25F (B, K1)
        self.leaves = searcher.reader().leaf_readers()
        self.count = searcher.doc_count_all()
        self.alive = np.ones(self.count, dtype=bool)  # False for deleted pages
        for reader, offset in self.leaves:
            if reader.has_deletions():
                self.alive[offset:offset + reader.doc_count_all()] = False
                self.alive[offset + np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self._postings: OrderedDict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        """A sortable field's values for every docnum (deleted ones included)."""
        if name not in self._columns:
            # An index without a segment (new, or emptied and merged) reads through Whoosh's
            # EmptyReader, which has no columns at all (NotImplementedError): no pages, no values.
            values = list(self.searcher.reader().column_reader(name)) if self.count else []
            self._columns[name] = np.array(values) if values else np.empty(0)
        return self._columns[name]

    def matches(self, query: wq.Query) -> Matches:
        if isinstance(query, wq.Term):
            return self._term(query.fieldname, query.text, query.boost)
        if isinstance(query, wq.FuzzyTerm):
            return self._fuzzy(query)
        if isinstance(query, (wq.And, wq.Or)):
            if len(query.subqueries) == 1:  # Whoosh matches a lone part without the compound's boost
                return self.matches(query.subqueries[0])
            parts = [self.matches(q) for q in query.subqueries]
            combined = _intersection(parts) if isinstance(query, wq.And) else _union(parts)
            return _boosted(combined, query.boost)
        if isinstance(query, wq.AndNot):
            kept, dropped = self.matches(query.a), self.matches(query.b)
            keep = ~np.isin(kept.docs, dropped.docs, assume_unique=True)
            return Matches(kept.docs[keep], kept.scores[keep])
        if isinstance(query, wq.AndMaybe):
            required, optional = self.matches(query.a), self.matches(query.b)
            scores = required.scores.copy()
            _, here, there = np.intersect1d(required.docs, optional.docs, assume_unique=True, return_indices=True)
            scores[here] += optional.scores[there]
            return Matches(required.docs, scores)
        if isinstance(query, wq.NumericRange):
            return self._range(query)
        if isinstance(query, wq.Every):
            docs = np.flatnonzero(self.alive)
            return Matches(docs, np.full(len(docs), float(query.boost)))
        raise TypeError(f"no array evaluation for {type(query).__name__}")

    def _term(self, fieldname: str, text: str | bytes, boost: float) -> Matches:
        field = self.searcher.schema[fieldname]
        btext = text if isinstance(text, bytes) else field.to_bytes(text)
        docs, weights = self._postings_of(fieldname, btext)
        if not len(docs):
            return _empty()
        if not field.scorable:  # ID fields: Whoosh scores a match with its posting weight
            return Matches(docs, weights * boost)
        idf = self.searcher.idf(fieldname, btext)
        average = self.searcher.avg_field_length(fieldname) or 1
        b, k1 = self.weighting.B, self.weighting.K1
        lengths = self._field_lengths(fieldname)[docs]
        scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average)))
        return Matches(docs, scores * boost if boost != 1.0 else scores)

    def _fuzzy(self, query: wq.FuzzyTerm) -> Matches:
        words = [w for w in self.searcher.reader().terms_within(query.fieldname, query.text, query.maxdist,
                                                                  prefix=query.prefixlength) if w]
        if len(words) == 1:
            return self._term(query.fieldname, words[0], query.boost)
        # Several spellings: Whoosh's "constant score" switch does not reach its scorer (the searcher
        # puts its BM25F back), so each spelling is scored as a term and the scores are added.
        return _boosted(_union([self._term(query.fieldname, w, 1.0) for w in words]), query.boost)

    def _range(self, query: wq.NumericRange) -> Matches:
        values = self.column(query.fieldname)
        keep = self.alive.copy()
        if query.start is not None:
            keep &= values > query.start if query.startexcl else values >= query.start
        if query.end is not None:
            keep &= values < query.end if query.endexcl else values <= query.end
        docs = np.flatnonzero(keep)
        return Matches(docs, np.full(len(docs), float(query.boost)))

    def _postings_of(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, btext)
        if key in self._postings:
            self._postings.move_to_end(key)
            return self._postings[key]
        docs_parts, weight_parts = [], []
        for reader, offset in self.leaves:
            if (fieldname, btext) in reader:
                docs, weights = _decode(reader.postings(fieldname, btext))
                docs_parts.append(docs + offset)
                weight_parts.append(weights)
        docs, weights = _joined(docs_parts, np.int64), _joined(weight_parts, np.float64)
        alive = self.alive[docs]
        entry = (docs[alive], weights[alive]) if not alive.all() else (docs, weights)
        self._postings[key] = entry
        self._cached += len(docs)
        while self._cached > CACHED_POSTINGS and len(self._postings) > 1:
            _, (old, _) = self._postings.popitem(last=False)
            self._cached -= len(old)
        return entry

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        if fieldname not in self._lengths:
            parts = []
            for reader, _ in self.leaves:
                # Whoosh keeps each page's field length as one byte (a logarithmic approximation).
                column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
                codes = np.fromiter(column, dtype=np.uint8, count=reader.doc_count_all()) if column else \
                    np.zeros(reader.doc_count_all(), np.uint8)
                parts.append(_LENGTH_OF_BYTE[codes])
            self._lengths[fieldname] = _joined(parts, np.float64)
        return self._lengths[fieldname]


def _decode(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """A posting list's docnums and weights, a block at a time where Whoosh's format allows it."""
    if isinstance(matcher, FilterMatcher):  # deleted pages: dropped by the caller with `alive`
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # short lists inlined in the term info
        docs, weights = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(docs, dtype=np.int64), np.array(weights, dtype=np.float64)
    docs_parts, weight_parts = [], []
    while matcher.is_active():
        matcher._read_data()
        deltas = np.asarray(matcher._data[0], dtype=np.int64)  # a block's docnums, delta-coded
        matcher._read_weights()
        docs_parts.append(deltas if matcher._byteids else np.cumsum(deltas))
        weight_parts.append(np.asarray(matcher._weights, dtype=np.float64))
        matcher._next_block()
    return _joined(docs_parts, np.int64), _joined(weight_parts, np.float64)


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype)


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    docs, where = np.unique(np.concatenate([p.docs for p in parts]), return_inverse=True)
    return Matches(docs, np.bincount(where, weights=np.concatenate([p.scores for p in parts]), minlength=len(docs)))


def _intersection(parts: list[Matches]) -> Matches:
    result = parts[0]
    for part in parts[1:]:
        docs, here, there = np.intersect1d(result.docs, part.docs, assume_unique=True, return_indices=True)
        result = Matches(docs, result.scores[here] + part.scores[there])
    return result


def _boosted(matches: Matches, boost: float) -> Matches:
    return matches if boost == 1.0 else Matches(matches.docs, matches.scores * boost)


def ranked(matches: Matches, sort_key: np.ndarray | None = None, reverse: bool = False) -> np.ndarray:
    """Positions into ``matches``, best first: score (ties: lower docnum first) or a column's value."""
    if sort_key is None:
        return np.lexsort((matches.docs, -matches.scores))
    order = np.lexsort((matches.docs, sort_key[matches.docs]))
    return order[::-1] if reverse else order


def best_of_each(ords: np.ndarray, want_docs: int, per_doc: int) -> np.ndarray:
    """Positions in a ranked list of document ordinals: the first ``want_docs`` documents to appear,
    each with its first ``per_doc`` pages, in ranked order."""
    firsts, first_at = np.unique(ords, return_index=True)
    wanted = firsts[np.argsort(first_at)[:want_docs]]
    positions = np.flatnonzero(np.isin(ords, wanted))
    by_doc = np.argsort(ords[positions], kind="stable")
    grouped = ords[positions][by_doc]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank_in_doc = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.r_[starts, len(grouped)]))
    return positions[np.sort(by_doc[rank_in_doc < per_doc])]
