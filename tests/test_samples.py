"""Generated sample scans: deterministic, NFC, with exact ground truth, in every format."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.samples import VARIANTS, make_pages, make_scan
from sohoa.samples.render import FACES, font_path, render_pages, wrap
from sohoa.samples.texts import BULLETIN, HISTORY, TEXTS
from sohoa.vietnamese import nfc


def test_texts_are_nfc_and_carry_every_tone_on_every_vowel() -> None:
    text = " ".join(HISTORY + BULLETIN)
    assert text == nfc(text)
    lower = text.lower()
    for vowel in "aăâeêioôơuưy":
        for tone in "\u0300\u0301\u0309\u0303\u0323":
            assert unicodedata.normalize("NFC", vowel + tone) in lower, vowel + tone
    assert "đ" in text and "Đ" in text
    assert len(HISTORY) >= 8 and sum(map(len, HISTORY)) > 4000  # several pages' worth
    assert set(TEXTS) == {"history", "bulletin"}


@pytest.mark.parametrize("face", sorted(FACES))
def test_every_face_is_installed(face: str) -> None:
    assert font_path(face).is_file()


def test_wrap_keeps_every_word_in_order() -> None:
    from PIL import ImageFont
    font = ImageFont.truetype(str(font_path("serif")), 40)
    lines = wrap(HISTORY[0], font, 900)
    assert " ".join(lines) == " ".join(HISTORY[0].split())
    assert all(font.getlength(line) <= 900 for line in lines)


def test_render_gives_a4_pages_and_the_exact_printed_lines() -> None:
    pages = render_pages(HISTORY, pages=2, face="typewriter", dpi=150, title="TIÊU ĐỀ")
    assert len(pages) == 2
    assert pages[0].image.size == (1240, 1754) and pages[0].image.mode == "L"
    assert pages[0].text.startswith("TIÊU ĐỀ\n\nChương một.")
    # the two pages continue one another: no word lost or repeated at the page break
    joined = " ".join((pages[0].text + " " + pages[1].text).split())
    assert joined.startswith("TIÊU ĐỀ " + " ".join(" ".join(HISTORY[:3]).split()))


def test_without_a_page_count_the_text_is_rendered_once() -> None:
    pages = render_pages(BULLETIN, dpi=100)
    assert len(pages) == 1
    assert " ".join(pages[0].text.split()) == " ".join(" ".join(BULLETIN).split())


def test_two_columns_read_left_column_first() -> None:
    one = render_pages(HISTORY, pages=1, dpi=100, columns=2)[0]
    assert " ".join(one.text.split()).startswith(" ".join(" ".join(HISTORY[:2]).split()))
    ink = np.asarray(one.image) < 128  # both halves of the page carry text
    half = ink.shape[1] // 2
    assert ink[:, :half].sum() > 1000 and ink[:, half:].sum() > 1000


@pytest.mark.parametrize("variant", VARIANTS)
def test_variants_are_deterministic(variant: str) -> None:
    a = make_pages(pages=1, variant=variant, seed=3, dpi=100)[0]
    b = make_pages(pages=1, variant=variant, seed=3, dpi=100)[0]
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    assert a.text == b.text


def test_variant_geometry() -> None:
    clean = make_pages(pages=1, variant="clean", dpi=100)[0]
    assert make_pages(pages=1, variant="rotated90", dpi=100)[0].image.size == clean.image.size[::-1]
    low = make_pages(pages=1, variant="lowres", dpi=300)[0]
    assert low.dpi == 200 and low.image.width == round(2480 * 200 / 300)
    skewed = make_pages(pages=1, variant="skewed", seed=5, dpi=100)[0]
    assert 1.0 <= abs(skewed.angle) <= 3.0
    assert make_pages(pages=1, variant="aged", dpi=100)[0].image.mode == "RGB"


def test_seeds_differ() -> None:
    a = make_pages(pages=1, variant="photocopy", seed=1, dpi=100)[0].image
    b = make_pages(pages=1, variant="photocopy", seed=2, dpi=100)[0].image
    assert not np.array_equal(np.asarray(a), np.asarray(b))


def test_make_scan_pdf_has_the_pages_and_dpi(tmp_path: Path) -> None:
    truth = make_scan(tmp_path / "scan.pdf", pages=2, variant="aged", dpi=150)
    assert len(truth) == 2 and all(t == nfc(t) for t in truth)
    info = subprocess.run(["pdfimages", "-list", str(tmp_path / "scan.pdf")], capture_output=True,
                          text=True, check=True).stdout.splitlines()[2:]
    assert len(info) == 2
    assert info[0].split()[12] == "150"  # x-ppi column


def test_make_scan_tiff_and_images(tmp_path: Path) -> None:
    truth = make_scan(tmp_path / "scan.tif", pages=2, variant="lowres", dpi=300)
    with Image.open(tmp_path / "scan.tif") as tiff:
        assert tiff.n_frames == 2 and round(tiff.info["dpi"][0]) == 200
    make_scan(tmp_path / "one.png", pages=1, variant="clean", dpi=100)
    assert Image.open(tmp_path / "one.png").size == (827, 1169)
    make_scan(tmp_path / "folder", pages=2, variant="clean", dpi=100, fmt="jpg")
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == ["page-001.jpg", "page-002.jpg"]
    assert len(truth) == 2


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        make_scan(tmp_path / "x.pdf", variant="burnt")
    with pytest.raises(ValueError):
        make_scan(tmp_path / "x.docx")
    with pytest.raises(ValueError):
        make_pages(font="gothic")
