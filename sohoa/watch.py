"""A hot folder: scans dropped into an inbox are ingested, then moved to ``done/`` or ``failed/``.

Plain logic, no Prefect: :class:`Watcher` is given the function that ingests a batch (the CLI
passes the ingest flow; tests pass a fake). One :meth:`Watcher.poll`:

1. lists the inbox: files and folders (a folder of page images is one document), not hidden
   ones, not ``done/`` and ``failed/``, not names that copying tools use while writing;
2. takes as ready only what has the same size and modification time as at the previous poll (kept
   in ``.sohoa-watch.json``), and is not empty: a file still being copied is never picked up;
3. reads ``*.csv`` manifests (the columns of ``sohoa ingest --manifest``) for the metadata of the
   files they name; while a manifest is still arriving, nothing is ingested;
4. ingests the ready scans as one batch and moves each to ``done/``, or to ``failed/`` beside a
   ``NAME.reason.txt`` saying why; a manifest stays (and applies to files that come later) until
   every file it names has been moved out, then follows them to ``done/``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from corpus.archive import write_atomic
from corpus.manifest import read_manifest
from corpus.models import DocumentMeta
from sohoa.errors import SohoaError
from sohoa.ingest import Job

log = logging.getLogger(__name__)
DONE, FAILED = "done", "failed"
STATE_FILE = ".sohoa-watch.json"
LOCK_FILE = ".sohoa-watch.lock"
# Names that browsers, rsync and office tools give a file while they are still writing it.
WRITING_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", "~")

Fingerprint = tuple[int, int, int]  # total size, newest mtime (ns), number of files


class Outcome(Protocol):
    """What the ingest function reports per scan (``flows.ingest.DocumentResult`` fits)."""

    path: str
    errors: list[str]


@dataclass
class PollReport:
    done: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)  # seen, but still changing (or too new to tell)
    busy: bool = False  # another watcher held the inbox


def fingerprint(path: Path) -> Fingerprint | None:
    """Size, newest mtime and file count of a file or folder; None if it vanished meanwhile."""
    try:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        stats = [f.stat() for f in files]
    except OSError:
        return None
    return sum(s.st_size for s in stats), max((s.st_mtime_ns for s in stats), default=0), len(stats)


def snapshot(inbox: Path) -> dict[str, Fingerprint]:
    """Every candidate in the inbox with its fingerprint.

    A symlink (or a folder holding one) is moved to failed/ at once, with its reason: whoever may
    drop files into the inbox must not make the archive take in whatever a link points to."""
    found: dict[str, Fingerprint] = {}
    for entry in sorted(inbox.iterdir()):
        name = entry.name
        if name.startswith(".") or name in (DONE, FAILED) or name.lower().endswith(WRITING_SUFFIXES):
            continue
        if entry.is_symlink() or (entry.is_dir() and any(p.is_symlink() for p in entry.rglob("*"))):
            reason = f"{name}: lối tắt bị từ chối / a symlink is refused: copy the file itself into the inbox"
            move_out(inbox, name, FAILED, [reason])
            log.warning("✗ %s → failed/", reason)
            continue
        if (print_ := fingerprint(entry)) is not None:
            found[name] = print_
    return found


def ready(previous: dict[str, Fingerprint], current: dict[str, Fingerprint]) -> list[str]:
    """Names unchanged since the previous poll and not empty: copies that have finished."""
    return [name for name, print_ in current.items() if previous.get(name) == print_ and print_[0] > 0]


def move_out(inbox: Path, name: str, folder: str, reason: Sequence[str] = ()) -> Path:
    """Move ``name`` into ``done/`` or ``failed/`` (never over an earlier file of the same name)."""
    target_dir = inbox / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / name
    counter = 1
    while target.exists():
        counter += 1
        target = target_dir / f"{Path(name).stem}-{counter}{Path(name).suffix}"
    shutil.move(str(inbox / name), target)
    if reason:
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        text = f"{stamp}  {name}\n" + "".join(f"{line}\n" for line in reason)
        target.with_name(target.name + ".reason.txt").write_text(text, encoding="utf-8")
    return target


class Watcher:
    def __init__(self, inbox: Path, ingest: Callable[[list[Job]], Sequence[Outcome]]) -> None:
        self.inbox = inbox
        self.ingest = ingest
        self.state_path = inbox / STATE_FILE

    def _previous(self) -> dict[str, Fingerprint]:
        try:
            return {k: tuple(v) for k, v in json.loads(self.state_path.read_text()).items()}  # type: ignore[misc]
        except (OSError, ValueError):
            return {}

    def poll(self) -> PollReport:
        """Look once; ingest and move out what is ready. Safe to run from two places at once."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        with open(self.inbox / LOCK_FILE, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return PollReport(busy=True)
            current = snapshot(self.inbox)
            report = self._process(ready(self._previous(), current), current)
            left = {name: print_ for name, print_ in current.items() if (self.inbox / name).exists()}
            write_atomic(self.state_path, json.dumps(left))
            return report

    def _process(self, names: list[str], current: dict[str, Fingerprint]) -> PollReport:
        report = PollReport(waiting=[n for n in current if n not in names])
        manifests = [n for n in names if n.lower().endswith(".csv")]
        if any(n.lower().endswith(".csv") for n in report.waiting):
            return PollReport(waiting=list(current))  # a manifest is arriving: its files wait for it
        metas, named, bad = self._read_manifests(manifests, report)
        scans = [n for n in names if n not in manifests]
        for name in scans:
            if name in bad:
                self._fail(report, name, [bad[name]])
        jobs = [Job(self.inbox / n, metas.get(n, DocumentMeta()), started_by="watch") for n in scans if n not in bad]
        outcomes = {Path(o.path).name: o for o in self.ingest(jobs)} if jobs else {}
        for job in jobs:
            outcome = outcomes.get(job.path.name)
            errors = outcome.errors if outcome else ["the ingest reported nothing for this file"]
            if errors:
                self._fail(report, job.path.name, errors)
            else:
                move_out(self.inbox, job.path.name, DONE)
                report.done.append(job.path.name)
        for manifest in manifests:
            if manifest in named and all(self._moved_out(n) for n in named[manifest]):
                move_out(self.inbox, manifest, DONE)
        return report

    def _moved_out(self, name: str) -> bool:
        return not (self.inbox / name).exists() and any((self.inbox / f / name).exists() for f in (DONE, FAILED))

    def _read_manifests(self, manifests: list[str], report: PollReport
                        ) -> tuple[dict[str, DocumentMeta], dict[str, set[str]], dict[str, str]]:
        """Metadata by file name, the names each manifest lists, and files whose row is bad."""
        metas: dict[str, DocumentMeta] = {}
        named: dict[str, set[str]] = {}
        bad: dict[str, str] = {}
        for manifest in manifests:
            try:
                rows = read_manifest(self.inbox / manifest)
            except SohoaError as exc:
                self._fail(report, manifest, [str(exc)])
                continue
            rows = [r for r in rows if r.path is not None and r.path.parent == self.inbox.resolve()]
            named[manifest] = {r.path.name for r in rows if r.path}
            for row in rows:
                assert row.path is not None
                if row.meta is not None:
                    metas[row.path.name] = row.meta
                elif row.path.exists() and row.error:
                    bad[row.path.name] = row.error
        return metas, named, bad

    def _fail(self, report: PollReport, name: str, errors: list[str]) -> None:
        move_out(self.inbox, name, FAILED, errors)
        report.failed[name] = errors
