"""The leases of the jobs a worker runs, renewed by one thread every third of their length
while the jobs run (FLOWS §F8.3), so a job that takes longer than its lease is not taken over
by another worker; a worker that dies stops renewing, and its jobs are taken again once their
leases expire (`jobs.worker`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from spaceport.jobs.repository import JobRepository
from spaceport.kit.db import Database, utcnow

log = logging.getLogger(__name__)


class Leases:
    def __init__(self, database: Database, lease: timedelta) -> None:
        self.database = database
        self.lease = lease
        self._held: dict[str, int] = {}  # job id → the claim's attempt (its fencing token)
        self._lock = threading.Lock()

    def hold(self, job_id: str, attempt: int) -> None:
        with self._lock:
            self._held[job_id] = attempt

    def release(self, job_id: str) -> None:
        with self._lock:
            self._held.pop(job_id, None)

    def renew(self) -> None:
        """Extend every held lease in one transaction; a lease another worker took over is
        no longer ours to renew (its job's outcome is dropped, `Worker.record`)."""
        with self._lock:
            held = dict(self._held)
        if not held:
            return
        with self.database.transaction() as session:
            repository = JobRepository(session)
            until = utcnow() + self.lease
            lost = [job for job, try_ in held.items() if not repository.renew(job, try_, until)]
        for job_id in lost:
            self.release(job_id)

    @contextmanager
    def renewing(self) -> Iterator[None]:
        """Renew the held leases in a thread while the block runs."""
        stop = threading.Event()

        def renew_forever() -> None:
            while not stop.wait(self.lease.total_seconds() / 3):
                try:
                    self.renew()
                except Exception:  # the database went away: try again at the next third
                    log.exception("renewing leases failed")

        thread = threading.Thread(target=renew_forever, name="leases", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
