"""Webhook deliveries (COMPAT §8.2) from the outbox to a local receiver: deliveries per second
with 1, 2 and 4 worker processes (`spaceport worker`, each with its lanes), and the delay from
the commit of a change to its delivery.

    uv run python bench/events.py                     # SQLite
    uv run python bench/events.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The receiver is a separate process (http.server, 200 to everything) so that it doesn't share
the workers' interpreter. Throughput: `--events` committed changes fanned out to `--webhooks`
webhooks (each a queue of its own: one webhook's deliveries go out one at a time, in order),
then, once the workers are up, the clock runs until the receiver has every delivery. Delay:
one change committed every `--interval` seconds (well below what one worker delivers, so no
backlog builds up) while one worker polls every `--poll` seconds (the server's default is 1 s:
the delay is then mostly the wait for the next poll).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import (
    BENCH_SECRET_KEY,
    fresh_database,
    percentile,
    prepare,
    start_workers,
    stop_workers,
)

from spaceport.config import Settings
from spaceport.events import service as events
from spaceport.kit.db import Base, Database
from spaceport.models import import_all_models
from spaceport.webhooks.models import Webhook
from spaceport.webhooks.sealed import new_secret, seal


# -- the receiver, in a process of its own ----------------------------------------------------
def receive(port: Any, log: str) -> None:
    """Answer 200 to every POST and append `<X-Spaceport-Delivery> <unix time>` to `log`."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            line = f"{self.headers['X-Spaceport-Delivery']} {time.time():.6f}\n"
            os.write(fd, line.encode())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = server.server_port
    server.serve_forever()


def received(log: Path) -> dict[str, float]:
    arrivals: dict[str, float] = {}
    for line in log.read_text().splitlines():
        uid, at = line.split()
        arrivals.setdefault(uid, float(at))
    return arrivals


def delivered_count(log: Path) -> int:
    return log.read_bytes().count(b"\n")


# -- setting up -------------------------------------------------------------------------------
def organization_with_webhooks(db: Database, url: str, count: int, secret_key: str) -> str:
    from spaceport.organizations.models import Organization

    with db.transaction() as session:
        organization = Organization(name="Bench Agency", country="Belgium")
        session.add(organization)
        session.flush()
        for n in range(count):
            session.add(
                Webhook(
                    organization_id=organization.id,
                    url=f"{url}/hook/{n}",
                    events=["client/create"],
                    secret=seal(new_secret(), secret_key),
                )
            )
        return organization.id


def commit_change(db: Database, organization_id: str, n: int) -> tuple[str, float]:
    """One committed change with its outbox event (COMPAT §8.1); its uid and commit time."""
    with db.transaction() as session:
        event = events.record(
            session, "client", "create", organization_id, {"id": f"{n:024x}", "name": f"C{n}"}
        )
    return event.uid, time.time()


def wait_for(log: Path, total: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while delivered_count(log) < total:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {delivered_count(log)} of {total} deliveries arrived")
        time.sleep(0.01)


# -- the measures -----------------------------------------------------------------------------
def throughput(db: Database, settings: Settings, args: argparse.Namespace, workers: int) -> float:
    with tempfile.TemporaryDirectory() as scratch, Receiver(Path(scratch) / "log") as (url, log):
        oid = organization_with_webhooks(db, url, args.webhooks, settings.secret_key)
        for n in range(args.events):
            commit_change(db, oid, n)
        total: int = args.events * args.webhooks
        processes = start_workers(settings, workers)
        wait_for(log, total)
        stop_workers(processes)
        # from the first arrival to the last, by the receiver's clock: the workers' start-up
        # is not counted, nor a delivery made before a clock here could start
        arrivals = sorted(received(log).values())
        return (total - 1) / (arrivals[-1] - arrivals[0])


def delay(db: Database, settings: Settings, args: argparse.Namespace) -> list[float]:
    with tempfile.TemporaryDirectory() as scratch, Receiver(Path(scratch) / "log") as (url, log):
        oid = organization_with_webhooks(db, url, 1, settings.secret_key)
        processes = start_workers(settings, 1)
        committed = {}
        for n in range(args.samples):
            uid, at = commit_change(db, oid, n)
            committed[uid] = at
            time.sleep(args.interval)
        wait_for(log, args.samples)
        stop_workers(processes)
        arrivals = received(log)
        return [(arrivals[uid] - at) * 1000 for uid, at in committed.items()]


class Receiver:
    def __init__(self, log: Path) -> None:
        self.log = log
        self.port: Any = multiprocessing.Value("i", 0)
        self.process = multiprocessing.Process(target=receive, args=(self.port, str(log)))

    def __enter__(self) -> tuple[str, Path]:
        self.log.touch()
        self.process.start()
        while self.port.value == 0:
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.port.value}", self.log

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--events", type=int, default=250, help="changes per throughput run")
    parser.add_argument("--webhooks", type=int, default=8, help="webhooks subscribed to each")
    parser.add_argument("--samples", type=int, default=200, help="changes timed for the delay")
    parser.add_argument("--interval", type=float, default=0.1, help="between timed changes (s)")
    parser.add_argument("--poll", type=float, default=1.0, help="worker poll interval (s)")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Webhook deliveries to a local receiver, {engine}")
    for workers in (1, 2, 4):
        with tempfile.TemporaryDirectory() as directory:
            with fresh_database(args.postgres, Path(directory)) as url:
                db, settings = setup(url, args.poll)
                rate = throughput(db, settings, args, workers)
                db.dispose()
        total = args.events * args.webhooks
        print(f"  {workers} worker(s): {rate:8.1f} deliveries/s ({total} deliveries)")
    with tempfile.TemporaryDirectory() as directory:
        with fresh_database(args.postgres, Path(directory)) as url:
            db, settings = setup(url, args.poll)
            delays = sorted(delay(db, settings, args))
            db.dispose()
    print(
        f"  commit → delivery (poll {args.poll:g} s): median {statistics.median(delays):7.1f} ms"
        f"   p99 {percentile(delays, 0.99):7.1f} ms   ({len(delays)} changes)"
    )


def setup(url: str, poll: float) -> tuple[Database, Settings]:
    db = prepare(url)
    import_all_models()
    Base.metadata.create_all(db.engine)  # tables whose migration is not written yet
    settings = Settings(
        database_url=url,
        secret_key=BENCH_SECRET_KEY,
        webhook_allow_private=True,  # the receiver is on loopback
        worker_poll_seconds=poll,
    )
    return db, settings


if __name__ == "__main__":
    main()
