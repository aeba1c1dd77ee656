"""A real HTTP receiver on loopback and a worker that delivers to it, for the webhook tests
(COMPAT §8.2) and the tests of other domains that watch deliveries."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
