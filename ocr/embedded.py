"""A scanned PDF page read as it is stored: its one JPEG image, decoded straight to grey.

Most scanned PDFs are one JPEG per page, placed to fill the page. Rasterising such a page with
Poppler decodes the JPEG and then redraws it (about 0.3 CPU-s and a 65 MB `pdftoppm` process a
300-dpi page, in RGB); decoding the JPEG to grey in-process costs about 30 ms, and the pixels are
the scanner's own rather than a resampled copy. Anything else (a page with text or vector
drawing, a turned or cropped page, JBIG2 or CCITT images, masks, CMYK, a scan finer than asked)
is left to Poppler: :func:`embedded_scan` answers None.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pikepdf

from ocr.pdf import affine, page_rotation

_DRAWING_ONLY = {"q", "Q", "cm", "Do"}  # a content stream that does nothing but place an image
_TOLERANCE_PT = 0.5  # how far the image's edges may lie from the page's (rounding in the producer)
_GREY_OR_RGB = {"/DeviceGray": 1, "/DeviceRGB": 3}


def embedded_scan(path: Path, page_no: int, dpi: int, max_pixels: int) -> tuple[np.ndarray, int] | None:
    """The page's scan as a grey array and its resolution, when the page is one JPEG filling it at
    72 to ``dpi`` pixels an inch (what Poppler would draw pixel for pixel); else None."""
    try:
        with pikepdf.open(path) as pdf:
            page = pdf.pages[page_no - 1]
            found = _sole_image(page)
            if found is None:
                return None
            image, width_pt, height_pt = found
            width, height = int(image.Width), int(image.Height)
            resolution = _resolution(width, height, width_pt, height_pt)
            if resolution is None or not 72 <= resolution <= dpi + 0.5 or width * height > max_pixels:
                return None
            data = np.frombuffer(image.read_raw_bytes(), np.uint8)
    except (pikepdf.PdfError, IndexError, KeyError, TypeError, ValueError, AttributeError):
        return None  # anything unexpected: Poppler renders the page, and reports a damaged one
    gray = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION)
    if gray is None or gray.shape != (height, width):
        return None
    return gray, int(round(resolution))


def _resolution(width: int, height: int, width_pt: float, height_pt: float) -> float | None:
    """Pixels an inch of an image drawn ``width_pt`` × ``height_pt``; None if not the same both ways."""
    x_ppi, y_ppi = width * 72 / width_pt, height * 72 / height_pt
    return x_ppi if abs(x_ppi - y_ppi) <= 0.01 * x_ppi else None


def _sole_image(page: pikepdf.Page) -> tuple[pikepdf.Object, float, float] | None:
    """The page's only image, if the page is that image filling it upright; with its drawn size."""
    if page_rotation(page) != 0:
        return None
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    if "/CropBox" in page.obj and [float(v) for v in page.obj.CropBox] != [x0, y0, x1, y1]:
        return None
    ctm, stack, placed = np.eye(3), [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op not in _DRAWING_ONLY:
            return None
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = affine(*(float(v) for v in operands)) @ ctm
        else:
            placed.append((str(operands[0]), ctm))
    if len(placed) != 1:
        return None
    name, ctm = placed[0]
    (a, b, _), (c, d, _), (e, f, _) = ctm
    if b or c or a <= 0 or d <= 0 or max(abs(e - x0), abs(f - y0), abs(e + a - x1), abs(f + d - y1)) > _TOLERANCE_PT:
        return None
    image = page.Resources.XObject[name]
    return (image, a, d) if _plain_jpeg(image) else None


def _plain_jpeg(image: pikepdf.Object) -> bool:
    """An 8-bit grey or RGB JPEG with nothing that changes its pixels (masks, decode arrays)."""
    if image.get("/Subtype") != "/Image" or any(k in image for k in ("/ImageMask", "/SMask", "/Mask", "/Decode")):
        return False
    filters = image.get("/Filter")
    filters = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
    if filters != ["/DCTDecode"] or int(image.get("/BitsPerComponent", 0)) != 8:
        return False
    space = image.get("/ColorSpace")
    if isinstance(space, pikepdf.Array) and len(space) == 2 and str(space[0]) == "/ICCBased":
        return int(space[1].get("/N", 0)) in (1, 3)
    return str(space) in _GREY_OR_RGB
