"""Scanned PDF pages that are one JPEG are read from the JPEG itself; every other page is rendered."""

from __future__ import annotations

import cv2
import numpy as np
import pikepdf

from ocr.embedded import embedded_scan
from ocr.sources import DEFAULT_MAX_PIXELS, open_source, render_page


def _jpeg_pixels(pdf_path, page_no: int) -> np.ndarray:
    with pikepdf.open(pdf_path) as pdf:
        (image,) = pdf.pages[page_no - 1].get_images().values()
        return cv2.imdecode(np.frombuffer(image.read_raw_bytes(), np.uint8), cv2.IMREAD_GRAYSCALE)


def test_a_page_that_is_one_jpeg_is_read_as_stored(scans):
    pdf = scans.get("two.pdf", pages=2, variant="clean")
    found = embedded_scan(pdf, 2, 300, DEFAULT_MAX_PIXELS)
    assert found is not None
    gray, dpi = found
    assert dpi == 300 and gray.shape == (3508, 2480)
    assert np.array_equal(gray, _jpeg_pixels(pdf, 2))
    page = render_page(open_source(pdf), 2)
    assert page.dpi == 300 and np.array_equal(np.asarray(page.image), gray)


def test_other_pages_are_left_to_poppler(scans, tmp_path):
    pdf = scans.get("two.pdf", pages=2, variant="clean")
    assert embedded_scan(pdf, 1, 150, DEFAULT_MAX_PIXELS) is None  # finer than asked: Poppler scales it
    assert embedded_scan(pdf, 1, 300, 1_000_000) is None  # over the pixel limit
    turned = tmp_path / "turned.pdf"
    with pikepdf.open(pdf) as doc:
        doc.pages[0].obj.Rotate = 90
        doc.save(turned)
    assert embedded_scan(turned, 1, 300, DEFAULT_MAX_PIXELS) is None
    drawn = tmp_path / "drawn.pdf"  # a line drawn over the scan: the page is more than its image
    with pikepdf.open(pdf) as doc:
        doc.pages[0].contents_add(pikepdf.Stream(doc, b"q 0 0 m 100 100 l S Q"))
        doc.save(drawn)
    assert embedded_scan(drawn, 1, 300, DEFAULT_MAX_PIXELS) is None
    rendered = render_page(open_source(drawn), 1)
    assert rendered.image.mode == "L" and rendered.image.size == (2480, 3508)
