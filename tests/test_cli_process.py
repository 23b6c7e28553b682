"""sohoa as a user runs it: a real subprocess, killed midway and resumed, and on a machine missing parts."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.archive import Archive
from tests.conftest import ROOT

SOHOA = [sys.executable, "-m", "sohoa"]


def run(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, **(env or {})})


def pages_done(home: Path) -> set[int]:
    catalog = home / "catalog.sqlite"
    if not catalog.exists():
        return set()
    try:
        with sqlite3.connect(catalog, timeout=5) as db:
            return {row[0] for row in db.execute("select page_no from pages")}
    except sqlite3.OperationalError:  # the table is not there yet
        return set()


@pytest.mark.slow
def test_killed_ingest_resumes_with_only_the_missing_pages(scans, tmp_path):
    scan = scans.get("long.pdf", pages=6, variant="clean", seed=11)
    home = tmp_path / "archive"
    proc = subprocess.Popen([*SOHOA, "--archive", str(home), "ingest", str(scan), "--jobs", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while len(pages_done(home)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = pages_done(home)
    assert 2 <= len(before) < 6, "the ingest should have been killed midway"

    prefect_home = tmp_path / "prefect"  # this run's own Prefect database, read at the end
    again = run("--archive", str(home), "ingest", str(scan), env={"PREFECT_HOME": str(prefect_home)})
    assert again.returncode == 0, again.stdout + again.stderr
    archive = Archive.open(home)
    (doc,) = archive.catalog.documents()
    assert doc.status == "complete"
    assert [p.page_no for p in archive.catalog.pages(doc.id)] == [1, 2, 3, 4, 5, 6]
    (resumed,) = [e for e in archive.catalog.events(doc.id) if e["action"] == "resume"]
    assert resumed["detail"]["pages_done"] == len(before)
    redone = [e["page_no"] for e in archive.catalog.events(doc.id)
              if e["action"] == "ocr" and e["run_id"] == resumed["run_id"]]
    assert sorted(redone) == sorted({1, 2, 3, 4, 5, 6} - before)
    assert not [p for p in (home / "documents" / doc.id / "pages").iterdir() if p.name.startswith(".")]
    # The process skips the interpreter's teardown (sohoa.cli.run), not Prefect's last writes:
    # the rerun's flow run and every page task it ran are recorded as completed.
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        (run_id, state), = db.execute("select id, state_type from flow_run").fetchall()
        pages = db.execute("select count(*) from task_run where flow_run_id = ? and name like 'ocr-page%' "
                           "and state_type = 'COMPLETED'", (run_id,)).fetchone()[0]
    assert state == "COMPLETED" and pages == len(redone)


def test_verify_exits_non_zero_on_an_altered_original(scans, tmp_path):
    from sohoa.ingest import Job, register

    home = tmp_path / "archive"
    archive = Archive.open(home)
    registration = register(archive, Job(scans.get("v.png", pages=1, variant="clean")), run_id="t")
    assert run("--archive", str(home), "verify").returncode == 0
    stored = archive.path(archive.catalog.document(registration.doc_id).original_path)
    os.chmod(stored, 0o644)
    with open(stored, "ab") as fh:
        fh.write(b"\0")
    result = run("--archive", str(home), "verify")
    assert result.returncode == 6
    assert f"{registration.doc_id}: originals/" in result.stdout and "altered" in result.stdout


def test_missing_tesseract_names_the_package(scans, tmp_path):
    result = run("--archive", str(tmp_path / "a"), "ingest", str(scans.get("v.png", pages=1, variant="clean")),
                 env={"PATH": str(Path(sys.executable).parent)})
    assert result.returncode == 3
    assert result.stderr.strip() == "sohoa: lỗi / error: tesseract not found: install the Debian package tesseract-ocr"


def test_missing_vietnamese_data_names_the_package(scans, tmp_path):
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    (tessdata / "eng.traineddata").symlink_to("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata")
    result = run("--archive", str(tmp_path / "a"), "ingest", str(scans.get("v.png", pages=1, variant="clean")),
                 env={"TESSDATA_PREFIX": str(tessdata)})
    assert result.returncode == 3
    assert "install the Debian package tesseract-ocr-vie" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_that_run_no_flow_do_not_import_prefect(tmp_path):
    code = ("import sys; from sohoa.cli import main\n"
            "try:\n    main(['--archive', sys.argv[1], 'docs'])\nexcept SystemExit:\n    pass\n"
            "assert 'prefect' not in sys.modules, 'docs imported prefect'")
    Archive.open(tmp_path / "a").close()
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a")], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_help_explains_each_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("ingest", "docs", "show", "text", "verify", "doctor", "demo"):
        assert command in result.stdout
    ingest_help = run("ingest", "--help").stdout
    assert "--manifest" in ingest_help and "--commune" in ingest_help
