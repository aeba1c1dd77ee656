"""The CRUD mechanism's includes registry (kit.crud): COMPAT §4.3 — the relations a model has
are included, a relation it does not have is a 400 that names it, as LoopBack answers."""

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
