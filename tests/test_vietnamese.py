"""Vietnamese text primitives: NFC, folding (đ included) and one canonical tone placement."""

import unicodedata

import pytest

from sohoa.vietnamese import canonical_tones, fold, has_diacritics, nfc, split_tone


def test_nfd_input_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "lịch sử đảng bộ")
    assert decomposed != "lịch sử đảng bộ"
    assert nfc(decomposed) == "lịch sử đảng bộ"


def test_fold_removes_every_mark_including_d_stroke():
    assert fold("Đảng bộ xã Đông Hạ") == "Dang bo xa Dong Ha"
    assert fold(unicodedata.normalize("NFD", "người")) == "nguoi"


def test_has_diacritics():
    assert has_diacritics("đ")
    assert has_diacritics("lịch sử")
    assert not has_diacritics("lich su dang bo")


@pytest.mark.parametrize("variant, canonical", [
    ("hoà", "hòa"), ("hòa", "hòa"), ("thuý", "thúy"), ("HOÀ", "HÒA"), ("khoẻ", "khỏe"),
    ("quý", "quý"), ("già", "già"), ("giường", "giường"), ("người", "người"), ("ngoài", "ngoài"),
    ("khuỷu", "khuỷu"), ("hoàng", "hoàng"), ("quyết", "quyết"), ("tiến", "tiến"),
])
def test_canonical_tone_placement(variant, canonical):
    assert canonical_tones(variant) == canonical


def test_canonical_tones_keeps_text_around_syllables():
    assert canonical_tones("Hoà bình, thuý!") == "Hòa bình, thúy!"


def test_split_tone():
    assert split_tone("đảng") == ("đang", "\u0309")
    assert split_tone("dân") == ("dân", "")
