"""Search over an index that is empty or damaged, and queries no person types: real `sohoa` processes."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from sohoa.errors import ExitCode
from tests.conftest import SHARED_SAMPLES
from tests.fault_injection import Ingested, one_line, sohoa


def test_a_fresh_archive_after_reindex_searches_to_zero_hits(tmp_path: Path) -> None:
    home = tmp_path / "archive"
    assert sohoa(home, "reindex").returncode == 0
    found = sohoa(home, "search", "lịch sử")
    assert found.returncode == 0, found.stderr
    assert "0 trang trong 0 tài liệu" in found.stdout


def test_an_archive_whose_documents_were_all_deleted_searches_to_zero_hits(ingested: Ingested,
                                                                          damageable: Path) -> None:
    assert sohoa(damageable, "search", "lịch sử").returncode == 0
    for doc_id in ingested.doc_ids:
        assert sohoa(damageable, "delete", doc_id, "--yes").returncode == 0
    found = sohoa(damageable, "search", "lịch sử")
    assert found.returncode == 0, found.stderr
    assert "0 trang trong 0 tài liệu" in found.stdout


@pytest.mark.parametrize("damage", ["truncated segment", "zeroed table of contents"])
def test_a_damaged_index_says_so_and_reindex_repairs_it(damageable: Path, damage: str) -> None:
    generation = next((damageable / "index" / "whoosh").glob("gen-*"))
    if damage == "truncated segment":
        segment = max(generation.glob("*.seg"), key=lambda p: p.stat().st_size)
        segment.write_bytes(segment.read_bytes()[:1000])
    else:
        toc = next(generation.glob("*.toc"))
        toc.write_bytes(bytes(toc.stat().st_size))
    found = sohoa(damageable, "search", "lịch sử")
    assert found.returncode == ExitCode.damaged_index  # not "interrupted" (130), not an internal error
    assert "sohoa reindex" in one_line(found) and "index damaged" in one_line(found)
    assert sohoa(damageable, "reindex").returncode == 0
    again = sohoa(damageable, "search", "lịch sử")
    assert again.returncode == 0 and "0 trang" not in again.stdout


def test_a_thousand_negations_are_refused_in_one_line(ingested: Ingested) -> None:
    found = sohoa(ingested.home, "search", "--", "-" * 1000 + "son")
    assert found.returncode == ExitCode.bad_args
    assert "quá nhiều phủ định" in one_line(found)


def test_gtts_without_a_network_stops_within_seconds_in_one_line(tmp_path: Path) -> None:
    # A network namespace with only loopback up: Prefect's API on 127.0.0.1 works, Google does not.
    offline = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]
    if subprocess.run([*offline, "true"], capture_output=True).returncode != 0:
        pytest.skip("no network namespace here (unshare --net and ip need root or user namespaces)")
    bulletin = tmp_path / "ban-tin.txt"
    shutil.copy(SHARED_SAMPLES / "bulletins" / "chuyen-doi-so-cong-tac-dang.txt", bulletin)
    started = time.monotonic()
    spoken = subprocess.run([*offline, *sohoa_command(tmp_path / "archive"), "audiobook", str(bulletin),
                             "--engine", "gtts", "--base-url", "https://bantin.example.vn", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - started
    assert spoken.returncode == ExitCode.remote_service
    # One line from sohoa.
    (said,) = [line for line in spoken.stderr.splitlines() if line.startswith("sohoa:")]
    assert "cannot reach the service" in said
    # Before: 5 attempts with backoff for every one of the 126 segments (~30 min); now seconds after
    # Prefect has started (which alone takes 10-30 s on a busy 2-core machine).
    assert elapsed < 120, f"took {elapsed:.0f} s to give up"


def sohoa_command(home: Path) -> list[str]:
    from tests.fault_injection import SOHOA

    return [*SOHOA, "--archive", str(home)]
