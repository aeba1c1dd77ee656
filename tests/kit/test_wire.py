"""What real clients put on the wire, and the error envelope they get: each test names its
rule of the wire and errors chapters."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Api, LiveServer


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


# COMPAT §2.1: every error body is the LoopBack envelope.
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


# COMPAT §1.2: multipart bodies are decoded with the `qs` rules, like form bodies.
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


# COMPAT §1.2: bracket keys may arrive percent-encoded.
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


# COMPAT §1.3: a GET may carry `{}` or a filter in a JSON body.
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
    ref = body["application/json"]["schema"]["$ref"]
    assert "email" in schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert client.get("/docs").status_code == 200


# COMPAT §1.5: JSON answers carry a Date header (COMPAT §1.12: exactly one).
def test_exactly_one_date_header_from_a_real_server(live_server: LiveServer) -> None:
    """COMPAT §1.12: uvicorn is told not to add a second Date to the app's."""
    response = httpx.get(f"{live_server.url}/health")
    assert len(response.headers.get_list("date")) == 1
    assert response.headers["date"].endswith("GMT")


@pytest.mark.parametrize("code", ["null", "undefined", "0" * 64])
def test_a_code_matching_nothing_signs_up_anonymously(client: TestClient, code: str) -> None:
    """COMPAT §1.12: the Node SDK signs up with `new SpaceInvoices(null)`."""
    email = f"anon-{uuid.uuid4().hex[:10]}@example.com"
    headers, credentials = {"Authorization": code}, {"email": email, "password": "supersecret"}
    signed_up = client.post("/v1/accounts", headers=headers, data=credentials)
    assert signed_up.status_code == 200, signed_up.text
    assert signed_up.json()["email"] == email
    login = client.post("/v1/accounts/login", headers=headers, data=credentials)
    assert login.status_code == 200 and len(login.json()["id"]) == 64
    reset = client.post("/v1/accounts/reset", headers=headers, data={"email": email})
    assert reset.status_code == 204
    closed = client.get("/v1/accounts/authorized", headers=headers)
    assert closed.status_code == 401 and closed.json()["error"]["statusCode"] == 401


def test_a_deleted_code_is_anonymous_on_open_routes(api: Api) -> None:
    """COMPAT §1.12: after logout the old code signs up a root account, not a child."""
    assert api.post("/v1/accounts/logout").status_code == 204
    email = f"after-{uuid.uuid4().hex[:10]}@example.com"
    signed_up = api.post("/v1/accounts", data={"email": email, "password": "supersecret"})
    assert signed_up.status_code == 200, signed_up.text
    assert signed_up.json().get("rootId") in (None, "")
    assert api.get(f"/v1/accounts/{api.account_id}").status_code == 401


def test_post_to_a_model_id_is_a_partial_update(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §1.10: the reference's "Update a Default" example has no -X, so it is a POST."""
    oid = organization["id"]
    default = api.post(f"/v1/organizations/{oid}/defaults", data={"name": "n", "value": "1"})
    updated = api.post(f"/v1/defaults/{default.json()['id']}", data={"value": "EUR"})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["name"], updated.json()["value"]) == ("n", "EUR")
    assert api.get(f"/v1/Defaults/{default.json()['id']}").json()["value"] == "EUR"


def test_post_to_an_unknown_model_id_is_404(api: Api) -> None:
    assert api.post("/v1/defaults/" + "a" * 24, data={"value": "x"}).status_code == 404
    assert api.post("/v1/nothings/" + "a" * 24, data={"value": "x"}).status_code == 404


def test_form_label_with_a_boundary_is_multipart(api: Api) -> None:
    """COMPAT §1.2.1: curl -H "Content-Type: application/x-www-form-urlencoded" -F ...
    (the reference's logo upload example) sends a multipart body under that label."""
    boundary = "------------------------d74496d66958873e"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nLabelled\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="country"\r\n\r\nSlovenia\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    content_type = f"application/x-www-form-urlencoded; boundary={boundary}"
    response = api.client.post(
        f"/v1/accounts/{api.account_id}/organizations",
        headers={**api.headers, "Content-Type": content_type},
        content=body,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["countryAlpha2Code"]) == ("Labelled", "SI")


def test_the_date_header_is_an_http_date_of_the_second() -> None:
    """COMPAT §1.12: the Date header (formatted once per second, issue 13) is RFC 7231's."""
    from spaceport.kit.wire import http_date

    assert http_date(0) == b"Thu, 01 Jan 1970 00:00:00 GMT"
    assert http_date(1_800_000_000) == b"Fri, 15 Jan 2027 08:00:00 GMT"
    assert http_date(0) == b"Thu, 01 Jan 1970 00:00:00 GMT"
