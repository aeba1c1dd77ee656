"""The run engine (FLOWS §F5.1, FLOWS §F7.2, FLOWS §F8.3, FLOWS §F8.4, FLOWS §F7.4): steps in
order, filters and branches, retries of retryable failures, failures naming the step, the run
timeout, and a run whose worker died taken again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from spaceport.config import Settings
from spaceport.flows.models import FlowRun
from spaceport.jobs.models import Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database, utcnow
from tests.answered import as_documented
from tests.conftest import Api
from tests.flows.conftest import (
    Answer,
    Server,
    create_client_step,
    create_flow,
    http_step,
    manual_run,
    passing,
    run_of,
    settle,
)
from tests.flows.contextual_server import API_KEY, ContextualServer


def test_steps_run_in_order_with_their_records(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F7.2: every step's rendered input, output, attempts and timings."""
    steps = [
        create_client_step("client", "{{ trigger.data.name }}"),
        http_step(server.url(), body={"clientId": "{{ steps.client.id }}"}),
    ]
    flow = create_flow(api, organization["id"], steps)
    run_id = manual_run(api, flow["id"], {"name": "Gemini"})
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "succeeded" and run["error"] is None
    assert run["startedAt"] and run["finishedAt"]
    client, call = run["steps"]
    assert client["status"] == "succeeded" and client["attempts"] == 1
    assert client["input"] == {"name": "Gemini"} and client["output"]["name"] == "Gemini"
    assert call["input"]["body"] == {"clientId": client["output"]["id"]}
    assert call["output"]["status"] == 200 and call["output"]["body"] == {"ok": True}
    assert server.requests[0]["body"] == f'{{"clientId":"{client["output"]["id"]}"}}'.encode()


def test_a_filter_that_fails_ends_the_run_filtered(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F5.1: output `{"passed": false}`, later steps `skipped`, not an error."""
    steps = [
        {"key": "big", "type": "filter", "where": {"trigger.data.total": {"gt": 1000}}},
        create_client_step(),
    ]
    flow = create_flow(api, organization["id"], steps)
    small = manual_run(api, flow["id"], {"total": 999.5, "name": "x"})
    big = manual_run(api, flow["id"], {"total": 1000.5, "name": "y"})
    settle(worker, database)
    run = run_of(api, small)
    assert run["status"] == "filtered" and run["error"] is None
    assert [(s["status"], s["output"]) for s in run["steps"]] == [
        ("succeeded", {"passed": False}),
        ("skipped", None),
    ]
    assert [s["status"] for s in run_of(api, big)["steps"]] == ["succeeded", "succeeded"]


def test_a_branch_runs_one_side_then_the_steps_after_it(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F5.1, FLOWS §F5.3: the where's string values are templates, rendered first."""
    steps = [
        {
            "key": "vip",
            "type": "branch",
            "where": {"trigger.data.name": "{{ trigger.data.vip }}"},
            "then": [create_client_step("gold", "gold {{ trigger.data.name }}")],
            "else": [create_client_step("plain", "plain {{ trigger.data.name }}")],
        },
        create_client_step("after", "after {{ steps.gold.name }}{{ steps.plain.name }}"),
    ]
    flow = create_flow(api, organization["id"], steps)
    gold = manual_run(api, flow["id"], {"name": "Ann", "vip": "Ann"})
    plain = manual_run(api, flow["id"], {"name": "Bob", "vip": "Ann"})
    settle(worker, database)
    run = run_of(api, gold)
    assert [(s["key"], s["status"]) for s in run["steps"]] == [
        ("vip", "succeeded"),
        ("gold", "succeeded"),
        ("plain", "skipped"),
        ("after", "succeeded"),
    ]
    assert run["steps"][0]["output"] == {"branch": "then"}
    assert run["steps"][3]["output"]["name"] == "after gold Ann"
    other = run_of(api, plain)
    assert other["steps"][0]["output"] == {"branch": "else"}
    assert other["steps"][3]["output"]["name"] == "after plain Bob"
    as_documented(api.client, run, "FlowRun")  # FLOWS §F7.2 as the OpenAPI document types it
    as_documented(api.client, api.get(f"/v1/flows/{flow['id']}").json(), "Flow")


def test_a_503_is_retried_and_succeeds_on_the_second_attempt(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F8.4: 503 once, then 200: succeeded after two attempts."""
    server.answers = [Answer(503, {"detail": "busy"}), Answer(200, {"ok": 1})]
    flow = create_flow(api, organization["id"], [http_step(server.url())])
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "succeeded", run
    assert run["steps"][0]["attempts"] == 2 and "error" not in run["steps"][0]
    assert len(server.requests) == 2


def test_a_401_fails_at_once_naming_the_step(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F8.4: other 4xx fail at once; FLOWS §F7.4: `flowRun/failed` recorded."""
    server.answers = [Answer(401, {"message": "bad key"})]
    oid = organization["id"]
    flow = create_flow(api, oid, [passing(), http_step(server.url()), create_client_step()])
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed"
    assert run["error"]["step"] == "call" and run["error"]["statusCode"] == 401
    assert "bad key" in run["error"]["message"]
    assert [s["status"] for s in run["steps"]] == ["succeeded", "failed", "skipped"]
    assert run["steps"][1]["attempts"] == 1 and len(server.requests) == 1
    as_documented(api.client, run, "FlowRun")  # FLOWS §F7.2: `error` and a step's `error`
    events = api.get(
        f"/v1/organizations/{oid}/events", params={"filter[where][event]": "flowRun/failed"}
    ).json()
    assert [e["data"]["id"] for e in events] == [run_id]
    assert events[0]["data"]["status"] == "failed"


def test_retries_stop_after_the_last_delay(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F8.4: three delays: at most four attempts, then failed."""
    server.answers = [Answer(500, "down")]
    flow = create_flow(api, organization["id"], [http_step(server.url())])
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed" and run["steps"][0]["attempts"] == 4
    assert run["error"] == {"step": "call", "message": "HTTP 500: down", "statusCode": 500}
    assert len(server.requests) == 4


def test_an_invalid_rendered_input_fails_at_once_with_422(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F6.1: after rendering, an invalid input fails the step, statusCode 422."""
    step = create_client_step("client", "{{ trigger.data.number }}")
    flow = create_flow(api, organization["id"], [step])
    run_id = manual_run(api, flow["id"], {"number": 42})
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed" and run["error"]["statusCode"] == 422
    assert run["steps"][0]["error"]["details"] == {"input.name": ["must be of type string"]}


def test_a_run_past_its_timeout_fails(
    api: Api,
    organization: dict[str, Any],
    worker: Worker,
    database: Database,
    flow_settings: Settings,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FLOWS §F8.3: unfinished after SPACEPORT_FLOW_RUN_TIMEOUT_SECONDS: `run timed out`."""
    monkeypatch.setattr(flow_settings, "flow_retry_delays", "5")
    monkeypatch.setattr(flow_settings, "flow_run_timeout_seconds", 0.5)
    server.answers = [Answer(503, "busy")]
    flow = create_flow(api, organization["id"], [http_step(server.url())])
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed"
    assert run["error"] == {"step": None, "message": "run timed out", "statusCode": None}
    assert [s["status"] for s in run["steps"]] == ["failed"]


def test_a_run_whose_worker_died_is_taken_again(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F8.3: the succeeded steps are skipped, the one in flight executed again."""
    flow = create_flow(
        api, organization["id"], [create_client_step("first", "once"), http_step(server.url())]
    )
    run_id = manual_run(api, flow["id"])
    claim = worker.claim()
    assert claim is not None and claim.job.payload == {"runId": run_id}
    with database.transaction() as session:  # the first worker got this far, then died
        run = session.get(FlowRun, run_id)
        assert run is not None
        steps = [dict(s) for s in run.steps]
        steps[0].update(status="succeeded", attempts=1, output={"id": "earlier"})
        steps[1].update(attempts=1)
        run.status, run.started_at, run.steps = "running", utcnow(), steps
        expired = utcnow() - timedelta(seconds=1)
        session.execute(update(Job).where(Job.id == claim.job.id).values(leased_until=expired))
    settle(worker, database)
    run_ = run_of(api, run_id)
    assert run_["status"] == "succeeded"
    assert run_["steps"][0]["output"] == {"id": "earlier"}  # not executed again
    assert run_["steps"][1]["attempts"] == 2 and len(server.requests) == 1
    with database.transaction(write=False) as session:
        names = session.scalars(select(FlowRun.id).where(FlowRun.flow_id == flow["id"]))
        assert list(names) == [run_id]
    worker.record(claim, "done")  # the dead worker's late outcome counts for nothing


def test_mapping_keeps_types_and_formats_money(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F5.4: a lone expression keeps its type; FLOWS §F5.5: an `sl` money format."""
    body = {
        "total": "{{ trigger.data.total }}",
        "shown": "{{ trigger.data.total | money: 'EUR', 'sl' }}",
        "sum": "{{ trigger.data.a | plus: trigger.data.b }}",
        "list": "{{ trigger.data.tags }}",
    }
    flow = create_flow(api, organization["id"], [http_step(server.url(), body=body)])
    run_id = manual_run(api, flow["id"], {"total": 1234.5, "a": 0.1, "b": 0.2, "tags": ["x"]})
    settle(worker, database)
    sent = run_of(api, run_id)["steps"][0]["input"]["body"]
    assert sent == {"total": 1234.5, "shown": "1.234,50\xa0€", "sum": 0.3, "list": ["x"]}


def test_a_contextual_step_calls_with_its_connection(
    api: Api,
    organization: dict[str, Any],
    worker: Worker,
    database: Database,
    contextual: ContextualServer,
) -> None:
    """FLOWS §F6.4 through a run: the step's connection (its key, its `baseUrl`), checked live
    at save (FLOWS §F3.3) and opened for the call."""
    oid = organization["id"]
    made = api.post(
        f"/v1/organizations/{oid}/connections",
        json={
            "name": "AI",
            "type": "contextual",
            "apiKey": API_KEY,
            "baseUrl": contextual.base_url,
        },
    )
    assert made.status_code == 200, made.text
    step = {
        "key": "store",
        "type": "action",
        "action": "contextual.createDatastore",
        "connectionId": made.json()["id"],
        "input": {"name": "{{ trigger.data.name }}"},
    }
    flow = create_flow(api, oid, [step])
    run_id = manual_run(api, flow["id"], {"name": "Invoices"})
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "succeeded", run
    [call] = [r for r in contextual.received if r.path == "/v1/datastores"]
    assert call.method == "POST" and call.key == API_KEY and call.json == {"name": "Invoices"}
    assert API_KEY not in str(run)
    unknown = api.post(
        f"/v1/organizations/{oid}/flows",
        json={
            "name": "x",
            "trigger": {"type": "webhook"},
            "steps": [{**step, "connectionId": "0" * 24}],
        },
    )
    assert unknown.status_code == 422
    assert "steps[0].connectionId" in unknown.json()["error"]["details"]["messages"]
