"""Payments through HTTP (reference "Payments"; COMPAT §6.9)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.documents.test_endpoints import GETTING_STARTED, create


def test_payments_keep_the_document_right(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    document = create(api, org_id, data=GETTING_STARTED)
    url = f"/v1/documents/{document['id']}"
    payment = api.post(
        f"{url}/payments", data={"type": "bank", "date": "2020-04-18", "amount": "1000"}
    ).json()
    assert (
        payment["type"] == "bank" and payment["amount"] == 1000 and payment["date"] == "2020-04-18"
    )
    assert payment["documentId"] == document["id"] and payment["organizationId"] == org_id
    after = api.get(url).json()
    assert (after["totalPaid"], after["totalDue"], after["paidInFull"]) == (1000, 1420, False)
    rest = api.post(
        f"{url}/payments", data={"type": "cash"}
    ).json()  # the amount defaults to totalDue
    assert rest["amount"] == 1420
    assert api.get(url).json()["paidInFull"] is True
    changed = api.put(
        f"/v1/payments/{payment['id']}",
        data={"type": "bank", "documentId": document["id"], "date": "2020-04-18", "amount": "500"},
    )
    assert changed.json()["amount"] == 500
    assert api.get(url).json()["totalDue"] == 500
    assert api.delete(f"/v1/payments/{rest['id']}").json() == {"count": 1}
    assert api.get(url).json()["totalDue"] == 1920
    assert api.get(f"{url}/payments").json()[0]["id"] == payment["id"]
    assert api.get(f"{url}/payments/count").json() == {"count": 1}
    for prefix in ("organizations", "organization"):
        assert api.get(f"/v1/{prefix}/{org_id}/payments/count").json() == {"count": 1}
        assert len(api.get(f"/v1/{prefix}/{org_id}/payments").json()) == 1
    included = api.get(url, params={"filter[include]": "payments"}).json()
    assert [p["id"] for p in included["payments"]] == [payment["id"]]


def test_payments_nested_in_document_create(api: Api, organization: dict[str, Any]) -> None:
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": "Suit", "price": 100, "quantity": 1}],
        "payments": [{"type": "card"}],
    }
    document = create(api, organization["id"], json=body)
    assert document["paidInFull"] is True and document["totalPaid"] == 100


def test_unknown_payment_type_is_422(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], data=GETTING_STARTED)
    response = api.post(f"/v1/documents/{document['id']}/payments", data={"type": "barter"})
    assert response.status_code == 422
