"""CORS as LoopBack serves it by default (COMPAT §1.14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit.db import Database
from tests.conftest import Api

ORIGIN = "https://shop.example.com"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "PATCH",
    "Access-Control-Request-Headers": "authorization, content-type, x-requested-with",
}


def test_every_v1_route_answers_a_preflight(client: TestClient) -> None:
    for path in ("/v1/accounts/login", "/v1/documents/5e9ab369ed6377000d23d5b5", "/V1/Clients/"):
        response = client.options(path, headers=PREFLIGHT)
        assert response.status_code == 204, path
        assert response.headers["access-control-allow-origin"] == ORIGIN
        methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
        assert methods == {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
        allowed = response.headers["access-control-allow-headers"].split(", ")
        assert {"authorization", "content-type", "idempotency-key", "x-requested-with"} <= set(
            allowed
        )
        assert int(response.headers["access-control-max-age"]) > 0
        assert "access-control-allow-credentials" not in response.headers
        assert response.headers["date"].endswith("GMT")


def test_actual_answers_carry_the_origin(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}"
    response = api.client.get(url, headers={**api.headers, "Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["vary"] == "Origin"
    failed = api.client.get("/v1/accounts/authorized", headers={"Origin": ORIGIN})
    assert failed.status_code == 401
    assert failed.headers["access-control-allow-origin"] == ORIGIN


def test_answers_without_origin_and_outside_v1_carry_no_cors(client: TestClient) -> None:
    assert "access-control-allow-origin" not in client.get("/health").headers
    assert "access-control-allow-origin" not in client.get("/v1/countries").headers
    outside = client.get("/health", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in outside.headers
    assert client.options("/health", headers=PREFLIGHT).status_code != 204


def test_an_options_without_a_requested_method_is_no_preflight(client: TestClient) -> None:
    response = client.options("/v1/accounts/login", headers={"Origin": ORIGIN})
    assert response.status_code == 404
    assert response.json()["error"]["statusCode"] == 404


@pytest.fixture
def narrowed(settings: Settings, database: Database) -> Iterator[TestClient]:
    origins = "https://app.example.com, https://shop.example.com/"
    app = create_app(settings.model_copy(update={"cors_origins": origins}), database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_cors_origins_narrow_who_may_call(narrowed: TestClient) -> None:
    """`SPACEPORT_CORS_ORIGINS` lists the origins; others get no allowance."""
    allowed = narrowed.options("/v1/accounts/login", headers=PREFLIGHT)
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    stranger = {**PREFLIGHT, "Origin": "https://evil.example.net"}
    refused = narrowed.options("/v1/accounts/login", headers=stranger)
    assert refused.status_code == 204
    assert "access-control-allow-origin" not in refused.headers
    answer = narrowed.get("/v1/countries", headers={"Origin": "https://evil.example.net"})
    assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
    assert answer.headers["vary"] == "Origin"
