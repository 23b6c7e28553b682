"""The query language and the Vietnamese analysis, without an index."""

from __future__ import annotations

import unicodedata

import pytest

from search_index.analysis import analyze
from search_index.highlight import snippet, targets
from search_index.query import AllOf, AnyOf, Filter, Not, Words, YearRange, parse


def test_analysis_keeps_short_vietnamese_words_and_folds_marks() -> None:
    terms = analyze("Đảng bộ tỉnh Long An ở đâu? Ý kiến: hoà bình, THUÝ.")
    assert terms.exact == ["đảng", "bộ", "tỉnh", "long", "an", "ở", "đâu", "ý", "kiến", "hòa", "bình", "thúy"]
    assert terms.folded[:5] == ["dang", "bo", "tinh", "long", "an"]
    assert terms.pairs[0] == "dang_bo"


def test_nfd_capitals_and_old_tone_placement_analyze_alike() -> None:
    nfd = unicodedata.normalize("NFD", "LỊCH SỬ hoà")
    assert analyze(nfd).exact == analyze("lịch sử hòa").exact


def test_query_language() -> None:
    parsed = parse('"lịch sử" OR đảng -mỹ district:"Long Biên" year:1975..1985 khang~')
    assert parsed.exact and not parsed.notes
    assert parsed.root == AnyOf((
        Words(("lịch", "sử")),
        AllOf((Words(("đảng",)), Not(Words(("mỹ",))), Filter("district", "long bien"), YearRange(1975, 1985),
               Words(("khang",), fuzzy=True))),
    ))
    assert parse("lich su").exact is False
    assert parse("year:1975").root == YearRange(1975, 1975)
    assert parse("year:..1954").root == YearRange(None, 1954)


@pytest.mark.parametrize("query", [
    '"lịch sử', "a OR", "NOT", "-", "((((", "))) x", "!!!", "year:abc", "foo:bar", "OR OR AND NOT",
    "a\x00b\tc\u200b", "x" * 10_000, "lịch " * 3000, ":", '"', "district:", "-(-(-", "~~~",
])
def test_any_query_parses_without_error(query: str) -> None:
    parsed = parse(query)
    assert all("\n" not in note for note in parsed.notes)


def test_repairs_are_explained() -> None:
    assert "unclosed quote" in parse('"lịch sử').notes[0]
    assert "no field 'foo'" in parse("foo:bar").notes[0]
    assert parse("foo:bar").root == Words(("foo", "bar"))


def test_snippet_is_html_escaped_and_marks_folded_hits() -> None:
    text = "Đồng chí Thuý & <các> đồng chí; Lịch sử Đảng bộ."
    html = snippet(text, targets(parse('"lich su dang" thuy').root))
    assert html == "Đồng chí <mark>Thuý</mark> &amp; &lt;các&gt; đồng chí; <mark>Lịch sử Đảng</mark> bộ."
