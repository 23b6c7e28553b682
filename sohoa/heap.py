"""The process's memory: glibc's heap for page arrays, Python's collector for startup objects.

glibc's heap, tuned for threads that each allocate and free whole-page arrays.

A 300-dpi page is an 8.7 MB array, and preprocessing makes a few of them per page. glibc serves
such blocks with mmap at first, but after the first one is freed it raises its mmap threshold
(up to 32 MB) and serves the next ones from per-thread heaps, which keep what is freed: with
two page threads the ingest process grew by ~100 MB over a few pages and never gave it back.
A fixed threshold keeps large blocks on mmap, returned to the system as soon as they are freed.
Measured on 8 pages, 2 threads: peak RSS 290 → 233 MB, 249 → 135 MB after the pages.

Python's cyclic collector, paused while Prefect, its API server and their pydantic models are
imported and built (:func:`startup_objects`): those are ~1 M objects that live as long as the
process, and the collector walked them again and again as they piled up.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
_THRESHOLD = 1 << 20  # blocks of 1 MiB and more (a page row band, a whole page) go to mmap


def return_large_blocks_to_the_system() -> bool:
    """Fix glibc's mmap threshold for this process; False where the C library is not glibc."""
    try:
        # glibc's soname, named directly: ctypes.util.find_library runs `ldconfig -p` (a fork of
        # this process) to find it, and only glibc has mallopt
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, _THRESHOLD))
    except (OSError, AttributeError):  # musl, macOS: no mallopt, and nothing of this to tune
        return False


@contextmanager
def startup_objects() -> Iterator[None]:
    """Import or build what lives as long as the process without the cyclic collector (~0.75 of
    3.6 CPU-s of sohoa's imports, measured); then freeze it, so later collections skip it too.
    The few cycles that became garbage meanwhile are kept: freezing is for objects built to last."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
