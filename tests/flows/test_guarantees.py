"""FLOWS §F8.1, FLOWS §F8.3: exactly one run per (flow, event) with any number of writers and
across a worker killed mid-run (SIGKILL); every run ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import select

from spaceport.events.models import Event
from spaceport.flows.models import FlowRun
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import TEST_SECRET_KEY, Api, LiveServer
from tests.flows.conftest import Server, create_flow, http_step, passing, settle


def one_run_per_event(database: Database, oid: str, flow_id: str) -> list[FlowRun]:
    with database.transaction(write=False) as session:
        uids = set(
            session.scalars(
                select(Event.uid).where(
                    Event.organization_id == oid, Event.event == "client/create"
                )
            )
        )
        found = list(session.scalars(select(FlowRun).where(FlowRun.flow_id == flow_id)))
    assert sorted(run.key or "" for run in found) == sorted(f"event:{uid}" for uid in uids)
    return found


def test_forty_concurrent_creates_make_forty_runs(
    api: Api,
    organization: dict[str, Any],
    live_server: LiveServer,
    worker: Worker,
    database: Database,
) -> None:
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()])

    def create(i: int) -> int:
        url = f"{live_server.url}/v1/organizations/{oid}/clients"
        return httpx.post(url, json={"name": f"Client {i}"}, headers=api.headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(create, range(40))) == {200}
    settle(worker, database)
    worker.run_once()
    runs = one_run_per_event(database, oid, flow["id"])
    assert len(runs) == 40 and {run.status for run in runs} == {"succeeded"}


def test_a_killed_worker_leaves_one_run_per_event_and_every_run_ends(
    api: Api,
    organization: dict[str, Any],
    database_url: str,
    database: Database,
    worker: Worker,
    server: Server,
) -> None:
    oid = organization["id"]
    server.delay = 0.2
    flow = create_flow(api, oid, [http_step(server.url(), body={"id": "{{ trigger.data.id }}"})])
    for i in range(12):
        assert (
            api.post(f"/v1/organizations/{oid}/clients", json={"name": f"K{i}"}).status_code == 200
        )
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": database_url,
        "SPACEPORT_SECRET_KEY": TEST_SECRET_KEY,
        "SPACEPORT_WEBHOOK_ALLOW_PRIVATE": "true",
        "SPACEPORT_WORKER_LEASE_SECONDS": "1.5",
        "SPACEPORT_WORKER_POLL_SECONDS": "0.05",
        "SPACEPORT_FLOW_RETRY_DELAYS": "0.2",
    }
    doomed = subprocess.Popen(
        [sys.executable, "-m", "spaceport.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(server.requests) < 4:
            assert time.monotonic() < deadline, "the worker did not start runs"
            time.sleep(0.02)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    settle(worker, database, timeout=60)
    runs = one_run_per_event(database, oid, flow["id"])
    assert len(runs) == 12
    assert {run.status for run in runs} == {"succeeded"}
    called = [r["body"] for r in server.requests]
    assert len(set(called)) == 12  # every client's call made; a repeat only for the one in flight
