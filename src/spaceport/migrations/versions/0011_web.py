"""web app: sessions and the account's locale (WEB §W1.3, WEB §W2.3)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import spaceport.kit.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("locale", sa.String(length=8), server_default="en", nullable=False)
        )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=24), nullable=False),
        sa.Column("created", spaceport.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", spaceport.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_web_sessions_account", "web_sessions", ["account_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_web_sessions_account", table_name="web_sessions")
    op.drop_table("web_sessions")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("locale")
