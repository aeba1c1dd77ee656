"""What the tests of clients share."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

# The reference's curl example, verbatim, as form data.
SPACEX = {
    "name": "Space Exploration Technologies corp",
    "address": "Rocket Road",
    "city": "Hawthorne",
    "zip": "CA 90250",
    "country": "USA",
    "email": "info@spacex.com",
    "contact": "Elon M.",
    "phone": "+1 123 456 7890",
}


def create(api: Api, oid: str, **data: Any) -> Any:
    return api.post(f"/v1/organizations/{oid}/clients", data=data)


def created(api: Api, oid: str, **data: Any) -> dict[str, Any]:
    response = create(api, oid, **data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- search -----------------------------------------------------------------------------------
def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [client["name"] for client in response.json()]
