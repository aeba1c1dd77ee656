"""`http.request` (FLOWS §F6.3) against a real loopback server: bodies, headers redacted in
the run, no redirects, private addresses refused at the call (FLOWS §F2.5)."""

from __future__ import annotations

from typing import Any

import pytest

from spaceport.config import Settings
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.flows.conftest import Answer, Server, create_flow, http_step, manual_run, run_of, settle


def test_bodies_headers_and_redaction(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    server.answers = [Answer(201, {"id": 7}, {"X-Answer": "yes"}), Answer(200, "plain text")]
    headers = {
        "Authorization": "Bearer sk-123",
        "X-Api-Key": "k",
        "X-Session-Token": "t",
        "Cookie": "c=1",
        "X-Plain": "shown",
    }
    steps = [
        http_step(server.url("/json"), "json", headers=headers, body=["a", {"b": 1}]),
        http_step(server.url("/text"), "text", body="raw {{ steps.json.body.id }}"),
    ]
    flow = create_flow(api, organization["id"], steps)
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "succeeded", run
    first, second = server.requests
    assert first["body"] == b'["a",{"b":1}]'
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["Authorization"] == "Bearer sk-123"  # sent as given
    assert second["body"] == b"raw 7"
    shown = run["steps"][0]["input"]["headers"]
    assert shown == {
        "Authorization": "[redacted]",
        "X-Api-Key": "[redacted]",
        "X-Session-Token": "[redacted]",
        "Cookie": "[redacted]",
        "X-Plain": "shown",
    }
    output = run["steps"][0]["output"]
    assert output["status"] == 201 and output["body"] == {"id": 7}
    assert output["headers"]["x-answer"] == "yes"
    assert run["steps"][1]["output"]["body"] == "plain text"


def test_redirects_are_not_followed(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    server.answers = [Answer(302, None, {"Location": server.url("/elsewhere")})]
    flow = create_flow(api, organization["id"], [http_step(server.url())])
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["steps"][0]["output"]["status"] == 302
    assert [r["path"] for r in server.requests] == ["/call"]


def test_private_addresses_are_refused_at_the_call(
    api: Api,
    organization: dict[str, Any],
    worker: Worker,
    database: Database,
    server: Server,
    flow_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FLOWS §F2.5: the step fails at once, `statusCode` null; nothing is sent."""
    step = http_step("{{ trigger.data.url }}")
    flow = create_flow(api, organization["id"], [step])
    monkeypatch.setattr(flow_settings, "webhook_allow_private", False)
    run_id = manual_run(api, flow["id"], {"url": server.url()})
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed" and run["steps"][0]["attempts"] == 1
    assert run["error"]["statusCode"] is None and "127.0.0.1" in run["error"]["message"]
    assert server.requests == []


def test_a_connection_error_is_retried(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F8.4: connection errors are retried, then the run fails, `statusCode` null."""
    closed = Server()
    url = closed.url()
    closed.stop()
    flow = create_flow(api, organization["id"], [http_step(url)])
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed" and run["steps"][0]["attempts"] == 4
    assert run["error"]["statusCode"] is None
