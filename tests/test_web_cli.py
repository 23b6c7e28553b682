"""`sohoa serve`: in-process help, and the real program answering on loopback (empty archive)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sohoa.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_serve_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "SOHOA_MEMBER_TOKEN" in out


def test_serve_rejects_a_bad_port() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--port", "70000"])
    assert stopped.value.code == 1


def test_serve_refuses_a_base_url_links_cannot_start_with(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--base-url", "bantin.example.vn"])  # no scheme: every citation would be broken
    assert stopped.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "không hợp lệ" in err and "--base-url" in err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (loopback)
        return r.status, r.read().decode("utf-8")


def test_the_program_serves_an_empty_archive(tmp_path: Path) -> None:
    port = free_port()
    program = ROOT / ".venv" / "bin" / "sohoa"
    command = [str(program)] if program.exists() else [sys.executable, "-m", "sohoa"]
    env = {**os.environ, "SOHOA_MEMBER_TOKEN": "x"}
    proc = subprocess.Popen([*command, "--archive", str(tmp_path / "archive"), "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/search?q=lich+su")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "sohoa serve did not answer within 30 s"
                time.sleep(0.2)
        assert status == 200 and "chưa có chỉ mục" in body  # no index yet: said, not a crash
        assert get(f"http://127.0.0.1:{port}/audio/")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
