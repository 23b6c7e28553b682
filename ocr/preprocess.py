"""Clean a page image before recognition: small named steps, each recorded and switchable off.

Order: grayscale (colour scans: red seal ink lifted out) → perspective (photos: the sheet squared) → borders → background → resolution (images: the tag checked against the
text) → punch holes → orientation (90°) → deskew → orientation (180°) → denoise → upscale → binarise (by default: Tesseract's own threshold on the
flattened grey page; Sauvola on request). Estimates run on small copies; the cost is
tens of milliseconds a page, plus two Tesseract reads of a strip of lines only when the cheap
upside-down test does not clearly say upright.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ocr import cleanup, geometry, orientation, photo
from ocr.resolution import choose_resolution

Step = dict[str, object]
STEPS = ("seals", "perspective", "borders", "background", "resolution", "punch_holes", "orientation", "deskew", "denoise", "upscale",
         "binarize")
UNCHECKED = -1  # ``tag`` for a page whose resolution is not in doubt (a PDF page rendered at a known dpi)
MIN_SKEW = 0.1  # degrees: below this a rotation only blurs
UNSURE_UPRIGHT = 0.25  # upside_down_score under this: a strip is read both ways up (ocr.orientation)
NOISY = 6.0  # paper grain (grey levels) above which a page is median-filtered
THRESHOLDS = ("tesseract", "sauvola")
GREY_MODES = ("1", "L", "I", "I;16", "F")  # PIL modes without colour: no seal to tell by it  # who turns the grey page into ink and paper


@dataclass(frozen=True)
class PreprocessOptions:
    orientation: bool = True
    disabled: frozenset[str] = field(default_factory=frozenset)  # names from STEPS
    threshold: str = "tesseract"  # one of THRESHOLDS: "sauvola" binarises here (not after upscaling)

    def __post_init__(self) -> None:
        if self.threshold not in THRESHOLDS:
            raise ValueError(f"threshold must be one of {THRESHOLDS}, not {self.threshold!r}")

    def enabled(self, step: str) -> bool:
        return step not in self.disabled and (step != "orientation" or self.orientation)


@dataclass
class PreparedPage:
    image: np.ndarray  # what Tesseract reads: ``view`` itself, or its Sauvola binarisation
    view: np.ndarray  # the same page in grayscale, same geometry: what a reader sees, boxes drawn on it
    dpi: int  # after upscaling
    steps: list[Step]
    source_dpi: int = 0  # the untouched page's resolution (tag or estimate), before upscaling
    # False when ``dpi`` rests on sohoa's estimate (or a default), not on the file: Tesseract is then
    # left to its own estimate (``ocr.recognize.RecognizeOptions.state_dpi``)
    dpi_stated: bool = True
    # the untouched page again, rendered anew when asked (the guard): not held while Tesseract reads
    original: Callable[[], np.ndarray] | None = None

    @property
    def binary(self) -> bool:
        """Whether ``image`` was binarised here (else Tesseract thresholds the grey ``view`` itself)."""
        return self.image is not self.view


def to_grayscale(image: Image.Image | np.ndarray) -> np.ndarray:
    if isinstance(image, np.ndarray):  # grey already (ocr.sources): a PIL round trip would copy it twice
        return image
    return np.ascontiguousarray(np.asarray(image if image.mode == "L" else image.convert("L")))


def _without_seals(image: Image.Image | np.ndarray, steps: list[Step]) -> np.ndarray:
    """Grey page; on a colour scan, red seal and stamp ink lifted out first (``cleanup.lift_red_ink``)."""
    if isinstance(image, np.ndarray) or image.mode in GREY_MODES:
        return to_grayscale(image)
    gray, share = cleanup.lift_red_ink(np.asarray(image.convert("RGB")))
    if share:
        steps.append({"step": "seals", "red_share": round(share, 4)})
    return gray


def prepare(image: Image.Image | np.ndarray, dpi: int, options: PreprocessOptions | None = None, *,
            tag: int | None = UNCHECKED) -> PreparedPage:
    """Run every enabled step; record each (with what it found) in ``steps``.

    ``tag``: the resolution an image file states (None: none), checked against its text and
    replaced by the text's estimate when missing, implausible or contradicted (``ocr.resolution``).
    """
    options = options or PreprocessOptions()
    steps: list[Step] = [{"step": "grayscale"}]
    gray = _without_seals(image, steps) if options.enabled("seals") else to_grayscale(image)
    # image files only: a PDF's render is a flat page by construction
    if options.enabled("perspective") and tag != UNCHECKED and (corners := photo.find_sheet(gray)) is not None:
        frame = [gray.shape[1], gray.shape[0]]
        gray = photo.square_sheet(gray, corners)
        steps.append({"step": "perspective", "corners": [[round(float(v), 1) for v in c] for c in corners],
                      "size": list(photo.sheet_size(corners)), "frame": frame})
    if options.enabled("borders") and (borders := cleanup.find_borders(gray)):
        gray = cleanup.whiten_borders(gray, borders)
        steps.append({"step": "borders", "removed": borders})
    if options.enabled("background"):
        gray = cleanup.normalize_background(gray)
        steps.append({"step": "background"})
    dpi_stated = True
    if options.enabled("resolution") and tag != UNCHECKED:
        resolution = choose_resolution(gray, tag)
        dpi, dpi_stated = resolution.used, resolution.reason == "tag"
        steps.append(resolution.as_step())
    source_dpi = dpi
    ink = geometry.ink_mask(gray, 0.25)
    if options.enabled("punch_holes") and (holes := cleanup.find_punch_holes(ink, 0.25, dpi)):
        gray = cleanup.whiten_boxes(gray, holes)
        ink = geometry.ink_mask(gray, 0.25)
        steps.append({"step": "punch_holes", "removed": len(holes)})
    measure_lines = options.enabled("orientation") or options.enabled("deskew")
    rows = geometry.level_shear(ink) if measure_lines else (0.0, 1.0)  # (skew, sharpness) as the lines lie
    if options.enabled("orientation") and geometry.lines_run_across(ink, rows) < 1.0:
        gray = geometry.turn(gray, 90)  # sideways; the 180° test below settles 90 versus 270
        ink = geometry.ink_mask(gray, 0.25)
        rows = geometry.level_shear(ink)
        steps.append({"step": "orientation", "rotated": 90, "how": "line profile"})
    if options.enabled("deskew"):
        angle = rows[0]
        if abs(angle) >= MIN_SKEW:
            gray = geometry.level(gray, angle)
            ink = geometry.ink_mask(gray, 0.25)
        steps.append({"step": "deskew", "angle": round(angle, 2), "applied": abs(angle) >= MIN_SKEW})
    if options.enabled("orientation"):
        gray = _upright(gray, ink, dpi, steps)
    if options.enabled("denoise") and (noise := cleanup.noise_level(gray)) > NOISY:
        gray = cleanup.denoise(gray)
        steps.append({"step": "denoise", "noise": round(noise, 1)})
    upscaled = options.enabled("upscale") and dpi < cleanup.UPSCALE_BELOW
    if upscaled:
        gray, new_dpi = cleanup.upscale(gray, dpi)
        steps.append({"step": "upscale", "from_dpi": dpi, "to_dpi": new_dpi})
        dpi = new_dpi
    view = gray
    if options.enabled("binarize"):
        # Background normalisation already flattens the paper, so Tesseract's own global threshold
        # reads the grey page better than Sauvola's local one (bench/HISTORY.md has the bench); on an
        # upscaled page Sauvola also nicks the interpolated grey strokes.
        if options.threshold == "sauvola" and not upscaled:
            gray = cleanup.sauvola(gray, dpi)
            steps.append({"step": "binarize", "method": "sauvola"})
        else:
            why = "page upscaled" if options.threshold == "sauvola" else "default"
            steps.append({"step": "binarize", "method": f"tesseract (global, {why})"})
    return PreparedPage(gray, view, dpi, steps, source_dpi, dpi_stated=dpi_stated)


def _upright(gray: np.ndarray, ink: np.ndarray, dpi: int, steps: list[Step]) -> np.ndarray:
    """Turn an upside-down page: trust the ink-above-lines test only when it clearly says upright;
    otherwise read a strip both ways up and turn only if the turned one reads better."""
    score = geometry.upside_down_score(ink)
    step: Step = {"step": "orientation", "score": round(score, 2)}
    if score >= UNSURE_UPRIGHT:
        clockwise, step["how"] = 0, "ink above lines"
    else:
        clockwise, evidence = orientation.settle_upside_down(gray, ink, dpi)
        step.update(how="strip read both ways", **evidence)
    if clockwise:
        gray = geometry.turn(gray, clockwise)
    steps.append({**step, "rotated": clockwise})
    return gray
