"""A searchable PDF per document: the original pages with the OCR's invisible text laid over.

Each page's text layer is a text-only PDF page (``ocr.textlayer``, built from Tesseract's TSV) in
the coordinates of the image Tesseract read, which preprocessing may have turned, levelled and
upscaled. The layer is mapped back onto the original page through the inverse of those steps,
so a scanned PDF keeps its own images and its size (OCRmyPDF users' first complaint is output far
larger than input). Pages from image files are embedded once, as JPEG.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

Matrix = np.ndarray  # 3×3, PDF convention: row vector · matrix


@dataclass
class PageLayer:
    text_pdf: bytes  # the page's text-only PDF page from ocr.textlayer ("" for a blank page)
    steps: list[dict[str, object]]  # the preprocessing record of that page
    image: Image.Image | None = None  # the page image, when the source is not a PDF
    dpi: int = 300


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


def _overlay(pdf: pikepdf.Pdf, page: pikepdf.Page, layer: PageLayer) -> None:
    if not layer.text_pdf:
        return
    with pikepdf.open(io.BytesIO(layer.text_pdf)) as text_doc:
        text_page = text_doc.pages[0]
        tw, th = float(text_page.mediabox[2]), float(text_page.mediabox[3])
        form = pdf.copy_foreign(text_page.as_form_xobject())
    # A page with /Rotate was rendered as displayed, i.e. turned clockwise from its own user space:
    # undo that turn too, last, like the first step of the preprocessing.
    rendered = [{"step": "orientation", "rotated": page_rotation(page)}]
    matrix, w0, h0 = undo_steps(rendered + layer.steps, tw, th)
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    matrix = matrix @ affine((x1 - x0) / w0, 0, 0, (y1 - y0) / h0, x0, y0)
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="OCR")
    a, b, c, d, e, f = matrix[0, 0], matrix[0, 1], matrix[1, 0], matrix[1, 1], matrix[2, 0], matrix[2, 1]
    page.contents_add(pikepdf.Stream(pdf, f"q {a:.6f} {b:.6f} {c:.6f} {d:.6f} {e:.4f} {f:.4f} cm {name} Do Q".encode()))


def _image_page(pdf: pikepdf.Pdf, image: Image.Image, dpi: int) -> pikepdf.Page:
    buffer = io.BytesIO()
    image.convert("L" if image.mode in ("L", "1", "LA") else "RGB").save(buffer, "JPEG", quality=80)
    width, height = image.width * 72 / dpi, image.height * 72 / dpi
    picture = pikepdf.Stream(pdf, buffer.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                             Width=image.width, Height=image.height, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode,
                             ColorSpace=pikepdf.Name.DeviceGray if image.mode in ("L", "1", "LA") else pikepdf.Name.DeviceRGB)
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, width, height],
                                           Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=picture)),
                                           Contents=pikepdf.Stream(pdf, f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode())))
    pdf.pages.append(page)
    return pdf.pages[-1]


def searchable_pdf(layers: Iterable[PageLayer], out: Path, original_pdf: Path | None = None) -> Path:
    """Write the searchable PDF: over ``original_pdf``'s pages if given, else over the page images."""
    pdf = pikepdf.open(original_pdf) if original_pdf else pikepdf.new()
    with pdf:
        for number, layer in enumerate(layers):
            page = pdf.pages[number] if original_pdf else _image_page(pdf, layer.image, layer.dpi)  # type: ignore[arg-type]
            _overlay(pdf, page, layer)
        tmp = out.with_name(out.name + ".part")
        pdf.save(tmp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    tmp.replace(out)
    return out
