"""Numbering through HTTP (COMPAT §6.2): consecutive numbers per type, year and unit, drafts
numbered when finalized, given numbers unique, and 100 concurrent creates get exactly the numbers
1..100."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.conftest import Api, LiveServer
from tests.documents.test_endpoints import create, simple

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


def test_numbers_are_consecutive_per_type(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    year = datetime.now(UTC).year
    numbers = [create(api, org_id, json=simple())["number"] for _ in range(3)]
    assert numbers == [f"{year}-00001", f"{year}-00002", f"{year}-00003"]
    assert create(api, org_id, json=simple(type="estimate"))["number"] == f"{year}-00001"
    assert api.get(f"/v1/organizations/{org_id}/next-doc-number").json() == {
        "number": f"{year}-00004"
    }
    assert api.get(
        f"/v1/organizations/{org_id}/last-doc-number", params={"type": "invoice"}
    ).json() == {"number": f"{year}-00003"}


def test_a_past_year_has_its_own_sequence(api: Api, organization: dict[str, Any]) -> None:
    old = create(api, organization["id"], json=simple(date="2020-04-18"))
    assert old["number"] == "2020-00001"


def test_drafts_are_numbered_when_finalized(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    year = datetime.now(UTC).year
    draft = create(api, org_id, json=simple(draft=True))
    assert draft["number"] is None and draft["draft"] is True
    create(api, org_id, json=simple())
    final = api.patch(f"/v1/documents/{draft['id']}", json={"draft": False}).json()
    assert final["number"] == f"{year}-00002" and final["draft"] is False
    back = api.patch(f"/v1/documents/{draft['id']}", json={"draft": True})
    assert back.status_code == 422


def test_given_numbers_are_unique_and_the_sequence_follows(
    api: Api, organization: dict[str, Any]
) -> None:
    org_id = organization["id"]
    year = datetime.now(UTC).year
    given = create(api, org_id, json=simple(number=f"{year}-00010"))
    assert given["number"] == f"{year}-00010"
    duplicate = api.post(
        f"/v1/organizations/{org_id}/documents", json=simple(number=f"{year}-00010")
    )
    assert (
        duplicate.status_code == 422
        and "number" in duplicate.json()["error"]["details"]["messages"]
    )
    assert create(api, org_id, json=simple())["number"] == f"{year}-00011"
    unique = api.get(
        f"/v1/organizations/{org_id}/is-unique-doc-number",
        params={"number": f"{year}-00010", "type": "invoice"},
    )
    assert unique.json() == {"isUnique": False}


def test_a_unit_issues_with_its_own_sequence(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    year = datetime.now(UTC).year
    unit = api.post(
        f"/v1/organizations/{org_id}/units",
        data={"name": "Shop Koper", "city": "Koper", "country": "Slovenia"},
    ).json()
    create(api, org_id, json=simple())
    shop = create(api, org_id, json=simple(unitId=unit["id"]))
    assert shop["number"] == f"{year}-00001" and shop["unitId"] == unit["id"]
    assert (
        shop["_documentIssuer"]["name"] == "Shop Koper"
        and shop["_documentIssuer"]["city"] == "Koper"
    )
    assert create(api, org_id, json=simple())["number"] == f"{year}-00002"
    assert create(api, org_id, json=simple(unitId=unit["id"]))["number"] == f"{year}-00002"
