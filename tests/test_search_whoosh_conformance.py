"""search_index/whoosh/fast.py writes Whoosh's segment format through Whoosh's private members:
the same pages written by stock Whoosh's writer and by ours must give the same index.

In one process the segment files are byte for byte Whoosh's own. The parallel writer splits the
pages into two segments (so page numbers differ): every term's postings, every stored field and
every field length are the same per page, and a few hundred generated queries find the same pages
with the same scores, through stock Whoosh's searcher and through ours (search_index/whoosh/arrays.py).
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from search_index.backend import IndexedPage
from search_index.models import SearchRequest
from search_index.whoosh.arrays import ArraySearcher
from search_index.whoosh.backend import WhooshBackend, compile_query, document
from sohoa.vietnamese import fold
from tests.whoosh_fixtures import DISTRICTS, PHRASES, SYLLABLES, compile_request, generated_pages, whoosh_leaks

PAGES = generated_pages(400)
QUERY_COUNT = 250


def write_stock(path: Path, pages: list[IndexedPage]) -> WhooshBackend:
    backend = WhooshBackend.create(path)
    writer = backend.ix.writer()  # Whoosh's own SegmentWriter
    for page in pages:
        writer.add_document(**document(page))
    writer.commit()
    return backend


def write_ours(path: Path, pages: list[IndexedPage], bulk: bool) -> WhooshBackend:
    backend = WhooshBackend.create(path)
    with backend.writer(bulk=bulk) as writer:
        writer.add(pages)
    return backend


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WhooshBackend]:
    root = tmp_path_factory.mktemp("conformance")
    return {"stock": write_stock(root / "stock", PAGES), "fast": write_ours(root / "fast", PAGES, bulk=False),
            "parallel": write_ours(root / "parallel", PAGES, bulk=True)}


def segment_files(backend: WhooshBackend) -> list[dict[str, bytes]]:
    """Each segment's files by kind (postings, terms, stored fields, columns), read from its compound file."""
    segments = []
    for segment in backend.ix._segments():
        compound = segment.open_compound_file(backend.ix.storage)
        files = {}
        for name in compound.list():
            with compound.open_file(name) as fh:
                files[name.split(".", 1)[1]] = fh.read()
        segments.append(files)
    return segments


def test_one_process_writes_the_very_bytes_whoosh_writes(indexes: dict[str, WhooshBackend]) -> None:
    [stock], [fast] = segment_files(indexes["stock"]), segment_files(indexes["fast"])
    assert {"pst", "trm", "_stored.col", "_exact_len.col"} <= stock.keys()
    assert fast.keys() == stock.keys()
    for kind in stock:
        assert fast[kind] == stock[kind], kind


def index_by_page(backend: WhooshBackend) -> tuple[dict, dict, dict]:
    """Postings as {(field, term): {page key: (weight, value)}}, stored fields and field lengths by page key."""
    reader = backend.ix.reader()
    keys = {docnum: fields["doc_id"] + f"/{fields['page_no']}" for docnum, fields in reader.iter_docs()}
    postings = {}
    for field, term in reader.all_terms():
        matcher = reader.postings(field, term)
        found = {}
        while matcher.is_active():
            found[keys[matcher.id()]] = (matcher.weight(), matcher.value())
            matcher.next()
        postings[(field, term)] = found
    stored = {keys[d]: fields for d, fields in reader.iter_docs()}
    lengths = {(keys[d], name): reader.doc_field_length(d, name) for d in keys for name in ("exact", "folded", "pairs")}
    reader.close()
    return postings, stored, lengths


def test_two_processes_write_the_same_postings_stored_fields_and_lengths(indexes: dict[str, WhooshBackend]) -> None:
    assert len(indexes["parallel"].ix._segments()) == 2  # the child process wrote one of them
    stock_postings, stock_stored, stock_lengths = index_by_page(indexes["stock"])
    postings, stored, lengths = index_by_page(indexes["parallel"])
    assert len(stock_postings) > 1000 and len(stock_stored) == len(PAGES)
    assert postings == stock_postings
    assert stored == stock_stored
    assert lengths == stock_lengths


def generated_queries(count: int, seed: int = 11) -> list[SearchRequest]:
    """Words with and without diacritics, phrases, OR, NOT, fuzzy words, filters by place and year."""
    rng = random.Random(seed)
    word = lambda: rng.choice(SYLLABLES)  # noqa: E731
    shapes = [
        lambda: word(),
        lambda: fold(word()),
        lambda: f"{word()} {word()}",
        lambda: f'"{rng.choice(PHRASES)}"',
        lambda: f'"{fold(rng.choice(PHRASES))}"',
        lambda: f"{word()} OR {word()}",
        lambda: f"{word()} -{word()}",
        lambda: f"{word()}~",
        lambda: f'{word()} district:"{rng.choice(DISTRICTS)}"',
        lambda: f"{word()} year:{rng.randint(1945, 1970)}..{rng.randint(1970, 1990)}",
    ]
    return [SearchRequest(query=rng.choice(shapes)(), include_internal=rng.random() < 0.5) for _ in range(count)]


class Searchers:
    """One index's stock Whoosh searcher and ours, open for every query, and each page's key."""

    def __init__(self, backend: WhooshBackend) -> None:
        self.stock = backend.ix.searcher()
        self.arrays = ArraySearcher(self.stock)
        self.keys = ["{doc_id}/{page_no}".format(**fields) for fields in self.stock.all_stored_fields()]

    def scored_pages(self, request: SearchRequest, stock: bool) -> dict[str, float]:
        query = compile_query(compile_request(request))
        if stock:
            leaks = whoosh_leaks(self.stock, query)
            hits = {hit.docnum: hit.score for hit in self.stock.search(query, limit=None) if hit.docnum not in leaks}
        else:
            matches = self.arrays.matches(query)
            hits = dict(zip(matches.docs.tolist(), matches.scores.tolist()))
        return {self.keys[docnum]: score for docnum, score in hits.items()}


def test_generated_queries_find_the_same_pages_with_the_same_scores(indexes: dict[str, WhooshBackend]) -> None:
    requests = generated_queries(QUERY_COUNT)
    assert len({r.query for r in requests}) > QUERY_COUNT // 2
    searchers = {name: Searchers(backend) for name, backend in indexes.items()}
    matched = 0
    for request in requests:
        expected = searchers["stock"].scored_pages(request, stock=True)
        matched += bool(expected)
        # the one-process index has Whoosh's very bytes: only our searcher is asked there
        for name, stock in (("fast", False), ("parallel", True), ("parallel", False)):
            got = searchers[name].scored_pages(request, stock)
            assert got.keys() == expected.keys(), (request.query, name, stock)
            assert got == pytest.approx(expected, rel=1e-9), (request.query, name, stock)
    assert matched > QUERY_COUNT * 0.8  # the queries are drawn from the pages' own words


def test_the_indexing_child_ends_with_its_parent(tmp_path: Path) -> None:
    """A bulk build killed (Ctrl-C twice, the OOM killer) leaves no process writing segments."""
    code = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from search_index.whoosh.backend import WhooshBackend, document
        from search_index.whoosh.fast import ParallelSegmentWriter
        writer = ParallelSegmentWriter(WhooshBackend.create(Path(sys.argv[1])).ix, document)
        print(writer.child.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "ix")], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = Path(f"/proc/{int(parent.stdout.readline())}/status")
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while not ended(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ended(child)


def ended(status: Path) -> bool:
    """The process is gone, or a zombie waiting for whoever adopted it to reap it."""
    try:
        return "State:\tZ" in status.read_text()
    except FileNotFoundError:
        return True
