"""Enqueueing jobs and registering what runs them.

A job is added in the caller's transaction, so it exists iff the change commits, like the
outbox (COMPAT §8.1). Handlers run later in a worker, outside any transaction (DESIGN: slow
work never holds one), and say how they ended: return (done), `RetryLater` or `GiveUp`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.events.models import Event
from spaceport.jobs.models import Job
from spaceport.kit.db import Database, utcnow

# handler(database, settings, job): the worker passes its own settings (SMTP, delays, keys)
Handler = Callable[[Database, Settings, Job], None]
EventCallback = Callable[[Session, Event], None]

handlers: dict[str, Handler] = {}
event_callbacks: list[EventCallback] = []


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
    session.flush()
    return job


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of `kind` (`@handler("webhook.deliver")`)."""

    def register(function: Handler) -> Handler:
        handlers[kind] = function
        return function

    return register


def on_event(callback: EventCallback) -> EventCallback:
    """Register a callback the worker calls once for every committed outbox event, in the
    transaction that marks the event dispatched (so the jobs it enqueues commit with that)."""
    event_callbacks.append(callback)
    return callback
