"""Leases renewed while their jobs run (FLOWS §F8.3): a job that runs longer than its lease is
not taken by another worker, and a lease another worker took over is not renewed again."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import update

from spaceport.jobs import service
from spaceport.jobs.leases import Leases
from spaceport.jobs.models import Job
from spaceport.kit.db import Database, utcnow


def running_job(database: Database, leased_for: timedelta) -> Job:
    with database.transaction() as session:
        job = service.enqueue(session, "test.leased", {})
        job.status, job.attempts, job.leased_until = "running", 1, utcnow() + leased_for
    return job


def leased_until(database: Database, job_id: str) -> datetime:
    with database.transaction(write=False) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.leased_until is not None
        return job.leased_until


def test_a_held_lease_is_renewed_while_its_job_runs(database: Database) -> None:
    lease = timedelta(seconds=0.3)
    job = running_job(database, lease)
    leases = Leases(database, lease)
    leases.hold(job.id, 1)
    first = leased_until(database, job.id)
    with leases.renewing():
        time.sleep(0.9)  # three leases long: expired thrice over without renewal
    assert leased_until(database, job.id) > first


def test_a_lease_taken_over_is_released_not_renewed(database: Database) -> None:
    lease = timedelta(seconds=60)
    job = running_job(database, lease)
    leases = Leases(database, lease)
    leases.hold(job.id, 1)
    with database.transaction() as session:  # another worker took the job (attempt 2)
        session.execute(update(Job).where(Job.id == job.id).values(attempts=2))
    taken = leased_until(database, job.id)
    leases.renew()
    assert leased_until(database, job.id) == taken  # the other worker's lease stays
    leases.hold(job.id, 2)
    leases.renew()
    assert leased_until(database, job.id) != taken  # held again under the new attempt
