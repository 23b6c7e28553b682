"""A document's per-page OCR files as they leave the archive: each with the page image it refers to.

In the archive a page's ALTO and hOCR sit beside ``image.jpg``, whose pixels their boxes are in,
and name it. Outside, pages sit side by side in one folder, so each file and its image take the
page's number (``page-0001.alto.xml`` names and comes with ``page-0001.jpg``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.archive import PAGE_ALTO, PAGE_HOCR, PAGE_IMAGE, PAGE_TEXT, Archive
from corpus.models import Document
from sohoa.vietnamese import fold

MAX_STEM = 80  # characters of a download's name before its suffix
PAGE_FILES = {"hocr": PAGE_HOCR, "alto": PAGE_ALTO, "txt": PAGE_TEXT}
_IMAGE_NAMED = {"hocr": re.compile(r"(title='image \")[^\"]*(\")"), "alto": re.compile(r"(<fileName>)[^<]*(</fileName>)")}


def download_name(doc: Document, suffix: str) -> str:
    """A file name for ``doc`` made from its title and year, in ASCII so that every browser, file
    system and e-mail keeps it: "Lịch sử Đảng bộ xã Nghĩa Trung", 1995 → lich-su-dang-bo-xa-nghia-trung-1995.pdf
    (the document's id when it has no title)."""
    words = re.findall(r"[a-z0-9]+", fold(doc.meta.title).lower())
    if doc.meta.year and str(doc.meta.year) not in words:
        words.append(str(doc.meta.year))
    stem = "-".join(words)[:MAX_STEM].rstrip("-") if doc.meta.title else doc.id
    return f"{stem}.{suffix}"


def page_stem(page_no: int) -> str:
    return f"page-{page_no:04d}"


def with_image_named(fmt: str, content: str, image: str) -> str:
    """``content`` (hOCR or ALTO) naming ``image`` as the page image its boxes fall on."""
    return _IMAGE_NAMED[fmt].sub(lambda m: m[1] + image.replace('"', "") + m[2], content, count=1)


def page_files(archive: Archive, doc: Document, fmt: str) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every page's ``fmt`` file, and for hOCR and ALTO the page image too."""
    for page in archive.catalog.pages(doc.id):
        source = archive.page_file(doc.id, page.page_no, PAGE_FILES[fmt])
        if not source.exists():  # a blank page has no OCR files
            continue
        stem = page_stem(page.page_no)
        suffix = PAGE_FILES[fmt].split(".", 1)[1]
        if fmt in _IMAGE_NAMED:
            image = f"{stem}.jpg"
            yield f"{stem}.{suffix}", with_image_named(fmt, source.read_text(encoding="utf-8"), image).encode("utf-8")
            yield image, archive.page_file(doc.id, page.page_no, PAGE_IMAGE).read_bytes()
        else:
            yield f"{stem}.{suffix}", source.read_bytes()
