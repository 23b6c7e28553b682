"""The first pages of a batch, recognised while Prefect starts.

Before the ingest flow can run its first page task, the command imports Prefect and starts its
API: several CPU-seconds of Python on one core, while the other cores wait. A head start spends
that time on the batch's first pages instead, one per page thread, in threads of their own
(Tesseract runs as a subprocess, so it needs no Python lock). The import begins once the first of
these pages are prepared (Python and OpenCV work that the import would slow down) and with
Tesseract. The flow claims each page's reading and passes it to the page's
task as its ``early`` argument (`sohoa.ingest.recognise_page`), which archives it as any page:
files, catalog row, provenance, with Prefect's retries. A page whose head start failed is read
again by its task, which reports the error the usual way; a result nobody claims is dropped.

Only documents the plan finds new to the archive (or redone with ``--force``) get a head start:
those are the documents whose every page is still to do. On a Dask cluster the pages are the
cluster's: a head start is local to the command's process.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from ocr.pipeline import OcrOptions, PageOutcome, prepare_page, recognize_page
from ocr.sources import Source
from sohoa import runtime
from sohoa.ingest import Todo

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


def first_pages(todos: Sequence[Todo], count: int) -> list[EarlyPage]:
    """The first ``count`` pages the flow will recognise, in its order: every page of each
    document in turn that is new to the archive or forced."""
    pages: list[EarlyPage] = []
    for todo in todos:
        if todo.outcome not in ("new", "forced") or todo.source is None or todo.doc_id is None:
            continue
        pages.extend(EarlyPage(todo.doc_id, todo.source, n) for n in todo.pages[:count - len(pages)])
    return pages


class HeadStart:
    """Recognises pages in order, ``workers`` at a time, until the flow asks for its first page;
    from then on it begins no more (the flow's tasks do the rest) and hands each result out once."""

    def __init__(self, pages: Sequence[EarlyPage], options: OcrOptions, workers: int) -> None:
        runtime.tune_page_process()  # its threads read pages as the flow's do
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
                    future.set_result(recognize_page(prepared, page.doc_id, page.page_no, self.options))
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

    def claim(self, doc_id: str, page_no: int, options: OcrOptions) -> Future[PageOutcome] | None:
        """The page's reading, under way or done, for its page task; None if the head start did not
        begin this page with these options. Each is handed out once. From the first claim on, the
        flow's tasks read every page not begun."""
        with self._lock:
            self._stopped = True
            return self._begun.pop((doc_id, page_no), None) if options == self.options else None

    def close(self) -> None:
        """Begin no more pages and drop what nobody took (pages under way finish in the background)."""
        with self._lock:
            self._stopped = True
            self._waiting.clear()
            self._begun.clear()


@contextmanager
def head_start(todos: Sequence[Todo], options: OcrOptions, workers: int) -> Iterator[HeadStart | None]:
    """Recognise the first pages of ``todos`` now, for the flow run inside this block, which begins
    once the first of them are with Tesseract; None if no page is new."""
    pages = first_pages(todos, HEAD_START_PAGES_PER_THREAD * workers)
    if not pages:
        yield None
        return
    started = HeadStart(pages, options, workers)
    started.wait_until_reading()
    try:
        yield started
    finally:
        started.close()
