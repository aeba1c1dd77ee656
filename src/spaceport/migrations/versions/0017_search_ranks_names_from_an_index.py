"""search ranks names from an index (issue 13 item 5)

Client and item search put the names equal to the term first, then the names starting with
it, then the rest (COMPAT §1.11). A common term matches thousands of rows, and ranking them
read every one. An index of the organization's folded names with the deleted flag, the name
and the id puts the names starting with the term in order alone; when they fill the page, they
are the page (kit.search.by_name). On PostgreSQL the folded name is indexed with
`text_pattern_ops`, whose operators compare bytes, so the prefix is a range whatever the
database's collation.

Items gain `name_key`, the name casefolded as clients have it, filled from the first part of
`search_text` (the name, casefolded, before U+001F).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = ["organization_id", "name_key", "is_deleted", "name", "id"]


def upgrade() -> None:
    op.add_column("items", sa.Column("name_key", sa.String(), server_default="", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE items SET name_key = split_part(search_text, chr(31), 1)")
    else:
        op.execute(
            "UPDATE items SET name_key = "
            "substr(search_text, 1, instr(search_text || char(31), char(31)) - 1)"
        )
    for table in ("clients", "items"):
        op.create_index(
            f"ix_{table}_organization_name_key",
            table,
            COLUMNS,
            postgresql_ops={"name_key": "text_pattern_ops"},
        )


def downgrade() -> None:
    for table in ("clients", "items"):
        op.drop_index(f"ix_{table}_organization_name_key", table_name=table)
    op.drop_column("items", "name_key")
