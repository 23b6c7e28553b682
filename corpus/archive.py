"""The archive folder: content-addressed originals, derived files per page, and the catalog.

Layout::

    catalog.sqlite
    originals/ab/ab12…ef.pdf          read-only, named by SHA-256, never modified
    documents/DOC/text.txt             the document's text, pages separated by form feeds
    documents/DOC/searchable.pdf       the original pages with the text laid over, invisible
    documents/DOC/metadata.json        the document's catalog row, mirrored (corpus.records)
    documents/DOC/pages/0001/…         one folder per page: the files named below
    deleted/DOC.json                   the record of a deleted document (its original stays)

Every path and file name of that layout is written here once; other modules ask an Archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from corpus.catalog import Catalog
from corpus.models import Page, Word
from corpus.records import document_record, page_record, read_document_record
from sohoa.errors import DamagedArchiveError, NotFoundError
from sohoa.settings import Settings

CHUNK = 1 << 20
PAGE_BREAK = "\f"  # between pages of a document's text: the form feed pdftotext and Tesseract put there too

# A document folder's files
DOCUMENT_TEXT = "text.txt"
SEARCHABLE_PDF = "searchable.pdf"
DOCUMENT_RECORD = "metadata.json"  # the catalog row, mirrored so that rebuild-catalog can remake it
# A page folder's files
PAGE_TEXT = "text.txt"
PAGE_RECORD = "page.json"  # the page's catalog row but its text, mirrored
PAGE_WORDS = "words.json"  # boxes and confidences, for highlighting hits on the page image
PAGE_HOCR = "page.hocr"
PAGE_ALTO = "page.alto.xml"
PAGE_IMAGE = "image.jpg"  # the page as read: upright and level, so that word boxes fall on words
PAGE_PROCESSED = "processed.tif"  # what Tesseract saw, black and white
# The archive's folders
ORIGINALS = "originals"
DOCUMENTS = "documents"
PAGES = "pages"  # documents/DOC/pages/0001/
DELETED = "deleted"  # deleted/DOC.json: a deleted document's last record; its original stays
LISTING_SUFFIX = ".pages.json"  # the stored original of a folder of page images: its members, in order
_UMASK = os.umask(0)
os.umask(_UMASK)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def doc_id_for(sha256: str) -> str:
    """A document's id: short, stable, derived from its original's fingerprint."""
    return sha256[:12]


def original_location(sha256: str, suffix: str) -> str:
    """Where an original with this fingerprint is stored, relative to the archive."""
    return f"{ORIGINALS}/{sha256[:2]}/{sha256}{suffix.lower()}"


def join_pages(texts: Iterable[str]) -> str:
    """A document's text from its pages' texts, in page order."""
    return PAGE_BREAK.join(texts)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the new, never a half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        # mkstemp makes owner-only files; derived files are for everyone who may read the archive.
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Archive:
    def __init__(self, settings: Settings, *, rebuilding: bool = False) -> None:
        """Open the archive; a folder nobody may write (a read-only medium or share) is opened for
        reading only. A catalog that is gone while originals or pages remain is refused (it would
        be recreated empty and hide them) unless ``rebuilding`` (``sohoa rebuild-catalog``)."""
        self.settings = settings
        self.root = settings.home
        self.read_only = self.root.is_dir() and not os.access(self.root, os.W_OK)
        if not self.read_only:
            self.root.mkdir(parents=True, exist_ok=True)
        if not rebuilding:
            refuse_lost_catalog(settings)
        self.catalog = Catalog(settings.database_url, on_document_change=self.write_document_record,
                               read_only=self.read_only)

    @classmethod
    def open(cls, home: str | Path | None = None) -> "Archive":
        return cls(Settings.from_env(home))

    def close(self) -> None:
        self.catalog.close()

    # -- paths -----------------------------------------------------------------------------
    def path(self, relative: str) -> Path:
        """The absolute path of an archive file; refuses anything outside the archive."""
        resolved = (self.root / relative).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise NotFoundError(f"{relative}: not an archive file")
        return resolved

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def document_dir(self, doc_id: str) -> Path:
        return self.root / DOCUMENTS / doc_id

    def document_record_path(self, doc_id: str) -> Path:
        return self.document_dir(doc_id) / DOCUMENT_RECORD

    def deleted_record_path(self, doc_id: str) -> Path:
        return self.root / DELETED / f"{doc_id}.json"

    def document_dirs(self) -> list[Path]:
        """Every document folder on disk, whatever the catalog says (for verify and rebuild)."""
        return sorted(p for p in (self.root / DOCUMENTS).glob("*") if p.is_dir())

    def stored_originals(self) -> list[Path]:
        """Every stored original on disk (copies being written, hidden, left out)."""
        return sorted(p for p in (self.root / ORIGINALS).glob("*/*") if p.is_file() and not p.name.startswith("."))

    def stored_members(self, original_path: str) -> list[str]:
        """The page images a folder document's stored listing names, in order (none for a file)."""
        listing = self.root / original_path
        if not original_path.endswith(LISTING_SUFFIX) or not listing.exists():
            return []
        return json.loads(listing.read_text(encoding="utf-8"))["pages"]

    def kept_originals(self) -> set[str]:
        """The stored originals of deleted documents: kept on purpose, claimed by no catalog row."""
        return {read_document_record(p).original_path for p in (self.root / DELETED).glob("*.json")}

    def page_dir(self, doc_id: str, page_no: int) -> Path:
        return self.document_dir(doc_id) / PAGES / f"{page_no:04d}"

    def page_dirs(self, doc_id: str) -> list[Path]:
        """The page folders on disk, whatever the catalog says (hidden staging folders left out)."""
        return sorted(p for p in (self.document_dir(doc_id) / PAGES).glob("[0-9]*") if p.is_dir() and p.name.isdigit())

    def page_file(self, doc_id: str, page_no: int, name: str) -> Path:
        """A file of a page folder, by one of the PAGE_* names."""
        return self.page_dir(doc_id, page_no) / name

    def document_text_path(self, doc_id: str) -> Path:
        return self.document_dir(doc_id) / DOCUMENT_TEXT

    def searchable_pdf_path(self, doc_id: str) -> Path:
        return self.document_dir(doc_id) / SEARCHABLE_PDF

    # -- originals -------------------------------------------------------------------------
    def store_original(self, source: Path, sha256: str) -> str:
        """Copy ``source`` into the content-addressed store (once) and make it read-only."""
        target = self.path(original_location(sha256, source.suffix))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.partial")
            try:
                shutil.copyfile(source, tmp)
                os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                os.replace(tmp, target)
            except BaseException:  # a full disk, a kill: no half original stays behind
                tmp.unlink(missing_ok=True)
                raise
        return self.relative(target)

    # -- pages -----------------------------------------------------------------------------
    def save_page(self, page: Page, files: dict[str, bytes | str | Path]) -> Page:
        """Store a page's files, then its catalog row: all of it, or (after a crash) none.

        Files are written into a hidden folder that replaces the page folder in one rename;
        only then is the row written. A folder without a row is an unfinished page and is
        replaced when the page is done again.
        """
        final = self.page_dir(page.doc_id, page.page_no)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}."))
        page.files = {name: self.relative(final / name) for name in files}
        try:
            (staging / PAGE_RECORD).write_text(page_record(page), encoding="utf-8")
            for name, content in files.items():
                target = staging / name
                if isinstance(content, Path):
                    shutil.move(content, target)
                else:
                    target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.catalog.save_page(page)
        return page

    def page_words(self, doc_id: str, page_no: int) -> list[Word]:
        """The words of a page with their boxes (for highlighting hits on the page image)."""
        path = self.page_file(doc_id, page_no, PAGE_WORDS)
        if not path.exists():
            return []
        return [Word(**w) for w in json.loads(path.read_text(encoding="utf-8"))]

    def document_text(self, doc_id: str) -> str:
        """The whole document's text as the catalog holds it: pages in order, joined by join_pages."""
        return join_pages(p.text for p in self.catalog.pages(doc_id))

    def reading_text(self, doc_id: str) -> str:
        """The document's text as read aloud and searched: without its running heads and page numbers
        (corpus.running_heads), which stay in document_text and the page files."""
        from corpus.running_heads import reading_texts

        return join_pages(reading_texts([p.text for p in self.catalog.pages(doc_id)]))

    def write_document_text(self, doc_id: str) -> Path:
        target = self.document_text_path(doc_id)
        write_atomic(target, self.document_text(doc_id))
        return target

    def write_document_record(self, doc_id: str) -> None:
        """Mirror a document's catalog row into documents/DOC/metadata.json (corpus.records)."""
        doc = self.catalog.document(doc_id)
        if doc is not None:
            write_atomic(self.document_record_path(doc_id), document_record(doc))

    def delete_document(self, doc_id: str) -> None:
        """Forget a document's derived files and rows; its original stays: originals are never destroyed.

        Its record moves to deleted/DOC.json, which says why its original has no catalog row
        (``verify`` and ``rebuild-catalog`` read it)."""
        doc = self.catalog.document(doc_id)
        if doc is not None:
            write_atomic(self.deleted_record_path(doc_id), document_record(doc))
        self.catalog.delete_document(doc_id)
        shutil.rmtree(self.document_dir(doc_id), ignore_errors=True)


def refuse_lost_catalog(settings: Settings) -> None:
    """A local catalog that is missing or empty (0 bytes) while the archive holds originals or
    pages was lost, not never made: say so, and how to rebuild it, instead of starting afresh."""
    catalog = settings.catalog_file
    if not settings.local_catalog:
        return
    if catalog.exists() and catalog.stat().st_size > 0:
        return
    held = [folder for folder in (ORIGINALS, DOCUMENTS) if any((settings.home / folder).glob("*/*"))]
    if held:
        state = "trống / empty (0 bytes)" if catalog.exists() else "mất / missing"
        raise DamagedArchiveError(
            f"danh mục / catalog {catalog} is {state} but {' and '.join(held)} hold archived files: "
            "chạy / run `sohoa rebuild-catalog` to rebuild it from them (docs/repair.md)")


def words_json(words: list[Word]) -> str:
    # vars(), not dataclasses.asdict: asdict deep-copies every field (~0.1 CPU-s on a page of 600 words)
    return json.dumps([vars(w) for w in words], ensure_ascii=False)
