"""Bulletins as editors have them (.txt, .md, Word's .docx, a born-digital .pdf) as text for
:func:`tts.document.parse`.

Word and PDF carry headings as styles or type sizes, not as "#": their readers write Markdown
headings, so that one parser decides the chapters of every format. A PDF with no text layer is a
scan: it is refused in one line that says how to read it (ingest it, then ``--doc``), since
recognising it here would bypass the archive that keeps its pages.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import InputFileError, MissingDependencyError
from sohoa.vietnamese import nfc

MARKDOWN_SUFFIXES = (".md", ".markdown")
# A PDF line this much taller than the body text is a heading (Word's Heading 1–3 are 13–16 pt over
# 11–13 pt body text; exported bold body text keeps its height and stays a paragraph).
HEADING_RATIO = 1.15
_HEADING_STYLE = re.compile(r"^heading (\d)$", re.I)
_PAGE_NUMBER = re.compile(r"^(trang\s*)?[-–]?\s*\d{1,4}\s*[-–]?$", re.I)


@dataclass(frozen=True)
class BulletinText:
    text: str  # NFC
    markdown: bool  # headings are "#" lines


def read_bulletin(path: Path) -> BulletinText:
    """The text of a bulletin file, by its suffix; anything not Word or PDF is read as UTF-8 text."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix == ".doc":
        raise InputFileError(f"{path}: tệp Word cũ (.doc) / old Word format: lưu lại thành .docx / save it as .docx")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: không đọc được / cannot read ({exc.__class__.__name__})") from exc
    return BulletinText(nfc(text), suffix in MARKDOWN_SUFFIXES)


# -- Word --------------------------------------------------------------------------------------
def read_docx(path: Path) -> BulletinText:
    """Paragraphs and table cells in document order; "Title" and "Heading N" paragraphs (or an
    outline level, which Word's localised heading styles also set) become Markdown headings."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
        lines = [line for block in document.iter_inner_content() for line in _docx_block(block)]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, ET.ParseError) as exc:
        raise InputFileError(f"{path}: không phải tệp Word (.docx) đọc được / not a readable .docx "
                             f"({exc.__class__.__name__})") from None
    except OSError as exc:
        raise InputFileError(f"{path}: không đọc được / cannot read ({exc.strerror})") from None
    return BulletinText(nfc("\n".join(lines)), markdown=True)


def _docx_block(block: object) -> Iterator[str]:
    from docx.table import Table

    if isinstance(block, Table):
        for row in block.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from _docx_paragraph(paragraph, in_table=True)
    else:
        yield from _docx_paragraph(block, in_table=False)


def _docx_paragraph(paragraph: object, in_table: bool) -> Iterator[str]:
    text = " ".join(paragraph.text.split())  # type: ignore[attr-defined]
    if not text:
        return
    level = None if in_table else _heading_level(paragraph)
    yield f"{'#' * level} {text}" if level else text


def _heading_level(paragraph: object) -> int | None:
    """Title → 1, Heading N → N; else the outline level set on the paragraph, its style, or the
    styles that style is based on (an editor's own "Tiêu đề mục" based on Heading 2 is a heading)."""
    styles, style = [], paragraph.style  # type: ignore[attr-defined]
    while style is not None and len(styles) < 10:
        styles.append(style)
        style = style.base_style
    for style in styles:
        name = (style.name or "").lower()
        if name == "title":
            return 1
        if match := _HEADING_STYLE.match(name):
            return min(int(match.group(1)), 6)
    for element in (paragraph._p, *(s.element for s in styles)):  # type: ignore[attr-defined]
        outline = element.find(".//w:pPr/w:outlineLvl", element.nsmap)
        if outline is not None:
            level = int(outline.get(f"{{{element.nsmap['w']}}}val", "9"))
            return level + 1 if level < 6 else None  # 9 is Word's "body text"
    return None


# -- PDF ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Block:
    page: int
    text: str
    height: float  # the median height of its lines, in points


def read_pdf(path: Path) -> BulletinText:
    """The text layer of a born-digital PDF, a paragraph per Poppler text block; blocks set larger
    than the body become headings. Page numbers and running heads (a block repeated on most pages)
    are left out. With no larger type, the plain-text heading rules of :mod:`tts.document` apply."""
    blocks = _pdf_blocks(path)
    if not blocks:
        raise InputFileError(f"{path}: PDF không có lớp chữ (bản quét) / a scanned PDF with no text layer: "
                             f"sohoa ingest nó trước, rồi / ingest it first, then: sohoa audiobook --doc DOC")
    pages = len({b.page for b in blocks})
    repeated = Counter(b.text for b in blocks)
    kept = [b for b in blocks if not _PAGE_NUMBER.match(b.text) and (pages < 3 or repeated[b.text] * 2 < pages)]
    body = _body_height(kept)
    headings = [b.height >= body * HEADING_RATIO for b in kept]
    if not any(headings[1:]):  # the title alone set larger: no chapters from type sizes
        return BulletinText(nfc("\n".join(b.text for b in kept)), markdown=False)
    return BulletinText(nfc("\n".join(f"# {b.text}" if big else b.text for b, big in zip(kept, headings))), True)


def _body_height(blocks: list[_Block]) -> float:
    """The height of the type most of the text is set in (weighted by characters)."""
    weights = Counter[float]()
    for block in blocks:
        weights[round(block.height, 1)] += len(block.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _pdf_blocks(path: Path) -> list[_Block]:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise MissingDependencyError("pdftotext không có / is missing: apt-get install poppler-utils")
    try:
        done = subprocess.run([pdftotext, "-bbox-layout", "-enc", "UTF-8", "-q", str(path), "-"],
                              capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise InputFileError(f"{path}: pdftotext quá 300 s / took over 300 s") from None
    if done.returncode != 0:
        reason = _pdftotext_reason(path, done.returncode)
        raise InputFileError(f"{path}: không đọc được PDF / cannot read the PDF ({reason})")
    try:
        root = ET.fromstring(done.stdout)
    except ET.ParseError as exc:
        raise InputFileError(f"{path}: không đọc được lớp chữ / unreadable text layer ({exc})") from None
    blocks = []
    for number, page in enumerate(_children(root, "page", deep=True), start=1):
        for block in _children(page, "block", deep=True):
            lines = list(_children(block, "line"))
            words = [" ".join((w.text or "").strip() for w in _children(line, "word")) for line in lines]
            text = " ".join(" ".join(words).split())
            if text:
                heights = [float(line.get("yMax", 0)) - float(line.get("yMin", 0)) for line in lines]
                blocks.append(_Block(number, text, statistics.median(heights)))
    return blocks


def _pdftotext_reason(path: Path, code: int) -> str:
    """pdftotext's exit codes: 1 cannot open, 3 copying text not permitted (xpdf's own table)."""
    if not path.is_file():
        return "không có tệp / no such file"
    with path.open("rb") as file:
        head = file.read(5)
    if head != b"%PDF-":
        return "không phải PDF / not a PDF"
    return {1: "hỏng hoặc có mật khẩu / damaged or password-protected",
            3: "không được phép chép chữ / copying text is not permitted"}.get(code, f"pdftotext exit {code}")


def _children(element: ET.Element, name: str, deep: bool = False) -> Iterator[ET.Element]:
    """Elements named ``name`` whatever their namespace (pdftotext writes XHTML)."""
    for child in element.iter() if deep else element:
        if child.tag.rpartition("}")[2] == name:
            yield child
