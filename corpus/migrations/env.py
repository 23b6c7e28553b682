"""Alembic's entry point. sohoa runs it in-process (``corpus.migrations.upgrade``) with an open
connection; without one (a developer running Alembic's own commands on
``corpus.migrations.alembic_config()``) it connects to ``SOHOA_DATABASE_URL``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context

from corpus.catalog import database_url, metadata

config = context.config


def run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = os.environ.get("SOHOA_DATABASE_URL")
    if not url:
        raise SystemExit("set SOHOA_DATABASE_URL to the catalog's database")
    engine = sa.create_engine(database_url(url))
    with engine.begin() as conn:
        run(conn)
