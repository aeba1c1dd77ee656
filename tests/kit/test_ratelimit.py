"""Rate limiting per launch code (COMPAT §2.2)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit.db import Database
from spaceport.kit.ratelimit import client_key

# Launch codes have their shape (COMPAT §3.2): 64 url-safe characters.
CODE_A, CODE_B = "a" * 64, "b" * 64


def test_429_with_retry_after_per_launch_code(settings: Settings, database: Database) -> None:
    app = create_app(settings.model_copy(update={"rate_limit": "3/minute"}), database)
    with TestClient(app) as client:
        statuses = [
            client.get("/v1/accounts/authorized", headers={"Authorization": CODE_A}).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        limited = client.get("/v1/accounts/authorized", headers={"Authorization": CODE_A})
        assert limited.json()["error"]["statusCode"] == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # Another launch code has its own budget; health is never limited.
        assert (
            client.get("/v1/accounts/authorized", headers={"Authorization": CODE_B}).status_code
            == 401
        )
        assert all(client.get("/health").status_code == 200 for _ in range(5))


def scope_with(authorization: bytes, address: str = "203.0.113.7") -> dict[str, object]:
    return {"headers": [(b"authorization", authorization)], "client": (address, 1)}


def test_a_value_that_is_no_launch_code_is_budgeted_by_address() -> None:
    """COMPAT §1.12, COMPAT §3.2: `Authorization: null` (the Node SDK before login) and other
    strings that cannot be launch codes share the caller's address budget, not one global bucket."""
    assert client_key(scope_with(b"null")) == "address:203.0.113.7"
    assert client_key(scope_with(b"null", "198.51.100.1")) == "address:198.51.100.1"
    assert client_key(scope_with(b"x" * 63)) == "address:203.0.113.7"
    assert client_key(scope_with(b"a" * 64)).startswith("code:")
    assert client_key(scope_with(b"Bearer " + b"a" * 64)) == client_key(scope_with(b"a" * 64))
