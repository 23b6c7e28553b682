"""Vietnamese syllable grammar and the review scores built on it."""

from __future__ import annotations

import re
import unicodedata

import pytest

from ocr.quality import ReviewThresholds, assess, syllable_share
from ocr.syllables import is_abbreviation, is_syllable
from sohoa.samples.texts import BULLETIN, HISTORY

VALID = """
    thuở khuya chuyện quyết quyền gì gìn giữ giếng giặc gia giờ ghế ghi nghiêng nghĩ ngoài người
    rượu bướu khuỷu xoong boong hoà hòa thuý thúy quốc quỳnh quý qui quơ quăn que quê yên yêu yết
    uy ủy oẳn hoắc khoẻ khỏe quân huơ tuấn thuê tuy uyên kỳ kỹ lý mỹ ạ à ừ ơi ồ nước ruộng muốn
    mía mưa mua cuối gửi hưu ấy ai ay oai ngoáy khuých huỳnh anh ách ếch ịch oanh loạch huếch
    đảng Đảng ĐẢNG đang dạng lịch sử xã bộ nghị quyết hợp tác héc ta kiếm kẻng cân
""".split()

INVALID = {
    "kan": "k before a", "cin": "c before i", "ghá": "gh before a", "nghá": "ngh before a",
    "ngi": "ng before i", "gê": "g before ê", "coa": "/kw/ is written qu", "boan": "labial + medial",
    "bat": "stop coda, level tone", "bàt": "stop coda, huyền", "bảt": "stop coda, hỏi",
    "bãc": "stop coda, ngã", "àch": "stop coda, huyền", "tien": "iê without its circumflex",
    "mươ": "ươ needs a coda", "muôa": "no such rime", "ă": "ă never open", "â": "â never open",
    "qa": "q without u", "fan": "no f", "wifi": "no w", "zô": "no z", "ắá": "two tones",
    "đđ": "no vowel", "quoa": "two medials", "ênhh": "no such coda", "iên": "iê after no onset is yê",
    "ơng": "ơ takes no ng", "ônh": "nh only after a, ê, i", "x": "no vowel", "tỉẻ": "two tones",
}


@pytest.mark.parametrize("word", VALID)
def test_real_syllables_are_well_formed(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word,why", sorted(INVALID.items()))
def test_ill_formed_syllables_are_refused(word: str, why: str) -> None:
    assert not is_syllable(word), why


def test_decomposed_input_is_judged_like_composed() -> None:
    for word in ("người", "Đảng", "quyết", "khuỷu"):
        assert is_syllable(unicodedata.normalize("NFD", word))


def test_tone_mark_on_a_consonant_is_refused() -> None:
    assert not is_syllable("ng\u0301a")  # acute on g


def test_every_word_of_the_sample_texts_is_a_syllable_or_an_abbreviation() -> None:
    words = re.findall(r"[^\W\d_]+", " ".join(HISTORY + BULLETIN))
    assert [w for w in words if not is_syllable(w) and not is_abbreviation(w)] == []
    assert is_abbreviation("TW") and is_abbreviation("HĐND") and is_abbreviation("XV")
    assert not is_abbreviation("ĐẢNG")  # a syllable in capitals is judged as a syllable


def test_syllable_share_separates_text_from_garbage() -> None:
    clean, judged = syllable_share(HISTORY[0])
    assert clean == 1.0 and judged > 50
    garbage, _ = syllable_share("Tlie qnick brovvn f0x jumpz ovcr tbe lazv dog wlth rn")
    assert garbage is not None and garbage < 0.5
    assert syllable_share("123 4,5 - 1930") == (None, 0)


def test_assess_flags_low_confidence_few_tokens_and_non_syllables() -> None:
    good = [(w, 93.0) for w in HISTORY[1].split()]
    page = assess(good)
    assert not page.needs_review and page.reasons == [] and page.mean_confidence == 93.0
    assert page.tokens == len(good)

    faint = assess([(w, 55.0) for w in HISTORY[1].split()])
    assert faint.needs_review and faint.reasons[0].startswith("confidence 55.0")

    garbled = assess([(w, 90.0) for w in "Tlie qnick brovvn fox jumpz ovcr tbe lazv dog".split() * 3])
    assert garbled.needs_review and any(r.startswith("syllables") for r in garbled.reasons)

    short = assess([("Đảng", 96.0), ("bộ", 95.0)])
    assert short.needs_review and short.reasons == ["tokens 2 < 10"]
    assert not assess([], blank=True).needs_review  # a blank page is not a page to check


def test_thresholds_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    words = [(w, 70.0) for w in HISTORY[2].split()]
    assert assess(words).needs_review
    assert not assess(words, ReviewThresholds(min_confidence=60)).needs_review
    monkeypatch.setenv("SOHOA_REVIEW_MIN_CONFIDENCE", "65")
    monkeypatch.setenv("SOHOA_REVIEW_MIN_TOKENS", "3")
    assert ReviewThresholds.from_env() == ReviewThresholds(min_confidence=65.0, min_tokens=3)
    assert not assess(words, ReviewThresholds.from_env()).needs_review
