"""unfinished jobs by queue, in enqueue order (issue 13 item 4)

A job with a queue is due only while it is the first unfinished job of its queue
(`jobs.repository.due`). The claim asked "is an earlier job of this queue unfinished?" of every
candidate, which PostgreSQL answered by hashing the unfinished jobs and comparing each
candidate with every earlier job of its queue: 29 ms a claim with 2,000 deliveries waiting for
8 webhooks, growing with the square of the backlog. The first unfinished job of a queue is one
probe of this partial index, which holds only the unfinished jobs.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 22:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NAME = "ix_jobs_unfinished_by_queue"
UNFINISHED = sa.text("status IN ('pending', 'running')")


def upgrade() -> None:
    op.drop_index("ix_jobs_queue_status_created", table_name="jobs")
    op.create_index(
        NAME,
        "jobs",
        ["queue", "created_at", "id"],
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="jobs")
    op.create_index("ix_jobs_queue_status_created", "jobs", ["queue", "status", "created_at"])
