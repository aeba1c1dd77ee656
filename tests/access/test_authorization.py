"""The one authorization dependency (access/authorization.py): launch-code scopes
(COMPAT §3.5: `read` only GETs) on every write route family, through HTTP (COMPAT §2.2: 403 in the
envelope)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event

from spaceport.access.authorization import needs_caller
from spaceport.app import ROUTERS
from spaceport.kit.db import Database
from tests.conftest import Api

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def authenticated_writes() -> list[tuple[str, str]]:
    """Every (method, path) that writes and resolves the caller's launch code."""
    return sorted(
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and needs_caller(route)
        for method in route.methods or ()
        if method in WRITE_METHODS
    )


def read_code(api: Api) -> str:
    response = api.post(f"/v1/accounts/{api.account_id}/accessTokens", json={"scopes": ["read"]})
    assert response.status_code == 200, response.text
    assert response.json()["scopes"] == ["read"]
    code: str = response.json()["id"]
    return code


def test_a_read_code_reads_but_cannot_create_an_organization(client: TestClient, api: Api) -> None:
    organization = api.create_organization()
    headers = {"Authorization": read_code(api)}
    assert client.get(f"/v1/organizations/{organization['id']}", headers=headers).status_code == 200
    assert client.get("/v1/accounts/authorized", headers=headers).status_code == 200
    created = client.post(
        f"/v1/accounts/{api.account_id}/organizations",
        headers=headers,
        data={"name": "Sneaky", "country": "Belgium"},
    )
    assert created.status_code == 403
    assert created.json()["error"]["statusCode"] == 403


def test_a_read_code_gets_403_on_every_write_route(client: TestClient, api: Api) -> None:
    organization = api.create_organization()
    headers = {"Authorization": read_code(api)}
    routes = authenticated_writes()
    families = {path.split("/")[2] for _, path in routes}
    assert {"accounts", "organizations", "accountorganizations", "documents"} <= families
    assert len(routes) > 40
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", organization["id"], path)
        response = client.request(method, url, headers=headers, json={"name": "x"})
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["statusCode"] == 403


def test_codes_without_scopes_or_with_write_have_every_right(client: TestClient, api: Api) -> None:
    write = api.post(f"/v1/accounts/{api.account_id}/accessTokens", json={"scopes": ["write"]})
    assert write.status_code == 200
    for code in (api.code, write.json()["id"]):
        created = client.post(
            f"/v1/accounts/{api.account_id}/organizations",
            headers={"Authorization": code},
            data={"name": "Allowed", "country": "Belgium"},
        )
        assert created.status_code == 200, created.text


def test_unknown_scopes_are_a_422_naming_scopes(api: Api) -> None:
    response = api.post(f"/v1/accounts/{api.account_id}/accessTokens", json={"scopes": ["root"]})
    assert response.status_code == 422
    assert "scopes" in response.json()["error"]["details"]["messages"]
    form = api.post(f"/v1/accounts/{api.account_id}/accessTokens", data={"scopes": "read"})
    assert form.status_code == 200 and form.json()["scopes"] == ["read"]


def test_a_scoped_request_reads_its_code_once_and_its_organization_with_the_access(
    api: Api, database: Database
) -> None:
    """Issue 13: the launch code's account is read as the transaction opens, and the
    organization together with the caller's active access, one statement each."""
    organization = api.create_organization()
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        found = api.get(f"/v1/organizations/{organization['id']}/clients")
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert found.status_code == 200, found.text
    assert len([s for s in seen if "FROM access_tokens" in s]) == 1
    accesses = [s for s in seen if "accesses" in s]
    assert len(accesses) == 1 and "FROM organizations LEFT OUTER JOIN accesses" in accesses[0]


def test_a_removed_access_or_a_deleted_code_is_refused_at_once(api: Api) -> None:
    """Nothing about a caller outlives its request (COMPAT §2.2): a code deleted, or an access
    removed, is refused by the very next request."""
    organization = api.create_organization()
    other = Api(api.client)
    invited = api.post(
        f"/v1/organizations/{organization['id']}/invite",
        json={"accountId": other.account_id, "role": "default", "requireConfirmation": False},
    )
    assert invited.status_code == 200, invited.text
    clients = f"/v1/organizations/{organization['id']}/clients"
    assert other.get(clients).status_code == 200
    assert api.delete(f"/v1/accountorganizations/{invited.json()['id']}").status_code == 200
    assert other.get(clients).status_code == 401
    assert api.get(clients).status_code == 200
    assert api.post("/v1/accounts/logout").status_code == 204
    assert api.get(clients).status_code == 401
