"""A real PostgreSQL server for the tests, started and stopped by the tests themselves.

CI is a fresh machine where nothing runs: the session fixture ``postgres`` runs Debian's
``initdb`` and ``pg_ctl`` on a temporary data folder and a free loopback port. PostgreSQL refuses
to run as root, so as root the server runs as the ``postgres`` user (``runuser``). Each test that
asks for ``postgres_url`` gets a database of its own.

Use it by importing the fixtures into a test module::

    from tests.postgres import catalog_url, postgres, postgres_url  # noqa: F401 (fixtures)
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"


def postgres_bin() -> Path | None:
    """Debian installs PostgreSQL's server programs under /usr/lib/postgresql/VERSION/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    bin: Path
    data: Path
    port: int
    _names: Iterator[int] = itertools.count(1)

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        as_user = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
        return subprocess.run([*as_user, *command], check=True, capture_output=True, text=True, cwd="/")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def start(self, *, durable: bool = False) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SERVER_USER, "-A", "trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        # fsync off for tests: their data dies with the server, and commits get much faster.
        # A benchmark wants the real thing (durable=True).
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync={'on' if durable else 'off'}"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.data / "log"),
                 "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self, prefix: str = "sohoa_test") -> str:
        import sqlalchemy as sa

        name = f"{prefix}_{next(self._names)}"
        engine = sa.create_engine(self.url().replace("postgresql://", "postgresql+psycopg://"),
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url(name)


@contextmanager
def running_postgres(bin_dir: Path, *, durable: bool = False) -> Iterator[PostgresServer]:
    """A throw-away server: its own data folder and port, removed when done."""
    folder = Path(tempfile.mkdtemp(prefix="sohoa-pg-"))
    data = folder / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_USER)
        shutil.chown(data, SERVER_USER)
        folder.chmod(0o755)
    server = PostgresServer(bin_dir, data, free_port())
    server.start(durable=durable)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL is not installed (scripts/setup.sh --test installs Debian's postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with running_postgres(bin_dir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A fresh, empty database on the test server."""
    return postgres.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The catalog's URL on each engine sohoa supports: the tests using it run once on each."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    return request.getfixturevalue("postgres_url")
