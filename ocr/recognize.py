"""Recognise a page with Tesseract: one run gives the text, the hOCR and the words with their boxes.

Tesseract writes its TSV only; the text, words, hOCR (``ocr.hocr``) and ALTO (``ocr.tsv``) are
derived from it, sparing its other renderers' CPU (the PDF text layer is written from the words
when the document's PDF is assembled: ``ocr.textlayer``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from pytesseract.pytesseract import run_tesseract

from corpus.models import Word
from ocr.hocr import hocr_of
from ocr.tsv import alto_of, read_tsv, text_of, words_of
from sohoa.errors import MissingDependencyError, SubprocessError

PAGE_TIMEOUT = 600  # seconds; a page that takes longer is stuck, not slow

# Tesseract's layout stage searches each text line for a fixed character pitch (typewriter cells,
# `tune_row_pitch`), a search made for its legacy engine: the LSTM engine reads whole lines and
# finds its own words. Skipped, the TSV's text and confidences were the same on 21 pages of every
# kind (a few word boxes moved by pixels on one real typewriter page), for ~4 % fewer of
# Tesseract's instructions (callgrind; bench/HISTORY.md).
_NO_PITCH_SEARCH = "-c textord_disable_pitch_test=1"


@dataclass(frozen=True)
class RecognizeOptions:
    language: str = "vie"
    psm: int = 3
    timeout: int = PAGE_TIMEOUT
    # False: Tesseract is not told the resolution and estimates it from the text, as the bare CLI
    # does on an untagged image (the guard's reading); ``dpi`` then only sizes the hOCR and PDF.
    state_dpi: bool = True


@dataclass
class OcrResult:
    text: str
    words: list[Word]
    hocr: str
    psm: int
    alto: str = ""  # ALTO XML, word confidences in WC (0-1)
    thresholded: bytes = b""  # the black-and-white image Tesseract read, as it wrote it (TIFF, 1 bit)

    @property
    def mean_confidence(self) -> float | None:
        if not self.words:
            return None
        return round(sum(w.confidence for w in self.words) / len(self.words), 2)


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError:
        raise MissingDependencyError(
            "tesseract not found: install the Debian packages tesseract-ocr and tesseract-ocr-vie") from None


@lru_cache(maxsize=8)
def language_data(language: str) -> dict[str, str]:
    """Which trained data a run used, for provenance: file and fingerprint per language."""
    tesseract_version()
    available = set(pytesseract.get_languages(config=""))
    found: dict[str, str] = {}
    for lang in language.split("+"):
        if lang not in available:
            package = f"tesseract-ocr-{lang.lower()}" if lang != "Vietnamese" else "tesseract-ocr-script-viet"
            raise MissingDependencyError(f"Tesseract has no '{lang}' language data: install the Debian package {package}")
        found[lang] = _traineddata_fingerprint(lang)
    return found


def _traineddata_fingerprint(lang: str) -> str:
    for folder in (os.environ.get("TESSDATA_PREFIX"), "/usr/share/tesseract-ocr/5/tessdata",
                   "/usr/share/tesseract-ocr/4.00/tessdata"):
        if folder and (path := Path(folder) / f"{lang}.traineddata").exists():
            return f"{path} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"
    return "unknown location"


def recognize(gray: np.ndarray, dpi: int, options: RecognizeOptions, page_no: int = 1) -> OcrResult:
    """Run Tesseract once on page ``page_no``'s image; return NFC text, words with boxes, hOCR and
    ALTO (whose boxes fall on the page's image.jpg, which they name)."""
    language_data(options.language)
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        # BMP, not PGM: Leptonica reads a BMP a row at a time, but a PGM at ~150 instructions a
        # pixel, ~6 % of Tesseract's whole work on a 300-dpi page (callgrind; bench/HISTORY.md).
        image_path = Path(tmp, "page.bmp")
        cv2.imwrite(str(image_path), gray)
        base = Path(tmp, "out")
        # One run writes the TSV (words, text, hOCR and ALTO are derived from it: ocr.tsv,
        # ocr.hocr) and the page after Tesseract's own
        # thresholding (out.processed.tif). OpenCV's BMP carries no resolution: without --dpi
        # Tesseract guesses one from the type size (~457 for 12-point text at 300) and then drops
        # thin strokes as noise (the "II" of "khóa II", an initial N; bench/HISTORY.md).
        stated = f"--dpi {dpi} " if options.state_dpi else ""
        config = f"--psm {options.psm} {stated}-c tessedit_create_tsv=1 -c tessedit_write_images=1 {_NO_PITCH_SEARCH}"
        try:
            run_tesseract(str(image_path), str(base), extension="tsv", lang=options.language,
                          config=config, timeout=options.timeout)
        except pytesseract.TesseractNotFoundError:
            tesseract_version()
            raise
        except (pytesseract.TesseractError, RuntimeError) as exc:
            raise SubprocessError(f"tesseract failed: {exc}") from None
        table = read_tsv(base.with_suffix(".tsv").read_text(encoding="utf-8"))
        thresholded = base.with_name("out.processed.tif")
        thresholded_bytes = thresholded.read_bytes() if thresholded.exists() else b""
    software = f"tesseract {tesseract_version()}"
    return OcrResult(text=text_of(table), words=words_of(table), psm=options.psm,
                     hocr=hocr_of(table, software=software, dpi=dpi, language=options.language, page_no=page_no),
                     alto=alto_of(table, software, page_no=page_no, language=options.language), thresholded=thresholded_bytes)
