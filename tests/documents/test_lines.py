"""Document lines in answers have the reference's shape (COMPAT §6.6)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.documents.test_endpoints import create


def test_every_line_answers_item_id_and_description(api: Api, organization: dict[str, Any]) -> None:
    """COMPAT §6.6: `itemId` (null when not linked) and `description` ("" when not given)."""
    org_id = organization["id"]
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [
            {"name": "Space suit", "quantity": 1, "price": 100},
            {"name": "Helmet", "description": "white", "quantity": 1, "price": 10},
            {"name": "Extras", "isSeparator": True},
        ],
    }
    document = create(api, org_id, json=body)
    plain, described, separator = document["_documentItems"]
    assert plain["itemId"] is None and plain["description"] == ""
    assert described["itemId"] is None and described["description"] == "white"
    assert separator["description"] == "" and separator["name"] == "Extras"
    fetched = api.get(f"/v1/documents/{document['id']}").json()
    assert fetched["_documentItems"][0]["itemId"] is None
    assert fetched["_documentItems"][0]["description"] == ""
    listed = api.get(f"/v1/organizations/{org_id}/documents").json()
    assert listed[0]["_documentItems"][0]["description"] == ""


def test_a_saved_line_answers_its_item_id(api: Api, organization: dict[str, Any]) -> None:
    org_id = organization["id"]
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": "Space suit", "price": 100, "save": True}],
    }
    line = create(api, org_id, json=body)["_documentItems"][0]
    items = api.get(f"/v1/organizations/{org_id}/items").json()
    assert line["itemId"] == items[0]["id"] and line["description"] == ""


def test_line_filters_still_reach_the_stored_lines(api: Api, organization: dict[str, Any]) -> None:
    """The typed lines are stored in the same JSON shape: `_documentItems.name` filters work."""
    org_id = organization["id"]
    for name in ("Space suit", "Helmet"):
        create(api, org_id, json={"_documentClient": {"name": "R"}, "_documentItems": [
            {"name": name, "price": 1}
        ]})  # fmt: skip
    found = api.get(
        f"/v1/organizations/{org_id}/documents",
        params={"filter[where][_documentItems.name]": "Helmet"},
    ).json()
    assert [d["_documentItems"][0]["name"] for d in found] == ["Helmet"]
