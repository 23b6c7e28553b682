"""Text, hOCR and ALTO derived from Tesseract's TSV read as Tesseract's own renderers write them.

sohoa asks Tesseract for the TSV only (each extra renderer costs CPU on every page), so these
tests run the real Tesseract once with its text, hOCR and ALTO renderers too, and compare.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ocr.hocr import hocr_of
from ocr.tsv import PageTable, alto_of, read_tsv, text_of, words_of
from tests.alto_schema import assert_valid_alto
from sohoa.samples import make_pages
from sohoa.samples.render import render_pages
from sohoa.vietnamese import nfc

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
PARAGRAPHS = ("Chi bộ Đảng xã Nghĩa Trung được thành lập năm 1930, lãnh đạo nhân dân đấu tranh giành chính quyền.",
              "Năm 1945, toàn xã đứng lên khởi nghĩa; đồng chí Bí thư chi bộ được bầu làm Chủ tịch Ủy ban.",
              "Hòa bình lập lại, Đảng bộ lãnh đạo sản xuất, xây dựng hợp tác xã và trường học.")


def _tesseract(tmp_path: Path, columns: int, psm: int) -> tuple[str, str, str, str]:
    page = render_pages(PARAGRAPHS * 2, pages=1, columns=columns, title="LỊCH SỬ ĐẢNG BỘ")[0]
    image = tmp_path / "page.png"
    page.image.crop((0, 0, page.image.width, page.image.height // 2)).save(image)
    return _read(tmp_path, image, psm)


def _read(tmp_path: Path, image: Path, psm: int) -> tuple[str, str, str, str]:
    out = tmp_path / "out"
    subprocess.run(["tesseract", str(image), str(out), "-l", "vie", "--psm", str(psm), "-c", "tessedit_create_tsv=1",
                    "txt", "hocr", "alto"], check=True, capture_output=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return tuple(out.with_suffix(s).read_text(encoding="utf-8") for s in (".tsv", ".txt", ".hocr", ".xml"))  # type: ignore[return-value]


@pytest.mark.parametrize(("columns", "psm"), [(1, 4), (2, 3)], ids=["one column", "two columns"])
def test_text_hocr_and_alto_match_tesseracts_renderers(tmp_path: Path, columns: int, psm: int) -> None:
    tsv, txt, hocr, alto = _tesseract(tmp_path, columns, psm)
    table = read_tsv(tsv)

    assert text_of(table) == nfc(txt).strip()
    assert "\n\n" in text_of(table)  # paragraphs kept apart, as in Tesseract's text

    # The same ALTO but where sohoa says more: Tesseract names its temporary input file and calls
    # every page 0; sohoa's names the page image its boxes fall on, numbers the page and gives the
    # text blocks their language. Both pass the official schema.
    ours = alto_of(table, "tesseract 5.3.0", page_no=1, language="vie")
    assert_valid_alto(ours) is not None and assert_valid_alto(alto) is not None
    theirs = re.sub(r"<fileName>[^<]*</fileName>", "<fileName>image.jpg</fileName>", alto)
    theirs = theirs.replace('PHYSICAL_IMG_NR="0" ID="page_0"', 'PHYSICAL_IMG_NR="1" ID="page_1"')
    assert ours.replace("5.3.0", "X").replace(' LANG="vi"', "") == re.sub(r"tesseract [\d.]+", "tesseract X", theirs)
    assert ours.count(' LANG="vi"') == ours.count("<TextBlock ") > 0

    _assert_same_hocr(table, hocr)


def _assert_same_hocr(table: PageTable, hocr: str) -> None:
    """The same hOCR, to the byte, but for each line's baseline and heights, which the TSV lacks,
    the image's name (Tesseract names its input file; sohoa's boxes fall on image.jpg), and the
    language, as BCP 47 ("vi", where Tesseract writes "en" for the document and "vie" on
    paragraphs) and declared (ocrp_lang)."""
    dpi = int(re.search(r"scan_res (\d+)", hocr).group(1))  # type: ignore[union-attr]
    without_metrics = re.sub(r'; baseline [^"]*"', '"', re.sub(r'image "[^"]*"', 'image "image.jpg"', hocr))
    without_metrics = without_metrics.replace('xml:lang="en" lang="en"', 'xml:lang="vi" lang="vi"').replace(
        "lang='vie'", "lang='vi'").replace("ocrx_word ocrp_wconf'", "ocrx_word ocrp_wconf ocrp_lang'")
    version = re.search(r"content='(tesseract [\d.]+)'", hocr).group(1)  # type: ignore[union-attr]
    assert "; baseline " in hocr and "class='ocrx_word'" in hocr
    assert hocr_of(table, software=version, dpi=dpi, language="vie") == nfc(without_metrics)


def test_hocr_of_an_aged_page_keeps_tesseracts_picture_regions(tmp_path: Path) -> None:
    """Stains on aged paper are picture blocks to Tesseract: in its TSV, blocks of blank words."""
    image = tmp_path / "aged.png"
    make_pages(pages=1, font="times", variant="aged")[0].image.save(image, dpi=(300, 300))
    tsv, _, hocr, _ = _read(tmp_path, image, 4)
    table = read_tsv(tsv)

    assert table.pictures and "class='ocr_photo'" in hocr
    _assert_same_hocr(table, hocr)


# A page of one block, paragraph and line (10, 10, 300 × 40) holding the given word rows.
ONE_LINE = ["1\t1\t0\t0\t0\t0\t0\t0\t800\t400\t-1\t",
            "2\t1\t1\t0\t0\t0\t10\t10\t300\t40\t-1\t",
            "3\t1\t1\t1\t0\t0\t10\t10\t300\t40\t-1\t",
            "4\t1\t1\t1\t1\t0\t10\t10\t300\t40\t-1\t"]


def _one_line(*words: str) -> str:
    return "\n".join([HEADER, *ONE_LINE, *words, ""])


def test_word_confidences_are_fractions_in_alto() -> None:
    """Tesseract 5.3 writes WC="0.<int>" (5 % became "0.5", 100 % "0.100"): sohoa writes the fraction."""
    tsv = _one_line("5\t1\t1\t1\t1\t1\t10\t10\t100\t40\t5.376\tđảng",
                    "5\t1\t1\t1\t1\t2\t130\t10\t100\t40\t100.000000\tbộ",
                    "5\t1\t1\t1\t1\t3\t250\t10\t10\t40\t95.0\t ")
    alto = alto_of(read_tsv(tsv), "tesseract 5.3.0")

    assert re.findall(r'WC="([^"]*)"', alto) == ["0.05", "1.00"]
    assert '<SP WIDTH="20" VPOS="10" HPOS="110"/>' in alto
    assert alto.count("<String") == 2 and alto.count("<TextLine") == alto.count("</TextLine>") == 1
    assert_valid_alto(alto)


def test_words_are_nfc_and_numbered_by_line() -> None:
    decomposed = "Đa\u0309ng"  # "Đảng" typed with a combining hook above
    tsv = "\n".join([HEADER,
                     "5\t1\t1\t1\t1\t1\t10\t10\t100\t40\t91.5\t" + decomposed,
                     "5\t1\t1\t1\t2\t1\t10\t60\t100\t40\t-1\tbộ", ""])
    words = words_of(read_tsv(tsv))

    assert [(w.text, w.line, w.confidence) for w in words] == [("Đảng", 1, 91.5), ("bộ", 2, 0.0)]
    assert text_of(read_tsv(tsv)) == "Đảng\nbộ"


def test_hocr_escapes_text_and_names_one_language_only() -> None:
    table = read_tsv(_one_line("5\t1\t1\t1\t1\t1\t10\t10\t100\t40\t96.9\t<Đảng>",
                               "5\t1\t1\t1\t1\t2\t130\t10\t100\t40\t88.2\t\"bộ\"&'xã'"))
    words = ElementTree.fromstring(hocr_of(table, software="tesseract 5.3.0", dpi=300, language="vie")).iter(
        "{http://www.w3.org/1999/xhtml}span")

    assert [(w.text, w.get("title")) for w in words if w.get("class") == "ocrx_word"] == [
        ("<Đảng>", "bbox 10 10 110 50; x_wconf 96"), ('"bộ"&\'xã\'', "bbox 130 10 230 50; x_wconf 88")]
    assert "<p class='ocr_par' id='par_1_1' lang='vi'" in hocr_of(table, software="t", dpi=300, language="vie")
    assert "lang=" not in hocr_of(table, software="t", dpi=300, language="vie+eng").split("<body>")[1]


def test_blocks_without_text_are_pictures_or_rules_in_hocr() -> None:
    rows = ["1\t1\t0\t0\t0\t0\t0\t0\t800\t900\t-1\t"]
    for block, (left, top, width, height) in enumerate([(10, 10, 300, 200), (10, 300, 700, 6)], start=1):
        rows += [f"{level}\t1\t{block}\t{int(level > 2)}\t{int(level > 3)}\t{int(level > 4)}\t{left}\t{top}\t"
                 f"{width}\t{height}\t{'95' if level == 5 else '-1'}\t{'  ' if level == 5 else ''}" for level in (2, 3, 4, 5)]
    rows += ["2\t1\t3\t0\t0\t0\t10\t400\t300\t40\t-1\t", "3\t1\t3\t1\t0\t0\t10\t400\t300\t40\t-1\t",
             "4\t1\t3\t1\t1\t0\t10\t400\t300\t40\t-1\t", "5\t1\t3\t1\t1\t1\t10\t400\t100\t40\t91\tđảng"]
    table = read_tsv("\n".join([HEADER, *rows, ""]))
    hocr = hocr_of(table, software="tesseract 5.3.0", dpi=300, language="vie")

    assert table.pictures == {1, 2} and [w.text for w in words_of(table)] == ["đảng"]
    assert "<div class='ocr_photo' id='block_1_1' title=\"bbox 10 10 310 210\"></div>" in hocr
    assert "<div class='ocr_separator' id='block_1_2' title=\"bbox 10 300 710 306\"></div>" in hocr
    assert "<div class='ocr_carea' id='block_1_3'" in hocr and hocr.count("class='ocr_line'") == 1
    # ALTO has no empty text line: the picture blocks' lines are left out, and it stays valid
    alto = alto_of(table, "tesseract 5.3.0", page_no=3)
    root = assert_valid_alto(alto)
    assert alto.count("<TextLine ") == 1 and root.find(".//{*}Page").get("PHYSICAL_IMG_NR") == "3"
