"""Render Vietnamese text to A4 page images with their exact ground truth.

Fonts come from the system (Debian's fonts-noto-core, fonts-dejavu-core, fonts-liberation2,
fonts-freefont-ttf). FreeMono stands in for the typewriter: it is the one monospaced face among
those the `vie` model was trained on, and typewritten pages are what commune histories mostly are.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from sohoa.errors import MissingDependencyError
from sohoa.vietnamese import nfc

A4_MM = (210.0, 297.0)

# face → (fontconfig family, file names in Debian's font packages, in order of preference)
FACES: dict[str, tuple[str, tuple[str, ...]]] = {
    "serif": ("Noto Serif", ("noto/NotoSerif-Regular.ttf", "liberation2/LiberationSerif-Regular.ttf")),
    "sans": ("DejaVu Sans", ("dejavu/DejaVuSans.ttf",)),
    "times": ("Liberation Serif", ("liberation2/LiberationSerif-Regular.ttf",)),
    "typewriter": ("FreeMono", ("freefont/FreeMono.ttf", "liberation2/LiberationMono-Regular.ttf")),
}
_DEBIAN_FONTS = Path("/usr/share/fonts/truetype")


@dataclass
class RenderedPage:
    image: Image.Image  # grayscale ("L"), white paper
    text: str  # exactly what is printed, one line per rendered line, columns in reading order
    dpi: int


@lru_cache(maxsize=None)
def font_path(face: str) -> Path:
    """The TrueType file for a face name ("serif", "sans", "times", "typewriter")."""
    if face not in FACES:
        raise ValueError(f"unknown face {face!r}; choose one of {', '.join(FACES)}")
    family, files = FACES[face]
    for name in files:
        if (_DEBIAN_FONTS / name).is_file():
            return _DEBIAN_FONTS / name
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:style=Regular:lang=vi"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found = ""
    if found and Path(found).is_file() and family.split()[0].lower() in Path(found).name.lower():
        return Path(found)
    raise MissingDependencyError(f"font {family} not found (install fonts-noto-core fonts-dejavu-core "
                                 "fonts-liberation2 fonts-freefont-ttf)")


def wrap(paragraph: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap of one paragraph to lines no wider than ``width`` pixels."""
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def render_pages(paragraphs: tuple[str, ...] | list[str], *, pages: int | None = None,
                 face: str = "serif", size_pt: float = 12.0, dpi: int = 300, margin_mm: float = 20.0,
                 columns: int = 1, title: str | None = None, line_spacing: float = 1.45) -> list[RenderedPage]:
    """Lay paragraphs out on A4 pages, one blank line between paragraphs.

    With ``pages`` set, exactly that many pages are filled, the paragraphs repeating if they run
    out; otherwise pages are added until the text is used up. ``title`` opens the first page.
    Ground truth: each printed line on its own line, paragraphs separated by a blank line,
    the left column before the right one.
    """
    px = dpi / 25.4
    width, height = round(A4_MM[0] * px), round(A4_MM[1] * px)
    margin = round(margin_mm * px)
    gutter = round(8 * px) if columns > 1 else 0
    col_width = (width - 2 * margin - gutter * (columns - 1)) / columns
    font = ImageFont.truetype(str(font_path(face)), round(size_pt * dpi / 72))
    step = round(size_pt * dpi / 72 * line_spacing)
    rows = (height - 2 * margin) // step

    queue = [nfc(p) for p in paragraphs if p.strip()]
    if not queue:
        raise ValueError("nothing to render")
    taken = 0
    pending: list[str] = [nfc(title), ""] if title else []  # lines not yet placed; "" = blank line
    result: list[RenderedPage] = []
    while pages is None or len(result) < pages:
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        blocks: list[list[str]] = []
        for col in range(columns):
            placed: list[str] = []
            while len(placed) < rows:
                if not pending:
                    if pages is None and taken >= len(queue):
                        break
                    pending = wrap(queue[taken % len(queue)], font, col_width) + [""]
                    taken += 1
                line = pending.pop(0)
                if line or placed:  # no blank line at the top of a column
                    placed.append(line)
            x = margin + col * (col_width + gutter)
            for row, line in enumerate(placed):
                draw.text((x, margin + row * step), line, font=font, fill=0)
            blocks.append(placed)
        texts = ["\n".join(placed).strip("\n") for placed in blocks]
        if not any(texts):
            break
        result.append(RenderedPage(image=image, text="\n\n".join(t for t in texts if t), dpi=dpi))
        if pages is None and taken >= len(queue) and not any(pending):
            break
    return result
