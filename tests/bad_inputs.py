"""Bad scans, made on demand: each is a file an archivist could really hand sohoa."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

NO_PAGES_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def make_bad_inputs(folder: Path, good_pdf: Path) -> dict[str, tuple[Path, str]]:
    """name → (path, words the one-line error must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    bad: dict[str, tuple[Path, str]] = {}

    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\nthis is not a PDF body at all\n")
    bad["corrupt"] = (corrupt, "damaged or not a PDF")

    truncated = folder / "truncated.pdf"
    truncated.write_bytes(good_pdf.read_bytes()[:2000])
    bad["truncated"] = (truncated, "damaged or not a PDF")

    encrypted = folder / "encrypted.pdf"
    subprocess.run(["qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--", str(good_pdf), str(encrypted)],
                   check=True)
    bad["encrypted"] = (encrypted, "encrypted PDF")

    empty = folder / "no-pages.pdf"
    empty.write_bytes(NO_PAGES_PDF)
    bad["no pages"] = (empty, "no pages")

    not_image = folder / "trang-1.png"
    not_image.write_text("đây không phải là ảnh", encoding="utf-8")
    bad["not an image"] = (not_image, "not an image")

    bomb = folder / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(bomb)  # 400 Mpx in a few kilobytes
    bad["bomb"] = (bomb, "pixel")

    docx = folder / "bien-ban.docx"
    docx.write_bytes(b"PK\x03\x04")
    bad["unsupported"] = (docx, "unsupported file type")

    bad["missing"] = (folder / "khong-co.pdf", "no such file")
    return bad
