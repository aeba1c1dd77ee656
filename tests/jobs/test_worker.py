"""The worker (COMPAT §8.1, COMPAT §8.2: delivery after commit): jobs run after their transaction
commits, exactly as their handler says they ended; leases make a dead worker's job run again;
queues keep order; the outbox is fanned out once per event (COMPAT §8.1)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spaceport.config import Settings
from spaceport.events import service as events
from spaceport.events.models import Event
from spaceport.jobs import service
from spaceport.jobs import worker as worker_module
from spaceport.jobs.models import Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database, utcnow
from tests.conftest import Api


@dataclass
class Recorder:
    """A job kind of its own whose handler records every run; `payload["outcome"]` says how
    the run ends."""

    kind: str
    ran: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, database: Database, settings: Settings, job: Job) -> None:
        with self.lock:
            self.ran.append(job.id)
        time.sleep(float(job.payload.get("sleep", 0)))  # JSON numbers load as Decimal
        outcome = job.payload.get("outcome", "ok")
        if outcome == "retry" or (outcome == "retry once" and job.attempts == 1):
            raise service.RetryLater(float(job.payload.get("delay", 30)), "receiver answered 503")
        if outcome == "give up":
            raise service.GiveUp("receiver answered 410")
        if outcome == "crash":
            raise ValueError("boom")

    @property
    def tasks(self) -> service.Tasks:
        """Only this kind and no outbox callbacks: what this module's workers run."""
        return service.Tasks({self.kind: self})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder(f"test.{uuid.uuid4().hex[:12]}")


@pytest.fixture
def worker(database: Database, settings: Settings, recorder: Recorder) -> Worker:
    return Worker(database, settings, recorder.tasks, kinds=[recorder.kind])


def enqueue(database: Database, kind: str, **payload: Any) -> str:
    queue = payload.pop("queue", None)
    with database.transaction() as session:
        return service.enqueue(session, kind, payload, queue=queue).id


def job_of(database: Database, job_id: str) -> Job:
    with database.transaction(write=False) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_an_enqueued_job_runs_once_after_commit(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind)
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert recorder.ran == [job_id]
    job = job_of(database, job_id)
    assert (job.status, job.attempts, job.leased_until) == ("done", 1, None)
    assert job.finished_at is not None


def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        service.enqueue(session, recorder.kind, {})
        raise RuntimeError("the request failed after enqueueing")
    assert worker.run_once() == 0
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).where(Job.kind == recorder.kind)) == 0
    assert recorder.ran == []


def test_retry_later_reschedules_after_the_delay(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind, outcome="retry", delay=30)
    before = utcnow()
    assert worker.run_once() == 1
    job = job_of(database, job_id)
    assert (job.status, job.attempts, job.last_error) == ("pending", 1, "receiver answered 503")
    assert before + timedelta(seconds=30) <= job.run_at <= utcnow() + timedelta(seconds=30)
    assert worker.run_once() == 0  # not due yet


def test_a_retried_job_runs_again_when_due(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind, outcome="retry once", delay=1)
    assert worker.run_once() == 1
    time.sleep(1.1)
    assert worker.run_once() == 1
    job = job_of(database, job_id)
    assert (job.status, job.attempts, job.last_error) == ("done", 2, "receiver answered 503")
    assert recorder.ran == [job_id, job_id]


def test_give_up_marks_the_job_failed(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind, outcome="give up")
    assert worker.run_once() == 1
    job = job_of(database, job_id)
    assert (job.status, job.last_error) == ("failed", "receiver answered 410")
    assert job.finished_at is not None
    assert worker.run_once() == 0


def test_an_unexpected_exception_marks_the_job_failed(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind, outcome="crash")
    assert worker.run_once() == 1
    job = job_of(database, job_id)
    assert (job.status, job.last_error) == ("failed", "ValueError: boom")


def test_a_job_whose_lease_expired_is_taken_again(
    database: Database, settings: Settings, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind)
    dying = Worker(database, settings, recorder.tasks, lease_seconds=1, kinds=[recorder.kind])
    claim = dying.claim()  # claimed, then the worker "dies" before running it
    assert claim is not None and claim.job.id == job_id
    assert worker.run_once() == 0  # the lease still holds
    time.sleep(1.1)
    assert worker.run_once() == 1
    assert recorder.ran == [job_id]
    job = job_of(database, job_id)
    assert (job.status, job.attempts) == ("done", 2)


def test_a_worker_that_lost_its_lease_does_not_record_an_outcome(
    database: Database, settings: Settings, worker: Worker, recorder: Recorder
) -> None:
    job_id = enqueue(database, recorder.kind, outcome="give up")
    slow = Worker(database, settings, recorder.tasks, lease_seconds=0.1, kinds=[recorder.kind])
    claim = slow.claim()
    assert claim is not None
    time.sleep(0.2)
    with database.transaction() as session:  # the job now succeeds when retaken
        job = session.get(Job, job_id)
        assert job is not None
        job.payload = {"outcome": "ok"}
    assert worker.run_once() == 1
    slow.run(claim)  # the slow worker finally ends, with the stale payload's GiveUp
    job = job_of(database, job_id)
    assert (job.status, job.attempts, job.last_error) == ("done", 2, None)


def test_a_queued_job_waits_for_the_earlier_job_of_its_queue(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    queue = f"webhook:{uuid.uuid4().hex}"
    first = enqueue(database, recorder.kind, queue=queue, outcome="retry once", delay=1)
    second = enqueue(database, recorder.kind, queue=queue)
    other = enqueue(database, recorder.kind, queue=f"{queue}-other")
    assert worker.run_once() == 2  # the first (retried later) and the other queue's job
    assert sorted(recorder.ran) == sorted([first, other])  # side by side, in two lanes
    assert job_of(database, second).status == "pending"
    time.sleep(1.1)
    assert worker.run_once() == 2
    assert recorder.ran[2:] == [first, second]


def test_a_failed_job_no_longer_holds_its_queue(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    first = enqueue(database, recorder.kind, queue="q-failed", outcome="give up")
    second = enqueue(database, recorder.kind, queue="q-failed")
    assert worker.run_once() == 2
    assert recorder.ran == [first, second]


def test_a_lane_runs_the_next_jobs_of_its_queue_itself(
    database: Database, worker: Worker, recorder: Recorder
) -> None:
    """Issue 13 item 4: once a queued job has ended, its lane claims the queue's next due job
    and runs it, in order, without waiting for the loop; a job retried later holds its queue,
    and a stopping worker claims nothing more. Not on SQLite, where the loop claims them
    (every claim waits for the one writer)."""
    if database.dialect == "sqlite":
        assert not worker.follows
        worker.follows = True  # what it does when asked to, the same on either engine
    queue = f"webhook:{uuid.uuid4().hex}"
    jobs = [enqueue(database, recorder.kind, queue=queue) for _ in range(3)]
    retried = enqueue(database, recorder.kind, queue=queue, outcome="retry once", delay=60)
    held = enqueue(database, recorder.kind, queue=queue)
    claim = worker.claim()
    assert claim is not None and claim.job.id == jobs[0]
    assert worker.run(claim) == 4  # the three, then the retried one, which holds the queue
    assert recorder.ran == [*jobs, retried]
    assert job_of(database, held).status == "pending"
    other = f"webhook:{uuid.uuid4().hex}"
    first, second = (enqueue(database, recorder.kind, queue=other) for _ in range(2))
    claim = worker.claim()
    assert claim is not None and claim.job.id == first
    worker.stopping.set()
    assert worker.run(claim) == 1
    assert job_of(database, second).status == "pending"


def test_jobs_run_side_by_side_in_lanes(
    database: Database, settings: Settings, worker: Worker, recorder: Recorder
) -> None:
    """SPACEPORT_WORKER_CONCURRENCY: two jobs that each wait for the other both end, which
    they could not one after the other."""
    meeting = threading.Barrier(2, timeout=10)

    def meet(database: Database, settings: Settings, job: Job) -> None:
        meeting.wait()

    tasks = service.Tasks({recorder.kind: meet})
    ids = [enqueue(database, recorder.kind) for _ in range(2)]
    assert Worker(database, settings, tasks).run_once() == 2
    assert {job_of(database, job_id).status for job_id in ids} == {"done"}


@contextmanager
def running(worker: Worker) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def wait_for(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 20
    while not done():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_an_idle_worker_wakes_when_work_is_committed(
    database: Database, settings: Settings, recorder: Recorder
) -> None:
    """Issue 13 item 4: a commit wakes the worker (`kit.wakeup`), long before its poll."""
    slow_poll = settings.model_copy(update={"worker_poll_seconds": 600})
    worker = Worker(database, slow_poll, recorder.tasks, kinds=[recorder.kind])
    with running(worker):  # which asserts that being told to stop wakes it too
        time.sleep(0.5)  # the worker found nothing and sleeps until its poll, ten minutes on
        job_id = enqueue(database, recorder.kind)
        wait_for(lambda: job_of(database, job_id).status == "done", "the commit did not wake it")


def test_commits_within_the_round_gap_are_fanned_out_together(
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    fanned_out: list[str],
    per_event: service.Tasks,
) -> None:
    """Issue 13 (`ROUND_GAP_SECONDS`): the first commit after a quiet spell is fanned out in a
    round of its own; the commits that follow a round closer than the gap wait for it, and are
    then fanned out together, in one round."""
    monkeypatch.setattr(worker_module, "ROUND_GAP_SECONDS", 1.0)
    slow_poll = settings.model_copy(update={"worker_poll_seconds": 600})
    worker = Worker(database, slow_poll, per_event, kinds=[])  # fans out, runs no job
    batches: list[int] = []
    fan_out = worker._fan_out

    def counted(session: Session) -> int:
        fanned = fan_out(session)
        if fanned:
            batches.append(fanned)
        return fanned

    monkeypatch.setattr(worker, "_fan_out", counted)
    organization_id = uuid.uuid4().hex[:24]

    def commit(n: int) -> None:
        with database.transaction() as session:
            events.record(session, "client", "create", organization_id, {"n": n})

    with running(worker):
        time.sleep(1.5)  # a quiet spell longer than the gap since the worker's first round
        commit(0)
        wait_for(lambda: len(fanned_out) == 1, "the first commit was not fanned out")
        for n in range(1, 5):
            commit(n)
        wait_for(lambda: len(fanned_out) == 5, "the later commits were not fanned out")
    assert batches == [1, 4]


def test_a_lane_that_frees_does_not_wait_for_the_round_gap(
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    recorder: Recorder,
) -> None:
    """The next job of a queue is claimed as soon as the one before it has ended, however
    long the gap between rounds that commits wake."""
    monkeypatch.setattr(worker_module, "ROUND_GAP_SECONDS", 60.0)
    slow_poll = settings.model_copy(update={"worker_poll_seconds": 600})
    worker = Worker(database, slow_poll, recorder.tasks, kinds=[recorder.kind])
    ids = [enqueue(database, recorder.kind, queue="one-after-another") for _ in range(3)]
    with running(worker):
        wait_for(lambda: len(recorder.ran) == 3, "a freed lane waited for the gap")
    assert recorder.ran == ids


def run_until_idle(worker: Worker, idle: threading.Event) -> None:
    while worker.run_once() or not idle.is_set():
        idle.set()


def test_two_workers_never_run_the_same_job_twice(
    database: Database, database_url: str, settings: Settings, recorder: Recorder
) -> None:
    ids = {enqueue(database, recorder.kind, sleep=0.01) for _ in range(40)}
    other = Database(database_url)  # a second process, as far as the database can tell
    workers = [
        Worker(database, settings, recorder.tasks, kinds=[recorder.kind]),
        Worker(other, settings, recorder.tasks, kinds=[recorder.kind]),
    ]
    threads = [
        threading.Thread(target=run_until_idle, args=(w, threading.Event())) for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.dispose()
    assert sorted(recorder.ran) == sorted(ids)
    with database.transaction(write=False) as session:
        statuses = session.scalars(select(Job.status).where(Job.kind == recorder.kind))
        assert set(statuses) == {"done"}


@pytest.fixture
def fanned_out() -> list[str]:
    """The uids of the events the callback of `per_event` was called with."""
    return []


@pytest.fixture
def per_event(fanned_out: list[str]) -> service.Tasks:
    """A callback recording each event's uid in `fanned_out` and enqueueing one job for each."""
    lock = threading.Lock()

    def callback(session: Session, event: Event) -> None:
        with lock:
            fanned_out.append(event.uid)
        service.enqueue(session, "test.per-event", {"uid": event.uid}, queue=event.organization_id)

    handlers = {"test.per-event": lambda database, settings, job: None}
    return service.Tasks(handlers, (callback,))


def uids_of(database: Database, organization_id: str) -> list[str]:
    with database.transaction(write=False) as session:
        rows = session.scalars(
            select(Event.uid).where(Event.organization_id == organization_id).order_by(Event.id)
        )
        return list(rows)


def test_the_outbox_is_fanned_out_once_per_event(
    api: Api,
    database: Database,
    settings: Settings,
    organization: dict[str, Any],
    fanned_out: list[str],
    per_event: service.Tasks,
) -> None:
    oid = organization["id"]
    api.post(f"/v1/organizations/{oid}/defaults", data={"name": "x", "value": "1"})
    recorded = uids_of(database, oid)
    assert recorded
    worker = Worker(database, settings, per_event, kinds=["test.per-event"])
    worker.run_once()
    worker.run_once()
    assert [uid for uid in fanned_out if uid in recorded] == recorded  # once each, in order
    with database.transaction(write=False) as session:
        jobs = session.scalars(select(Job).where(Job.queue == oid).order_by(Job.created_at))
        assert [(j.payload["uid"], j.status) for j in jobs] == [(u, "done") for u in recorded]


def test_two_workers_fan_out_each_event_once(
    database: Database,
    database_url: str,
    settings: Settings,
    fanned_out: list[str],
    per_event: service.Tasks,
) -> None:
    organization_id = uuid.uuid4().hex[:24]
    with database.transaction() as session:
        for n in range(150):
            events.record(session, "client", "create", organization_id, {"n": n})
    recorded = uids_of(database, organization_id)
    other = Database(database_url)
    workers = [
        Worker(database, settings, per_event, kinds=[]),
        Worker(other, settings, per_event, kinds=[]),
    ]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    other.dispose()
    mine = [uid for uid in fanned_out if uid in set(recorded)]
    assert Counter(mine) == Counter(recorded)
    assert mine == recorded  # in event order, although two workers fanned out


def test_a_worker_refuses_kinds_it_has_no_handler_for(
    database: Database, settings: Settings, recorder: Recorder
) -> None:
    with pytest.raises(ValueError, match="no handler for job kinds"):
        Worker(database, settings, recorder.tasks, kinds=[recorder.kind, "test.unknown"])


def test_the_tasks_a_worker_runs_cannot_change_behind_its_back(recorder: Recorder) -> None:
    handlers = {recorder.kind: recorder}
    tasks = service.Tasks(handlers)
    handlers["test.added-later"] = recorder
    assert set(tasks.handlers) == {recorder.kind}
    with pytest.raises(TypeError):
        tasks.handlers["test.added-later"] = recorder  # type: ignore[index]


def test_a_prepared_kind_is_prepared_in_the_claim_and_run_with_what_was_read(
    database: Database, settings: Settings
) -> None:
    """`Tasks.prepared`: `prepare` gets the batch of claimed jobs of its kind inside the claim's
    transaction (they are already running there), and each job's `run` gets its part."""
    kind = f"test.{uuid.uuid4().hex[:12]}"
    seen_in_claim: list[tuple[str, str]] = []
    ran: list[tuple[str, Any]] = []

    def prepare(session: Session, jobs: list[Job]) -> dict[str, Any]:
        ids = [job.id for job in jobs]
        stored = session.execute(select(Job.id, Job.status).where(Job.id.in_(ids))).all()
        seen_in_claim.extend((row.id, row.status) for row in stored)
        return {job.id: job.payload["n"] * 10 for job in jobs if job.payload["n"] != 2}

    def run(database: Database, settings: Settings, job: Job, prepared: Any) -> None:
        ran.append((job.id, prepared))

    tasks = service.Tasks({}, prepared={kind: service.Prepared(prepare, run)})
    ids = [enqueue(database, kind, n=n) for n in range(3)]
    worker = Worker(database, settings, tasks)
    assert worker.run_once() == 3
    assert sorted(seen_in_claim) == sorted((job_id, "running") for job_id in ids)
    assert sorted(ran) == sorted(zip(ids, [0, 10, None], strict=True))
    assert {job_of(database, job_id).status for job_id in ids} == {"done"}


def test_a_kind_cannot_have_a_handler_and_be_prepared(recorder: Recorder) -> None:
    prepared = service.Prepared(lambda session, jobs: {}, lambda *_: None)
    with pytest.raises(ValueError, match="two handlers"):
        service.Tasks({recorder.kind: recorder}, prepared={recorder.kind: prepared})
