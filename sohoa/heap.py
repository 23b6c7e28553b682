"""The process's memory: glibc's heap for page arrays, Python's collector for long-lived objects.

Used through :mod:`sohoa.runtime` (``SOHOA_PLAIN_RUNTIME=1`` leaves both alone).

**glibc's heap.** A 300-dpi page is an 8.7 MB array, and preprocessing makes a few of them per
page, in several threads. Left to itself, glibc raises its mmap and trim thresholds after the
first such block is freed and keeps what later ones free in per-thread heaps: the process grows
by ~100 MB over a few pages and never gives it back. Serving every large block with mmap instead
costs kernel time (each array zeroed and faulted in anew: ~47 ms of system time a page). So the
thresholds are fixed: page arrays come from the heaps, and each heap keeps at most a few arrays'
worth of free memory at its top, returning the rest (~12 ms of system time a page, a peak ~40 MB
higher than with mmap).

**Python's collector** is paused while Prefect, its API server and their pydantic models are
imported and built (:func:`startup_objects`): ~1 M objects that live as long as the process, which
the collector would otherwise walk again and again as they pile up; then they are frozen.
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
