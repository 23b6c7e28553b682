"""The catalog as the first releases made it with ``metadata.create_all``: documents, pages, events.

An archive created before migrations existed has exactly these tables and is stamped 0001.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("commune", sa.Text, nullable=False),
        sa.Column("district", sa.Text, nullable=False),
        sa.Column("province", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("collection", sa.Text, nullable=False),
        sa.Column("access", sa.String(16), nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("original_path", sa.Text, nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "pages",
        sa.Column("doc_id", sa.String(32), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("page_no", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("mean_confidence", sa.Float),
        sa.Column("word_count", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("dpi", sa.Integer, nullable=False),
        sa.Column("blank", sa.Boolean, nullable=False),
        sa.Column("needs_review", sa.Boolean, nullable=False),
        sa.Column("quality", sa.Text, nullable=False),
        sa.Column("steps", sa.Text, nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("doc_id", sa.String(32)),
        sa.Column("page_no", sa.Integer),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_events_doc_id", "events", ["doc_id"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("pages")
    op.drop_table("documents")
