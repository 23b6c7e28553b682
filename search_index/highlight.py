"""Which syllables of a page a query hit, as an HTML snippet and as word boxes on the page image.

Backend-neutral on purpose: both engines index the same terms, so one matcher over the page text
(and over the OCR words) marks exactly what the index matched — folded, so "lich su" marks
"lịch sử" — and the two backends highlight alike.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from itertools import islice

from corpus.models import Word
from search_index.analysis import SYLLABLE, fold_syllable
from search_index.hits import Target, hit_starts
from search_index.models import Box
from search_index.query import AllOf, AnyOf, Node, Not, Words
from sohoa.vietnamese import nfc

WINDOW = 40  # syllables in a snippet
CONTEXT = 3  # syllables shown before the first hit
AVERAGE_SYLLABLE = 5  # characters, with the space after it
LONGEST_SYLLABLE = 12  # characters, with punctuation after it: bounds how far back to look


def targets(node: Node | None, fuzzy: bool = False) -> list[Target]:
    """The positive words and phrases of a query (what a hit can show), folded."""
    if isinstance(node, Words):
        return [Target(tuple(fold_syllable(t) for t in node.terms), node.fuzzy or fuzzy)]
    if isinstance(node, (AllOf, AnyOf)):
        return [t for part in node.parts for t in targets(part, fuzzy)]
    return []  # Not, filters: nothing to show


def snippet(text: str, wanted: list[Target], window: int = WINDOW) -> str:
    """An HTML-escaped stretch of ``window`` syllables of ``text`` around its densest hits, hits in <mark>."""
    text = nfc(text)
    hits = hit_starts(text, tuple(wanted))
    spans = _window(text, sorted(hits), window)
    if not spans:
        return html.escape(text[:200])
    out = ["…" if spans[0][0] > 0 and SYLLABLE.search(text, 0, spans[0][0]) else ""]
    pos = spans[0][0]
    open_mark = False
    for s, e in spans:
        gap = text[pos:s]
        if open_mark and (s not in hits or gap.strip()):
            out.append("</mark>")
            open_mark = False
        out.append(html.escape(gap))
        if s in hits and not open_mark:
            out.append("<mark>")
            open_mark = True
        out.append(html.escape(text[s:e]))
        pos = e
    if open_mark:
        out.append("</mark>")
    out.append("…" if SYLLABLE.search(text, pos) else html.escape(text[pos:].rstrip()))
    return "".join(out)


def _window(text: str, hits: list[int], window: int) -> list[tuple[int, int]]:
    """(start, end) of the ``window`` syllables to show: a few before the densest run of hits,
    or the last ``window`` of the page when the run is near its end."""
    begin = 0
    if hits:
        first = _densest(hits, window * AVERAGE_SYLLABLE)
        looked_from = _syllable_start(text, first - LONGEST_SYLLABLE * CONTEXT)
        before = [m.start() for m in SYLLABLE.finditer(text, looked_from, first)]
        begin = before[-CONTEXT] if len(before) >= CONTEXT else looked_from
    spans = [m.span() for m in islice(SYLLABLE.finditer(text, begin), window)]
    if len(spans) < window and begin > 0:  # near the end: show the page's last syllables
        tail = _syllable_start(text, len(text) - window * LONGEST_SYLLABLE)
        spans = [m.span() for m in SYLLABLE.finditer(text, tail)][-window:]
    return spans


def _syllable_start(text: str, pos: int) -> int:
    """``pos``, moved back to the start of the syllable it falls in (0 at most)."""
    pos = max(0, pos)
    while pos > 0 and SYLLABLE.match(text, pos - 1):
        pos -= 1
    return pos


def _densest(hits: list[int], width: int) -> int:
    """The first hit of the stretch ``width`` characters wide holding the most hits."""
    best, best_count, j = hits[0], 0, 0
    for i, h in enumerate(hits):
        while hits[j] < h - width + 1:
            j += 1
        if i - j + 1 > best_count:
            best, best_count = hits[j], i - j + 1
    return best


def boxes(words: list[Word], wanted: list[Target]) -> list[Box]:
    """The OCR words that contain a hit, with their boxes on the page image."""
    starts, at = [], 0
    for word in words:  # the words joined by spaces, as the page's text reads
        starts.append(at)
        at += len(nfc(word.text)) + 1
    hits = hit_starts(" ".join(nfc(w.text) for w in words), tuple(wanted))
    hit_words = sorted({bisect_right(starts, h) - 1 for h in hits})
    return [Box(words[i].text, words[i].left, words[i].top, words[i].width, words[i].height) for i in hit_words]
