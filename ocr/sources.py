"""Open a scan (PDF, multi-page TIFF, JPEG/PNG, or a folder of page images) and render one page at a time.

Nothing here holds more than one page in memory: a 500-page book costs what one page costs.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from sohoa.errors import InputFileError, MissingDependencyError

IMAGE_SUFFIXES = {".tif": "image/tiff", ".tiff": "image/tiff", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                  ".png": "image/png"}
PDF_SUFFIX = ".pdf"
DEFAULT_DPI = 300
DEFAULT_MAX_PIXELS = 250_000_000  # an A0 sheet at 300 dpi is 140 Mpx; beyond this is a decompression bomb
MIN_SIDE = 16  # pixels: below this an image holds no line of text (OpenCV's filters even fail on 1×1)
FOLDER_MEDIA_TYPE = "inode/directory"


@dataclass(frozen=True)
class Source:
    """A scan opened and checked: what it is and how many pages it has."""

    path: Path
    media_type: str
    page_count: int
    members: tuple[Path, ...] = ()  # the page images of a folder, in reading order

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


@dataclass
class RenderedPage:
    image: Image.Image | np.ndarray  # a scan's JPEG decoded in-process stays a grey array (no copy)
    dpi: int  # what the page is taken to be: an image's tag (DEFAULT_DPI without one), a PDF's render
    # An image file's own statement (None: no tag). A PDF page has none to doubt: its resolution
    # follows from the page's size, which the text layer must match.
    tag: int | None = None
    from_image: bool = False


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def folder_members(folder: Path) -> tuple[Path, ...]:
    return tuple(sorted((p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
                        key=_natural_key))


def open_source(path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Source:
    """Check that ``path`` is a scan sohoa can read; raise InputFileError saying why not."""
    if not path.exists():
        raise InputFileError(f"{path}: no such file or folder")
    if path.is_dir():
        members = folder_members(path)
        if not members:
            raise InputFileError(f"{path}: folder holds no page images (.tif .jpg .png)")
        for member in members:
            _check_image(member, max_pixels)
        return Source(path, FOLDER_MEDIA_TYPE, len(members), members)
    try:
        open(path, "rb").close()
    except OSError as exc:
        raise InputFileError(f"{path}: không đọc được / cannot read ({exc.strerror})") from None
    suffix = path.suffix.lower()
    if suffix == PDF_SUFFIX:
        return Source(path, "application/pdf", _pdf_page_count(path))
    if suffix in IMAGE_SUFFIXES:
        return Source(path, IMAGE_SUFFIXES[suffix], _check_image(path, max_pixels))
    raise InputFileError(f"{path}: unsupported file type '{path.suffix or '(none)'}' (PDF, TIFF, JPEG or PNG)")


def _check_image(path: Path, max_pixels: int) -> int:
    """Open an image's header; return its frame count. Refuse non-images and decompression bombs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                frames = getattr(img, "n_frames", 1)
                for frame in ImageSequence.Iterator(img) if frames > 1 else [img]:
                    if frame.width * frame.height > max_pixels:
                        raise InputFileError(f"{path}: image of {frame.width}×{frame.height} pixels is over the "
                                             f"limit of {max_pixels:,} (possible decompression bomb)")
                    if min(frame.width, frame.height) < MIN_SIDE:
                        raise InputFileError(f"{path}: ảnh quá nhỏ / image of {frame.width}×{frame.height} pixels "
                                             f"is too small to hold text (at least {MIN_SIDE} pixels a side)")
                return frames
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputFileError(f"{path}: image is over the pixel limit (possible decompression bomb)") from None
    except UnidentifiedImageError:
        raise InputFileError(f"{path}: not an image, or a damaged one") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read image ({exc})") from None


def _pdf_page_count(path: Path) -> int:
    try:
        proc = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise MissingDependencyError("pdfinfo not found: install the Debian package poppler-utils") from None
    if proc.returncode != 0:
        problems = [line for line in proc.stderr.splitlines() if line.strip() and "Warning" not in line]
        if any("password" in line.lower() for line in problems):
            raise InputFileError(f"{path}: encrypted PDF (needs a password); give sohoa an unlocked copy")
        if any("page count 0" in line for line in problems):
            raise InputFileError(f"{path}: PDF has no pages")
        reason = problems[0].split(":", 1)[-1].strip() if problems else "unreadable"
        raise InputFileError(f"{path}: damaged or not a PDF ({reason})")
    match = re.search(r"^Pages:\s+(\d+)", proc.stdout, re.MULTILINE)
    pages = int(match.group(1)) if match else 0
    if pages == 0:
        raise InputFileError(f"{path}: PDF has no pages")
    return pages


def render_page(source: Source, page_no: int, *, dpi: int = DEFAULT_DPI,
                max_pixels: int = DEFAULT_MAX_PIXELS) -> RenderedPage:
    """Render page ``page_no`` (1-based): PDFs at ``dpi`` (or their scan's own resolution, if lower),
    images at their own resolution."""
    if source.is_pdf:
        return _render_pdf_page(source.path, page_no, dpi, max_pixels)
    if source.members:
        return _load_image_frame(source.members[page_no - 1], 0, max_pixels)
    return _load_image_frame(source.path, page_no - 1, max_pixels)


def scan_resolution(path: Path, page_no: int) -> int | None:
    """The resolution of the scan that fills a PDF page (the largest image, covering half the page
    or more), or None for a page that is not a scan."""
    try:
        images = subprocess.run(["pdfimages", "-list", "-f", str(page_no), "-l", str(page_no), str(path)],
                                capture_output=True, text=True, timeout=60).stdout.splitlines()[2:]
    except (OSError, subprocess.TimeoutExpired):
        return None
    size = page_size(path, page_no)
    scans = []
    for line in images:
        fields = line.split()
        if len(fields) < 14 or fields[2] != "image" or not size:
            continue
        width, height, x_ppi, y_ppi = int(fields[3]), int(fields[4]), int(fields[12]), int(fields[13])
        inches = (width / max(x_ppi, 1)) * (height / max(y_ppi, 1))
        if inches * 72 * 72 >= 0.5 * size[0] * size[1]:
            scans.append((width * height, min(x_ppi, y_ppi)))
    return max(scans)[1] if scans else None


def page_size(path: Path, page_no: int) -> tuple[float, float] | None:
    """A PDF page's width and height in points (1/72 inch), as pdfinfo reads them."""
    try:
        info = subprocess.run(["pdfinfo", "-f", str(page_no), "-l", str(page_no), str(path)],
                              capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    size = re.search(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    return (float(size.group(1)), float(size.group(2))) if size else None


def _refuse_oversized_page(path: Path, page_no: int, dpi: int, max_pixels: int) -> None:
    """Refuse a page whose rendering would be over the pixel limit, before Poppler renders it (a
    670-byte PDF with one 7000-pt page took 44 s and 3.6 GB before Pillow refused the result)."""
    size = page_size(path, page_no)
    if size is None:
        return
    width, height = (round(side * dpi / 72) for side in size)
    if width * height > max_pixels:
        raise InputFileError(f"{path}: trang quá lớn / page {page_no} is {size[0]:.0f}×{size[1]:.0f} pt: "
                             f"{width}×{height} pixels at {dpi} dpi, over the limit of {max_pixels:,}")


def _render_pdf_page(path: Path, page_no: int, dpi: int, max_pixels: int) -> RenderedPage:
    from ocr.embedded import embedded_scan

    if (scan := embedded_scan(path, page_no, dpi, max_pixels)) is not None:
        return RenderedPage(*scan)
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    # A scan coarser than asked is rendered at its own resolution: Poppler's interpolation to a
    # higher one read worse (lowres bench CER 0.18 % against 0.11 %) than preprocessing's upscale.
    native = scan_resolution(path, page_no)
    if native and 72 <= native < dpi:
        dpi = native
    _refuse_oversized_page(path, page_no, dpi, max_pixels)
    try:
        # grey straight from Poppler: a third of the memory of RGB, and all that OCR reads
        images = convert_from_path(path, dpi=dpi, first_page=page_no, last_page=page_no, grayscale=True,
                                   fmt="ppm", timeout=300)
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputFileError(f"{path}: page {page_no} cannot be rendered ({exc})") from None
    if not images:
        raise InputFileError(f"{path}: page {page_no} rendered to nothing (damaged PDF?)")
    image = images[0]
    if image.width * image.height > max_pixels:
        raise InputFileError(f"{path}: page {page_no} is over the pixel limit at {dpi} dpi")
    return RenderedPage(image, dpi)


def _load_image_frame(path: Path, frame: int, max_pixels: int) -> RenderedPage:
    _check_image(path, max_pixels)
    try:
        with Image.open(path) as img:
            img.seek(frame)
            dpi = (img.info.get("dpi") or (None,))[0]
            image = img.copy()
            image.load()
    except (OSError, EOFError) as exc:
        raise InputFileError(f"{path}: page {frame + 1} cannot be read ({exc})") from None
    # What the tag says is checked against the text itself later (ocr.resolution); until then a
    # missing or nonsense one is taken as 300 dpi, what scanners are nearly always set to.
    tag = int(round(dpi)) if dpi and dpi >= 1 else None
    return RenderedPage(image, tag if tag and tag >= 72 else DEFAULT_DPI, tag=tag, from_image=True)
