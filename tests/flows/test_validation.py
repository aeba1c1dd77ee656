"""FLOWS §F3.3: each save checks the whole flow and names every problem by its path; a refused
save changes nothing."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.flows.conftest import create_client_step, create_flow, passing


def refused(api: Api, oid: str, body: dict[str, Any]) -> dict[str, list[str]]:
    full = {"name": "Refused", "trigger": {"type": "event", "events": ["client/create"]}}
    response = api.post(f"/v1/organizations/{oid}/flows", json={**full, **body})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["name"] == "ValidationError"
    messages: dict[str, list[str]] = error["details"]["messages"]
    return messages


def test_trigger_problems_are_named(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    steps = [passing()]
    assert "trigger.type" in refused(api, oid, {"trigger": {"type": "sometimes"}, "steps": steps})
    messages = refused(
        api,
        oid,
        {
            "trigger": {
                "type": "event",
                "events": ["client/create", "rocket/launch", "flow/create", "flowRun/failed"],
                "where": {"totalWithTax": {"between": [1]}, "name": {"near": "1,2"}},
            },
            "steps": steps,
        },
    )
    assert set(messages) == {
        "trigger.events[1]",
        "trigger.events[2]",
        "trigger.events[3]",
        "trigger.where",
    }
    assert len(messages["trigger.where"]) == 2
    webhook = refused(api, oid, {"trigger": {"type": "webhook", "where": {}}, "steps": steps})
    assert "trigger.where" in webhook


def test_where_operators_are_checked(api: Api, organization: dict[str, Any]) -> None:
    """Unknown operator, `between` without two values, `inq`/`nin` without a list, `near`."""
    oid = organization["id"]
    for where in (
        {"a": {"unknownOp": 1}},
        {"a": {"between": [1, 2, 3]}},
        {"a": {"inq": "x"}},
        {"a": {"nin": 3}},
        {"a": {"near": "1,2"}},
        {"or": {"a": 1}},
    ):
        trigger = {"type": "event", "events": ["client/create"], "where": where}
        assert "trigger.where" in refused(api, oid, {"trigger": trigger, "steps": [passing()]})


def test_step_problems_are_all_named_at_once(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    steps = [
        passing("first"),
        {"key": "first", "type": "filter", "where": {"a": 1}},  # used twice
        {"key": "Bad-Key", "type": "filter", "where": {"a": 1}},
        {"key": "kind", "type": "loop"},
        {"key": "act", "type": "action", "action": "spaceport.launchRocket", "input": {}},
        {
            "key": "branch",
            "type": "branch",
            "where": {"a": {"foo": 1}},
            "then": [
                {
                    "key": "inner",
                    "type": "action",
                    "action": "spaceport.createClient",
                    "input": {"name": 5, "color": "red"},
                }
            ],
            "else": [],
        },
        {
            "key": "conn",
            "type": "action",
            "action": "http.request",
            "connectionId": "abc",
            "input": {"url": "http://example.com"},
        },
    ]
    messages = refused(api, oid, {"steps": steps})
    assert {
        "steps[1].key",
        "steps[2].key",
        "steps[3].type",
        "steps[4].action",
        "steps[5].where",
        "steps[5].then[0].input.name",
        "steps[5].then[0].input.color",
        "steps[6].connectionId",
        "steps[6].input.method",
    } <= set(messages)


def test_templates_must_name_the_context(api: Api, organization: dict[str, Any]) -> None:
    """A root other than trigger, steps, organization, now; `steps.<key>` of no earlier step."""
    oid = organization["id"]
    steps = [
        create_client_step("early", "{{ steps.late.name }}"),
        create_client_step("late", "{{ secrets.key }}"),
        create_client_step("fine", "{{ steps.early.name }} {{ organization.name }} {{ now }}"),
    ]
    messages = refused(api, oid, {"steps": steps})
    assert set(messages) == {"steps[0].input.name", "steps[1].input.name"}


def test_template_syntax_passes_any_type(api: Api, organization: dict[str, Any]) -> None:
    """FLOWS §F6.1: a string with template syntax passes any type at save."""
    step: dict[str, Any] = {
        "key": "pay",
        "type": "action",
        "action": "spaceport.createPayment",
        "input": {
            "documentId": "{{ trigger.data.id }}",
            "type": "bank",
            "amount": "{{ trigger.data.totalDue }}",
        },
    }
    create_flow(api, organization["id"], [step])
    literal = {**step, "input": {**step["input"], "amount": "five"}}
    assert "steps[0].input.amount" in refused(api, organization["id"], {"steps": [literal]})


def test_step_count_and_private_addresses(api: Api, organization: dict[str, Any]) -> None:
    """1 to 50 steps in all; a literal private address refused at save (FLOWS §F2.5)."""
    oid = organization["id"]
    assert "steps" in refused(api, oid, {"steps": []})
    many = [passing(f"s{i}") for i in range(51)]
    assert "steps" in refused(api, oid, {"steps": many})
    request = {
        "key": "call",
        "type": "action",
        "action": "http.request",
        "input": {"method": "GET", "url": "http://169.254.169.254/latest"},
    }
    assert "steps[0].input.url" in refused(api, oid, {"steps": [request]})


def test_a_refused_update_changes_nothing(api: Api, organization: dict[str, Any]) -> None:
    flow = create_flow(api, organization["id"], [passing()])
    response = api.patch(
        f"/v1/flows/{flow['id']}", json={"name": "New", "steps": [{"key": "x", "type": "y"}]}
    )
    assert response.status_code == 422
    assert api.get(f"/v1/flows/{flow['id']}").json()["name"] == flow["name"]
