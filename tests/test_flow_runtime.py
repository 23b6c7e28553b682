"""sohoa's runtime (sohoa.runtime): Prefect's API served from a thread of the flow's own process (no
second Python process), stopped cleanly at exit, a new archive's Prefect database copied, not migrated
anew; Prefect's own server, with one warning line, on a Prefect the embedded API was not tested with
or whose internals differ; and every tweak off with SOHOA_PLAIN_RUNTIME=1.

Each test sets the switch itself: the tweaks are checked even when CI runs the suite without them."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from sohoa.runtime import PLAIN_SWITCH, TESTED_PREFECT
from tests.conftest import ROOT

# One flow run in a fresh process, as `sohoa ingest` does; prints what the session looked like.
SCRIPT = """
import atexit, os, sys, threading
from pathlib import Path
exec(sys.argv[2])  # what the test changes in this process first
from sohoa.runtime import configure_prefect, flow_session
from sohoa.settings import Settings

settings = Settings.from_env(Path(sys.argv[1]))
configure_prefect(settings)  # before Prefect is imported, as the CLI does
from prefect import flow
from prefect.settings import PREFECT_API_URL

@flow
def one() -> int:
    return 1

def children_of(pid: int) -> list[str]:
    found = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1]
        except FileNotFoundError:  # gone meanwhile
            continue
        found += [p] if parent == str(pid) else []
    return found

with flow_session(settings):
    print("api", PREFECT_API_URL.value())
    print("result", one())
    print("children", len(children_of(os.getpid())))

def after_everything() -> None:  # atexit runs after threading's exit hooks, where the API stops
    alive = [t.name for t in threading.enumerate() if t.name == "prefect-api" and t.is_alive()]
    print("api thread at exit", alive, flush=True)

atexit.register(after_everything)
"""


def _env(*, plain: bool = False) -> dict[str, str]:
    """This environment without what the runtime sets (earlier tests ran it in this process)."""
    runtimes = (PLAIN_SWITCH, "OMP_THREAD_LIMIT", "PY_KEY_VALUE_DISABLE_BEARTYPE", "DO_NOT_TRACK")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_") and key not in runtimes}
    return {**env, PLAIN_SWITCH: "1"} if plain else env


def _session(home: Path, cache: Path, *, first: str = "") -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(home), first], capture_output=True, text=True, cwd=ROOT,
                          env={**_env(), "XDG_CACHE_HOME": str(cache)}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _run(home: Path, cache: Path) -> list[str]:
    return _session(home, cache).stdout.splitlines()


@pytest.fixture(scope="module")
def first_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One flow run in a fresh process on a new archive (``first``) with an empty cache (``cache``),
    as a machine's first `sohoa ingest`: run once for the three tests that read it (each run starts
    Prefect, ~10 s); returns the run and the folder holding both."""
    folder = tmp_path_factory.mktemp("first-session")
    return _session(folder / "first", folder / "cache"), folder


def _warnings(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if "warning" in line.lower()]


def test_a_prefect_the_embedded_api_was_not_tested_with_gets_prefects_own_server(tmp_path):
    proc = _session(tmp_path / "archive", tmp_path / "cache", first="import prefect; prefect.__version__ = '3.99.0'")
    assert _warnings(proc) == ["sohoa: cảnh báo / warning: Prefect 3.99.0 is not one sohoa's embedded API was "
                               f"tested with ({', '.join(TESTED_PREFECT)}); using Prefect's own ephemeral server"]
    lines = proc.stdout.splitlines()
    assert "result 1" in lines and "children 1" in lines  # Prefect's server process


def test_prefect_internals_that_differ_get_prefects_own_server(tmp_path):
    """As if a Prefect release renamed the app factory the embedded API serves."""
    proc = _session(tmp_path / "archive", tmp_path / "cache",
                    first="import prefect.server.api.server as s; del s.create_app")
    [warning] = _warnings(proc)
    assert "Prefect's internals differ" in warning and "ImportError" in warning
    assert "result 1" in proc.stdout.splitlines() and "children 1" in proc.stdout.splitlines()


def test_the_installed_prefect_is_a_tested_one_or_the_fallback_is_taken(first_session):
    """Fails when the installed Prefect is outside the tested range and sohoa still serves its own API."""
    import prefect

    proc, _ = first_session
    tested = ".".join(prefect.__version__.split(".")[:2]) in TESTED_PREFECT
    lines = proc.stdout.splitlines()
    if tested:
        assert not _warnings(proc) and "children 0" in lines
    else:
        assert len(_warnings(proc)) == 1 and "children 1" in lines
    pinned = re.search(r'"prefect>=([\d.]+),<([\d.]+)"', (ROOT / "pyproject.toml").read_text()).groups()
    assert pinned == (f"{TESTED_PREFECT[0]}", _next_minor(TESTED_PREFECT[-1])), "pyproject pins the tested minors"


def _next_minor(version: str) -> str:
    major, minor = version.split(".")
    return f"{major}.{int(minor) + 1}"


def test_a_plain_runtime_leaves_python_glibc_and_prefect_as_they_are(tmp_path):
    probe = ("import gc, os, sys; from pathlib import Path; from sohoa import runtime; from sohoa.settings import Settings\n"
             "runtime.tune_page_process(); runtime.load_flows(Settings.from_env(Path(sys.argv[1])), 'flows.ingest')\n"
             "print(os.environ.get('OMP_THREAD_LIMIT'), os.environ.get('PREFECT_SERVER_REGISTER_BLOCKS_ON_START'),"
             " gc.get_freeze_count() > 0)")

    def probed(plain: bool) -> str:
        return subprocess.run([sys.executable, "-c", probe, str(tmp_path / "a")], capture_output=True, text=True,
                              cwd=ROOT, env=_env(plain=plain), check=True, timeout=300).stdout.strip()

    assert probed(plain=False) == "1 false True"
    assert probed(plain=True) == "None None False"


def test_a_plain_runtime_leaves_prefects_api_to_prefect_without_a_warning(monkeypatch, capsys):
    """(Prefect's own server at work: the fallback tests above.)"""
    from sohoa import runtime

    monkeypatch.setenv(PLAIN_SWITCH, "1")
    assert runtime.prefect_api_url() is None
    assert capsys.readouterr().err == ""  # plain by choice: nothing to warn about


def _tables(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as db:
        return {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}


def test_flows_report_to_an_api_in_their_own_process_stopped_at_exit(first_session):
    lines = first_session[0].stdout.splitlines()
    assert lines[0].startswith("api http://127.0.0.1:")
    assert "result 1" in lines
    assert "children 0" in lines  # no ephemeral server process beside this one
    assert lines[-1] == "api thread at exit []"


# `sohoa ingest` in a fresh process whose Prefect API writes each task run event 0.5 s slower: at
# exit, the last events are still being written when the API stops (the race Prefect's
# TaskRunRecorder.stop() loses about one run in 60 at full speed, every run at this one).
SLOW_RECORDER = """
import asyncio, sys
from sohoa import runtime

configure = runtime.configure_prefect

def configure_then_slow_the_recorder(settings):
    configure(settings)
    from prefect.server.services import task_run_recorder as recorder
    if not hasattr(recorder, "write_at_speed"):
        recorder.write_at_speed = recorder.record_bulk_task_run_events
        async def slowly(events):
            await asyncio.sleep(0.5)
            await recorder.write_at_speed(events)
        recorder.record_bulk_task_run_events = slowly

runtime.configure_prefect = configure_then_slow_the_recorder
from sohoa.cli import main
main(sys.argv[1:])
"""


def test_an_ingest_exits_after_its_task_runs_are_recorded_without_a_traceback(tmp_path, scans):
    home = tmp_path / "archive"
    page = scans.get("faults-resolution.png", pages=1, variant="clean", seed=22)
    proc = subprocess.run([sys.executable, "-c", SLOW_RECORDER, "--archive", str(home), "ingest", str(page),
                           "--jobs", "1"], capture_output=True, text=True, cwd=ROOT,
                          env={**_env(), "XDG_CACHE_HOME": str(tmp_path / "cache")}, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Error flushing" not in proc.stderr, proc.stderr
    with closing(sqlite3.connect(home / ".prefect" / "prefect.db")) as db:
        states = dict(db.execute("select state_type, count(*) from task_run group by state_type").fetchall())
    assert set(states) == {"COMPLETED"}, states  # every task run's last state written before the API stopped


def test_a_new_archive_gets_a_copy_of_an_empty_migrated_prefect_database(first_session, tmp_path):
    _, folder = first_session
    cache = folder / "cache"
    (template,) = (cache / "sohoa").glob("prefect-*-empty.db")
    with closing(sqlite3.connect(template)) as db:
        assert db.execute("select count(*) from flow_run").fetchone() == (0,)
        db.execute("create table copied_from_the_template (x)")  # a mark only a copy can carry
        db.commit()
    _run(tmp_path / "second", cache)
    assert "copied_from_the_template" in _tables(tmp_path / "second" / ".prefect" / "prefect.db")
    assert "copied_from_the_template" not in _tables(folder / "first" / ".prefect" / "prefect.db")


def test_prefects_task_queue_store_runs_without_run_time_type_checks(tmp_path):
    """py-key-value (under Prefect's docket) wraps each of its functions in beartype's checks
    (but those it marks to be checked always)."""
    code = ("import sys; from pathlib import Path\n"
            "from sohoa.runtime import configure_prefect; from sohoa.settings import Settings\n"
            "if sys.argv[1] == 'sohoa': configure_prefect(Settings.from_env(Path(sys.argv[2])))\n"
            "from key_value.aio._utils import sanitize\n"
            "print(hasattr(sanitize.generate_hash_fragment, '__beartype_wrapper'))")
    env = {k: v for k, v in _env().items() if k != "PY_KEY_VALUE_DISABLE_BEARTYPE"}

    def checked(how: str) -> str:
        return subprocess.run([sys.executable, "-c", code, how, str(tmp_path / "a")], capture_output=True, text=True,
                              cwd=ROOT, env=env, check=True).stdout.strip()

    assert checked("plain") == "True"  # what the library does, left to itself
    assert checked("sohoa") == "False"
