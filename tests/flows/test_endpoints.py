"""Flows through HTTP (FLOWS §F3.1, FLOWS §F3.2): CRUD, count, the filter language, soft delete,
events without `hookUrl`, the hook URL shown to writers, rotate-hook, manual runs (FLOWS §F4.4),
and the catalogs (FLOWS §F6.1, FLOWS §F4.6)."""

from __future__ import annotations

from typing import Any

from spaceport.config import Settings
from tests.conftest import Api
from tests.flows.conftest import create_client_step, create_flow, passing

WEBHOOK = {"type": "webhook"}


def events_of(api: Api, oid: str, name: str) -> list[Any]:
    found = api.get(f"/v1/organizations/{oid}/events", params={"filter[where][event]": name})
    assert found.status_code == 200, found.text
    return list(found.json())


def test_create_answers_the_flow_as_saved(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F3.2: trigger and steps answered as saved; id, organizationId, createdBy."""
    oid = organization["id"]
    flow = create_flow(api, oid, [create_client_step()], name="New clients", custom={"a": 1})
    assert flow["name"] == "New clients"
    assert flow["enabled"] is True
    assert flow["organizationId"] == oid
    assert flow["createdBy"] == api.account_id
    assert flow["trigger"] == {"type": "event", "events": ["client/create"]}
    assert flow["steps"] == [create_client_step()]
    assert flow["custom"] == {"a": 1}
    assert flow["hookUrl"] is None  # not a webhook trigger
    assert {"createdAt", "updatedAt", "id"} <= set(flow)
    assert "hookSecret" not in flow and "triggerType" not in flow
    got = api.get(f"/v1/flows/{flow['id']}")
    assert got.status_code == 200 and got.json()["steps"] == flow["steps"]


def test_list_count_filter_and_soft_delete(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F3.1 with COMPAT §4.1 filters and COMPAT §5.1 soft delete."""
    oid = organization["id"]
    first = create_flow(api, oid, [passing()], name="first")
    create_flow(api, oid, [passing()], name="second", enabled=False)
    listed = api.get(f"/v1/organizations/{oid}/flows", params={"filter[where][enabled]": "false"})
    assert [f["name"] for f in listed.json()] == ["second"]
    count = api.get(f"/v1/organizations/{oid}/flows/count")
    assert count.json() == {"count": 2}
    assert api.delete(f"/v1/flows/{first['id']}").json() == {"count": 1}
    assert api.get(f"/v1/flows/{first['id']}").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/flows/count").json() == {"count": 1}
    deleted = api.get(f"/v1/organizations/{oid}/flows", params={"filter[deleted]": "true"})
    assert first["id"] in [f["id"] for f in deleted.json()]


def test_update_replaces_trigger_or_steps_whole(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F3.2: an update giving `steps` replaces them; PUT is PATCH (COMPAT §1.10)."""
    oid = organization["id"]
    flow = create_flow(api, oid, [passing("one"), passing("two")])
    updated = api.put(f"/v1/flows/{flow['id']}", json={"steps": [passing("three")]})
    assert updated.status_code == 200, updated.text
    assert [s["key"] for s in updated.json()["steps"]] == ["three"]
    assert updated.json()["trigger"] == flow["trigger"]
    renamed = api.patch(f"/v1/flows/{flow['id']}", json={"name": "Renamed"})
    assert renamed.json()["name"] == "Renamed" and renamed.json()["steps"] == [passing("three")]


def test_changes_record_events_without_hook_url(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F3.1: flow/create|update|delete, `data` lacks `hookUrl`."""
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()], trigger=WEBHOOK)
    api.patch(f"/v1/flows/{flow['id']}", json={"name": "x"})
    api.delete(f"/v1/flows/{flow['id']}")
    for action in ("create", "update", "delete"):
        found = events_of(api, oid, f"flow/{action}")
        assert [e["data"]["id"] for e in found] == [flow["id"]]
        assert "hookUrl" not in found[0]["data"] and "hookSecret" not in found[0]["data"]


def test_hook_url_shown_to_writers_and_rotated(
    api: Api, organization: dict[str, Any], settings: Settings
) -> None:
    """FLOWS §F4.3: `SPACEPORT_PUBLIC_URL/v1/hooks/flows/<id>/<secret>`, ≥ 32 characters of
    secret; rotate-hook answers a new one; readonly members see none."""
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()], trigger=WEBHOOK)
    prefix = f"{settings.public_url}/v1/hooks/flows/{flow['id']}/"
    assert flow["hookUrl"].startswith(prefix)
    secret = flow["hookUrl"].removeprefix(prefix)
    assert len(secret) >= 32 and secret.replace("-", "").replace("_", "").isalnum()
    assert api.get(f"/v1/flows/{flow['id']}").json()["hookUrl"] == flow["hookUrl"]
    rotated = api.post(f"/v1/flows/{flow['id']}/rotate-hook")
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["hookUrl"].startswith(prefix)
    assert rotated.json()["hookUrl"] != flow["hookUrl"]


def test_readonly_members_see_no_hook_url_and_cannot_write(
    client: Any, api: Api, organization: dict[str, Any]
) -> None:
    """COMPAT §3.6: readonly only GETs; FLOWS §F4.3: the hook URL only for writers."""
    oid = organization["id"]
    flow = create_flow(api, oid, [passing()], trigger=WEBHOOK)
    reader = Api(client)
    invited = api.post(
        f"/v1/organizations/{oid}/invite",
        data={"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"},
    )
    assert invited.status_code == 200, invited.text
    assert reader.get(f"/v1/flows/{flow['id']}").json()["hookUrl"] is None
    assert reader.patch(f"/v1/flows/{flow['id']}", json={"name": "x"}).status_code == 403
    assert reader.post(f"/v1/flows/{flow['id']}/run", json={}).status_code == 403


def test_another_account_gets_401(client: Any, api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §2.2: another account's flow is a 401."""
    flow = create_flow(api, organization["id"], [passing()])
    other = Api(client)
    assert other.get(f"/v1/flows/{flow['id']}").status_code == 401
    assert api.client.get("/v1/flowActions").status_code == 401  # FLOWS §F1.1: a launch code


def test_manual_run_answers_202_with_the_run(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F4.4: one `manual` run now, even for a disabled flow."""
    flow = create_flow(api, organization["id"], [passing()], enabled=False)
    started = api.post(f"/v1/flows/{flow['id']}/run", json={"data": {"a": 1}})
    assert started.status_code == 202, started.text
    run = api.get(f"/v1/flowRuns/{started.json()['runId']}").json()
    assert run["flowId"] == flow["id"] and run["status"] == "queued" and run["test"] is False
    assert run["trigger"]["type"] == "manual" and run["trigger"]["data"] == {"a": 1}
    assert [s["status"] for s in run["steps"]] == ["pending"]


def test_flow_actions_and_triggers_describe_themselves(api: Api) -> None:
    """FLOWS §F6.1, FLOWS §F4.6."""
    actions = api.get("/v1/flowActions")
    assert actions.status_code == 200, actions.text
    by_name = {a["name"]: a for a in actions.json()}
    for name in (
        "spaceport.createClient",
        "spaceport.updateClient",
        "spaceport.createDocument",
        "spaceport.createPayment",
        "spaceport.sendDocument",
        "http.request",
    ):
        assert set(by_name[name]) == {
            "name",
            "title",
            "description",
            "provider",
            "connectionType",
            "inputSchema",
        }
        assert by_name[name]["inputSchema"]["type"] == "object"
    assert by_name["http.request"]["provider"] == "http"
    assert by_name["spaceport.sendDocument"]["inputSchema"]["required"] == ["documentId"]
    triggers = api.get("/v1/flowTriggers").json()
    assert [t["type"] for t in triggers] == ["event", "schedule", "webhook"]
    assert "documents" in triggers[1]["collections"]
    assert "client/create" in triggers[0]["events"]
    assert not [e for e in triggers[0]["events"] if e.startswith(("flow", "connection"))]
