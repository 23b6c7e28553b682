"""Bad scans handed to a real `sohoa ingest`: each gets one line, no retries, and the batch goes on."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from sohoa.errors import ExitCode
from tests.fault_injection import SOHOA

HUGE_PAGE_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                 b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                 b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 7000 7000] >> endobj\n"
                 b"trailer << /Root 1 0 R >>\n%%EOF\n")
# Root reads any file; without these two capabilities it is held to the permission bits like anyone.
AS_PLAIN_USER = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                 "--bounding-set=-dac_override,-dac_read_search"]


def test_a_tiny_image_a_huge_pdf_page_and_an_unreadable_file_each_get_one_line(scans, tmp_path: Path) -> None:
    good = scans.get("faults-resolution.png", pages=1, variant="clean", seed=22)
    dot = tmp_path / "dot.png"
    Image.new("L", (1, 1), 255).save(dot)
    huge = tmp_path / "to-lon.pdf"
    huge.write_bytes(HUGE_PAGE_PDF)
    secret = tmp_path / "khong-doc-duoc.png"
    shutil.copy(good, secret)
    secret.chmod(0)
    if subprocess.run([*AS_PLAIN_USER, "true"], capture_output=True).returncode != 0:
        pytest.skip("setpriv cannot drop capabilities here: an unreadable file cannot be made for root")
    started = time.monotonic()
    ran = subprocess.run([*AS_PLAIN_USER, *SOHOA, "--archive", str(tmp_path / "archive"), "ingest", str(dot),
                          str(huge), str(secret), str(good), "--jobs", "1"], capture_output=True, text=True,
                         timeout=600)
    elapsed = time.monotonic() - started
    assert ran.returncode == ExitCode.partial_failure, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr and "cv2" not in ran.stdout + ran.stderr
    # refused at the plan (stderr) or at the page (stdout, beside the progress): one line each
    failed = [line for line in (ran.stdout + ran.stderr).splitlines() if line.startswith("✗")]
    assert len(failed) == 3, ran.stdout + ran.stderr
    assert any(f"{dot}: ảnh quá nhỏ / image of 1×1 pixels is too small" in line for line in failed), failed
    assert any(re.search(rf"{huge}.*page 1 is 7000×7000 pt: 29167×29167 pixels at 300 dpi", line)
               for line in failed), failed
    assert any(f"{secret}: không đọc được / cannot read (Permission denied)" in line for line in failed), failed
    assert "1 documents, 1 pages archived" in ran.stdout
    assert elapsed < 240, f"{elapsed:.0f} s"  # the huge page alone took 44 s and 3.6 GB before
