"""Where a query's words are in a page's text: one regular expression per query, run on the text
as it is (no folding of the page, no list of its syllables).

Each folded letter of a target becomes the class of every letter that folds to it ("a" matches
"à", "ẫ", "Ặ"…; "d" matches "đ"), so "lich su" finds "Lịch sử" with any tone placement. Syllables
of a phrase may be separated by anything that is not a letter, as in the index. A fuzzy target
(one edit, like the index's FuzzyTerm) becomes its one-edit spellings, with a wildcard letter.
Matching runs from every syllable start (a lookahead), so overlapping targets are all found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from search_index.analysis import SYLLABLE
from search_index.query import FUZZY_MIN
from sohoa.vietnamese import fold

LETTER = r"[^\W_]"  # what search_index.analysis.SYLLABLE is made of
GAP = r"[\W_]+"


@dataclass(frozen=True)
class Target:
    """A word or phrase of a query, folded; fuzzy: one edit away also counts."""

    folded: tuple[str, ...]
    fuzzy: bool

    @property
    def is_fuzzy(self) -> bool:
        return self.fuzzy and len(self.folded) == 1 and len(self.folded[0]) >= FUZZY_MIN


def _variants() -> dict[str, str]:
    """Folded lowercase letter → every letter that folds to it, both cases."""
    variants: dict[str, str] = {}
    for code in range(0x41, 0x1EFA):
        char = chr(code)
        base = fold(char).lower()
        if len(base) == 1 and base.isalpha() and base != char:
            variants[base] = variants.get(base, base) + char
    return variants


_VARIANTS = _variants()


def _letter(char: str | None) -> str:
    if char is None:
        return LETTER
    return "[" + re.escape(_VARIANTS.get(char, char + char.upper())) + "]"


def _spelled(letters: list[str | None]) -> str:
    return "".join(_letter(c) for c in letters)


def one_edit_spellings(word: str) -> list[list[str | None]]:
    """``word`` and every spelling one substitution, insertion or deletion away (None: any letter)."""
    letters: list[str | None] = list(word)
    spellings = [letters]
    for i in range(len(letters)):
        spellings.append(letters[:i] + [None] + letters[i + 1:])
        spellings.append(letters[:i] + letters[i + 1:])
    spellings += [letters[:i] + [None] + letters[i:] for i in range(len(letters) + 1)]
    return [s for s in spellings if s]


@lru_cache(maxsize=512)
def hit_pattern(targets: tuple[Target, ...]) -> re.Pattern[str] | None:
    """A pattern whose group 1 is a hit starting at a syllable."""
    alternatives: list[str] = []
    for target in targets:
        if target.is_fuzzy:
            alternatives += [_spelled(s) for s in one_edit_spellings(target.folded[0])]
        else:
            alternatives.append(GAP.join(_spelled(list(s)) for s in target.folded))
    if not alternatives:
        return None
    # Longest first: where a phrase and one of its words start together, the phrase is reported.
    alternatives.sort(key=len, reverse=True)
    return re.compile(rf"(?<!{LETTER})(?=((?:{'|'.join(alternatives)})(?!{LETTER})))")


def hit_starts(text: str, targets: tuple[Target, ...]) -> set[int]:
    """Where each hit syllable of ``text`` starts."""
    pattern = hit_pattern(targets)
    starts: set[int] = set()
    for found in pattern.finditer(text) if pattern else ():
        begin, end = found.span(1)
        starts.update(m.start() for m in SYLLABLE.finditer(text, begin, end))
    return starts
