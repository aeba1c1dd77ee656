"""Flow runs from the outbox (FLOWS §F8.1, FLOWS §F8.2): runs per second with 1 and 4 worker
processes, and the delay from the commit of a change to the start of its run (median, p99)
while changes are committed at `--rate` per second.

    uv run python bench/flows.py                     # SQLite
    uv run python bench/flows.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres

The flow has one event trigger (`client/create`) and one filter step, so what is measured is
the engine itself: fan-out from the outbox, claiming, leases, the step's record and the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import (
    BENCH_SECRET_KEY,
    fresh_database,
    percentile,
    prepare,
    start_workers,
    stop_workers,
)
from sqlalchemy import func, select

from spaceport.config import Settings
from spaceport.events import service as events
from spaceport.flows.models import Flow, FlowRun
from spaceport.kit.db import Database
from spaceport.organizations.models import Organization

STEPS = [{"key": "pass", "type": "filter", "where": {"trigger.data.name": {"neq": None}}}]


def settings_of(url: str, poll: float) -> Settings:
    return Settings(database_url=url, secret_key=BENCH_SECRET_KEY, worker_poll_seconds=poll)


def organization_with_flow(db: Database) -> str:
    with db.transaction() as session:
        organization = Organization(name="Bench Agency", country="Belgium")
        session.add(organization)
        session.flush()
        trigger = {"type": "event", "events": ["client/create"]}
        session.add(
            Flow(
                organization_id=organization.id,
                name="Bench",
                trigger=trigger,
                trigger_type="event",
                steps=STEPS,
            )
        )
        return organization.id


def commit_change(db: Database, organization_id: str, n: int) -> tuple[str, float]:
    with db.transaction() as session:
        event = events.record(
            session, "client", "create", organization_id, {"id": f"{n:024x}", "name": f"C{n}"}
        )
    return event.uid, time.time()


def finished(db: Database) -> int:
    with db.transaction(write=False) as session:
        done = select(func.count()).where(FlowRun.status.in_(("succeeded", "filtered")))
        return int(session.scalar(done.select_from(FlowRun)) or 0)


def wait_for(db: Database, total: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while finished(db) < total:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {finished(db)} of {total} runs finished")
        time.sleep(0.05)


def throughput(url: str, args: argparse.Namespace, workers: int) -> float:
    """Runs per second through a backlog: from the first run's start to the last one's end."""
    db = prepare(url)
    oid = organization_with_flow(db)
    processes = start_workers(settings_of(url, args.poll), workers)
    with db.transaction() as session:  # the backlog commits at once
        for n in range(args.events):
            data = {"id": f"{n:024x}", "name": f"C{n}"}
            events.record(session, "client", "create", oid, data)
    wait_for(db, args.events)
    stop_workers(processes)
    with db.transaction(write=False) as session:
        first, last = session.execute(
            select(func.min(FlowRun.started_at), func.max(FlowRun.finished_at))
        ).one()
    db.dispose()
    assert first is not None and last is not None  # every run finished
    return float(args.events / (last - first).total_seconds())


def delays(url: str, args: argparse.Namespace, workers: int) -> list[float]:
    db = prepare(url)
    oid = organization_with_flow(db)
    processes = start_workers(settings_of(url, args.poll), workers)
    committed: dict[str, float] = {}
    count = int(args.rate * args.seconds)
    begin = time.monotonic()
    for n in range(count):
        uid, at = commit_change(db, oid, n)
        committed[f"event:{uid}"] = at
        pause = begin + (n + 1) / args.rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    wait_for(db, count)
    stop_workers(processes)
    with db.transaction(write=False) as session:
        rows = session.execute(select(FlowRun.key, FlowRun.started_at)).all()
    db.dispose()
    return [(at.timestamp() - committed[key]) * 1000 for key, at in rows if key and at]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--events", type=int, default=2000, help="changes per throughput run")
    parser.add_argument("--rate", type=float, default=100, help="changes per second (delay)")
    parser.add_argument("--seconds", type=float, default=10, help="how long changes come")
    parser.add_argument("--poll", type=float, default=1.0, help="worker poll interval (s)")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Flow runs from the outbox, {engine}, poll {args.poll:g} s")
    for workers in (1, 4):
        with tempfile.TemporaryDirectory() as directory:
            with fresh_database(args.postgres, Path(directory)) as url:
                rate = throughput(url, args, workers)
        print(f"  {workers} worker(s): {rate:8.1f} runs/s ({args.events} runs)")
        with tempfile.TemporaryDirectory() as directory:
            with fresh_database(args.postgres, Path(directory)) as url:
                found = sorted(delays(url, args, workers))
        print(
            f"  {workers} worker(s), {args.rate:g} changes/s: commit → run start"
            f" median {statistics.median(found):7.1f} ms   p99 {percentile(found, 0.99):7.1f} ms"
            f"   ({len(found)} runs)"
        )


if __name__ == "__main__":
    main()
