"""A corrected page's layout: its words re-placed on the old boxes, and its files written again.

A correction changes text, not the page image, so every word keeps its box where the words still
align (the same word, or a word in the same place with other diacritics: "chinh" → "chỉnh");
where an editor split, joined, added or removed words, the new words share the old words' span
(or the gap they were typed into) by character count. From those words, the same writers as the
OCR (``ocr.tsv``, ``ocr.hocr``, ``ocr.textlayer``) make the text, ALTO, hOCR and the PDF layer.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher
from itertools import groupby

from corpus.models import Word
from ocr.hocr import hocr_of
from ocr.textlayer import text_layer_pdf
from ocr.tsv import WORD_LEVEL, PageTable, Row, alto_of, text_of, words_of
from sohoa.vietnamese import canonical_tones, fold, nfc

EDITED_CONFIDENCE = 100.0  # a word an editor typed has been read by a person


def clean_line(text: str) -> str:
    """An editor's line as stored: NFC, one tone placement, single spaces."""
    return " ".join(canonical_tones(nfc(text)).split())


def realign(old: list[Word], text: str, line: int) -> list[Word]:
    """The words of ``text`` with boxes taken from ``old`` (the line's words before the edit)."""
    tokens = clean_line(text).split()
    if not old:
        return []
    matcher = SequenceMatcher(a=[fold(w.text).lower() for w in old], b=[fold(t).lower() for t in tokens],
                              autojunk=False)
    out: list[Word] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out += [replace(w, text=t, line=line, confidence=w.confidence if w.text == t else EDITED_CONFIDENCE)
                    for w, t in zip(old[i1:i2], tokens[j1:j2])]
        elif j2 > j1:
            out += _spread(tokens[j1:j2], _span(old, i1, i2), line)
    return out


def _span(old: list[Word], i1: int, i2: int) -> tuple[int, int, int, int]:
    """Left, top, width, height of the replaced words, or of the gap where words were inserted."""
    if i2 > i1:
        words = old[i1:i2]
        left, right = min(w.left for w in words), max(w.left + w.width for w in words)
    else:
        words = old[max(i1 - 1, 0):i1 + 1]
        left = old[i1 - 1].left + old[i1 - 1].width if i1 > 0 else old[0].left
        right = old[i1].left if i1 < len(old) else old[-1].left + old[-1].width
        if right - left < 4:  # no gap to speak of: share the neighbouring word's box
            neighbour = old[min(i1, len(old) - 1)]
            left, right = neighbour.left, neighbour.left + neighbour.width
    top, bottom = min(w.top for w in words), max(w.top + w.height for w in words)
    return left, top, right - left, bottom - top


def _spread(tokens: list[str], span: tuple[int, int, int, int], line: int) -> list[Word]:
    left, top, width, height = span
    total = sum(len(t) + 1 for t in tokens) - 1
    out, x = [], float(left)
    for token in tokens:
        share = width * len(token) / total
        out.append(Word(token, round(x), top, max(1, round(share)), height, EDITED_CONFIDENCE, line))
        x += share + width / total  # the space after it
    return out


def paragraphs_of(text: str, line_count: int) -> list[int]:
    """The paragraph of each line, read from a page's text (paragraphs are separated by a blank line,
    as ``ocr.tsv.text_of`` writes them); one paragraph when the text does not match the lines."""
    numbers, paragraph, blank = [], 1, False
    for row in text.split("\n"):
        if not row.strip():
            blank = True
            continue
        paragraph += bool(blank and numbers)
        blank = False
        numbers.append(paragraph)
    return numbers if len(numbers) == line_count else [1] * line_count


def table_of(words: list[Word], paragraphs: list[int], width: int, height: int) -> PageTable:
    """A page table (one block per paragraph) for the writers that Tesseract's TSV feeds."""
    rows: list[Row] = []
    by_line = [list(g) for _, g in groupby(sorted(words, key=lambda w: w.line), key=lambda w: w.line)]
    numbered = [(paragraphs[i] if i < len(paragraphs) else paragraphs[-1] if paragraphs else 1, line)
                for i, line in enumerate(by_line)]
    for block, group in groupby(numbered, key=lambda pair: pair[0]):
        lines = [line for _, line in group]
        flat = [w for line in lines for w in line]
        rows += [_box_row(2, block, 0, flat), _box_row(3, block, 1, flat)]
        for number, line in enumerate(lines, start=1):
            rows.append(_box_row(4, block, number, line))
            rows += [Row(WORD_LEVEL, block, 1, number, w.left, w.top, w.width, w.height, w.confidence, w.text)
                     for w in line]
    return PageTable(width, height, rows)


def _box_row(level: int, block: int, line: int, words: list[Word]) -> Row:
    left, top = min(w.left for w in words), min(w.top for w in words)
    right, bottom = max(w.left + w.width for w in words), max(w.top + w.height for w in words)
    return Row(level, block, 1 if level > 2 else 0, line, left, top, right - left, bottom - top, 0.0, "")


def page_files(table: PageTable, dpi: int, software: str, language: str = "vie") -> dict[str, str | bytes]:
    """Every derived text file of a page, as the OCR writes them, from a (corrected) page table."""
    from corpus.archive import PAGE_ALTO, PAGE_HOCR, PAGE_TEXT, PAGE_TEXT_LAYER, PAGE_WORDS, words_json

    return {PAGE_TEXT: text_of(table), PAGE_WORDS: words_json(words_of(table)),
            PAGE_HOCR: hocr_of(table, software=software, dpi=dpi, language=language),
            PAGE_ALTO: alto_of(table, software), PAGE_TEXT_LAYER: text_layer_pdf(table, dpi)}
