"""hOCR written from Tesseract's TSV, laid out as Tesseract's own hOCR renderer lays it out.

Tesseract's hOCR renderer cost ~5 % of each page's Tesseract CPU (pinned pairs of runs,
bench/HISTORY.md), and the TSV holds the same page: blocks, paragraphs, lines and words with their
boxes and confidences, in the same order and numbering. So Tesseract writes the TSV only and the
hOCR is written here, the same file as Tesseract's (tests/test_ocr_tsv.py compares them, and so
did 110 runs: 40 generated pages of every face and variant at psm 3 and 4, the 10 real sample
pages at psm 3, 4 and 6) but for what the TSV lacks: each line's `baseline` (or `textangle`),
`x_size`, `x_descenders` and `x_ascenders`, and the line classes of headings and captions
(`ocr_header`, `ocr_caption`, `ocr_textfloat`: here every line is an `ocr_line`), and but for
what sohoa says better: the language as BCP 47 ("vi"; Tesseract writes its own code "vie" on
paragraphs and "en" on the document) with `ocrp_lang` among the capabilities, and the page's number. A block
without text is a picture or a rule to Tesseract; the TSV does not say which, so its shape does.
Words lose Tesseract's stray leading spaces, as they do in words.json. Nothing in sohoa reads the
line metrics; the text layer and the viewer place words by their boxes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from corpus.archive import PAGE_IMAGE
from ocr.tsv import WORD_LEVEL, PageTable, Row, bcp47

_RULE_ASPECT = 10  # a region this many times longer than it is thick is a rule
_QUOTES = {'"': "&quot;", "'": "&#39;"}  # Tesseract's HOcrEscape escapes both quotes too


def hocr_of(table: PageTable, *, software: str, dpi: int, language: str, image: str = PAGE_IMAGE,
            page_no: int = 1) -> str:
    """Page ``page_no`` as an hOCR 1.2 document. ``image`` names the page image the boxes fall on;
    the language (BCP 47, "vi") is the document's and its paragraphs' only when a single one read
    the page (the TSV does not say which of several read a paragraph)."""
    tag = bcp47(language)
    lang = f" lang='{escape(tag, _QUOTES)}'" if tag else ""
    out = [_HEAD.format(software=escape(software, _QUOTES), lang=escape(tag or "und", _QUOTES),
                        capabilities=" ocrp_lang" if tag else ""),
           f"  <div class='ocr_page' id='page_{page_no}' title='image \"{escape(image, _QUOTES)}\"; "
           f"bbox 0 0 {table.width} {table.height}; ppageno {page_no - 1}; scan_res {dpi} {dpi}'>\n"]
    counts = dict.fromkeys((2, 3, 4, WORD_LEVEL), 0)
    open_levels: list[int] = []
    for row in table.rows:
        while open_levels and open_levels[-1] >= row.level:
            out.append(_CLOSE[open_levels.pop()])
        if row.block in table.pictures:
            if row.level == 4 and row.line == 1 and row.par == 1:  # as Tesseract: the first line's box
                counts[2] += 1
                out.append(f"   <div class='{_region(row)}' id='block_{page_no}_{counts[2]}' title=\"{_bbox(row)}\"></div>\n")
            continue
        counts[row.level] += 1
        number = counts[row.level]
        if row.level == WORD_LEVEL:
            out.append(f"\n      <span class='ocrx_word' id='word_{page_no}_{number}' title='{_bbox(row)}; "
                       f"x_wconf {int(row.confidence)}'>{escape(row.text, _QUOTES)}</span>")
            continue
        if row.level == 2:
            out.append(f"   <div class='ocr_carea' id='block_{page_no}_{number}' title=\"{_bbox(row)}\">")
        elif row.level == 3:
            out.append(f"\n    <p class='ocr_par' id='par_{page_no}_{number}'{lang} title=\"{_bbox(row)}\">")
        else:
            out.append(f"\n     <span class='ocr_line' id='line_{page_no}_{number}' title=\"{_bbox(row)}\">")
        open_levels.append(row.level)
    out.extend(_CLOSE[level] for level in reversed(open_levels))
    out.append("  </div>\n </body>\n</html>\n")
    return "".join(out)


def _region(line: Row) -> str:
    """What Tesseract calls a block without text, told by the shape of its first line: a rule is a
    thin line; anything else is a picture (the TSV says which it was neither way)."""
    thin, long = sorted((line.width, line.height))
    return "ocr_separator" if thin * _RULE_ASPECT <= long else "ocr_photo"


def _bbox(row: Row) -> str:
    return f"bbox {row.left} {row.top} {row.left + row.width} {row.top + row.height}"


_CLOSE = {2: "   </div>\n", 3: "\n    </p>\n", 4: "\n     </span>"}

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='{software}' />
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf{capabilities}'/>
 </head>
 <body>
"""
