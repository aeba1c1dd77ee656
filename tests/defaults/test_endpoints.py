"""Defaults through HTTP (reference "Defaults"; COMPAT §7.2, COMPAT §1.10)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def test_create_default_as_in_the_reference(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    response = api.post(
        f"/v1/organizations/{oid}/defaults", data={"name": "invoice_note", "value": "EUR"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "invoice_note" and body["value"] == "EUR"
    assert body["organizationId"] == oid and len(body["id"]) == 24


def test_duplicate_name_is_422(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    response = api.post(
        f"/v1/organizations/{oid}/defaults", data={"name": "currencyId", "value": "USD"}
    )
    assert response.status_code == 422
    assert "name" in response.json()["error"]["details"]["messages"]


def test_value_of_any_json_type(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    for name, value in [
        ("n", 42),
        ("b", False),
        ("o", {"a": [1, "x"]}),
        ("l", [1, 2]),
        ("z", None),
    ]:
        response = api.post(
            f"/v1/organizations/{oid}/defaults", json={"name": name, "value": value}
        )
        assert response.status_code == 200 and response.json()["value"] == value


def test_known_numeric_defaults_are_coerced_from_form_strings(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    body = api.post(
        f"/v1/organizations/{oid}/defaults", data={"name": "invoice_dueDays", "value": "15"}
    )
    assert body.json()["value"] == 15
    bad = api.post(
        f"/v1/organizations/{oid}/defaults",
        data={"name": "estimate_validTillDays", "value": "soon"},
    )
    assert bad.status_code == 422


def test_get_update_delete_count(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created = api.post(f"/v1/organizations/{oid}/defaults", data={"name": "x", "value": "1"}).json()
    assert api.get(f"/v1/defaults/{created['id']}").json()["value"] == "1"
    assert api.patch(f"/v1/defaults/{created['id']}", data={"value": "2"}).json()["value"] == "2"
    renamed = api.patch(f"/v1/defaults/{created['id']}", data={"name": "y"})
    assert renamed.status_code == 422
    assert api.get(f"/v1/organizations/{oid}/defaults/count").json() == {"count": 2}
    where = api.get(f"/v1/organizations/{oid}/defaults/count", params={"where[name]": "x"})
    assert where.json() == {"count": 1}
    listed = api.get(
        f"/v1/organizations/{oid}/defaults", params={"filter[order]": "name DESC"}
    ).json()
    assert [d["name"] for d in listed] == ["x", "currencyId"]
    assert api.delete(f"/v1/defaults/{created['id']}").json() == {"count": 1}
    assert api.get(f"/v1/defaults/{created['id']}").status_code == 404


def test_relation_route_as_the_node_sdk_uses_it(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created = api.post(f"/v1/organizations/{oid}/defaults", data={"name": "x", "value": "1"}).json()
    updated = api.put(f"/v1/organizations/{oid}/defaults/{created['id']}", json={"value": "3"})
    assert updated.status_code == 200 and updated.json()["value"] == "3"
    assert api.get(f"/v1/organizations/{oid}/defaults/{created['id']}").json()["value"] == "3"
    other = api.create_organization(name="Other")
    wrong_parent = api.get(f"/v1/organizations/{other['id']}/defaults/{created['id']}")
    assert wrong_parent.status_code == 404
    assert api.delete(f"/v1/organizations/{oid}/defaults/{created['id']}").json() == {"count": 1}
