"""The head start: the batch's first pages recognised while Prefect starts, taken by the page tasks.

Which pages it chooses and how it hands them out are plain functions and objects (tested without
Prefect, some with a stand-in for the OCR to control timing); the last test runs the real CLI,
flow and Tesseract and checks that the pages it began were archived once, by their tasks.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from corpus.archive import Archive, doc_id_for, sha256_of
from ocr.pipeline import OcrOptions, PageOutcome, ocr_page
from ocr.sources import open_source
from sohoa import head_start, ingest
from sohoa.cli import main
from sohoa.head_start import EarlyPage, HeadStart, first_pages
from sohoa.ingest import Job, Todo, plan, plan_job, register


def _chosen(pages: list[EarlyPage]) -> list[tuple[str, int]]:
    return [(p.source.path.name, p.page_no) for p in pages]


def test_the_first_pages_of_new_files_are_chosen_in_the_flows_order(archive: Archive, scans, tmp_path: Path) -> None:
    book = scans.get("early-book.pdf", pages=2, variant="clean", seed=21)
    leaflet = scans.get("early-leaflet.png", pages=1, variant="clean", seed=22)
    (tmp_path / "notes.txt").write_text("không phải ảnh")
    skipped = [tmp_path / "missing.pdf", tmp_path / "notes.txt", tmp_path]  # left to the flow to report

    jobs = [Job(book), Job(leaflet)]

    assert _chosen(first_pages(plan(archive, [*map(Job, skipped), *jobs]), 3)) == \
        [("early-book.pdf", 1), ("early-book.pdf", 2), ("early-leaflet.png", 1)]
    assert _chosen(first_pages(plan(None, jobs), 1)) == [("early-book.pdf", 1)]
    assert first_pages(plan(archive, jobs), 3)[0].doc_id == doc_id_for(sha256_of(book))

    register(archive, plan_job(archive, Job(book)), run_id="test")  # in the archive now: resumed, not begun afresh
    assert _chosen(first_pages(plan(archive, jobs), 3)) == [("early-leaflet.png", 1)]
    assert _chosen(first_pages(plan(archive, jobs, force=True), 3)) == \
        [("early-book.pdf", 1), ("early-book.pdf", 2), ("early-leaflet.png", 1)]


def test_a_page_begun_early_is_the_page_its_task_would_have_read(scans) -> None:
    scan = scans.get("early-page.png", pages=1, variant="aged", seed=23)
    source, options = open_source(scan), OcrOptions()
    early = HeadStart([EarlyPage("doc", source, 1)], options, workers=1)

    claimed = early.claim("doc", 1, options)
    assert claimed is not None
    taken = claimed.result(timeout=120)
    assert taken.page.text == ocr_page(source, "doc", 1, options).page.text and "Đảng" in taken.page.text
    assert early.claim("doc", 1, options) is None  # handed out once


class _StandIn:
    """The page stages' stand-in: records the pages begun and prepared; page 1's preparation
    waits until released; page 2 fails; the others take 0.3 s."""

    def __init__(self) -> None:
        self.begun: list[int] = []
        self.prepared: list[int] = []
        self.first_begun = threading.Event()
        self.release = threading.Event()

    def prepare(self, source, page_no: int, options: OcrOptions) -> int:
        self.begun.append(page_no)
        if page_no == 1:
            self.first_begun.set()
            self.release.wait(10)
        if page_no == 2:
            raise RuntimeError("page 2 cannot be rendered")
        if page_no > 2:
            time.sleep(0.3)
        self.prepared.append(page_no)
        return page_no

    def recognize(self, prepared: int, doc_id: str, page_no: int, options: OcrOptions) -> PageOutcome:
        return PageOutcome(page=None, files={"text.txt": f"page {prepared}"})  # type: ignore[arg-type]


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> _StandIn:
    fake = _StandIn()
    monkeypatch.setattr(head_start, "prepare_page", fake.prepare)
    monkeypatch.setattr(head_start, "recognize_page", fake.recognize)
    return fake


def _pages(count: int) -> list[EarlyPage]:
    return [EarlyPage("doc", None, n) for n in range(1, count + 1)]  # type: ignore[arg-type]


def test_no_page_is_begun_once_the_flow_asks_for_one(stand_in: _StandIn) -> None:
    options = OcrOptions()
    early = HeadStart(_pages(4), options, workers=1)
    assert stand_in.first_begun.wait(10)

    assert early.claim("doc", 3, options) is None  # not begun: the task reads it itself
    claimed = early.claim("doc", 1, options)  # under way: its task waits for it
    stand_in.release.set()

    assert claimed is not None and claimed.result(timeout=10).files["text.txt"] == "page 1"
    assert stand_in.begun == [1]


def test_a_failed_or_foreign_page_is_left_to_its_task(stand_in: _StandIn) -> None:
    stand_in.release.set()
    options = OcrOptions()
    early = HeadStart(_pages(3), options, workers=3)

    failed = early.claim("doc", 2, options)
    assert failed is not None and isinstance(failed.exception(timeout=10), RuntimeError)  # its task reads it again
    assert early.claim("doc", 3, OcrOptions(psm=6)) is None  # begun with other options
    assert early.claim("other", 1, options) is None
    early.close()
    assert early.claim("doc", 1, options) is None  # closed: nothing is handed out any more


def test_an_early_page_that_failed_is_read_again_by_its_task(archive: Archive, scans) -> None:
    scan = scans.get("early-failed.png", pages=1, variant="clean", seed=25)
    registration = register(archive, plan_job(archive, Job(scan)), run_id="test")
    failed: Future[PageOutcome] = Future()
    failed.set_exception(RuntimeError("the head start's Tesseract was killed"))

    page = ingest.recognize_page(archive, registration.doc_id, registration.source, 1, OcrOptions(),
                                 run_id="test", early=failed)
    assert "Đảng" in page.text and archive.catalog.page_numbers(registration.doc_id) == {1}


def test_the_flow_starts_once_the_first_pages_are_with_tesseract(stand_in: _StandIn) -> None:
    stand_in.release.set()
    new = Todo(Job(Path("book.pdf")), "new", source=object(), doc_id="doc", pages=(3, 4, 5))  # type: ignore[arg-type]
    with head_start.head_start([new], OcrOptions(), workers=2):
        assert sorted(stand_in.prepared) == [3, 4]  # both threads' first pages, before the block began


def test_a_slow_first_page_is_not_waited_for_long(stand_in: _StandIn) -> None:
    early = HeadStart(_pages(1), OcrOptions(), workers=1)
    assert stand_in.first_begun.wait(10)
    began = time.monotonic()
    early.wait_until_reading(timeout=0.2)  # page 1 is held in its preparation
    assert 0.15 < time.monotonic() - began < 2
    stand_in.release.set()
    early.wait_until_reading(timeout=10)
    assert time.monotonic() - began < 5
    early.close()


@pytest.mark.slow
def test_the_cli_archives_every_page_once_head_start_or_not(capsys, tmp_path: Path, scans,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    scan = scans.get("early-batch.pdf", pages=3, variant="clean", seed=24)
    taken: list[int] = []
    real_claim = HeadStart.claim

    def spying_claim(self: HeadStart, doc_id: str, page_no: int, options: OcrOptions) -> Future[PageOutcome] | None:
        claimed = real_claim(self, doc_id, page_no, options)
        if claimed is not None:
            taken.append(page_no)
        return claimed

    monkeypatch.setattr(HeadStart, "claim", spying_claim)
    with pytest.raises(SystemExit) as done:
        main(["--archive", str(tmp_path / "archive"), "ingest", str(scan), "--jobs", "1"])
    out, err = capsys.readouterr()

    assert done.value.code == 0, err
    assert "1 documents, 3 pages archived" in out
    assert 1 in taken  # begun before the flow's first task, and taken by it
    archive = Archive.open(tmp_path / "archive")
    doc = archive.catalog.documents()[0]
    assert [p.page_no for p in archive.catalog.pages(doc.id)] == [1, 2, 3]
    assert sorted(e["page_no"] for e in archive.catalog.events(doc.id) if e["action"] == "ocr") == [1, 2, 3]
    assert all("Đảng" in p.text for p in archive.catalog.pages(doc.id))
