"""Opinion polls on bulletins (questions, choices, one answer per voter) and daily listen counts.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("bulletin", sa.String(100), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_polls_bulletin", "polls", ["bulletin"])
    op.create_table(
        "poll_choices",
        sa.Column("poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("choice_id", sa.Integer, primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_table(
        "poll_answers",
        sa.Column("poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("voter", sa.String(64), primary_key=True),
        sa.Column("choice_id", sa.Integer, nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "listen_counts",
        sa.Column("bulletin", sa.String(100), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("plays", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("listen_counts")
    op.drop_table("poll_answers")
    op.drop_table("poll_choices")
    op.drop_index("ix_polls_bulletin", "polls")
    op.drop_table("polls")
