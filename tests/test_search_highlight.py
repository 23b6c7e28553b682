"""Highlighting: which syllables of a page a query hit, found on the page text as it is."""

from __future__ import annotations

from corpus import Word
from search_index.highlight import boxes, snippet, targets
from search_index.hits import hit_starts
from search_index.query import parse


def marked_words(text: str, query: str) -> list[str]:
    wanted = tuple(targets(parse(query).root))
    return [text[s:].split()[0] for s in sorted(hit_starts(text, wanted))]


def test_any_tone_placement_case_and_d_stroke() -> None:
    text = "Hoà bình, hòa bình; HOÀ BÌNH. Đảng và dang dở"
    assert marked_words(text, '"hoa binh"') == ["Hoà", "bình,", "hòa", "bình;", "HOÀ", "BÌNH."]
    assert marked_words(text, "dang") == ["Đảng", "dang"]


def test_whole_syllables_only() -> None:
    assert marked_words("dân dâng dần", "dan") == ["dân", "dần"]
    assert marked_words("xã hội", "xa") == ["xã"]


def test_overlapping_targets_are_all_marked() -> None:
    text = "lịch sử đảng bộ"
    assert marked_words(text, '"lich su" "su dang" "dang bo"') == ["lịch", "sử", "đảng", "bộ"]


def test_fuzzy_allows_one_edit_in_words_of_four_letters() -> None:
    text = "khang kháng khánh khan khangg khuông"
    assert marked_words(text, "khang~") == ["khang", "kháng", "khánh", "khan", "khangg"]
    assert marked_words("dan dân đàn", "da~") == []  # under four letters: no fuzziness


def test_snippet_window_starts_a_little_before_the_densest_hits() -> None:
    text = " ".join(["mở đầu"] * 40 + ["Lịch sử Đảng bộ"] + ["kết thúc"] * 40)
    html = snippet(text, targets(parse('"dang bo"').root))
    assert html.startswith("…đầu Lịch sử <mark>Đảng bộ</mark> kết")  # three syllables of context
    assert html.endswith("…") and len(html.replace("<mark>", "").replace("</mark>", "").split()) == 40


def test_snippet_near_the_end_shows_the_last_syllables() -> None:
    text = " ".join(["mở đầu"] * 40) + " Cuối cùng là Đảng bộ."
    html = snippet(text, targets(parse("dang").root))
    assert html.endswith("<mark>Đảng</mark> bộ.")


def test_boxes_are_the_words_holding_a_hit() -> None:
    words = [Word(text=t, left=10 * i, top=0, width=9, height=9, confidence=90.0, line=1)
             for i, t in enumerate(["Chi", "bộ", "Đảng", "bộ-xã", "Cự", "Khối."])]
    found = boxes(words, targets(parse('"dang bo" khoi').root))
    assert [b.text for b in found] == ["Đảng", "bộ-xã", "Khối."]
