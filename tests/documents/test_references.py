"""Every id in a document's or a payment's body belongs to the caller's organization: 422
otherwise, and the answer reveals nothing about the other organization; nothing is written."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.documents.test_endpoints import create, simple


def foreign(client: TestClient) -> dict[str, Any]:
    """Another account's organization with a document, a client, an item, a tax and a unit."""
    other = Api(client)
    org_id = other.create_organization()["id"]
    document = create(other, org_id, json=simple())
    client_ = other.post(f"/v1/organizations/{org_id}/clients", json={"name": "Secret"}).json()
    item = other.post(f"/v1/organizations/{org_id}/items", json={"name": "Secret"}).json()
    unit = other.post(f"/v1/organizations/{org_id}/units", json={"name": "Secret"}).json()
    tax = other.get(f"/v1/organizations/{org_id}/taxes").json()[0]
    ids = {"document": document, "client": client_, "item": item, "unit": unit, "tax": tax}
    return {name: value["id"] for name, value in ids.items()}


def refused(api: Api, org_id: str, body: dict[str, Any], prop: str, given: str) -> None:
    before = api.get(f"/v1/organizations/{org_id}/documents/count").json()["count"]
    response = api.post(f"/v1/organizations/{org_id}/documents", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert list(error["details"]["messages"]) == [prop]
    assert error["details"]["messages"][prop] == [
        f"No {prop_what(prop)} {given!r} in this organization"
    ]
    assert "Secret" not in response.text
    after = api.get(f"/v1/organizations/{org_id}/documents/count").json()["count"]
    assert after == before


def prop_what(prop: str) -> str:
    return {
        "documentIds": "document",
        "clientId": "client",
        "_documentItems.itemId": "item",
        "_documentItemTaxes.taxId": "tax",
        "unitId": "unit",
    }[prop]


def test_document_ids_of_another_organization_are_refused(
    api: Api, client: TestClient, organization: dict[str, Any]
) -> None:
    org_id, theirs = organization["id"], foreign(client)
    body = simple(documentIds=[theirs["document"]])
    refused(api, org_id, body, "documentIds", theirs["document"])


def test_document_ids_of_the_same_organization_are_kept(
    api: Api, organization: dict[str, Any]
) -> None:
    org_id = organization["id"]
    first = create(api, org_id, json=simple())
    second = create(api, org_id, json=simple(documentIds=[first["id"]]))
    assert second["documentIds"] == [first["id"]]


def test_update_and_replace_refuse_another_organizations_document(
    api: Api, client: TestClient, organization: dict[str, Any]
) -> None:
    org_id, theirs = organization["id"], foreign(client)
    document = create(api, org_id, json=simple())
    url = f"/v1/documents/{document['id']}"
    patched = api.patch(url, json={"documentIds": [theirs["document"]]})
    assert patched.status_code == 422, patched.text
    replaced = api.post(f"{url}/replace", json=simple(documentIds=[theirs["document"]]))
    assert replaced.status_code == 422, replaced.text
    assert api.get(url).json()["documentIds"] == []


def test_client_item_tax_and_unit_ids_of_another_organization_are_refused(
    api: Api, client: TestClient, organization: dict[str, Any]
) -> None:
    org_id, theirs = organization["id"], foreign(client)
    line = {"name": "Space suit", "price": 100}
    refused(api, org_id, simple(clientId=theirs["client"]), "clientId", theirs["client"])
    refused(api, org_id, simple(unitId=theirs["unit"]), "unitId", theirs["unit"])
    with_item = simple(_documentItems=[{**line, "itemId": theirs["item"]}])
    refused(api, org_id, with_item, "_documentItems.itemId", theirs["item"])
    with_tax = simple(_documentItems=[{**line, "_documentItemTaxes": [{"taxId": theirs["tax"]}]}])
    refused(api, org_id, with_tax, "_documentItemTaxes.taxId", theirs["tax"])


def test_a_payment_for_another_organizations_document_is_refused(
    api: Api, client: TestClient, organization: dict[str, Any]
) -> None:
    org_id, theirs = organization["id"], foreign(client)
    response = api.post(
        f"/v1/organizations/{org_id}/payments",
        json={"type": "bank", "amount": 10, "documentId": theirs["document"]},
    )
    assert response.status_code == 422, response.text
    messages = response.json()["error"]["details"]["messages"]
    assert messages == {"documentId": [f"No document {theirs['document']!r} in this organization"]}
    assert api.get(f"/v1/organizations/{org_id}/payments/count").json()["count"] == 0


def test_a_booking_to_another_organizations_category_is_refused(
    api: Api, client: TestClient, organization: dict[str, Any]
) -> None:
    """COMPAT §7.6 DocumentCategory: `categoryId` (or `categoryAlias`) names a category of the
    document's organization only."""
    other = Api(client)
    theirs = other.create_organization()["id"]
    category = other.post(
        f"/v1/organizations/{theirs}/categories", json={"name": "Secret", "alias": "secret"}
    ).json()
    url = f"/v1/documents/{create(api, organization['id'], json=simple())['id']}/documentCategories"
    for body in ({"categoryId": category["id"], "amount": 1}, {"categoryAlias": "secret"}):
        response = api.post(url, json=body)
        assert response.status_code == 422, response.text
        assert list(response.json()["error"]["details"]["messages"]) == ["categoryId"]
        assert "Secret" not in response.text and "secret" not in response.text
    assert api.get(url).json() == []
