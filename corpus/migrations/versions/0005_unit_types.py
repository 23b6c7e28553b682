"""What citations and the PDF's metadata need: the unit type of each document's commune and
district (xã/phường/thị trấn; huyện/quận/thị xã/thành phố) and its author (the committee that
wrote or issued it). Existing rows get "" (not known) until re-ingested or edited.

Revision ID: 0005
Revises: 0004 (polls and listens)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("author", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("commune_type", sa.String(16), nullable=False, server_default=""))
        batch.add_column(sa.Column("district_type", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("district_type")
        batch.drop_column("commune_type")
        batch.drop_column("author")
