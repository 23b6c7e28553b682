"""The catalog's rows mirrored on disk, beside what they describe, so that a lost or damaged
catalog can be rebuilt from the archive folder alone (``corpus.rebuild``); where each is kept is
``corpus.archive``'s layout:

    documents/DOC/metadata.json        the document's row: metadata, original, status, dates
    documents/DOC/pages/0001/page.json the page's row but its text (text.txt beside it holds that)
    deleted/DOC.json                   a deleted document's last record: why its original has no row

The catalog stays the source of truth while it is readable; these are its copies, rewritten
(atomically) whenever the row changes.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from corpus.models import Document, DocumentMeta, Page

_DERIVED = ("pages_done", "pages_review", "mean_confidence")  # computed from the pages, not stored


def document_record(doc: Document) -> str:
    data = {k: v for k, v in asdict(doc).items() if k not in _DERIVED}
    return json.dumps(data, ensure_ascii=False, indent=1)


def read_document_record(path: Path) -> Document:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Document(**{**data, "meta": DocumentMeta(**data["meta"])})


def page_record(page: Page) -> str:
    return json.dumps({k: v for k, v in asdict(page).items() if k != "text"}, ensure_ascii=False, indent=1)


def read_page_record(record: Path, text: Path) -> Page:
    data = json.loads(record.read_text(encoding="utf-8"))
    return Page(**data, text=text.read_text(encoding="utf-8") if text.exists() else "")
