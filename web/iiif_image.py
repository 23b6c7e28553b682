"""IIIF Image API 3.0, level 1, for page images: regions and sizes cut with Pillow, kept on disk.

A viewer (OpenSeadragon, Mirador) asks for tiles and downscaled copies; each answer is cut once
and kept in ``<archive>/cache/iiif`` (written atomically), so zooming about a page costs a file
read after the first visit. Level 1: regions full, square and x,y,w,h; sizes max, w,, ,h and w,h
(never above the full size: no ^); rotation 0; quality default; format jpg.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from corpus.archive import write_atomic
from sohoa.errors import BadArgsError

TILE = 512
SCALE_FACTORS = [1, 2, 4, 8, 16]
CONTEXT = "http://iiif.io/api/image/3/context.json"
_REGION = re.compile(r"(\d+),(\d+),(\d+),(\d+)")
_SIZE = re.compile(r"(\d*),(\d*)")


@dataclass(frozen=True)
class ImageRequest:
    """A parsed, checked request: the region of the full image and the size to scale it to."""

    region: tuple[int, int, int, int]  # x, y, w, h in full-image pixels
    size: tuple[int, int]

    @property
    def cache_name(self) -> str:
        return "{},{},{},{}_{},{}.jpg".format(*self.region, *self.size)


def parse_request(region: str, size: str, rotation: str, quality_format: str, width: int, height: int) -> ImageRequest:
    """The request's parameters, as the Image API spells them, against a ``width`` × ``height`` image."""
    if rotation != "0" or quality_format != "default.jpg":
        raise BadArgsError("chỉ hỗ trợ /0/default.jpg / only rotation 0 and default.jpg (IIIF level 1)")
    if region == "full":
        box = (0, 0, width, height)
    elif region == "square":
        side = min(width, height)
        box = ((width - side) // 2, (height - side) // 2, side, side)
    elif match := _REGION.fullmatch(region):
        x, y, w, h = (int(v) for v in match.groups())
        if w == 0 or h == 0 or x >= width or y >= height:
            raise BadArgsError(f"vùng '{region}' nằm ngoài ảnh / region outside the image")
        box = (x, y, min(w, width - x), min(h, height - y))
    else:
        raise BadArgsError(f"vùng '{region[:40]}' không hợp lệ / invalid region")
    return ImageRequest(box, _scaled(size, box[2], box[3]))


def _scaled(size: str, w: int, h: int) -> tuple[int, int]:
    if size == "max":
        return w, h
    match = _SIZE.fullmatch(size)
    if not match or not any(match.groups()):
        raise BadArgsError(f"kích thước '{size[:40]}' không hợp lệ / invalid size")
    want_w, want_h = (int(v) if v else None for v in match.groups())
    out_w = want_w if want_w is not None else max(1, round(w * want_h / h))  # type: ignore[operator]
    out_h = want_h if want_h is not None else max(1, round(h * want_w / w))  # type: ignore[operator]
    if not 0 < out_w <= w or not 0 < out_h <= h:
        raise BadArgsError(f"kích thước '{size}' lớn hơn vùng / larger than the region (no upscaling)")
    return out_w, out_h


def render(image: Path, request: ImageRequest, cache: Path) -> Path:
    """The region scaled to size as JPEG, from the cache or cut now and cached."""
    cached = cache / request.cache_name
    if not cached.exists():
        x, y, w, h = request.region
        with Image.open(image) as full:
            part = full.crop((x, y, x + w, y + h))
            part = part.resize(request.size, Image.Resampling.LANCZOS) if part.size != request.size else part
            buffer = io.BytesIO()
            part.convert("L" if part.mode in ("1", "L", "LA") else "RGB").save(buffer, "JPEG", quality=80)
        write_atomic(cached, buffer.getvalue())
    return cached


def info(service_id: str, width: int, height: int) -> dict[str, object]:
    """The image's info.json: what a viewer may ask for."""
    sizes = [{"width": -(-width // f), "height": -(-height // f)} for f in SCALE_FACTORS if width // f >= 64]
    return {"@context": CONTEXT, "id": service_id, "type": "ImageService3", "protocol": "http://iiif.io/api/image",
            "profile": "level1", "width": width, "height": height, "sizes": sizes[::-1],
            "tiles": [{"width": TILE, "scaleFactors": SCALE_FACTORS}]}
