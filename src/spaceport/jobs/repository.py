"""Every query of the worker: due jobs (leases are claimed on them), undispatched outbox
events, a claim's lease renewed, checked and ended, and whether a job of a kind is pending (the
self-renewing ticks)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    exists,
    false,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from spaceport.events.models import Event
from spaceport.jobs.models import UNFINISHED, Job
from spaceport.kit.db import utcnow

EVENT_BATCH: Final = 100
JOBS: Final = cast(Table, Job.__table__)  # for Core statements, which the ORM need not follow
# written into the statement, not bound: only then can the database tell that the query asks
# for what the partial index of unfinished jobs holds (a bound value could be anything)
UNFINISHED_IN_SQL: Final[tuple[ColumnElement[Any], ...]] = tuple(
    literal_column(f"'{status}'") for status in UNFINISHED
)


def due(kinds: frozenset[str], job: type[Job] = Job) -> tuple[ColumnElement[bool], ...]:
    """Pending jobs of `kinds` whose time has come and running ones whose worker died (lease
    expired), of no queue or the first unfinished job of theirs (enqueue order: created_at,
    then id), so a job waits behind the earlier jobs of its queue; with the parameter `now`;
    of the jobs `job` (an alias of them in a statement that names them twice).
    The first of a queue is one probe of the partial index of unfinished jobs (migration
    0015): asked as "is an earlier one unfinished?", PostgreSQL compared every candidate with
    every earlier job of its queue."""
    now = bindparam("now", type_=JOBS.c.run_at.type)
    unfinished = aliased(Job)
    first_of_queue = (
        select(unfinished.id)
        .where(unfinished.queue == job.queue, unfinished.status.in_(UNFINISHED_IN_SQL))
        .order_by(unfinished.created_at, unfinished.id)
        .limit(1)
        .correlate(job)
        .scalar_subquery()
    )
    time_has_come = or_(
        and_(job.status == "pending", job.run_at <= now),
        and_(job.status == "running", job.leased_until < now),
    )
    return (
        job.kind.in_(sorted(kinds)),
        time_has_come,
        or_(job.queue.is_(None), job.id == first_of_queue),
    )


def chosen_jobs(kinds: frozenset[str], limit: int, queued: bool = False) -> Select[str]:
    """The ids of the first `limit` due jobs (`due`; `queued`: of the queue `of_queue` only), in
    the order they are due, locked FOR UPDATE SKIP LOCKED on PostgreSQL (a job another worker
    is claiming is passed over); SQLite has one writer and no locks."""
    candidate = aliased(Job, name="candidate")
    of_queue = (candidate.queue == bindparam("of_queue"),) if queued else ()
    return (
        select(candidate.id)
        .where(*due(kinds, candidate), *of_queue)
        .order_by(candidate.run_at, candidate.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=candidate)
    )


@lru_cache(maxsize=64)
def lease_due(kinds: frozenset[str], limit: int = 1, queued: bool = False) -> Update:
    """Lease the `chosen_jobs` in one statement, answering them as the UPDATE left them
    (parameters `now` and `until`, the lease's end). They are chosen once, in a materialized
    CTE, so the UPDATE takes no more than `limit`. Built once per worker (every claim asks);
    one statement where a SELECT and an UPDATE cost a round trip more, and the ORM's loading
    (issue 13 item 4)."""
    chosen = chosen_jobs(kinds, limit, queued).cte("chosen").prefix_with("MATERIALIZED")
    return (
        update(JOBS)
        .where(JOBS.c.id.in_(select(chosen.c.id)))
        .values(
            status="running",
            leased_until=bindparam("until", type_=JOBS.c.leased_until.type),
            attempts=JOBS.c.attempts + 1,
        )
        .returning(*JOBS.c)
    )


@lru_cache(maxsize=64)
def work_waiting(kinds: frozenset[str]) -> Select[bool, bool]:
    """In one statement, built once per worker: whether an event waits to be fanned out, and
    whether a job of `kinds` is due (parameter `now`)."""
    events = exists().where(Event.dispatched.is_(False))
    jobs = exists().where(*due(kinds)) if kinds else false()
    return select(events, jobs)


@lru_cache(maxsize=1)
def undispatched_events() -> Select[Event]:
    """The oldest undispatched events, locked FOR UPDATE, deliberately without SKIP LOCKED: a
    second worker waits for the first one's batch to commit instead of fanning out later
    events before it, so jobs are enqueued in event order (per-webhook ordering, COMPAT §8.2)."""
    return (
        select(Event)
        .where(Event.dispatched.is_(False))
        .order_by(Event.created_at, Event.id)
        .limit(EVENT_BATCH)
        .with_for_update()
    )


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def pending(self, kind: str, due_by: datetime | None = None) -> bool:
        """Whether a pending job of `kind` exists (due by `due_by` when given)."""
        stmt = select(Job.id).where(Job.kind == kind, Job.status == "pending")
        if due_by is not None:
            stmt = stmt.where(Job.run_at <= due_by)
        return self.session.execute(stmt.limit(1)).first() is not None

    def undispatched_locked(self) -> list[Event]:
        return list(self.session.scalars(undispatched_events()))

    def work_waiting(self, kinds: frozenset[str], now: datetime) -> tuple[bool, bool]:
        """Whether an event waits to be fanned out, and whether a job of `kinds` is due."""
        events, jobs = self.session.execute(work_waiting(kinds), {"now": now}).one()
        return bool(events), bool(jobs)

    def claim_due(
        self,
        kinds: Collection[str],
        now: datetime,
        count: int,
        leased_until: datetime,
        queue: str | None = None,
    ) -> list[Job]:
        """Lease the next `count` due jobs (of `queue` only, when given) until `leased_until`,
        each claim counted in its `attempts` (`lease_due`), in the order they are due. Two
        jobs of one queue are never both due: the later waits behind the earlier, unfinished.
        The jobs answered belong to no session."""
        # never a parameter named as a column: an UPDATE's parameters set their columns
        lease = {"now": now, "until": leased_until} | ({} if queue is None else {"of_queue": queue})
        statement = lease_due(frozenset(kinds), count, queue is not None)
        rows = self.session.connection().execute(statement, lease)
        jobs = [Job(**row._mapping) for row in rows]
        return sorted(jobs, key=lambda job: (job.run_at, job.id))

    def renew(self, job_id: str, attempt: int, until: datetime) -> bool:
        """Extend a running job's lease while the claim `attempt` still holds it; False when
        another worker took the job over (its lease had expired)."""
        return self._while_held(job_id, attempt, leased_until=until)

    def holds(self, job_id: str, attempt: int) -> bool:
        """Whether the claim `attempt` still holds the job; its row stays locked until the
        transaction ends, so a worker taking the job over waits for it."""
        held = select(Job.id).where(*_held(job_id, attempt)).with_for_update()
        return self.session.execute(held).first() is not None

    def finish(
        self,
        job_id: str,
        attempt: int,
        status: str,
        error: str | None = None,
        run_at: datetime | None = None,
    ) -> bool:
        """Record how the claim `attempt` of a job ended (`done`, `failed`, or `pending` again
        at `run_at`); False, recording nothing, when another worker took the job over."""
        values: dict[str, Any] = {"status": status, "leased_until": None}
        if error is not None:
            values["last_error"] = error
        if run_at is not None:
            values["run_at"] = run_at
        if status in ("done", "failed"):
            values["finished_at"] = utcnow()
        return self._while_held(job_id, attempt, **values)

    def _while_held(self, job_id: str, attempt: int, **values: Any) -> bool:
        params = {"job": job_id, "attempt": attempt} | {f"new_{k}": v for k, v in values.items()}
        found = self.session.connection().execute(while_held(frozenset(values)), params)
        return bool(found.rowcount)


@lru_cache(maxsize=16)
def while_held(columns: frozenset[str]) -> Update:
    """Set `columns` (parameters `new_<column>`) of the job `job` while the claim `attempt`
    (the fencing token, `jobs.worker`) holds it. A Core UPDATE, built once per set of columns:
    the ORM's would look for the job among the session's objects, which no caller holds, and
    building it cost as much as running it (issue 13 item 4)."""
    new = {column: bindparam(f"new_{column}", type_=JOBS.c[column].type) for column in columns}
    return update(JOBS).where(*_held(bindparam("job"), bindparam("attempt"))).values(new)


def _held(job_id: Any, attempt: Any) -> tuple[ColumnElement[bool], ...]:
    """The job, while the claim `attempt` (the fencing token, `jobs.worker`) holds it."""
    return JOBS.c.id == job_id, JOBS.c.attempts == attempt, JOBS.c.status == "running"
