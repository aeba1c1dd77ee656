"""Documents through HTTP: the reference's "Getting started" and document examples sent as
written, and the rules of COMPAT §6."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.conftest import Api

GETTING_STARTED = {
    "_documentClient[name]": "Rocket Man",
    "_documentClient[country]": "United Kingdom",
    "_documentItems[0][name]": "Space suit",
    "_documentItems[0][quantity]": "2",
    "_documentItems[0][unit]": "Item",
    "_documentItems[0][price]": "1000",
    "_documentItems[0][_documentItemTaxes][0][rate]": "21",
}


def create(api: Api, org_id: str, **kwargs: Any) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{org_id}/documents", **kwargs)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def simple(name: str = "Space suit", price: str = "100", **extra: Any) -> dict[str, Any]:
    return {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": name, "quantity": 1, "price": price}],
        **extra,
    }


def belgian_vat(api: Api, org_id: str, rate: str = "21") -> dict[str, Any]:
    taxes = api.get(f"/v1/organizations/{org_id}/taxes").json()
    return next(t for t in taxes if str(t["_taxRates"][0]["rate"]) == rate)


# COMPAT §6.5: the issuer is a snapshot of the organization at creation.
def test_getting_started_creates_a_numbered_belgian_invoice(
    api: Api, organization: dict[str, Any]
) -> None:
    org_id = organization["id"]
    document = create(api, org_id, data=GETTING_STARTED)
    year = datetime.now(UTC).year
    assert document["number"] == f"{year}-00001"
    assert document["type"] == "invoice" and document["draft"] is False
    assert document["currencyId"] == "EUR" and document["canceled"] is False
    vat = belgian_vat(api, org_id)
    line = document["_documentItems"][0]
    assert (line["total"], line["totalTax"], line["totalWithTax"], line["totalDiscount"]) == (
        2000,
        420,
        2420,
        0,
    )
    tax = line["_documentItemTaxes"][0]
    assert tax["taxId"] == vat["id"] and tax["abbreviation"] == "BTW" and tax["rate"] == 21
    assert tax["name"] == "Belasting over de toegevoegde waarde" and tax["reverseCharged"] is False
    assert (document["total"], document["totalWithTax"], document["totalDue"]) == (2000, 2420, 2420)
    assert (
        document["totalPaid"] == 0
        and document["paidInFull"] is False
        and document["hasUnit"] is True
    )
    assert document["_documentTaxes"] == [
        {"tax": 21, "taxId": vat["id"], "base": 2000, "totalTax": 420}
    ]
    assert document["_documentReverseTaxes"] == [] and document["_documentConversionRate"] == []
    # The client was saved and linked (COMPAT §6.4).
    client = api.get(f"/v1/clients/{document['clientId']}").json()
    assert client["name"] == "Rocket Man" and client["country"] == "United Kingdom"
    assert document["_documentClient"]["name"] == "Rocket Man"
    # The due date follows the Default (30 days), the service date is the date (COMPAT §6.3).
    issued = datetime.fromisoformat(document["date"].replace("Z", "+00:00"))
    due = datetime.fromisoformat(document["dateDue"].replace("Z", "+00:00"))
    assert (due.date() - issued.astimezone(UTC).date()).days in (30, 31)
    assert document["dateService"] == document["date"]
    assert "dateValidTill" not in document and "datePaid" not in document
    # The issuer is a snapshot of the organization.
    assert document["_documentIssuer"]["name"] == organization["name"]
    assert document["_documentIssuer"]["countryAlpha2Code"] == "BE"


def test_the_node_sdk_json_example(api: Api, organization: dict[str, Any]) -> None:
    body = {
        "_documentClient": {"name": "Rocket Man", "country": "USA"},
        "_documentItems": [
            {
                "name": "Space suit",
                "quantity": 2,
                "unit": "Item",
                "price": 1000,
                "_documentItemTaxes": [{"rate": 21}],
            }
        ],
    }
    document = create(api, organization["id"], json=body)
    assert document["totalWithTax"] == 2420


def test_the_php_example_makes_an_estimate(api: Api, organization: dict[str, Any]) -> None:
    data = {"type": "estimate", **GETTING_STARTED}
    estimate = create(api, organization["id"], data=data)
    assert estimate["type"] == "estimate" and estimate["number"].endswith("-00001")
    assert "dateValidTill" in estimate and "dateDue" not in estimate


# COMPAT §6.10: smart codes replaced on read; note, signature, footer from the Defaults.
def test_note_signature_footer_default_with_smart_codes(
    api: Api, organization: dict[str, Any]
) -> None:
    org_id = organization["id"]
    api.patch(f"/v1/organizations/{org_id}", data={"IBAN": "BE68 5390 0754 7034"})
    api.post(
        f"/v1/organizations/{org_id}/defaults",
        json={"name": "invoice_note", "value": "Pay to [IBAN], reference [document number]."},
    )
    api.post(
        f"/v1/organizations/{org_id}/defaults",
        json={"name": "invoice_signature", "value": "[organization name]"},
    )
    document = create(api, org_id, json=simple())
    assert document["note"] == f"Pay to BE68 5390 0754 7034, reference {document['number']}."
    assert document["signature"] == organization["name"]
    raw = api.get(f"/v1/documents/{document['id']}", params={"parseSmartcodes": "false"}).json()
    assert raw["note"] == "Pay to [IBAN], reference [document number]."


def test_unique_id_prevents_double_issuing(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    create(api, org_id, json=simple(uniqueId="order-42"))
    again = api.post(f"/v1/organizations/{org_id}/documents", json=simple(uniqueId="order-42"))
    assert again.status_code == 409
    assert api.get(f"/v1/organizations/{org_id}/documents/count").json() == {"count": 1}


# COMPAT §6.1: `type` cannot change after create.
def test_type_cannot_change(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], json=simple())
    assert api.put(f"/v1/documents/{document['id']}", json={"type": "estimate"}).status_code == 422


# COMPAT §6.14: PUT and PATCH update the given properties and recompute.
def test_update_as_in_the_reference_recomputes(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], json=simple())
    updated = api.put(f"/v1/documents/{document['id']}", data=GETTING_STARTED).json()
    assert updated["totalWithTax"] == 2420 and updated["number"] == document["number"]
    patched = api.patch(f"/v1/documents/{document['id']}", json={"reference": "PO-7"}).json()
    assert patched["reference"] == "PO-7" and patched["totalWithTax"] == 2420


# COMPAT §6.14: `POST /documents/:id/replace` replaces.
def test_replace(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], json=simple(reference="A"))
    replaced = api.post(
        f"/v1/documents/{document['id']}/replace", json=simple(name="Helmet", price="50")
    )
    body = replaced.json()
    assert replaced.status_code == 200 and body["id"] == document["id"]
    assert [line["name"] for line in body["_documentItems"]] == ["Helmet"]
    assert (
        body["total"] == 50 and body["reference"] is None and body["number"] == document["number"]
    )


# COMPAT §6.13: an issued invoice cannot be deleted (403); the rest is soft deleted;
# COMPAT §1.8: delete answers {"count": 1}.
def test_delete_rules(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    invoice = create(api, org_id, json=simple())
    refused = api.delete(f"/v1/documents/{invoice['id']}")
    assert refused.status_code == 403 and "cancel" in refused.json()["error"]["message"]
    estimate = create(api, org_id, json=simple(type="estimate"))
    assert api.delete(f"/v1/documents/{estimate['id']}").json() == {"count": 1}
    assert api.get(f"/v1/documents/{estimate['id']}").status_code == 404
    deleted = api.get(
        f"/v1/organizations/{org_id}/documents",
        params={"filter[deleted]": "true", "filter[where][type]": "estimate"},
    ).json()
    assert deleted[0]["_isDeleted"] is True and deleted[0]["deletedId"] == estimate["id"]
    draft = create(api, org_id, json=simple(draft=True))
    assert api.delete(f"/v1/documents/{draft['id']}").json() == {"count": 1}


# COMPAT §6.13: cancel, uncancel, mark-sent; COMPAT §1.8: actions answer {"success": true}.
def test_cancel_uncancel_mark_sent(api: Api, organization: dict[str, Any]) -> None:
    document = create(api, organization["id"], json=simple())
    url = f"/v1/documents/{document['id']}"
    assert api.post(f"{url}/cancel").json() == {"success": True}
    assert api.get(url).json()["canceled"] is True
    assert api.post(f"{url}/uncancel").json() == {"success": True}
    assert api.get(url).json()["canceled"] is False
    assert api.post(f"{url}/mark-sent").json() == {"success": True}
    assert api.get(url).json()["sentSnailMail"] is True


def test_list_filter_count_and_search(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    create(api, org_id, data=GETTING_STARTED)
    create(api, org_id, json=simple(type="estimate"))
    invoices = api.get(f"/v1/organizations/{org_id}/documents?filter[where][type]=invoice").json()
    assert [d["type"] for d in invoices] == ["invoice"]
    by_line = api.get(
        f"/v1/organizations/{org_id}/documents",
        params={"filter[where][_documentItems.name]": "Space suit"},
    ).json()
    assert len(by_line) == 2
    count = api.get(
        f"/v1/organizations/{org_id}/documents/count", params={"where[type]": "estimate"}
    )
    assert count.json() == {"count": 1}
    found = api.get(
        f"/v1/organizations/{org_id}/search-documents", params={"term": "rocket"}
    ).json()
    assert len(found) == 2


def test_a_document_search_takes_one_term(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §1.11: `term` is one text (a 400 otherwise, as the other searches answer), asked
    only of a caller (COMPAT §2.2: the 401 first)."""
    url = f"/v1/organizations/{organization['id']}/search-documents"
    assert api.client.get(url, params={"term[a]": "b"}).status_code == 401
    for params in ({"term[a]": "b"}, [("term", "a"), ("term", "b")]):
        refused = api.get(url, params=params)
        assert refused.status_code == 400 and refused.json()["error"]["statusCode"] == 400
    assert api.get(url).json() == [] and api.get(url, params={"term": "a"}).json() == []


def test_items_load_save_and_separators(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    vat = belgian_vat(api, org_id)
    item = api.post(
        f"/v1/organizations/{org_id}/items",
        data={
            "name": "Space suit",
            "price": "1000",
            "SKU": "SUIT-1",
            "taxIds[]": vat["id"],
            "unit": "Item",
        },
    ).json()
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [
            {"itemId": item["id"], "load": True, "quantity": 2},
            {"SKU": "SUIT-1", "load": True, "price": 900},
            {"name": "Extras", "isSeparator": True, "price": 5, "description": "More"},
            {"name": "Helmet", "price": 50, "save": True, "SKU": "HELMET-1"},
        ],
    }
    document = create(api, org_id, json=body)
    first, second, separator, saved = document["_documentItems"]
    assert (
        first["name"] == "Space suit"
        and first["total"] == 2000
        and first["_documentItemTaxes"][0]["rate"] == 21
    )
    assert second["price"] == 900 and second["itemId"] == item["id"]
    assert set(separator) == {"id", "name", "description", "isSeparator"}
    assert saved["itemId"] and api.get(f"/v1/items/{saved['itemId']}").json()["SKU"] == "HELMET-1"
    assert document["total"] == 2000 + 900 + 50


def test_taxes_take_the_rate_in_force_on_the_document_date(
    api: Api, organization: dict[str, Any]
) -> None:
    org_id = organization["id"]
    tax = api.post(
        f"/v1/organizations/{org_id}/taxes",
        json={
            "name": "Island VAT",
            "abbreviation": "IV",
            "_taxRates": [{"rate": 20, "dateValidFrom": "2020-01-01"}],
        },
    ).json()
    api.post(f"/v1/taxes/{tax['id']}/taxRates", json={"rate": 22, "dateValidFrom": "2025-01-01"})
    line = {"name": "x", "price": 100, "_documentItemTaxes": [{"taxId": tax["id"]}]}
    before = create(
        api,
        org_id,
        json={"_documentClient": {"name": "A"}, "_documentItems": [line], "date": "2024-12-31"},
    )
    after = create(
        api,
        org_id,
        json={"_documentClient": {"name": "A"}, "_documentItems": [line], "date": "2025-01-01"},
    )
    assert before["totalWithTax"] == 120 and after["totalWithTax"] == 122


def test_client_by_id_and_by_email(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    client = api.post(
        f"/v1/organizations/{org_id}/clients", data={"name": "SpaceX", "email": "elon@spacex.com"}
    ).json()
    by_id = create(
        api,
        org_id,
        json={
            "clientId": client["id"],
            "_documentClient": {"city": "Hawthorne"},
            "_documentItems": [{"name": "x", "price": 1}],
        },
    )
    assert (
        by_id["_documentClient"]["name"] == "SpaceX"
        and by_id["_documentClient"]["city"] == "Hawthorne"
    )
    by_email = create(
        api,
        org_id,
        json={
            "_documentClient": {"email": "ELON@spacex.com", "name": "S"},
            "_documentItems": [{"name": "x", "price": 1}],
        },
    )
    assert by_email["clientId"] == client["id"]
    missing = api.post(
        f"/v1/organizations/{org_id}/documents",
        json={"_documentItems": [{"name": "x", "price": 1}]},
    )
    assert missing.status_code == 422


def test_readonly_cannot_create(client: Any) -> None:
    admin, reader = Api(client), Api(client)
    org = admin.create_organization()
    admin.post(
        f"/v1/organizations/{org['id']}/invite",
        data={"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"},
    )
    assert reader.post(f"/v1/organizations/{org['id']}/documents", json=simple()).status_code == 403


def test_a_tax_used_on_a_document_cannot_be_deleted(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    create(api, org_id, data=GETTING_STARTED)
    used = belgian_vat(api, org_id)
    refused = api.delete(f"/v1/taxes/{used['id']}")
    assert refused.status_code == 422
    unused = belgian_vat(api, org_id, rate="6")
    assert api.delete(f"/v1/taxes/{unused['id']}").json() == {"count": 1}


def test_documents_are_booked_to_categories(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    document = create(api, org_id, data=GETTING_STARTED)
    category = api.post(
        f"/v1/organizations/{org_id}/categories", data={"name": "Suits", "alias": "suits"}
    ).json()
    url = f"/v1/documents/{document['id']}/documentCategories"
    by_alias = api.post(url, data={"categoryAlias": "suits"}).json()
    assert by_alias["categoryId"] == category["id"] and by_alias["amount"] == 2000
    by_id = api.post(url, json={"categoryId": category["id"], "amount": 150.5}).json()
    assert by_id["amount"] == 150.5
    assert [b["id"] for b in api.get(url).json()] == [by_alias["id"], by_id["id"]]
    changed = api.patch(f"/v1/documentCategories/{by_id['id']}", json={"amount": 99})
    assert changed.json()["amount"] == 99
    assert api.delete(f"/v1/documentCategories/{by_id['id']}").json() == {"count": 1}
    assert api.post(url, data={"categoryAlias": "nope"}).status_code == 422


def test_document_tax_rounding_default(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    lines = [{"name": "x", "price": 241.67, "_documentItemTaxes": [{"rate": 20}]}] * 50
    by_line = create(api, org_id, json={"_documentClient": {"name": "A"}, "_documentItems": lines})
    assert by_line["_documentTaxes"][0]["totalTax"] == 2416.5
    api.post(
        f"/v1/organizations/{org_id}/defaults", json={"name": "tax_rounding", "value": "document"}
    )
    by_document = create(
        api, org_id, json={"_documentClient": {"name": "A"}, "_documentItems": lines}
    )
    assert by_document["_documentTaxes"][0]["totalTax"] == 2416.7
    assert by_document["totalWithTax"] == 14500.2
