"""documents by organization, type, date and id (issue 13 item 3)

The page of a type ordered by date breaks ties by id (`ORDER BY date DESC, id ASC`): with the id
in the index, the documents of one date are put in order from the index alone, and only the
page's rows are read (with a thousand invoices a day, the last day's were each read to sort
them by id). The count of a type over dates still reads the index alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NAME = "ix_documents_organization_type_date"


def upgrade() -> None:
    op.drop_index(NAME, table_name="documents")
    op.create_index(NAME, "documents", ["organization_id", "type", "date", "id", "is_deleted"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="documents")
    op.create_index(NAME, "documents", ["organization_id", "type", "date", "is_deleted"])
