"""The worker: fans committed outbox events out into jobs, claims due jobs and runs them.

Claiming and recording an outcome are two short transactions; the handler runs between them,
outside any transaction (DESIGN). A claim is a lease: a worker killed mid-job leaves the job
`running` until `leased_until`, then any worker takes it again, so nothing is lost and a job
may run more than once (handlers are idempotent; webhook consumers deduplicate by `uid`,
COMPAT §8.2). On PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so any number of workers
run side by side; SQLite serializes them on its single writer (`Database.transaction`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select

from spaceport.config import Settings
from spaceport.events.models import Event
from spaceport.jobs import service
from spaceport.jobs.models import Job
from spaceport.jobs.repository import EVENT_BATCH, JobRepository, due_jobs, undispatched_events
from spaceport.kit.db import Database, utcnow

log = logging.getLogger(__name__)
JOBS_PER_ROUND = 100  # run_once returns after this many, so a busy queue never starves events


@dataclass(frozen=True)
class Claim:
    job: Job
    attempt: int  # the fencing token: the outcome counts only if the lease is still ours


class Worker:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        tasks: service.Tasks,
        *,
        lease_seconds: float = 60,
        kinds: Collection[str] | None = None,
    ) -> None:
        """`tasks` says what runs (`spaceport.background.TASKS`); `kinds` limits the worker to
        those job kinds, by default every kind `tasks` has a handler for (never one it could
        not run)."""
        self.database = database
        self.settings = settings
        self.tasks = tasks
        self.lease = timedelta(seconds=lease_seconds)
        self.kinds = frozenset(tasks.handlers if kinds is None else kinds)
        if unknown := self.kinds - set(tasks.handlers):
            raise ValueError(f"no handler for job kinds {sorted(unknown)}")

    # --- the loop -----------------------------------------------------------------------------

    def run_once(self) -> int:
        """Fan out new outbox events, then claim and run due jobs; how many jobs ran."""
        return self._round(threading.Event())

    def run_forever(self, stop: threading.Event) -> None:
        """Work until `stop` is set; a running job is finished first (graceful stop)."""
        while not stop.is_set():
            try:
                ran = self._round(stop)
            except Exception:  # the database went away: log, wait, try again
                log.exception("worker round failed")
                ran = 0
            if ran == 0:
                stop.wait(self.settings.worker_poll_seconds)

    def _round(self, stop: threading.Event) -> int:
        while self.fan_out() == EVENT_BATCH:
            pass
        ran = 0
        while ran < JOBS_PER_ROUND and not stop.is_set():
            claim = self.claim()
            if claim is None:
                break
            self.run(claim)
            ran += 1
        return ran

    # --- the outbox ---------------------------------------------------------------------------

    def fan_out(self) -> int:
        """Hand a batch of undispatched events to the event callbacks and mark them
        dispatched in the same transaction: each event is fanned out exactly once (COMPAT §8.1)."""
        if not self.waiting(undispatched_events()):
            return 0
        with self.database.transaction() as session:
            events = JobRepository(session).undispatched_locked()
            for event in events:
                for callback in self.tasks.event_callbacks:
                    callback(session, event)
                event.dispatched = True
        return len(events)

    # --- jobs ---------------------------------------------------------------------------------

    def claim(self) -> Claim | None:
        """Lease the next due job, in a short transaction of its own."""
        if not self.kinds:
            return None
        if not self.waiting(due_jobs(self.kinds, utcnow())):
            return None
        with self.database.transaction() as session:
            now = utcnow()
            job = JobRepository(session).claim_due(self.kinds, now)
            if job is None:
                return None
            job.status = "running"
            job.leased_until = now + self.lease
            job.attempts += 1
            session.flush()
            return Claim(job, job.attempts)

    def waiting(self, query: Select[Job] | Select[Event]) -> bool:
        """Look in a reading transaction first: an idle worker never takes the write lock
        (SQLite has one writer, DESIGN) nor row locks for nothing."""
        with self.database.transaction(write=False) as session:
            return JobRepository(session).any(query)

    def run(self, claim: Claim) -> None:
        """Run the claimed job outside any transaction, then record how it ended."""
        job = claim.job
        try:
            self.tasks.handlers[job.kind](self.database, self.settings, job)
        except service.RetryLater as later:
            run_at = utcnow() + timedelta(seconds=float(later.delay_seconds))
            self.record(claim, "pending", later.error, run_at)
        except service.GiveUp as given_up:
            self.record(claim, "failed", given_up.error)
        except Exception as error:  # a bug in the handler: stop retrying, keep the reason
            log.exception("job %s (%s) failed", job.id, job.kind)
            self.record(claim, "failed", f"{type(error).__name__}: {error}")
        else:
            self.record(claim, "done")

    def record(
        self, claim: Claim, status: str, error: str | None = None, run_at: datetime | None = None
    ) -> None:
        with self.database.transaction() as session:
            job = JobRepository(session).locked(claim.job.id)
            if job is None or job.status != "running" or job.attempts != claim.attempt:
                # Our lease expired and another worker took the job over: its outcome counts.
                log.warning("job %s: lease lost, outcome %s dropped", claim.job.id, status)
                return
            apply_outcome(job, status, error, run_at)


def apply_outcome(job: Job, status: str, error: str | None, run_at: datetime | None) -> None:
    job.status = status
    job.leased_until = None
    if error is not None:
        job.last_error = error
    if run_at is not None:
        job.run_at = run_at
    if status in ("done", "failed"):
        job.finished_at = utcnow()
