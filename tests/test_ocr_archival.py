"""The searchable PDF as other software reads it, on real scans: skewed (skew.pdf), skewed and
/Rotate'd (rotated_skew.pdf), in all four orientations (cardinal.pdf), and a 1-bit page
(VBHC-07.png). Every reader gives the OCR's words back whole and in order, bilevel pages stay
bilevel, every PDF stays within 1.5 times its input, and each names itself from the catalog; a
word lies where ALTO says in the image ALTO names, and on the original where the PDF puts it.
One archive of real Tesseract runs is shared by the tests (about a minute)."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from lxml import etree
from PIL import Image

from corpus.archive import Archive
from corpus.export import page_files
from corpus.models import DocumentMeta
from ocr.pdf import PageLayer, pixels_to_page
from ocr.textlayer import reading_direction
from sohoa import ingest as steps
from sohoa.settings import Settings
from sohoa.vietnamese import fold
from tests.alto_schema import assert_valid_alto
from tests.conftest import SHARED_SAMPLES

SAMPLES = {"skew.pdf": "scans-other", "rotated_skew.pdf": "scans-other", "cardinal.pdf": "scans-other",
           "VBHC-07.png": "scans-real"}
READERS = ("pdftotext", "pdftotext -layout", "pdftotext -raw", "pdfminer")


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Archive, dict[str, str]]:
    """The real samples ingested (Tesseract, preprocessing, the PDF assembled), by file name → document id."""
    missing = [name for name, folder in SAMPLES.items() if not (SHARED_SAMPLES / folder / name).exists()]
    if missing:
        pytest.skip(f"real samples not on this machine: {missing}")
    archive = Archive(Settings.from_env(tmp_path_factory.mktemp("archival") / "archive"))
    ids = {}
    for name, folder in SAMPLES.items():
        meta = DocumentMeta(title="Lịch sử Đảng bộ xã Nghĩa Trung", commune="Nghĩa Trung", district="Việt Yên",
                            province="Bắc Giang", year=1995, kind="history", collection="Lịch sử đảng bộ xã",
                            author="Ban Chấp hành Đảng bộ xã Nghĩa Trung")
        [finished] = steps.ingest_plainly(archive, [steps.Job(SHARED_SAMPLES / folder / name, meta)], run_id="test")
        assert not finished.errors, finished.errors
        ids[name] = finished.document.id
    yield archive, ids
    archive.close()


def _read(reader: str, pdf: Path) -> str:
    if reader == "pdfminer":
        from pdfminer.high_level import extract_text

        return extract_text(str(pdf))
    return subprocess.run([*reader.split(), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _lost_words(ocr_words: list[str], read: list[str]) -> int:
    """How many of the OCR's words a reader did not give back whole. Poppler's reading-order modes
    join a word hyphenated at a line's end with the next line's first ("func-" "tion." →
    "function."): such a joined word counts as its two halves."""
    ocr_set = set(ocr_words)
    halves = [h for h in ocr_set if h.endswith("-") and len(h) > 1]
    counted: list[str] = []
    for word in read:
        split = next(((h, word[len(h) - 1:]) for h in halves
                      if word.startswith(h[:-1]) and word[len(h) - 1:] in ocr_set and word not in ocr_set), None)
        counted.extend(split or (word,))
    return sum((Counter(ocr_words) - Counter(counted)).values())


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("sample", ["skew.pdf", "rotated_skew.pdf", "cardinal.pdf"])
def test_every_reader_gets_the_ocr_words_whole_and_in_order(archived, sample: str, reader: str) -> None:
    archive, ids = archived
    doc_id = ids[sample]
    pages = [archive.page_words(doc_id, p.page_no) for p in archive.catalog.pages(doc_id)]
    ocr_words = [w.text for words in pages for w in words]
    got = _read(reader, archive.searchable_pdf_path(doc_id)).split()
    # whole: no word split into pieces (the tilted layer gave "e c n e u q e S") nor glued to another
    lost = _lost_words(ocr_words, got)
    assert lost == 0 if reader in ("pdftotext -raw", "pdfminer") else lost <= 0.005 * len(ocr_words), lost
    # in order: neighbours on a line of the OCR are neighbours in what the reader gives
    neighbours = [(a.text, b.text) for words in pages for a, b in zip(words, words[1:])
                  if a.line == b.line and b.left - (a.left + a.width) < max(a.height, b.height)
                  and not a.text.endswith("-")]
    read_pairs = set(zip(got, got[1:]))
    assert len(neighbours) > 300
    assert sum(pair in read_pairs for pair in neighbours) >= 0.98 * len(neighbours)


def test_pages_show_the_way_they_read(archived) -> None:
    """cardinal.pdf holds one page upright, one sideways each way and one upside down: each is shown
    turned (/Rotate) as the OCR turned it to read it, so that its words run left to right."""
    archive, ids = archived
    pdf = archive.searchable_pdf_path(ids["cardinal.pdf"])
    turned = [sum(int(s.get("rotated", 0)) for s in page.steps if s["step"] == "orientation") % 360
              for page in archive.catalog.pages(ids["cardinal.pdf"])]
    assert 90 in turned  # the sideways pages at least (its English pages upside down are read as they lie)
    with pikepdf.open(pdf) as opened:
        assert [int(page.obj.get("/Rotate", 0)) for page in opened.pages] == turned
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    long_words = [tuple(float(v) for v in m) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">\w{6,}<', boxes)]
    assert len(long_words) > 200 and all(x1 - x0 > y1 - y0 for x0, y0, x1, y1 in long_words)


def test_a_bilevel_page_stays_bilevel_and_pixel_exact(archived, tmp_path: Path) -> None:
    archive, ids = archived
    pdf = archive.searchable_pdf_path(ids["VBHC-07.png"])
    with pikepdf.open(pdf) as opened:
        (image,) = opened.pages[0].get_images().values()
        assert (image.Filter, int(image.BitsPerComponent)) == ("/CCITTFaxDecode", 1)
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "img")], check=True)
    with Image.open(tmp_path / "img-000.png") as embedded, Image.open(SHARED_SAMPLES / "scans-real" / "VBHC-07.png") as scan:
        assert np.array_equal(np.asarray(embedded.convert("1")), np.asarray(scan.convert("1")))


def test_every_searchable_pdf_stays_within_one_and_a_half_times_its_input(archived) -> None:
    archive, ids = archived
    for name, doc_id in ids.items():
        size = archive.searchable_pdf_path(doc_id).stat().st_size
        assert size <= 1.5 * (SHARED_SAMPLES / SAMPLES[name] / name).stat().st_size, name


def test_the_pdf_names_itself_from_the_catalog(archived) -> None:
    archive, ids = archived
    with pikepdf.open(archive.searchable_pdf_path(ids["skew.pdf"])) as pdf:
        assert str(pdf.Root.Lang) == "vi"
        assert str(pdf.docinfo.Title) == "Lịch sử Đảng bộ xã Nghĩa Trung"
        assert str(pdf.docinfo.Author) == "Ban Chấp hành Đảng bộ xã Nghĩa Trung"
        assert "Nghĩa Trung, Việt Yên, Bắc Giang" in str(pdf.docinfo.Subject)
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "Lịch sử Đảng bộ xã Nghĩa Trung"
        assert list(meta["dc:creator"]) == ["Ban Chấp hành Đảng bộ xã Nghĩa Trung"]
        assert set(meta["dc:language"]) == {"vi"} and list(meta["dc:date"]) == ["1995"]
        assert "Bắc Giang" in meta["dc:subject"]


def test_every_alto_is_valid_and_names_the_image_its_boxes_fall_on(archived) -> None:
    """ALTO 3.0 by the official schema; its page number, language and image; boxes inside that image."""
    archive, ids = archived
    for doc_id in ids.values():
        for page in archive.catalog.pages(doc_id):
            folder = archive.page_dir(doc_id, page.page_no)
            if not (folder / "page.alto.xml").exists():
                continue  # a blank page
            root = assert_valid_alto((folder / "page.alto.xml").read_bytes())
            alto_page = root.find(".//{*}Page")
            assert alto_page.get("PHYSICAL_IMG_NR") == str(page.page_no)
            assert root.find(".//{*}sourceImageInformation/{*}fileName").text == "image.jpg"
            assert {block.get("LANG") for block in root.iter("{*}TextBlock")} == {"vi"}
            with Image.open(folder / "image.jpg") as image:
                assert image.size == (int(alto_page.get("WIDTH")), int(alto_page.get("HEIGHT")))
            for string in root.iter("{*}String"):
                right = int(string.get("HPOS")) + int(string.get("WIDTH"))
                assert 0 <= int(string.get("HPOS")) and right <= image.width
            hocr = (folder / "page.hocr").read_text(encoding="utf-8")
            assert 'lang="vi"' in hocr and "ocrp_lang" in hocr and f"ppageno {page.page_no - 1};" in hocr


def _read_word(image: Image.Image, box: tuple[float, float, float, float], language: str, direction: int = 0) -> str:
    """What Tesseract reads as one word (psm 8) in ``box`` (left, top, right, bottom; pixels) of
    ``image``, a few pixels of margin added (``_letters``), its text running ``direction`` degrees
    counter-clockwise."""
    import pytesseract

    left, top, right, bottom = box
    crop = image.convert("L").crop((int(left) - 6, int(top) - 6, int(right) + 7, int(bottom) + 7))
    crop = crop.rotate(-direction, expand=True, fillcolor=255)
    return _letters(pytesseract.image_to_string(crop, lang=language, config="--psm 8"))


def _known_words(alto: etree._Element) -> list[etree._Element]:
    """Long words read with high confidence, each once on its page: unambiguous to look for."""
    strings = alto.findall(".//{*}String")
    counts = Counter(s.get("CONTENT") for s in strings)
    return [s for s in strings if re.fullmatch(r"[^\W\d_]{5,}", s.get("CONTENT")) and float(s.get("WC")) >= 0.85
            and counts[s.get("CONTENT")] == 1]


@pytest.mark.parametrize(("sample", "language"), [("rotated_skew.pdf", "eng"), ("VBHC-07.png", "vie")])
def test_a_known_word_lies_where_alto_says_in_the_image_it_names_and_on_the_original(
        archived, sample: str, language: str, tmp_path: Path) -> None:
    """ALTO's boxes are in the pixels of the image it names, shipped beside it (the upright,
    levelled page the IIIF canvas shows); the steps the catalog records carry each box onto the
    original page, where the same word lies. rotated_skew.pdf is /Rotate'd and deskewed by 2.8°:
    the two spaces are a quarter turn and 2.8° apart there."""
    archive, ids = archived
    doc = archive.catalog.document(ids[sample])
    files = dict(page_files(archive, doc, "alto"))
    alto = assert_valid_alto(files["page-0001.alto.xml"])
    assert alto.findtext(".//{*}sourceImageInformation/{*}fileName") == "page-0001.jpg"
    image = Image.open(io.BytesIO(files["page-0001.jpg"]))
    page = alto.find(".//{*}Page")
    assert (int(page.get("WIDTH")), int(page.get("HEIGHT"))) == image.size
    known = _known_words(alto)[:4]
    assert len(known) == 4
    boxes = {}
    for string in known:  # in the image ALTO names
        left, top = float(string.get("HPOS")), float(string.get("VPOS"))
        boxes[string.get("CONTENT")] = (left, top, left + float(string.get("WIDTH")), top + float(string.get("HEIGHT")))
        assert _read_word(image, boxes[string.get("CONTENT")], language) == _letters(string.get("CONTENT"))
    # on the original: its PDF page (an image file: the page the searchable PDF made of it, pixel for
    # pixel), drawn in its own user space (no /Rotate) at 150 dpi
    source = SHARED_SAMPLES / SAMPLES[sample] / sample if sample.endswith(".pdf") else archive.searchable_pdf_path(doc.id)
    record = archive.catalog.pages(doc.id)[0]
    layer = PageLayer([], (record.width, record.height), record.dpi, record.steps)
    with pikepdf.open(source) as pdf:
        to_page = pixels_to_page(pdf.pages[0], layer)
        x0, _, _, top = (float(v) for v in pdf.pages[0].mediabox)
        pdf.pages[0].obj.Rotate = 0
        pdf.save(tmp_path / "unturned.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "unturned.pdf"), str(tmp_path / "original")], check=True)
    original = Image.open(tmp_path / "original.png")
    for word, (left, upper, right, lower) in boxes.items():
        corners = np.array([[x, y, 1.0] for x in (left, right) for y in (upper, lower)]) @ to_page
        xs, ys = (corners[:, 0] - x0) * 150 / 72, (top - corners[:, 1]) * 150 / 72
        upright = _read_word(original, (xs.min(), ys.min(), xs.max(), ys.max()), language, reading_direction(to_page))
        assert upright == _letters(word)


def _letters(text: str) -> str:
    """A word as ``_read_word`` compares it: letters only, folded, lower-cased."""
    return re.sub(r"[\W\d_]", "", fold(text)).lower()
