"""What the tests of items share."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import Api

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

SPACE_SUIT = {
    "name": "Space suit",
    "description": "Best in class suit made from durable composites.",
    "unit": "item",
    "price": "1000",
}


def vat(api: Api, oid: str, rate: int) -> str:
    """The id of the organization's tax with `rate` (the Belgian VAT: 21, 12, 6, 0)."""
    taxes = api.get(f"/v1/organizations/{oid}/taxes").json()
    return next(str(t["id"]) for t in taxes if t["_taxRates"][0]["rate"] == rate)


def create(api: Api, oid: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{oid}/items", json=fields)
    assert response.status_code == 200, response.text
    item: dict[str, Any] = response.json()
    return item


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()]
