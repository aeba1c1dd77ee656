"""An organization that issues e-invoices and the documents of the tests, through HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from tests.conftest import Api

SELLER = {
    "address": "Rue de la Loi 16",
    "city": "Brussels",
    "zip": "1000",
    "taxNumber": "BE 0123.456.749",
    "companyNumber": "0123456749",
    "IBAN": "BE71 0961 2345 6769",
    "SWIFT": "GKCCBEBB",
    "email": "billing@space.example",
    "phone": "+32 2 555 01 00",
}
BUYER = {
    "name": "Raketenwerk GmbH",
    "address": "Raketenweg 1",
    "address2": "Halle 3",
    "city": "Berlin",
    "zip": "10115",
    "country": "Germany",
    "taxNumber": "DE136695976",
    "email": "ap@raketenwerk.example",
}
# EINV §E3.8: one line tax of each VAT category
TAXES: dict[str, dict[str, Any]] = {
    "standard": {"rate": 21},
    "reduced": {"rate": 6},
    "zero": {"rate": 0},
    "exempt": {"rate": 0, "classification": "exempt", "name": "Exempt (Art. 44 VAT Code)"},
    "reverse-charge": {"rate": 21, "reverseCharged": True},
    "intra-community": {"rate": 0, "classification": "intra-community"},
    "export": {"rate": 0, "classification": "export"},
}
CATEGORIES = {
    "standard": "S",
    "reduced": "S",
    "zero": "Z",
    "exempt": "E",
    "reverse-charge": "AE",
    "intra-community": "K",
    "export": "G",
}


def issuer(api: Api, **fields: Any) -> dict[str, Any]:
    """A Belgian organization with everything an e-invoice needs (EINV §E3.2)."""
    organization = api.create_organization(**{k: v for k, v in fields.items() if k == "country"})
    values = {**SELLER, **{k: v for k, v in fields.items() if k != "country"}}
    response = api.patch(f"/v1/organizations/{organization['id']}", json=values)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def set_default(api: Api, org_id: str, name: str, value: str) -> None:
    response = api.post(f"/v1/organizations/{org_id}/defaults", json={"name": name, "value": value})
    assert response.status_code == 200, response.text


def line(
    name: str = "Launch slot", quantity: Any = 2, price: Any = "1250.50", tax: str = "standard",
    **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    return {
        "name": name,
        "quantity": quantity,
        "price": price,
        "_documentItemTaxes": [TAXES[tax]],
        **extra,
    }


def create(api: Api, org_id: str, **body: Any) -> dict[str, Any]:
    data = {"_documentClient": BUYER, "_documentItems": [line()], **body}
    response = api.post(f"/v1/organizations/{org_id}/documents", json=data)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def einvoice(api: Api, document_id: str, kind: str) -> bytes:
    response = api.get(f"/v1/documents/{document_id}/einvoice", params={"format": kind})
    assert response.status_code == 200, response.text
    content: bytes = response.content
    return content


def nodes(root: etree._Element, path: str, namespaces: dict[str, str]) -> list[Any]:
    """What an XPath selects, as a list (elements, attribute values or texts)."""
    found = root.xpath(path, namespaces=namespaces)
    assert isinstance(found, list), (path, found)
    return found


def one(root: etree._Element, path: str, namespaces: dict[str, str]) -> str:
    """The one node an XPath selects, as text."""
    found = nodes(root, path, namespaces)
    assert len(found) == 1, (path, found)
    return str(found[0].text if hasattr(found[0], "text") else found[0])


def dec(value: Any) -> Decimal:
    return Decimal(str(value))
