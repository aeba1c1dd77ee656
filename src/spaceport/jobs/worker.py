"""The worker: fans committed outbox events out into jobs, claims due jobs and runs them, up
to `SPACEPORT_WORKER_CONCURRENCY` at a time, each in a lane (a thread) of its own.

Claiming (a batch, as many as lanes are free) and recording an outcome are short transactions;
the handler runs between them, outside any transaction (DESIGN). An idle worker sleeps until a
commit adds work (`kit.wakeup`) or its poll comes. A claim is a lease: a worker killed mid-job
leaves the job `running` until `leased_until`, then any worker takes it again, so nothing is
lost and a job may run more than once (handlers are idempotent; webhook consumers deduplicate
by `uid`, COMPAT §8.2). On PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so any number of
workers run side by side; SQLite serializes them on its single writer
(`Database.transaction`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.jobs import service
from spaceport.jobs.leases import Leases
from spaceport.jobs.models import Job
from spaceport.jobs.repository import EVENT_BATCH, JobRepository
from spaceport.kit import wakeup
from spaceport.kit.db import Database, utcnow

log = logging.getLogger(__name__)
JOBS_PER_ROUND = 100  # run_once returns after this many, so a busy queue never starves events
# Rounds that only commits woke come at most this often: the commits in between are fanned out
# together. Issue 13: a round per commit took a fifth of the API's creates when both ran in one
# process (bench/documents.py, SQLite: 110 creates/s with a round per commit, 122 at most one
# every 20 ms, 141 every 50 ms, 144 every 100 ms). A lane that frees never waits for it.
ROUND_GAP_SECONDS = 0.05


@dataclass(frozen=True)
class Claim:
    job: Job
    attempt: int  # the fencing token: the outcome counts only if the lease is still ours
    prepared: Any = None  # what its kind's `Prepared.prepare` read for it in the claim


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
        self.lanes = max(1, settings.worker_concurrency)
        self.leases = Leases(database, self.lease)
        self.kinds = tasks.kinds if kinds is None else frozenset(kinds)
        self.stopping = threading.Event()  # set by `run_forever`'s stop: lanes claim no more
        # On SQLite every claim waits for the one writer: a lane's own would only add one
        # (bench/events.py: a few percent fewer deliveries a second, with 1 to 4 workers).
        self.follows = database.dialect != "sqlite"
        if unknown := self.kinds - tasks.kinds:
            raise ValueError(f"no handler for job kinds {sorted(unknown)}")

    # --- the loop -----------------------------------------------------------------------------

    def run_once(self) -> int:
        """Fan out new outbox events, then claim and run due jobs until none is due (at most
        `JOBS_PER_ROUND`, so a busy queue never starves events); how many jobs ran."""
        ran = 0
        with ThreadPoolExecutor(self.lanes, "lane") as lanes, self.leases.renewing():
            while ran < JOBS_PER_ROUND:
                claims = self.round(min(self.lanes, JOBS_PER_ROUND - ran))
                if not claims:
                    break
                ran += sum(lanes.map(self.run, claims))
        return ran

    def run_forever(self, stop: threading.Event) -> None:
        """Work until `stop` is set; running jobs are finished first (graceful stop)."""
        bell = wakeup.bell(self.database.url)
        awake = bell.waiter()  # set by a commit that adds work, and by a lane that frees
        freed = threading.Event()  # set by a lane that frees
        listener = wakeup.Listener(self.database.engine, bell, stop)
        listener.start()
        threading.Thread(target=wake_on, args=(stop, awake, self.stopping), daemon=True).start()
        running: set[Future[int]] = set()
        last_round = float("-inf")

        def lane_freed(_: Future[int]) -> None:
            freed.set()
            awake.set()

        try:
            with ThreadPoolExecutor(self.lanes, "lane") as lanes, self.leases.renewing():
                while True:
                    gap = last_round + ROUND_GAP_SECONDS - time.monotonic()
                    if gap > 0 and not (freed.is_set() or stop.is_set()):
                        freed.wait(gap)  # ROUND_GAP_SECONDS
                        continue
                    awake.clear()
                    freed.clear()
                    if stop.is_set():  # after the clear: a stop's wake is never cleared
                        break
                    last_round = time.monotonic()
                    running = {future for future in running if not future.done()}
                    # with every lane busy, the events wait for the next free lane: fanned
                    # out then in one batch, not one transaction per commit that rang
                    free = self.lanes - len(running)
                    claims = self._look(free) if free else []
                    for claim in claims:
                        future = lanes.submit(self.run, claim)
                        future.add_done_callback(lane_freed)
                        running.add(future)
                    if not claims or len(running) == self.lanes:
                        awake.wait(self.settings.worker_poll_seconds)
        finally:
            bell.forget(awake)
            listener.join()

    def _look(self, free: int) -> list[Claim]:
        try:
            return self.round(free)
        except Exception:  # the database went away: log, wait for the poll, try again
            log.exception("worker round failed")
            return []

    def round(self, free: int) -> list[Claim]:
        """Fan out the committed events and claim up to `free` due jobs (those the events
        just added among them), in one transaction while the events come in batches under
        `EVENT_BATCH`."""
        while True:
            if not self.waiting(free):
                return []
            with self.database.transaction() as session:
                fanned = self._fan_out(session)
                claims = self._claim(session, free)
            if fanned < EVENT_BATCH or claims:
                return claims

    # --- the outbox ---------------------------------------------------------------------------

    def fan_out(self) -> int:
        """Fan out one batch of committed events, in a transaction of its own."""
        with self.database.transaction() as session:
            return self._fan_out(session)

    def _fan_out(self, session: Session) -> int:
        """Hand a batch of undispatched events to the event callbacks and mark them
        dispatched in the same transaction: each event is fanned out exactly once (COMPAT §8.1)."""
        events = JobRepository(session).undispatched_locked()
        for event in events:
            for callback in self.tasks.event_callbacks:
                callback(session, event)
            event.dispatched = True
        return len(events)

    # --- jobs ---------------------------------------------------------------------------------

    def claim(self) -> Claim | None:
        """Lease the next due job, in a short transaction of its own."""
        with self.database.transaction() as session:
            claims = self._claim(session, 1)
        return claims[0] if claims else None

    def _claim(self, session: Session, count: int, queue: str | None = None) -> list[Claim]:
        """Lease up to `count` due jobs (of `queue` only, when given); each prepared kind
        prepares its jobs here."""
        if count <= 0 or not self.kinds:
            return []
        now = utcnow()
        jobs = JobRepository(session).claim_due(self.kinds, now, count, now + self.lease, queue)
        prepared: dict[str, Any] = {}
        for kind, of_kind in self.tasks.prepared.items():
            if claimed := [job for job in jobs if job.kind == kind]:
                prepared.update(of_kind.prepare(session, claimed))
        return [Claim(job, job.attempts, prepared.get(job.id)) for job in jobs]

    def waiting(self, free: int) -> bool:
        """On SQLite, look in a reading transaction first: an idle worker never takes the
        write lock (one writer, DESIGN). PostgreSQL claims with SKIP LOCKED, which locks
        nothing when nothing is due: the claim's transaction is the look."""
        if self.database.dialect != "sqlite":
            return True
        with self.database.transaction(write=False) as session:
            events, jobs = JobRepository(session).work_waiting(self.kinds, utcnow())
        return events or (jobs and free > 0)

    def run(self, claim: Claim) -> int:
        """Run the claimed job, then, while its queue has a next one due, that one: claimed
        by this lane as soon as the job before it has ended (issue 13 item 4: a webhook's
        deliveries follow each other without waiting for the loop to come round), up to
        `JOBS_PER_ROUND` of them, and none once the worker is stopping (nor on SQLite,
        `follows`); how many ran."""
        ran = 0
        follow: Claim | None = claim
        while follow is not None:
            finished = self._run(follow)
            ran += 1
            queue, follow = follow.job.queue, None
            going = self.follows and not self.stopping.is_set()
            if finished and queue and going and ran < JOBS_PER_ROUND:
                with self.database.transaction() as session:
                    follow = next(iter(self._claim(session, 1, queue)), None)
        return ran

    def _run(self, claim: Claim) -> bool:
        """Run the claimed job outside any transaction, its lease renewed while it runs, then
        record how it ended (unless the handler recorded it itself, `service.RECORDED`);
        whether it ended for good (done or failed: the next job of its queue is due)."""
        job = claim.job
        self.leases.hold(job.id, claim.attempt)
        try:
            if prepared := self.tasks.prepared.get(job.kind):
                outcome = prepared.run(self.database, self.settings, job, claim.prepared)
            else:
                outcome = self.tasks.handlers[job.kind](self.database, self.settings, job)
        except service.RetryLater as later:
            run_at = utcnow() + timedelta(seconds=float(later.delay_seconds))
            self.record(claim, "pending", later.error, run_at)
            return False
        except service.GiveUp as given_up:
            self.record(claim, "failed", given_up.error)
        except Exception as error:  # a bug in the handler: stop retrying, keep the reason
            log.exception("job %s (%s) failed", job.id, job.kind)
            self.record(claim, "failed", f"{type(error).__name__}: {error}")
        else:
            if outcome is not service.RECORDED:
                self.record(claim, "done")
        finally:
            self.leases.release(job.id)
        return True

    def record(
        self, claim: Claim, status: str, error: str | None = None, run_at: datetime | None = None
    ) -> None:
        with self.database.transaction() as session:
            found = JobRepository(session)
            if not found.finish(claim.job.id, claim.attempt, status, error, run_at):
                # Our lease expired and another worker took the job over: its outcome counts.
                log.warning("job %s: lease lost, outcome %s dropped", claim.job.id, status)


def wake_on(stop: threading.Event, awake: threading.Event, stopping: threading.Event) -> None:
    """Wake the worker's loop when it is told to stop, as a commit would, and tell its lanes."""
    stop.wait()
    stopping.set()
    awake.set()
