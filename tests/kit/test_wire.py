"""COMPAT §1 and §2 on the wire."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Api


def test_routes_ignore_case_and_trailing_slash(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    for path in (
        f"/v1/Organizations/{oid}",
        f"/v1/organizations/{oid}/",
        f"/V1/ORGANIZATIONS/{oid}",
    ):
        response = api.get(path)
        assert response.status_code == 200, path
        assert response.json()["id"] == oid


def test_json_answers_carry_date_and_charset(client: TestClient) -> None:
    response = client.get("/health")
    assert response.json() == {"status": "ok"}
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["date"].endswith("GMT")


def test_unknown_route_is_a_404_envelope(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["statusCode"] == 404


def test_malformed_json_is_400(api: Api) -> None:
    response = api.client.post(
        f"/v1/accounts/{api.account_id}/organizations",
        headers={**api.headers, "content-type": "application/json"},
        content=b'{"name": ',
    )
    assert response.status_code == 400
    assert response.json()["error"]["statusCode"] == 400


def test_a_json_array_body_is_400(api: Api) -> None:
    response = api.post(f"/v1/accounts/{api.account_id}/organizations", json=[1, 2])
    assert response.status_code == 400


def test_multipart_body_with_bracket_keys(api: Api) -> None:
    response = api.post(
        f"/v1/accounts/{api.account_id}/organizations",
        files={
            "name": (None, "Multipart Agency"),
            "country": (None, "Slovenia"),
            "custom[a]": (None, "1"),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Multipart Agency" and response.json()["custom"] == {"a": "1"}


def test_percent_encoded_bracket_keys(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    url = f"/v1/organizations/{oid}/defaults?filter%5Bwhere%5D%5Bname%5D=currencyId"
    assert [d["name"] for d in api.get(url).json()] == ["currencyId"]


def test_filter_as_a_json_string(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    api.post(f"/v1/organizations/{oid}/defaults", data={"name": "a", "value": "1"})
    response = api.get(
        f"/v1/organizations/{oid}/defaults", params={"filter": json.dumps({"where": {"name": "a"}})}
    )
    assert [d["name"] for d in response.json()] == ["a"]


def test_get_with_a_json_body(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    api.post(f"/v1/organizations/{oid}/defaults", data={"name": "a", "value": "1"})
    empty = api.client.request(
        "GET", f"/v1/organizations/{oid}/defaults", headers=api.headers, json={}
    )
    assert len(empty.json()) == 2
    filtered = api.client.request(
        "GET",
        f"/v1/organizations/{oid}/defaults",
        headers=api.headers,
        json={"filter": {"where": {"name": "a"}}},
    )
    assert [d["name"] for d in filtered.json()] == ["a"]


def test_bad_filter_is_400_naming_the_part(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    response = api.get(f"/v1/organizations/{oid}/defaults", params={"filter[limit]": "many"})
    assert response.status_code == 400 and "limit" in response.json()["error"]["message"]
    response = api.get(f"/v1/organizations/{oid}/defaults", params={"filter": "{not json"})
    assert response.status_code == 400
    response = api.get(f"/v1/organizations/{oid}/defaults", params={"filter[where][nope]": "1"})
    assert response.status_code == 400 and "nope" in response.json()["error"]["message"]


def test_unknown_properties_are_ignored(api: Api) -> None:
    response = api.post(
        f"/v1/accounts/{api.account_id}/organizations",
        data={"name": "A", "country": "Belgium", "spaceship": "yes"},
    )
    assert response.status_code == 200 and "spaceship" not in response.json()


def test_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/v1/accounts/login" in schema["paths"]
    body = schema["paths"]["/v1/accounts/login"]["post"]["requestBody"]["content"]
    assert "email" in body["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert client.get("/docs").status_code == 200
