"""COMPAT §6.2: 100 concurrent creates through HTTP get exactly the numbers 1..100."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.conftest import Api, LiveServer

BODY = {
    "_documentClient": {"name": "Rocket Man"},
    "_documentItems": [{"name": "Suit", "price": 100, "_documentItemTaxes": [{"rate": 21}]}],
}


def test_hundred_concurrent_creates_are_numbered_1_to_100(
    api: Api, organization: dict[str, Any], live_server: LiveServer
) -> None:
    url = f"{live_server.url}/v1/organizations/{organization['id']}/documents"

    def send(_: int) -> httpx.Response:
        return httpx.post(url, headers=api.headers, json=BODY, timeout=60)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(100)))
    assert [a.status_code for a in answers] == [200] * 100
    year = datetime.now(UTC).year
    numbers = sorted(a.json()["number"] for a in answers)
    assert numbers == [f"{year}-{n:05d}" for n in range(1, 101)]
