"""Citations of a document (or one of its pages) from the catalog's own fields, in the forms
researchers' reference managers read: a footnote line, RIS, BibTeX and CSL-JSON.

Places are named with their unit type as the catalog stores it ("phường Cự Khối, quận Long
Biên", never a guessed "xã"/"huyện"); the archive is named (``SOHOA_ARCHIVE_NAME``) and the date
of access given, as archival citations require.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from corpus.models import Document
from sohoa.vietnamese import fold

# CSL and RIS types: a party history is a book; resolutions and bulletins are documents
CSL_TYPES = {"history": "book", "bulletin": "article-magazine", "resolution": "document", "other": "document"}
RIS_TYPES = {"history": "BOOK", "bulletin": "MGZN", "resolution": "GEN", "other": "GEN"}
BIBTEX_TYPES = {"history": "book", "bulletin": "article", "resolution": "misc", "other": "misc"}


@dataclass(frozen=True)
class Citation:
    doc: Document
    archive: str  # the holding archive's name
    url: str  # the stable absolute URL of the document (or the page)
    accessed: dt.date
    page_no: int | None = None

    @property
    def title(self) -> str:
        return self.doc.meta.title or self.doc.original_name

    @property
    def places(self) -> list[str]:
        return self.doc.meta.places

    def text(self) -> str:
        """One line for a footnote."""
        year = str(self.doc.meta.year) if self.doc.meta.year else "không rõ năm"
        page = [f"trang {self.page_no}"] if self.page_no else []
        author = [self.doc.meta.author] if self.doc.meta.author else []
        return (", ".join([*author, f"“{self.title}”", *self.places, year, *page]) + f". {self.archive}. {self.url} "
                f"(truy cập ngày {self.accessed:%d/%m/%Y}).")

    def ris(self) -> str:
        m = self.doc.meta
        lines = [("TY", RIS_TYPES[m.kind]), ("AU", m.author), ("TI", self.title), ("PY", str(m.year) if m.year else ""),
                 ("CY", ", ".join(self.places)), ("T2", m.collection), ("AV", self.archive),
                 ("SP", str(self.page_no) if self.page_no else ""), ("LA", "vi"), ("UR", self.url),
                 ("Y2", self.accessed.isoformat()), ("ID", self.doc.id)]
        return "".join(f"{tag}  - {value}\r\n" for tag, value in lines if value) + "ER  - \r\n"

    def bibtex(self) -> str:
        m = self.doc.meta
        fields = {"author": m.author, "title": self.title, "year": str(m.year) if m.year else "", "address": ", ".join(self.places),
                  "series": m.collection, "howpublished": self.archive, "pages": str(self.page_no or ""),
                  "language": "vietnamese", "url": self.url, "urldate": self.accessed.isoformat()}
        # an organisation as author is braced once more, so BibTeX never splits it into names
        body = ",\n".join(f"  {name} = {{{'{' * (name == 'author')}{_bibtex_escape(value)}{'}' * (name == 'author')}}}"
                          for name, value in fields.items() if value)
        return f"@{BIBTEX_TYPES[m.kind]}{{{self.key},\n{body}\n}}\n"

    def csl(self) -> dict[str, object]:
        m = self.doc.meta
        item: dict[str, object] = {
            "id": self.doc.id, "type": CSL_TYPES[m.kind], "title": self.title, "language": "vi",
            "publisher-place": ", ".join(self.places), "archive": self.archive, "URL": self.url,
            "accessed": {"date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]}}
        if m.year:
            item["issued"] = {"date-parts": [[m.year]]}
        if m.collection:
            item["collection-title"] = m.collection
        if m.author:  # an organisation: a literal name, never split into given and family
            item["author"] = [{"literal": m.author}]
        if self.page_no:
            item["page"] = str(self.page_no)
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2)

    @property
    def key(self) -> str:
        """A BibTeX key: the first words of the title, folded, and the year (lichsudangbo1995)."""
        words = re.findall(r"[a-z0-9]+", fold(self.title).lower())[:3]
        return "".join(words) + (str(self.doc.meta.year) if self.doc.meta.year else "") or self.doc.id


def _bibtex_escape(value: str) -> str:
    """Braces and the characters TeX reads as commands, made literal; Vietnamese stays UTF-8 (biber)."""
    return re.sub(r"([{}%&$#_\\])", r"\\\1", value)


FORMATS = {"ris": ("application/x-research-info-systems", Citation.ris),
           "bib": ("application/x-bibtex", Citation.bibtex),
           "json": ("application/vnd.citationstyles.csl+json", Citation.csl_json)}
