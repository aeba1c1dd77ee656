"""documents by organization, type and date, newest first (issue 13 items 2 and 3)

The index a list of one type ordered by date reads its first page from (scanned backwards for
`order: date DESC`; both engines sort only the rows of one date by the id that breaks ties,
COMPAT §4.2), and a count of one type over a date range counts from alone: `is_deleted` rides
along so that the soft-delete condition (COMPAT §5.1) needs no row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 11:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_documents_organization_type_date",
        "documents",
        ["organization_id", "type", "date", "is_deleted"],
    )


def downgrade() -> None:
    op.drop_index("ix_documents_organization_type_date", table_name="documents")
