"""Searching an archive, the same tests against Whoosh and tantivy."""

from __future__ import annotations

import unicodedata

import pytest

import search_index
from search_index import SearchRequest
from search_fixtures import BACKENDS, CORPUS, add_document, archive, backend, shared_archive  # noqa: F401
from corpus import Archive, DocumentMeta
from corpus.models import FACET_FIELDS, FILTER_FIELDS, HIT_FIELDS
from sohoa.vietnamese import fold


def pages(results: search_index.SearchResults) -> set[tuple[str, int]]:
    return {(d.doc_id, p.page_no) for d in results.documents for p in d.pages}


def docs(results: search_index.SearchResults) -> list[str]:
    return [d.doc_id for d in results.documents]


def test_queries_without_diacritics_find_the_pages(shared_archive: Archive) -> None:
    with_marks = search_index.search(shared_archive, "lịch sử đảng bộ")
    without = search_index.search(shared_archive, "lich su dang bo")
    assert pages(without) == pages(with_marks) == {("cukhoi", 1), ("thachban", 1)}


def test_nfd_capitals_and_old_tone_placement_find_the_same_pages(shared_archive: Archive) -> None:
    expected = pages(search_index.search(shared_archive, "hòa bình"))
    assert expected == {("cukhoi", 2), ("thachban", 2)}
    for query in ("hoà bình", "HOÀ BÌNH", unicodedata.normalize("NFD", "hoà bình"), "hoa binh"):
        assert pages(search_index.search(shared_archive, query)) == expected, query


def test_short_words_are_not_stop_words(shared_archive: Archive) -> None:
    assert docs(search_index.search(shared_archive, "ở")) == ["longan"]
    assert docs(search_index.search(shared_archive, "ý kiến")) == ["longan"]
    assert docs(search_index.search(shared_archive, "province:\"long an\"")) == ["longan"]


def test_exact_diacritics_rank_first(shared_archive: Archive) -> None:
    # "đảng" and "dang" fold alike; a query with marks ranks exact matches above folded ones.
    results = search_index.search(shared_archive, "Thạch Bàn")
    assert docs(results)[0] == "thachban"


def test_phrases_need_adjacent_syllables(shared_archive: Archive) -> None:
    assert pages(search_index.search(shared_archive, '"hợp tác xã"', include_internal=True)) == {
        ("cukhoi", 2), ("gialam", 1)}
    assert search_index.search(shared_archive, '"xã hợp"').total_pages == 0
    assert docs(search_index.search(shared_archive, "Đảng-bộ tỉnh")) == ["longan"]


def test_or_and_not(shared_archive: Archive) -> None:
    assert set(docs(search_index.search(shared_archive, "gốm OR Cửu", include_internal=True))) == {"gialam", "longan"}
    assert docs(search_index.search(shared_archive, "lịch sử -Cự")) == ["thachban"]
    assert docs(search_index.search(shared_archive, "lịch sử NOT khoi")) == ["thachban"]


def test_filters_year_ranges_and_facets(shared_archive: Archive) -> None:
    results = search_index.search(shared_archive, 'chi bộ district:"long bien"')
    assert set(docs(results)) == {"cukhoi", "thachban"}
    assert {f.value: f.count for f in results.facets["district"]} == {"Long Biên": 2}
    assert {f.value: f.count for f in results.facets["decade"]} == {"1950s": 1, "1980s": 1}
    assert docs(search_index.search(shared_archive, "chi bộ year:1980..1990")) == ["cukhoi"]
    assert docs(search_index.search(shared_archive, SearchRequest("chi bộ", year_to=1960))) == ["thachban"]
    assert docs(search_index.search(shared_archive, SearchRequest("đảng", kind="bulletin"))) == ["longan"]
    assert docs(search_index.search(shared_archive, SearchRequest("", commune="thach ban"))) == ["thachban"]


def test_every_metadata_field_reaches_hits_filters_and_facets_as_its_roles_say(shared_archive: Archive) -> None:
    """The index's fields derive from DocumentMeta: each text field comes back on the hit, each
    filter field narrows both as a query's ``name:value`` and as a request field, each facet counts."""
    meta = CORPUS["cukhoi"][0]
    assert all(getattr(meta, name) for name in FILTER_FIELDS)
    for name in FILTER_FIELDS:
        value = fold(str(getattr(meta, name))).upper()  # filters ignore diacritics and case
        by_query = search_index.search(shared_archive, f'chi bộ {name}:"{value}"')
        by_request = search_index.search(shared_archive, SearchRequest("chi bộ", **{name: value}))
        assert "cukhoi" in docs(by_query) and docs(by_query) == docs(by_request), name
        assert "longan" not in docs(by_query), name
    [hit] = [d for d in search_index.search(shared_archive, "chi bộ", include_internal=True).documents
             if d.doc_id == "cukhoi"]
    assert {name: getattr(hit, name) for name in HIT_FIELDS} == {name: getattr(meta, name) for name in HIT_FIELDS}
    facets = search_index.search(shared_archive, "đảng", include_internal=True).facets
    assert set(FACET_FIELDS) <= facets.keys() and str(meta.year) in {f.value for f in facets["year"]}


def test_internal_documents_are_hidden_unless_asked_for(shared_archive: Archive) -> None:
    assert search_index.search(shared_archive, "gốm sứ").total_documents == 0
    shown = search_index.search(shared_archive, "gốm sứ", include_internal=True)
    assert docs(shown) == ["gialam"] and shown.documents[0].access == "internal"


def test_results_group_pages_by_document_with_snippets_and_boxes(shared_archive: Archive) -> None:
    results = search_index.search(shared_archive, "\"đảng bộ\"", pages_per_document=2)
    assert results.total_documents == len({d for d, _ in pages(results)}) == 3
    cukhoi = next(d for d in results.documents if d.doc_id == "cukhoi")
    assert cukhoi.matching_pages == 2 and len(cukhoi.pages) == 2
    assert cukhoi.title == "Lịch sử Đảng bộ xã Cự Khối" and cukhoi.year == 1985
    first = cukhoi.pages[0]
    assert "<mark>Đảng bộ</mark>" in first.snippet_html
    assert [b.text for b in first.boxes] == ["Đảng", "bộ"]
    assert first.boxes[0].left == 200 and first.boxes[0].height == 30


def test_snippets_escape_ocr_text(shared_archive: Archive) -> None:
    snippet = search_index.search(shared_archive, "thuy").documents[0].pages[0].snippet_html
    assert "<mark>Thuý</mark> &amp; &lt;các&gt;" in snippet


def test_search_within_one_document(shared_archive: Archive) -> None:
    results = search_index.search(shared_archive, SearchRequest("\"chi bộ\"", doc_id="thachban", pages_per_document=10))
    assert pages(results) == {("thachban", 3)}
    assert docs(search_index.search(shared_archive, "đảng doc:longan")) == ["longan"]


def test_sort_by_year_and_pagination(shared_archive: Archive) -> None:
    by_year = docs(search_index.search(shared_archive, "đảng", sort="year"))
    assert by_year == ["thachban", "cukhoi", "longan"]
    assert docs(search_index.search(shared_archive, "đảng", sort="-year")) == by_year[::-1]
    second = search_index.search(shared_archive, "đảng", sort="year", limit=1, offset=1)
    assert docs(second) == ["cukhoi"] and second.total_documents == 3


def test_fuzzy_matching_is_opt_in(shared_archive: Archive) -> None:
    assert search_index.search(shared_archive, "nghiep").total_pages == 1
    assert search_index.search(shared_archive, "nghiepp").total_pages == 0  # OCR noise
    assert search_index.search(shared_archive, "nghiepp", fuzzy=True).total_pages == 1
    assert search_index.search(shared_archive, "nghiepp~").total_pages == 1


@pytest.mark.parametrize("query", [
    '"lịch sử', "a OR", "NOT", "-", "((((", "))) đảng", "!!!", "year:abc", "foo:bar", "OR OR AND NOT",
    "đảng\x00bộ\t", "x" * 10_000, "lịch " * 3000, ":", '"', "district:", "-(-(-", "~~~", "*?", "year:9999..1",
])
def test_any_query_gives_results_or_a_one_line_note(shared_archive: Archive, query: str) -> None:
    results = search_index.search(shared_archive, query)
    assert results.documents or results.notes or results.total_pages == 0
    assert all("\n" not in note for note in results.notes)


def test_update_replaces_and_remove_deletes(archive: Archive) -> None:
    assert search_index.search(archive, "đê sông Hồng").total_pages == 1
    archive.catalog.delete_pages("cukhoi")
    add_document_pages = CORPUS["cukhoi"][1][:2]
    for page_no, text in enumerate(add_document_pages, start=1):
        from search_fixtures import page_words
        from corpus import Page
        from corpus.archive import words_json
        archive.save_page(Page(doc_id="cukhoi", page_no=page_no, text=text, mean_confidence=95.0,
                               word_count=1, width=1, height=1, dpi=300),
                          files={"words.json": words_json(page_words(text))})
    assert search_index.update_document(archive, "cukhoi") == 2
    assert search_index.search(archive, "đê sông Hồng").total_pages == 0
    assert search_index.search(archive, "hợp tác xã").total_pages == 1
    search_index.remove_document(archive, "cukhoi")
    assert "cukhoi" not in docs(search_index.search(archive, "đảng"))


def test_reindex_rebuilds_from_the_corpus_and_swaps(archive: Archive, backend: str) -> None:
    add_document(archive, "late", DocumentMeta(title="Bản tin 2020", year=2020, kind="bulletin"),
                 ["Đại hội đại biểu Đảng bộ lần thứ XIII."])
    assert search_index.search(archive, "đại biểu").total_pages == 0  # not indexed yet
    home = archive.root / "index" / backend
    before = (home / "CURRENT").read_text()
    assert search_index.reindex(archive) == sum(len(p) for _, p in CORPUS.values()) + 1
    assert (home / "CURRENT").read_text() != before
    assert docs(search_index.search(archive, "dai bieu")) == ["late"]


def test_no_index_yet_is_explained(tmp_path, backend: str) -> None:  # type: ignore[no-untyped-def]
    archive = Archive.open(tmp_path / "empty")
    results = search_index.search(archive, "đảng")
    assert results.total_pages == 0 and "sohoa reindex" in results.notes[0]
    archive.close()


def test_backends_agree(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    found = {}
    for name in BACKENDS:
        monkeypatch.setenv("SOHOA_SEARCH_BACKEND", name)
        from search_fixtures import build_archive
        archive = build_archive(tmp_path / name)
        found[name] = [pages(search_index.search(archive, q, include_internal=True))
                       for q in ("dang bo", '"hợp tác xã"', "hoà -bình", "year:1950..1980")]
        archive.close()
    assert found["whoosh"] == found["tantivy"]


def test_one_open_index_serves_many_threads_while_a_writer_commits(shared_archive: Archive) -> None:
    """A web server shares one open index between its threads while ingests keep committing."""
    from concurrent.futures import ThreadPoolExecutor

    index = search_index.open_index(shared_archive)
    queries = ["lich su dang bo", '"hợp tác xã"', "đảng bộ -xã", "Long Biên"] * 40
    expected = {q: index.search(SearchRequest(query=q, include_internal=True)).total_pages for q in set(queries)}
    some_doc = next(iter(CORPUS))

    def search_or_commit(n: int) -> int | None:
        if n % 20 == 0:  # a writer commits: the open searcher must be renewed under the readers' feet
            search_index.update_document(shared_archive, some_doc)
            return None
        return index.search(SearchRequest(query=queries[n], include_internal=True)).total_pages

    with ThreadPoolExecutor(8) as pool:
        totals = list(pool.map(search_or_commit, range(len(queries))))
    assert [t for t in totals if t is not None] == [expected[q] for n, q in enumerate(queries) if n % 20]
