"""Schema migrations of the catalog (Alembic), run in place whenever a catalog is opened.

Three kinds of database are met at open:

- empty: every migration runs;
- made by the first releases of sohoa (``metadata.create_all``, no ``alembic_version`` table):
  its tables are exactly revision 0001, so it is stamped 0001 and upgraded from there;
- already versioned: only the missing migrations run (none, usually: one quick query).

Several processes may open one catalog at once (Dask workers, two archivists): on PostgreSQL an
advisory lock, on SQLite a lock file beside the database, lets one of them migrate and the others wait.
"""

from __future__ import annotations

import fcntl
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

HERE = Path(__file__).resolve().parent
FIRST_REVISION = "0001"  # the schema that create_all made before migrations existed
_PG_LOCK_KEY = 0x50_48_4F_41  # "SOHOA"-ish; any constant shared by every sohoa process


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


@functools.cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: sa.Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the catalog's schema to the newest revision, in place."""
    with engine.connect() as connection:
        if current_revision(connection) == head_revision():
            return
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config = alembic_config()
        config.attributes["connection"] = connection
        inspector = sa.inspect(connection)
        if current_revision(connection) is None and inspector.has_table("documents"):
            command.stamp(config, FIRST_REVISION)  # an archive from before migrations: it is 0001
        command.upgrade(config, "head")


MIGRATE_LOCK = ".migrate-lock"  # beside a SQLite catalog: CATALOG.migrate-lock


@contextmanager
def _migration_lock(engine: sa.Engine) -> Iterator[None]:
    """On SQLite, one migrating process at a time (PostgreSQL locks inside the transaction)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}{MIGRATE_LOCK}", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
