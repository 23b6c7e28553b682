"""How text becomes index terms: the one analysis both backends and the highlighter share.

NFC → one canonical tone placement → lowercase → syllables (runs of letters and digits).
No stop list: "an" (Long An), "ở", "ý" are real words here. Each page yields three term lists:

* ``exact``   syllables with their diacritics ("đảng")
* ``folded``  the same with every mark removed and đ → d ("dang"): for queries typed without marks
* ``pairs``   adjacent folded syllables joined by "_" ("lich_su"): phrases become term look-ups,
  which is what makes Whoosh phrase queries fast (its positional phrase matching is pure Python)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sohoa.vietnamese import canonical_syllable, fold, nfc

# Letters and digits; "_" is excluded because it joins pair terms.
SYLLABLE = re.compile(r"[^\W_]+")
PAIR_JOINER = "_"
MAX_TERM = 40  # characters; OCR garbage can glue a line into one "word"


@lru_cache(maxsize=131072)
def normalize_syllable(word: str) -> str:
    """One syllable as the index stores it: canonical tone, lowercase ("Hoà" → "hòa")."""
    return canonical_syllable(word[:MAX_TERM].lower())


@lru_cache(maxsize=131072)
def fold_syllable(syllable: str) -> str:
    return fold(syllable)


def syllables(text: str) -> list[str]:
    """The exact index terms of ``text``, in order."""
    return [normalize_syllable(w) for w in SYLLABLE.findall(nfc(text))]


def pairs(terms: list[str]) -> list[str]:
    return [f"{a}{PAIR_JOINER}{b}" for a, b in zip(terms, terms[1:])]


@dataclass(frozen=True)
class Analyzed:
    exact: list[str]
    folded: list[str]
    pairs: list[str]


def analyze(text: str) -> Analyzed:
    exact = syllables(text)
    folded = [fold_syllable(t) for t in exact]
    return Analyzed(exact=exact, folded=folded, pairs=pairs(folded))
