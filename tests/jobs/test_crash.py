"""Issue 6, the fault test with real work: `spaceport worker` is killed with SIGKILL while
webhook deliveries and recurrence iterations are in flight, then started again. Every event is
delivered at least once and every recurrence iteration is created exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from spaceport.documents.models import Document
from spaceport.events.models import Event
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.documents.test_endpoints import GETTING_STARTED, create
from tests.webhooks.conftest import Receiver

ROOT = Path(__file__).resolve().parents[2]
ITERATIONS = 4
CHANGES = 25


@pytest.fixture
def slow_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    original = receiver.record

    def record(received: Any) -> int:
        time.sleep(0.05)  # slow enough that a kill lands mid-delivery
        return original(received)

    receiver.record = record  # type: ignore[method-assign]
    yield receiver
    receiver.stop()


def start_worker(database_url: str, secret_key: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SPACEPORT_DATABASE_URL": database_url,
        "SPACEPORT_SECRET_KEY": secret_key,  # webhook secrets are sealed with it
        "SPACEPORT_WEBHOOK_ALLOW_PRIVATE": "true",
        "SPACEPORT_WORKER_POLL_SECONDS": "0.05",
        "SPACEPORT_WORKER_LEASE_SECONDS": "2",
        "SPACEPORT_WEBHOOK_RETRY_DELAYS": "1,2,4",
    }
    command = [sys.executable, "-m", "spaceport.cli", "worker"]
    log = open(os.environ.get("SPACEPORT_CRASH_LOG", os.devnull), "ab")  # noqa: SIM115
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)


def wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_killed_worker_loses_no_delivery_and_repeats_no_iteration(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    database_url: str,
    app: Any,
    slow_receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app.state.settings, "webhook_allow_private", True)
    org_id = organization["id"]
    hook = api.post(
        f"/v1/organizations/{org_id}/webhooks", json={"url": slow_receiver.url(), "events": ["*"]}
    )
    assert hook.status_code == 200, hook.text
    original = create(api, org_id, data={**GETTING_STARTED, "date": "2020-01-06"})
    recurrence = api.post(
        f"/v1/documents/{original['id']}/recurrence",
        json={
            "name": "Weekly",
            "type": "week",
            "dateFirst": "2020-01-13",
            "numRecurrences": ITERATIONS,
            "notify": False,
        },
    )
    assert recurrence.status_code == 200, recurrence.text
    for n in range(CHANGES):
        api.post(f"/v1/organizations/{org_id}/clients", data={"name": f"Client {n}"})

    worker = start_worker(database_url, app.state.settings.secret_key)
    try:
        wait_for(lambda: len(slow_receiver.requests) >= 5)
        worker.send_signal(signal.SIGKILL)  # mid-flight: deliveries and iterations unfinished
        worker.wait(timeout=10)
        worker = start_worker(database_url, app.state.settings.secret_key)

        def delivered() -> bool:
            with database.transaction(write=False) as session:
                expected = set(
                    session.scalars(
                        select(Event.uid).where(
                            Event.organization_id == org_id,
                            Event.id > original_event(session, org_id),
                        )
                    )
                )
            received = {r.json["uid"] for r in slow_receiver.requests}
            return bool(expected) and expected <= received

        wait_for(delivered)
        prefix = f"recurrence:{recurrence.json()['id']}:"
        with database.transaction(write=False) as session:
            made = session.scalars(
                select(Document.unique_id).where(Document.unique_id.like(f"{prefix}%"))
            ).all()
            assert sorted(str(m) for m in made) == [
                f"{prefix}{k}" for k in range(1, ITERATIONS + 1)
            ]
            copies = session.scalar(
                select(func.count()).select_from(Document).where(Document.organization_id == org_id)
            )
            assert copies == ITERATIONS + 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def original_event(session: Any, org_id: str) -> str:
    """The id of the organization's first `webhook/create` event: later ones must arrive."""
    first: str = session.scalar(
        select(Event.id)
        .where(Event.organization_id == org_id, Event.event == "webhook/create")
        .order_by(Event.id)
    )
    return first
