"""documents by organization, type and date (issue 13 items 2 and 3)

A list of one type ordered by date reads its page from this index (backwards for
`order: date DESC`) instead of sorting every document of the type, and a count of one type over
a date range reads no row: `is_deleted` rides along for the soft-delete condition (COMPAT §5.1).

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
