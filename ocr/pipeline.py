"""One page through the OCR stages: rasterise → preprocess → recognise (→ guard) → outputs.

The guard: when sohoa's reading is doubtful (``ocr.quality.doubtful``), the untouched page is
also read as bare Tesseract would read it, and the better reading by ``reading_score`` is kept
(recorded as a "guard" step). Preprocessing must never make a page worse than no preprocessing;
pages that read well, nearly all of them, pay nothing for this.

A page in, a set of files out. Stages never know how they are scheduled: the caller (a plain
loop, a thread pool or a Prefect flow) decides.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from PIL import Image

from corpus.archive import (PAGE_ALTO, PAGE_HOCR, PAGE_IMAGE, PAGE_PROCESSED, PAGE_TEXT, PAGE_WORDS, words_json)
from corpus.models import Page
from ocr.layout import choose_psm
from ocr.preprocess import UNCHECKED, PreparedPage, PreprocessOptions, Step, prepare, to_grayscale
from ocr.quality import PageQuality, ReviewThresholds, assess, doubtful, reading_score
from ocr.recognize import OcrResult, RecognizeOptions, recognize
from ocr.sources import DEFAULT_DPI, DEFAULT_MAX_PIXELS, Source, render_page

BLANK_INK_RATIO = 0.0005  # share of dark pixels under which a page is blank (no OCR, no error)
# The guard's reading: the untouched page, Tesseract's automatic layout, its own threshold and its
# own resolution estimate, as `tesseract IMG - -l vie` reads it.
BARE = RecognizeOptions(psm=3, state_dpi=False)
# The bare reading must be clearly better: preprocessing wins on average, and on an English brochure
# (few valid syllables either way) the two scores were 1 % apart.
GUARD_MARGIN = 1.1
UNTOUCHING = ("grayscale", "resolution")  # steps that still describe the page when the bare reading is kept


@dataclass(frozen=True)
class OcrOptions:
    language: str = "vie"
    dpi: int = DEFAULT_DPI  # for PDF pages; images keep their own resolution
    psm: int | None = None  # None: chosen per page (4, or 3 where there are columns; see ocr.layout)
    max_pixels: int = DEFAULT_MAX_PIXELS
    review: ReviewThresholds = field(default_factory=ReviewThresholds.from_env)
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


def encode_processed(image: np.ndarray, binary: bool = True) -> bytes:
    """The page Tesseract read, as a TIFF (the archival format for scans), when Tesseract wrote
    none (a blank page is not recognised): CCITT G4 for a binarised page, else LZW."""
    buffer = io.BytesIO()
    picture = Image.fromarray(image)
    if binary:
        picture.convert("1").save(buffer, "TIFF", compression="group4")
    else:
        picture.save(buffer, "TIFF", compression="tiff_lzw")
    return buffer.getvalue()


def ocr_page(source: Source, doc_id: str, page_no: int, options: OcrOptions) -> PageOutcome:
    return recognize_page(prepare_page(source, page_no, options), doc_id, page_no, options)


def prepare_page(source: Source, page_no: int, options: OcrOptions) -> PreparedPage:
    """Render and preprocess: the page's Python and OpenCV work before Tesseract."""
    rendered = render_page(source, page_no, dpi=options.dpi, max_pixels=options.max_pixels)
    # the page as rendered is not kept: not held while Tesseract reads (the guard renders it anew)
    prepared = prepare(rendered.image, rendered.dpi, options.preprocess,
                       tag=rendered.tag if rendered.from_image else UNCHECKED)
    prepared.original = lambda: to_grayscale(
        render_page(source, page_no, dpi=options.dpi, max_pixels=options.max_pixels).image)
    return prepared


def recognize_page(prepared: PreparedPage, doc_id: str, page_no: int, options: OcrOptions) -> PageOutcome:
    """Tesseract on a prepared page, and every file and record made from what it read."""
    gray, steps = prepared.image, prepared.steps
    height, width = gray.shape
    # image.jpg is upright and level like the processed page, so word boxes fall on its words.
    files: dict[str, bytes | str] = {PAGE_IMAGE: encode_page_image(prepared.view)}
    if ink_ratio(gray) < BLANK_INK_RATIO:
        files[PAGE_PROCESSED] = encode_processed(gray, prepared.binary)
        return PageOutcome(_blank_page(doc_id, page_no, width, height, prepared.dpi, steps), files)
    psm, columns = (options.psm, None) if options.psm else choose_psm(gray)
    dpi = prepared.dpi
    # A resolution sohoa estimated is not forced on Tesseract: told one, its layout analysis acts on
    # it (VBHC-06 at 80 dpi, upscaled to 200: CER 4.45 % told, 1.70 % left to its own; bench/HISTORY.md).
    result = recognize(gray, dpi, RecognizeOptions(language=options.language, psm=psm, state_dpi=prepared.dpi_stated), page_no)
    quality = assess(((w.text, w.confidence) for w in result.words), options.review)
    if doubtful(quality, options.review) and prepared.original:
        untouched = prepared.original()
        bare, bare_quality = _read_bare(untouched, prepared.source_dpi, page_no, options)
        kept = "bare" if reading_score(bare_quality) > GUARD_MARGIN * reading_score(quality) else "sohoa"
        guard = {"step": "guard", "kept": kept, "sohoa": _scores(quality), "bare": _scores(bare_quality)}
        steps = [*steps, guard]
        if kept == "bare":  # the page as it came, read as the bare CLI reads it
            result, quality, gray, psm, columns, dpi = bare, bare_quality, untouched, BARE.psm, None, prepared.source_dpi
            # no turn or deskew lies between the original and what was read (the PDF layer undoes steps)
            steps = [s for s in prepared.steps if s["step"] in UNTOUCHING] + [
                {**guard, "set_aside": [s["step"] for s in prepared.steps if s["step"] not in UNTOUCHING]}]
            height, width = gray.shape
            files[PAGE_IMAGE] = encode_page_image(gray)
    # Tesseract's own black-and-white page, kept as it wrote it (G4 TIFF, ~0.07 MB): no re-encoding
    files[PAGE_PROCESSED] = result.thresholded or encode_processed(gray, gray is prepared.image and prepared.binary)
    page = Page(
        doc_id=doc_id, page_no=page_no, text=result.text, mean_confidence=result.mean_confidence,
        word_count=len(result.words), width=width, height=height, dpi=dpi,
        blank=not result.words, needs_review=quality.needs_review and bool(result.words),
        quality={**quality.as_dict(), "word_count": len(result.words), "psm": psm, "columns": columns},
        steps=steps,
    )
    files.update({PAGE_TEXT: result.text, PAGE_WORDS: words_json(result.words), PAGE_HOCR: result.hocr,
                  PAGE_ALTO: result.alto})
    return PageOutcome(page, files)


def _read_bare(untouched: np.ndarray, dpi: int, page_no: int, options: OcrOptions) -> tuple[OcrResult, PageQuality]:
    """The guard's reading of the untouched page, and its scores."""
    bare = recognize(untouched, dpi, replace(BARE, language=options.language), page_no)
    return bare, assess(((w.text, w.confidence) for w in bare.words), options.review)


def _scores(quality: PageQuality) -> dict[str, object]:
    return {"confidence": quality.mean_confidence, "syllables": quality.syllable_share, "tokens": quality.tokens}


def _blank_page(doc_id: str, page_no: int, width: int, height: int, dpi: int, steps: list[Step]) -> Page:
    return Page(doc_id=doc_id, page_no=page_no, text="", mean_confidence=None, word_count=0, width=width,
                height=height, dpi=dpi, blank=True, steps=steps, quality={"blank": True})
