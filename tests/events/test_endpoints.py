"""Polling the outbox (COMPAT §8.1): `GET /organizations/:id/events` lists the events newest
first with their `uid`, filtered with the filter language (COMPAT §4.1)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def make_events(api: Api, organization_id: str, name: str = "polled") -> str:
    url = f"/v1/organizations/{organization_id}/defaults"
    created = api.post(url, data={"name": name, "value": "1"}).json()
    api.patch(f"/v1/defaults/{created['id']}", data={"value": "2"})
    default_id: str = created["id"]
    return default_id


def test_events_are_listed_newest_first_with_their_uid(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    default_id = make_events(api, oid)
    response = api.get(f"/v1/organizations/{oid}/events")
    assert response.status_code == 200, response.text
    listed = response.json()
    assert [e["event"] for e in listed[:2]] == ["default/update", "default/create"]
    newest = listed[0]
    assert set(newest) == {"uid", "event", "organizationId", "data", "createdAt"}
    assert newest["organizationId"] == oid
    assert newest["data"]["id"] == default_id and newest["data"]["value"] == "2"
    assert len({e["uid"] for e in listed}) == len(listed)
    created_at = [e["createdAt"] for e in listed]
    assert created_at == sorted(created_at, reverse=True)


def test_events_honour_the_filter(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    make_events(api, oid, "first")
    make_events(api, oid, "second")
    url = f"/v1/organizations/{oid}/events"
    creates = api.get(url, params={"filter[where][event]": "default/create"}).json()
    assert creates and {e["event"] for e in creates} == {"default/create"}
    assert len(creates) >= 2
    newest = api.get(url, params={"filter[limit]": "1", "filter[fields][uid]": "true"}).json()
    assert newest == [{"uid": api.get(url).json()[0]["uid"]}]
    since = creates[1]["createdAt"]
    later = api.get(url, params={"filter[where][createdAt][gt]": since}).json()
    assert creates[0]["uid"] in {e["uid"] for e in later}
    # createdAt answers in milliseconds: a poller may see an event twice and dedupes by uid
    assert all(e["createdAt"] >= since for e in later)
    oldest = api.get(url, params={"filter[order]": "createdAt ASC"}).json()
    assert [e["uid"] for e in oldest] == [e["uid"] for e in reversed(api.get(url).json())]


def test_events_of_an_organization_are_not_readable_by_others(
    api: Api, client: Any, organization: dict[str, Any]
) -> None:
    stranger = Api(client)
    response = stranger.get(f"/v1/organizations/{organization['id']}/events")
    assert response.status_code == 401
    assert api.client.get(f"/v1/organizations/{organization['id']}/events").status_code == 401
