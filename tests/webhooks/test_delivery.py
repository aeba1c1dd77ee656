"""Webhook delivery against a real HTTP receiver on loopback (COMPAT §8.2): the reference's
event body, the signature, `*` and bare actions, per-webhook order, retries timed from the
first attempt, failure after the last, redeliver, disabled webhooks, targets refused late."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.jobs.models import UNFINISHED, Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api

RETRY_DELAYS = "0.4,0.8,1.2"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Answers each request with the next of `statuses` (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses = [200]
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.record(Received(self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def record(self, received: Received) -> int:
        with self.lock:
            self.requests.append(received)
            return self.statuses[min(len(self.requests), len(self.statuses)) - 1]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def hook_settings(app: Any, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The app's settings with loopback targets allowed and retries in fractions of seconds."""
    settings: Settings = app.state.settings
    monkeypatch.setattr(settings, "webhook_allow_private", True)
    monkeypatch.setattr(settings, "webhook_retry_delays", RETRY_DELAYS)
    return settings


@pytest.fixture
def worker(database: Database, hook_settings: Settings) -> Worker:
    return Worker(database, hook_settings, TASKS, kinds={"webhook.deliver"})


def unfinished(database: Database, webhook_id: str) -> int:
    with database.transaction(write=False) as session:
        jobs = session.scalars(
            select(Job).where(Job.queue == f"webhook:{webhook_id}", Job.status.in_(UNFINISHED))
        )
        return len(list(jobs))


def work_until(worker: Worker, done: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        if done():
            return
        time.sleep(0.02)
    raise AssertionError("the worker did not get there in time")


def settle(worker: Worker, database: Database, webhook_id: str, timeout: float = 15) -> None:
    """Work until every delivery job of the webhook has finished (done or failed)."""
    worker.run_once()  # fan out what is committed so far
    work_until(worker, lambda: unfinished(database, webhook_id) == 0, timeout)


# -- the tests ----------------------------------------------------------------------------
def create_hook(api: Api, oid: str, url: str, *events: str, **fields: Any) -> dict[str, Any]:
    body = {"url": url, "events": list(events), **fields}
    response = api.post(f"/v1/organizations/{oid}/webhooks", json=body)
    assert response.status_code == 200, response.text
    hook: dict[str, Any] = response.json()
    return hook


def create_client(api: Api, oid: str, name: str) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{oid}/clients", data={"name": name})
    assert response.status_code == 200, response.text
    client: dict[str, Any] = response.json()
    return client


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


def events_at(receiver: Receiver, path: str) -> list[str]:
    return [r.json["event"] for r in receiver.at(path)]


def test_star_gets_every_event_and_a_bare_action_that_action_of_every_model(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    star = create_hook(api, oid, receiver.url("/star"), "*")
    updates = create_hook(api, oid, receiver.url("/updates"), "update")
    client = create_client(api, oid, "Rocket Labs")
    api.patch(f"/v1/clients/{client['id']}", data={"city": "Houston"})
    item = api.post(f"/v1/organizations/{oid}/items", data={"name": "Fuel", "price": "10"}).json()
    api.patch(f"/v1/items/{item['id']}", data={"price": "12"})
    api.delete(f"/v1/clients/{client['id']}")
    settle(worker, database, star["id"])
    settle(worker, database, updates["id"])
    assert events_at(receiver, "/star") == [
        "webhook/create",  # its own creation and the next webhook's
        "webhook/create",
        "client/create",
        "client/update",
        "item/create",
        "item/update",
        "client/delete",
    ]
    assert events_at(receiver, "/updates") == ["client/update", "item/update"]
    webhook_data = receiver.at("/star")[0].json["data"]
    assert webhook_data["id"] == star["id"] and "secret" not in webhook_data  # answered once


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


# (model, create URL with {org}/{document}/{pricelist}/{item}, create body, update body)
MODEL_CHANGES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("client", "/v1/organizations/{org}/clients", {"name": "Rocket Man"}, {"city": "Houston"}),
    ("item", "/v1/organizations/{org}/items", {"name": "Fuel", "price": 10}, {"price": 12}),
    (
        "tax",
        "/v1/organizations/{org}/taxes",
        {"name": "Space tax", "_taxRates": [{"rate": 7}]},
        {"name": "Star tax"},
    ),
    ("unit", "/v1/organizations/{org}/units", {"name": "Moon base"}, {"city": "Tranquility"}),
    ("category", "/v1/organizations/{org}/categories", {"name": "Fuel", "alias": "f"}, {}),
    ("pricelist", "/v1/organizations/{org}/priceLists", {"name": "Retail"}, {"active": False}),
    ("price", "/v1/priceLists/{pricelist}/prices", {"itemId": "{item}", "price": 9}, {}),
    (
        "document",
        "/v1/organizations/{org}/documents",
        {
            "draft": True,
            "_documentClient": {"name": "Rocket"},
            "_documentItems": [{"name": "Suit"}],
        },
        {"note": "Thanks"},
    ),
    ("payment", "/v1/documents/{document}/payments", {"type": "cash", "amount": 1}, {}),
    ("order", "/v1/organizations/{org}/orders", {"orderId": "wc-1"}, {"paid": True}),
]
COLLECTIONS = {"category": "categories", "tax": "taxes", "pricelist": "priceLists"}


def change_every_model(api: Api, oid: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Create, update and delete one instance of each model; the API's answers by event."""
    ids = {"org": oid}
    answers: dict[tuple[str, str], dict[str, Any]] = {}
    for model, url, create_body, update_body in MODEL_CHANGES:
        body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in create_body.items()}
        created = api.post(url.format(**ids), json=body)
        assert created.status_code == 200, (model, created.text)
        ids[model] = created.json()["id"]
        answers[model, "create"] = created.json()
        path = f"/v1/{COLLECTIONS.get(model, model + 's')}/{ids[model]}"
        updated = api.patch(path, json=update_body or {"custom": {"changed": True}})
        assert updated.status_code == 200, (model, updated.text)
        answers[model, "update"] = updated.json()
    for model, *_ in reversed(MODEL_CHANGES):
        path = f"/v1/{COLLECTIONS.get(model, model + 's')}/{ids[model]}"
        assert api.delete(path).json() == {"count": 1}, model
    return answers


def test_every_model_change_is_delivered_with_the_instance_as_the_api_answers_it(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    """Issue 6 item 3 and COMPAT §8.1: create, update and delete of each model, as events."""
    oid = organization["id"]
    hook = create_hook(api, oid, receiver.url(), "*")
    answers = change_every_model(api, oid)
    settle(worker, database, hook["id"])
    received: dict[tuple[str, str], Any] = {}
    for request in receiver.requests:  # the first of each: a payment updates its document too
        received.setdefault(
            (request.json["event"], request.json["data"]["id"]), request.json["data"]
        )
    for model, *_ in MODEL_CHANGES:
        instance_id = answers[model, "create"]["id"]
        for action in ("create", "update", "delete"):
            key = (f"{model}/{action}", instance_id)
            assert key in received, f"{model}/{action} was not delivered"
            if action != "delete":
                assert received[key] == answers[model, action], key
        assert received[f"{model}/delete", instance_id]["_isDeleted"] is True, model
