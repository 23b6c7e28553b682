"""The process's memory settings: Python's collector paused for startup objects, glibc's heap for pages."""

from __future__ import annotations

import gc

from sohoa import heap


def test_startup_objects_are_built_without_the_collector_then_frozen() -> None:
    frozen_before = gc.get_freeze_count()
    try:
        with heap.startup_objects():
            assert not gc.isenabled()
            models = [{"model": n, "fields": [n] * 3} for n in range(1000)]  # what an import leaves behind
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(models)  # later collections skip them
    finally:
        gc.unfreeze()


def test_a_paused_collector_stays_paused() -> None:
    gc.disable()
    try:
        with heap.startup_objects():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_page_memory_is_bounded_on_glibc() -> None:
    assert heap.bound_page_memory()  # the Debian machines sohoa runs on use glibc


def test_a_freed_page_array_serves_the_next_and_a_heap_keeps_only_a_few() -> None:
    """In a fresh process: ten pages one after another fault in (nearly) no new memory, and of
    eight pages freed at once the heap keeps less than its trim threshold."""
    import subprocess
    import sys

    code = """
import resource
import numpy as np
from sohoa import heap
heap.bound_page_memory()
faults = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_minflt
rss = lambda: int(open("/proc/self/statm").read().split()[1]) * 4096
page = np.ones((3508, 2480), np.uint8)  # one 300-dpi A4 page
del page
before = faults()
for _ in range(10):
    page = np.ones((3508, 2480), np.uint8)
    del page
after_ten = faults() - before
start = rss()
pages = [np.ones((3508, 2480), np.uint8) for _ in range(8)]
del pages
print(after_ten, rss() - start)
"""
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    faults, kept = (int(value) for value in ran.stdout.split())
    assert faults < 500  # a fresh mmap a page faulted ~600 times (huge pages) to ~2,100 (4 kB pages)
    assert kept < heap._TRIM_THRESHOLD
