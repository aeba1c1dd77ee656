"""Waking the worker when work is committed (issue 13 item 4, FLOWS §F8.2): a committed
event or due job rings the bell of its database, in this process and, through a `Listener`
(PostgreSQL's NOTIFY, SQLite's `data_version`), in the others; a rolled-back one does not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from spaceport.events import service as events
from spaceport.jobs import service as jobs
from spaceport.kit import wakeup
from spaceport.kit.db import Database, utcnow

WAIT = 10.0  # seconds a ring may take to arrive; without one, the wait below times out


@pytest.fixture
def rung(database: Database) -> Iterator[threading.Event]:
    bell = wakeup.bell(database.url)
    waiter = bell.waiter()
    yield waiter
    bell.forget(waiter)


def test_a_committed_event_rings_the_bell(database: Database, rung: threading.Event) -> None:
    with database.transaction() as session:
        events.record(session, "client", "create", None, {"name": "Rung"})
        assert not rung.is_set()  # not before the commit
    assert rung.is_set()


def test_a_due_job_rings_and_a_later_one_does_not(
    database: Database, rung: threading.Event
) -> None:
    with database.transaction() as session:
        jobs.enqueue(session, "test.later", {}, run_at=utcnow() + timedelta(hours=1))
    assert not rung.is_set()  # the poll finds it when its time comes
    with database.transaction() as session:
        jobs.enqueue(session, "test.now", {})
    assert rung.is_set()


def test_a_rolled_back_change_rings_nothing(database: Database, rung: threading.Event) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        events.record(session, "client", "create", None, {"name": "Never"})
        raise RuntimeError("the change fails")
    assert not rung.is_set()


def test_a_listener_rings_for_the_commits_of_another_process(database: Database) -> None:
    """Another process is another engine: its commit reaches this process's bell only through
    the database (NOTIFY on PostgreSQL, `data_version` on SQLite), never the in-process ring."""
    stop = threading.Event()
    bell = wakeup.Bell()  # not the bell the other engine's commits ring directly
    waiter = bell.waiter()
    listener = wakeup.Listener(database.engine, bell, stop)
    listener.start()
    other = Database(database.url)
    try:
        deadline = time.monotonic() + WAIT
        while not waiter.is_set() and time.monotonic() < deadline:
            # again until heard: the listener may not have been listening at the first commit
            with other.transaction() as session:
                events.record(session, "client", "create", None, {"name": "Elsewhere"})
            waiter.wait(0.2)
        assert waiter.is_set()
    finally:
        stop.set()
        listener.join()
        other.dispose()
