"""Rate limiting per launch code (COMPAT §2.2)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit.db import Database


def test_429_with_retry_after_per_launch_code(settings: Settings, database: Database) -> None:
    app = create_app(settings.model_copy(update={"rate_limit": "3/minute"}), database)
    with TestClient(app) as client:
        statuses = [
            client.get("/v1/accounts/authorized", headers={"Authorization": "code-a"}).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        limited = client.get("/v1/accounts/authorized", headers={"Authorization": "code-a"})
        assert limited.json()["error"]["statusCode"] == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # Another launch code has its own budget; health is never limited.
        assert (
            client.get("/v1/accounts/authorized", headers={"Authorization": "code-b"}).status_code
            == 401
        )
        assert all(client.get("/health").status_code == 200 for _ in range(5))
