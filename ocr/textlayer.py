"""A page's invisible text layer as a one-page PDF, built from Tesseract's TSV.

Tesseract can write this page itself (``-c textonly_pdf=1`` and its ``pdf`` renderer), but that
renderer walks the page's results once more, ~3 % of a page's Tesseract CPU (~65 ms); the TSV that
sohoa reads anyway (``ocr.tsv``) holds every word and line with its box, so the page is written
here in a few milliseconds. It is laid out as Tesseract lays it out, so readers treat it alike:
the page is the image Tesseract read (image pixels × 72 / dpi points); the font is Tesseract's
GlyphLessFont (``pdf.ttf``, installed with its language data) as a Type0 font, Identity-H
encoding over a CIDFontType2 whose every CID shows the one blank glyph, each 500/1000 em wide;
text is written as UTF-16BE code units (the CIDs), and a ToUnicode CMap maps each CID to itself,
so copying and extraction give the OCR text back, every diacritic (NFC). Each word is drawn
invisibly (render mode 3) and stretched (``Tz``) to cover its box; words are written line by
line in the TSV's reading order. ``ocr.pdf`` lays the page over the original one.
"""

from __future__ import annotations

import os
import zlib
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from ocr.tsv import PageTable, Row
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


def _stream(number: int, data: bytes, extra: str = "") -> bytes:
    return b"%d 0 obj\n<< /Length %d%s >>\nstream\n%s\nendstream\nendobj\n" % (number, len(data), extra.encode(), data)


@lru_cache(maxsize=1)
def _font_objects() -> tuple[bytes, ...]:
    """Objects 5–10, the same on every page: Type0 font, CIDFont, maps, descriptor, font file."""
    font = glyphless_font_path().read_bytes()
    cid_to_gid = zlib.compress(b"\x00\x01" * 65536, 9)  # every CID shows glyph 1, the blank one
    return (
        b"5 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>\nendobj\n",
        b"6 0 obj\n<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 8 0 R /CIDToGIDMap 9 0 R /DW 500 >>\nendobj\n",
        _stream(7, zlib.compress(_TO_UNICODE, 9), " /Filter /FlateDecode"),
        b"8 0 obj\n<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] "
        b"/ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 /StemV 80 /FontFile2 10 0 R >>\nendobj\n",
        _stream(9, cid_to_gid, " /Filter /FlateDecode"),
        _stream(10, font, f" /Length1 {len(font)}"),
    )


def _hex(text: str) -> str:
    """UTF-16BE code units as hex: the CIDs under Identity-H. Characters beyond the BMP (two code
    units, which the ToUnicode map cannot pair up) are written as U+FFFD."""
    if text.isascii() or max(text) <= "\uffff":
        return text.encode("utf-16-be").hex()
    return "".join(c if c <= "\uffff" else "\ufffd" for c in text).encode("utf-16-be").hex()


def _line_box(line: Row | None, words: list[Row]) -> tuple[int, int]:
    """Top and bottom of a line in pixels: its TSV line row, or its words' union if there is none."""
    if line is not None and line.height > 0:
        return line.top, line.top + line.height
    return min(w.top for w in words), max(w.top + w.height for w in words)


def _content(table: PageTable, dpi: int) -> bytes:
    scale = 72 / dpi
    page_height = table.height * scale
    lines = {(r.block, r.par, r.line): r for r in table.rows if r.level == 4}
    out: list[str] = []
    for key, group in groupby(table.word_rows, key=lambda r: (r.block, r.par, r.line)):
        words = list(group)
        top, bottom = _line_box(lines.get(key), words)
        size = max(bottom - top, 1) * scale
        # The TSV has no baselines. The GlyphLessFont's glyphs stand on the baseline and are one em
        # tall (Descent ~0), so a baseline on the line box's bottom with an em of the line's height
        # makes every word's box (selection, highlight, pdftotext -bbox) span the line's ink, from
        # accents above to descenders below; a typographic baseline would drop part of it.
        baseline = page_height - bottom * scale
        out.append(f"BT\n3 Tr\n/F1 {size:.2f} Tf\n")
        # Td moves from the previous word's start (the first word's from the origin); each word is
        # followed by a space, as Tesseract writes it, for readers that do not infer spaces.
        x, y = 0.0, baseline
        for word, after in zip(words, [*words[1:], None]):
            units = len(word.text.encode("utf-16-be")) // 2
            left, width = word.left * scale, max(word.width, 1) * scale
            if after is not None:
                width = max(min(width, after.left * scale - WORD_GAP * size - left), width / 2)
            stretch = 100 * width / (units * GLYPH_WIDTH * size)
            out.append(f"{left - x:.2f} {y:.2f} Td {stretch:.1f} Tz <{_hex(word.text)}0020> Tj\n")
            x, y = left, 0.0
        out.append("ET\n")
    return "".join(out).encode("ascii")


def text_layer_pdf(table: PageTable, dpi: int) -> bytes:
    """One PDF page of ``table.width × table.height`` pixels at ``dpi`` holding the page's words as
    invisible text, each stretched over its box; a page without words is a valid empty page."""
    scale = 72 / dpi
    content = zlib.compress(_content(table, dpi), 6)
    objects = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n" % (table.width * scale, table.height * scale),
        _stream(4, content, " /Filter /FlateDecode"),
        *_font_objects(),
    ]
    pdf = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for obj in objects:  # objects 1, 2, … in order
        offsets.append(len(pdf))
        pdf += obj
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(pdf)
