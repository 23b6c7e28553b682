"""Upright or upside down, settled by reading: a page is never turned unless the turn reads better.

The ink-above-lines test (``geometry.upside_down_score``) is free and right on most pages, but on
~100-dpi scans its margin shrinks, and Tesseract's OSD, asked when it was unsure, turned a real
upright directive (VBHC-10) upside down: the archive held garbage at confidence 38. So when the
cheap test is not clearly positive, a strip of the page's densest lines is read both ways up;
the page is turned only when the turned strip has more valid Vietnamese syllables *and* a
higher mean confidence. A tie keeps the page as it came: a scanner turns pages far less often
than a heuristic errs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytesseract
from PIL import Image

from ocr.geometry import turn
from ocr.quality import syllable_share

STRIP_SHARE = 0.15  # of the page height: five to ten lines of body text
STRIP_STEP = 4  # rows of the quarter-size mask between candidate strip positions


@dataclass(frozen=True)
class StripReading:
    syllables: int  # valid syllables read
    confidence: float  # mean word confidence, 0-100

    def beats(self, other: "StripReading") -> bool:
        return self.syllables > other.syllables and self.confidence > other.confidence


def densest_strip(gray: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The full-width band of ``gray`` holding the most ink (``ink``: a quarter-size mask)."""
    rows = ink.sum(axis=1).astype(np.int64)
    window = max(1, int(STRIP_SHARE * len(rows)))
    totals = np.convolve(rows, np.ones(window, np.int64), "valid")
    start = int(np.argmax(totals[::STRIP_STEP])) * STRIP_STEP
    scale = gray.shape[0] / ink.shape[0]
    top, bottom = int(start * scale), int(min(len(rows), start + window) * scale)
    return gray[top:bottom]


def read_strip(strip: np.ndarray, dpi: int, language: str = "vie") -> StripReading:
    """How well Tesseract reads a strip of lines as one block (psm 6)."""
    data = pytesseract.image_to_data(Image.fromarray(strip), lang=language, config=f"--psm 6 --dpi {dpi}",
                                     output_type=pytesseract.Output.DICT)
    pairs = [(text, float(conf)) for text, conf in zip(data["text"], data["conf"]) if text.strip() and float(conf) >= 0]
    if not pairs:
        return StripReading(0, 0.0)
    share, judged = syllable_share(" ".join(text for text, _ in pairs))
    return StripReading(round((share or 0.0) * judged), sum(conf for _, conf in pairs) / len(pairs))


def settle_upside_down(gray: np.ndarray, ink: np.ndarray, dpi: int) -> tuple[int, dict[str, object]]:
    """(0 or 180 clockwise degrees to turn, evidence) from reading the densest strip both ways up."""
    strip = densest_strip(gray, ink)
    as_is, turned = read_strip(strip, dpi), read_strip(turn(strip, 180), dpi)
    evidence = {"as_is": [as_is.syllables, round(as_is.confidence, 1)],
                "turned": [turned.syllables, round(turned.confidence, 1)]}
    return (180 if turned.beats(as_is) else 0), evidence
