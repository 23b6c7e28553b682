"""The first pages of a batch, recognised while Prefect starts.

Before the ingest flow can run its first page task, the command imports Prefect and starts its
API (flows.embedded_api): several CPU-seconds of Python on one core, while the other cores wait.
A head start spends that time on the batch's first pages instead, one per page thread, in
threads of their own (Tesseract runs as a subprocess, so it needs no Python lock). The import
begins once the first of these pages are prepared (Python and OpenCV work that the import would
slow down) and with Tesseract. The flow's page tasks then :func:`take` these results rather than
recognising the pages again, and archive them as they archive any page: files, catalog row,
provenance, with Prefect's retries. A page
whose head start failed is simply recognised again by its task, which reports the error the
usual way; a result nobody takes is dropped with the head start.

Only files whose document is new to the archive (or redone with ``--force``) get a head start:
those are the documents whose every page is still to do.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corpus.archive import Archive, doc_id_for, sha256_of
from ocr.pipeline import OcrOptions, PageOutcome, prepare_page, recognise_page
from ocr.sources import Source, open_source
from sohoa import heap

# Pages a head start may begin per page thread: Prefect's start (~4-10 s) lasts one or two pages;
# the bound keeps what waits in memory small when it lasts longer (a new Prefect database).
HEAD_START_PAGES_PER_THREAD = 4
# How long the command waits for the first pages to reach Tesseract before it imports Prefect:
# their preprocessing is Python, and an import holding the interpreter's lock slowed it from
# ~0.3 s to 1.5-4 s, a core idle meanwhile. A slow page (Poppler, OSD) is not waited for longer.
FIRST_PAGES_TIMEOUT = 2.0


@dataclass(frozen=True)
class EarlyPage:
    doc_id: str
    source: Source
    page_no: int


def first_pages(archive: Archive | None, paths: Sequence[Path], count: int, *, force: bool = False
                ) -> list[EarlyPage]:
    """The first ``count`` pages the flow will recognise, in its order: every page of each file in
    turn whose document is not in the archive yet (any archived one, with ``force``). Folders of
    page images and unreadable files are left to the flow."""
    pages: list[EarlyPage] = []
    for path in paths:
        if len(pages) >= count:
            break
        if not path.is_file():
            continue
        try:
            source = open_source(path)
            sha256 = sha256_of(path)
        except Exception:  # noqa: BLE001 - a bad file is the flow's to report, in its terms
            continue
        if not force and archive is not None and archive.catalog.document_by_sha256(sha256) is not None:
            continue  # resumed: some of its pages are done already
        doc_id = doc_id_for(sha256)
        pages.extend(EarlyPage(doc_id, source, n) for n in range(1, min(source.page_count, count - len(pages)) + 1))
    return pages


class HeadStart:
    """Recognises pages in order, ``workers`` at a time, until the flow asks for its first page;
    from then on it begins no more (the flow's tasks do the rest) and hands each result out once."""

    def __init__(self, pages: Sequence[EarlyPage], options: OcrOptions, workers: int) -> None:
        heap.bound_page_memory()  # its threads free page arrays as the flow's do
        self.options = options
        self._waiting = deque(pages)
        self._begun: dict[tuple[str, int], Future[PageOutcome]] = {}
        self._stopped = False
        self._lock = threading.Lock()
        self._reading = [threading.Event() for _ in range(min(workers, len(pages)))]
        # Not daemons: a page under way at exit finishes (one Tesseract run) and cleans up after itself.
        for number, reading in enumerate(self._reading):
            threading.Thread(target=self._work, args=(reading,), name=f"head-start-{number}").start()

    def _next(self) -> tuple[EarlyPage, Future[PageOutcome]] | None:
        with self._lock:
            if self._stopped or not self._waiting:
                return None
            page = self._waiting.popleft()
            future = self._begun[(page.doc_id, page.page_no)] = Future()
            return page, future

    def _work(self, reading: threading.Event) -> None:
        try:
            while (begun := self._next()) is not None:
                page, future = begun
                future.set_running_or_notify_cancel()
                try:
                    prepared = prepare_page(page.source, page.page_no, self.options)
                    reading.set()
                    future.set_result(recognise_page(prepared, page.doc_id, page.page_no, self.options))
                except BaseException as exc:  # noqa: BLE001 - kept for the page task, which recognises the page itself
                    future.set_exception(exc)
        finally:
            reading.set()

    def wait_until_reading(self, timeout: float = FIRST_PAGES_TIMEOUT) -> None:
        """Return once every thread's first page is prepared and going to Tesseract (or failed),
        or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        for reading in self._reading:
            reading.wait(max(0.0, deadline - time.monotonic()))

    def take(self, doc_id: str, page_no: int, options: OcrOptions) -> PageOutcome | None:
        """The page's outcome, waiting for it if it is under way; None if the head start did not
        begin this page with these options, or failed at it (the caller recognises it then)."""
        with self._lock:
            self._stopped = True  # the flow's page tasks run now: they do every page not begun
            future = self._begun.pop((doc_id, page_no), None) if options == self.options else None
        if future is None:
            return None
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - the page task recognises the page again and reports why
            return None

    def close(self) -> None:
        """Begin no more pages and drop what nobody took (pages under way finish in the background)."""
        with self._lock:
            self._stopped = True
            self._waiting.clear()
            self._begun.clear()


_current: HeadStart | None = None


def take(doc_id: str, page_no: int, options: OcrOptions) -> PageOutcome | None:
    """This process's head-start result for a page, if there is one (never on a Dask worker)."""
    return _current.take(doc_id, page_no, options) if _current is not None else None


@contextmanager
def head_start(pages: Sequence[EarlyPage], options: OcrOptions, workers: int) -> Iterator[HeadStart]:
    """Recognise ``pages`` now, for the page tasks of the flow run inside this block, which begins
    once the first of them are with Tesseract."""
    global _current
    started = HeadStart(pages, options, workers)
    started.wait_until_reading()
    _current = started
    try:
        yield started
    finally:
        _current = None
        started.close()
