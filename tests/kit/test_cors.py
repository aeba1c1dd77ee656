"""CORS as LoopBack serves it by default (COMPAT §1.14)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit.bounds import MAX_BODY_BYTES
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


def too_large() -> Iterator[bytes]:
    """A body without a declared length that grows past kit.bounds' limit as it streams."""
    chunk = b" " * 1024 * 1024
    for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
        yield chunk


def assert_readable(answer: Any, status: int) -> None:
    """COMPAT §1.14 on a refusal: the browser may read it (origin, Vary), with its one Date
    (COMPAT §1.12) and the LoopBack envelope (COMPAT §2.1)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert answer.headers["vary"] == "Origin"
    assert len(answer.headers.get_list("date")) == 1
    assert answer.json()["error"]["statusCode"] == status


def test_the_wires_refusals_carry_cors(client: TestClient) -> None:
    """The wire middleware's own answers (kit.bounds: a declared or streamed body over the limit,
    a path that is not UTF-8) and a malformed body, each to a request with an Origin."""
    origin = {"Origin": ORIGIN, "Content-Type": "application/json"}
    declared = {**origin, "Content-Length": str(MAX_BODY_BYTES + 1)}
    assert_readable(client.post("/v1/accounts/login", headers=declared, content=b"{}"), 413)
    # Read by the idempotency middleware, outside any route (COMPAT §6.11).
    keyed = {**origin, "Idempotency-Key": "k1", "Authorization": "a" * 64}
    url = "/v1/organizations/5e9ab369ed6377000d23d5b5/clients"
    assert_readable(client.post(url, headers=keyed, content=too_large()), 413)
    assert_readable(client.get("/v1/%ff", headers=origin), 400)
    assert_readable(client.post("/v1/accounts/login", headers=origin, content=b"{"), 400)


@pytest.fixture
def limited(settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"rate_limit": "1/minute"}), database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_a_rate_limited_answer_carries_cors(limited: TestClient) -> None:
    """COMPAT §2.2: the 429 (with `Retry-After`, exposed to the browser) is readable too."""
    limited.get("/v1/countries", headers={"Origin": ORIGIN})
    refused = limited.get("/v1/countries", headers={"Origin": ORIGIN})
    assert_readable(refused, 429)
    assert "Retry-After" in refused.headers["access-control-expose-headers"]


@pytest.fixture
def faulty(settings: Settings, database: Database) -> Iterator[TestClient]:
    """The app with one more route, which fails as a bug would."""
    app = create_app(settings, database)

    @app.get("/v1/explode")
    def explode() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unexpected_error_carries_cors(faulty: TestClient) -> None:
    """Even a 500 (COMPAT §2.2: never on bad input) is an answer a browser can read."""
    assert_readable(faulty.get("/v1/explode", headers={"Origin": ORIGIN}), 500)
