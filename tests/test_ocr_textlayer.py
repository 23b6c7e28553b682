"""The invisible text layer written from the OCR's words (ocr.textlayer), read back with Poppler.

sohoa does not ask Tesseract for its PDF renderer: the layer laid over each original page is
written from the words Tesseract's TSV gave. These tests run the real Tesseract on a rendered
page, write its words on a page of their own, and check what readers see: the page's text in
order, every word over its box, nothing visible. (Skewed, turned and /Rotate'd real pages:
tests/test_ocr_archival.py.)
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from ocr import textlayer
from ocr.pdf import affine
from ocr.textlayer import add_glyphless_font, glyphless_font_path, layer_content
from ocr.tsv import PageTable, read_tsv, text_of, words_of
from sohoa.errors import MissingDependencyError
from sohoa.samples.render import render_pages
from tests.test_ocr_tsv import HEADER, PARAGRAPHS


def text_layer_pdf(table: PageTable, dpi: int) -> bytes:
    """A page the size of the image Tesseract read, holding only that page's text layer."""
    scale = 72 / dpi
    with pikepdf.new() as pdf:
        page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page,
                                               MediaBox=[0, 0, table.width * scale, table.height * scale]))
        pdf.pages.append(page)
        page = pdf.pages[0]
        name = page.add_resource(add_glyphless_font(pdf), pikepdf.Name.Font, prefix="F")
        to_page = affine(scale, 0, 0, -scale, 0, table.height * scale)  # pixels, y down → points, y up
        page.obj.Contents = pikepdf.Stream(pdf, layer_content(words_of(table), to_page, str(name)[1:]))
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


def _poppler(program: str, pdf: bytes, *args: str) -> str:
    return subprocess.run([program, *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _boxes(pdf: bytes) -> tuple[tuple[float, float], list[tuple[str, float, float, float, float]]]:
    """Page size and (word, xMin, yMin, xMax, yMax) in points, top-down, as pdftotext -bbox sees them."""
    html = _poppler("pdftotext", pdf, "-bbox", "-enc", "UTF-8")
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert page is not None
    words = [(text, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, text in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    return (float(page[1]), float(page[2])), words


@pytest.fixture(scope="module")
def recognized(tmp_path_factory: pytest.TempPathFactory) -> PageTable:
    """Half a rendered A4 page at 300 dpi, read by Tesseract into TSV."""
    folder = tmp_path_factory.mktemp("textlayer")
    page = render_pages(PARAGRAPHS * 2, pages=1, title="LỊCH SỬ ĐẢNG BỘ")[0]
    page.image.crop((0, 0, page.image.width, page.image.height // 2)).save(folder / "page.png")
    subprocess.run(["tesseract", str(folder / "page.png"), str(folder / "out"), "-l", "vie", "--psm", "4",
                    "--dpi", "300", "tsv"], check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return read_tsv((folder / "out.tsv").read_text(encoding="utf-8"))


def test_layer_reads_back_as_the_page_text(recognized: PageTable) -> None:
    layer = text_layer_pdf(recognized, 300)

    read_back = _poppler("pdftotext", layer, "-raw", "-enc", "UTF-8")
    assert " ".join(read_back.split()) == " ".join(text_of(recognized).split())
    assert "Nghĩa" in read_back and "được" in read_back
    # line by line, in reading order
    assert [line for line in read_back.strip().splitlines() if line] == \
        [line for line in text_of(recognized).splitlines() if line]


def test_each_word_covers_its_box_on_its_line(recognized: PageTable) -> None:
    (width, height), words = _boxes(text_layer_pdf(recognized, 300))
    scale = 72 / 300

    assert (width, height) == pytest.approx((2480 * scale, 1754 * scale), abs=0.01)  # half an A4 page
    ocr_words = words_of(recognized)
    assert [w[0] for w in words] == [w.text for w in ocr_words]
    for (_, x0, y0, x1, y1), (_, next_x0, *_), word in zip(words, [*words[1:], ("", 0.0)], ocr_words):
        line = [w for w in ocr_words if w.line == word.line]
        top, bottom = min(w.top for w in line), max(w.top + w.height for w in line)
        # across: the word's own box, unless it ends too close to the next one for Poppler to see a
        # space between them (then 0.2 em before it); up and down: its line's box (accents to descenders)
        assert x0 == pytest.approx(word.left * scale, abs=0.05)
        assert x1 == pytest.approx((word.left + word.width) * scale, abs=0.05) or \
            next_x0 - x1 == pytest.approx(0.2 * (bottom - top) * scale, abs=0.05)
        assert (y0, y1) == pytest.approx((top * scale, bottom * scale), abs=0.05)


def test_the_text_is_invisible(recognized: PageTable) -> None:
    layer = text_layer_pdf(recognized, 300)

    with pikepdf.open(io.BytesIO(layer)) as pdf:
        content = pdf.pages[0].Contents.read_bytes().decode("ascii")
    assert content.startswith("BT\n3 Tr\n") and content.count("BT") == 1  # one text object, render mode 3
    assert re.findall(r"\b(\d) Tr\b", content) == ["3"]
    rendered = Image.open(io.BytesIO(subprocess.run(["pdftoppm", "-r", "36", "-gray", "-"], input=layer,
                                                    capture_output=True, check=True).stdout))
    assert rendered.getextrema() == (255, 255)  # a blank white page


def _tsv(*words: tuple[int, int, int, int, int, str]) -> PageTable:
    """A page of 800 × 400 pixels; words given as (line, left, top, width, height, text)."""
    rows = [HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t800\t400\t-1\t"]
    for number, (line, left, top, width, height, text) in enumerate(words, 1):
        rows.append(f"5\t1\t1\t1\t{line}\t{number}\t{left}\t{top}\t{width}\t{height}\t90.0\t{text}")
    return read_tsv("\n".join(rows) + "\n")


def test_vietnamese_words_read_back_with_every_diacritic() -> None:
    table = _tsv((1, 10, 10, 120, 40, "Đảng"), (1, 150, 10, 60, 40, "bộ"), (1, 230, 10, 110, 50, "được"),
                 (2, 10, 80, 140, 40, "người"), (2, 170, 80, 160, 40, "Trường"), (2, 350, 80, 200, 40, "Nghĩa"),
                 (3, 10, 150, 170, 47, "nhuộm"), (3, 184, 140, 22, 64, "ở"))  # 4 px apart, as Tesseract saw them
    layer = text_layer_pdf(table, 300)

    read_back = _poppler("pdftotext", layer, "-raw", "-enc", "UTF-8")
    assert read_back.split("\n")[:3] == ["Đảng bộ được", "người Trường Nghĩa", "nhuộm ở"]
    with pikepdf.open(io.BytesIO(layer)) as pdf:
        page = pdf.pages[0]
        assert [float(v) for v in page.mediabox] == [0, 0, 192, 96]  # 800 × 400 pixels at 300 dpi
        (font,) = page.Resources.Font.values()
        cid_font = font.DescendantFonts[0]
        assert (font.Subtype, font.Encoding, cid_font.Subtype) == ("/Type0", "/Identity-H", "/CIDFontType2")
        assert cid_font.FontDescriptor.FontFile2.read_bytes() == glyphless_font_path().read_bytes()
        assert b"beginbfrange" in font.ToUnicode.read_bytes()  # copy and extraction give the text back
        content = page.Contents.read_bytes().decode("ascii")
    assert "<01101ea3006e00670020> Tj" in content  # Đảng as UTF-16BE CIDs, then a space


def test_characters_beyond_the_bmp_do_not_break_the_page() -> None:
    layer = text_layer_pdf(_tsv((1, 10, 10, 200, 40, "chữ𠀧"), (1, 250, 10, 100, 40, "Đảng")), 300)

    assert _poppler("pdftotext", layer, "-raw", "-enc", "UTF-8").split() == ["chữ\ufffd", "Đảng"]


def test_a_page_without_words_is_a_valid_empty_page() -> None:
    layer = text_layer_pdf(_tsv(), 300)

    with pikepdf.open(io.BytesIO(layer)) as pdf:
        assert len(pdf.pages) == 1 and [float(v) for v in pdf.pages[0].mediabox] == [0, 0, 192, 96]
        assert pdf.pages[0].Contents.read_bytes() == b""
    assert _poppler("pdftotext", layer, "-raw").strip() == ""


def test_the_font_is_found_next_to_the_language_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    shutil.copy(glyphless_font_path(), tessdata / "pdf.ttf")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tessdata))
    assert glyphless_font_path() == tessdata / "pdf.ttf"

    (tessdata / "pdf.ttf").unlink()
    monkeypatch.setattr(textlayer, "FONT_FOLDERS", ())
    with pytest.raises(MissingDependencyError, match="install the Debian package tesseract-ocr$"):
        glyphless_font_path()


def test_ingest_checks_for_the_font_before_any_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ocr.doctor import check_ocr, run_checks

    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setattr(textlayer, "FONT_FOLDERS", (str(tmp_path),))  # Tesseract's data, without pdf.ttf
    with pytest.raises(MissingDependencyError, match="pdf.ttf not found"):
        check_ocr()
    assert [c.ok for c in run_checks() if c.name.startswith("text layer font")] == [False]
