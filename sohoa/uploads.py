"""Ingest runs started from the web app: uploads held in quarantine, checked as `sohoa ingest`
checks its input, then ingested by that same command in a process of its own.

A run's folder, ``<archive>/uploads/<run id>/``:

  quarantine/    the files as uploaded, named 0001.pdf, 0002.zip … (never by their uploaded names)
  files/         those that passed the check, moved out of quarantine (a ZIP: a folder of its pages)
  manifest.csv   one row a document, as `sohoa ingest --manifest` reads it
  run.json       the run's record (sohoa.runs): who started it, what each file became, the exit code
  output.log     what the command printed

The check is the ingest service's own :func:`sohoa.ingest.plan` (the same lines as the command),
so a bad file is refused before any work starts; the run itself is `sohoa ingest --manifest
files… --by EDITOR` in a new session (:func:`start`): closing the browser, or stopping the web
server, does not stop it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from corpus.archive import Archive, write_atomic
from corpus.manifest import COLUMNS, NAME_COLUMN, read_manifest
from corpus.models import META_FIELDS, DocumentMeta, given_fields
from ocr.sources import IMAGE_SUFFIXES
from sohoa.errors import ExitCode, InputFileError, SohoaError
from sohoa.ingest import Job, plan
from sohoa.runs import Item, Run, is_alive, run_ids, runs_folder
from sohoa.settings import Settings
from sohoa.vietnamese import nfc

ZIP_MEMBERS = 2000  # page images in one ZIP at most
ZIP_RATIO = 4  # a ZIP may unpack to this many times the upload limit at most (a ZIP bomb stops there)


@dataclass(frozen=True)
class Upload:
    """A file as received: where it is in quarantine, and the name it came with (display only)."""

    stored: Path
    name: str


def display_name(raw: str) -> str:
    """An uploaded name's last part, NFC, without control characters: text to show, never a path."""
    last = PurePosixPath(raw.replace("\\", "/")).name
    return nfc("".join(c for c in last if unicodedata.category(c)[0] != "C"))[:200] or "(không tên / unnamed)"


def megabytes(size: int) -> str:
    return f"{size / 2**20:.3g} MB"


def unpack_zip(upload: Upload, limit: int) -> Upload:
    """A ZIP of page images as a folder of them, in the order of their names, numbered 0001.png …
    (names inside a ZIP are never paths either); other members (__MACOSX, Thumbs.db) are skipped.
    A bad ZIP is refused whole: nothing of it is left unpacked."""
    folder = upload.stored.with_suffix("")
    try:
        with zipfile.ZipFile(upload.stored) as bundle:
            pages = sorted((m for m in bundle.infolist() if not m.is_dir()
                            and Path(m.filename).suffix.lower() in IMAGE_SUFFIXES
                            and not m.filename.startswith("__MACOSX/")), key=lambda m: _natural(m.filename))
            if len(pages) > ZIP_MEMBERS:
                raise InputFileError(f"{upload.stored}: ZIP holds over {ZIP_MEMBERS} page images")
            folder.mkdir()
            budget = limit * ZIP_RATIO
            for number, member in enumerate(pages, start=1):
                page = folder / f"{number:04d}{Path(member.filename).suffix.lower()}"
                with bundle.open(member) as source, page.open("xb") as out:
                    while chunk := source.read(1 << 20):
                        budget -= len(chunk)
                        if budget < 0:
                            raise InputFileError(f"{upload.stored}: ZIP unpacks to over {megabytes(limit * ZIP_RATIO)}")
                        out.write(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, InputFileError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(f"{upload.stored}: damaged or unreadable ZIP ({exc})") from None
    upload.stored.unlink()
    return Upload(folder, upload.name)


def _natural(name: str) -> list[object]:
    """trang2 before trang10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def jobs_of(uploads: list[Upload], form: dict[str, str], editor: str) -> tuple[list[tuple[Job, str]], list[Item]]:
    """The documents an upload asks for, each with the name to show, and the lines for files or
    manifest rows refused on the way. A CSV among the files is a manifest: its rows name the other
    files by their uploaded names and carry each one's metadata; otherwise the form's metadata
    apply to every file (as `sohoa ingest`'s flags do)."""
    manifests = [u for u in uploads if u.stored.suffix == ".csv"]
    scans = [u for u in uploads if u.stored.suffix != ".csv"]
    if len(manifests) > 1:
        return [], [Item(u.name, "refused", error=f"{u.name}: một tệp CSV mỗi lần / one manifest at a time")
                    for u in manifests]
    if not manifests:
        values = {k: v for k, v in form.items() if k in META_FIELDS}
        meta = DocumentMeta.parse(**values)  # type: ignore[arg-type]  # bad values: one line, status 400
        return [(Job(u.stored, meta, given_fields(values), editor), u.name) for u in scans], []
    (manifest,) = manifests
    by_name = {u.name: u.stored for u in scans}
    nowhere = manifest.stored.parent / "missing"  # never made: a row's own text is never a path
    jobs, refused = [], []
    for row in read_manifest(manifest.stored, locate=lambda name: by_name.get(display_name(name), nowhere)):
        if row.error:
            refused.append(Item(manifest.name, "refused", error=row.error.replace(manifest.stored.name, manifest.name)))
        else:
            assert row.path is not None and row.meta is not None
            upload = next(u for u in scans if u.stored == row.path)
            jobs.append((Job(row.path, row.meta, row.fields_given, editor), upload.name))
    named = {job.path for job, _ in jobs}
    refused += [Item(u.name, "refused", error=f"{u.name}: không có trong tệp CSV / not in the manifest")
                for u in scans if u.stored not in named]
    return jobs, refused


def unpack_zips(uploads: list[Upload], limit: int) -> tuple[list[Upload], list[Item]]:
    """Every ZIP unpacked into a folder of page images (one document); a bad one refused in one line."""
    kept, refused = [], []
    for upload in uploads:
        if upload.stored.suffix != ".zip":
            kept.append(upload)
            continue
        try:
            kept.append(unpack_zip(upload, limit))
        except SohoaError as exc:
            refused.append(Item(upload.name, "refused", error=as_uploaded(str(exc), upload.stored, upload.name)))
    return kept, refused


def check(archive: Archive, run: Run, folder: Path, jobs: list[tuple[Job, str]], refused: list[Item]) -> Run:
    """Plan the jobs as `sohoa ingest` does; move what passed out of quarantine into files/ and
    write the manifest the run will read. What was refused stays in quarantine, named by number."""
    todos = plan(archive, [job for job, _ in jobs])
    rows = []
    for todo, (job, name) in zip(todos, jobs):
        error = as_uploaded(todo.error, job.path, name) if todo.error else None
        run.items.append(Item(name, todo.outcome, todo.doc_id, error, job.path.name))
        if todo.outcome in ("new", "resumed"):
            accepted = folder / "files" / job.path.name
            accepted.parent.mkdir(exist_ok=True)
            os.replace(job.path, accepted)
            rows.append({"file": f"files/{accepted.name}", NAME_COLUMN: name,
                         **{k: getattr(job.meta, k) if k in job.fields_given else "" for k in META_FIELDS}})
    run.items += refused
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=(*COLUMNS, NAME_COLUMN))
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(folder / "manifest.csv", buffer.getvalue())
    run.state = "running" if rows else "refused"
    run.save(folder)
    archive.catalog.log_event(f"upload-{run.id}", "upload", by=run.started_by,
                              files=[i.name for i in run.items], refused=sum(i.outcome == "refused" for i in run.items))
    return run


def as_uploaded(line: str, stored: Path, name: str) -> str:
    """A line of the check as the editor would see it from `sohoa ingest NAME`."""
    return line.replace(str(stored), name).replace(stored.name, name)


def start(settings: Settings, run: Run, folder: Path) -> None:
    """`python -m sohoa.uploads FOLDER` in a session of its own: it outlives the request, the
    browser and the web server."""
    env = {**os.environ, "SOHOA_HOME": str(settings.home), "SOHOA_DATABASE_URL": settings.database_url}
    with (folder / "output.log").open("ab") as log:
        child = subprocess.Popen([sys.executable, "-m", "sohoa.uploads", str(folder)], stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    run.pid = child.pid
    run.save(folder)


def run_command(folder: Path) -> int:
    """What the background process does: `sohoa ingest --manifest` over the run (or, for a
    bulletin, `sohoa audiobook`), its exit code recorded; once everything is archived, the run's
    copies of the files are removed."""
    from sohoa.cli import main

    run = Run.load(folder)
    args = run.command or ["ingest", "--manifest", str(folder / "manifest.csv"), "--by", run.started_by,
                           "--recorded-as", run.id]
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    Run.load(folder).end(folder, code)
    if code == 0:
        shutil.rmtree(folder / "files", ignore_errors=True)
    return code


def progress(archive: Archive, run: Run, folder: Path) -> dict[str, object]:
    """The run as the progress page shows it: each document with its pages done, and the
    command's failure lines with the uploaded names."""
    documents = []
    for item in run.items:
        doc = archive.catalog.document(item.doc_id) if item.doc_id else None
        done = archive.catalog.page_numbers(doc.id) if doc else set()
        documents.append({**asdict(item), "title": doc.meta.title if doc else "", "status": doc.status if doc else None,
                          "pages": [n in done for n in range(1, doc.page_count + 1)] if doc else [],
                          "url": f"/documents/{doc.id}" if doc else None})
    if run.kind == "audiobook" and run.state == "done":
        documents = [{**d, "title": "Nghe bản tin", "url": run.result_url} for d in documents]
    state = run.state if run.state != "running" or is_alive(run) else "interrupted"
    if state == "done" and (run.exit_code == ExitCode.partial_failure or any(i.outcome == "refused" for i in run.items)):
        state = "partial"  # some files of the batch failed, the others are archived
    return {"id": run.id, "state": state, "started_by": run.started_by, "started_at": run.started_at,
            "finished_at": run.finished_at, "exit_code": run.exit_code, "documents": documents,
            "errors": [i.error for i in run.items if i.error] + failure_lines(run, folder)}


def failure_lines(run: Run, folder: Path) -> list[str]:
    """The command's ✗ lines (and a fatal error's one line), its file paths shown as uploaded."""
    log = folder / "output.log"
    if not log.exists():
        return []
    lines = [line.strip() for line in log.read_text("utf-8", "replace").splitlines()
             if line.startswith(("✗", "sohoa: lỗi", "sohoa: internal"))]
    for item in run.items:
        if item.stored:
            lines = [as_uploaded(line, folder / "files" / item.stored, item.name) for line in lines]
    return lines


def history(archive: Archive, limit: int = 100) -> list[tuple[Run, dict[str, object]]]:
    """The latest runs, newest first, with their progress (outcome, errors)."""
    root = runs_folder(archive.settings.home)
    runs = [(Run.load(root / run_id), root / run_id) for run_id in run_ids(archive.settings.home)[:limit]]
    return [(run, progress(archive, run, folder)) for run, folder in runs]


if __name__ == "__main__":
    sys.exit(run_command(Path(sys.argv[1])))
