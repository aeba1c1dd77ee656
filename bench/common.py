"""What the benchmarks share: a fresh database (SQLite file or a throwaway PostgreSQL
database), the API served on loopback, a signed-up account, and percentiles."""

from __future__ import annotations

import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit import migrate
from spaceport.kit.db import Database

UNLIMITED = "1000000/second"
BENCH_SECRET_KEY = "bench-secret-key-of-at-least-32-bytes-for-sealing"


def work(settings: Settings, ready: Any) -> None:
    """One `spaceport worker` process (SIGTERM stops it after its running jobs); `ready` is
    released once it has imported everything (spawned, it imported the benchmark first)."""
    from spaceport.background import TASKS
    from spaceport.cli import run_worker

    ready.release()
    run_worker(settings, TASKS)


def start_workers(settings: Settings, count: int) -> list[Any]:
    """`count` worker processes, returned once all are up: what is measured is their work,
    not how long a process takes to start."""
    # spawned, as `spaceport worker` processes start: nothing of this process's state is shared
    context = multiprocessing.get_context("spawn")
    ready = context.Semaphore(0)
    processes = [context.Process(target=work, args=(settings, ready)) for _ in range(count)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    time.sleep(0.5)  # each has connected and made its first round
    return processes


def stop_workers(processes: list[Any]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


def prepare(url: str) -> Database:
    migrate.upgrade(url)
    return Database(url)


def create_postgres_database(base_url: str) -> str:
    name = f"spaceport_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def fresh_database(postgres: str | None, directory: Path) -> Iterator[str]:
    """A new, migrated database: a SQLite file in `directory`, or one on the given server."""
    if postgres is None:
        url = f"sqlite:///{directory / 'bench.db'}"
        migrate.upgrade(url)
        yield url
        return
    url = create_postgres_database(postgres)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        drop_postgres_database(url)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """The API on a loopback port, served by uvicorn in a thread of this process (enough for
    latency measured one request at a time)."""

    def __init__(self, db: Database) -> None:
        settings = Settings(
            database_url=db.url,
            rate_limit=UNLIMITED,
            login_rate_limit_email=UNLIMITED,
            login_rate_limit_address=UNLIMITED,
            secret_key=BENCH_SECRET_KEY,
        )
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings, db),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            date_header=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, what: str) -> Iterator[str]:
    """A server started by `command` in a process of its own, listening on loopback `port`:
    its base URL once `/health` answers 200; stopped afterwards."""
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts two processes slowly
        while True:
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def served(database_url: str, workers: int = 1, *, embedded_worker: bool = True) -> Iterator[str]:
    """`spaceport serve` in processes of its own, as deployed (for throughput); without its
    embedded worker (`--no-worker`) when background work runs in processes of its own."""
    port = free_port()
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": database_url,
        "SPACEPORT_RATE_LIMIT": UNLIMITED,
        "SPACEPORT_LOGIN_RATE_LIMIT_EMAIL": UNLIMITED,
        "SPACEPORT_LOGIN_RATE_LIMIT_ADDRESS": UNLIMITED,
        "SPACEPORT_SECRET_KEY": BENCH_SECRET_KEY,
    }
    command = [sys.executable, "-m", "spaceport.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)] + ([] if embedded_worker else ["--no-worker"])
    with running(command, env, port, "the server") as base:
        yield base


def launch_code(http: httpx.Client) -> tuple[str, str]:
    """A new account's launch code and id."""
    account = {"email": f"bench-{uuid.uuid4().hex[:8]}@example.com", "password": "benchmark"}
    created = http.post("/v1/accounts", data=account)
    created.raise_for_status()
    login = http.post("/v1/accounts/login", data=account)
    login.raise_for_status()
    return login.json()["id"], created.json()["id"]


def organization(http: httpx.Client, code: str, account_id: str, country: str = "Belgium") -> str:
    response = http.post(
        f"/v1/accounts/{account_id}/organizations",
        headers={"Authorization": code},
        data={"name": "Bench Agency", "country": country},
    )
    response.raise_for_status()
    org_id: str = response.json()["id"]
    return org_id


def percentile(ordered: Sequence[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def summary(label: str, milliseconds: Sequence[float]) -> str:
    ordered = sorted(milliseconds)
    return (
        f"  {label:<40} median {statistics.median(ordered):7.2f} ms   "
        f"p99 {percentile(ordered, 0.99):7.2f} ms   ({len(ordered)} requests)"
    )


def timed(http: httpx.Client, url: str, count: int, **kwargs: object) -> list[float]:
    """Milliseconds per request, client side, after a short warm-up."""
    for _ in range(min(10, count)):
        http.get(url, **kwargs).raise_for_status()  # type: ignore[arg-type]
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = http.get(url, **kwargs)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return timings
