"""Helpers of the fault-injection suite (tests/faults/): real `sohoa` processes on a real archive."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

SOHOA = [sys.executable, "-m", "sohoa"]


def sohoa(home: Path, *args: str, timeout: int = 300, env: dict[str, str] | None = None,
          input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `sohoa --archive HOME ARGS…` as a user would: a real process, its output captured."""
    return subprocess.run([*SOHOA, "--archive", str(home), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, input=input, env={**os.environ, **(env or {})})


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The process's error output, checked to be one line and no traceback."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, proc.stderr
    return lines[0]


@dataclass(frozen=True)
class Ingested:
    home: Path  # a pristine archive: never damage it, copy it (`damageable`)
    doc_ids: list[str]  # a two-page PDF, then a one-page PNG


def one_page_scan(scans, folder: Path, name: str) -> Path:  # noqa: ANN001 (tests.conftest.ScanBox)
    """The suite's one-page scan (made once a session), copied to ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(scans.get("faults-resolution.png", pages=1, variant="clean", seed=22), target)
    return target
