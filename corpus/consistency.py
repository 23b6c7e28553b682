"""The catalog compared with the archive folder, both ways: what one holds and the other lacks.

    an original without a catalog row      originals/ab/ab12….pdf that no document (nor deleted/) claims
    a catalog row without its page folder  documents/DOC/pages/0007/ gone (export would drop it)
    a page file missing                    a file the page's row lists, gone from its folder
    a page folder without a catalog row    a page the catalog forgot (staging folders aside)
    a document folder without a row        documents/DOC/ of a document the catalog forgot

(The originals' content is checked by ``corpus.verify``; the search index by ``search_index``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from corpus.archive import Archive
from corpus.records import kept_originals
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
    claimed = kept_originals(archive.root)
    for doc in docs.values():
        claimed.add(doc.original_path)
        listing = archive.root / doc.original_path
        if doc.original_path.endswith(".pages.json") and listing.exists():
            claimed |= set(json.loads(listing.read_text(encoding="utf-8"))["pages"])
    for path in sorted((archive.root / "originals").glob("*/*")):
        relative = archive.relative(path)
        if path.is_file() and not path.name.startswith(".") and relative not in claimed:
            yield Damage("–", relative, "original without a catalog row")
    for folder in sorted(p for p in (archive.root / "documents").glob("*") if p.is_dir()):
        if folder.name not in docs:
            yield Damage(folder.name, archive.relative(folder), "document folder without a catalog row")
            continue
        done = archive.catalog.page_numbers(folder.name)
        for page in sorted((folder / "pages").glob("[0-9]*")):
            if page.is_dir() and page.name.isdigit() and int(page.name) not in done:
                yield Damage(folder.name, archive.relative(page), "page folder without a catalog row")
