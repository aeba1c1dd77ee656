"""Webhook delivery against a real HTTP receiver on loopback (COMPAT §8.2): the reference's
event body, the signature, per-webhook order, retries timed from the first attempt, failure
after the last, redeliver, disabled webhooks, targets refused late. Which events reach which
webhook is tested in test_service.py; the receiver and the worker are in conftest.py."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import delete, select

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.events.models import Event
from spaceport.jobs.models import Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.webhooks.conftest import RETRY_DELAYS, Receiver, create_client, create_hook, settle


def test_the_body_is_the_reference_event_body_signed_with_the_secret(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    hook = create_hook(api, oid, receiver.url(), "client/create")
    client = create_client(api, oid, "Rocket Labs")
    settle(worker, database, hook["id"])

    [request] = receiver.requests
    body = request.json
    assert list(body) == ["event", "organizationId", "data", "uid"]
    assert body["event"] == "client/create" and body["organizationId"] == oid
    assert body["data"] == client  # the instance as the API answered it
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["content-type"] == "application/json"
    assert headers["x-spaceport-event"] == "client/create"
    assert headers["x-spaceport-delivery"] == body["uid"]
    # COMPAT §8.2: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>"> with the secret from create
    timestamp, v1 = (part.split("=", 1)[1] for part in headers["x-spaceport-signature"].split(","))
    expected = hmac.new(
        hook["secret"].encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(v1, expected)
    assert abs(int(timestamp) - time.time()) < 60


def test_deliveries_of_one_webhook_keep_the_order_of_events(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    receiver.statuses = [503, 200]  # the first delivery waits for its retry; the rest wait too
    hook = create_hook(api, oid, receiver.url(), "client/create")
    names = [f"Client {n:02d}" for n in range(12)]
    for name in names:
        create_client(api, oid, name)
    stop = threading.Event()
    helpers = [threading.Thread(target=run_until, args=(worker, stop)) for _ in range(2)]
    for helper in helpers:
        helper.start()
    try:
        settle(worker, database, hook["id"])
    finally:
        stop.set()
        for helper in helpers:
            helper.join()
    delivered = [r.json["data"]["name"] for r in receiver.requests]
    assert delivered == [names[0], *names]  # the failed first one, again, then the others


def run_until(worker: Worker, stop: threading.Event) -> None:
    while not stop.is_set():
        if worker.run_once() == 0:
            time.sleep(0.01)


def test_a_failing_receiver_is_retried_after_the_delays_then_the_delivery_fails(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    receiver.statuses = [500]
    hook = create_hook(api, oid, receiver.url(), "client/create")
    create_client(api, oid, "Unlucky")
    settle(worker, database, hook["id"])

    attempts = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert [a["attempt"] for a in attempts] == [4, 3, 2, 1]  # newest first
    assert {a["statusCode"] for a in attempts} == {500}
    assert len({a["uid"] for a in attempts}) == 1 and len(receiver.requests) == 4
    # retry k is due delays[k - 1] seconds after the FIRST attempt (COMPAT §8.2)
    started = [datetime.fromisoformat(a["time"].replace("Z", "+00:00")) for a in attempts[::-1]]
    for delay, at in zip(map(float, RETRY_DELAYS.split(",")), started[1:], strict=True):
        assert (at - started[0]).total_seconds() >= delay - 0.01
    with database.transaction(write=False) as session:
        job = session.scalars(select(Job).where(Job.queue == f"webhook:{hook['id']}")).one()
        assert job.status == "failed" and job.last_error and "no retries left" in job.last_error


def test_a_retry_that_succeeds_ends_the_delivery(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    receiver.statuses = [502, 200]
    hook = create_hook(api, oid, receiver.url(), "client/create")
    create_client(api, oid, "Lucky")
    settle(worker, database, hook["id"])
    attempts = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert [(a["attempt"], a["statusCode"]) for a in attempts] == [(2, 200), (1, 502)]
    assert attempts[1]["error"] and attempts[0]["error"] is None
    assert all(isinstance(a["durationMs"], int) for a in attempts)


def test_a_connection_error_is_recorded_and_retried(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    closed = Receiver()
    url = closed.url()
    closed.stop()  # nothing listens there any more
    hook = create_hook(api, organization["id"], url, "client/create")
    create_client(api, organization["id"], "Nobody home")
    settle(worker, database, hook["id"])
    attempts = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert len(attempts) == 4
    assert all(a["statusCode"] is None and "Connect" in a["error"] for a in attempts)


def test_redeliver_sends_the_event_again(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    hook = create_hook(api, oid, receiver.url(), "client/create")
    create_client(api, oid, "Twice")
    settle(worker, database, hook["id"])
    [first] = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    answer = api.post(f"/v1/webhooks/{hook['id']}/deliveries/{first['uid']}/redeliver")
    assert answer.status_code == 200 and answer.json() == {"success": True}
    settle(worker, database, hook["id"])
    assert [r.json["uid"] for r in receiver.requests] == [first["uid"], first["uid"]]
    assert receiver.requests[0].body == receiver.requests[1].body
    assert len(api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()) == 2


def test_a_disabled_webhook_stays_silent(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    off = create_hook(api, oid, receiver.url("/off"), "*", enabled=False)
    later = create_hook(api, oid, receiver.url("/later"), "client/create")
    worker.run_once()  # fan out the creations before `later` is disabled with jobs queued
    create_client(api, oid, "Unheard")
    worker.fan_out()
    api.patch(f"/v1/webhooks/{later['id']}", json={"enabled": False})
    settle(worker, database, off["id"])
    settle(worker, database, later["id"])
    assert receiver.requests == []
    assert api.get(f"/v1/webhooks/{later['id']}/deliveries").json() == []


def test_a_target_that_turned_private_is_refused_at_delivery(
    api: Api,
    organization: dict[str, Any],
    receiver: Receiver,
    worker: Worker,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    hook_settings: Settings,
) -> None:
    """DNS rebinding: the address is checked again when the request is made."""
    hook = create_hook(api, organization["id"], receiver.url(), "client/create")
    create_client(api, organization["id"], "Rebound")
    monkeypatch.setattr(hook_settings, "webhook_allow_private", False)
    settle(worker, database, hook["id"])
    assert receiver.requests == []
    attempts = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()
    assert attempts and all("loopback, private" in a["error"] for a in attempts)


def failed_jobs(database: Database, webhook_id: str) -> list[str | None]:
    with database.transaction(write=False) as session:
        queued = select(Job).where(Job.queue == f"webhook:{webhook_id}", Job.status == "failed")
        return [job.last_error for job in session.scalars(queued)]


def test_a_delivery_whose_event_is_gone_fails_at_once(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    """What a delivery sends is read when its job is claimed (`delivery.prepare`)."""
    hook = create_hook(api, organization["id"], receiver.url(), "client/create")
    create_client(api, organization["id"], "Forgotten")
    worker.fan_out()
    with database.transaction() as session:
        session.execute(delete(Event).where(Event.organization_id == organization["id"]))
    settle(worker, database, hook["id"])
    assert receiver.requests == []
    [error] = failed_jobs(database, hook["id"])
    assert error and "no longer exists" in error


def test_a_delivery_whose_secret_cannot_be_read_fails_at_once(
    api: Api,
    organization: dict[str, Any],
    receiver: Receiver,
    database: Database,
    hook_settings: Settings,
) -> None:
    hook = create_hook(api, organization["id"], receiver.url(), "client/create")
    create_client(api, organization["id"], "Sealed away")
    other_key = hook_settings.model_copy(update={"secret_key": "another-key-" + "k" * 40})
    settle(Worker(database, other_key, TASKS, kinds={"webhook.deliver"}), database, hook["id"])
    assert receiver.requests == []
    [error] = failed_jobs(database, hook["id"])
    assert error and "SPACEPORT_SECRET_KEY changed" in error
