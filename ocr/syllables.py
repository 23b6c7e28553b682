"""Is a token a well-formed Vietnamese syllable? Decided by the grammar, not by a word list.

A syllable is onset + rime + tone; the rime is an optional medial /w/, a nucleus and an optional
coda. The spelling rules on top of the sounds:

- /k/ is "k" before i, y, e, ê (and iê), "qu" with the medial, "c" elsewhere; /ɣ/ and /ŋ/ are
  "gh" and "ngh" before i, e, ê and "g", "ng" elsewhere; "gi" + i writes one i ("gì", "giếng").
- The medial is written "o" before a, ă, e and "u" before â, ê, y, ơ, yê; labial onsets
  (b, m, p, ph, v) take no medial.
- The diphthongs iê, uô, ươ are written ia, ua, ưa when open; iê is yê after no onset or a medial.
- ă and â never end a syllable; nh and ch follow only a, ê, i (and the medial forms).
- A stop coda (p, t, c, ch) takes only the sắc or nặng tone.

Old and new tone placement ("hoà"/"hòa") are both accepted; so is y for open i ("lý"/"lí").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sohoa.vietnamese import TONE_MARKS, VOWELS, split_tone

ONSETS = ("ngh", "ng", "nh", "gh", "gi", "kh", "ph", "th", "tr", "ch", "qu",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
STOP_CODAS = ("p", "t", "c", "ch")
STOP_TONES = ("\u0301", "\u0323")  # sắc, nặng
FRONT = ("i", "y", "e", "ê")  # letters after which /k ɣ ŋ/ are spelled k, gh, ngh
LABIALS = ("b", "m", "p", "ph", "v")

# nucleus (as written before a coda, or open) → the codas it takes; "" = open syllable.
_PLAIN = {
    "a": ("", "i", "o", "y", "u", "m", "n", "ng", "nh", "p", "t", "c", "ch"),  # ay, au: short a
    "ă": ("m", "n", "ng", "p", "t", "c"),
    "â": ("m", "n", "ng", "p", "t", "c", "y", "u"),
    "e": ("", "o", "m", "n", "ng", "p", "t", "c"),
    "ê": ("", "u", "m", "n", "nh", "p", "t", "ch"),
    "i": ("", "u", "m", "n", "nh", "p", "t", "ch"),
    "y": ("",),
    "o": ("", "i", "m", "n", "ng", "p", "t", "c"),
    "oo": ("ng", "c"),  # long o of loans: xoong, boong, quân phục "cooc"
    "ô": ("", "i", "m", "n", "ng", "p", "t", "c"),
    "ơ": ("", "i", "m", "n", "p", "t"),
    "u": ("", "i", "m", "n", "ng", "p", "t", "c"),
    "ư": ("", "i", "u", "m", "n", "ng", "t", "c"),
    "ia": ("",), "iê": ("u", "m", "n", "ng", "p", "t", "c"),
    "ua": ("",), "uô": ("i", "m", "n", "ng", "t", "c"),
    "ưa": ("",), "ươ": ("i", "u", "m", "n", "ng", "p", "t", "c"),
}
# With the medial /w/ (written as the first letter).
_MEDIAL = {
    "oa": ("", "i", "y", "m", "n", "ng", "nh", "p", "t", "c", "ch"),
    "oă": ("m", "n", "ng", "t", "c"),
    "oe": ("", "o", "m", "n", "t"),
    "uâ": ("n", "ng", "t", "y"),
    "uê": ("", "n", "nh", "ch"),
    "uy": ("", "n", "nh", "t", "ch", "u"),
    "uơ": ("",),
    "uya": ("",), "uyê": ("n", "t"),
}
# iê after no onset (yên, yêu, yết).
_YE = {"yê": ("u", "m", "n", "ng", "t")}


def _spell(table: dict[str, tuple[str, ...]]) -> frozenset[str]:
    return frozenset(nucleus + coda for nucleus, codas in table.items() for coda in codas)


PLAIN_RIMES = _spell(_PLAIN)
MEDIAL_RIMES = _spell(_MEDIAL)
YE_RIMES = _spell(_YE)
# After "qu" the u is the medial already: the rest is a plain rime or a medial rime minus its u/o.
QU_RIMES = frozenset(r for r in PLAIN_RIMES if r[0] not in "uoư" or r.startswith("ô")) | frozenset(
    r[1:] for r in MEDIAL_RIMES if r[0] == "u") | YE_RIMES

_LETTERS = re.compile(r"^[a-zăâđêôơư]+$")


def _onset_allows(onset: str, rime: str) -> bool:
    """The spelling rules tying the onset's letters to the rime's first letter."""
    front = rime.startswith(FRONT)
    if onset in ("k", "gh", "ngh"):
        return front and rime not in MEDIAL_RIMES
    if onset in ("c", "g", "ng"):
        return not front and not (onset == "c" and rime in MEDIAL_RIMES)
    if onset == "qu":
        return rime in QU_RIMES
    if onset in LABIALS and rime in MEDIAL_RIMES:
        return False
    return True


def _rime_ok(onset: str, rime: str) -> bool:
    if onset == "qu":
        return rime in QU_RIMES
    if rime in YE_RIMES:
        return onset == ""
    if onset == "" and rime.startswith("iê"):
        return False  # written yê: "yên", not "iên"
    return rime in PLAIN_RIMES or rime in MEDIAL_RIMES


def _parses(base: str) -> list[tuple[str, str]]:
    """Every (onset, rime) split of a toneless lowercase syllable the spelling allows."""
    found = []
    for onset in ONSETS:
        if not base.startswith(onset):
            continue
        rimes = [base[len(onset):]]
        if onset == "gi":
            rimes.append(base[1:])  # "gì", "giếng": the i of gi is also the nucleus
        found += [(onset, rime) for rime in rimes
                  if rime and _rime_ok(onset, rime) and _onset_allows(onset, rime)]
    return found


def _tone_on_vowel(word: str) -> bool:
    """The tone mark (if any) sits on a vowel letter, and there is at most one."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    marks = [i for i, c in enumerate(decomposed) if c in TONE_MARKS]
    if len(marks) > 1:
        return False
    if not marks:
        return True
    # the base letter is the nearest preceding non-combining character
    i = marks[0] - 1
    while i >= 0 and unicodedata.combining(decomposed[i]):
        i -= 1
    return i >= 0 and decomposed[i] in VOWELS | {"a", "e", "o", "u"}


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when ``word`` (any case, NFC or NFD) is a well-formed Vietnamese syllable."""
    if not word or not _tone_on_vowel(word):
        return False
    base, tone = split_tone(word.lower())
    if not _LETTERS.match(base):
        return False
    for _onset, rime in _parses(base):
        if rime.endswith(STOP_CODAS) and not rime.endswith(("nh", "ng")) and tone not in STOP_TONES:
            continue
        return True
    return False


def is_abbreviation(token: str) -> bool:
    """Upper-case initialisms and Roman numerals (TW, NQ, HĐND, XV): neither syllable nor error."""
    return 2 <= len(token) <= 5 and token.isupper() and not is_syllable(token)
