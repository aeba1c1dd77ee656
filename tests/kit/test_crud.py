"""The CRUD mechanism (kit.crud): its includes registry — COMPAT §4.3, the relations a model has
are included, a relation it does not have is a 400 that names it, as LoopBack answers — and the
checks before a write (issue 15: a value that breaks no uniqueness rule is never a 409;
COMPAT §2.2: a 422 naming the property, nothing written)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def posted(api: Api, url: str, **data: Any) -> dict[str, Any]:
    response = api.post(url, data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: Any, relation: str, model: str) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["statusCode"] == 400
    assert error["message"] == f'Relation "{relation}" is not defined for {model} model'


def test_the_reference_example_on_clients_is_a_400(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §4.3's own example: `filter[include][tax]=taxRate` on clients."""
    oid = organization["id"]
    client = posted(api, f"/v1/organizations/{oid}/clients", name="SpaceX")
    params = {"filter[include][tax]": "taxRate"}
    refused(api.get(f"/v1/organizations/{oid}/clients", params=params), "tax", "Client")
    refused(api.get(f"/v1/clients/{client['id']}", params=params), "tax", "Client")
    search = {"term": "space", "filter[include]": "payments"}
    refused(api.get(f"/v1/organizations/{oid}/search-clients", params=search), "payments", "Client")


@pytest.mark.parametrize(
    ("collection", "body", "model"),
    [
        ("items", {"name": "Rocket"}, "Item"),
        ("units", {"name": "Ghent"}, "Unit"),
        ("priceLists", {"name": "Retail"}, "PriceList"),
        ("categories", {"name": "Fuel", "alias": "fuel"}, "Category"),
    ],
)
def test_an_unknown_relation_is_a_400_naming_it(
    api: Api, organization: dict[str, Any], collection: str, body: dict[str, str], model: str
) -> None:
    url = f"/v1/organizations/{organization['id']}/{collection}"
    posted(api, url, **body)
    refused(api.get(url, params={"filter[include]": "rocket"}), "rocket", model)
    as_json = api.get(url, params={"filter": '{"include": [{"relation": "rocket"}]}'})
    refused(as_json, "rocket", model)


def test_known_relations_are_included(api: Api, organization: dict[str, Any]) -> None:
    """item → taxes and price list → prices still answer (COMPAT §4.3, COMPAT §7.3)."""
    oid = organization["id"]
    tax = api.get(f"/v1/organizations/{oid}/taxes").json()[0]
    item = posted(api, f"/v1/organizations/{oid}/items", name="Rocket", **{"taxIds[0]": tax["id"]})
    got = api.get(f"/v1/items/{item['id']}", params={"filter[include]": "taxes"})
    assert got.status_code == 200, got.text
    assert [t["id"] for t in got.json()["taxes"]] == [tax["id"]]
    listed = api.get(f"/v1/organizations/{oid}/priceLists", params={"filter[include]": "prices"})
    assert listed.status_code == 200, listed.text


def test_a_client_includes_its_documents(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §4.3: client → documents, the client's live documents, newest first."""
    oid = organization["id"]
    client = posted(api, f"/v1/organizations/{oid}/clients", name="SpaceX")
    other = posted(api, f"/v1/organizations/{oid}/clients", name="Blue Origin")
    line = {"_documentItems[0][name]": "Suit", "_documentItems[0][price]": "10"}
    first = posted(
        api, f"/v1/organizations/{oid}/documents", clientId=client["id"], date="2024-01-02", **line
    )
    second = posted(
        api, f"/v1/organizations/{oid}/documents", clientId=client["id"], date="2024-03-04", **line
    )
    params = {"filter[include]": "documents", "filter[order]": "name ASC"}
    listed = api.get(f"/v1/organizations/{oid}/clients", params=params)
    assert listed.status_code == 200, listed.text
    by_name = {c["name"]: c for c in listed.json()}
    assert [d["id"] for d in by_name["SpaceX"]["documents"]] == [second["id"], first["id"]]
    assert by_name["SpaceX"]["documents"][0]["number"] == second["number"]
    assert by_name["Blue Origin"]["documents"] == []
    got = api.get(f"/v1/clients/{other['id']}", params={"filter[include]": "documents"})
    assert got.json()["documents"] == []


# -- the checks before a write -------------------------------------------------------------------
def invalid_property(response: Any, prop: str) -> list[str]:
    """A 422 in the envelope (COMPAT §2.2) whose messages name `prop`."""
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["statusCode"] == 422 and error["name"] == "ValidationError"
    messages: dict[str, list[str]] = error["details"]["messages"]
    assert prop in messages, messages
    return messages[prop]


@pytest.mark.parametrize(
    ("collection", "body", "prop"),
    [
        ("clients", {"name": "SpaceX"}, "taxSubject"),
        ("clients", {"name": "SpaceX"}, "isEndCustomer"),
        ("clients", {"name": "SpaceX"}, "name"),
        ("items", {"name": "Rocket", "price": 10}, "name"),
        ("taxes", {"name": "Fuel tax", "_taxRates": [{"rate": 5}]}, "recoverable"),
        ("taxes", {"name": "Fuel tax", "_taxRates": [{"rate": 5}]}, "compound"),
        ("units", {"name": "Ghent"}, "taxSubject"),
        ("pricelists", {"name": "Retail"}, "active"),
        ("categories", {"name": "Fuel", "alias": "fuel"}, "alias"),
    ],
)
def test_a_null_for_a_required_property_is_a_422_naming_it(
    api: Api, organization: dict[str, Any], collection: str, body: dict[str, Any], prop: str
) -> None:
    """`"taxSubject": null` breaks no uniqueness rule: a 422 naming it, not the database's 409,
    and the instance keeps its value."""
    made = api.post(f"/v1/organizations/{organization['id']}/{collection}", json=body)
    assert made.status_code == 200, made.text
    url = f"/v1/{collection}/{made.json()['id']}"
    for method in (api.patch, api.put):
        assert invalid_property(method(url, json={prop: None}), prop) == ["can't be blank"]
    assert api.get(url).json()[prop] == made.json()[prop]


def test_a_null_custom_leaves_it_as_it_is(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/clients"
    made = posted(api, url, name="SpaceX", **{"custom[tier]": "gold"})
    updated = api.patch(f"/v1/clients/{made['id']}", json={"custom": None, "city": "Ghent"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["custom"] == {"tier": "gold"} and updated.json()["city"] == "Ghent"


@pytest.mark.parametrize("given", ["", "nope", "0123456789abcdef01234567"])
def test_an_id_naming_nothing_of_the_organization_is_a_422(
    api: Api, organization: dict[str, Any], given: str
) -> None:
    """An empty, malformed or unknown id for a foreign key: 422 naming it, never the
    database's foreign key error, and nothing written."""
    oid = organization["id"]
    lists = f"/v1/organizations/{oid}/pricelists"
    made = posted(api, lists, name="Retail")
    assert invalid_property(api.post(lists, json={"name": "R", "clientId": given}), "clientId")
    patched = api.patch(f"/v1/pricelists/{made['id']}", json={"clientId": given})
    assert invalid_property(patched, "clientId") == [f"No client {given!r} in this organization"]
    assert len(api.get(lists).json()) == 1
    line = {"name": "Suit", "price": 10}
    documents = f"/v1/organizations/{oid}/documents"
    made_document = api.post(documents, json={"clientId": given, "_documentItems": [line]})
    assert invalid_property(made_document, "clientId")
    paid = api.post(
        f"/v1/organizations/{oid}/payments", json={"type": "cash", "amount": 1, "documentId": given}
    )
    assert invalid_property(paid, "documentId")
    assert api.get(documents).json() == []


def test_an_id_of_another_organization_reveals_nothing(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    other = api.create_organization(name="Other")
    foreign = posted(api, f"/v1/organizations/{other['id']}/clients", name="Blue Origin")
    category = posted(api, f"/v1/organizations/{other['id']}/categories", name="K", alias="k")
    refused = api.post(
        f"/v1/organizations/{oid}/pricelists", json={"name": "R", "clientId": foreign["id"]}
    )
    assert invalid_property(refused, "clientId") == [
        f"No client {foreign['id']!r} in this organization"
    ]
    document = api.post(
        f"/v1/organizations/{oid}/documents",
        json={"_documentClient": {"name": "R"}, "_documentItems": [{"name": "S", "price": 1}]},
    )
    assert document.status_code == 200, document.text
    booked = api.post(
        f"/v1/documents/{document.json()['id']}/documentcategories",
        json={"categoryId": category["id"], "amount": 1},
    )
    assert invalid_property(booked, "categoryId")
    assert api.get(f"/v1/documents/{document.json()['id']}/documentcategories").json() == []
