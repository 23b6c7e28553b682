"""What ingest promises under faults, with real processes and a real archive on disk.

- Access changes and deletion reach search before anything else: a reader polling the web app's
  `/api/search` never sees a document the catalog already calls internal (or no longer holds).
- A document is complete only when its pages, searchable PDF and index entry are all done: a run
  SIGKILLed at a chosen point (after the catalog row; after the last page, before the index) is
  finished by the next run, or by `sohoa verify --repair`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import search_index
from corpus.archive import Archive
from search_index import SearchRequest
from sohoa.ingest import Job, ingest_plainly
from sohoa.settings import Settings
from tests.conftest import ROOT
from tests.processes import run_to_the_end
from web.app import create_app

pytestmark = pytest.mark.slow
WORD = "Đảng"  # on every generated page

# `sohoa` in a fresh process, SIGKILLed by itself when it reaches the function named in argv[1]
# (module:attribute): the chosen point, with nothing in sohoa's own code to make it possible.
KILLED_AT = """
import importlib, os, signal, sys
module, name = sys.argv[1].split(":")
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(importlib.import_module(module), name, die)
from sohoa.cli import main
main(sys.argv[2:])
"""


def sohoa(*args: str, killed_at: str | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", KILLED_AT, killed_at] if killed_at else [sys.executable, "-m", "sohoa"]
    return run_to_the_end([*command, *args], cwd=ROOT, timeout=timeout)


def public_hits(client: TestClient) -> set[str]:
    response = client.get("/api/search", params={"q": WORD})
    assert response.status_code == 200, response.text
    return {doc["doc_id"] for doc in response.json()["documents"]}


def indexed(archive: Archive, doc_id: str) -> bool:
    results = search_index.search(archive, SearchRequest(query=WORD, include_internal=True))
    return doc_id in {doc.doc_id for doc in results.documents}


class Reader(threading.Thread):
    """Polls the catalog, then anonymous search, until stopped; notes every moment the catalog
    said 'hidden' (``hidden(doc)``) and search, asked just after, still showed the document."""

    def __init__(self, settings: Settings, client: TestClient, doc_id: str, hidden) -> None:  # noqa: ANN001
        super().__init__(daemon=True)
        self.archive, self.client, self.doc_id, self.hidden = Archive(settings), client, doc_id, hidden
        self.stop, self.polls, self.polls_hidden, self.leaks = threading.Event(), 0, 0, []

    def run(self) -> None:
        while not self.stop.is_set():
            doc = self.archive.catalog.document(self.doc_id)
            pages = self.archive.catalog.page_numbers(self.doc_id)
            said_hidden = self.hidden(doc)
            shown = self.doc_id in public_hits(self.client)
            self.polls += 1
            self.polls_hidden += said_hidden
            if said_hidden and shown:
                self.leaks.append((doc.meta.access if doc else "deleted", len(pages)))
            time.sleep(0.05)
        self.archive.close()


@pytest.fixture(scope="module")
def public_archive(scans, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An archive holding a public two-page document, archived and indexed, read with the real
    Tesseract once for the module (the tests below change it: each gets a copy); its id."""
    archive = Archive(Settings.from_env(tmp_path_factory.mktemp("public") / "archive"))
    [finished] = ingest_plainly(archive, [Job(scans.get("access.pdf", pages=2, variant="clean", seed=31))])
    archive.close()
    assert finished.document.status == "complete" and not finished.errors
    return archive.root, finished.document.id


@pytest.fixture
def public_doc(settings: Settings, public_archive: tuple[Path, str]) -> str:
    """The public document in this test's own copy of ``public_archive``, at ``settings.home``."""
    shutil.copytree(public_archive[0], settings.home, symlinks=True)
    return public_archive[1]


def test_access_made_internal_leaves_search_before_the_pages_are_redone(settings, scans, public_doc):
    scan = scans.get("access.pdf")
    with TestClient(create_app(settings, member_token="")) as client:
        assert public_doc in public_hits(client)
        reader = Reader(settings, client, public_doc,
                        lambda doc: doc is not None and doc.meta.access == "internal")
        reader.start()
        redo = sohoa("--archive", str(settings.home), "ingest", str(scan), "--force", "--access", "internal",
                     "--jobs", "1")
        reader.stop.set()
        reader.join(timeout=30)
        assert redo.returncode == 0, redo.stdout + redo.stderr
        assert public_doc not in public_hits(client)

    assert reader.leaks == []
    assert reader.polls_hidden > 10, "the reader should have polled while the pages were being redone"
    archive = Archive(settings)
    doc = archive.catalog.document(public_doc)
    assert doc.status == "complete" and doc.meta.access == "internal" and indexed(archive, public_doc)
    events = [e["action"] for e in archive.catalog.events(public_doc)]
    assert events[events.index("force"):].count("ocr") == 2  # the pages were redone after the change
    archive.close()


def test_a_deleted_document_leaves_search_first(settings, public_doc):
    with TestClient(create_app(settings, member_token="")) as client:
        reader = Reader(settings, client, public_doc, lambda doc: doc is None)
        reader.start()
        time.sleep(0.5)
        deleted = sohoa("--archive", str(settings.home), "delete", public_doc, "--yes")
        time.sleep(0.5)
        reader.stop.set()
        reader.join(timeout=30)
        assert deleted.returncode == 0, deleted.stdout + deleted.stderr
        assert public_doc not in public_hits(client)
    assert reader.leaks == [] and reader.polls_hidden > 0


def _states(settings: Settings, doc_id: str | None = None) -> tuple[str, bool, bool, list[int]]:
    """(status, searchable PDF written, in the index, pages archived) of the archive's one document."""
    archive = Archive(settings)
    try:
        (doc,) = archive.catalog.documents() if doc_id is None else [archive.catalog.document(doc_id)]
        pdf = (archive.document_dir(doc.id) / "searchable.pdf").exists()
        return doc.status, pdf, indexed(archive, doc.id), sorted(archive.catalog.page_numbers(doc.id))
    finally:
        archive.close()


def test_a_run_killed_after_the_catalog_row_is_finished_by_the_next(settings, scans):
    scan = scans.get("killed-row.pdf", pages=2, variant="clean", seed=32)
    home = str(settings.home)
    killed = sohoa("--archive", home, "ingest", str(scan), killed_at="sohoa.ingest:recognize_page")
    assert killed.returncode == -9
    assert _states(settings) == ("registered", False, False, [])

    again = sohoa("--archive", home, "ingest", str(scan))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already archived" not in again.stdout
    assert _states(settings) == ("complete", True, True, [1, 2])


@pytest.fixture(scope="module")
def killed_before_index(scans, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An archive whose ingest was SIGKILLed after its last page, before the index, and its scan:
    killed once for the module, the archive copied for each way of finishing it."""
    scan = scans.get("killed-index.pdf", pages=2, variant="clean", seed=33)
    home = tmp_path_factory.mktemp("killed-index") / "archive"
    killed = sohoa("--archive", str(home), "ingest", str(scan), killed_at="search_index:update_document")
    assert killed.returncode == -9
    return home, scan


@pytest.mark.parametrize("mend", [("ingest",), ("verify", "--repair")], ids=["rerun", "verify-repair"])
def test_a_run_killed_before_the_index_is_finished_later(settings, killed_before_index, mend):
    killed_home, scan = killed_before_index
    shutil.copytree(killed_home, settings.home, symlinks=True)
    home = str(settings.home)
    status, pdf, in_index, pages = _states(settings)
    assert (status, in_index, pages) == ("registered", False, [1, 2])  # every page, yet not complete

    mended = sohoa("--archive", home, *mend, *([str(scan)] if mend == ("ingest",) else []))
    assert mended.returncode == 0, mended.stdout + mended.stderr
    assert "already archived" not in mended.stdout
    assert _states(settings) == ("complete", True, True, [1, 2])
    archive = Archive(settings)
    (doc,) = archive.catalog.documents()
    ocr_runs = [e for e in archive.catalog.events(doc.id) if e["action"] == "ocr"]
    assert len(ocr_runs) == 2  # finishing redid no page
    assert not list(Path(home, "documents", doc.id).glob(".*"))  # no half-written file left
    archive.close()
    assert os.path.exists(Path(home, "documents", doc.id, "text.txt"))
