"""Spreadsheet export (reference "Exporting data"): the file read back with openpyxl, every
cell of the rows compared with what the API answers for the same instances."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import Api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Getter = Callable[[dict[str, Any]], Any]


def day(value: str | None) -> datetime | None:
    """An API date as openpyxl reads an Excel date cell back: a naive datetime at midnight."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return datetime.combine(moment.astimezone(UTC).date(), datetime.min.time())


def moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return parsed.replace(tzinfo=None)


def party(key: str) -> Getter:
    return lambda d: d["_documentClient"].get(key)


DOCUMENT_CELLS: dict[str, Getter] = {
    "Id": lambda d: d["id"],
    "Number": lambda d: d["number"],
    "Type": lambda d: d["type"],
    "Draft": lambda d: d["draft"],
    "Date": lambda d: day(d["date"]),
    "Due date": lambda d: day(d.get("dateDue")),
    "Valid till": lambda d: day(d.get("dateValidTill")),
    "Client": party("name"),
    "Client tax number": party("taxNumber"),
    "Client country": party("country"),
    "Reference": lambda d: d["reference"],
    "Currency": lambda d: d["currencyId"],
    "Total discount": lambda d: d["totalDiscount"],
    "Total": lambda d: d["total"],
    "Total with tax": lambda d: d["totalWithTax"],
    "Total paid": lambda d: d["totalPaid"],
    "Total due": lambda d: d["totalDue"],
    "Paid in full": lambda d: d["paidInFull"],
    "Canceled": lambda d: d["canceled"],
}
CLIENT_CELLS: dict[str, Getter] = {
    "Id": lambda c: c["id"],
    "Name": lambda c: c["name"],
    "Address": lambda c: c["address"],
    "Address 2": lambda c: c["address2"],
    "City": lambda c: c["city"],
    "ZIP": lambda c: c["zip"],
    "State": lambda c: c["state"],
    "Country": lambda c: c["country"],
    "Tax number": lambda c: c["taxNumber"],
    "Tax subject": lambda c: c["taxSubject"],
    "Company number": lambda c: c["companyNumber"],
    "IBAN": lambda c: c["IBAN"],
    "Bank": lambda c: c["bank"],
    "SWIFT": lambda c: c["SWIFT"],
    "Email": lambda c: c["email"],
    "Phone": lambda c: c["phone"],
    "Contact": lambda c: c["contact"],
    "Website": lambda c: c["website"],
    "End customer": lambda c: c["isEndCustomer"],
    "Created": lambda c: moment(c["createdAt"]),
}
ITEM_CELLS: dict[str, Getter] = {
    "Id": lambda i: i["id"],
    "Name": lambda i: i["name"],
    "Description": lambda i: i["description"],
    "SKU": lambda i: i["SKU"],
    "Unit": lambda i: i["unit"],
    "Price": lambda i: i["price"],
    "Price with tax": lambda i: i["priceGross"],
    "Created": lambda i: moment(i["createdAt"]),
}


def payment_cells(document: dict[str, Any]) -> dict[str, Getter]:
    return {
        "Id": lambda p: p["id"],
        "Date": lambda p: datetime.combine(date.fromisoformat(p["date"][:10]), datetime.min.time()),
        "Type": lambda p: p["type"],
        "Amount": lambda p: p["amount"],
        "Description": lambda p: p["description"],
        "Document id": lambda p: p["documentId"],
        "Document number": lambda _p: document["number"],
        "Currency": lambda _p: document["currencyId"],
    }


def export(api: Api, org_id: str, **params: str) -> list[dict[str, Any]]:
    """The exported rows as {header: value}, after checking the answer's headers."""
    response = api.get(f"/v1/organizations/{org_id}/export", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    kind = params["type"]
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="{kind}s-{datetime.now(UTC).date()}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def assert_cells(row: dict[str, Any], answer: dict[str, Any], cells: dict[str, Getter]) -> None:
    for header, getter in cells.items():
        expected = getter(answer)
        expected = None if expected == "" else expected
        assert row[header] == expected, (header, row[header], expected)
        if isinstance(expected, bool):
            assert isinstance(row[header], bool), header


def document(api: Api, org_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{org_id}/documents", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def line(name: str, price: float, rate: int, quantity: int = 1) -> dict[str, Any]:
    return {
        "name": name,
        "price": price,
        "quantity": quantity,
        "_documentItemTaxes": [{"rate": rate}],
    }


@pytest.fixture
def documents(api: Api, organization: dict[str, Any]) -> list[dict[str, Any]]:
    oid = organization["id"]
    client = {"name": "Rocket Man", "country": "Belgium", "taxNumber": "BE0403019261"}
    return [
        document(
            api,
            oid,
            {
                "date": "2020-01-10",
                "reference": "PO-7",
                "_documentClient": client,
                "_documentItems": [line("Space suit", 1000, 21, 2), line("Map", 9.99, 6, 3)],
                "payments": [{"type": "bank", "amount": 100, "date": "2020-01-12"}],
            },
        ),
        document(
            api,
            oid,
            {
                "type": "estimate",
                "date": "2020-01-20",
                "_documentClient": {"name": "Luna Corp"},
                "_documentItems": [line("Helmet", 100.5, 21)],
            },
        ),
        document(
            api,
            oid,
            {
                "date": "2020-02-03",
                "_documentClient": {"name": "Mars Inc"},
                "_documentItems": [{"name": "Untaxed", "price": 50}],
            },
        ),
    ]


def test_documents_export_every_cell_as_the_api_answers(
    api: Api, organization: dict[str, Any], documents: list[dict[str, Any]]
) -> None:
    rows = export(api, organization["id"], type="document")
    assert [row["Id"] for row in rows] == [d["id"] for d in documents]  # by date
    for row, answer in zip(rows, documents, strict=True):
        assert_cells(row, api.get(f"/v1/documents/{answer['id']}").json(), DOCUMENT_CELLS)
    headers = list(rows[0])
    assert headers[: len(DOCUMENT_CELLS)] == list(DOCUMENT_CELLS)
    # one base and one tax column per rate present in the export (COMPAT §6.8), by tax name
    # and the standard rate first
    assert headers[len(DOCUMENT_CELLS) :] == [
        "BTW 21 % base",
        "BTW 21 % tax",
        "BTW 6 % base",
        "BTW 6 % tax",
    ]
    first, estimate, untaxed = rows
    assert (first["BTW 21 % base"], first["BTW 21 % tax"]) == (2000, 420)
    assert (first["BTW 6 % base"], first["BTW 6 % tax"]) == (29.97, 1.8)
    assert (estimate["BTW 21 % base"], estimate["BTW 21 % tax"]) == (100.5, 21.11)
    assert estimate["BTW 6 % base"] is None and untaxed["BTW 21 % tax"] is None
    assert isinstance(first["Total"], float | int) and isinstance(first["Date"], datetime)


def test_where_filters_as_the_reference_sends_them(
    api: Api, organization: dict[str, Any], documents: list[dict[str, Any]]
) -> None:
    oid = organization["id"]
    january = {
        "type": "document",
        "where[type]": "invoice",
        "where[date][between][0]": "2020-01-01",
        "where[date][between][1]": "2020-01-31",
    }
    assert [r["Id"] for r in export(api, oid, **january)] == [documents[0]["id"]]
    as_json = export(api, oid, type="document", where='{"_documentClient.name": "Mars Inc"}')
    assert [r["Id"] for r in as_json] == [documents[2]["id"]]
    # only the rates of the exported documents get columns
    assert "BTW 21 % base" not in as_json[0]
    api.delete(f"/v1/documents/{documents[1]['id']}")
    assert [r["Id"] for r in export(api, oid, type="document")] == [
        documents[0]["id"],
        documents[2]["id"],
    ]
    assert export(api, oid, type="document", where='{"number": "none"}') == []


def test_clients_export_every_cell(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    full = {
        "name": "Rocket Man",
        "address": "Cape Road 1",
        "address2": "Hangar 2",
        "city": "Brussels",
        "zip": "1000",
        "state": "Brussels",
        "country": "Belgium",
        "taxNumber": "BE0403019261",
        "taxSubject": True,
        "companyNumber": "0123456789",
        "IBAN": "BE71096123456769",
        "bank": "Space Bank",
        "SWIFT": "GKCCBEBB",
        "email": "rocket@example.com",
        "phone": "+32 2 000 00 00",
        "contact": "Elton",
        "website": "https://example.com",
        "isEndCustomer": True,
    }
    clients = [
        api.post(f"/v1/organizations/{oid}/clients", json=body).json()
        for body in (full, {"name": "Another"})
    ]
    rows = export(api, oid, type="client")
    assert [r["Name"] for r in rows] == ["Another", "Rocket Man"]  # by name
    for row, answer in zip(rows, reversed(clients), strict=True):
        assert_cells(row, answer, CLIENT_CELLS)
    assert [r["Name"] for r in export(api, oid, type="client", **{"where[city]": "Brussels"})] == [
        "Rocket Man"
    ]


def test_items_export_every_cell(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    bodies = [
        {"name": "Space suit", "description": "White", "SKU": "SUIT", "unit": "pc", "price": 1000},
        {"name": "Helmet", "priceGross": 121.55},
    ]
    items = [api.post(f"/v1/organizations/{oid}/items", json=b).json() for b in bodies]
    rows = export(api, oid, type="item")
    assert [r["Name"] for r in rows] == ["Helmet", "Space suit"]
    for row, answer in zip(rows, reversed(items), strict=True):
        assert_cells(row, api.get(f"/v1/items/{answer['id']}").json(), ITEM_CELLS)


def test_payments_export_every_cell(
    api: Api, organization: dict[str, Any], documents: list[dict[str, Any]]
) -> None:
    oid = organization["id"]
    invoice = documents[0]
    url = f"/v1/documents/{invoice['id']}/payments"
    api.post(url, json={"type": "cash", "amount": 20.5, "date": "2020-01-15", "description": "x"})
    payments = api.get(url).json()
    rows = export(api, oid, type="payment")
    assert [r["Id"] for r in rows] == [p["id"] for p in sorted(payments, key=lambda p: p["date"])]
    for row in rows:
        answer = next(p for p in payments if p["id"] == row["Id"])
        assert_cells(row, answer, payment_cells(invoice))
    cash = export(api, oid, type="payment", **{"where[type]": "cash"})
    assert [r["Amount"] for r in cash] == [20.5]


def test_an_unknown_type_is_a_422(api: Api, organization: dict[str, Any]) -> None:
    for params in ({"type": "planet"}, {}):
        response = api.get(f"/v1/organizations/{organization['id']}/export", params=params)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"]["messages"]["type"]


def test_a_malformed_where_is_a_400(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/export"
    response = api.get(url, params={"type": "client", "where": "{not json"})
    assert response.status_code == 400


def test_readonly_may_export_and_strangers_may_not(client: TestClient) -> None:
    admin, reader, stranger = Api(client), Api(client), Api(client)
    oid = admin.create_organization()["id"]
    invite = {"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"}
    admin.post(f"/v1/organizations/{oid}/invite", data=invite)
    admin.post(f"/v1/organizations/{oid}/clients", json={"name": "Rocket Man"})
    assert [r["Name"] for r in export(reader, oid, type="client")] == ["Rocket Man"]
    url = f"/v1/organizations/{oid}/export?type=client"
    assert stranger.get(url).status_code == 401
    assert client.get(url).status_code == 401
