"""The catalog: documents, pages and provenance events in one SQL database.

SQLAlchemy Core keeps one code path for the embedded SQLite and a shared PostgreSQL (psycopg 3):
the URL alone chooses. The schema is Alembic's (``corpus/migrations``): opening a catalog upgrades
it in place, including an archive made before migrations existed. A page row is written in one transaction after its files are in place: the row is the
page's commit point, so a page is either wholly archived or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from corpus.models import META_FIELDS, Document, DocumentMeta, Page

metadata = sa.MetaData()

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("commune", sa.Text, nullable=False, default=""),
    sa.Column("district", sa.Text, nullable=False, default=""),
    sa.Column("province", sa.Text, nullable=False, default=""),
    sa.Column("year", sa.Integer),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("collection", sa.Text, nullable=False, default=""),
    sa.Column("access", sa.String(16), nullable=False),
    sa.Column("author", sa.Text, nullable=False, default=""),
    sa.Column("commune_type", sa.String(16), nullable=False, default=""),
    sa.Column("district_type", sa.String(16), nullable=False, default=""),
    sa.Column("original_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("original_path", sa.Text, nullable=False),
    sa.Column("media_type", sa.String(64), nullable=False),
    sa.Column("page_count", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

pages = sa.Table(
    "pages",
    metadata,
    sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("page_no", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("mean_confidence", sa.Float),
    sa.Column("word_count", sa.Integer, nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("dpi", sa.Integer, nullable=False),
    sa.Column("blank", sa.Boolean, nullable=False, default=False),
    sa.Column("needs_review", sa.Boolean, nullable=False, default=False),
    sa.Column("quality", sa.Text, nullable=False, default="{}"),
    sa.Column("steps", sa.Text, nullable=False, default="[]"),
    sa.Column("files", sa.Text, nullable=False, default="{}"),
    sa.Column("created_at", sa.String(32), nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("doc_id", sa.String(32), index=True),
    sa.Column("page_no", sa.Integer),
    sa.Column("detail", sa.Text, nullable=False, default="{}"),
)

# Declared here so that the model matches the newest migration (0002).
sa.Index("ix_documents_district_commune", documents.c.district, documents.c.commune)
sa.Index("ix_events_run_id", events.c.run_id)

# Opinion polls on bulletins (corpus/polls.py), migration 0004. A bulletin is named by its slug:
# bulletins live as folders under audio/, not as catalog rows.
polls = sa.Table(
    "polls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("bulletin", sa.String(100), nullable=False, index=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

poll_choices = sa.Table(
    "poll_choices",
    metadata,
    sa.Column("poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("choice_id", sa.Integer, primary_key=True),  # 1, 2, … in the order written
    sa.Column("label", sa.Text, nullable=False),
)

# One row per voter and poll: a second answer replaces the first. The voter is a random id the
# browser keeps in a cookie: nothing personal is stored.
poll_answers = sa.Table(
    "poll_answers",
    metadata,
    sa.Column("poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("voter", sa.String(64), primary_key=True),
    sa.Column("choice_id", sa.Integer, nullable=False),
    sa.Column("answered_at", sa.String(32), nullable=False),
)

# Plays per bulletin per day (corpus/listens.py): a count, never who listened.
listen_counts = sa.Table(
    "listen_counts",
    metadata,
    sa.Column("bulletin", sa.String(100), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),  # ISO date, UTC
    sa.Column("plays", sa.Integer, nullable=False),
)


# Corrections (corpus/revisions.py), migration 0003: editors, every version of a page (the OCR's
# is version 1), who checked a page, and readers' suggestions.
def _doc() -> sa.ForeignKey:
    return sa.ForeignKey("documents.id", ondelete="CASCADE")


editors = sa.Table(
    "editors", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("code_hash", sa.Text, nullable=False),  # corpus.editors: scrypt, salted
    sa.Column("created_at", sa.String(32), nullable=False),
)
page_versions = sa.Table(
    "page_versions", metadata,
    sa.Column("doc_id", sa.String(32), _doc(), primary_key=True),
    sa.Column("page_no", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("words", sa.Text, nullable=False),  # words.json of this version
    sa.Column("paragraphs", sa.Text, nullable=False),  # the paragraph of each line, 1-based
    sa.Column("author", sa.String(64), nullable=False),  # "ocr" for version 1
    sa.Column("action", sa.String(16), nullable=False),  # ocr | correct | revert | import | suggestion
    sa.Column("at", sa.String(32), nullable=False),
)
page_reviews = sa.Table(
    "page_reviews", metadata,
    sa.Column("doc_id", sa.String(32), _doc(), primary_key=True),
    sa.Column("page_no", sa.Integer, primary_key=True),
    sa.Column("reviewer", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # checked (no change) | corrected
    sa.Column("at", sa.String(32), nullable=False),
)
suggestions = sa.Table(
    "suggestions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("doc_id", sa.String(32), _doc(), nullable=False),
    sa.Column("page_no", sa.Integer, nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("before", sa.Text, nullable=False),
    sa.Column("after", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # pending | accepted | rejected
    sa.Column("at", sa.String(32), nullable=False),  # no author, no address: anonymous by design
    sa.Column("decided_by", sa.String(64)),
)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only")
    if cursor.fetchone()[0]:  # opened read-only: nothing to queue, no journal to switch
        cursor.close()
        return
    # busy_timeout queues writers, and comes first: switching a new database to WAL takes a write
    # lock, which another process opening the same fresh catalog may hold for a moment.
    # WAL lets readers (search, web) work while an ingest writes.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def database_url(url: str) -> str:
    """A plain ``postgresql://`` URL means psycopg 3 (SQLAlchemy would otherwise look for psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def read_only_url(url: str) -> str:
    """A SQLite URL opened read-only and immutable: no lock, journal or -shm file is created, so a
    catalog on a read-only medium (a copy on a DVD, a read-only share) can be read. What a writer
    left in an unmerged write-ahead log is not seen: a cleanly closed catalog has none."""
    path = sa.engine.make_url(url).database
    return f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"


def make_engine(url: str, read_only: bool = False) -> sa.Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(read_only_url(url) if read_only else url)
        if read_only:
            sa.event.listen(engine, "connect", lambda conn, _record: conn.execute("PRAGMA query_only=ON"))
        sa.event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    # Workers live long and a server may restart under them: test a pooled connection before use.
    return sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)


class Catalog:
    # Called with a document's id after its row was added or changed: the archive mirrors the row
    # to disk (documents/DOC/metadata.json), so that a lost catalog can be rebuilt.
    on_document_change: Callable[[str], None] | None = None

    def __init__(self, url: str, on_document_change: Callable[[str], None] | None = None,
                 read_only: bool = False) -> None:
        from corpus.migrations import upgrade

        self.url = url
        self.read_only = read_only and url.startswith("sqlite")
        self.engine = make_engine(url, self.read_only)
        if not self.read_only:  # a read-only catalog is read as it is: migrating would write
            upgrade(self.engine)
        self.on_document_change = on_document_change

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- documents -------------------------------------------------------------------------
    def add_document(self, doc: Document) -> None:
        row = {f: getattr(doc.meta, f) for f in META_FIELDS}
        row.update(
            id=doc.id, original_name=doc.original_name, sha256=doc.sha256, original_path=doc.original_path,
            media_type=doc.media_type, page_count=doc.page_count, status=doc.status,
            created_at=doc.created_at or now(), updated_at=now(),
        )
        with self.engine.begin() as conn:
            conn.execute(documents.insert().values(**row))
        if self.on_document_change:
            self.on_document_change(doc.id)

    def update_document(self, doc_id: str, **values: Any) -> None:
        if "meta" in values:
            meta: DocumentMeta = values.pop("meta")
            values.update({f: getattr(meta, f) for f in META_FIELDS})
        with self.engine.begin() as conn:
            conn.execute(documents.update().where(documents.c.id == doc_id).values(updated_at=now(), **values))
        if self.on_document_change:
            self.on_document_change(doc_id)

    def document(self, doc_id: str) -> Document | None:
        found = self.documents(ids=[doc_id])
        return found[0] if found else None

    def document_by_sha256(self, sha256: str) -> Document | None:
        found = self.documents(sha256=sha256)
        return found[0] if found else None

    def documents(self, *, ids: list[str] | None = None, sha256: str | None = None, district: str | None = None,
                  commune: str | None = None, year: int | None = None, kind: str | None = None,
                  access: str | None = None) -> list[Document]:
        conditions = [documents.c[column] == value
                      for column, value in (("district", district), ("commune", commune), ("year", year),
                                            ("kind", kind), ("access", access), ("sha256", sha256))
                      if value is not None]
        if ids is not None:
            conditions.append(documents.c.id.in_(ids))
        # Page statistics only for the documents asked for: a look-up of one document must not
        # aggregate the pages of the whole archive.
        wanted = sa.select(documents.c.id).where(*conditions)
        stats = (
            sa.select(
                pages.c.doc_id,
                sa.func.count().label("pages_done"),
                sa.func.sum(sa.case((pages.c.needs_review, 1), else_=0)).label("pages_review"),
                sa.func.avg(pages.c.mean_confidence).label("mean_confidence"),
            ).where(pages.c.doc_id.in_(wanted)).group_by(pages.c.doc_id).subquery()
        )
        query = sa.select(documents, stats.c.pages_done, stats.c.pages_review, stats.c.mean_confidence).outerjoin(
            stats, stats.c.doc_id == documents.c.id
        ).where(*conditions)
        query = query.order_by(documents.c.created_at, documents.c.id)
        with self.engine.connect() as conn:
            return [_document_from_row(row._mapping) for row in conn.execute(query)]

    def delete_document(self, doc_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(pages.delete().where(pages.c.doc_id == doc_id))
            conn.execute(documents.delete().where(documents.c.id == doc_id))

    # -- pages -----------------------------------------------------------------------------
    def save_page(self, page: Page) -> None:
        """Insert or replace one page's row (the page's commit point)."""
        row = dict(
            doc_id=page.doc_id, page_no=page.page_no, text=page.text, mean_confidence=page.mean_confidence,
            word_count=page.word_count, width=page.width, height=page.height, dpi=page.dpi, blank=page.blank,
            needs_review=page.needs_review, quality=json.dumps(page.quality, ensure_ascii=False),
            steps=json.dumps(page.steps, ensure_ascii=False), files=json.dumps(page.files), created_at=now(),
        )
        # One atomic upsert: two workers finishing the same page (a task re-run after its worker
        # was presumed lost) leave one row, the later one, and neither fails.
        insert = _dialect_insert(self.dialect)(pages).values(**row)
        update = {name: insert.excluded[name] for name in row if name not in ("doc_id", "page_no")}
        with self.engine.begin() as conn:
            conn.execute(insert.on_conflict_do_update(index_elements=["doc_id", "page_no"], set_=update))

    def delete_pages(self, doc_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(pages.delete().where(pages.c.doc_id == doc_id))

    def pages(self, doc_id: str) -> list[Page]:
        query = sa.select(pages).where(pages.c.doc_id == doc_id).order_by(pages.c.page_no)
        with self.engine.connect() as conn:
            return [_page_from_row(row._mapping) for row in conn.execute(query)]

    def page(self, doc_id: str, page_no: int) -> Page | None:
        query = sa.select(pages).where((pages.c.doc_id == doc_id) & (pages.c.page_no == page_no))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _page_from_row(row._mapping) if row else None

    def page_numbers(self, doc_id: str) -> set[int]:
        with self.engine.connect() as conn:
            return set(conn.execute(sa.select(pages.c.page_no).where(pages.c.doc_id == doc_id)).scalars())

    def iter_pages(self) -> Iterator[Page]:
        """Every page of every document, in order: what a search index is rebuilt from."""
        query = sa.select(pages).order_by(pages.c.doc_id, pages.c.page_no)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query):
                yield _page_from_row(row._mapping)

    # -- provenance ------------------------------------------------------------------------
    def log_event(self, run_id: str, action: str, *, doc_id: str | None = None, page_no: int | None = None,
                  **detail: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(events.insert().values(
                at=now(), run_id=run_id, action=action, doc_id=doc_id, page_no=page_no,
                detail=json.dumps(detail, ensure_ascii=False, default=str),
            ))

    def events(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(events).order_by(events.c.id)
        if doc_id is not None:
            query = query.where(events.c.doc_id == doc_id)
        with self.engine.connect() as conn:
            return [dict(row._mapping, detail=json.loads(row.detail)) for row in conn.execute(query)]


def _dialect_insert(dialect: str) -> Any:
    """INSERT … ON CONFLICT is spelled the same in SQLite and PostgreSQL; SQLAlchemy keeps them apart."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _document_from_row(row: Any) -> Document:
    meta = DocumentMeta(**{f: row[f] for f in META_FIELDS})
    return Document(
        id=row["id"], meta=meta, original_name=row["original_name"], sha256=row["sha256"],
        original_path=row["original_path"], media_type=row["media_type"], page_count=row["page_count"],
        status=row["status"], pages_done=row["pages_done"] or 0, pages_review=row["pages_review"] or 0,
        mean_confidence=row["mean_confidence"], created_at=row["created_at"], updated_at=row["updated_at"],
    )


def _page_from_row(row: Any) -> Page:
    return Page(
        doc_id=row["doc_id"], page_no=row["page_no"], text=row["text"], mean_confidence=row["mean_confidence"],
        word_count=row["word_count"], width=row["width"], height=row["height"], dpi=row["dpi"],
        blank=bool(row["blank"]), needs_review=bool(row["needs_review"]), quality=json.loads(row["quality"]),
        steps=json.loads(row["steps"]), files=json.loads(row["files"]),
    )
