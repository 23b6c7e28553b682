"""The guard: a doubtful reading is checked against bare Tesseract's reading of the untouched page,
and the better one is kept and recorded; a page that reads well never pays for the check."""

from __future__ import annotations

import numpy as np

from ocr.geometry import turn
from ocr.metrics import error_rates
from ocr.pipeline import OcrOptions, recognize_page
from ocr.preprocess import PreparedPage, prepare, to_grayscale
from sohoa.samples import make_pages


def _page() -> tuple[np.ndarray, str, int]:
    sample = make_pages(pages=1, font="serif", variant="clean", seed=3)[0]
    return to_grayscale(sample.image), sample.text, sample.dpi


def test_guard_keeps_the_bare_reading_when_preprocessing_went_wrong() -> None:
    gray, truth, dpi = _page()
    upside_down = turn(gray, 180)  # as if the orientation step had turned an upright page
    prepared = PreparedPage(upside_down, upside_down, dpi, [{"step": "orientation", "rotated": 180}], dpi,
                            original=lambda: gray)
    outcome = recognize_page(prepared, "doc", 1, OcrOptions())
    (guard,) = [s for s in outcome.page.steps if s["step"] == "guard"]
    assert guard["kept"] == "bare" and guard["bare"]["confidence"] > guard["sohoa"]["confidence"]  # type: ignore[index]
    assert error_rates(outcome.page.text, truth).cer < 0.02 and not outcome.page.needs_review
    assert (outcome.page.width, outcome.page.height) == (gray.shape[1], gray.shape[0])  # boxes fall on image.jpg


def test_a_page_that_reads_well_is_not_read_twice() -> None:
    gray, truth, dpi = _page()
    asked = []
    prepared = prepare(gray, dpi)
    prepared.original = lambda: asked.append(1) or gray  # type: ignore[func-returns-value]
    outcome = recognize_page(prepared, "doc", 1, OcrOptions())
    assert not asked and "guard" not in [s["step"] for s in outcome.page.steps]
    assert error_rates(outcome.page.text, truth).cer < 0.02
