"""Generated Vietnamese pages for the Whoosh engine's tests, and what stock Whoosh gets wrong."""

from __future__ import annotations

import random

from whoosh import query as wq

from corpus.models import DocumentMeta
from search_index.backend import Compiled, IndexedPage
from search_index.models import SearchRequest
from search_index.query import AllOf, parse
from search_index.searching import request_filters

SYLLABLES = ("đảng bộ dạng dang xã hội chủ nghĩa nhân dân dần hợp tác nông nghiệp nông thôn cách mạng tháng tám "
             "kháng chiến chống thực dân pháp hoà bình lập lại đê sông hồng điện đường trường học thi đua yêu nước "
             "chi bộ bí thư huyện uỷ ủy ban mặt trận tổ quốc thanh niên phụ nữ lúa gạo ruộng đất nâng điểm niềm").split()
PHRASES = ["cách mạng tháng tám", "hoà bình lập lại", "hợp tác xã nông nghiệp"]
DISTRICTS = ["Long Biên", "Gia Lâm", "Đông Anh"]


def generated_pages(count: int, seed: int = 5) -> list[IndexedPage]:
    """Ten pages a document, words drawn from SYLLABLES with a few PHRASES; some documents internal."""
    rng = random.Random(seed)
    pages = []
    for n in range(count):
        doc = n // 10
        words = [rng.choice(PHRASES) if rng.random() < 0.03 else rng.choice(SYLLABLES)
                 for _ in range(rng.randint(20, 120))]
        meta = DocumentMeta(title=f"Tài liệu {doc}", district=DISTRICTS[doc % 3],
                            year=None if doc % 7 == 0 else 1945 + doc, access="internal" if doc % 5 == 1 else "public")
        pages.append(IndexedPage(f"d{doc:03d}", n % 10 + 1, " ".join(words), meta))
    return pages


def whoosh_leaks(searcher, query: wq.Query) -> set[int]:  # type: ignore[no-untyped-def]
    """Pages Whoosh 2.7.4's AndNotMatcher lets through (tests/test_search_arrays.py shows the bug);
    these queries only exclude at their top level, so any page an excluded part matches must go."""
    if isinstance(query, wq.AndNot):
        return set(searcher.docs_for_query(query.b)) | whoosh_leaks(searcher, query.a)
    if isinstance(query, wq.And):
        return set().union(*(whoosh_leaks(searcher, q) for q in query.subqueries))
    return set()


def compile_request(request: SearchRequest) -> Compiled:
    """What SearchIndex hands a backend for ``request`` (first page of results, with facets)."""
    parsed = parse(request.query)
    parts = ([parsed.root] if parsed.root else []) + request_filters(request)
    root = parts[0] if len(parts) == 1 else AllOf(tuple(parts))
    return Compiled(root, parsed.exact, request.fuzzy, request.include_internal, "relevance", 10, 3, True)
