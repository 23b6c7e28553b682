"""Phone photos: find the sheet in the frame and look at it square.

A page photographed at an angle is a four-cornered sheet, lighter than the table around it, seen
in perspective: its lines converge and its letters shrink towards the far edge. Found on a small
copy (its edges, the largest closed outline, simplified to four corners), the sheet
is warped back to a rectangle at full size. Only image files are looked at (a PDF's render is a
flat page by construction), and only a clear case is acted on, so scans pass untouched:

- the outline has four corners and covers 30–97 % of the frame, with table visible around it;
- it is not a rectangle already: some corner at least 1.5° off square (a skewed scan on a dark
  bed is a rotated rectangle, which deskew levels without resampling twice);
- the table is clearly darker than the sheet (by 40 grey levels at the medians).
"""

from __future__ import annotations

import cv2
import numpy as np

PROBE = 480  # long side of the copy the outline is found on (a few ms)
MIN_SHARE, MAX_SHARE = 0.30, 0.97  # of the frame the sheet covers
MIN_CORNER_SKEW = 1.5  # degrees off square that only perspective explains
MIN_CONTRAST = 40  # grey levels between the sheet and the table
INSET = 0.01  # of the way from each corner to the centre


def find_sheet(gray: np.ndarray) -> np.ndarray | None:
    """The sheet's four corners in full-size pixels (top-left, top-right, bottom-right,
    bottom-left), or None when the frame shows no sheet in perspective."""
    # every few pixels first: averaging a whole 300-dpi page down costs 24 ms, this 4
    stride = max(1, max(gray.shape) // (2 * PROBE))
    scale = PROBE / max(gray.shape)
    small = cv2.resize(gray[::stride, ::stride], None, fx=scale * stride, fy=scale * stride,
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    # edges, not a threshold: under light falling off across the frame the sheet's dim corner is
    # as dark as the table's lit one, but its edge is still a step
    edges = cv2.dilate(cv2.Canny(small, 30, 90), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(outline) / small.size
    quad = cv2.approxPolyDP(cv2.convexHull(outline), 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4 or not MIN_SHARE <= share <= MAX_SHARE:
        return None
    corners = _in_reading_order(quad.reshape(4, 2).astype(np.float32))
    if max(abs(angle - 90.0) for angle in _corner_angles(corners)) < MIN_CORNER_SKEW:
        return None
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, corners.astype(np.int32), 255)
    paper, table = np.median(small[inside > 0]), np.median(small[inside == 0])
    if paper - table < MIN_CONTRAST:
        return None
    # each corner 1 % of the way in: the sheet's soft edge left with the table would read as a
    # dark rule along the page and upset the upside-down test (a generated photo: score 0.41 → −1.0)
    return (corners + INSET * (corners.mean(axis=0) - corners)) / scale


def square_sheet(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The sheet warped to a rectangle as large as its longer opposite sides (``sheet_size``): no
    detail is lost on the near half, and the far half is brought up to it."""
    width, height = sheet_size(corners)
    matrix = cv2.getPerspectiveTransform(np.float32(corners), _rectangle(width, height))
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def sheet_size(corners: np.ndarray) -> tuple[int, int]:
    top_left, top_right, bottom_right, bottom_left = np.float32(corners)
    width = int(round(max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left))))
    height = int(round(max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right))))
    return width, height


def sheet_to_frame(corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The homography (3×3, column vectors) from the squared sheet's pixels back to the photo's:
    what the searchable PDF needs to lay the words over the photo as it came (``ocr.pdf``)."""
    return cv2.getPerspectiveTransform(_rectangle(*size), np.float32(corners))


def _rectangle(width: int, height: int) -> np.ndarray:
    return np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])


def _in_reading_order(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left (smallest and largest x + y, y − x)."""
    total, diff = points.sum(axis=1), points[:, 1] - points[:, 0]
    return np.float32([points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)],
                       points[np.argmax(diff)]])


def _corner_angles(corners: np.ndarray) -> list[float]:
    angles = []
    for i, corner in enumerate(corners):
        a, b = corners[i - 1] - corner, corners[(i + 1) % 4] - corner
        cosine = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))
        angles.append(float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))))
    return angles
