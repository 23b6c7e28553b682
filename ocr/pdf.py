"""A searchable PDF per document: the original pages with the OCR's invisible text laid over.

Each page's words were read on the image Tesseract saw, which preprocessing may have turned,
levelled and upscaled. Their boxes are carried back onto the original page through the inverse
of those steps, and written there word by word (``ocr.textlayer``), so a scanned PDF keeps its
own images and its size (OCRmyPDF users' first complaint is output far larger than input).
Pages from image files are embedded as they came where a PDF can hold them as they are: a JPEG
file byte for byte, a black-and-white page as CCITT G4 (a 1-bit scan re-encoded as JPEG grew
~15-fold); other images as JPEG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

from corpus.models import Word
from ocr.pdfmeta import DocumentInfo, describe
from ocr.photo import sheet_to_frame
from ocr.textlayer import add_glyphless_font, layer_content, reading_direction

Matrix = np.ndarray  # 3×3, PDF convention: row vector · matrix


@dataclass
class PageLayer:
    words: list[Word]  # as read, in pixels of the image Tesseract read
    size: tuple[int, int]  # that image's width and height in pixels
    dpi: int  # and its resolution
    steps: list[dict[str, object]] = field(default_factory=list)  # the preprocessing record of that page
    image: Image.Image | np.ndarray | None = None  # the page image, when the source is not a PDF
    image_dpi: int = 300
    image_file: Path | None = None  # the file that is this page image alone (embedded as is if it is a JPEG)


def affine(a: float, b: float, c: float, d: float, e: float, f: float) -> Matrix:
    """The PDF matrix [a b c d e f] (as ``cm`` takes it) as 3×3."""
    return np.array([[a, b, 0.0], [c, d, 0.0], [e, f, 1.0]])


def undo_steps(steps: list[dict[str, object]], width: float, height: float) -> tuple[Matrix, float, float]:
    """Matrix from the processed page's point space back to the unprocessed page's, and that page's size.

    Turns were clockwise by 90/180 and deskew a clockwise rotation by the measured angle about the
    centre (same size); upscaling changes pixels and dpi together, so points are unchanged.
    """
    matrix = np.eye(3)
    for step in reversed(steps):
        if step.get("step") == "orientation" and step.get("rotated") in (90, 180, 270):
            turns = int(step["rotated"]) // 90  # type: ignore[call-overload]
            for _ in range(turns):
                # after a clockwise quarter turn (x', y') = (y, w0 − x); before: x = w0 − y', y = x'
                w0 = height  # the width before the turn is the height after it
                matrix = matrix @ affine(0, 1, -1, 0, w0, 0)
                width, height = height, width
        elif step.get("step") == "deskew" and step.get("applied"):
            a = math.radians(float(step["angle"]))  # type: ignore[arg-type]
            cx, cy = width / 2, height / 2
            cos, sin = math.cos(a), math.sin(a)
            matrix = matrix @ affine(cos, sin, -sin, cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy)
    return matrix, width, height


def page_rotation(page: pikepdf.Page) -> int:
    """The page's /Rotate (clockwise degrees when displayed), inherited from the page tree if need be."""
    node: pikepdf.Object | None = page.obj
    while node is not None:
        if "/Rotate" in node:
            return int(node.Rotate) % 360
        node = node.get("/Parent")
    return 0


def pixels_to_page(page: pikepdf.Page, layer: PageLayer) -> Matrix:
    """Matrix from the processed image's pixels (y down) to ``page``'s user space."""
    width, height = layer.size
    scale = 72 / layer.dpi
    to_points = affine(scale, 0, 0, -scale, 0, height * scale)
    # A page with /Rotate was rendered as displayed, i.e. turned clockwise from its own user space:
    # undo that turn too, last, like the first step of the preprocessing.
    rendered = [{"step": "orientation", "rotated": page_rotation(page)}]
    matrix, w0, h0 = undo_steps(rendered + layer.steps, width * scale, height * scale)
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return to_points @ matrix @ affine((x1 - x0) / w0, 0, 0, (y1 - y0) / h0, x0, y0)


def photo_lines_to_page(page: pikepdf.Page, layer: PageLayer, sheet: dict[str, object]) -> list[tuple[list[Word], Matrix]]:
    """Each line's words with its matrix from the processed image's pixels to ``page``'s user
    space, for a photographed sheet that preprocessing squared (``ocr.photo``): no PDF matrix
    undoes a homography, but over one line it is nearly affine, so each line takes the
    homography's tangent at its middle. The page is the photo as it came (an image file: no /Rotate)."""
    scale = 72 / layer.dpi  # steps are undone in points, where upscaling changes nothing
    undo, width, height = undo_steps(layer.steps[layer.steps.index(sheet) + 1:], *(n * scale for n in layer.size))
    size = tuple(sheet["size"])  # type: ignore[arg-type]
    to_sheet = affine(scale, 0, 0, scale, 0, 0) @ undo @ affine(size[0] / width, 0, 0, size[1] / height, 0, 0)
    homography = sheet_to_frame(np.array(sheet["corners"]), size)  # type: ignore[arg-type]
    frame_width, frame_height = sheet["frame"]  # type: ignore[misc]
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    to_points = affine((x1 - x0) / frame_width, 0, 0, -(y1 - y0) / frame_height, x0, y1)
    lines = []
    for _, group in groupby(layer.words, key=lambda w: w.line):
        line = list(group)
        middle = np.array([(min(w.left for w in line) + max(w.left + w.width for w in line)) / 2,
                           (min(w.top for w in line) + max(w.top + w.height for w in line)) / 2, 1.0]) @ to_sheet
        lines.append((line, to_sheet @ _tangent(homography, middle[0], middle[1]) @ to_points))
    return lines


def _tangent(homography: np.ndarray, x: float, y: float) -> Matrix:
    """The affine map (row vectors) that agrees with ``homography`` (column vectors) at (x, y) to first order."""
    u, v, w = homography @ np.array([x, y, 1.0])
    fx, fy = u / w, v / w
    jacobian = np.array([[homography[0, 0] - fx * homography[2, 0], homography[0, 1] - fx * homography[2, 1]],
                         [homography[1, 0] - fy * homography[2, 0], homography[1, 1] - fy * homography[2, 1]]]) / w
    a = jacobian.T
    shift = np.array([fx, fy]) - np.array([x, y]) @ a
    return affine(a[0, 0], a[0, 1], a[1, 0], a[1, 1], shift[0], shift[1])


def _overlay(pdf: pikepdf.Pdf, page: pikepdf.Page, layer: PageLayer, font: pikepdf.Object) -> None:
    name = str(page.add_resource(font, pikepdf.Name.Font, prefix="OCR")).lstrip("/")
    sheet = next((s for s in layer.steps if s.get("step") == "perspective"), None)
    lines = photo_lines_to_page(page, layer, sheet) if sheet else [(layer.words, pixels_to_page(page, layer))]
    content = b"".join(layer_content(words, matrix, name) for words, matrix in lines)
    to_page = lines[0][1]
    # A page scanned sideways or upside down is shown the way it reads (as OCRmyPDF's
    # --rotate-pages does): its text then runs left to right as displayed, which readers that
    # know no vertical text (pdfminer) need to keep its words whole.
    if (direction := reading_direction(to_page)) != page_rotation(page):
        page.obj.Rotate = direction
    # the page's own content may leave its graphics state changed: the layer starts from a clean one
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + content))


def _picture(pdf: pikepdf.Pdf, image: Image.Image, file: Path | None) -> pikepdf.Stream:
    """The page image as a PDF image: the JPEG file itself, a bilevel page as CCITT G4, else JPEG."""
    gray = ("L", "1", "LA")
    if file is not None and image.mode in ("L", "RGB") and _is_jpeg(file):
        data, filter_ = file.read_bytes(), pikepdf.Name.DCTDecode
    elif _is_bilevel(image):
        return _g4_picture(pdf, image.convert("1"))
    else:
        buffer = io.BytesIO()
        image.convert("L" if image.mode in gray else "RGB").save(buffer, "JPEG", quality=80)
        data, filter_ = buffer.getvalue(), pikepdf.Name.DCTDecode
    space = pikepdf.Name.DeviceGray if image.mode in gray else pikepdf.Name.DeviceRGB
    return pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=image.width,
                          Height=image.height, BitsPerComponent=8, Filter=filter_, ColorSpace=space)


def _is_jpeg(file: Path) -> bool:
    with file.open("rb") as handle:
        return handle.read(3) == b"\xff\xd8\xff"


def _is_bilevel(image: Image.Image) -> bool:
    """A black-and-white page, whatever mode it was stored in (1-bit, or grey/colour of only 0 and 255)."""
    if image.mode == "1":
        return True
    colors = image.convert("L").getcolors(2) if image.mode in ("L", "P", "RGB", "LA", "RGBA") else None
    return bool(colors) and {value for _, value in colors} <= {0, 255}


def _g4_picture(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Stream:
    """A 1-bit image as CCITT Group 4, encoded by libtiff (through Pillow) as one strip."""
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="group4", strip_size=math.ceil(image.width / 8) * image.height)
    with Image.open(buffer) as tiff:
        offset, length = tiff.tag_v2[273], tiff.tag_v2[279]  # StripOffsets, StripByteCounts
        offset, length = (offset[0], length[0]) if isinstance(offset, tuple) else (offset, length)
        black_is_zero = tiff.tag_v2.get(262, 1) == 1  # PhotometricInterpretation
    data = buffer.getvalue()[offset:offset + length]
    return pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=image.width,
                          Height=image.height, BitsPerComponent=1, ColorSpace=pikepdf.Name.DeviceGray,
                          Filter=pikepdf.Name.CCITTFaxDecode,
                          DecodeParms=pikepdf.Dictionary(K=-1, Columns=image.width, Rows=image.height,
                                                         BlackIs1=black_is_zero))


def _image_page(pdf: pikepdf.Pdf, layer: PageLayer) -> pikepdf.Page:
    image = layer.image if isinstance(layer.image, Image.Image) else Image.fromarray(layer.image)  # type: ignore[arg-type]
    width, height = image.width * 72 / layer.image_dpi, image.height * 72 / layer.image_dpi
    page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, width, height],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=_picture(pdf, image, layer.image_file))),
        Contents=pikepdf.Stream(pdf, f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode())))
    pdf.pages.append(page)
    return pdf.pages[-1]


def searchable_pdf(layers: Iterable[PageLayer], out: Path, original_pdf: Path | None = None,
                   info: DocumentInfo | None = None) -> Path:
    """Write the searchable PDF: over ``original_pdf``'s pages if given, else over the page images."""
    pdf = pikepdf.open(original_pdf) if original_pdf else pikepdf.new()
    with pdf:
        font: pikepdf.Object | None = None
        for number, layer in enumerate(layers):
            page = pdf.pages[number] if original_pdf else _image_page(pdf, layer)
            if layer.words:
                font = font or add_glyphless_font(pdf)
                _overlay(pdf, page, layer, font)
        describe(pdf, info or DocumentInfo())
        tmp = out.with_name(out.name + ".part")
        pdf.save(tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    tmp.replace(out)
    return out
