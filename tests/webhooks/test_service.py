"""Which webhooks an event reaches, and with what (COMPAT §8.1, COMPAT §8.2): `*` and bare
actions, and every model's create, update and delete delivered with the instance as the API
answered it. Delivered to a real HTTP receiver on loopback (conftest.py)."""

from __future__ import annotations

from typing import Any

from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.webhooks.conftest import Receiver, create_client, create_hook, settle


def events_at(receiver: Receiver, path: str) -> list[str]:
    return [r.json["event"] for r in receiver.at(path)]


def test_star_gets_every_event_and_a_bare_action_that_action_of_every_model(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    star = create_hook(api, oid, receiver.url("/star"), "*")
    updates = create_hook(api, oid, receiver.url("/updates"), "update")
    client = create_client(api, oid, "Rocket Labs")
    api.patch(f"/v1/clients/{client['id']}", data={"city": "Houston"})
    item = api.post(f"/v1/organizations/{oid}/items", data={"name": "Fuel", "price": "10"}).json()
    api.patch(f"/v1/items/{item['id']}", data={"price": "12"})
    api.delete(f"/v1/clients/{client['id']}")
    settle(worker, database, star["id"])
    settle(worker, database, updates["id"])
    assert events_at(receiver, "/star") == [
        "webhook/create",  # its own creation and the next webhook's
        "webhook/create",
        "client/create",
        "client/update",
        "item/create",
        "item/update",
        "client/delete",
    ]
    assert events_at(receiver, "/updates") == ["client/update", "item/update"]
    webhook_data = receiver.at("/star")[0].json["data"]
    assert webhook_data["id"] == star["id"] and "secret" not in webhook_data  # answered once


# (model, create URL with {org}/{document}/{pricelist}/{item}, create body, update body)
MODEL_CHANGES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("client", "/v1/organizations/{org}/clients", {"name": "Rocket Man"}, {"city": "Houston"}),
    ("item", "/v1/organizations/{org}/items", {"name": "Fuel", "price": 10}, {"price": 12}),
    (
        "tax",
        "/v1/organizations/{org}/taxes",
        {"name": "Space tax", "_taxRates": [{"rate": 7}]},
        {"name": "Star tax"},
    ),
    ("unit", "/v1/organizations/{org}/units", {"name": "Moon base"}, {"city": "Tranquility"}),
    ("category", "/v1/organizations/{org}/categories", {"name": "Fuel", "alias": "f"}, {}),
    ("pricelist", "/v1/organizations/{org}/priceLists", {"name": "Retail"}, {"active": False}),
    ("price", "/v1/priceLists/{pricelist}/prices", {"itemId": "{item}", "price": 9}, {}),
    (
        "document",
        "/v1/organizations/{org}/documents",
        {
            "draft": True,
            "_documentClient": {"name": "Rocket"},
            "_documentItems": [{"name": "Suit"}],
        },
        {"note": "Thanks"},
    ),
    ("payment", "/v1/documents/{document}/payments", {"type": "cash", "amount": 1}, {}),
    ("order", "/v1/organizations/{org}/orders", {"orderId": "wc-1"}, {"paid": True}),
]


COLLECTIONS = {"category": "categories", "tax": "taxes", "pricelist": "priceLists"}


def change_every_model(api: Api, oid: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Create, update and delete one instance of each model; the API's answers by event."""
    ids = {"org": oid}
    answers: dict[tuple[str, str], dict[str, Any]] = {}
    for model, url, create_body, update_body in MODEL_CHANGES:
        body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in create_body.items()}
        created = api.post(url.format(**ids), json=body)
        assert created.status_code == 200, (model, created.text)
        ids[model] = created.json()["id"]
        answers[model, "create"] = created.json()
        path = f"/v1/{COLLECTIONS.get(model, model + 's')}/{ids[model]}"
        updated = api.patch(path, json=update_body or {"custom": {"changed": True}})
        assert updated.status_code == 200, (model, updated.text)
        answers[model, "update"] = updated.json()
    for model, *_ in reversed(MODEL_CHANGES):
        path = f"/v1/{COLLECTIONS.get(model, model + 's')}/{ids[model]}"
        assert api.delete(path).json() == {"count": 1}, model
    return answers


def test_every_model_change_is_delivered_with_the_instance_as_the_api_answers_it(
    api: Api, organization: dict[str, Any], receiver: Receiver, worker: Worker, database: Database
) -> None:
    """Issue 6 item 3 and COMPAT §8.1: create, update and delete of each model, as events."""
    oid = organization["id"]
    hook = create_hook(api, oid, receiver.url(), "*")
    answers = change_every_model(api, oid)
    settle(worker, database, hook["id"])
    received: dict[tuple[str, str], Any] = {}
    for request in receiver.requests:  # the first of each: a payment updates its document too
        received.setdefault(
            (request.json["event"], request.json["data"]["id"]), request.json["data"]
        )
    for model, *_ in MODEL_CHANGES:
        instance_id = answers[model, "create"]["id"]
        for action in ("create", "update", "delete"):
            key = (f"{model}/{action}", instance_id)
            assert key in received, f"{model}/{action} was not delivered"
            if action != "delete":
                assert received[key] == answers[model, action], key
        assert received[f"{model}/delete", instance_id]["_isDeleted"] is True, model
