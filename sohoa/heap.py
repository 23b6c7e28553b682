"""The process's memory: glibc's heap for page arrays, Python's collector for startup objects.

glibc's heap, tuned for threads that each allocate and free whole-page arrays.

A 300-dpi page is an 8.7 MB array, and preprocessing makes a few of them per page. By default
glibc serves such blocks with mmap at first, but after the first one is freed it raises its
mmap and trim thresholds and serves the next ones from per-thread heaps, which keep what is
freed: with two page threads the ingest process grew by ~100 MB over a few pages and never gave
it back. Fixed thresholds stop that. Serving every large block with mmap (the first fix) cost
kernel time instead: each array zeroed and faulted in anew, 14,000 faults and 47 ms of system
time a page. So page arrays come from the heaps, and each heap keeps at most a few arrays' worth
of free memory at its top for the next page, returning the rest. Measured on 16 pages, two
threads, preparation and outputs: ~870 faults and 12 ms of system time a page, for a peak ~40
MB higher (173 against 131 MB). A 20-page ingest's own process took ~60 ms of CPU less a page;
a 200-page one peaked at 500 MB for the whole process tree, against 450 (docs/ocr.md).

Python's cyclic collector, paused while Prefect, its API server and their pydantic models are
imported and built (:func:`startup_objects`): those are ~1 M objects that live as long as the
process, and the collector walked them again and again as they piled up.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

# mallopt parameter numbers, from glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 << 20  # only blocks larger than a page array go to mmap (glibc's own maximum)
_TRIM_THRESHOLD = 24 << 20  # free memory a heap keeps at its top: two or three page arrays


def bound_page_memory() -> bool:
    """Fix glibc's thresholds for this process; False where the C library is not glibc."""
    try:
        # glibc's soname, named directly: ctypes.util.find_library runs `ldconfig -p` (a fork of
        # this process) to find it, and only glibc has mallopt
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) and libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
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
