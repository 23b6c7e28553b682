"""The deployment of docs/scaling.md, end to end on loopback: every command in that page's code
blocks, run as written, each long-running part its own process, the way an operator starts them.

PostgreSQL (the test's own server), `prefect server start`, a Dask scheduler and two worker
processes, `sohoa ingest --cluster` of a manifest, `sohoa watch INBOX --serve` ingesting a scan
dropped into the inbox while one worker is killed, and `sohoa serve` finding it. The page's host
names, ports and folders become loopback addresses, free ports and temporary folders
(``placeholders``), and the watch interval 5 s instead of 60. Several minutes on a loaded 2-core
machine: marked ``deployment`` (`pytest -m "not deployment"` leaves it out; `.ci/run` runs it).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus.catalog import Catalog
from tests.postgres import free_port, postgres  # noqa: F401 (fixture)
from tests.processes import Started, answers, listening, start
from tests.test_scale_dask import WorkerKiller

BIN = Path(sys.executable).parent
SCALING = Path(__file__).resolve().parents[1] / "docs" / "scaling.md"
UNTESTED = "not tested here:"
WATCHED_PAGES = 6


@dataclass(frozen=True)
class Command:
    line: str  # as written in the page, comment removed
    untested_because: str | None  # the page's reason when the test cannot run it


def documented_commands(page: Path = SCALING) -> list[Command]:
    """The shell commands of the page's ```sh blocks, in order (comment lines left out)."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", page.read_text(), flags=re.S | re.M):
        for raw in block.splitlines():
            line, _, comment = raw.partition("  #")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            reason = comment.partition(UNTESTED)[2].strip() if UNTESTED in comment else None
            commands.append(Command(line.strip(), reason))
    return commands


# The parts that run until stopped, each a systemd unit in deploy/ ("sohoa watch" with --serve).
# "sohoa deploy" is run against a server of its own by tests/test_flow_deployments.py.
LONG_RUNNING = ("prefect server start", "dask scheduler", "dask worker", "sohoa watch", "sohoa serve", "sohoa deploy")


def long_running(line: str) -> str | None:
    """Which long-running part ``line`` starts, if any."""
    program = re.sub(r"^(\w+=\S+ )*", "", line)  # leading VAR=value assignments
    kind = next((kind for kind in LONG_RUNNING if program.startswith(kind)), None)
    return None if kind == "sohoa watch" and "--serve" not in line else kind


def test_every_command_of_the_scaling_page_is_run_by_the_deployment_test_or_says_why_not():
    commands = documented_commands()
    assert len(commands) >= 8
    for command in commands:
        assert command.untested_because != "", f"{command.line}: say why it is not tested"
    run = [c.line for c in commands if c.untested_because is None]
    kinds = {"prefect server start", "dask scheduler", "dask worker", "sohoa ingest --cluster", "--serve",
             "sohoa serve", "export PREFECT_API_URL", "export SOHOA_HOME"}
    assert all(any(kind in line for line in run) for kind in kinds), run


@dataclass
class Loopback:
    """The deployment's machines, all on this one: their ports and folders."""

    folder: Path
    database_url: str
    dask_port: int
    prefect_port: int
    web_port: int

    @property
    def placeholders(self) -> dict[str, str]:
        """Page text → its value here, replaced in this order."""
        return {"SCHEDULER:8786": f"127.0.0.1:{self.dask_port}", "--port 8786": f"--port {self.dask_port}",
                "prefect-host:4200": f"127.0.0.1:{self.prefect_port}", "--port 4200": f"--port {self.prefect_port}",
                "postgresql://sohoa@db/sohoa": self.database_url, "/srv/sohoa-archive": str(self.folder / "archive"),
                "/srv/inbox": str(self.folder / "inbox"), "--interval 60": "--interval 5",
                "--port 8000": f"--port {self.web_port}"}

    def on_loopback(self, line: str) -> str:
        for text, value in self.placeholders.items():
            line = line.replace(text, value)
        assert not re.search(r"SCHEDULER|prefect-host|@db/|/srv/", line), f"a placeholder the test does not know: {line}"
        return line

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.prefect_port}/api"


class Operator:
    """Types the page's commands into a shell: exports change the environment of what follows,
    long-running parts start in the background and are waited for until they answer."""

    def __init__(self, site: Loopback) -> None:
        self.site = site
        self.env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}",
                    "PREFECT_HOME": str(site.folder / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                    # Faster turns for a test: the server's scheduler and the runner look every 2 s.
                    "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
                    "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
        for name in ("PREFECT_API_URL", "SOHOA_HOME", "SOHOA_DATABASE_URL", "SOHOA_DASK_ADDRESS"):
            self.env.pop(name, None)
        self.started: dict[str, Started] = {}

    def type(self, line: str) -> None:
        line = self.site.on_loopback(line)
        if line.startswith("export "):
            self.env.update(item.split("=", 1) for item in shlex.split(line)[1:])
        elif name := long_running(line):
            part = start(["bash", "-c", line], self.site.folder / f"{name.replace(' ', '-')}.log", self.env,
                         cwd=self.site.folder)
            self.started[name] = part
            self.wait_until_ready(name, part)
        else:
            done = subprocess.run(["bash", "-c", line], env=self.env, cwd=self.site.folder, capture_output=True,
                                  text=True, timeout=900)
            assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"

    def wait_until_ready(self, name: str, part: Started) -> None:
        site = self.site
        if name == "prefect server start":
            part.wait_until(lambda: answers(f"{site.api}/health"), 180, name)
        elif name == "dask scheduler":
            part.wait_until(lambda: listening("127.0.0.1", site.dask_port), 60, name)
        elif name == "dask worker":
            part.wait_until(lambda: self.dask_workers() == 2, 120, "two Dask workers")
        elif name == "sohoa serve":
            part.wait_until(lambda: answers(f"http://127.0.0.1:{site.web_port}/"), 60, name)

    def dask_workers(self) -> int:
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{self.site.dask_port}", timeout=10) as client:
            return len(client.scheduler_info()["workers"])

    def stop_all(self) -> None:
        for part in reversed(self.started.values()):
            part.stop()


def api(site: Loopback, path: str, body: object | None = None) -> object:
    """One call to the Prefect server's REST API (what its UI reads)."""
    request = urllib.request.Request(f"{site.api}{path}", method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


@pytest.fixture
def operator(postgres, tmp_path: Path, scans) -> Iterator[Operator]:  # noqa: F811 (fixture)
    site = Loopback(tmp_path, postgres.create_database("deployment"), free_port(), free_port(), free_port())
    batch = tmp_path / "hop-ho-so-01"
    batch.mkdir()
    shutil.copyfile(scans.get("deploy-batch.pdf", pages=2, font="serif", variant="clean", seed=41),
                    batch / "nghi-quyet.pdf")
    (batch / "manifest.csv").write_text("file,title,commune,district,province,year,kind\n"
                                        "nghi-quyet.pdf,Nghị quyết Đảng bộ xã Cự Khối,Cự Khối,Long Biên,Hà Nội,1975,"
                                        "resolution\n", encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    typist = Operator(site)
    try:
        yield typist
    finally:
        typist.stop_all()


@pytest.mark.deployment
@pytest.mark.timeout(1800)
def test_the_scaling_page_deploys_on_loopback_and_survives_a_killed_worker(operator: Operator, scans):
    site = operator.site
    for command in documented_commands():
        if command.untested_because is None:
            operator.type(command.line)
    catalog = Catalog(site.database_url)
    [batch] = catalog.documents()
    assert batch.status == "complete" and [p.page_no for p in catalog.pages(batch.id)] == [1, 2]

    # A scan dropped into the inbox; a worker is killed once its first page is in.
    killer = WorkerKiller(f"tcp://127.0.0.1:{site.dask_port}", site.database_url, after=2, patience=900)
    killer.start()
    scan = scans.get("deploy-watched.pdf", pages=WATCHED_PAGES, font="serif", variant="clean", seed=42)
    shutil.copyfile(scan, site.folder / "inbox" / "lich-su.pdf")
    watch = operator.started["sohoa watch"]
    watch.wait_until((site.folder / "inbox" / "done" / "lich-su.pdf").exists, 900, "the served watch to ingest")
    killer.join(timeout=5)
    assert killer.killed_pid is not None and killer.pages_before_kill < WATCHED_PAGES, "no worker was killed mid-run"

    [watched] = [d for d in catalog.documents() if d.original_name == "lich-su.pdf"]
    pages = catalog.pages(watched.id)
    assert watched.status == "complete"
    assert [p.page_no for p in pages] == list(range(1, WATCHED_PAGES + 1))  # every page once
    folders = (site.folder / "archive" / "documents" / watched.id / "pages").iterdir()
    assert len([f for f in folders if not f.name.startswith(".")]) == WATCHED_PAGES  # no half-written twin
    catalog.close()

    # Prefect's API (the UI's) has both ingest runs completed, the watched one inside a completed poll.
    flows = {f["id"]: f["name"] for f in api(site, "/flows/filter", {})}
    runs = api(site, "/flow_runs/filter", {})
    ingests = [r for r in runs if flows[r["flow_id"]] == "ingest"]
    assert len(ingests) == 2 and {r["state_type"] for r in ingests} == {"COMPLETED"}
    [subflow] = [r for r in ingests if r["parent_task_run_id"]]
    poll = api(site, f"/flow_runs/{api(site, '/task_runs/' + subflow['parent_task_run_id'])['flow_run_id']}")
    watch.wait_until(lambda: api(site, f"/flow_runs/{poll['id']}")["state_type"] == "COMPLETED", 60,
                     "the watch-inbox run to complete")
    assert flows[poll["flow_id"]] == "watch-inbox"

    # The web app finds the watched document by a word of its text.
    word = max(re.findall(r"\w+", pages[0].text), key=len)
    url = f"http://127.0.0.1:{site.web_port}/api/search?q={urllib.parse.quote(word)}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        found = json.load(answer)
    assert watched.id in [d["doc_id"] for d in found["documents"]]
