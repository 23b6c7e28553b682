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


def test_large_page_arrays_go_back_to_the_system_on_glibc() -> None:
    assert heap.return_large_blocks_to_the_system()  # the Debian machines sohoa runs on use glibc
