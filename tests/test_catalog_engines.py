"""The catalog on both engines it supports, SQLite and a real PostgreSQL, through one code path;
its schema migrations, including the upgrade in place of an archive made before they existed."""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from corpus.archive import Archive
from corpus.catalog import Catalog, make_engine, metadata
from corpus.migrations import FIRST_REVISION, current_revision, head_revision
from corpus.models import Document, DocumentMeta, Page
from tests.postgres import catalog_url, postgres, postgres_url  # noqa: F401 (fixtures)


def _document(doc_id: str = "a1b2c3d4e5f6", **meta: object) -> Document:
    return Document(id=doc_id, meta=DocumentMeta(**meta), original_name="lich-su.pdf", sha256=doc_id * 5,
                    original_path=f"originals/{doc_id[:2]}/{doc_id}.pdf", media_type="application/pdf",
                    page_count=2, status="registered")


def _page(doc_id: str, page_no: int, text: str = "Lịch sử Đảng bộ xã Cự Khối", confidence: float = 91.5) -> Page:
    return Page(doc_id=doc_id, page_no=page_no, text=text, mean_confidence=confidence, word_count=7, width=2480,
                height=3508, dpi=300, needs_review=confidence < 70, quality={"syllable_ratio": 1.0},
                steps=[{"name": "deskew", "angle": 0.4}], files={"text.txt": f"documents/{doc_id}/pages/0001/text.txt"})


def test_documents_pages_and_events_round_trip(catalog_url):
    catalog = Catalog(catalog_url)
    doc = _document(title="Lịch sử Đảng bộ xã Cự Khối", commune="Cự Khối", district="Long Biên", year=2010,
                    kind="history")
    catalog.add_document(doc)
    catalog.save_page(_page(doc.id, 1))
    catalog.save_page(_page(doc.id, 2, "Hợp tác xã nông nghiệp", confidence=55.0))
    catalog.log_event("run-1", "ocr", doc_id=doc.id, page_no=1, tesseract="5.3.0")

    [listed] = catalog.documents(district="Long Biên", year=2010)
    assert listed.meta.commune == "Cự Khối" and listed.pages_done == 2 and listed.pages_review == 1
    assert listed.mean_confidence == pytest.approx((91.5 + 55.0) / 2)
    assert catalog.page(doc.id, 2).text == "Hợp tác xã nông nghiệp"
    assert catalog.page(doc.id, 1).steps == [{"name": "deskew", "angle": 0.4}]
    assert catalog.page_numbers(doc.id) == {1, 2}
    assert [p.page_no for p in catalog.iter_pages()] == [1, 2]
    assert catalog.events(doc.id)[0]["detail"] == {"tesseract": "5.3.0"}
    assert catalog.document_by_sha256(doc.sha256).id == doc.id
    catalog.update_document(doc.id, status="complete")
    assert catalog.document(doc.id).status == "complete"
    catalog.delete_document(doc.id)
    assert catalog.documents() == [] and catalog.pages(doc.id) == []
    catalog.close()


def test_saving_a_page_again_replaces_it(catalog_url):
    catalog = Catalog(catalog_url)
    catalog.add_document(_document())
    catalog.save_page(_page("a1b2c3d4e5f6", 1, "bản nháp"))
    catalog.save_page(_page("a1b2c3d4e5f6", 1, "bản cuối"))
    assert [p.text for p in catalog.pages("a1b2c3d4e5f6")] == ["bản cuối"]
    catalog.close()


def test_workers_racing_on_one_page_leave_one_row(catalog_url):
    """A task re-run after its worker was presumed lost may finish twice: one row, no error."""
    catalogs = [Catalog(catalog_url) for _ in range(4)]
    catalogs[0].add_document(_document())
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: catalogs[n % 4].save_page(_page("a1b2c3d4e5f6", 1, f"lần {n}")), range(40)))
    assert len(catalogs[0].pages("a1b2c3d4e5f6")) == 1
    for catalog in catalogs:
        catalog.close()


def test_a_new_catalog_is_at_the_newest_revision_and_matches_the_model(catalog_url):
    Catalog(catalog_url).close()
    engine = make_engine(catalog_url)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()


def _legacy_schema() -> sa.MetaData:
    """The schema exactly as sohoa's first releases made it: their tables, minus later indexes."""
    legacy = sa.MetaData()
    for name in ("documents", "pages", "events"):  # later tables (polls, listen counts) came by migration
        copy = metadata.tables[name].to_metadata(legacy)
        for index in list(copy.indexes):
            if index.name in ("ix_documents_district_commune", "ix_events_run_id"):
                copy.indexes.discard(index)
    return legacy


def test_an_archive_from_before_migrations_is_stamped_and_upgraded_in_place(catalog_url):
    engine = make_engine(catalog_url)
    _legacy_schema().create_all(engine)  # what opening a catalog did before migrations existed
    old = Catalog.__new__(Catalog)
    old.url, old.engine = catalog_url, engine  # the old code path: no migration at open
    old.add_document(_document(district="Vũ Thư"))
    old.save_page(_page("a1b2c3d4e5f6", 1))
    with engine.connect() as conn:
        assert current_revision(conn) is None

    catalog = Catalog(catalog_url)
    assert catalog.documents(district="Vũ Thư")[0].pages_done == 1  # nothing lost
    with catalog.engine.connect() as conn:
        assert current_revision(conn) == head_revision() != FIRST_REVISION
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("documents")}
        assert "ix_documents_district_commune" in indexes
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    catalog.close()
    engine.dispose()


def _open_catalog(url: str) -> str:
    catalog = Catalog(url)
    try:
        with catalog.engine.connect() as conn:
            return str(current_revision(conn))
    finally:
        catalog.close()


def test_processes_opening_a_fresh_catalog_at_once_migrate_it_once(catalog_url):
    """Dask workers start together: one migrates, the others wait and find it done."""
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        assert pool.map(_open_catalog, [catalog_url] * 3) == [head_revision()] * 3


def test_the_archive_takes_its_catalog_from_the_settings(settings, postgres_url, tmp_path):
    archive = Archive(dataclasses.replace(settings, database_url=postgres_url))
    assert archive.catalog.dialect == "postgresql"
    archive.catalog.add_document(_document())
    archive.save_page(_page("a1b2c3d4e5f6", 1), {"text.txt": "Lịch sử Đảng bộ xã Cự Khối"})
    assert archive.catalog.page("a1b2c3d4e5f6", 1).files == {"text.txt": "documents/a1b2c3d4e5f6/pages/0001/text.txt"}
    assert not (settings.home / "catalog.sqlite").exists()
    archive.close()
