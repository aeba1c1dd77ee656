"""Connections through the API (FLOWS §F2.1 to FLOWS §F2.5): CRUD, count, filter, soft delete
and events; the key sealed at rest and never answered; the base URL checked; the test call
against the loopback Contextual AI server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spaceport.config import Settings
from spaceport.connections.models import Connection
from spaceport.kit import sealing
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.flows.contextual_server import API_KEY, ContextualServer

KEY = "sk-live-abcdefghijklmnop-WXYZ"


def create(api: Api, oid: str, **body: Any) -> Any:
    return api.post(f"/v1/organizations/{oid}/connections", json=body)


def made(api: Api, oid: str, **body: Any) -> dict[str, Any]:
    response = create(
        api, oid, **{"name": "Contextual", "type": "contextual", "apiKey": KEY, **body}
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


# -- FLOWS §F2.1, FLOWS §F2.2: the resource ------------------------------------------------------
def test_create_answers_the_connection_with_the_default_base_url_and_the_key_last4(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    connection = made(api, oid, custom={"team": "ops"})
    assert connection["organizationId"] == oid and len(connection["id"]) == 24
    assert connection["name"] == "Contextual" and connection["type"] == "contextual"
    assert connection["baseUrl"] == "https://api.contextual.ai/v1"
    assert connection["apiKeyLast4"] == "WXYZ" and connection["custom"] == {"team": "ops"}
    assert connection["_isDeleted"] is False
    assert "apiKey" not in connection and KEY not in json.dumps(connection)


def test_get_list_count_filter_update_and_soft_delete(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    first = made(api, oid, name="First")
    second = made(api, oid, name="Second", baseUrl="https://eu.contextual.example/v1")
    assert api.get(f"/v1/connections/{first['id']}").json() == first
    listed = api.get(f"/v1/organizations/{oid}/connections").json()
    assert {c["id"] for c in listed} == {first["id"], second["id"]}
    named = api.get(
        f"/v1/organizations/{oid}/connections", params={"filter[where][name]": "Second"}
    ).json()
    assert [c["id"] for c in named] == [second["id"]]
    assert api.get(f"/v1/organizations/{oid}/connections/count").json() == {"count": 2}

    patched = api.patch(f"/v1/connections/{first['id']}", json={"name": "Renamed"}).json()
    assert patched["name"] == "Renamed" and patched["apiKeyLast4"] == "WXYZ"
    put = api.put(f"/v1/connections/{first['id']}", json={"custom": {"a": 1}}).json()
    assert put["name"] == "Renamed" and put["custom"] == {"a": 1}

    assert api.delete(f"/v1/connections/{first['id']}").json() == {"count": 1}
    assert api.get(f"/v1/connections/{first['id']}").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/connections/count").json() == {"count": 1}
    deleted = api.get(
        f"/v1/organizations/{oid}/connections", params={"filter[deleted]": "true"}
    ).json()
    flags = {c["id"]: c["_isDeleted"] for c in deleted}
    assert flags == {first["id"]: True, second["id"]: False}


def test_changes_record_events_without_the_key(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    connection = made(api, oid)
    api.patch(f"/v1/connections/{connection['id']}", json={"apiKey": "another-key-9876"})
    api.delete(f"/v1/connections/{connection['id']}")
    events = api.get(f"/v1/organizations/{oid}/events").json()
    mine = [e for e in events if e["event"].startswith("connection/")]
    assert [e["event"] for e in mine] == [
        "connection/delete",
        "connection/update",
        "connection/create",
    ]
    assert all(e["data"]["id"] == connection["id"] for e in mine)
    assert mine[1]["data"]["apiKeyLast4"] == "9876"
    text = json.dumps(mine)
    assert KEY not in text and "another-key-9876" not in text and 'apiKey"' not in text


@pytest.mark.parametrize(
    ("body", "prop"),
    [
        ({"type": "contextual", "apiKey": KEY}, "name"),
        ({"name": "x", "apiKey": KEY}, "type"),
        ({"name": "x", "type": "openai", "apiKey": KEY}, "type"),
        ({"name": "x", "type": "contextual"}, "apiKey"),
        ({"name": "x", "type": "contextual", "apiKey": ""}, "apiKey"),
        (
            {"name": "x", "type": "contextual", "apiKey": KEY, "baseUrl": "ftp://x.example"},
            "baseUrl",
        ),
        ({"name": "x", "type": "contextual", "apiKey": KEY, "baseUrl": "not a url"}, "baseUrl"),
    ],
)
def test_create_refuses_a_bad_body_naming_the_property(
    api: Api, organization: dict[str, Any], body: dict[str, Any], prop: str
) -> None:
    oid = organization["id"]
    assert prop in messages(create(api, oid, **body))
    assert api.get(f"/v1/organizations/{oid}/connections/count").json() == {"count": 0}


def test_the_type_is_fixed_after_create(api: Api, organization: dict[str, Any]) -> None:
    connection = made(api, organization["id"])
    url = f"/v1/connections/{connection['id']}"
    assert "type" in messages(api.patch(url, json={"type": "other"}))
    assert api.patch(url, json={"type": "contextual"}).status_code == 200


def test_another_account_and_readonly_members(client: TestClient, organization: Any) -> None:
    stranger = Api(client)
    assert stranger.get(f"/v1/organizations/{organization['id']}/connections").status_code == 401


def test_readonly_may_list_but_not_write_or_test(client: TestClient) -> None:
    admin, reader = Api(client), Api(client)
    org = admin.create_organization()
    connection = made(admin, org["id"])
    admin.post(
        f"/v1/organizations/{org['id']}/invite",
        data={"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"},
    )
    assert reader.get(f"/v1/connections/{connection['id']}").status_code == 200
    assert create(reader, org["id"], name="x", type="contextual", apiKey=KEY).status_code == 403
    assert reader.post(f"/v1/connections/{connection['id']}/test").status_code == 403


# -- FLOWS §F2.3: sealed at rest -----------------------------------------------------------------
def test_the_key_is_sealed_at_rest_and_replaced_by_patch(
    api: Api, organization: dict[str, Any], database: Database, settings: Settings
) -> None:
    connection = made(api, organization["id"])

    def stored() -> str:
        with database.transaction(write=False) as session:
            query = select(Connection.api_key).where(Connection.id == connection["id"])
            return session.scalars(query).one()

    assert KEY not in stored()
    assert sealing.unseal(stored(), settings.secret_key) == KEY
    patched = api.patch(f"/v1/connections/{connection['id']}", json={"apiKey": "new-key-1234"})
    assert patched.json()["apiKeyLast4"] == "1234" and "new-key-1234" not in patched.text
    assert sealing.unseal(stored(), settings.secret_key) == "new-key-1234"


# -- FLOWS §F2.5: private addresses refused at save ---------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/v1",
        "http://localhost/v1",
        "http://10.0.0.5/v1",
        "http://[::1]/v1",
        "http://169.254.169.254/latest",
        "http://2130706433/v1",
    ],
)
def test_a_literal_private_base_url_is_refused_at_save(
    api: Api, organization: dict[str, Any], url: str
) -> None:
    oid = organization["id"]
    assert "baseUrl" in messages(
        create(api, oid, name="x", type="contextual", apiKey=KEY, baseUrl=url)
    )
    connection = made(api, oid)
    assert "baseUrl" in messages(
        api.patch(f"/v1/connections/{connection['id']}", json={"baseUrl": url})
    )


def test_a_private_base_url_is_allowed_when_the_setting_says_so(
    api: Api, organization: dict[str, Any], private_allowed: Settings
) -> None:
    connection = made(api, organization["id"], baseUrl="http://127.0.0.1:9/v1")
    assert connection["baseUrl"] == "http://127.0.0.1:9/v1"


# -- FLOWS §F2.4: the test call ------------------------------------------------------------------
def test_the_test_call_lists_one_datastore_with_the_key(
    api: Api, organization: dict[str, Any], contextual: ContextualServer, private_allowed: Settings
) -> None:
    connection = made(api, organization["id"], apiKey=API_KEY, baseUrl=contextual.base_url)
    response = api.post(f"/v1/connections/{connection['id']}/test")
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True}
    (call,) = contextual.received
    assert (call.method, call.path, call.query) == ("GET", "/v1/datastores", {"limit": ["1"]})
    assert call.key == API_KEY


def test_a_refused_key_is_a_422_with_the_provider_status_and_message(
    api: Api, organization: dict[str, Any], contextual: ContextualServer, private_allowed: Settings
) -> None:
    connection = made(api, organization["id"], apiKey="wrong-key", baseUrl=contextual.base_url)
    response = api.post(f"/v1/connections/{connection['id']}/test")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"] == {"statusCode": 401, "message": "Invalid API key"}
    assert error["message"] == "Invalid API key"
    assert "wrong-key" not in response.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "Quota exceeded"}, "Quota exceeded"),
        ("plain text failure", "plain text failure"),
        ({"detail": [{"msg": "bad"}]}, '[{"msg":"bad"}]'),
    ],
)
def test_the_provider_message_is_detail_or_message_or_the_body_text(
    api: Api,
    organization: dict[str, Any],
    contextual: ContextualServer,
    private_allowed: Settings,
    body: Any,
    message: str,
) -> None:
    connection = made(api, organization["id"], apiKey=API_KEY, baseUrl=contextual.base_url)
    contextual.fail(429, body)
    error = api.post(f"/v1/connections/{connection['id']}/test").json()["error"]
    assert error["details"] == {"statusCode": 429, "message": message}
    assert len(contextual.received) == 1  # the SDK's own retries are off


def test_an_unreachable_provider_is_a_422_with_a_null_status(
    api: Api, organization: dict[str, Any], private_allowed: Settings
) -> None:
    connection = made(api, organization["id"], baseUrl="http://127.0.0.1:9/v1")
    response = api.post(f"/v1/connections/{connection['id']}/test")
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert details["statusCode"] is None and details["message"]
    assert KEY not in response.text


def test_a_private_base_url_is_refused_at_the_call_too(
    api: Api,
    organization: dict[str, Any],
    contextual: ContextualServer,
    monkeypatch: pytest.MonkeyPatch,
    private_allowed: Settings,
) -> None:
    connection = made(api, organization["id"], apiKey=API_KEY, baseUrl=contextual.base_url)
    monkeypatch.setattr(private_allowed, "webhook_allow_private", False)
    response = api.post(f"/v1/connections/{connection['id']}/test")
    assert response.status_code == 422, response.text
    details = response.json()["error"]["details"]
    assert details["statusCode"] is None and "127.0.0.1" in details["message"]
    assert contextual.received == []


def test_testing_a_deleted_or_unknown_connection_is_a_404(
    api: Api, organization: dict[str, Any]
) -> None:
    connection = made(api, organization["id"])
    api.delete(f"/v1/connections/{connection['id']}")
    assert api.post(f"/v1/connections/{connection['id']}/test").status_code == 404
    assert api.post("/v1/connections/000000000000000000000000/test").status_code == 404
    assert api.client.post(f"/v1/connections/{connection['id']}/test").status_code == 401
