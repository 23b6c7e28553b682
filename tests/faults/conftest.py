"""The fault-injection suite's fixtures: one archive ingested by a real `sohoa ingest` process once
per session, copied for each test that damages it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fault_injection import Ingested, sohoa


@pytest.fixture(scope="session")
def ingested(scans, tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    home = tmp_path_factory.mktemp("faults") / "archive"
    pdf = scans.get("faults-history.pdf", pages=2, variant="clean", seed=21)
    png = scans.get("faults-resolution.png", pages=1, variant="clean", seed=22)
    done = sohoa(home, "ingest", str(pdf), str(png), "--title", "Lịch sử Đảng bộ xã Cự Khối", "--district",
                 "Long Biên", "--year", "1985", "--kind", "history", "--jobs", "2", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = sohoa(home, "docs", "--json")
    by_pages = sorted(json.loads(listed.stdout), key=lambda d: -d["page_count"])
    return Ingested(home, [d["id"] for d in by_pages])


@pytest.fixture
def damageable(ingested: Ingested, tmp_path: Path) -> Path:
    """A copy of the ingested archive this test may damage."""
    copy = tmp_path / "archive"
    shutil.copytree(ingested.home, copy, symlinks=True, ignore=shutil.ignore_patterns(".prefect"))
    return copy
