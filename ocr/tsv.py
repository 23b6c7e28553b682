"""Tesseract's TSV, read once: the words, the plain text and the ALTO XML of a page all come from it.

Tesseract can write text, TSV and ALTO itself, but each renderer walks the page's results again
(text +2 %, ALTO +4 % of a page's CPU, measured in bench/HISTORY.md). Its TSV holds the whole layout
(page, blocks, paragraphs, lines, words with boxes and float confidences), so sohoa asks for the
TSV only and derives the rest here (the hOCR in ``ocr.hocr``), in a few milliseconds. The text
is laid out as Tesseract's own text renderer lays it out (tests/test_ocr_tsv.py compares them);
the ALTO keeps Tesseract's structure (ComposedBlock per block, TextBlock per paragraph) and
writes each word's confidence as a two-digit fraction, truncated as Tesseract truncates it, but
without Tesseract 5.3's bug (it writes WC="0.<int>", so a confidence of 5 came out as "0.5" and
100 as "0.100").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from corpus.archive import PAGE_IMAGE
from corpus.models import Word
from sohoa.vietnamese import nfc

WORD_LEVEL = 5


@dataclass(frozen=True)
class Row:
    """One TSV row: a page (level 1), block (2), paragraph (3), line (4) or word (5)."""

    level: int
    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int
    confidence: float
    text: str

    @property
    def box(self) -> str:
        return f'HPOS="{self.left}" VPOS="{self.top}" WIDTH="{self.width}" HEIGHT="{self.height}"'


@dataclass(frozen=True)
class PageTable:
    """A page's TSV: its size, and its block, paragraph and line rows with the words that have text,
    in reading order."""

    width: int
    height: int
    rows: list[Row]  # every block, paragraph and line row, and the words that have text
    pictures: frozenset[int] = frozenset()  # blocks whose every word is blank: Tesseract's image or rule regions

    @property
    def word_rows(self) -> list[Row]:
        return [r for r in self.rows if r.level == WORD_LEVEL]


def read_tsv(tsv: str) -> PageTable:
    """Parse Tesseract's TSV (columns: level page block par line word left top width height conf text)."""
    rows: list[Row] = []
    width = height = 0
    blank: dict[int, bool] = {}  # block: every word so far blank
    for line in tsv.split("\n")[1:]:  # plain splitting: csv.DictReader cost ~25 ms on a 600-word page
        cells = line.split("\t")
        if len(cells) < 12:
            continue
        level = int(cells[0])
        left, top, w, h = int(cells[6]), int(cells[7]), int(cells[8]), int(cells[9])
        if level == 1:
            width, height = w, h
            continue
        text = nfc(cells[11].strip())
        block = int(cells[2])
        if level == WORD_LEVEL:
            blank[block] = blank.get(block, True) and not text
            if not text:
                continue
        rows.append(Row(level, block, int(cells[3]), int(cells[4]), left, top, w, h, max(0.0, float(cells[10])), text))
    return PageTable(width, height, rows, frozenset(b for b, empty in blank.items() if empty))


def words_of(table: PageTable) -> list[Word]:
    """The page's words with boxes and confidences (0-100), numbered by line in reading order."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for r in table.word_rows:
        line = line_ids.setdefault((r.block, r.par, r.line), len(line_ids) + 1)
        words.append(Word(text=r.text, left=r.left, top=r.top, width=r.width, height=r.height,
                          confidence=r.confidence, line=line))
    return words


def text_of(table: PageTable) -> str:
    """The page's text as Tesseract's text renderer writes it (stripped): words joined by a space,
    a line break after each line, a blank line after each paragraph."""
    paragraphs = groupby(table.word_rows, key=lambda r: (r.block, r.par))
    return "".join(
        "".join(" ".join(w.text for w in line) + "\n" for _, line in groupby(words, key=lambda r: r.line)) + "\n"
        for _, words in paragraphs
    ).strip()


def bcp47(language: str) -> str | None:
    """Tesseract's language as a BCP 47 tag (xml:lang, ALTO LANG, hOCR lang), or None when several read the page."""
    if "+" in language:
        return None
    return _BCP47.get(language, language)


_BCP47 = {"vie": "vi", "Vietnamese": "vi", "eng": "en", "fra": "fr", "chi_sim": "zh-Hans", "chi_tra": "zh-Hant"}


def alto_of(table: PageTable, software: str, *, page_no: int = 1, image: str = PAGE_IMAGE, language: str = "vie") -> str:
    """ALTO 3.0 XML of page ``page_no``, in Tesseract's layout: ComposedBlock > TextBlock > TextLine >
    String, SP. Its coordinates are the pixels of ``image``, which it names; its text blocks carry
    the language when a single one read the page."""
    lang = f' LANG="{tag}"' if (tag := bcp47(language)) else ""
    out = [_ALTO_HEAD.format(software=escape(software), image=escape(image)),
           f'\t\t<Page WIDTH="{table.width}" HEIGHT="{table.height}" PHYSICAL_IMG_NR="{page_no}" ID="page_{page_no}">\n'
           f'\t\t\t<PrintSpace HPOS="0" VPOS="0" WIDTH="{table.width}" HEIGHT="{table.height}">\n']
    ids = {2: 0, 3: 0, 4: 0, WORD_LEVEL: 0}
    open_levels: list[int] = []
    previous: Row | None = None
    lines_with_words = {(r.block, r.par, r.line) for r in table.word_rows}
    for row in table.rows:
        if row.level != WORD_LEVEL and previous is not None and previous.level == WORD_LEVEL:
            out.append("\n")
        while open_levels and open_levels[-1] >= row.level:
            out.append(_close(open_levels.pop()))
        if row.level == 4 and (row.block, row.par, row.line) not in lines_with_words:
            ids[4] += 1  # a line of a picture block: ALTO has no empty TextLine (numbered as Tesseract does)
            previous = row
            continue
        if row.level == WORD_LEVEL:
            if previous is not None and previous.level == WORD_LEVEL:
                right = previous.left + previous.width
                out.append(f'<SP WIDTH="{row.left - right}" VPOS="{previous.top}" HPOS="{right}"/>\n')
            out.append(f'\t\t\t\t\t\t\t<String ID="string_{ids[WORD_LEVEL]}" {row.box} '
                       f'WC="{int(row.confidence) / 100:.2f}" CONTENT={quoteattr(row.text)}/>')
        else:
            name, prefix = _ELEMENTS[row.level]
            extra = lang if row.level == 3 else ""
            out.append(f'{_indent(row.level)}<{name} ID="{prefix}_{ids[row.level]}" {row.box}{extra}>\n')
            open_levels.append(row.level)
        ids[row.level] += 1
        previous = row
    if previous is not None and previous.level == WORD_LEVEL:
        out.append("\n")
    out.extend(_close(level) for level in reversed(open_levels))
    out.append("\t\t\t</PrintSpace>\n\t\t</Page>\n\t</Layout>\n</alto>\n")
    return "".join(out)


_ELEMENTS = {2: ("ComposedBlock", "cblock"), 3: ("TextBlock", "block"), 4: ("TextLine", "line")}


def _indent(level: int) -> str:
    return "\t" * (level + 2)


def _close(level: int) -> str:
    return f"{_indent(level)}</{_ELEMENTS[level][0]}>\n"


_ALTO_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#" xmlns:xlink="http://www.w3.org/1999/xlink" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.loc.gov/standards/alto/ns-v3# http://www.loc.gov/alto/v3/alto-3-0.xsd">
\t<Description>
\t\t<MeasurementUnit>pixel</MeasurementUnit>
\t\t<sourceImageInformation>
\t\t\t<fileName>{image}</fileName>
\t\t</sourceImageInformation>
\t\t<OCRProcessing ID="OCR_0">
\t\t\t<ocrProcessingStep>
\t\t\t\t<processingSoftware>
\t\t\t\t\t<softwareName>{software}</softwareName>
\t\t\t\t</processingSoftware>
\t\t\t</ocrProcessingStep>
\t\t</OCRProcessing>
\t</Description>
\t<Layout>
"""
