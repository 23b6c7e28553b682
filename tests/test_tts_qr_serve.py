"""The printed QR code, read by a real decoder (zbar), opens the bulletin's page on `sohoa serve`,
whatever ``--out`` was: both real programs, as an editor and a listener's phone meet them."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_web_cli import free_port, get
from tests.tts_fixtures import SHORT_BULLETIN

SOHOA = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "sohoa"

pytestmark = pytest.mark.skipif(shutil.which("zbarimg") is None,
                                reason="zbarimg is not installed (scripts/setup.sh --test installs Debian's zbar-tools)")


def test_printed_qr_code_opens_the_page_sohoa_serve_answers(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "archive"
    source = tmp_path / "ban-tin-so-3.txt"
    source.write_text(SHORT_BULLETIN, encoding="utf-8")
    env = {**os.environ, "SOHOA_HOME": str(home)}
    env.pop("SOHOA_BASE_URL", None)
    # --out names the folder: its name is the address; --local: this test's server is on loopback.
    made = subprocess.run([str(SOHOA), "audiobook", str(source), "--engine", "espeak", "--issue", "3",
                           "--out", str(home / "audio" / "so-3"), "--local", "--base-url", f"http://127.0.0.1:{port}"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(home / "audio" / "so-3" / "qr.png")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == f"http://127.0.0.1:{port}/audio/so-3/"

    server = subprocess.Popen([str(SOHOA), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(decoded)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "sohoa serve did not answer within 30 s"
                time.sleep(0.2)
        assert status == 200 and "Bản tin chuyển đổi số" in body and 'id="player"' in body
        with urllib.request.urlopen(decoded + _audio_name(body), timeout=5) as r:  # noqa: S310 (loopback)
            assert r.status == 200 and r.headers["content-type"] == "audio/mpeg"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _audio_name(page: str) -> str:
    start = page.index('id="player"')
    src = page.index('src="', start) + 5
    return page[src:page.index('"', src)].rsplit("/", 1)[1]
