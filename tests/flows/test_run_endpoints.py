"""Runs through HTTP (FLOWS §F7.1, FLOWS §F7.3): lists newest first with the filter language,
counts, test runs only when the filter names `test`, retry from the failed step or the start."""

from __future__ import annotations

from typing import Any

from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
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


def test_lists_and_counts(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()])
    other = create_flow(api, oid, [passing()])
    first, second = manual_run(api, flow["id"]), manual_run(api, flow["id"])
    manual_run(api, other["id"])
    tested = api.post(f"/v1/flows/{flow['id']}/test", json={"data": {}})
    assert tested.status_code == 200, tested.text
    settle(worker, database)
    listed = api.get(f"/v1/flows/{flow['id']}/runs").json()
    assert [r["id"] for r in listed] == [second, first]  # createdAt DESC, no test run
    assert set(listed[0]) == {
        "id",
        "flowId",
        "organizationId",
        "status",
        "test",
        "trigger",
        "steps",
        "error",
        "retryOf",
        "createdAt",
        "startedAt",
        "finishedAt",
    }
    assert api.get(f"/v1/flows/{flow['id']}/runs/count").json() == {"count": 2}
    everything = api.get(f"/v1/organizations/{oid}/flowRuns/count").json()
    assert everything == {"count": 3}
    tests = api.get(f"/v1/flows/{flow['id']}/runs", params={"filter[where][test]": "true"})
    assert [r["id"] for r in tests.json()] == [tested.json()["id"]]
    by_flow = api.get(
        f"/v1/organizations/{oid}/flowRuns", params={"filter[where][flowId]": other["id"]}
    )
    assert [r["flowId"] for r in by_flow.json()] == [other["id"]]
    ordered = api.get(f"/v1/flows/{flow['id']}/runs", params={"filter[order]": "createdAt ASC"})
    assert [r["id"] for r in ordered.json()] == [first, second]


def test_retry_from_the_failed_step(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database, server: Server
) -> None:
    """FLOWS §F7.3: the steps that succeeded are copied `reused: true`, not executed."""
    server.answers = [Answer(400, "no"), Answer(200, {"fixed": True})]
    oid = organization["id"]
    flow = create_flow(api, oid, [create_client_step("client", "Once"), http_step(server.url())])
    failed = manual_run(api, flow["id"])
    settle(worker, database)
    assert run_of(api, failed)["status"] == "failed"
    retried = api.post(f"/v1/flowRuns/{failed}/retry", json={})
    assert retried.status_code == 202, retried.text
    settle(worker, database)
    run = run_of(api, retried.json()["runId"])
    assert run["status"] == "succeeded" and run["retryOf"] == failed
    assert run["trigger"] == run_of(api, failed)["trigger"]
    assert run["steps"][0]["reused"] is True
    assert "reused" not in run["steps"][1] and run["steps"][1]["output"]["body"] == {"fixed": True}
    clients = api.get(f"/v1/organizations/{oid}/clients", params={"filter[where][name]": "Once"})
    assert len(clients.json()) == 1  # the client step ran once
    again = api.post(f"/v1/flowRuns/{run['id']}/retry", json={"from": "failed-step"})
    assert again.status_code == 409  # not failed
    start = api.post(f"/v1/flowRuns/{run['id']}/retry", json={"from": "start"})
    assert start.status_code == 202
    settle(worker, database)
    assert "reused" not in run_of(api, start.json()["runId"])["steps"][0]
    clients = api.get(f"/v1/organizations/{oid}/clients", params={"filter[where][name]": "Once"})
    assert len(clients.json()) == 2


def test_retry_refusals(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F7.3, FLOWS §F4.5: unfinished runs, test runs, bad `from`."""
    flow = create_flow(api, organization["id"], [passing()])
    queued = manual_run(api, flow["id"])
    assert api.post(f"/v1/flowRuns/{queued}/retry", json={"from": "start"}).status_code == 409
    bad = api.post(f"/v1/flowRuns/{queued}/retry", json={"from": "middle"})
    assert bad.status_code == 422
    tested = api.post(f"/v1/flows/{flow['id']}/test", json={"data": {}}).json()
    refused = api.post(f"/v1/flowRuns/{tested['id']}/retry", json={"from": "start"})
    assert refused.status_code == 409
