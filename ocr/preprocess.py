"""Clean a page image before recognition: small named steps, each recorded and switchable off."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import pytesseract
from PIL import Image

Step = dict[str, object]


@dataclass(frozen=True)
class PreprocessOptions:
    orientation: bool = True
    disabled: frozenset[str] = field(default_factory=frozenset)

    def enabled(self, step: str) -> bool:
        return step not in self.disabled and (step != "orientation" or self.orientation)


def to_grayscale(image: Image.Image) -> np.ndarray:
    array = np.asarray(image.convert("L") if image.mode not in ("L", "1") else image.convert("L"))
    return np.ascontiguousarray(array)


def _line_profile_strength(gray: np.ndarray) -> tuple[float, float]:
    """How strongly ink is organised in rows vs in columns (text lines make rows stripy)."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.float32)
    rows = ink.mean(axis=1)
    cols = ink.mean(axis=0)
    return float(np.std(np.diff(rows))), float(np.std(np.diff(cols)))


def detect_orientation(gray: np.ndarray) -> int:
    """Clockwise angle (0, 90, 180, 270) by which the page must be turned to stand upright.

    A cheap profile test decides whether lines run across the page; only pages whose lines run
    down it pay for Tesseract's orientation detection (half-size, about half a second).
    """
    row_strength, col_strength = _line_profile_strength(gray)
    if col_strength <= 1.3 * row_strength:
        return 0
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    try:
        osd = pytesseract.image_to_osd(Image.fromarray(half), output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return 0
    return int(osd.get("rotate", 0)) % 360


def rotate(gray: np.ndarray, clockwise: int) -> np.ndarray:
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, turns[clockwise]) if clockwise in turns else gray


def preprocess(image: Image.Image, options: PreprocessOptions) -> tuple[np.ndarray, list[Step]]:
    """Grayscale, then orientation. Returns the cleaned page and what was done to it."""
    steps: list[Step] = []
    gray = to_grayscale(image)
    steps.append({"step": "grayscale"})
    if options.enabled("orientation"):
        angle = detect_orientation(gray)
        gray = rotate(gray, angle)
        steps.append({"step": "orientation", "rotated": angle})
    return gray, steps
