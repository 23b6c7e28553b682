"""Generated Vietnamese sample scans with known text, for tests, benchmarks and `sohoa demo`.

    from sohoa.samples import make_scan
    truth = make_scan(Path("lich-su.pdf"), pages=3, font="typewriter", variant="aged", seed=1)
    # truth[i] is the exact text printed on page i + 1

Everything is deterministic: the same arguments give the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from sohoa.samples.aging import VARIANTS, age, save_pdf, save_tiff
from sohoa.samples.render import FACES, render_pages
from sohoa.samples.texts import TEXTS

__all__ = ["FACES", "FORMATS", "TEXTS", "VARIANTS", "SamplePage", "make_pages", "make_scan"]

FORMATS = ("pdf", "tiff", "png", "jpg")


@dataclass
class SamplePage:
    image: Image.Image
    text: str  # ground truth, NFC, line breaks as printed
    dpi: int
    angle: float  # how far the content was turned counter-clockwise (0 unless skewed/rotated)


def make_pages(*, pages: int = 3, font: str = "serif", variant: str = "aged", seed: int = 0,
               text: str = "history", dpi: int = 300, columns: int = 1, size_pt: float = 12.0) -> list[SamplePage]:
    """Render ``pages`` pages of a sample text (``TEXTS`` key) in one typeface and age them."""
    title, paragraphs = TEXTS[text]
    rendered = render_pages(paragraphs, pages=pages, face=font, size_pt=size_pt, dpi=dpi,
                            columns=columns, title=title)
    result = []
    for number, page in enumerate(rendered):
        aged = age(page.image, variant, dpi=dpi, seed=seed * 1000 + number)
        result.append(SamplePage(aged.image, page.text, aged.dpi, aged.angle))
    return result


def make_scan(path: Path, *, pages: int = 3, font: str = "serif", variant: str = "aged", seed: int = 0,
              fmt: str | None = None, text: str = "history", dpi: int = 300, columns: int = 1,
              size_pt: float = 12.0) -> list[str]:
    """Write a sample scan to ``path`` and return the ground-truth text of each page.

    ``fmt`` is pdf, tiff, png or jpg (default: from the suffix, else pdf). Image formats write
    ``path`` itself for one page, or a folder ``path`` of numbered page files for several.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".").lower().replace("tif", "tiff").replace("tifff", "tiff")
           .replace("jpeg", "jpg") or "pdf")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    sample = make_pages(pages=pages, font=font, variant=variant, seed=seed, text=text, dpi=dpi,
                        columns=columns, size_pt=size_pt)
    images = [page.image for page in sample]
    out_dpi = sample[0].dpi
    if fmt == "pdf":
        save_pdf(images, path, out_dpi)
    elif fmt == "tiff":
        save_tiff(images, path, out_dpi)
    elif len(images) == 1:
        images[0].save(path, dpi=(out_dpi, out_dpi), **({"quality": 90} if fmt == "jpg" else {}))
    else:
        path.mkdir(parents=True, exist_ok=True)
        for number, image in enumerate(images, start=1):
            image.save(path / f"page-{number:03d}.{fmt}", dpi=(out_dpi, out_dpi),
                       **({"quality": 90} if fmt == "jpg" else {}))
    return [page.text for page in sample]
