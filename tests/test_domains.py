"""The one list of resources (spaceport.domains) and what is derived from it: the relation
routes of every organization-scoped model (COMPAT §1.10) and the event model names webhooks
subscribe to (COMPAT §8.1, COMPAT §8.2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from spaceport import domains
from tests.conftest import Api
from tests.documents.test_endpoints import GETTING_STARTED
from tests.orders.test_endpoints import ORDER

Created = Callable[[Api, str], dict[str, Any]]


def posted(api: Api, url: str, **kwargs: Any) -> dict[str, Any]:
    response = api.post(url, **kwargs)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def estimate(api: Api, oid: str) -> dict[str, Any]:
    data = {**GETTING_STARTED, "type": "estimate"}
    return posted(api, f"/v1/organizations/{oid}/documents", data=data)


def price(api: Api, oid: str) -> dict[str, Any]:
    item = posted(api, f"/v1/organizations/{oid}/items", data={"name": "Rocket", "price": "9"})
    price_list = posted(api, f"/v1/organizations/{oid}/priceLists", data={"name": "Retail"})
    body = {"itemId": item["id"], "price": "8"}
    return posted(api, f"/v1/priceLists/{price_list['id']}/prices", data=body)


def recurrence(api: Api, oid: str) -> dict[str, Any]:
    body = {"name": "Monthly", "type": "month", "dateFirst": "2020-02-01", "numRecurrences": 2}
    return posted(api, f"/v1/documents/{estimate(api, oid)['id']}/recurrences", json=body)


def payment(api: Api, oid: str) -> dict[str, Any]:
    document = posted(api, f"/v1/organizations/{oid}/documents", data=GETTING_STARTED)
    return posted(
        api, f"/v1/documents/{document['id']}/payments", data={"amount": "10", "type": "bank"}
    )


def in_organization(collection: str, **body: Any) -> Created:
    def create(api: Api, oid: str) -> dict[str, Any]:
        return posted(api, f"/v1/organizations/{oid}/{collection}", json=body)

    return create


# collection → how to create one, and a replacing PUT body where PUT is not partial
MODELS: dict[str, tuple[Created, dict[str, Any]]] = {
    "clients": (in_organization("clients", name="SpaceX"), {}),
    "items": (in_organization("items", name="Rocket"), {}),
    "taxes": (in_organization("taxes", name="Tax", _taxRates=[{"rate": 5}]), {}),
    "units": (in_organization("units", name="Ghent"), {}),
    "categories": (in_organization("categories", name="Fuel", alias="fuel"), {}),
    "pricelists": (in_organization("priceLists", name="Retail"), {}),
    "prices": (price, {}),
    "orders": (in_organization("orders", **ORDER), {}),
    "defaults": (in_organization("defaults", name="estimate_note", value="Hi"), {}),
    "webhooks": (in_organization("webhooks", url="https://example.com", events=["*"]), {}),
    "recurrences": (
        recurrence,
        {"name": "Weekly", "type": "week", "dateFirst": "2020-02-01", "numRecurrences": 2},
    ),
    "documents": (estimate, {}),
    "payments": (payment, {}),
}


def test_every_declared_resource_has_a_relation_route_and_events() -> None:
    collections = domains.relation_collections()
    assert {resource.collection for resource in domains.RESOURCES} <= collections
    assert set(MODELS) <= collections
    assert set(domains.event_models()) == {
        *(resource.event for resource in domains.RESOURCES),
        *("document", "payment", "organization", "documentCategory"),
        "flowRun",  # FLOWS §F7.4: flowRun/failed
    }


@pytest.mark.parametrize("collection", sorted(MODELS))
def test_relation_routes_of_every_organization_scoped_model(
    api: Api, organization: dict[str, Any], collection: str
) -> None:
    """COMPAT §1.10: `/v1/organizations/:id/<models>/:fk` GET, PUT, PATCH and DELETE."""
    oid = organization["id"]
    create, put_body = MODELS[collection]
    instance = create(api, oid)
    url = f"/v1/organizations/{oid}/{collection}/{instance['id']}"
    got = api.get(url)
    assert got.status_code == 200, got.text
    assert got.json()["id"] == instance["id"]
    patched = api.patch(url, json={"custom": {"via": "patch"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["custom"] == {"via": "patch"}
    put = api.put(url, json={**put_body, "custom": {"via": "put"}})
    assert put.status_code == 200, put.text
    assert api.get(url).json()["custom"] == {"via": "put"}
    other = api.create_organization(name="Other")
    elsewhere = f"/v1/organizations/{other['id']}/{collection}/{instance['id']}"
    assert api.get(elsewhere).status_code == 404
    assert api.delete(elsewhere).status_code == 404
    deleted = api.delete(url)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"count": 1}
    assert api.get(url).status_code == 404


def test_webhooks_subscribe_to_the_event_models(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §8.2: `model/action` of every model that records events, spelled as events are."""
    url = f"/v1/organizations/{organization['id']}/webhooks"
    for model in domains.event_models():
        body = {"url": "https://example.com", "events": [f"{model.upper()}/Create"]}
        hook = posted(api, url, json=body)
        assert hook["events"] == [f"{model}/create"]
    refused = api.post(url, json={"url": "https://example.com", "events": ["rocket/create"]})
    assert refused.status_code == 422, refused.text
