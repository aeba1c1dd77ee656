"""Units through HTTP (COMPAT §7.6, COMPAT §1.10, COMPAT §4.1, COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from spaceport.events.models import Event
from spaceport.kit.db import Database
from tests.conftest import Api

BRANCH = {
    "name": "Space Agency Ghent",
    "address": "Korenmarkt 1",
    "city": "Gent",
    "zip": "9000",
    "country": "België",
    "taxNumber": "BE0403170701",
    "IBAN": "BE68 5390 0754 7034",
    "SWIFT": "GKCCBEBB",
    "email": "ghent@example.com",
    "phone": "+32 9 000 00 00",
    "businessType": "branch",
}


def created(api: Api, oid: str, **data: Any) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{oid}/units", data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_a_unit_with_every_property(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    unit = created(api, oid, **BRANCH)
    assert {key: unit[key] for key in BRANCH} == BRANCH
    assert unit["organizationId"] == oid and len(unit["id"]) == 24
    assert unit["countryAlpha2Code"] == "BE"
    assert unit["taxSubject"] is True and unit["custom"] == {}
    for unset in ("address2", "state", "companyNumber", "bank", "website"):
        assert unit[unset] is None
    assert api.get(f"/v1/units/{unit['id']}").json() == unit


def test_name_is_required(api: Api, organization: dict[str, Any]) -> None:
    response = api.post(f"/v1/organizations/{organization['id']}/units", data={"city": "Gent"})
    assert response.status_code == 422
    assert "name" in response.json()["error"]["details"]["messages"]


def test_country_code_follows_the_country_unless_given(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    assert created(api, oid, name="U", country="Slovenija")["countryAlpha2Code"] == "SI"
    assert created(api, oid, name="U", country="Atlantis")["countryAlpha2Code"] is None
    given = created(api, oid, name="U", country="Kosova", countryAlpha2Code="xk")
    assert given["countryAlpha2Code"] == "XK"
    moved = api.patch(f"/v1/units/{given['id']}", data={"country": "Deutschland"}).json()
    assert moved["country"] == "Deutschland" and moved["countryAlpha2Code"] == "DE"
    kept = api.patch(f"/v1/units/{given['id']}", data={"city": "Berlin"}).json()
    assert kept["countryAlpha2Code"] == "DE"


def test_unknown_country_code_is_422(api: Api, organization: dict[str, Any]) -> None:
    response = api.post(
        f"/v1/organizations/{organization['id']}/units",
        data={"name": "U", "countryAlpha2Code": "QQ"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["messages"] == {
        "countryAlpha2Code": ["'QQ' is not an ISO 3166-1 alpha-2 country code"]
    }


def test_put_and_patch_are_partial(api: Api, organization: dict[str, Any]) -> None:
    unit = created(api, organization["id"], **BRANCH)
    put = api.put(f"/v1/units/{unit['id']}", json={"bank": "KBC", "taxSubject": False}).json()
    assert put["bank"] == "KBC" and put["taxSubject"] is False and put["name"] == BRANCH["name"]
    patched = api.patch(f"/v1/units/{unit['id']}", data={"name": "Ghent"}).json()
    assert patched["name"] == "Ghent" and patched["bank"] == "KBC"


def test_delete_is_soft(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    unit = created(api, oid, name="U")
    assert api.delete(f"/v1/units/{unit['id']}").json() == {"count": 1}
    assert api.get(f"/v1/units/{unit['id']}").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/units").json() == []
    assert api.get(f"/v1/organizations/{oid}/units/count").json() == {"count": 0}
    listed = api.get(f"/v1/organizations/{oid}/units", params={"filter[deleted]": "true"}).json()
    assert listed[0]["_isDeleted"] is True and listed[0]["deletedId"] == unit["id"]
    assert listed[0]["deletedAt"] is not None


def test_filters_and_count(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created(api, oid, name="Ghent", city="Gent")
    created(api, oid, name="Hasselt", city="Hasselt")
    created(api, oid, name="Harelbeke", city="Harelbeke")
    url = f"/v1/organizations/{oid}/units"
    found = api.get(url, params={"filter[where][city][like]": "Ha%", "filter[order]": "name DESC"})
    assert [u["name"] for u in found.json()] == ["Hasselt", "Harelbeke"]
    assert api.get(f"{url}/count", params={"where[city][like]": "Ha%"}).json() == {"count": 2}


def test_relation_route(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    unit = created(api, oid, name="U")
    url = f"/v1/organizations/{oid}/units/{unit['id']}"
    assert api.patch(url, data={"city": "Gent"}).json()["city"] == "Gent"
    other = api.create_organization(name="Other")
    assert api.get(f"/v1/organizations/{other['id']}/units/{unit['id']}").status_code == 404


def test_readonly_access_may_read_but_not_write(client: TestClient) -> None:
    admin, reader = Api(client), Api(client)
    oid = admin.create_organization()["id"]
    invite = {"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"}
    admin.post(f"/v1/organizations/{oid}/invite", data=invite)
    unit = created(admin, oid, name="U")
    assert reader.get(f"/v1/units/{unit['id']}").status_code == 200
    assert reader.post(f"/v1/organizations/{oid}/units", data={"name": "V"}).status_code == 403
    assert reader.patch(f"/v1/units/{unit['id']}", data={"name": "W"}).status_code == 403
    assert reader.delete(f"/v1/units/{unit['id']}").status_code == 403


def test_every_change_records_its_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    unit = created(api, oid, name="U")
    api.patch(f"/v1/units/{unit['id']}", data={"name": "V"})
    api.delete(f"/v1/units/{unit['id']}")
    with database.transaction(write=False) as session:
        rows = session.scalars(
            select(Event)
            .where(Event.organization_id == oid, Event.event.like("unit/%"))
            .order_by(Event.id)
        ).all()
        assert [e.event for e in rows] == ["unit/create", "unit/update", "unit/delete"]
        assert rows[1].data["name"] == "V" and rows[0].data["id"] == unit["id"]
