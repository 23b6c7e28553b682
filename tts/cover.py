"""The bulletin's square cover: the editor's image, or one drawn with its title and publisher.

Podcast directories want a square JPEG or PNG of 1400–3000 px; the same file goes into the MP3
(ID3 APIC) and the M4B (cover atom), so players show the same picture everywhere.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from sohoa.errors import InputFileError

SIZE = 1400  # px, the smallest square Apple Podcasts accepts
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # Debian fonts-dejavu-core: every Vietnamese letter
FONT_PLAIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BACKGROUND, INK, ACCENT = (153, 27, 30), (255, 248, 231), (250, 204, 21)


def prepare_cover(source: Path, dest: Path) -> Path:
    """``source`` centre-cropped to a square, SIZE px, as JPEG at ``dest``."""
    try:
        with Image.open(source) as img:
            img = img.convert("RGB")
    except (OSError, UnidentifiedImageError) as exc:
        raise InputFileError(f"{source.name}: không phải ảnh JPEG/PNG đọc được / not a readable image") from exc
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    img.crop((left, top, left + side, top + side)).resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(
        dest, "JPEG", quality=88)
    return dest


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of whole words no wider than ``width`` pixels (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_cover(title: str, publisher: str, dest: Path, issue: str = "") -> Path:
    """A plain square cover: the title large, the publisher and the issue number below."""
    img = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(img)
    margin = 120
    draw.rectangle((margin, margin, SIZE - margin, margin + 24), fill=ACCENT)
    for size in (118, 100, 84, 72):  # the largest type in which the title fits in five lines
        big = ImageFont.truetype(FONT, size)
        lines = _wrap(draw, title, big, SIZE - 2 * margin)
        if len(lines) <= 5:
            break
    y = margin + 120
    for line in lines[:5]:
        draw.text((margin, y), line, font=big, fill=INK)
        y += round(size * 1.27)
    small = ImageFont.truetype(FONT_PLAIN, 64)
    footer = [line for line in (f"Số {issue}" if issue else "", *textwrap.wrap(publisher, width=34)[:2]) if line]
    y = SIZE - margin - 90 * len(footer)
    for line in footer:
        draw.text((margin, y), line, font=small, fill=INK)
        y += 90
    img.save(dest, "JPEG", quality=88)
    return dest
