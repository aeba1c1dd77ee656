"""The event trigger (FLOWS §F4.1): runs created from the outbox under `event:<uid>` (FLOWS
§F8.1), the `where` on the event's data, what starts no run (FLOWS §F3.4, FLOWS §F8.6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from spaceport.flows.models import FlowRun
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.flows.conftest import create_client_step, create_flow, passing, runs_of, settle


def new_client(api: Api, oid: str, **fields: Any) -> Any:
    response = api.post(f"/v1/organizations/{oid}/clients", json={"name": "Rocket", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_an_event_starts_one_run_with_its_context(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F5.2: the trigger's context; FLOWS §F8.1: the run's key is `event:<uid>`."""
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()])
    client = new_client(api, oid, name="Apollo")
    settle(worker, database)
    worker.run_once()  # a second fan-out pass changes nothing
    [run] = runs_of(api, flow["id"])
    assert run["status"] == "succeeded", run
    trigger = run["trigger"]
    assert trigger["type"] == "event" and trigger["event"] == "client/create"
    assert (trigger["model"], trigger["action"]) == ("client", "create")
    assert trigger["data"]["id"] == client["id"] and trigger["organizationId"] == oid
    events = api.get(
        f"/v1/organizations/{oid}/events", params={"filter[where][event]": "client/create"}
    )
    uid = events.json()[0]["uid"]
    assert trigger["uid"] == uid
    with database.transaction(write=False) as session:
        keys = session.scalars(select(FlowRun.key).where(FlowRun.flow_id == flow["id"]))
        assert list(keys) == [f"event:{uid}"]


def test_where_on_the_event_data(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F4.1: COMPAT §4.1's operators on `data`; an unmatched event starts no run."""
    oid = organization["id"]
    trigger = {
        "type": "event",
        "events": ["client/create"],
        "where": {"name": {"like": "^Big"}, "city": {"neq": "Ljubljana"}},
    }
    flow = create_flow(api, oid, [passing()], trigger=trigger)
    new_client(api, oid, name="Big rocket", city="Brussels")
    new_client(api, oid, name="Small rocket", city="Brussels")
    new_client(api, oid, name="Big shuttle", city="Ljubljana")
    new_client(api, oid, name="Big balloon")  # no city: missing never matches neq
    settle(worker, database)
    runs = runs_of(api, flow["id"])
    assert [r["trigger"]["data"]["name"] for r in runs] == ["Big rocket"]


def test_bare_actions_and_star(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """COMPAT §8.2's entries: a bare action, `*` alone; flow events trigger no flow."""
    oid = organization["id"]
    updates = create_flow(api, oid, [passing()], trigger={"type": "event", "events": ["update"]})
    every = create_flow(api, oid, [passing()], trigger={"type": "event", "events": ["*"]})
    client = new_client(api, oid)
    api.patch(f"/v1/clients/{client['id']}", json={"city": "Kranj"})
    settle(worker, database)
    assert [r["trigger"]["event"] for r in runs_of(api, updates["id"])] == ["client/update"]
    assert sorted(r["trigger"]["event"] for r in runs_of(api, every["id"])) == [
        "client/create",
        "client/update",
    ]


def test_what_starts_no_run(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F3.4: a disabled or deleted flow, what happened before the enabling, a
    deactivated organization."""
    oid = organization["id"]
    disabled = create_flow(api, oid, [passing()], enabled=False)
    deleted = create_flow(api, oid, [passing()])
    api.delete(f"/v1/flows/{deleted['id']}")
    new_client(api, oid, name="Before")
    api.patch(f"/v1/flows/{disabled['id']}", json={"enabled": True})
    settle(worker, database)
    assert runs_of(api, disabled["id"]) == []
    new_client(api, oid, name="After")
    settle(worker, database)
    assert [r["trigger"]["data"]["name"] for r in runs_of(api, disabled["id"])] == ["After"]
    with database.transaction(write=False) as session:
        found = session.scalars(select(FlowRun.id).where(FlowRun.flow_id == deleted["id"]))
        assert list(found) == []


def test_a_run_never_starts_its_own_flow_again(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F8.6: the client a run creates records client/create; the same flow ignores it,
    and a chain of two flows feeding each other stops at depth 5."""
    oid = organization["id"]
    own = create_flow(api, oid, [create_client_step("copy", "copy of {{ trigger.data.name }}")])
    new_client(api, oid, name="Origin")
    settle(worker, database)
    assert len(runs_of(api, own["id"])) == 1
    api.patch(f"/v1/flows/{own['id']}", json={"enabled": False})
    ping = {"type": "event", "events": ["client/create"], "where": {"name": {"like": "^ping"}}}
    pong = {"type": "event", "events": ["client/create"], "where": {"name": {"like": "^pong"}}}
    first = create_flow(
        api, oid, [create_client_step("c", "pong {{ trigger.data.name }}")], trigger=ping
    )
    second = create_flow(
        api, oid, [create_client_step("c", "ping {{ trigger.data.name }}")], trigger=pong
    )
    new_client(api, oid, name="ping")
    for _ in range(8):
        settle(worker, database)
    total = len(runs_of(api, first["id"])) + len(runs_of(api, second["id"]))
    assert total == 5
