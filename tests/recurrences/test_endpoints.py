"""Recurrence routes (reference "Recurrence"; COMPAT §7.5): create under a document, get, list,
count, PATCH (partial), PUT (replace), DELETE (soft), validation and the planned dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from spaceport.recurrences.service import nth_date
from tests.conftest import Api
from tests.documents.test_endpoints import GETTING_STARTED, create

REFERENCE = {"name": "Monthly", "type": "month", "dateFirst": "2020-02-01", "numRecurrences": "2"}


def recur(api: Api, document_id: str, path: str = "recurrence", **fields: Any) -> dict[str, Any]:
    response = api.post(f"/v1/documents/{document_id}/{path}", data={**REFERENCE, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def planned(recurrence: dict[str, Any]) -> list[tuple[str, int, Any]]:
    return [(d["date"], d["iteration"], d["documentId"]) for d in recurrence["_recurrenceDates"]]


@pytest.fixture
def document(api: Api, organization: dict[str, Any]) -> dict[str, Any]:
    return create(api, organization["id"], data=GETTING_STARTED)


def test_create_as_in_the_reference(
    api: Api, organization: dict[str, Any], document: dict[str, Any]
) -> None:
    recurrence = recur(api, document["id"])
    assert recurrence["name"] == "Monthly" and recurrence["type"] == "month"
    assert str(recurrence["dateFirst"]).startswith("2020-02-01")
    assert recurrence["numRecurrences"] == 2
    assert (recurrence["autoSend"], recurrence["notify"], recurrence["saveAsDraft"]) == (
        False,
        True,
        False,
    )
    assert recurrence["documentId"] == document["id"]
    assert recurrence["organizationId"] == organization["id"]
    assert recurrence["accountId"] == api.account_id
    assert recurrence["_isDeleted"] is False
    assert planned(recurrence) == [("2020-02-01", 1, None), ("2020-03-01", 2, None)]
    assert all(d["id"] and d["createdAt"] for d in recurrence["_recurrenceDates"])


def test_routes_by_document_by_id_and_in_the_organization(
    api: Api, organization: dict[str, Any], document: dict[str, Any]
) -> None:
    first = recur(api, document["id"])
    capitalized = api.post(f"/v1/Documents/{document['id']}/recurrence", data=REFERENCE)
    assert capitalized.status_code == 200, capitalized.text
    plural = recur(api, document["id"], path="recurrences", name="Plural")
    ids = {first["id"], capitalized.json()["id"], plural["id"]}
    for path in ("recurrences", "Recurrences"):
        listed = api.get(f"/v1/Documents/{document['id']}/{path}")
        assert listed.status_code == 200, listed.text
        assert {r["id"] for r in listed.json()} == ids
    got = api.get(f"/v1/Recurrences/{first['id']}")
    assert got.status_code == 200 and got.json()["id"] == first["id"]
    listed = api.get(f"/v1/Organizations/{organization['id']}/recurrences")
    assert {r["id"] for r in listed.json()} == ids
    count = api.get(f"/v1/Organizations/{organization['id']}/recurrences/count")
    assert count.json() == {"count": 3}
    where = api.get(
        f"/v1/organizations/{organization['id']}/recurrences/count",
        params={"where[name]": "Plural"},
    )
    assert where.json() == {"count": 1}
    refreshed = api.get(f"/v1/documents/{document['id']}/recurrences", params={"refresh": "true"})
    assert refreshed.status_code == 200
    assert {r["id"] for r in refreshed.json()} == ids
    assert all(len(r["_recurrenceDates"]) == 2 for r in refreshed.json())


def test_the_singular_route_answers_the_one_live_recurrence(
    api: Api, document: dict[str, Any]
) -> None:
    """COMPAT §7.5: `GET /v1/documents/:id/recurrence` (004, singular) answers the one live
    recurrence object, with `?refresh=true`; 404 when there is none."""
    url = f"/v1/Documents/{document['id']}/recurrence"
    none = api.get(url)
    assert none.status_code == 404, none.text
    assert none.json()["error"]["statusCode"] == 404
    recurrence = recur(api, document["id"])
    got = api.get(url)
    assert got.status_code == 200, got.text
    assert got.json()["id"] == recurrence["id"]
    assert got.json()["_recurrenceDates"] == recurrence["_recurrenceDates"]
    refreshed = api.get(url, params={"refresh": "true", "filter[fields][name]": "true"})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json() == {"id": recurrence["id"], "name": "Monthly"}
    assert api.delete(f"/v1/recurrences/{recurrence['id']}").json() == {"count": 1}
    assert api.get(url).status_code == 404
    assert api.get(f"/v1/documents/{document['id']}/recurrences").json() == []


def test_the_singular_route_answers_the_newest_of_several(
    api: Api, document: dict[str, Any]
) -> None:
    """COMPAT §7.5: a document given several recurrences answers the live one created last."""
    recur(api, document["id"], name="First")
    second = recur(api, document["id"], name="Second")
    got = api.get(f"/v1/documents/{document['id']}/recurrence")
    assert got.status_code == 200, got.text
    assert (got.json()["id"], got.json()["name"]) == (second["id"], "Second")


def test_patch_is_partial_and_replans(api: Api, document: dict[str, Any]) -> None:
    recurrence = recur(api, document["id"])
    patched = api.patch(
        f"/v1/recurrences/{recurrence['id']}", json={"numRecurrences": 3, "autoSend": True}
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["name"] == "Monthly" and body["autoSend"] is True
    assert planned(body) == [
        ("2020-02-01", 1, None),
        ("2020-03-01", 2, None),
        ("2020-04-01", 3, None),
    ]
    # the unchanged iterations keep their entry
    assert body["_recurrenceDates"][0]["id"] == recurrence["_recurrenceDates"][0]["id"]


def test_put_replaces(api: Api, document: dict[str, Any]) -> None:
    recurrence = recur(api, document["id"], autoSend="true", notify="false", saveAsDraft="true")
    replaced = api.put(
        f"/v1/Recurrences/{recurrence['id']}",
        json={"name": "Weekly", "type": "week", "dateFirst": "2024-02-26", "numRecurrences": 3},
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["name"] == "Weekly" and body["type"] == "week"
    assert (body["autoSend"], body["notify"], body["saveAsDraft"]) == (False, True, False)
    assert [d["date"] for d in body["_recurrenceDates"]] == [
        "2024-02-26",
        "2024-03-04",
        "2024-03-11",
    ]
    for missing in ("name", "type", "dateFirst", "numRecurrences"):
        given = {"name": "W", "type": "week", "dateFirst": "2024-02-26", "numRecurrences": 3}
        del given[missing]
        response = api.put(f"/v1/recurrences/{recurrence['id']}", json=given)
        assert response.status_code == 422, (missing, response.text)
    assert api.get(f"/v1/recurrences/{recurrence['id']}").json()["name"] == "Weekly"


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "day"},
        {"numRecurrences": "0"},
        {"numRecurrences": "-1"},
        {"name": None},
        {"type": None},
        {"dateFirst": None},
        {"numRecurrences": None},
    ],
)
def test_validation(api: Api, document: dict[str, Any], fields: dict[str, Any]) -> None:
    data = {k: v for k, v in {**REFERENCE, **fields}.items() if v is not None}
    response = api.post(f"/v1/documents/{document['id']}/recurrence", data=data)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["statusCode"] == 422


def test_patch_validation(api: Api, document: dict[str, Any]) -> None:
    recurrence = recur(api, document["id"])
    for bad in ({"type": "day"}, {"numRecurrences": 0}):
        response = api.patch(f"/v1/recurrences/{recurrence['id']}", json=bad)
        assert response.status_code == 422, response.text


def test_delete_is_soft(api: Api, organization: dict[str, Any], document: dict[str, Any]) -> None:
    recurrence = recur(api, document["id"])
    deleted = api.delete(f"/v1/recurrences/{recurrence['id']}")
    assert deleted.status_code == 200 and deleted.json() == {"count": 1}
    assert api.get(f"/v1/recurrences/{recurrence['id']}").status_code == 404
    assert api.patch(f"/v1/recurrences/{recurrence['id']}", json={"name": "x"}).status_code == 404
    count = api.get(f"/v1/organizations/{organization['id']}/recurrences/count")
    assert count.json() == {"count": 0}
    kept = api.get(
        f"/v1/organizations/{organization['id']}/recurrences",
        params={"filter": '{"deleted": true}'},
    ).json()
    assert [(r["id"], r["_isDeleted"], r["deletedId"]) for r in kept] == [
        (recurrence["id"], True, recurrence["id"])
    ]


def test_unknown_document_is_404(api: Api, organization: dict[str, Any]) -> None:
    response = api.post("/v1/documents/000000000000000000000000/recurrence", data=REFERENCE)
    assert response.status_code in (401, 404)


def test_events(api: Api, organization: dict[str, Any], document: dict[str, Any]) -> None:
    recurrence = recur(api, document["id"])
    api.patch(f"/v1/recurrences/{recurrence['id']}", json={"name": "Renamed"})
    api.delete(f"/v1/recurrences/{recurrence['id']}")
    response = api.get(f"/v1/organizations/{organization['id']}/events")
    assert response.status_code == 200, response.text
    events = [e["event"] for e in response.json() if e["event"].startswith("recurrence/")]
    assert sorted(events) == ["recurrence/create", "recurrence/delete", "recurrence/update"]


def test_week_month_and_year_dates() -> None:
    assert [nth_date(date(2024, 2, 26), "week", k) for k in (1, 2, 3)] == [
        date(2024, 2, 26),
        date(2024, 3, 4),
        date(2024, 3, 11),
    ]
    assert [nth_date(date(2024, 1, 31), "month", k) for k in (1, 2, 3, 4)] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert [nth_date(date(2023, 1, 31), "month", k) for k in (2, 13)] == [
        date(2023, 2, 28),
        date(2024, 1, 31),
    ]
    assert [nth_date(date(2023, 12, 15), "month", k) for k in (1, 2)] == [
        date(2023, 12, 15),
        date(2024, 1, 15),
    ]
    assert [nth_date(date(2024, 2, 29), "year", k) for k in (1, 2, 5)] == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2028, 2, 29),
    ]


def test_month_end_over_the_api(api: Api, document: dict[str, Any]) -> None:
    recurrence = recur(api, document["id"], dateFirst="2024-01-31", numRecurrences="3")
    assert [d["date"] for d in recurrence["_recurrenceDates"]] == [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
    ]


def test_documents_include_their_recurrences(api: Api, document: dict[str, Any]) -> None:
    """COMPAT §4.3: document → recurrences."""
    recurrence = recur(
        api,
        document["id"],
        name="Monthly",
        type="month",
        dateFirst="2020-02-01",
        numRecurrences="2",
    )
    found = api.get(
        f"/v1/documents/{document['id']}", params={"filter[include]": "recurrences"}
    ).json()
    assert [r["id"] for r in found["recurrences"]] == [recurrence["id"]]
