"""The catalog compared with the archive folder, both ways: what one holds and the other lacks.

    an original without a catalog row      originals/ab/ab12….pdf that no document (nor deleted/) claims
    a catalog row without its page folder  documents/DOC/pages/0007/ gone (export would drop it)
    a page file missing                    a file the page's row lists, gone from its folder
    a page folder without a catalog row    a page the catalog forgot (staging folders aside)
    a document folder without a row        documents/DOC/ of a document the catalog forgot

(The originals' content is checked by ``corpus.verify``; the search index by ``search_index``.)
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.archive import Archive
from corpus.verify import Damage


def compare_with_disk(archive: Archive) -> list[Damage]:
    return list(_rows_without_files(archive)) + list(_files_without_rows(archive))


def _rows_without_files(archive: Archive) -> Iterator[Damage]:
    for doc in archive.catalog.documents():
        for page in archive.catalog.pages(doc.id):
            folder = archive.page_dir(doc.id, page.page_no)
            if not folder.is_dir():
                yield Damage(doc.id, archive.relative(folder), f"page {page.page_no}: folder missing")
                continue
            for name in page.files:
                if not (folder / name).exists():
                    yield Damage(doc.id, archive.relative(folder / name), f"page {page.page_no}: file missing")


def _files_without_rows(archive: Archive) -> Iterator[Damage]:
    docs = {d.id: d for d in archive.catalog.documents()}
    claimed = archive.kept_originals()
    for doc in docs.values():
        claimed |= {doc.original_path, *archive.stored_members(doc.original_path)}
    for path in archive.stored_originals():
        relative = archive.relative(path)
        if relative not in claimed:
            yield Damage("–", relative, "original without a catalog row")
    for folder in archive.document_dirs():
        if folder.name not in docs:
            yield Damage(folder.name, archive.relative(folder), "document folder without a catalog row")
            continue
        done = archive.catalog.page_numbers(folder.name)
        for page in archive.page_dirs(folder.name):
            if int(page.name) not in done:
                yield Damage(folder.name, archive.relative(page), "page folder without a catalog row")
