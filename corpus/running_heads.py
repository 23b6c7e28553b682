"""Running heads and page numbers: the short lines at a page's top and bottom that repeat from
page to page, told apart from the text so that reading (``sohoa text``, search, audiobooks of an
archived document) skips them.

They stay in every page's OCR (text.txt, hOCR, ALTO: what was printed); only the reading text
leaves them out. A line counts when it is one of the first or last ``EDGE_LINES`` lines of its
page, short, and either a page number alone ("12", "- 12 -", "Trang 3/10", "XIV") or, with
its digits set aside, nearly the same as a line at the same edge of another page ("TẠP CHÍ NAM
PHONG - SỐ 12" over "TẠP CHÍ NAM PHONG - SỐ 13"; OCR may misread a letter or two). A line
printed once, however short, is text: a title, a signature, a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from sohoa.vietnamese import nfc

EDGE_LINES = 2  # at each edge: a running head and a rule or a date line under it
MAX_WORDS = 12  # a running head is a title and a number, not a sentence
SIMILAR = 0.8  # difflib ratio between two lines' shapes that makes them the same line misread
PAGE_NUMBER = re.compile(r"^[\s\-–—.|]*(?:(?:trang|page)\s*)?(?:\d{1,4}(?:\s*/\s*\d{1,4})?|[ivxlc]{1,7})[\s\-–—.|]*$",
                         re.IGNORECASE)


def _shape(line: str) -> str:
    """The line with its numbers set aside and case and spacing folded: what repeats."""
    return " ".join(re.sub(r"\d+", "#", line.casefold()).split())


def _edges(lines: list[str]) -> list[tuple[str, int]]:
    """(edge, index) of the non-blank lines within ``EDGE_LINES`` of the page's top or bottom."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    top = [("top", i) for i in filled[:EDGE_LINES]]
    return top + [("bottom", i) for i in filled[-EDGE_LINES:] if ("top", i) not in top]


def find_running_lines(pages: Sequence[str]) -> list[set[int]]:
    """For each page, the indexes (in ``text.splitlines()``) of its running heads and page numbers.

    A document of one page has neither: nothing repeats, and a lone number is as likely a
    document's own (a decree's number, a year) as a page's.
    """
    split = [nfc(text).splitlines() for text in pages]
    found: list[set[int]] = [set() for _ in split]
    if len(split) < 2:
        return found
    candidates = [(page, edge, index, _shape(lines[index]))
                  for page, lines in enumerate(split) for edge, index in _edges(lines)
                  if len(lines[index].split()) <= MAX_WORDS]
    for page, edge, index, shape in candidates:
        if PAGE_NUMBER.match(split[page][index]) or any(
                other != page and other_edge == edge and SequenceMatcher(None, shape, other_shape).ratio() >= SIMILAR
                for other, other_edge, _, other_shape in candidates):
            found[page].add(index)
    return found


def reading_texts(pages: Sequence[str]) -> list[str]:
    """Each page's text without its running heads and page numbers (blank lines at the edges trimmed)."""
    running = find_running_lines(pages)
    return ["\n".join(line for i, line in enumerate(nfc(text).splitlines()) if i not in skip).strip("\n")
            for text, skip in zip(pages, running)]
