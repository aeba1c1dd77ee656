"""`validateEslog` and `isValidEslog` (EINV §E6) through the documents' own routes: an incomplete
document is refused before anything is written; every answer says whether its e-SLOG exists."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.einvoices import parties

INCOMPLETE = {"name": "Rocket Man", "country": "Slovenia"}  # no address, no city
REFUSAL = {
    "_documentClient.address": ["is required for an e-invoice (BT-50)"],
    "_documentClient.city": ["is required for an e-invoice (BT-52)"],
}


def counts(api: Api, org_id: str) -> tuple[Any, ...]:
    documents = api.get(f"/v1/organizations/{org_id}/documents/count").json()
    clients = api.get(f"/v1/organizations/{org_id}/clients/count").json()
    number = api.get(f"/v1/organizations/{org_id}/next-doc-number").json()
    events = api.get(f"/v1/organizations/{org_id}/events").json()
    return documents, clients, number, len(events)


def test_validate_eslog_refuses_an_incomplete_create_and_saves_nothing(api: Api) -> None:
    """EINV §E6.1: no document, client, number or event."""
    org = parties.issuer(api)
    before = counts(api, org["id"])
    response = api.post(
        f"/v1/organizations/{org['id']}/documents",
        json={
            "validateEslog": True,
            "_documentClient": INCOMPLETE,
            "_documentItems": [parties.line()],
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"]["messages"] == REFUSAL
    assert counts(api, org["id"]) == before


def test_is_valid_eslog_on_every_answer(api: Api) -> None:
    """EINV §E6.2: readonly (a given value is ignored), recomputed at every save; false for
    drafts, estimates and delivery notes, and exactly when `format=eslog` would refuse."""
    org = parties.issuer(api)
    complete = parties.create(api, org["id"], isValidEslog=False)
    assert complete["isValidEslog"] is True
    url = f"/v1/documents/{complete['id']}"
    assert api.get(url).json()["isValidEslog"] is True
    changed = api.patch(
        url, json={"_documentClient": {**parties.BUYER, "address": ""}, "isValidEslog": True}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["isValidEslog"] is False
    assert api.get(f"{url}/einvoice?format=eslog").status_code == 422
    replaced = api.post(
        f"{url}/replace",
        json={"_documentClient": parties.BUYER, "_documentItems": [parties.line()]},
    )
    assert replaced.status_code == 200 and replaced.json()["isValidEslog"] is True
    for kind in ("estimate", "delivery-note"):
        assert parties.create(api, org["id"], type=kind)["isValidEslog"] is False
    listed = api.get(f"/v1/organizations/{org['id']}/documents").json()
    assert sorted(d["isValidEslog"] for d in listed) == [False, False, True]


def test_the_stored_value_holds_for_later_saves_until_set_false(api: Api) -> None:
    """EINV §E6.1: update and replace are checked; a draft is checked when finalized;
    estimates ignore it."""
    org = parties.issuer(api)
    document = parties.create(api, org["id"], validateEslog=True)
    assert document["validateEslog"] is True and document["isValidEslog"] is True
    url = f"/v1/documents/{document['id']}"
    refused = api.patch(url, json={"_documentClient": {**parties.BUYER, "address": "", "city": ""}})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["messages"] == REFUSAL
    assert api.get(url).json()["_documentClient"]["address"] == parties.BUYER["address"]
    replaced = api.post(
        f"{url}/replace", json={"_documentClient": INCOMPLETE, "_documentItems": [parties.line()]}
    )
    assert replaced.status_code == 422
    off = api.patch(
        url, json={"validateEslog": False, "_documentClient": {**parties.BUYER, "address": ""}}
    )
    assert off.status_code == 200 and off.json()["isValidEslog"] is False

    draft = parties.create(
        api, org["id"], draft=True, validateEslog=True, _documentClient=INCOMPLETE
    )
    assert draft["isValidEslog"] is False  # a draft has no number yet (EINV §E2.2)
    finalized = api.patch(f"/v1/documents/{draft['id']}", json={"draft": False})
    assert finalized.status_code == 422
    assert finalized.json()["error"]["details"]["messages"] == REFUSAL
    assert api.get(f"/v1/documents/{draft['id']}").json()["draft"] is True
    estimate = parties.create(
        api, org["id"], type="estimate", validateEslog=True, _documentClient=INCOMPLETE
    )
    assert estimate["isValidEslog"] is False
