"""Editors correct pages: each save a new version, and everything made from the page follows.

A save is checked against the version it was edited from (optimistic locking: a stale form gets
an EditConflictError carrying both texts, never a silent overwrite), stored as a new version in
the catalog, then written out: the page's text.txt, words.json, hOCR, ALTO and text layer (the
OCR's own files are kept once under their version-1 names) and the page's catalog row (what
search, snippets, `sohoa text` and audiobooks read); then the ingest service's own finish writes
the document's text.txt, searchable PDF and search-index entry, exactly as an ingest does. The CLI, the web app and accepted suggestions all call
:func:`save_lines` or :func:`revert`.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, replace

from corpus.archive import PAGE_ALTO, PAGE_HOCR, PAGE_TEXT, PAGE_WORDS, Archive, write_atomic
from corpus.models import Page, Word
from corpus.revisions import PageVersion, Revisions, VersionConflict
from ocr.relayout import clean_line, page_files, paragraphs_of, realign, table_of
from ocr.tsv import words_of
from sohoa import __version__
from sohoa.errors import BadArgsError, ExitCode, NotFoundError, SohoaError

# The OCR's files, kept under these names the first time a page is corrected.
VERSION_1_NAMES = {PAGE_TEXT: "text.v1.txt", PAGE_WORDS: "words.v1.json", PAGE_HOCR: "page.v1.hocr",
                   PAGE_ALTO: "page.v1.alto.xml"}
_WRITING = threading.Lock()  # one page's files written by one save at a time (web threads)


class EditConflictError(SohoaError):
    exit_code = ExitCode.edit_conflict

    def __init__(self, latest: PageVersion, mine: list[str]) -> None:
        super().__init__(f"trang đã được {latest.author} sửa (phiên bản {latest.version}) sau khi bạn mở / "
                         f"page changed since you opened it: version {latest.version} by {latest.author}")
        self.latest, self.mine = latest, mine


@dataclass(frozen=True)
class Saved:
    version: PageVersion | None  # None when nothing changed (the page is marked checked)
    seconds_downstream: float = 0.0


def ocr_version(archive: Archive, page: Page) -> PageVersion:
    """Version 1 of a page as the OCR left it (stored in the catalog with the first correction)."""
    words = archive.page_words(page.doc_id, page.page_no)
    return PageVersion(page.doc_id, page.page_no, 1, page.text, words,
                       paragraphs_of(page.text, len({w.line for w in words})), "ocr", "ocr", _recognized_at(archive, page))


def _recognized_at(archive: Archive, page: Page) -> str:
    """When the OCR read the page (its last ``ocr`` event), for the history of version 1."""
    times = [e["at"] for e in archive.catalog.events(page.doc_id) if e["action"] == "ocr" and e["page_no"] == page.page_no]
    return times[-1] if times else ""


def page_of(archive: Archive, doc_id: str, page_no: int) -> Page:
    page = archive.catalog.page(doc_id, page_no)
    if page is None:
        raise NotFoundError(f"tài liệu {doc_id} không có trang {page_no} / no such page")
    return page


def history(archive: Archive, doc_id: str, page_no: int) -> list[PageVersion]:
    """Every version of a page, oldest first (just version 1 if it was never corrected).

    A page read again by the OCR since its last correction (``ingest --force``) ends with that new
    reading as the next version: earlier corrections stay in the history, nothing is lost.
    """
    page = page_of(archive, doc_id, page_no)
    stored = Revisions(archive.catalog).versions(doc_id, page_no)
    if stored and stored[-1].text == page.text:
        return stored
    reading = ocr_version(archive, page)
    return [*stored, replace(reading, version=len(stored) + 1)]


def page_version(archive: Archive, doc_id: str, page_no: int, number: int) -> PageVersion:
    found = next((v for v in history(archive, doc_id, page_no) if v.version == number), None)
    if found is None:
        raise NotFoundError(f"trang {page_no} của {doc_id} không có phiên bản {number} / no such version")
    return found


def save_lines(archive: Archive, doc_id: str, page_no: int, lines: list[str], *, author: str, base: int,
               action: str = "correct", refresh: bool = True) -> Saved:
    """Save an editor's lines (one per line of version ``base``) as the page's next version.

    ``refresh=False`` leaves the document's text, PDF and index to one :func:`refresh_document`
    after a batch of pages (each refresh rewrites the whole document's PDF)."""
    page = page_of(archive, doc_id, page_no)
    versions = history(archive, doc_id, page_no)
    current = versions[-1]
    if base != current.version:
        raise EditConflictError(current, lines)
    if len(lines) != len(current.lines):
        raise BadArgsError(f"{len(lines)} dòng, trang có {len(current.lines)} / "
                           f"{len(lines)} lines given, the page has {len(current.lines)}")
    old_lines = _by_line(current.words)
    words: list[Word] = []
    for number, (old, text) in enumerate(zip(current.lines, lines), start=1):
        kept = clean_line(old) == clean_line(text)
        words += old_lines[number] if kept else realign(old_lines[number], text, number)
    if [w.text for w in words] == [w.text for w in current.words]:
        Revisions(archive.catalog).mark_reviewed(doc_id, page_no, author, "checked")
        return Saved(None)
    paragraphs = [p for p, text in zip(current.paragraphs, lines) if clean_line(text)]
    return _store(archive, page, versions, words, paragraphs, author=author, action=action, refresh=refresh)


def revert(archive: Archive, doc_id: str, page_no: int, to: int, *, author: str, base: int) -> Saved:
    """Make version ``to`` the page's text again, as a new version (history is never rewritten)."""
    page = page_of(archive, doc_id, page_no)
    versions = history(archive, doc_id, page_no)
    if base != versions[-1].version:
        raise EditConflictError(versions[-1], versions[-1].lines)
    target = page_version(archive, doc_id, page_no, to)
    return _store(archive, page, versions, target.words, target.paragraphs, author=author, action="revert")


def _by_line(words: list[Word]) -> dict[int, list[Word]]:
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return lines


def _store(archive: Archive, page: Page, versions: list[PageVersion], words: list[Word], paragraphs: list[int],
           *, author: str, action: str, refresh: bool = True) -> Saved:
    table = table_of(words, paragraphs, page.width, page.height)
    files = page_files(table, page.dpi, f"sohoa {__version__}", page.page_no)
    current = versions[-1]
    new = PageVersion(page.doc_id, page.page_no, current.version + 1, str(files[PAGE_TEXT]), words_of(table),
                      paragraphs, author, action)
    revisions = Revisions(archive.catalog)
    # The OCR's reading is stored with the first correction made on it (and its files kept).
    stored = {v.version for v in revisions.versions(page.doc_id, page.page_no)}
    first = None if current.version in stored else current
    with _WRITING:
        try:
            revisions.add(new, first=first)
        except VersionConflict as conflict:
            raise EditConflictError(conflict.latest, new.lines) from None
        _write_page(archive, page, files, new.words, keep_ocr=first is not None)
        revisions.mark_reviewed(page.doc_id, page.page_no, author, "corrected")
        run_id = f"edit-{uuid.uuid4().hex[:12]}"
        archive.catalog.log_event(run_id, action, doc_id=page.doc_id, page_no=page.page_no,
                                  version=new.version, base=current.version, author=author)
        started = time.perf_counter()
        if refresh:
            refresh_document(archive, page.doc_id, run_id=run_id)
    return Saved(new, time.perf_counter() - started)


def _write_page(archive: Archive, page: Page, files: dict[str, str | bytes], words: list[Word], *,
                keep_ocr: bool) -> None:
    folder = archive.page_dir(page.doc_id, page.page_no)
    names = dict(page.files)
    for name, kept in VERSION_1_NAMES.items():
        if keep_ocr and (folder / name).exists() and not (folder / kept).exists():
            write_atomic(folder / kept, (folder / name).read_bytes())
        if (folder / kept).exists():
            names[kept] = archive.relative(folder / kept)
    for name, content in files.items():
        write_atomic(folder / name, content)
        names[name] = archive.relative(folder / name)
    page.text, page.files = str(files[PAGE_TEXT]), names
    page.word_count = len(words)
    page.mean_confidence = round(sum(w.confidence for w in words) / len(words), 2) if words else None
    archive.catalog.save_page(page)


def refresh_document(archive: Archive, doc_id: str, *, run_id: str = "edit") -> None:
    """The document's text, searchable PDF and index entry, from its pages now: the ingest
    service's own finish, so a correction writes them exactly as an ingest does. If one of them
    fails, the document is left unfinished (as a killed ingest leaves it) for `sohoa verify --repair`."""
    from sohoa.ingest import finish

    finished = finish(archive, doc_id, run_id=run_id)
    if finished.errors:
        raise SohoaError(f"{doc_id}: đã lưu phiên bản, nhưng / the version is saved, but "
                         + "; ".join(finished.errors) + " — `sohoa verify --repair`")
