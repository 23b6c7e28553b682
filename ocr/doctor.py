"""Check, before any work starts, that the programs sohoa drives are installed (after OCRmyPDF)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from ocr.recognize import language_data, tesseract_version
from ocr.textlayer import glyphless_font_path
from sohoa.errors import MissingDependencyError

# program → Debian package; what each part of sohoa needs.
PROGRAMS = {
    "ocr": {"tesseract": "tesseract-ocr", "pdftoppm": "poppler-utils", "pdfinfo": "poppler-utils"},
    "audio": {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak-ng": "espeak-ng"},
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_ocr(language: str = "vie") -> None:
    """Raise MissingDependencyError naming the Debian package to install."""
    for program, package in PROGRAMS["ocr"].items():
        if shutil.which(program) is None:
            raise MissingDependencyError(f"{program} not found: install the Debian package {package}")
    language_data(language)
    glyphless_font_path()  # the text layer's font: found now, not at the first page with text


def run_checks(language: str = "vie") -> list[Check]:
    checks = [Check(program, shutil.which(program) is not None, f"Debian package {package}")
              for group in PROGRAMS.values() for program, package in group.items()]
    try:
        checks.append(Check("tesseract version", True, tesseract_version()))
        for lang, data in language_data(language).items():
            checks.append(Check(f"language data '{lang}'", True, data))
    except MissingDependencyError as exc:
        checks.append(Check(f"language data '{language}'", False, str(exc)))
    try:
        checks.append(Check("text layer font (pdf.ttf)", True, str(glyphless_font_path())))
    except MissingDependencyError as exc:
        checks.append(Check("text layer font (pdf.ttf)", False, str(exc)))
    return checks
