"""The record of every ingest run, whoever started it: an upload in the web app
(:mod:`sohoa.uploads`), `sohoa ingest` on the command line, a Prefect deployment run (which is
that command), or a hot folder's poll that found scans (:mod:`flows.watch`). "Lịch sử nhập" and
a run's progress page read these records.

A run's record is ``<archive>/uploads/<run id>/run.json``: who started it, when, what each file
became, and at the end the exit code. A command-line run writes it when its files have been
checked and again when it ends; a run killed on the way keeps state ``running`` with a process id
that is gone, which its page shows as interrupted.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.archive import write_atomic
from corpus.catalog import now
from sohoa.errors import ExitCode, SohoaError

if TYPE_CHECKING:
    from flows.ingest import DocumentResult
    from sohoa.ingest import Todo

RUNS = "uploads"
RUN_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}")


@dataclass
class Item:
    """One document of a run: the name it was given under, and what the check made of it."""

    name: str
    outcome: str  # new | resumed | forced | already | duplicate | refused
    doc_id: str | None = None
    error: str | None = None  # the line `sohoa ingest` prints for it, with the name as given
    stored: str = ""  # an upload's name under files/, to read the command's output back with the uploaded name


@dataclass
class Run:
    id: str
    started_by: str
    started_at: str
    items: list[Item] = field(default_factory=list)
    # checking | running | done | failed (exit code) | refused (nothing to ingest); progress() adds
    # partial (some files failed) and interrupted (its process is gone)
    state: str = "checking"
    exit_code: int | None = None
    finished_at: str | None = None
    pid: int | None = None
    # ingest: `sohoa ingest --manifest`; audiobook: `sohoa audiobook` with ``command`` (sohoa.bulletin_uploads)
    kind: str = "ingest"
    command: list[str] = field(default_factory=list)
    result_url: str | None = None  # an audiobook's listening page, once it is published
    origin: str = "web"  # web (an upload) | command (`sohoa ingest`, a deployment run) | watch (a hot folder)

    @property
    def to_ingest(self) -> list[Item]:
        return [i for i in self.items if i.outcome in ("new", "resumed")]

    def save(self, folder: Path) -> None:
        write_atomic(folder / "run.json", json.dumps(asdict(self), ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "Run":
        raw = json.loads((folder / "run.json").read_text("utf-8"))
        return cls(**{**raw, "items": [Item(**i) for i in raw["items"]]})

    def end(self, folder: Path, exit_code: int) -> None:
        """Record the command's exit code: done (0, or 7 when only some files failed) or failed."""
        self.exit_code, self.finished_at = exit_code, now()
        self.state = "done" if exit_code in (ExitCode.ok, ExitCode.partial_failure) else "failed"
        self.save(folder)


@dataclass
class Outcome:
    """What a command-line run tells its record at the end: its exit code, each failed file's lines."""

    exit_code: ExitCode = ExitCode.ok
    failures: dict[str, list[str]] = field(default_factory=dict)  # by the file's path as given

    def record_failures(self, results: Iterable[DocumentResult]) -> None:
        self.failures = {r.path: r.errors for r in results if r.errors}


@contextmanager
def command_run(home: Path, started_by: str, todos: list[Todo], *, origin: str = "command") -> Iterator[Outcome]:
    """Record an ingest of ``todos`` (by `sohoa ingest`, or a hot folder's poll) for as long as it
    runs. Leaving by an exception records its code instead (a SohoaError's, 130 for Ctrl-C, 15 for a bug)."""
    run, folder = new_run(home, started_by, origin=origin)
    run.items = [Item(str(t.job.path), t.outcome, t.doc_id, t.error if t.outcome == "refused" else None)
                 for t in todos]
    run.state, run.pid = "running", os.getpid()
    run.save(folder)
    outcome = Outcome()
    code = ExitCode.other_error
    try:
        yield outcome
        code = outcome.exit_code
    except SohoaError as exc:
        code = exc.exit_code
        raise
    except KeyboardInterrupt:
        code = ExitCode.ctrl_c
        raise
    finally:
        for item in run.items:
            item.error = "; ".join(outcome.failures.get(item.name, [])) or item.error
        run.end(folder, code)


def runs_folder(home: Path) -> Path:
    return home / RUNS


def new_run(home: Path, started_by: str, *, origin: str = "web") -> tuple[Run, Path]:
    """A new run's folder (an upload's with its empty quarantine); the id sorts by time."""
    run = Run(f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(3)}", started_by, now(),
              origin=origin)
    folder = runs_folder(home) / run.id
    (folder / "quarantine" if origin == "web" else folder).mkdir(parents=True)
    run.save(folder)
    return run, folder


def run_folder(home: Path, run_id: str) -> Path | None:
    """The folder of an existing run, or None (an id that is not one of ours is never a path)."""
    folder = runs_folder(home) / run_id
    return folder if RUN_ID.fullmatch(run_id) and (folder / "run.json").exists() else None


def run_ids(home: Path) -> list[str]:
    """Every run's id, newest first."""
    root = runs_folder(home)
    return sorted((f.name for f in root.iterdir() if run_folder(home, f.name)), reverse=True) if root.exists() else []


def is_alive(run: Run) -> bool:
    """Whether a running run's process is still there (a machine restart ends it: state stays running)."""
    if run.pid is None:
        return False
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
