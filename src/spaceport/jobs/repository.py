"""Every query of the worker: due jobs (a lease is claimed on the first), undispatched outbox
events, a job's row locked to record its outcome, and whether a job of a kind is pending (the
self-renewing ticks)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Select, and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from spaceport.events.models import Event
from spaceport.jobs.models import UNFINISHED, Job

EVENT_BATCH: Final = 100


def due_jobs(kinds: Collection[str], now: datetime, limit: int = 1) -> Select[Job]:
    """Pending jobs whose time has come and running ones whose worker died (lease expired),
    except those queued behind an unfinished earlier job of their queue, the first one first.
    `claim_due` locks it FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has one writer and no locks)."""
    earlier = aliased(Job)
    queued_behind = exists().where(
        earlier.queue == Job.queue,
        earlier.status.in_(UNFINISHED),
        or_(
            earlier.created_at < Job.created_at,
            and_(earlier.created_at == Job.created_at, earlier.id < Job.id),
        ),
    )
    due = or_(
        and_(Job.status == "pending", Job.run_at <= now),
        and_(Job.status == "running", Job.leased_until < now),
    )
    return (
        select(Job)
        .where(Job.kind.in_(sorted(kinds)), due, ~queued_behind)
        .order_by(Job.run_at, Job.id)
        .limit(limit)
    )


def undispatched_events() -> Select[Event]:
    """The oldest undispatched events. `undispatched_locked` locks them FOR UPDATE, deliberately
    without SKIP LOCKED: a second worker waits for the first one's batch to commit instead of
    fanning out later events before it, so jobs are enqueued in event order (per-webhook
    ordering per webhook, COMPAT §8.2)."""
    return (
        select(Event)
        .where(Event.dispatched.is_(False))
        .order_by(Event.created_at, Event.id)
        .limit(EVENT_BATCH)
    )


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def any(self, query: Select[Any]) -> bool:
        return self.session.execute(query.limit(1)).first() is not None

    def pending(self, kind: str, due_by: datetime | None = None) -> bool:
        """Whether a pending job of `kind` exists (due by `due_by` when given)."""
        stmt = select(Job.id).where(Job.kind == kind, Job.status == "pending")
        if due_by is not None:
            stmt = stmt.where(Job.run_at <= due_by)
        return self.any(stmt)

    def undispatched_locked(self) -> list[Event]:
        return list(self.session.scalars(undispatched_events().with_for_update()))

    def claim_due(self, kinds: Collection[str], now: datetime, count: int) -> list[Job]:
        """The next `count` due jobs, locked FOR UPDATE SKIP LOCKED (PostgreSQL). Two jobs of
        one queue are never both due: the later waits behind the earlier, unfinished."""
        locked = due_jobs(kinds, now, count).with_for_update(skip_locked=True, of=Job)
        return list(self.session.scalars(locked))

    def locked(self, job_id: str) -> Job | None:
        return self.session.get(Job, job_id, with_for_update=True)

    def renew(self, job_id: str, attempt: int, until: datetime) -> bool:
        """Extend a running job's lease while the claim `attempt` still holds it; False when
        another worker took the job over (its lease had expired)."""
        found = self.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.attempts == attempt, Job.status == "running")
            .values(leased_until=until)
        )
        return bool(getattr(found, "rowcount", 0))

    def held(self, job_id: str, attempt: int) -> Job | None:
        """The job while the claim `attempt` still holds it, locked until the transaction ends."""
        job = self.locked(job_id)
        return (
            job if job is not None and job.status == "running" and job.attempts == attempt else None
        )

    def holds(self, job_id: str, attempt: int) -> bool:
        return self.held(job_id, attempt) is not None
