"""Issue 6 item 1, the fault test: `spaceport worker` killed with SIGKILL mid-job loses
nothing (its job is taken again once the lease expires: at-least-once), and SIGTERM lets the
running job finish (graceful stop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from spaceport.background import TASKS as ALL
from spaceport.config import Settings
from spaceport.jobs import service
from spaceport.jobs.models import Job
from spaceport.kit.db import Database, utcnow
from tests.conftest import TEST_SECRET_KEY

KIND = "test.fault.slow"
ROOT = Path(__file__).resolve().parents[2]
# The subprocess is the real CLI, given every task and the handler below.
WORKER = (
    "import sys; from tests.jobs.test_fault import TASKS; from spaceport.cli import main; "
    "sys.exit(main(['worker'], tasks=TASKS))"
)


def slow_job(database: Database, settings: Settings, job: Job) -> None:
    """Writes `start n`, works a while, writes `done n` (its own file, outside the database)."""
    path = Path(job.payload["path"])
    n = job.payload["n"]
    with path.open("a") as log:
        log.write(f"start {n}\n")
    time.sleep(1)  # long enough that a kill right after `start` lands mid-job
    with path.open("a") as log:
        log.write(f"done {n}\n")


TASKS = service.Tasks({**ALL.handlers, KIND: slow_job}, ALL.event_callbacks, ALL.prepared)


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line] if path.exists() else []


def mid_job(path: Path, since: int = 0) -> bool:
    """A job of the worker started after line `since` has started and not yet finished."""
    seen = lines(path)[since:]
    return sum(x.startswith("start") for x in seen) > sum(x.startswith("done") for x in seen)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Every worker process the test starts; none outlives it, whatever fails."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def start_worker(
    database_url: str, started: list[subprocess.Popen[bytes]]
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": database_url,
        "SPACEPORT_WORKER_POLL_SECONDS": "0.05",
        "SPACEPORT_WORKER_CONCURRENCY": "1",  # one job at a time: a kill interrupts exactly one
        "SPACEPORT_SECRET_KEY": TEST_SECRET_KEY,  # a worker does not start without one
    }
    process = subprocess.Popen([sys.executable, "-c", WORKER], env=env, cwd=ROOT)
    started.append(process)
    return process


def statuses(database: Database, ids: list[str]) -> dict[str, str]:
    with database.transaction(write=False) as session:
        rows = session.execute(select(Job.id, Job.status).where(Job.id.in_(ids)))
        return {job_id: status for job_id, status in rows}


def expire_leases(database: Database) -> None:
    """Time passes beyond the dead worker's lease (60 s): move the lease instead of waiting."""
    with database.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.kind == KIND, Job.status == "running")
            .values(leased_until=utcnow() - timedelta(seconds=1))
        )


def test_a_killed_worker_loses_no_job(
    database: Database,
    database_url: str,
    tmp_path: Path,
    started: list[subprocess.Popen[bytes]],
) -> None:
    path = tmp_path / "runs.log"
    with database.transaction() as session:
        ids = [service.enqueue(session, KIND, {"path": str(path), "n": n}).id for n in range(6)]

    killed = start_worker(database_url, started)
    wait_for(lambda: len(lines(path)) >= 2 and mid_job(path))
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    assert "running" in statuses(database, ids).values()  # claimed, never finished
    expire_leases(database)

    since = len(lines(path))
    stopped = start_worker(database_url, started)
    wait_for(lambda: mid_job(path, since) and len(lines(path)) > since + 2)
    stopped.send_signal(signal.SIGTERM)
    assert stopped.wait(timeout=30) == 0
    assert not mid_job(path, since)  # graceful: the running job finished before the worker left
    assert "running" not in statuses(database, ids).values()

    last = start_worker(database_url, started)
    wait_for(lambda: set(statuses(database, ids).values()) == {"done"})
    last.send_signal(signal.SIGTERM)
    assert last.wait(timeout=30) == 0
    done = {line.split()[1] for line in lines(path) if line.startswith("done")}
    assert done == {str(n) for n in range(6)}  # every job ran at least once
    starts = [line for line in lines(path) if line.startswith("start")]
    assert len(starts) == 7  # exactly one ran twice: the one the kill interrupted
