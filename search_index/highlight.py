"""Which syllables of a page a query hit, as an HTML snippet and as word boxes on the page image.

Backend-neutral on purpose: both engines index the same terms, so one matcher over the page text
(and over the OCR words) marks exactly what the index matched — folded, so "lich su" marks
"lịch sử" — and the two backends highlight alike.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from itertools import islice
from dataclasses import dataclass

from corpus.models import Word
from search_index.analysis import SYLLABLE, fold_syllable, syllables
from sohoa.vietnamese import fold
from search_index.models import Box
from search_index.query import AllOf, AnyOf, Node, Not, Words

WINDOW = 40  # syllables in a snippet
FUZZY_MIN = 4


@dataclass(frozen=True)
class Target:
    folded: tuple[str, ...]
    fuzzy: bool


def targets(node: Node | None, fuzzy: bool = False) -> list[Target]:
    """The positive words and phrases of a query (what a hit can show), folded."""
    if isinstance(node, Words):
        return [Target(tuple(fold_syllable(t) for t in node.terms), node.fuzzy or fuzzy)]
    if isinstance(node, (AllOf, AnyOf)):
        return [t for part in node.parts for t in targets(part, fuzzy)]
    return []  # Not, filters: nothing to show


def within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


def marked(folded: Sequence[str], wanted: list[Target]) -> set[int]:
    """Indexes of the syllables in ``folded`` that belong to a hit."""
    hits: set[int] = set()
    for target in wanted:
        first, n = target.folded[0], len(target.folded)
        if n == 1 and target.fuzzy and len(first) >= FUZZY_MIN:
            hits.update(i for i, term in enumerate(folded) if within_one_edit(term, first))
            continue
        for i in [i for i, term in enumerate(folded) if term == first]:  # a C-speed scan, then check
            if n == 1 or tuple(folded[i:i + n]) == target.folded:
                hits.update(range(i, i + n))
    return hits


def snippet(text: str, wanted: list[Target], window: int = WINDOW) -> str:
    """An HTML-escaped stretch of ``text`` around its densest hits, hits in <mark>."""
    terms, spans_from = folded_syllables(text)
    if not terms:
        return html.escape(text[:200])
    hits = marked(terms, wanted)
    start = _densest(sorted(hits), len(terms), window)
    end = min(len(terms), start + window)
    spans = list(islice(spans_from, start, end))  # positions only for the syllables shown
    out = ["…" if start > 0 else ""]
    pos = spans[0][0]
    open_mark = False
    for i, (s, e) in enumerate(spans, start):
        gap = text[pos:s]
        if open_mark and (i not in hits or gap.strip()):
            out.append("</mark>")
            open_mark = False
        out.append(html.escape(gap))
        if i in hits and not open_mark:
            out.append("<mark>")
            open_mark = True
        out.append(html.escape(text[s:e]))
        pos = e
    if open_mark:
        out.append("</mark>")
    out.append("…" if end < len(terms) else html.escape(text[pos:].rstrip()))
    return "".join(out)


def folded_syllables(text: str) -> tuple[list[str], Iterator[tuple[int, int]]]:
    """Each syllable of ``text`` folded, and a lazy iterator of their (start, end) in ``text``.

    Folding drops tone marks, so where a tone sits no longer matters and the costly per-syllable
    canonicalisation can be skipped: one C-level translate and one C-level findall for the page.
    """
    folded = fold(text).lower()
    if len(folded) != len(text):  # a character whose lowercase is longer: go syllable by syllable
        found = list(SYLLABLE.finditer(text))
        return [fold_syllable(m.group().lower()) for m in found], (m.span() for m in found)
    return SYLLABLE.findall(folded), (m.span() for m in SYLLABLE.finditer(folded))


def _densest(hits: list[int], total: int, window: int) -> int:
    """Start of the window holding the most hits (a little context before the first)."""
    if not hits:
        return 0
    best, best_count, j = hits[0], 0, 0
    for i, h in enumerate(hits):
        while hits[j] < h - window + 1:
            j += 1
        if i - j + 1 > best_count:
            best, best_count = hits[j], i - j + 1
    return max(0, min(best - 3, total - window))


def boxes(words: list[Word], wanted: list[Target]) -> list[Box]:
    """The OCR words that contain a hit, with their boxes on the page image."""
    owner: list[int] = []
    folded: list[str] = []
    for index, word in enumerate(words):
        for term in syllables(word.text):
            owner.append(index)
            folded.append(fold_syllable(term))
    hit_words = sorted({owner[i] for i in marked(folded, wanted)})
    return [Box(words[i].text, words[i].left, words[i].top, words[i].width, words[i].height) for i in hit_words]
