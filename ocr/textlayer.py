"""A page's invisible text layer, written straight into the original page, word by word.

Each word is drawn upright in the page as displayed: where preprocessing levelled a crooked
page (or a page has /Rotate), the word's box is carried back onto the original page and the word
is written along the nearest of the displayed page's axes, centred on where its ink is. One
rotation for a whole levelled layer would tilt every word by the skew; Poppler (pdftotext,
Evince, Okular) ends a word wherever the next glyph's baseline moves by over half a point, so a
tilted layer fell apart into fragments and reversed single letters. Upright words keep each
word whole, and a line's words, a fraction of a point apart from one to the next, still read as
one line in every reader (pdftotext default, -layout, -raw; pdfminer).

The layout is Tesseract's own text-only PDF's, so readers treat it alike: Tesseract's
GlyphLessFont (``pdf.ttf``, installed with its language data) as a Type0 font, Identity-H over a
CIDFontType2 whose every CID shows the one blank glyph (500/1000 em wide); text as UTF-16BE code
units (the CIDs) with a ToUnicode map of each CID to itself, so copying and extraction give the
OCR text back, every diacritic (NFC). Words are invisible (render mode 3), stretched (``Tz``) over
their boxes, one em as tall as their line (accents to descenders), in reading order.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

import numpy as np
import pikepdf

from corpus.models import Word
from sohoa.errors import MissingDependencyError

GLYPH_WIDTH = 0.5  # the GlyphLessFont's advance (DW 500), in em
# Poppler's pdftotext -raw puts a space between two words only if the gap between them is over
# 0.15 em (its minWordSpacing; a space glyph does not count): a word is narrowed so as to leave
# this much before the next one on its line ("nhuộm ở" at 12 pt, 8 px apart, came out "nhuộmở").
WORD_GAP = 0.2  # em
FONT_FOLDERS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                "/usr/share/tessdata", "/usr/local/share/tessdata")

_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def glyphless_font_path() -> Path:
    """Tesseract's ``pdf.ttf``, next to its language data (TESSDATA_PREFIX first, then Debian's paths)."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = [Path(prefix), Path(prefix) / "tessdata"] if prefix else []
    for folder in [*candidates, *map(Path, FONT_FOLDERS)]:
        if (path := folder / "pdf.ttf").is_file():
            return path
    raise MissingDependencyError("Tesseract's pdf.ttf not found: install the Debian package tesseract-ocr")


def add_glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The GlyphLessFont as a Type0 font in ``pdf``, once per document, for every page's layer."""
    font_file = glyphless_font_path().read_bytes()
    stream = pikepdf.Stream(pdf, font_file)
    stream.Length1 = len(font_file)
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.GlyphLessFont, Flags=5,
        FontBBox=[0, 0, 500, 1000], ItalicAngle=0, Ascent=1000, Descent=-1, CapHeight=1000, StemV=80,
        FontFile2=stream)
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                         Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), DW=500,
        # every CID shows glyph 1, the blank one
        CIDToGIDMap=pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536, 9), Filter=pikepdf.Name.FlateDecode))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.GlyphLessFont,
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=pikepdf.Stream(pdf, _TO_UNICODE)))


def _hex(text: str) -> str:
    """UTF-16BE code units as hex: the CIDs under Identity-H. Characters beyond the BMP (two code
    units, which the ToUnicode map cannot pair up) are written as U+FFFD."""
    if text.isascii() or max(text) <= "\uffff":
        return text.encode("utf-16-be").hex()
    return "".join(c if c <= "\uffff" else "\ufffd" for c in text).encode("utf-16-be").hex()


def reading_direction(to_page: np.ndarray) -> int:
    """Which way the words line in the page's user space, to the nearest quarter turn: 0 (left to
    right), 90 (upwards), 180 or 270 degrees counter-clockwise. Deskewing turns by under 5°, so
    the nearest axis is the one the text lines along; /Rotate turns by quarter turns, so an axis
    of the page is an axis of the page as displayed."""
    along = np.array([1.0, 0.0]) @ to_page[:2, :2]
    return 90 * (round(math.atan2(along[1], along[0]) / (math.pi / 2)) % 4)


_AXES = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}


def layer_content(words: Sequence[Word], to_page: np.ndarray, font: str) -> bytes:
    """Content-stream operators drawing ``words`` invisibly on a page.

    ``to_page`` (3×3, row vector · matrix) maps the pixels of the image the words were read on
    (x right, y down) to the page's user space; ``font`` is the page's resource name of
    ``add_glyphless_font``'s font."""
    if not words:
        return b""
    along, up = np.array([1.0, 0.0]) @ to_page[:2, :2], np.array([0.0, -1.0]) @ to_page[:2, :2]
    ux, uy = _AXES[reading_direction(to_page)]
    vx, vy = -uy, ux  # up the displayed line
    out = ["BT\n3 Tr\n"]
    for _, group in groupby(words, key=lambda w: w.line):
        line = list(group)
        # The words have no baselines; an em as tall as the line's box and a baseline on its bottom
        # make every word's box (selection, highlight, pdftotext -bbox) span the line's ink.
        top, bottom = min(w.top for w in line), max(w.top + w.height for w in line)
        height = max(bottom - top, 1)
        size = float(np.hypot(*up)) * height  # points
        # One baseline for the line, through the middle of its ink, though the ink climbs with the
        # skew: Poppler joins words into a line only while their baselines stay within half an em
        # of each other, so a baseline per word split long skewed lines (and one per few words,
        # or per column, joined words of neighbouring lines: measured on skew.pdf and
        # rotated_skew.pdf); each word still lies over its ink along the line.
        middle = np.array([(line[0].left + line[-1].left + line[-1].width) / 2, (top + bottom) / 2, 1.0]) @ to_page
        across = vx * middle[0] + vy * middle[1] - size / 2
        out.append(f"/{font} {size:.2f} Tf\n")
        previous: float | None = None
        for word, after in zip(line, [*line[1:], None]):
            width = max(word.width, 1)
            if after is not None:  # leave Poppler a gap it reads as a space
                width = max(min(width, after.left - WORD_GAP * height - word.left), width / 2)
            centre = np.array([word.left + width / 2, (top + bottom) / 2, 1.0]) @ to_page
            length = float(np.hypot(*along)) * width
            start = round(ux * centre[0] + uy * centre[1] - length / 2, 2)
            if previous is None:  # the line's start; its next words move along it (Td: the PDF ~6 % smaller)
                out.append(f"{ux} {uy} {vx} {vy} {ux * start + vx * across:.2f} {uy * start + vy * across:.2f} Tm ")
            else:
                out.append(f"{start - previous:.2f} 0 Td ")
            previous = start
            units = len(word.text.encode("utf-16-be")) // 2
            stretch = 100 * length / (units * GLYPH_WIDTH * size)
            out.append(f"{stretch:.1f} Tz <{_hex(word.text)}0020> Tj\n")
    out.append("ET\n")
    return "".join(out).encode("ascii")
