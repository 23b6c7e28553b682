"""How often each bulletin is heard: plays per bulletin per day, and nothing about who listened.

The player reports a play once 30 seconds have been heard (a tap on "Phát" by mistake is not a
play); the count is one row per bulletin and day, incremented in place.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from corpus.catalog import _dialect_insert, listen_counts

MIN_SECONDS = 30  # heard at least this long before a play counts (the player enforces it)


def record_play(engine: sa.Engine, bulletin: str, day: dt.date | None = None) -> None:
    day = day or dt.datetime.now(dt.timezone.utc).date()
    insert = _dialect_insert(engine.dialect.name)(listen_counts).values(
        bulletin=bulletin, day=day.isoformat(), plays=1)
    with engine.begin() as conn:
        conn.execute(insert.on_conflict_do_update(
            index_elements=["bulletin", "day"], set_={"plays": listen_counts.c.plays + 1}))


def plays(engine: sa.Engine, bulletin: str | None = None) -> list[tuple[str, str, int]]:
    """(bulletin, day, plays), newest day first; one bulletin's or every bulletin's."""
    query = sa.select(listen_counts).order_by(listen_counts.c.day.desc(), listen_counts.c.bulletin)
    if bulletin is not None:
        query = query.where(listen_counts.c.bulletin == bulletin)
    with engine.connect() as conn:
        return [(row.bulletin, row.day, row.plays) for row in conn.execute(query)]
