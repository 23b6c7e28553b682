"""One page through the OCR stages: rasterise → preprocess → recognise → outputs.

A page in, a set of files out. Stages never know how they are scheduled: the caller (a plain
loop, a thread pool or a Prefect flow) decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from corpus.archive import words_json
from corpus.models import Page
from ocr.preprocess import PreprocessOptions, Step, preprocess
from ocr.recognize import RecognizeOptions, recognize
from ocr.sources import DEFAULT_DPI, DEFAULT_MAX_PIXELS, Source, render_page

BLANK_INK_RATIO = 0.0005  # share of dark pixels under which a page is blank (no OCR, no error)


@dataclass(frozen=True)
class OcrOptions:
    language: str = "vie"
    dpi: int = DEFAULT_DPI  # for PDF pages; images keep their own resolution
    psm: int = 4  # single column of variable-size text: right for typewritten pages (psm 3 invents columns)
    max_pixels: int = DEFAULT_MAX_PIXELS
    review_confidence: float = 70.0  # pages under this mean word confidence need a human look
    preprocess: PreprocessOptions = field(default_factory=PreprocessOptions)


@dataclass
class PageOutcome:
    """A recognised page, ready to be saved: its catalog record and its files."""

    page: Page
    files: dict[str, bytes | str]


def ink_ratio(gray: np.ndarray) -> float:
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Otsu on an empty page splits paper noise in two: only count pixels that are really dark.
    return float(np.count_nonzero(ink & (small < 128)) / ink.size)


def encode_page_image(gray: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok, "OpenCV could not encode a grayscale page as JPEG"
    return buffer.tobytes()


def ocr_page(source: Source, doc_id: str, page_no: int, options: OcrOptions) -> PageOutcome:
    rendered = render_page(source, page_no, dpi=options.dpi, max_pixels=options.max_pixels)
    gray, steps = preprocess(rendered.image, options.preprocess)
    height, width = gray.shape
    files: dict[str, bytes | str] = {"image.jpg": encode_page_image(gray)}
    if ink_ratio(gray) < BLANK_INK_RATIO:
        return PageOutcome(_blank_page(doc_id, page_no, width, height, rendered.dpi, steps), files)
    result = recognize(gray, rendered.dpi, RecognizeOptions(language=options.language, psm=options.psm))
    confidence = result.mean_confidence
    page = Page(
        doc_id=doc_id, page_no=page_no, text=result.text, mean_confidence=confidence,
        word_count=len(result.words), width=width, height=height, dpi=rendered.dpi,
        blank=not result.words,
        needs_review=confidence is not None and confidence < options.review_confidence,
        quality={"mean_confidence": confidence, "word_count": len(result.words), "psm": result.psm},
        steps=steps,
    )
    files.update({"text.txt": result.text, "words.json": words_json(result.words), "page.hocr": result.hocr})
    return PageOutcome(page, files)


def _blank_page(doc_id: str, page_no: int, width: int, height: int, dpi: int, steps: list[Step]) -> Page:
    return Page(doc_id=doc_id, page_no=page_no, text="", mean_confidence=None, word_count=0, width=width,
                height=height, dpi=dpi, blank=True, steps=steps, quality={"blank": True})
