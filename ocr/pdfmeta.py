"""A PDF's own description of itself, from the catalog: Info dictionary, XMP and /Lang.

Readers show the Info Title in their title bar and search tools index it; screen readers and
text-to-speech pick their voice from the catalog's /Lang; archives harvest the XMP (Dublin Core).
The three say the same thing, so a document found by any of them names itself correctly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf

from sohoa.vietnamese import nfc


@dataclass(frozen=True)
class DocumentInfo:
    """What the catalog says of a document, as a PDF's metadata carries it."""

    title: str = ""
    author: str = ""  # who made the record (the party committee), or the archive that holds it
    subject: str = ""  # the kind of document and the place it is about
    keywords: tuple[str, ...] = ()
    language: str = "vi"  # BCP 47
    year: int | None = None


def describe(pdf: pikepdf.Pdf, info: DocumentInfo) -> None:
    """Write ``info`` into the Info dictionary, the XMP packet and the catalog's /Lang."""
    pdf.Root.Lang = pikepdf.String(info.language)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:language"] = [info.language]
        xmp["pdf:Producer"] = "sohoa"
        if info.title:
            xmp["dc:title"] = nfc(info.title)
        if info.author:
            xmp["dc:creator"] = [nfc(info.author)]
        if info.subject:
            xmp["dc:description"] = nfc(info.subject)
        if info.keywords:
            xmp["dc:subject"] = [nfc(k) for k in info.keywords]
            xmp["pdf:Keywords"] = ", ".join(nfc(k) for k in info.keywords)
        if info.year:
            xmp["dc:date"] = [str(info.year)]
    # open_metadata mirrors Title, Author, Subject and Keywords into the Info dictionary
