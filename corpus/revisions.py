"""Corrections in the catalog: page versions, reviews, editors and readers' suggestions.

A page's OCR output is its version 1; every save by an editor is a new version (the lines with
their word boxes), never an overwrite, so any version can be shown, compared or restored. The
version number is the optimistic lock: a save names the version it was edited from, and the
primary key (doc, page, version) makes a second save from the same base fail instead of
silently replacing the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from corpus.catalog import Catalog, documents, now, page_reviews, page_versions, pages, suggestions
from corpus.models import Word

# How a guard step reads in a page's JSON steps (json.dumps' default separators, as the catalog writes them).
GUARD_STEP = json.dumps({"step": "guard"})[1:-1]

@dataclass(frozen=True)
class PageVersion:
    doc_id: str
    page_no: int
    version: int
    text: str
    words: list[Word]
    paragraphs: list[int]
    author: str
    action: str
    at: str = ""

    @property
    def lines(self) -> list[str]:
        return lines_of(self.words)


def lines_of(words: list[Word]) -> list[str]:
    """The page's lines in reading order, each its words joined by a space."""
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return [" ".join(texts) for _, texts in sorted(lines.items())]


@dataclass(frozen=True)
class Suggestion:
    id: int
    doc_id: str
    page_no: int
    line: int
    before: str
    after: str
    status: str
    at: str


class VersionConflict(Exception):
    """Someone saved this page since the form was opened: ``latest`` is what they saved."""

    def __init__(self, latest: PageVersion) -> None:
        super().__init__(f"version {latest.version} by {latest.author}")
        self.latest = latest


class Revisions:
    """The correction records of one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.engine = catalog.engine

    # -- versions ---------------------------------------------------------------------------
    def versions(self, doc_id: str, page_no: int | None = None) -> list[PageVersion]:
        query = sa.select(page_versions).where(page_versions.c.doc_id == doc_id)
        if page_no is not None:
            query = query.where(page_versions.c.page_no == page_no)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(page_versions.c.page_no, page_versions.c.version))
            return [_version(row._mapping) for row in rows]

    def add(self, version: PageVersion, *, first: PageVersion | None = None) -> None:
        """Store ``version`` (and version 1 beside it, the first time); a lost race is a conflict."""
        rows = [v for v in (first, version) if v is not None]
        try:
            with self.engine.begin() as conn:
                conn.execute(page_versions.insert(), [_row(v) for v in rows])
        except sa.exc.IntegrityError:
            latest = self.versions(version.doc_id, version.page_no)[-1]
            raise VersionConflict(latest) from None

    # -- reviews ----------------------------------------------------------------------------
    def mark_reviewed(self, doc_id: str, page_no: int, reviewer: str, outcome: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(page_reviews.delete().where((page_reviews.c.doc_id == doc_id)
                                                     & (page_reviews.c.page_no == page_no)))
            conn.execute(page_reviews.insert().values(doc_id=doc_id, page_no=page_no, reviewer=reviewer,
                                                      outcome=outcome, at=now()))

    def reviewed(self, doc_id: str) -> dict[int, str]:
        """Page number → outcome for every page of the document an editor checked or corrected."""
        query = sa.select(page_reviews.c.page_no, page_reviews.c.outcome).where(page_reviews.c.doc_id == doc_id)
        with self.engine.connect() as conn:
            return {row.page_no: row.outcome for row in conn.execute(query)}

    def queue(self) -> list[dict[str, Any]]:
        """Flagged pages, and pages where the OCR guard stepped in, that no editor has looked at yet,
        worst first (lowest mean confidence); ``guard`` is the reading the guard kept, or None."""
        done = sa.select(page_reviews.c.doc_id, page_reviews.c.page_no).where(
            (page_reviews.c.doc_id == pages.c.doc_id) & (page_reviews.c.page_no == pages.c.page_no))
        guarded = pages.c.steps.like(f"%{GUARD_STEP}%")
        query = (sa.select(pages.c.doc_id, pages.c.page_no, pages.c.mean_confidence, pages.c.quality,
                           pages.c.steps, documents.c.title, documents.c.commune, documents.c.year)
                 .join(documents, documents.c.id == pages.c.doc_id)
                 .where(pages.c.needs_review | guarded, ~sa.exists(done))
                 .order_by(sa.func.coalesce(pages.c.mean_confidence, -1), pages.c.doc_id, pages.c.page_no))
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        for row in rows:
            row["quality"] = json.loads(row["quality"])
            row["guard"] = next((s.get("kept") for s in json.loads(row.pop("steps")) if s.get("step") == "guard"), None)
        return rows

    # -- suggestions ------------------------------------------------------------------------
    def suggest(self, doc_id: str, page_no: int, line: int, before: str, after: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(suggestions.insert().values(
                doc_id=doc_id, page_no=page_no, line=line, before=before, after=after, status="pending", at=now()))
            return int(result.inserted_primary_key[0])

    def suggestions(self, status: str = "pending") -> list[Suggestion]:
        query = sa.select(suggestions).where(suggestions.c.status == status).order_by(suggestions.c.id)
        with self.engine.connect() as conn:
            return [Suggestion(**{k: row._mapping[k] for k in Suggestion.__dataclass_fields__})
                    for row in conn.execute(query)]

    def decide(self, suggestion_id: int, status: str, editor: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(suggestions.update().where(suggestions.c.id == suggestion_id)
                         .values(status=status, decided_by=editor))


def _row(v: PageVersion) -> dict[str, Any]:
    return dict(doc_id=v.doc_id, page_no=v.page_no, version=v.version, text=v.text,
                words=json.dumps([vars(w) for w in v.words], ensure_ascii=False),
                paragraphs=json.dumps(v.paragraphs), author=v.author, action=v.action, at=v.at or now())


def _version(row: Any) -> PageVersion:
    return PageVersion(doc_id=row["doc_id"], page_no=row["page_no"], version=row["version"], text=row["text"],
                       words=[Word(**w) for w in json.loads(row["words"])], paragraphs=json.loads(row["paragraphs"]),
                       author=row["author"], action=row["action"], at=row["at"])
