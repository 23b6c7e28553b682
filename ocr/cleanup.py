"""Pixel cleaning for aged, stained, photocopied pages: each function one named step.

Costs on an A4 page at 300 dpi (8.7 Mpx, one core) are noted per step; the whole chain stays in
tens of milliseconds because everything estimated (background, borders, holes) is estimated on a
small copy and only applied at full size.
"""

from __future__ import annotations

import cv2
import numpy as np

# Tesseract's LSTM reads 200-dpi scans best as they are, told their resolution (bench, 4 pages:
# CER 0.066 % as they are, 0.112 % upscaled to 300 dpi, 0.150 % to 400); coarser scans lose
# diacritics and are brought to 200 dpi: on three real 106-129 dpi pages with ground truth, CER
# as they were 0.8/2.8/2.1 %, to 200 dpi 0.6/2.6/0.9 %, to 250 0.8/3.2/1.0 %, to 300
# 1.2/3.4/1.2 %, to 400 0.6/3.5/1.1 % (bench/HISTORY.md).
UPSCALE_TO = 200
UPSCALE_BELOW = 150
MIN_HOLE_INCH = 0.16  # binder punch holes are 5-8 mm across
RED_INK = 40  # red channel this far above green and blue: seal or stamp ink, not black or grey


def lift_red_ink(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Grey page from an RGB scan with red seal and stamp ink lifted to its red channel (paper
    light), and the share of pixels lifted (~40 ms at 300 dpi).

    Only clearly red pixels change: black strokes under a seal are dark in every channel and
    stay black. Lifting to the red channel rather than to white keeps a stroke's soft edge where
    red and black ink blend (KAI-01, seal over the signature block: CER 2.05 % as grey, 2.91 %
    with the red painted white, 1.59 % lifted; bench/HISTORY.md).
    """
    red = np.ascontiguousarray(rgb[..., 0])
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    stamp = cv2.compare(cv2.subtract(red, cv2.max(rgb[..., 1], rgb[..., 2])), RED_INK, cv2.CMP_GT)
    np.copyto(gray, red, where=stamp.astype(bool))
    return gray, float(np.count_nonzero(stamp)) / stamp.size


def normalize_background(gray: np.ndarray) -> np.ndarray:
    """Divide out the paper (yellowing, stains, uneven light), then stretch the ink to black (~25 ms).

    The paper is the page with the text dilated away, estimated at 1/8 size.
    """
    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    paper = cv2.medianBlur(cv2.dilate(small, np.ones((7, 7), np.uint8)), 5)
    paper = cv2.resize(cv2.max(paper, 1), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, paper, scale=255)
    del paper  # full-size pages are 8.7 MB each at 300 dpi: the stretch below works in place
    darkest = histogram_quantile(flat[::4, ::4], 0.005)  # faded ink: its darkest becomes black
    if darkest >= 200:  # an empty page: nothing to stretch
        return flat
    return cv2.convertScaleAbs(flat, flat, alpha=255.0 / (255.0 - darkest), beta=-255.0 * darkest / (255.0 - darkest))


def _dark_run_from_edge(fractions: np.ndarray, limit: float = 0.5) -> int:
    """How many lines from the start are mostly ink (a scanner or copier border)."""
    dark = fractions > limit
    return int(np.argmin(dark)) if not dark.all() else len(dark)


def find_borders(gray: np.ndarray, scale: float = 0.25) -> dict[str, int]:
    """Full-size widths of dark bands along each edge (scanner lid, copier shadow, film edge)."""
    ink = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) < 96
    height, width = ink.shape
    cap_x, cap_y = width // 5, height // 5  # a border is a band, never a fifth of the page
    cols, rows = ink.mean(axis=0), ink.mean(axis=1)
    bands = {"left": _dark_run_from_edge(cols[:cap_x]), "right": _dark_run_from_edge(cols[::-1][:cap_x]),
             "top": _dark_run_from_edge(rows[:cap_y]), "bottom": _dark_run_from_edge(rows[::-1][:cap_y])}
    # one pixel more at full size: the band's soft inner edge
    return {side: int(round((n + 1) / scale)) for side, n in bands.items() if n}


def whiten_borders(gray: np.ndarray, borders: dict[str, int]) -> np.ndarray:
    out = gray.copy()
    h, w = out.shape
    for side, n in borders.items():
        if side == "left":
            out[:, :n] = 255
        elif side == "right":
            out[:, w - n:] = 255
        elif side == "top":
            out[:n, :] = 255
        else:
            out[h - n:, :] = 255
    return out


def find_punch_holes(ink: np.ndarray, scale: float, dpi: int) -> list[tuple[int, int, int, int]]:
    """Round, filled blobs in the outer margin (binder holes): full-size (x, y, w, h) boxes.

    A hole is at least ``MIN_HOLE_INCH`` across and stands alone: on a tightly cropped
    low-resolution photo, bold letters (a heading's, a line's first) are round, filled, in the
    "margin" and a fiftieth of the width, but have neighbours on their line.
    """
    height, width = ink.shape
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    x, y, w, h, area = (stats[1:count, i].astype(np.int64) for i in range(5))  # every letter is one: no loop
    margin_x, margin_y = 0.12 * width, 0.08 * height
    in_margin = (x + w < margin_x) | (x > width - margin_x) | (y + h < margin_y) | (y > height - margin_y)
    round_ = (w >= 0.75 * np.maximum(h, 1)) & (w <= 1.33 * np.maximum(h, 1)) & (area >= 0.6 * w * h)
    side = np.maximum(w, h)
    big = (side >= max(0.02 * width, MIN_HOLE_INCH * dpi * scale)) & (side <= 0.08 * width)
    pad = 2
    return [tuple(int(round(v / scale)) for v in (x[i] - pad, y[i] - pad, w[i] + 2 * pad, h[i] + 2 * pad))  # type: ignore[misc]
            for i in np.flatnonzero(in_margin & round_ & big) if _alone(ink, x[i], y[i], w[i], h[i], area[i])]


def _alone(ink: np.ndarray, x: int, y: int, w: int, h: int, area: int) -> bool:
    """No other ink within half a blob width either side on the blob's rows (a letter has
    neighbours closer than that; a hole may sit a tenth of an inch from the text)."""
    band = ink[y:y + h, max(x - w // 2, 0):x + w + w // 2]
    return int(band.sum()) - int(ink[y:y + h, x:x + w].sum()) <= 0.05 * area


def whiten_boxes(gray: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    out = gray.copy()
    for x, y, w, h in boxes:
        out[max(y, 0):y + h, max(x, 0):x + w] = 255
    return out


def noise_level(gray: np.ndarray) -> float:
    """Grain on the paper: spread of the background pixels around their local median (~8 ms)."""
    sample = np.ascontiguousarray(gray[::2, ::2])
    smooth = cv2.medianBlur(sample, 5)
    paper = cv2.compare(smooth, 200, cv2.CMP_GT)
    # median absolute deviation: the few stroke edges inside "paper" do not count
    return 1.4826 * histogram_quantile(cv2.absdiff(sample, smooth), 0.5, paper)


def histogram_quantile(values: np.ndarray, q: float, mask: np.ndarray | None = None) -> float:
    """``np.quantile(values[mask > 0], q)`` of 8-bit values (NumPy's linear interpolation), from
    their histogram: the same number, in a fraction of the time of sorting or partitioning a
    page's pixels (np.percentile took ~8 ms for the 0.5 % point of a quarter-size page; 0.0 when
    the mask is empty)."""
    counts = cv2.calcHist([np.ascontiguousarray(values)], [0], mask, [256], [0, 256]).ravel().astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return 0.0
    position = q * (total - 1)  # in the sorted values, between the k-th and the (k+1)-th
    k = int(position)
    below = np.cumsum(counts)
    low, high = np.searchsorted(below, [k + 1, min(k + 2, total)])
    return float(low) + (position - k) * float(high - low)


def denoise(gray: np.ndarray) -> np.ndarray:
    """3×3 median: removes toner speckle and grain, keeps strokes of 2 px and more (~15 ms)."""
    return cv2.medianBlur(gray, 3)


def upscale(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    """Bring a low-resolution scan to 200 dpi (bicubic); others unchanged."""
    if dpi >= UPSCALE_BELOW:
        return gray, dpi
    factor = UPSCALE_TO / dpi
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), UPSCALE_TO


def sauvola(gray: np.ndarray, dpi: int, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola's adaptive threshold over a window about 2.6 mm a side (~40 ms at 300 dpi).

    T = m · (1 + k · (s / R − 1)): faint ink on uneven paper stays ink, stains without strokes
    become paper. Local mean and deviation vary slowly, so they are computed at half size and
    the threshold map is scaled back up; only the comparison runs at full size.
    """
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA).astype(np.float32)
    window = int(dpi / 300 * 15) | 1
    mean = cv2.boxFilter(half, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    sq_mean = cv2.boxFilter(cv2.multiply(half, half), -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    std = cv2.sqrt(cv2.max(sq_mean - cv2.multiply(mean, mean), 0.0))
    threshold = cv2.multiply(mean, 1.0 + k * (std / r - 1.0))
    threshold = cv2.resize(threshold, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.compare(gray.astype(np.float32), threshold, cv2.CMP_GT)
