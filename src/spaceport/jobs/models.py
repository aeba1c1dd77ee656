"""The job queue table: a job exists iff the transaction that enqueued it committed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from spaceport.kit.db import Base, utcnow
from spaceport.kit.ids import new_id

Status = Literal["pending", "running", "done", "failed"]
UNFINISHED = ("pending", "running")
# the rows of the partial index of unfinished jobs (migration 0015 writes the same predicate)
IS_UNFINISHED = text(f"status IN ({', '.join(repr(status) for status in UNFINISHED)})")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_run_at", "status", "run_at"),
        # the first unfinished job of a queue, asked for every candidate (jobs/repository.due)
        Index(
            "ix_jobs_unfinished_by_queue",
            "queue",
            "created_at",
            "id",
            postgresql_where=IS_UNFINISHED,
            sqlite_where=IS_UNFINISHED,
        ),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    organization_id: Mapped[str | None] = mapped_column(String(24), default=None)
    # Jobs sharing a queue run one at a time, in enqueue order (per-webhook ordering).
    queue: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Claims so far; also the fencing token that tells a worker its lease was taken over.
    attempts: Mapped[int] = mapped_column(default=0)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    leased_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
