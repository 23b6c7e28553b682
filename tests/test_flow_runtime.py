"""Prefect's API for sohoa's flows: served from a thread of the flow's own process (no second Python
process), stopped cleanly at exit, and a new archive's Prefect database copied, not migrated anew."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.conftest import ROOT

# One flow run in a fresh process, as `sohoa ingest` does; prints what the session looked like.
SCRIPT = """
import atexit, os, sys, threading
from pathlib import Path
from sohoa.runtime import configure_prefect, flow_session
from sohoa.settings import Settings

settings = Settings.from_env(Path(sys.argv[1]))
configure_prefect(settings)  # before Prefect is imported, as the CLI does
from prefect import flow
from prefect.settings import PREFECT_API_URL

@flow
def one() -> int:
    return 1

with flow_session(settings):
    print("api", PREFECT_API_URL.value())
    print("result", one())
    children = [p for p in os.listdir("/proc") if p.isdigit()
                and open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1] == str(os.getpid())]
    print("children", len(children))

def after_everything() -> None:  # atexit runs after threading's exit hooks, where the API stops
    alive = [t.name for t in threading.enumerate() if t.name == "prefect-api" and t.is_alive()]
    print("api thread at exit", alive, flush=True)

atexit.register(after_everything)
"""


def _run(home: Path, cache: Path) -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env["XDG_CACHE_HOME"] = str(cache)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(home)], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


def _tables(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as db:
        return {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}


def test_flows_report_to_an_api_in_their_own_process_stopped_at_exit(tmp_path):
    lines = _run(tmp_path / "archive", tmp_path / "cache")
    assert lines[0].startswith("api http://127.0.0.1:")
    assert "result 1" in lines
    assert "children 0" in lines  # no ephemeral server process beside this one
    assert lines[-1] == "api thread at exit []"


def test_a_new_archive_gets_a_copy_of_an_empty_migrated_prefect_database(tmp_path):
    cache = tmp_path / "cache"
    _run(tmp_path / "first", cache)
    (template,) = (cache / "sohoa").glob("prefect-*-empty.db")
    with closing(sqlite3.connect(template)) as db:
        assert db.execute("select count(*) from flow_run").fetchone() == (0,)
        db.execute("create table copied_from_the_template (x)")  # a mark only a copy can carry
        db.commit()
    _run(tmp_path / "second", cache)
    assert "copied_from_the_template" in _tables(tmp_path / "second" / ".prefect" / "prefect.db")
    assert "copied_from_the_template" not in _tables(tmp_path / "first" / ".prefect" / "prefect.db")


def test_prefects_task_queue_store_runs_without_run_time_type_checks(tmp_path):
    """py-key-value (under Prefect's docket) wraps each of its functions in beartype's checks
    (but those it marks to be checked always)."""
    code = ("import sys; from pathlib import Path\n"
            "from sohoa.runtime import configure_prefect; from sohoa.settings import Settings\n"
            "if sys.argv[1] == 'sohoa': configure_prefect(Settings.from_env(Path(sys.argv[2])))\n"
            "from key_value.aio._utils import sanitize\n"
            "print(hasattr(sanitize.generate_hash_fragment, '__beartype_wrapper'))")
    env = {k: v for k, v in os.environ.items() if k != "PY_KEY_VALUE_DISABLE_BEARTYPE"}

    def checked(how: str) -> str:
        return subprocess.run([sys.executable, "-c", code, how, str(tmp_path / "a")], capture_output=True, text=True,
                              cwd=ROOT, env=env, check=True).stdout.strip()

    assert checked("plain") == "True"  # what the library does, left to itself
    assert checked("sohoa") == "False"
