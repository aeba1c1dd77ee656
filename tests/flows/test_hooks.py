"""The inbound hook (FLOWS §F4.3) through real HTTP: no launch code, JSON or form bodies,
Idempotency-Key, wrong secrets 404, disabled 409, too large 413, bad JSON 400."""

from __future__ import annotations

from typing import Any

import httpx

from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api, LiveServer
from tests.flows.conftest import create_client_step, create_flow, passing, run_of, settle

WEBHOOK = {"type": "webhook"}


def hook_path(flow: dict[str, Any]) -> str:
    url: str = flow["hookUrl"]
    return "/v1/" + url.split("/v1/", 1)[1]


def test_a_hook_call_creates_the_client(
    api: Api,
    organization: dict[str, Any],
    live_server: LiveServer,
    worker: Worker,
    database: Database,
) -> None:
    """The shop's system posts; Spaceport creates the client (issue 10)."""
    oid = organization["id"]
    flow = create_flow(api, oid, [create_client_step("client", "{{ trigger.data.name }}")], WEBHOOK)
    answer = httpx.post(live_server.url + hook_path(flow), json={"name": "Hooked Ltd"})
    assert answer.status_code == 202, answer.text
    settle(worker, database)
    run = run_of(api, answer.json()["runId"])
    assert run["status"] == "succeeded", run
    assert run["trigger"]["type"] == "webhook" and run["trigger"]["data"] == {"name": "Hooked Ltd"}
    found = api.get(
        f"/v1/organizations/{oid}/clients", params={"filter[where][name]": "Hooked Ltd"}
    )
    assert len(found.json()) == 1


def test_form_bodies_and_idempotency_keys(
    api: Api, organization: dict[str, Any], live_server: LiveServer
) -> None:
    """A `qs` form body; COMPAT §6.11: a repeat answers the same runId and starts nothing."""
    flow = create_flow(api, organization["id"], [passing()], WEBHOOK)
    url = live_server.url + hook_path(flow)
    form = httpx.post(
        url, content=b"a[b]=1&c=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert form.status_code == 202, form.text
    assert run_of(api, form.json()["runId"])["trigger"]["data"] == {"a": {"b": "1"}, "c": "x"}
    key = {"Idempotency-Key": "order-17"}
    first = httpx.post(url, json={"order": 17}, headers=key)
    second = httpx.post(url, json={"order": 17}, headers=key)
    assert first.status_code == second.status_code == 202
    assert first.json()["runId"] == second.json()["runId"]
    runs = api.get(f"/v1/flows/{flow['id']}/runs/count").json()
    assert runs == {"count": 2}


def test_refusals(api: Api, organization: dict[str, Any], live_server: LiveServer) -> None:
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()], WEBHOOK)
    url = live_server.url + hook_path(flow)
    wrong = url[:-4] + "AAAA"
    assert httpx.post(wrong, json={}).status_code == 404
    assert (
        httpx.post(url, content=b"{nope", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    big = httpx.post(
        url,
        content=b'{"a": "' + b"x" * (1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413
    api.patch(f"/v1/flows/{flow['id']}", json={"enabled": False})
    assert httpx.post(url, json={}).status_code == 409
    api.patch(f"/v1/flows/{flow['id']}", json={"enabled": True})
    rotated = api.post(f"/v1/flows/{flow['id']}/rotate-hook").json()
    assert httpx.post(url, json={}).status_code == 404  # the old URL
    assert httpx.post(live_server.url + hook_path(rotated), json={}).status_code == 202
    event = create_flow(api, oid, [passing()])
    assert (
        httpx.post(f"{live_server.url}/v1/hooks/flows/{event['id']}/{'x' * 43}").status_code == 404
    )
    api.delete(f"/v1/flows/{flow['id']}")
    assert httpx.post(live_server.url + hook_path(rotated), json={}).status_code == 404
