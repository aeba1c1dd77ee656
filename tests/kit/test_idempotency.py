"""Idempotency-Key (COMPAT §6.11): replays, conflicts, and concurrent duplicates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.conftest import Api, LiveServer

BODY = {
    "_documentClient": {"name": "Rocket Man"},
    "_documentItems": [{"name": "Suit", "price": 100}],
}


def test_same_key_and_body_replays_the_first_answer(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/documents"
    headers = {**api.headers, "Idempotency-Key": "order-1001"}
    first = api.client.post(url, headers=headers, json=BODY)
    second = api.client.post(url, headers=headers, json=BODY)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    assert api.get(f"{url}/count").json() == {"count": 1}


def test_same_key_with_another_body_is_409(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/documents"
    headers = {**api.headers, "Idempotency-Key": "order-1002"}
    assert api.client.post(url, headers=headers, json=BODY).status_code == 200
    other = api.client.post(url, headers=headers, json={**BODY, "reference": "changed"})
    assert other.status_code == 409 and other.json()["error"]["statusCode"] == 409


def test_a_failed_request_does_not_use_up_the_key(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/documents"
    headers = {**api.headers, "Idempotency-Key": "order-1003"}
    bad = {"_documentItems": [{"name": "Suit", "price": 100}]}  # no client name: 422
    assert api.client.post(url, headers=headers, json=bad).status_code == 422
    assert api.client.post(url, headers=headers, json=bad).status_code == 422


def test_concurrent_duplicates_create_one_document(
    api: Api, organization: dict[str, Any], live_server: LiveServer
) -> None:
    url = f"{live_server.url}/v1/organizations/{organization['id']}/documents"
    headers = {**api.headers, "Idempotency-Key": "order-1004"}

    def send(_: int) -> httpx.Response:
        return httpx.post(url, headers=headers, json=BODY, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["id"] for a in answers}) == 1
    assert api.get(f"/v1/organizations/{organization['id']}/documents/count").json() == {"count": 1}
