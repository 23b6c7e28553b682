"""A bulletin into segments an engine speaks in one request, each knowing its printed sentence.

Printed sentences first, each turned into its read-aloud form, then clauses of that form, then clauses of at most ``limit`` characters (gTTS takes 100). Cuts prefer
punctuation, then conjunctions, then any space: never inside a word or a number, since numbers
are words by now. Every cut is an audible pause, so short clauses are packed together up to the
limit: fewer requests and fewer pauses than gTTS's own splitter, which cuts at every comma.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from tts.document import Bulletin


class Pause(str, Enum):
    """The pause after a segment; its length comes from the assembly settings."""

    clause = "clause"
    sentence = "sentence"
    paragraph = "paragraph"
    chapter = "chapter"


@dataclass(frozen=True)
class Segment:
    index: int
    chapter: int
    text: str  # what the engine speaks
    pause: Pause
    printed: str = ""  # the printed sentence this piece is read from (what captions show)
    sentence: int = 0  # that sentence's number: pieces of one sentence share it


_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+")
# Words a clause may start with: a cut before them sounds like a breath, not a stumble.
CONJUNCTIONS = frozenset(("và", "nhưng", "hoặc", "mà", "thì", "nên", "để", "nhằm", "trong", "của",
                          "với", "khi", "theo", "từ", "đến", "về", "cho", "tại", "bằng", "như", "còn"))
# Words that often open a predicate or a noun phrase: a weaker but acceptable place to breathe.
PHRASE_STARTS = frozenset(("là", "được", "đã", "sẽ", "đang", "cũng", "các", "những", "phải"))
SHORT = 20  # a piece shorter than this sounds clipped
PIECE = 8  # the cost of one more piece (a request and a pause): a bare-space cut costs more


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _cut_cost(before: str, after: str) -> int:
    """How much a cut between two words hurts: punctuation least, a bare space most."""
    if before[-1] in ";:":
        return 0
    if before[-1] == ",":
        return 1
    if after.lower() in CONJUNCTIONS:
        return 3
    if after.lower() in PHRASE_STARTS:
        return 6
    return 20  # between two syllables, perhaps of one word ("lan | tỏa")


def clauses(sentence: str, limit: int = 100) -> list[str]:
    """``sentence`` in pieces of at most ``limit`` characters, cut where a reader would breathe.

    Dynamic programming over the spaces: each piece costs (a request and a pause), each cut
    costs by where it falls; ties go to the most even lengths. A cut between two bare syllables
    costs more than an extra piece, because it may split a word ("lan tỏa"). A single word
    longer than ``limit`` stays whole.
    """
    words = sentence.split()
    if len(sentence) <= limit or len(words) < 2:
        return [" ".join(words)]
    n = len(words)
    # best[j]: (cost, longest piece, previous cut) for the first j words
    best: list[tuple[int, int, int] | None] = [None] * (n + 1)
    best[0] = (0, 0, -1)
    for j in range(1, n + 1):
        length = -1
        for i in range(j - 1, -1, -1):
            length += len(words[i]) + 1
            if length > limit and i < j - 1:
                break
            if best[i] is None:
                continue
            cost, longest, _ = best[i]
            cut = _cut_cost(words[j - 1], words[j]) if j < n else 0
            cost += PIECE + cut + (5 if length < SHORT else 0)
            candidate = (cost, max(longest, length), i)
            if best[j] is None or candidate[:2] < best[j][:2]:
                best[j] = candidate
    cuts, j = [], n
    while j > 0:
        i = best[j][2]
        cuts.append(" ".join(words[i:j]))
        j = i
    return cuts[::-1]


def segment(bulletin: Bulletin, limit: int = 100, intro: str | None = None,
            say: Callable[[str], str] = str.strip) -> list[Segment]:
    """Every segment of ``bulletin`` in reading order; headings open their chapters.

    ``bulletin`` is the printed text and ``say`` turns one printed sentence into its read-aloud
    form, so every segment keeps the sentence a reader sees. ``intro`` (series, issue, date,
    title) stands in for a first chapter title that only repeats the bulletin's title: the
    title is spoken once.
    """
    out: list[Segment] = []
    sentence_no = 0
    for number, chapter in enumerate(bulletin.chapters):
        blocks = [chapter.title, *chapter.paragraphs]
        if number == 0 and intro:
            blocks[:1] = [intro] if chapter.title == bulletin.title else [intro, chapter.title]
        for b, block in enumerate(blocks):
            written = sentences(block)
            for s, printed in enumerate(written):
                parts = [part for spoken in sentences(say(printed)) for part in clauses(spoken, limit)]
                for p, part in enumerate(parts):
                    pause = Pause.clause
                    if p == len(parts) - 1:
                        pause = Pause.sentence
                        if s == len(written) - 1:
                            pause = Pause.chapter if b == len(blocks) - 1 else Pause.paragraph
                    out.append(Segment(len(out), number, part, pause, printed, sentence_no))
                sentence_no += 1
    return out
