"""What the flows tests share: settings with loopback targets allowed and retries in fractions
of a second, a worker of flow runs, and helpers to create flows and wait for their runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.flows.runs import RUN
from spaceport.jobs.models import UNFINISHED, Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api

RETRY_DELAYS = "0.2,0.2,0.2"


@pytest.fixture
def flow_settings(app: Any, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings: Settings = app.state.settings
    monkeypatch.setattr(settings, "webhook_allow_private", True)
    monkeypatch.setattr(settings, "flow_retry_delays", RETRY_DELAYS)
    return settings


@pytest.fixture
def worker(database: Database, flow_settings: Settings) -> Worker:
    return Worker(database, flow_settings, TASKS, kinds={RUN, "document.send"})


def unfinished(database: Database) -> int:
    with database.transaction(write=False) as session:
        found = session.scalars(select(Job.id).where(Job.kind == RUN, Job.status.in_(UNFINISHED)))
        return len(list(found))


def work_until(worker: Worker, done: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        if done():
            return
        time.sleep(0.02)
    raise AssertionError("the worker did not get there in time")


def settle(worker: Worker, database: Database, timeout: float = 20) -> None:
    """Fan out what is committed, then work until every flow run job has finished."""
    worker.run_once()
    work_until(worker, lambda: unfinished(database) == 0, timeout)


def create_flow(api: Api, oid: str, steps: list[Any], trigger: Any = None, **fields: Any) -> Any:
    body = {
        "name": "A flow",
        "trigger": trigger or {"type": "event", "events": ["client/create"]},
        "steps": steps,
        **fields,
    }
    response = api.post(f"/v1/organizations/{oid}/flows", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def runs_of(api: Api, flow_id: str, **query: Any) -> list[Any]:
    response = api.get(f"/v1/flows/{flow_id}/runs", params=query)
    assert response.status_code == 200, response.text
    found: list[Any] = response.json()
    return found


def passing(key: str = "pass") -> dict[str, Any]:
    """A step that always passes: a filter on what every trigger has."""
    return {"key": key, "type": "filter", "where": {"trigger.organizationId": {"neq": None}}}


def create_client_step(key: str = "client", name: str = "{{ trigger.data.name }}") -> Any:
    return {
        "key": key,
        "type": "action",
        "action": "spaceport.createClient",
        "input": {"name": name},
    }


class Answer:
    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


class Server:
    """A real HTTP server on loopback: records every request, answers each with the next of
    `answers` (the last one repeats), JSON bodies as JSON."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict[str, Any]] = []
        self.answers: list[Answer] = [Answer(200, {"ok": True})]
        self.delay = 0.0  # seconds before each answer
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                if len(raw) < length:  # the caller went away mid-request (a killed worker)
                    return
                answer = server.record(self.command, self.path, dict(self.headers), raw)
                time.sleep(server.delay)
                data = (
                    b""
                    if answer.body is None
                    else (
                        answer.body.encode()
                        if isinstance(answer.body, str)
                        else json.dumps(answer.body).encode()
                    )
                )
                self.send_response(answer.status)
                if answer.body is not None and not isinstance(answer.body, str):
                    self.send_header("Content-Type", "application/json")
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def record(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        with self.lock:
            self.requests.append({"method": method, "path": path, "headers": headers, "body": body})
            return self.answers[min(len(self.requests), len(self.answers)) - 1]

    def url(self, path: str = "/call") -> str:
        return f"http://127.0.0.1:{self.http.server_port}{path}"

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def server() -> Any:
    found = Server()
    yield found
    found.stop()


def http_step(url: str, key: str = "call", **input_: Any) -> dict[str, Any]:
    return {
        "key": key,
        "type": "action",
        "action": "http.request",
        "input": {"method": "POST", "url": url, **input_},
    }


def manual_run(api: Api, flow_id: str, data: Any = None) -> str:
    started = api.post(f"/v1/flows/{flow_id}/run", json={"data": data})
    assert started.status_code == 202, started.text
    run_id: str = started.json()["runId"]
    return run_id


def run_of(api: Api, run_id: str) -> Any:
    response = api.get(f"/v1/flowRuns/{run_id}")
    assert response.status_code == 200, response.text
    return response.json()
