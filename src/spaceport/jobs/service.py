"""Enqueueing jobs, and the shape of what runs them.

A job is added in the caller's transaction, so it exists iff the change commits, like the
outbox (COMPAT §8.1). Handlers run later in a worker, outside any transaction (DESIGN: slow
work never holds one), and say how they ended: return (done), `RetryLater` or `GiveUp`.
Which handler runs which kind is no registry filled at import: `spaceport.background` lists
them, and the worker is given that list (`Tasks`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.events.models import Event
from spaceport.jobs.models import Job
from spaceport.kit import wakeup
from spaceport.kit.db import Database, utcnow
from spaceport.kit.ids import new_id

# handler(database, settings, job): the worker passes its own settings (SMTP, delays, keys);
# it returns None (done), or RECORDED when it has recorded its job's outcome itself
Handler = Callable[[Database, Settings, Job], object]
RECORDED: Final = object()  # the job's outcome committed with the handler's last transaction
EventCallback = Callable[[Session, Event], None]


@dataclass(frozen=True)
class Prepared:
    """A job kind whose handler starts in the transaction that claims its jobs: `prepare`
    (session, the claimed jobs of the kind) reads and writes what they start from, answering
    it by job id; `run(database, settings, job, prepared)` is then the handler, given its
    job's part (one transaction per batch of claims instead of one per job)."""

    prepare: Callable[[Session, list[Job]], Mapping[str, Any]]
    run: Callable[[Database, Settings, Job, Any], object]


@dataclass(frozen=True)
class Tasks:
    """What a worker runs: the handler of each job kind (or its `Prepared` pair), and the
    callbacks it calls once for every committed outbox event, in the transaction that marks
    the event dispatched (so the jobs they enqueue commit with that, COMPAT §8.1)."""

    handlers: Mapping[str, Handler]
    event_callbacks: tuple[EventCallback, ...] = ()
    prepared: Mapping[str, Prepared] = field(default_factory=dict)

    def __post_init__(self) -> None:  # a copy nobody can change: the table is the whole truth
        if both := set(self.handlers) & set(self.prepared):
            raise ValueError(f"job kinds with two handlers: {sorted(both)}")
        object.__setattr__(self, "handlers", MappingProxyType(dict(self.handlers)))
        object.__setattr__(self, "event_callbacks", tuple(self.event_callbacks))
        object.__setattr__(self, "prepared", MappingProxyType(dict(self.prepared)))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.handlers) | frozenset(self.prepared)


class RetryLater(Exception):  # noqa: N818 - reads as the outcome it is
    """Run the job again `delay_seconds` from now; `error` is kept as its `last_error`."""

    def __init__(self, delay_seconds: float, error: str) -> None:
        super().__init__(error)
        self.delay_seconds = delay_seconds
        self.error = error


class GiveUp(Exception):  # noqa: N818 - reads as the outcome it is
    """A permanent failure: the job is marked failed with `error` and never runs again."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    organization_id: str | None = None,
    run_at: datetime | None = None,
    queue: str | None = None,
) -> Job:
    """Add a job in the caller's transaction; with `queue`, it runs after every job enqueued
    earlier in the same queue has finished (done or failed)."""
    now = utcnow()
    job = Job(
        id=new_id(),  # known without a flush: a batch of jobs is inserted at once
        kind=kind,
        payload=payload,
        organization_id=organization_id,
        queue=queue,
        status="pending",
        attempts=0,
        run_at=run_at or now,
        created_at=now,
    )
    session.add(job)
    if job.run_at <= now:
        wakeup.ring_on_commit(session)  # due now: a worker takes it once this commits
    return job
