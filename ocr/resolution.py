"""A scan's resolution read from its text, for images whose dpi tag is missing or wrong.

Archives arrive as JPEGs with no tag, phone photos tagged 96 and 300-dpi scans that say 72.
Assuming 300 dpi on a ~100-dpi page makes every later step (upscaling, Tesseract's own size
filters) behave as if the text were three times smaller than it is.

The estimate: the most common height of letter-sized ink blobs is the x-height (most lowercase
letters have neither ascender nor descender; Vietnamese marks are separate blobs), and body text
in the documents archives hold is set at 12-14 pt, where the x-height is about 0.085 inch. The
line pitch (the row profile's period) checks that those blobs really are lines of text: the
x-height is 15-60 % of it on any page of prose. Calibrated on the real scans of
``/work/shared/samples`` (300-dpi tagged scans estimate 270-390; ~100-dpi ones 70-130).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

X_HEIGHT_INCH = 0.085  # 13-pt Times-like body text: x-height 0.46 em
MIN_PLAUSIBLE, MAX_PLAUSIBLE = 100, 1200  # a stated dpi outside this is not believed
CONTRADICTED = 1.5  # an estimate this far from the tag (either way) overrides it
MIN_X_SHARE, MAX_X_SHARE = 0.15, 0.6  # x-height / line pitch on any page of prose
MERGED_X_SHARE = 0.55  # a "x-height" above this share of the pitch may be letters merged with their marks
MIN_BLOBS = 150  # fewer letter-sized blobs: too little text to estimate from
ESTIMATE_PIXELS = 2_000_000  # larger pages are measured at half size (~30-70 ms at 300 dpi; a quarter merged 1-bit letters)
DEFAULT_DPI = 300


@dataclass(frozen=True)
class Resolution:
    """What the file said, what the text says, and what the page is processed at."""

    tag: int | None  # None: the file states no resolution
    estimate: int | None  # None: too little text to tell
    used: int
    reason: str

    def as_step(self) -> dict[str, object]:
        return {"step": "resolution", "tag": self.tag, "estimate": self.estimate, "used": self.used,
                "reason": self.reason}


def x_height_and_pitch(gray: np.ndarray) -> tuple[float, float] | None:
    """(x-height, line pitch) in pixels of ``gray``, or None when there is too little text."""
    scale = 0.5 if gray.size > ESTIMATE_PIXELS else 1.0
    small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width, height, area = stats[1:count, 2], stats[1:count, 3], stats[1:count, 4]
    # letter-shaped: not a speck, not a rule or a frame, not a solid block
    letters = (height >= 3) & (width >= 2) & (width <= 3 * height) & (height <= 3 * width) & (area >= 0.2 * width * height)
    heights = height[letters]
    if len(heights) < MIN_BLOBS:
        return None
    counts = np.bincount(heights, minlength=8).astype(np.float64)
    smoothed = np.convolve(counts, [1, 2, 3, 2, 1], "same")  # one-pixel jitter of the same letters
    x_height = float(np.argmax(smoothed[3:]) + 3)
    pitch = _line_pitch(ink, x_height)
    if pitch and x_height > MERGED_X_SHARE * pitch:
        x_height = _unmarked_height(counts, int(x_height))
    return x_height / scale, pitch / scale


def _unmarked_height(counts: np.ndarray, mode: int) -> float:
    """On a coarse scan (~70-90 dpi) most tone marks touch their letters, and the commonest blob is
    a marked letter, ~1.3× the x-height (VBHC-06 at 80 dpi: 11 px against a line pitch of 18).
    The unmarked letters then make a second peak at 0.6-0.85 of it, at least half as high;
    without one the mode stands (a page's marks alone peak far lower)."""
    low, high = int(np.ceil(0.6 * mode)), int(0.85 * mode)
    if high < max(low, 3):
        return float(mode)
    peak = low + int(np.argmax(counts[low:high + 1]))
    return float(peak) if counts[peak] >= 0.5 * counts[mode] else float(mode)


def _line_pitch(ink: np.ndarray, x_height: float) -> float:
    """The period of the ink's profile across the lines (distance between line centres), searched
    from 1.5 to 8 x-heights; 0 when there is no such period. This runs before the page is turned
    upright: the profile across the lines is the one that swings most (ink, gap, ink), rows or
    columns."""
    profile = max((ink.sum(axis=1), ink.sum(axis=0)), key=lambda p: float(p.std() / max(p.mean(), 1e-9)))
    profile = profile.astype(np.float64) - profile.mean()
    spectrum = np.fft.rfft(profile, 2 * len(profile))
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum))[: len(profile)]
    low, high = int(1.5 * x_height), min(int(8 * x_height) + 1, len(profile) - 1)
    if high <= low:
        return 0.0
    return float(low + np.argmax(autocorrelation[low:high]))


def estimate_dpi(gray: np.ndarray) -> int | None:
    """The scan's resolution judged from its body text, or None when it cannot be told."""
    measured = x_height_and_pitch(gray)
    if measured is None:
        return None
    x_height, pitch = measured
    if not pitch or not MIN_X_SHARE <= x_height / pitch <= MAX_X_SHARE:
        return None  # the blobs do not sit in lines of text
    return int(round(x_height / X_HEIGHT_INCH))


def choose_resolution(gray: np.ndarray, tag: int | None) -> Resolution:
    """The stated resolution if it is plausible and the text agrees; the estimate otherwise."""
    estimate = estimate_dpi(gray)
    if tag is None:
        reason = "no tag"
    elif not MIN_PLAUSIBLE <= tag <= MAX_PLAUSIBLE:
        reason = "implausible tag"
    elif estimate and max(estimate / tag, tag / estimate) > CONTRADICTED:
        reason = "tag contradicted by the text"
    else:
        return Resolution(tag, estimate, tag, "tag")
    if estimate is None:
        return Resolution(tag, None, tag or DEFAULT_DPI, reason + ", no estimate")  # no text: nothing to size
    return Resolution(tag, estimate, estimate, reason)
