"""Long-running programs that tests start as real processes (a Prefect server, Dask, sohoa serve):
start each in its own process group with its output in a log file, wait until it answers, stop
the whole group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def wait_for(check: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def answers(url: str) -> bool:
    """True when ``url`` answers 200 (a server's health or front page)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def run_to_the_end(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a program that may die without stopping its children (SIGKILLed, in the tests of a
    killed run), then end what it left behind. Prefect's own server, which a plain runtime starts
    as a child process, outlives a killed parent and would hold an output pipe open for ever, so
    the output goes through files and the whole process group is ended."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True, start_new_session=True)
        try:
            process.wait(timeout=timeout)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:  # nothing left behind
                pass
            process.wait()
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group (children included), SIGKILL after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Started:
    """A program running in its own process group, its output in ``log``."""

    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_until(self, check: Callable[[], object], timeout: float, what: str) -> None:
        """Wait for ``check``; fail with the program's output if it dies first."""
        wait_for(lambda: check() or not self.alive(), timeout, what)
        assert self.alive(), f"{what}: the program stopped:\n{self.output()[-3000:]}"

    def stop(self) -> None:
        stop(self.process)


def start(command: list[str], log: Path, env: dict[str, str], cwd: Path | None = None) -> Started:
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return Started(process, log)
