"""Waking the worker when work is committed instead of at its next poll (issue 13 item 4;
FLOWS §F8.2: a run starts within a second of the change that started it).

A transaction that records an event or enqueues a job calls `ring_on_commit`. Once it has
committed, `Database.transaction` rings the bell of its database in this process (the worker
embedded in `spaceport serve`); on PostgreSQL the transaction also sends `NOTIFY`, which the
server delivers at commit to every process listening. On SQLite other processes see the file's
`PRAGMA data_version` change. `Listener` turns either into a ring of this process's bell, so a
worker only ever waits on its bell, and polls (`SPACEPORT_WORKER_POLL_SECONDS`) only for what
no commit announces: a retry whose time has come, a lease that expired."""

from __future__ import annotations

import logging
import threading
from typing import Final

from sqlalchemy import Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
CHANNEL: Final = "spaceport_work"
RING: Final = "spaceport.ring"  # session.info: ring once this transaction has committed
SQLITE_LOOK_SECONDS: Final = 0.025  # how often a SQLite listener reads `data_version`


class Bell:
    """Rings every waiter: each worker waits on its own event, so no ring is lost to another."""

    def __init__(self) -> None:
        self._waiters: set[threading.Event] = set()
        self._lock = threading.Lock()

    def waiter(self) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._waiters.add(event)
        return event

    def forget(self, event: threading.Event) -> None:
        with self._lock:
            self._waiters.discard(event)

    def ring(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for event in waiters:
            event.set()


_bells: dict[str, Bell] = {}
_bells_lock = threading.Lock()


def bell(url: str) -> Bell:
    """The bell of the database at `url`, one per process."""
    with _bells_lock:
        return _bells.setdefault(url, Bell())


def ring_on_commit(session: Session) -> None:
    """Work was added in this transaction: wake the workers once it commits."""
    if session.info.get(RING):
        return
    session.info[RING] = True
    connection = session.connection()  # no autoflush: the caller's changes are not flushed yet
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")  # delivered at commit, not on rollback


class Listener:
    """A thread ringing `bell` for the commits of other processes, until `stop`."""

    def __init__(self, engine: Engine, bell: Bell, stop: threading.Event) -> None:
        self.engine, self.bell, self.stop = engine, bell, stop
        name = "wakeup-listener"
        self.thread = threading.Thread(target=self._listen_forever, name=name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def join(self) -> None:
        self.thread.join(timeout=5)

    def _listen_forever(self) -> None:
        while not self.stop.is_set():
            try:
                if self.engine.dialect.name == "postgresql":
                    self._listen_postgres()
                else:
                    self._watch_sqlite()
            except Exception:  # the database went away: the poll still finds the work
                log.exception("wakeup listener failed")
                self.stop.wait(1)

    def _listen_postgres(self) -> None:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"LISTEN {CHANNEL}")
            driver = connection.connection.driver_connection
            assert driver is not None
            while not self.stop.is_set():
                for _notification in driver.notifies(timeout=0.5):
                    self.bell.ring()
                    if self.stop.is_set():
                        break

    def _watch_sqlite(self) -> None:
        with self.engine.connect() as connection:
            driver = connection.connection.driver_connection  # sqlite3, autocommit: no BEGIN
            assert driver is not None

            def version() -> object:
                return driver.execute("PRAGMA data_version").fetchone()

            seen = version()
            while not self.stop.wait(SQLITE_LOOK_SECONDS):
                if (now := version()) != seen:
                    seen = now
                    self.bell.ring()
