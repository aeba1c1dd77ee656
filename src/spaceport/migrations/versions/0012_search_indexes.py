"""trigram indexes for client, item and document search (issue 13 point 5, kit/search)

Documents gain `search_text` (their number, reference and client's name and email, caseless),
filled here for the documents there are. On PostgreSQL `pg_trgm` GIN indexes cover the
`search_text` of clients, items and documents; on SQLite FTS5 trigram tables do, kept in step by
triggers and filled here from the rows there are.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from spaceport.kit.search import FTS_TABLES, caseless

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    fill_document_search_text()
    if op.get_bind().dialect.name == "postgresql":
        create_trigram_indexes()
    else:
        for searched, fts in FTS_TABLES.items():
            create_fts_table(searched, fts)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm stays: it may have been there before, and other objects may use it
        for searched in FTS_TABLES:
            op.drop_index(f"ix_{searched}_search_trigrams", table_name=searched)
    else:
        for fts in FTS_TABLES.values():
            for change in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {fts}_{change}")
            op.execute(f"DROP TABLE {fts}")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("search_text")


def document_search_text(number: str | None, reference: str | None, client: Any) -> str:
    """documents.models.search_text as of this revision."""
    named = client if isinstance(client, dict) else {}
    parts = (number, reference, named.get("name"), named.get("email"))
    return "\n".join(caseless(part) if isinstance(part, str) else "" for part in parts)


def fill_document_search_text() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    documents = sa.table(
        "documents",
        sa.column("id", sa.String()),
        sa.column("number", sa.String()),
        sa.column("reference", sa.String()),
        sa.column("document_client", json),
        sa.column("search_text", sa.Text()),
    )
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(documents.c.id, documents.c.number, documents.c.reference)
            .add_columns(documents.c.document_client)
            .where(documents.c.id > after)
            .order_by(documents.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            documents.update()
            .where(documents.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("text")),
            [{"row_id": r.id, "text": document_search_text(*r[1:])} for r in rows],
        )
        after = rows[-1].id


def create_trigram_indexes() -> None:
    try:
        with op.get_bind().begin_nested():
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        raise RuntimeError(
            "search needs PostgreSQL's pg_trgm extension (in postgresql-contrib); have a "
            "superuser run CREATE EXTENSION pg_trgm in this database, or install it, then "
            f"upgrade again ({exc.orig})"
        ) from exc
    for searched in FTS_TABLES:
        op.create_index(
            f"ix_{searched}_search_trigrams",
            searched,
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def create_fts_table(searched: str, fts: str) -> None:
    """The FTS5 copy of `searched.search_text` under the same rowids. `case_sensitive 1`: the
    text is folded already (and a search's literal with it)."""
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, tokenize='trigram case_sensitive 1')"
    )
    op.execute(f"INSERT INTO {fts} (rowid, search_text) SELECT rowid, search_text FROM {searched}")
    op.execute(
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {searched} BEGIN "
        f"INSERT INTO {fts} (rowid, search_text) VALUES (new.rowid, new.search_text); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF search_text ON {searched} BEGIN "
        f"UPDATE {fts} SET search_text = new.search_text WHERE rowid = old.rowid; END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {searched} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.rowid; END"
    )
