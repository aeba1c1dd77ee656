"""Test runs (FLOWS §F4.5): executed in the request, answered finished with `test: true`."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.flows.conftest import Answer, Server, create_client_step, create_flow, http_step


def run_test(api: Api, flow_id: str, body: dict[str, Any]) -> Any:
    return api.post(f"/v1/flows/{flow_id}/test", json=body)


def test_a_test_run_with_data_runs_actions_for_real(
    api: Api, organization: dict[str, Any], flow_settings: Any
) -> None:
    oid = organization["id"]
    flow = create_flow(api, oid, [create_client_step("client", "{{ trigger.data.name }}")])
    answer = run_test(api, flow["id"], {"data": {"name": "Tested"}})
    assert answer.status_code == 200, answer.text
    run = answer.json()
    assert run["test"] is True and run["status"] == "succeeded"
    assert run["trigger"]["uid"] is None and run["trigger"]["data"] == {"name": "Tested"}
    assert run["steps"][0]["output"]["name"] == "Tested"
    found = api.get(f"/v1/organizations/{oid}/clients", params={"filter[where][name]": "Tested"})
    assert len(found.json()) == 1


def test_a_test_run_of_an_instance_applies_the_where(
    api: Api, organization: dict[str, Any], flow_settings: Any
) -> None:
    """That instance as answered now, deleted too; no match: `filtered`, no step runs."""
    oid = organization["id"]
    trigger = {"type": "event", "events": ["client/create"], "where": {"city": "Kranj"}}
    flow = create_flow(api, oid, [create_client_step("copy", "copy")], trigger=trigger)
    kranj = api.post(f"/v1/organizations/{oid}/clients", json={"name": "K", "city": "Kranj"}).json()
    other = api.post(f"/v1/organizations/{oid}/clients", json={"name": "O", "city": "Bled"}).json()
    api.delete(f"/v1/clients/{kranj['id']}")
    matched = run_test(api, flow["id"], {"event": "client/create", "id": kranj["id"]}).json()
    assert matched["status"] == "succeeded" and matched["trigger"]["data"]["id"] == kranj["id"]
    assert matched["trigger"]["event"] == "client/create" and matched["trigger"]["uid"] is None
    filtered = run_test(api, flow["id"], {"event": "client/create", "id": other["id"]}).json()
    assert filtered["status"] == "filtered"
    assert [s["status"] for s in filtered["steps"]] == ["skipped"]
    unknown = run_test(api, flow["id"], {"event": "client/create", "id": "0" * 24})
    assert unknown.status_code == 422


def test_a_test_run_makes_one_attempt_and_records_no_failure_event(
    api: Api, organization: dict[str, Any], flow_settings: Any, server: Server
) -> None:
    server.answers = [Answer(503, "busy")]
    oid = organization["id"]
    flow = create_flow(api, oid, [http_step(server.url())])
    run = run_test(api, flow["id"], {"data": None}).json()
    assert run["status"] == "failed" and run["steps"][0]["attempts"] == 1
    assert run["error"]["statusCode"] == 503 and len(server.requests) == 1
    events = api.get(
        f"/v1/organizations/{oid}/events", params={"filter[where][event]": "flowRun/failed"}
    )
    assert events.json() == []
