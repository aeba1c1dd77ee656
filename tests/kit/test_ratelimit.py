"""Rate limiting per launch code (COMPAT §2.2)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from limits import parse

from spaceport.app import create_app
from spaceport.config import Settings
from spaceport.kit.db import Database
from spaceport.kit.errors import TooManyRequests
from spaceport.kit.ratelimit import KeyedLimits, LocalBudget, client_key

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


def test_login_and_reset_are_limited_per_email_and_per_address(
    settings: Settings, database: Database
) -> None:
    """Issue 16 point 4: login and password reset are rate-limited per email (normalized) and
    per address, each with its own budget: 429 with Retry-After, in the envelope. Budgets per
    day: a sliding window lets one more attempt through when the test crosses its boundary."""
    limits = {"login_rate_limit_email": "2/day", "login_rate_limit_address": "5/day"}
    app = create_app(settings.model_copy(update=limits), database)
    with TestClient(app) as client:

        def log_in(email: str) -> Any:
            return client.post("/v1/accounts/login", data={"email": email, "password": "x"})

        assert [log_in("crew@example.com").status_code for _ in range(3)] == [401, 401, 429]
        refused = log_in(" Crew@Example.COM ")  # the same email
        assert refused.status_code == 429 and refused.json()["error"]["statusCode"] == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 86400
        assert log_in("pilot@example.com").status_code == 401  # the address's 5th attempt
        assert log_in("captain@example.com").status_code == 429  # the address is spent
        resets = [
            client.post("/v1/accounts/reset", data={"email": "crew@example.com"}).status_code
            for _ in range(3)
        ]
        assert resets == [204, 204, 429]  # resets have their own budgets


def test_attempt_budgets_count_exactly_across_a_window_boundary() -> None:
    """WEB §W2.2: a budget of 3 per 2 seconds refuses a 4th attempt made just after the
    clock crossed a 2-second boundary (a sliding counter weighs the 3 earlier ones at 95%,
    counts 2.85 and lets it through)."""
    limits = KeyedLimits({"email": "3 per 2 seconds"})
    keys = {"email": "someone@example.com"}
    while not 1.75 < time.time() % 2 < 1.85:  # just before a boundary
        time.sleep(0.01)
    for _ in range(3):
        limits.hit("test-attempts", keys)
    time.sleep(2 - time.time() % 2 + 0.05)  # just after it
    with pytest.raises(TooManyRequests):
        limits.check("test-attempts", keys)


def test_local_budget_counts_as_a_sliding_window_counter() -> None:
    """COMPAT §2.2's budget in one process: the previous window's requests weigh by the share
    of it still inside the last window, so a burst at a window's end is not followed by a fresh
    full budget; Retry-After says when the next request fits."""
    budget = LocalBudget(parse("3 per 10 seconds"))
    assert [budget.spend("code:a", now=t) for t in (100.0, 101.0, 102.0)] == [None] * 3
    assert budget.spend("code:a", now=103.0) == 7  # when this window becomes the previous
    assert budget.spend("code:b", now=103.0) is None  # another key has its own budget
    # the next window: the 3 earlier ones weigh 3 * 9/10, and fall by 0.3 a second
    assert budget.spend("code:a", now=111.0) == 3  # 2.7 + 1 fits 3 at 113.33
    assert budget.spend("code:a", now=113.4) is None  # 1.98 + 0 + 1
    assert budget.spend("code:a", now=113.5) == 4  # 1.95 + 1 + 1: fits at 116.67
    # two quiet windows later nothing is counted, and quiet keys are dropped
    assert budget.spend("code:a", now=135.0) is None
    assert set(budget.counts) == {"code:a"}
