"""Categories through HTTP (COMPAT §7.6, COMPAT §1.10, COMPAT §4.1, COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from spaceport.categories import service
from spaceport.events.models import Event
from spaceport.kit.db import Database
from tests.conftest import Api


def create(api: Api, oid: str, **data: Any) -> Any:
    return api.post(f"/v1/organizations/{oid}/categories", data=data)


def created(api: Api, oid: str, **data: Any) -> dict[str, Any]:
    response = create(api, oid, **data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


def test_create_a_category(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    category = created(api, oid, name="Rocket fuel", alias="fuel", description="Propellants")
    assert category["name"] == "Rocket fuel" and category["alias"] == "fuel"
    assert category["description"] == "Propellants" and category["organizationId"] == oid
    assert category["custom"] == {} and category["_isDeleted"] is False
    assert api.get(f"/v1/categories/{category['id']}").json() == category


def test_name_and_alias_are_required(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    assert sorted(messages(create(api, oid, description="x"))) == ["alias", "name"]
    assert list(messages(create(api, oid, name="Fuel"))) == ["alias"]
    category = created(api, oid, name="Fuel", alias="fuel")
    blanked = api.patch(f"/v1/categories/{category['id']}", json={"alias": None})
    assert messages(blanked) == {"alias": ["can't be blank"]}


def test_alias_is_unique_in_the_organization(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    fuel = created(api, oid, name="Fuel", alias="fuel")
    parts = created(api, oid, name="Parts", alias="parts")
    assert messages(create(api, oid, name="Fuel 2", alias="fuel")) == {
        "alias": ["A category with the alias 'fuel' already exists"]
    }
    renamed = api.patch(f"/v1/categories/{parts['id']}", data={"alias": "fuel"})
    assert list(messages(renamed)) == ["alias"]
    same = api.patch(f"/v1/categories/{fuel['id']}", data={"alias": "fuel", "name": "Fuels"})
    assert same.status_code == 200 and same.json()["name"] == "Fuels"
    other = api.create_organization(name="Other")
    assert created(api, other["id"], name="Fuel", alias="fuel")["alias"] == "fuel"


def test_a_deleted_category_frees_its_alias(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    old = created(api, oid, name="Fuel", alias="fuel")
    assert api.delete(f"/v1/categories/{old['id']}").json() == {"count": 1}
    new = created(api, oid, name="Fuel", alias="fuel")
    with database.transaction(write=False) as session:
        found = service.find_by_alias(session, oid, "fuel")
        assert found is not None and found.id == new["id"]


def test_delete_is_soft(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    category = created(api, oid, name="Fuel", alias="fuel")
    api.delete(f"/v1/categories/{category['id']}")
    assert api.get(f"/v1/categories/{category['id']}").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/categories/count").json() == {"count": 0}
    listed = api.get(
        f"/v1/organizations/{oid}/categories", params={"filter[deleted]": "true"}
    ).json()
    assert listed[0]["_isDeleted"] is True and listed[0]["deletedId"] == category["id"]
    assert listed[0]["deletedAt"] is not None


def test_filters_and_count(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created(api, oid, name="Fuel", alias="fuel")
    created(api, oid, name="Fuel tanks", alias="tanks")
    created(api, oid, name="Paint", alias="paint")
    url = f"/v1/organizations/{oid}/categories"
    found = api.get(
        url, params={"filter[where][name][like]": "Fuel%", "filter[order]": "alias DESC"}
    )
    assert [c["alias"] for c in found.json()] == ["tanks", "fuel"]
    assert api.get(f"{url}/count", params={"where[alias][inq][0]": "fuel"}).json() == {"count": 1}


def test_readonly_access_may_read_but_not_write(client: TestClient) -> None:
    admin, reader = Api(client), Api(client)
    oid = admin.create_organization()["id"]
    invite = {"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"}
    admin.post(f"/v1/organizations/{oid}/invite", data=invite)
    category = created(admin, oid, name="Fuel", alias="fuel")
    assert reader.get(f"/v1/organizations/{oid}/categories").status_code == 200
    assert create(reader, oid, name="Paint", alias="paint").status_code == 403
    assert reader.delete(f"/v1/categories/{category['id']}").status_code == 403


def test_every_change_records_its_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    category = created(api, oid, name="Fuel", alias="fuel")
    api.patch(f"/v1/categories/{category['id']}", data={"description": "Propellants"})
    api.delete(f"/v1/categories/{category['id']}")
    with database.transaction(write=False) as session:
        rows = session.scalars(
            select(Event)
            .where(Event.organization_id == oid, Event.event.like("category/%"))
            .order_by(Event.id)
        ).all()
        assert [e.event for e in rows] == ["category/create", "category/update", "category/delete"]
        assert rows[1].data["description"] == "Propellants"
