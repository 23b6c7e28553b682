"""Make clean rendered pages look like the scans archives hold, deterministically from a seed.

Variants: ``clean``; ``aged`` (yellowed paper, stains, faded and spread ink); ``photocopy``
(toner noise, a dark copier edge, JPEG artefacts); ``lowres`` (200 dpi); ``skewed`` (1-3 degrees
either way); ``rotated90`` and ``rotated180`` (scanned sideways or upside down).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

VARIANTS = ("clean", "aged", "photocopy", "lowres", "skewed", "rotated90", "rotated180")


@dataclass
class AgedPage:
    image: Image.Image
    dpi: int
    angle: float = 0.0  # degrees the content was turned counter-clockwise (skew or rotation)


def _smooth_field(rng: np.random.Generator, size: tuple[int, int], cells: int) -> np.ndarray:
    """Low-frequency noise in [0, 1], shaped (height, width): blotchy paper, uneven ink."""
    small = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8))
    return np.asarray(small.resize(size, Image.BICUBIC), dtype=np.float32) / 255.0


def _stains(rng: np.random.Generator, size: tuple[int, int], count: int) -> np.ndarray:
    """Soft round stains (tea, water, foxing): alpha in [0, 1] shaped (height, width)."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    w, h = size
    for _ in range(count):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        rx, ry = rng.uniform(0.03, 0.12) * w, rng.uniform(0.03, 0.12) * w
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=int(rng.uniform(110, 220)))
    mask = mask.resize((w // 8, h // 8)).filter(ImageFilter.GaussianBlur(6)).resize(size, Image.BILINEAR)
    return np.asarray(mask, dtype=np.float32) / 255.0


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).copy()


def aged(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Yellowed, stained paper; faded, slightly spread ink (RGB)."""
    size = image.size
    ink = 1.0 - np.asarray(image.filter(ImageFilter.GaussianBlur(0.9)), dtype=np.float32) / 255.0
    ink *= 0.45 + 0.4 * _smooth_field(rng, size, 6)  # fading varies across the sheet
    paper = np.array([236.0, 224.0, 188.0], dtype=np.float32) - 18.0 * _smooth_field(rng, size, 5)[..., None]
    stain = _stains(rng, size, int(rng.integers(2, 5)))[..., None]
    paper = paper * (1 - 0.6 * stain) + np.array([170.0, 130.0, 70.0], dtype=np.float32) * (0.6 * stain)
    ink_color = np.array([55.0, 45.0, 40.0], dtype=np.float32)
    rgb = paper * (1 - ink[..., None]) + ink_color * ink[..., None]
    rgb += rng.normal(0, 6, rgb.shape[:2]).astype(np.float32)[..., None]
    return Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")


def photocopy(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Grey toner background, speckles, a dark copier edge, then JPEG compression (grayscale)."""
    gray = np.asarray(image.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32)
    gray = 215.0 + (gray - 255.0) * 0.85 + rng.normal(0, 14, gray.shape)
    speckles = rng.random(gray.shape) < 0.002
    gray[speckles] = rng.uniform(0, 90, int(speckles.sum()))
    h, w = gray.shape
    edge = int(rng.uniform(0.01, 0.03) * w)  # the copier lid's shadow along one side
    if rng.random() < 0.5:
        gray[:, :edge] = rng.normal(35, 10, (h, edge))
    else:
        gray[:, w - edge:] = rng.normal(35, 10, (h, edge))
    return _jpeg(Image.fromarray(np.clip(gray, 0, 255).astype(np.uint8), "L"), quality=int(rng.integers(25, 40)))


def age(image: Image.Image, variant: str, *, dpi: int = 300, seed: int = 0) -> AgedPage:
    """Apply one variant to a clean grayscale page image."""
    rng = np.random.default_rng([seed, VARIANTS.index(variant) if variant in VARIANTS else -1])
    if variant == "clean":
        return AgedPage(image.copy(), dpi)
    if variant == "aged":
        return AgedPage(aged(image, rng), dpi)
    if variant == "photocopy":
        return AgedPage(photocopy(image, rng), dpi)
    if variant == "lowres":
        low = round(image.width * 200 / dpi), round(image.height * 200 / dpi)
        return AgedPage(image.resize(low, Image.LANCZOS), 200)
    if variant == "skewed":
        angle = float(rng.uniform(1.0, 3.0) * rng.choice([-1, 1]))
        turned = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
        return AgedPage(turned, dpi, angle)
    if variant == "rotated90":
        return AgedPage(image.transpose(Image.Transpose.ROTATE_90), dpi, 90.0)
    if variant == "rotated180":
        return AgedPage(image.transpose(Image.Transpose.ROTATE_180), dpi, 180.0)
    raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")


def save_pdf(images: list[Image.Image], path: Path, dpi: int, quality: int = 80) -> Path:
    """A scanned-document PDF: each page one JPEG image at ``dpi`` (what scanners produce)."""
    first, *rest = images
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(dpi), quality=quality)
    return path


def save_tiff(images: list[Image.Image], path: Path, dpi: int) -> Path:
    """A multi-page TIFF, losslessly compressed, with its resolution recorded."""
    first, *rest = images
    first.save(path, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi), compression="tiff_deflate")
    return path
