"""pending emails and invitation tokens (issue 16 point 4)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:53:01.955070
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accesses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_hash", sa.String(length=64), nullable=True))

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("pending_email")

    with op.batch_alter_table("accesses", schema=None) as batch_op:
        batch_op.drop_column("invitation_hash")
