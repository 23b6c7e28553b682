"""Indexes for a city-sized catalog: listing by district and commune, and one run's events.

``sohoa docs --district`` and the web's facets filter on district/commune; a run's provenance is
read by ``run_id``. Without these, both scan every row (millions of events for a city).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_district_commune", "documents", ["district", "commune"])
    op.create_index("ix_events_run_id", "events", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_events_run_id", "events")
    op.drop_index("ix_documents_district_commune", "documents")
