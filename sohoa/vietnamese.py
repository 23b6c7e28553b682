"""Vietnamese text primitives shared by OCR, search and speech.

Everything that enters or leaves sohoa goes through :func:`nfc`. Tone marks are the five
combining marks below; vowel marks (circumflex, breve, horn) are part of the letter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = {
    "\u0300": "huyền",  # grave
    "\u0301": "sắc",  # acute
    "\u0309": "hỏi",  # hook above
    "\u0303": "ngã",  # tilde
    "\u0323": "nặng",  # dot below
}
VOWELS = frozenset("aăâeêioôơuưy")
# Vowels carrying a shape mark: the tone goes on them ("tiến", "người", "thuở").
MARKED_VOWELS = frozenset("ăâêôơư")

_WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    """Compose text to NFC, the one form sohoa stores and compares."""
    return unicodedata.normalize("NFC", text)


def _fold_char(char: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


# "đ" has no decomposition, so stripping combining marks leaves it alone: fold it explicitly.
_FOLD_TABLE = {cp: _fold_char(chr(cp)) for cp in range(0xC0, 0x1EFA) if _fold_char(chr(cp)) != chr(cp)}
_FOLD_TABLE.update({ord("đ"): "d", ord("Đ"): "D"})


def fold(text: str) -> str:
    """Remove every diacritic: tone and vowel marks, and đ → d ("Đảng" → "Dang")."""
    return nfc(text).translate(_FOLD_TABLE)


def has_diacritics(text: str) -> bool:
    """True when any letter of ``text`` carries a Vietnamese mark (or is đ)."""
    return fold(text) != nfc(text)


def split_tone(syllable: str) -> tuple[str, str]:
    """Split a syllable into its toneless spelling and its tone mark ('' for level tone).

    A syllable with more than one tone mark is returned unchanged with tone ''.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) != 1:
        return nfc(syllable), ""
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    return nfc(base), tones[0]


def tone_position(base: str) -> int | None:
    """Index in ``base`` (toneless, NFC) of the vowel that carries the tone, or None."""
    lower = base.lower()
    positions = [i for i, c in enumerate(lower) if c in VOWELS]
    if not positions:
        return None
    # "qu" and "gi" + vowel: the u / i belong to the onset, not the nucleus.
    start = positions[0]
    if len(positions) > 1 and (
        (lower[start] == "u" and start > 0 and lower[start - 1] == "q")
        or (lower[start] == "i" and start > 0 and lower[start - 1] == "g")
    ):
        positions = positions[1:]
    marked = [i for i in positions if lower[i] in MARKED_VOWELS]
    if marked:
        return marked[-1]
    has_coda = positions[-1] < len(lower) - 1
    if len(positions) == 1 or has_coda:
        return positions[-1]
    # Open syllables: the first of two vowels ("mía", "hòa", "thúy": the placement sohoa keeps,
    # onto which "hoà" and "thuý" are folded), the middle of three ("ngoài", "khuỷu").
    return positions[0] if len(positions) == 2 else positions[1]


def place_tone(base: str, tone: str) -> str:
    """Put ``tone`` (a combining mark, or '') on the vowel where sohoa's spelling keeps it."""
    if not tone:
        return base
    index = tone_position(base)
    if index is None:
        return base
    return nfc(base[:index] + unicodedata.normalize("NFD", base[index]) + tone + base[index + 1 :])


@lru_cache(maxsize=65536)
def canonical_syllable(word: str) -> str:
    base, tone = split_tone(word)
    if not tone or not base.isalpha():
        return nfc(word)
    return place_tone(base, tone)


def canonical_tones(text: str) -> str:
    """NFC text with every syllable's tone on one canonical vowel ("hoà" → "hòa", "thuý" → "thúy")."""
    return _WORD.sub(lambda m: canonical_syllable(m.group()), nfc(text))
