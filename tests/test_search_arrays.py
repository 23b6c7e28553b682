"""The Whoosh backend answers queries with arrays (search_index/whoosh/arrays.py): the same pages
and the same BM25F scores as Whoosh's own matchers, minus a Whoosh bug that leaked internal pages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from corpus.models import DocumentMeta
from search_index.backend import Compiled, IndexedPage
from search_index.models import SearchRequest
from search_index.query import parse
from search_index.whoosh.arrays import ArraySearcher, best_of_each, ranked
from search_index.whoosh.backend import WhooshBackend, compile_query
from tests.whoosh_fixtures import compile_request, generated_pages, whoosh_leaks

QUERIES = ["đảng bộ", "dang bo", '"cách mạng tháng tám"', '"hoa binh lap lai"', "điện", "dien", "nông~",
           "thanh nien~", "hợp tác OR nông nghiệp", "cach mang -thang", "-điện", "huyện uỷ", "ủy ban", "dân",
           "nhân dân xã hội chủ nghĩa", "trường", "khongcotu"]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> WhooshBackend:
    """Two segments and a deleted document, as an index looks after a few ingests."""
    backend = WhooshBackend.create(tmp_path_factory.mktemp("ix") / "whoosh")
    pages = generated_pages(500)
    with backend.writer() as writer:
        writer.add(pages[:300])
    with backend.writer() as writer:
        writer.add(pages[300:])
        writer.delete_document("d004")
    return backend


def compiled_queries() -> list[tuple[str, Compiled]]:
    requests = [SearchRequest(query=q, include_internal=True) for q in QUERIES] + [
        SearchRequest(query="đảng", district="Gia Lâm", year_from=1960, year_to=1980, include_internal=True),
        SearchRequest(query="xã", year_to=1970, include_internal=True),
        SearchRequest(query="điện", fuzzy=True, include_internal=True),
        SearchRequest(query="", district="Đông Anh", include_internal=True),
    ]
    return [(request.query, compile_request(request)) for request in requests]


@pytest.mark.parametrize("text, compiled", compiled_queries(), ids=lambda v: v if isinstance(v, str) else "")
def test_same_pages_and_scores_as_whoosh(backend: WhooshBackend, text: str, compiled: Compiled) -> None:
    query = compile_query(compiled)
    searcher = backend.view().searcher
    expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)
                if hit.docnum not in whoosh_leaks(searcher, query)}
    matches = ArraySearcher(searcher).matches(query)
    got = dict(zip(matches.docs.tolist(), matches.scores.tolist()))
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected, rel=1e-9)
    assert text == "khongcotu" or got  # the corpus is built so that every other query matches


def test_deleted_pages_never_match(backend: WhooshBackend) -> None:
    everything = Compiled(None, False, False, True, "relevance", 100, 10, True)
    results = backend.search(everything)
    assert results.total_pages == 490 and results.total_documents == 49
    assert "d004" not in {hit.doc_id for hit in results.hits}


def test_an_internal_page_is_excluded_even_where_whoosh_matchers_leaked_it(tmp_path: Path) -> None:
    """Whoosh 2.7.4's AndNotMatcher only checks its first page against the excluded list's current
    page: an internal page that is the first match, but not the first internal page, got through."""
    backend = WhooshBackend.create(tmp_path / "whoosh")
    with backend.writer() as writer:
        internal = DocumentMeta(access="internal")
        writer.add([IndexedPage("a", 1, "nội bộ", internal),
                    IndexedPage("b", 1, "điện lực nội bộ", internal),
                    IndexedPage("c", 1, "đường điện về thôn")])
    request = Compiled(parse("điện").root, True, False, False, "relevance", 10, 3, True)
    leaked = {hit["doc_id"] for hit in backend.view().searcher.search(compile_query(request))}
    assert leaked == {"b", "c"}  # Whoosh's matchers let the internal "b" through
    results = backend.search(request)
    assert [hit.doc_id for hit in results.hits] == ["c"]
    assert results.total_pages == 1 and results.facets["kind"] == {"other": 1}


def test_best_of_each_keeps_the_first_documents_and_their_best_pages() -> None:
    ranked_docs = np.array([7, 3, 7, 7, 5, 3, 9, 7])  # document of each page, best page first
    chosen = best_of_each(ranked_docs, want_docs=2, per_doc=2)
    assert chosen.tolist() == [0, 1, 2, 5]  # documents 7 and 3, two pages each, in ranked order


def test_ranking_breaks_ties_by_page_order_like_whoosh(backend: WhooshBackend) -> None:
    searcher = backend.view().searcher
    query = wq.Term("district_key", "long bien")  # every match scores the same
    expected = [hit.docnum for hit in searcher.search(query, limit=20)]
    matches = ArraySearcher(searcher).matches(query)
    assert matches.docs[ranked(matches)][:20].tolist() == expected
