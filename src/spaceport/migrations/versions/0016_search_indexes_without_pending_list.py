"""PostgreSQL's trigram indexes of search without a pending list (issue 13 item 5)

A GIN index with `fastupdate` (PostgreSQL's default) queues new entries in a pending list, up
to 4 MB, and every search reads that whole list besides the index: after 100,000 clients were
added, a search for a term found nowhere read 451 pages and took 1.9 ms, 0.8 ms once the list
was merged. Without it, each write puts its row's trigrams into the index as it commits (a
document's few dozen, a fraction of a millisecond) and a search reads only the index. The
pending list there is now is merged here.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 01:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = (
    "ix_clients_search_trigrams",
    "ix_items_search_trigrams",
    "ix_documents_search_trigrams",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's FTS5 tables have no such list
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (fastupdate)")
