"""sohoa as a user runs it: a real subprocess, killed midway and resumed, and on a machine missing parts."""

import os
import pty
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect._internal.analytics.ci_detection import CI_ENV_VARS

from corpus.archive import Archive
from sohoa.settings import Settings
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
    scan = scans.get("four-pages.pdf", pages=4, variant="clean", seed=11)  # killed after 2: 2 or 3 left
    home = tmp_path / "archive"
    proc = subprocess.Popen([*SOHOA, "--archive", str(home), "ingest", str(scan), "--jobs", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while len(pages_done(home)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = pages_done(home)
    assert 2 <= len(before) < 4, "the ingest should have been killed midway"

    prefect_home = tmp_path / "prefect"  # this run's own Prefect database, read at the end
    again = run("--archive", str(home), "ingest", str(scan), env={"PREFECT_HOME": str(prefect_home)})
    assert again.returncode == 0, again.stdout + again.stderr
    archive = Archive.open(home)
    (doc,) = archive.catalog.documents()
    assert doc.status == "complete"
    assert [p.page_no for p in archive.catalog.pages(doc.id)] == [1, 2, 3, 4]
    (resumed,) = [e for e in archive.catalog.events(doc.id) if e["action"] == "resume"]
    assert resumed["detail"]["pages_done"] == len(before)
    redone = [e["page_no"] for e in archive.catalog.events(doc.id)
              if e["action"] == "ocr" and e["run_id"] == resumed["run_id"]]
    assert sorted(redone) == sorted({1, 2, 3, 4} - before)
    assert not [p for p in (home / "documents" / doc.id / "pages").iterdir() if p.name.startswith(".")]
    # The process skips the interpreter's teardown (sohoa.cli.run), not Prefect's last writes:
    # the rerun's flow run and every page task it ran are recorded as completed.
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        (run_id, state), = db.execute("select id, state_type from flow_run").fetchall()
        pages = db.execute("select count(*) from task_run where flow_run_id = ? and name like 'ocr-page%' "
                           "and state_type = 'COMPLETED'", (run_id,)).fetchone()[0]
    assert state == "COMPLETED" and pages == len(redone)


def test_verify_exits_non_zero_on_an_altered_original(scans, tmp_path):
    from sohoa.ingest import Job, plan_job, register

    home = tmp_path / "archive"
    archive = Archive.open(home)
    registration = register(archive, plan_job(archive, Job(scans.get("v.png", pages=1, variant="clean"))), run_id="t")
    assert run("--archive", str(home), "verify").returncode == 0
    stored = archive.path(archive.catalog.document(registration.doc_id).original_path)
    os.chmod(stored, 0o644)
    with open(stored, "ab") as fh:
        fh.write(b"\0")
    result = run("--archive", str(home), "verify")
    assert result.returncode == 6
    assert f"{registration.doc_id}: originals/" in result.stdout and "altered" in result.stdout


def test_a_missing_file_is_one_line_in_a_fresh_process(tmp_path):
    """Prefect's API reconfigures its loggers when it starts: its own report of the failed task
    must not come back as a second, Prefect-worded error line."""
    missing = tmp_path / "khong-co.pdf"
    result = run("--archive", str(tmp_path / "a"), "ingest", str(missing))
    assert result.returncode == 7
    lines = [line for line in (result.stdout + result.stderr).splitlines() if str(missing) in line]
    assert lines == [f"✗ {missing}: no such file or folder"]
    assert "ERROR" not in result.stderr and "Traceback" not in result.stderr, result.stderr


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


def run_in_terminal(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run sohoa with a pseudo-terminal for its output, as an archivist at a console would."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*SOHOA, *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=follower,
                            stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is gone: the program has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_user_sees_no_prefect_telemetry_notice(scans, tmp_path):
    # Prefect shows it, and queues a usage event, on its first import in a new PREFECT_HOME
    # (a new archive's) when the output is a terminal and no CI variable is set.
    env = {k: v for k, v in os.environ.items() if k not in CI_ENV_VARS and not k.startswith("PREFECT_")}
    env.pop("DO_NOT_TRACK", None)
    home = tmp_path / "archive"
    code, output = run_in_terminal("--archive", str(home), "ingest", str(scans.get("one.pdf", pages=1)), env=env)
    assert code == 0, output
    assert "1 documents, 1 pages archived" in output
    assert "telemetry" not in output and "usage data" not in output


def test_prefect_as_sohoa_configures_it_sends_no_usage_events(tmp_path, monkeypatch):
    from prefect._internal.analytics import is_telemetry_enabled

    from sohoa.runtime import configure_prefect

    for name in (*CI_ENV_VARS, "DO_NOT_TRACK"):
        monkeypatch.delenv(name, raising=False)
    assert is_telemetry_enabled()  # what Prefect does at a user's terminal, left to itself
    configure_prefect(Settings.from_env(tmp_path / "archive"))
    assert not is_telemetry_enabled()


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
