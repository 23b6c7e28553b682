"""Phone photos of pages whose text is known: a rendered page laid at an angle on a darker table.

A page photographed by hand: the sheet seen in perspective (its far edge narrower, a little
turned), on a darker, grainy surface, lit from one side (brightness falling across the frame),
a slight grey-blue cast, the camera's softness and a phone's JPEG. Used by ``bench real`` and by
the photo tests (tests/test_ocr_photo.py), so both measure the same kind of page.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageFilter

FRAME = (1400, 1800)  # width, height: the sheet lands at about 140 dpi, a phone photo of A4 at arm's length


def photograph(page: Image.Image, seed: int = 0, *, tilt: float = 0.09, turn: float = 0.0, light: float = 0.45,
               quality: int = 55) -> bytes:
    """``page`` (grey, upright) as a phone photo: an RGB JPEG file with no resolution tag.

    ``tilt``: how much narrower the far edge is, as a share of the width; ``turn``: degrees the
    sheet lies turned counter-clockwise in the frame; ``light``: how much darker the dim side is
    than the lit one (0: even light).
    """
    rng = np.random.default_rng(seed)
    width, height = FRAME
    sheet = np.asarray(page.convert("L"), dtype=np.uint8)
    h, w = sheet.shape
    jitter = lambda: rng.uniform(-0.012, 0.012) * width  # noqa: E731 - a hand never holds the phone square
    left, right, top, bottom = 0.1 * width, 0.9 * width, 0.06 * height, 0.95 * height
    shrink = tilt * (right - left) / 2
    corners = np.float32([[left + shrink + jitter(), top + jitter()], [right - shrink + jitter(), top + jitter()],
                          [right + jitter(), bottom + jitter()], [left + jitter(), bottom + jitter()]])
    centre, angle = corners.mean(axis=0), np.radians(turn)
    rotation = np.float32([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    corners = ((corners - centre) @ rotation.T * (1 - abs(np.sin(angle))) + centre).astype(np.float32)  # smaller: stays in frame
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    table = rng.normal(80, 12, (height, width)).clip(0, 255).astype(np.uint8)
    table = cv2.GaussianBlur(table, (0, 0), 3)
    photo = cv2.warpPerspective(sheet, matrix, (width, height), dst=table, flags=cv2.INTER_AREA,
                                borderMode=cv2.BORDER_TRANSPARENT).astype(np.float32)
    across = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    down = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    photo *= 1.0 - light * (0.7 * across + 0.3 * down) ** 1.3  # lit from the top left
    photo += rng.normal(0, 4, photo.shape).astype(np.float32)
    rgb = np.stack([photo * 0.92, photo * 0.95, photo], axis=-1).clip(0, 255).astype(np.uint8)  # a cool cast
    soft = Image.fromarray(rgb, "RGB").filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    soft.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
