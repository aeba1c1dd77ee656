"""A document has at most 5,000 lines (documents/schemas.py; at most 5,000 lines): beyond, a 422
naming `_documentItems` before anything is written."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def test_more_than_five_thousand_lines_is_a_422_and_nothing_is_written(
    api: Api, organization: dict[str, Any]
) -> None:
    documents = f"/v1/organizations/{organization['id']}/documents"
    line = {"name": "Bolt", "quantity": 1, "price": 1}
    body = {"_documentClient": {"name": "Rocket Man"}, "_documentItems": [line] * 5001}
    response = api.post(documents, json=body)
    assert response.status_code == 422
    assert "_documentItems" in response.json()["error"]["details"]["messages"]
    assert api.get(f"{documents}/count").json() == {"count": 0}
    body["_documentItems"] = [line] * 3
    assert api.post(documents, json=body).status_code == 200
