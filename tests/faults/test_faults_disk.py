"""A full disk and a read-only archive, for real: a small tmpfs that fills up, a read-only bind mount.
Mounting needs root (or a user namespace); where it is not allowed the tests say so and skip."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.errors import ExitCode
from tests.fault_injection import Ingested, one_line, sohoa

MiB = 1 << 20


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[Path]:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or 'mount refused'}): needs root")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


@pytest.fixture
def noise_scan(tmp_path: Path) -> Path:
    """A 1.9 MB page image (noise does not compress): its copy alone fills what is left."""
    path = tmp_path / "trang-nhieu.png"
    pixels = np.random.default_rng(1).integers(0, 255, (1600, 1200), dtype=np.uint8)
    Image.fromarray(pixels).save(path, dpi=(300, 300))
    return path


def leave_free(disk: Path, free: int) -> None:
    (disk / "filler").write_bytes(bytes(shutil.disk_usage(disk).free - free))


@pytest.mark.parametrize(("free", "prefect_elsewhere"), [(1 * MiB, True), (3 * MiB, True), (1 * MiB, False)],
                         ids=["the original does not fit", "its pages do not fit", "Prefect's database does not fit"])
def test_a_full_disk_is_one_line_with_its_own_exit_code_and_leaves_no_partial_file(
        tmp_path: Path, noise_scan: Path, scans, free: int, prefect_elsewhere: bool) -> None:
    page = scans.get("faults-resolution.png", pages=1, variant="clean", seed=22)
    with mounted(tmp_path / "disk", "-t", "tmpfs", "-o", "size=8m", "tmpfs") as disk:
        leave_free(disk, free)
        home = disk / "archive"
        # Prefect's database elsewhere, or where it is by default: in the archive, on the full disk
        prefect_home = tmp_path / "prefect" if prefect_elsewhere else home / ".prefect"
        ran = sohoa(home, "ingest", str(noise_scan), str(page), "--jobs", "1", env={"PREFECT_HOME": str(prefect_home)})
        assert ran.returncode == ExitCode.disk_full, ran.stdout + ran.stderr
        assert "hết chỗ trống trên đĩa / no space left on device: " + str(home) in one_line(ran)
        leftovers = [p for p in home.rglob("*") if p.name.endswith(".partial") or
                     (p.name.startswith(".") and p.parent.name == "pages")]
        assert leftovers == []
        assert list(noise_scan.parent.glob("*.png")) == [noise_scan]  # the original untouched


def test_reading_commands_work_on_a_read_only_archive(ingested: Ingested, tmp_path: Path) -> None:
    with mounted(tmp_path / "ro", "--bind", "-o", "ro", str(ingested.home)) as ro:
        assert not os.access(ro, os.W_OK)
        history = ingested.doc_ids[0]
        for command in (["docs"], ["verify"], ["search", "lịch sử"], ["show", history],
                        ["text", history, "--page", "1"], ["export", history, "--format", "alto",
                                                           "--out", str(tmp_path / "alto")]):
            ran = sohoa(ro, *command)
            assert ran.returncode == 0, (command, ran.stderr)
            assert ran.stdout.strip(), command
        assert sorted(p.name for p in (tmp_path / "alto").iterdir()) == [  # each ALTO with the image it names
            "page-0001.alto.xml", "page-0001.jpg", "page-0002.alto.xml", "page-0002.jpg"]
        refused = sohoa(ro, "reindex")  # a writing command: one line, not a traceback
        assert refused.returncode != 0 and "read-only" in one_line(refused)
