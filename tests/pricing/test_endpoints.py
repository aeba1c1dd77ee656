"""Price lists and prices through HTTP (COMPAT §7.6, COMPAT §1.1, COMPAT §1.10, COMPAT §4.1,
COMPAT §5.1, COMPAT §8.1); the price a client pays is tested in test_service.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from spaceport.events.models import Event
from spaceport.kit.db import Database
from tests.conftest import Api


def post(api: Api, url: str, **data: Any) -> dict[str, Any]:
    response = api.post(url, data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def price_list(api: Api, oid: str, **data: Any) -> dict[str, Any]:
    return post(api, f"/v1/organizations/{oid}/priceLists", **{"name": "Retail", **data})


def item(api: Api, oid: str, name: str = "Rocket") -> str:
    return str(post(api, f"/v1/organizations/{oid}/items", name=name, price="100")["id"])


def client_of(api: Api, oid: str, name: str = "SpaceX") -> str:
    return str(post(api, f"/v1/organizations/{oid}/clients", name=name)["id"])


def price(api: Api, list_id: str, item_id: str, **data: Any) -> dict[str, Any]:
    return post(api, f"/v1/priceLists/{list_id}/prices", itemId=item_id, **data)


def messages(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    found: dict[str, list[str]] = response.json()["error"]["details"]["messages"]
    return found


# -- price lists --------------------------------------------------------------------------------
def test_create_a_price_list_with_its_defaults(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created = price_list(api, oid)
    assert created["name"] == "Retail" and created["organizationId"] == oid
    assert created["active"] is True and created["type"] == "sale"
    assert created["activeFrom"] is None and created["activeTo"] is None
    assert created["clientId"] is None and created["custom"] == {}
    assert api.get(f"/v1/priceLists/{created['id']}").json() == created
    assert api.get(f"/v1/pricelists/{created['id']}").json() == created  # COMPAT §1.1


def test_price_list_properties(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    client_id = client_of(api, oid)
    created = price_list(
        api,
        oid,
        name="Wholesale",
        active="false",
        activeFrom="2026-01-01",
        activeTo="2026-03-31T23:59:59Z",
        type="purchase",
        clientId=client_id,
    )
    assert created["active"] is False and created["type"] == "purchase"
    assert created["activeFrom"] == "2026-01-01T00:00:00.000Z"
    assert created["activeTo"] == "2026-03-31T23:59:59.000Z"
    assert created["clientId"] == client_id


def test_a_date_only_active_to_includes_that_day(api: Api, organization: dict[str, Any]) -> None:
    created = price_list(api, organization["id"], activeFrom="2026-01-01", activeTo="2026-03-31")
    assert created["activeFrom"] == "2026-01-01T00:00:00.000Z"
    assert created["activeTo"] == "2026-03-31T23:59:59.999Z"


def test_price_list_name_is_required(api: Api, organization: dict[str, Any]) -> None:
    response = api.post(f"/v1/organizations/{organization['id']}/priceLists", data={"x": "y"})
    assert list(messages(response)) == ["name"]


def test_type_is_sale_or_purchase(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    response = api.post(f"/v1/organizations/{oid}/priceLists", data={"name": "R", "type": "rent"})
    assert messages(response) == {"type": ["Input should be 'sale' or 'purchase'"]}
    created = price_list(api, oid)
    assert list(messages(api.patch(f"/v1/priceLists/{created['id']}", data={"type": "x"}))) == [
        "type"
    ]


def test_active_to_must_not_be_before_active_from(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    response = api.post(
        f"/v1/organizations/{oid}/priceLists",
        data={"name": "R", "activeFrom": "2026-02-01", "activeTo": "2026-01-31"},
    )
    assert messages(response) == {"activeTo": ["must not be before activeFrom"]}
    same_day = price_list(api, oid, activeFrom="2026-02-01", activeTo="2026-02-01")
    url = f"/v1/priceLists/{same_day['id']}"
    assert list(messages(api.patch(url, data={"activeFrom": "2026-02-02"}))) == ["activeTo"]
    assert api.patch(url, json={"activeTo": None, "activeFrom": "2026-02-02"}).status_code == 200


def test_client_must_be_a_client_of_the_organization(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    other = api.create_organization(name="Other")
    foreign = client_of(api, other["id"])
    response = api.post(
        f"/v1/organizations/{oid}/priceLists", data={"name": "R", "clientId": foreign}
    )
    assert messages(response) == {"clientId": [f"No client {foreign!r} in this organization"]}
    gone = client_of(api, oid)
    api.delete(f"/v1/clients/{gone}")
    response = api.post(f"/v1/organizations/{oid}/priceLists", data={"name": "R", "clientId": gone})
    assert list(messages(response)) == ["clientId"]
    own = client_of(api, oid)
    created = price_list(api, oid)
    linked = api.patch(f"/v1/priceLists/{created['id']}", data={"clientId": own})
    assert linked.status_code == 200 and linked.json()["clientId"] == own


def test_price_list_delete_is_soft(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    created = price_list(api, oid)
    assert api.delete(f"/v1/priceLists/{created['id']}").json() == {"count": 1}
    assert api.get(f"/v1/priceLists/{created['id']}").status_code == 404
    assert api.get(f"/v1/priceLists/{created['id']}/prices").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/priceLists/count").json() == {"count": 0}
    listed = api.get(
        f"/v1/organizations/{oid}/priceLists", params={"filter[deleted]": "true"}
    ).json()
    assert listed[0]["_isDeleted"] is True and listed[0]["deletedId"] == created["id"]
    assert listed[0]["deletedAt"] is not None


def test_price_list_filters_and_relation_route(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    price_list(api, oid, name="Retail")
    wholesale = price_list(api, oid, name="Wholesale", type="purchase")
    price_list(api, oid, name="Resellers")
    url = f"/v1/organizations/{oid}/priceLists"
    found = api.get(url, params={"filter[where][name][like]": "Re%", "filter[order]": "name DESC"})
    assert [p["name"] for p in found.json()] == ["Retail", "Resellers"]
    assert api.get(f"{url}/count", params={"where[type]": "purchase"}).json() == {"count": 1}
    related = api.get(f"/v1/organizations/{oid}/priceLists/{wholesale['id']}")
    assert related.status_code == 200 and related.json()["name"] == "Wholesale"


def test_include_prices(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    first, second = price_list(api, oid, name="A"), price_list(api, oid, name="B")
    rocket = price(api, first["id"], item(api, oid), price="10")
    listed = api.get(
        f"/v1/organizations/{oid}/priceLists",
        params={"filter[include]": "prices", "filter[order]": "name"},
    ).json()
    assert [p["prices"] for p in listed] == [[rocket], []]
    assert second["id"] == listed[1]["id"]


# -- prices -------------------------------------------------------------------------------------
def test_create_a_price_in_a_list(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    item_id = item(api, oid)
    created = price(api, pl["id"], item_id, price="12.3456", priceGross="14.9382")
    assert created["priceListId"] == pl["id"] and created["itemId"] == item_id
    assert created["organizationId"] == oid
    assert created["price"] == 12.3456 and created["priceGross"] == 14.9382
    assert created["currencyId"] == "EUR"  # the organization's Default currencyId
    assert created["custom"] == {} and created["_isDeleted"] is False
    assert api.get(f"/v1/prices/{created['id']}").json() == created
    raw = api.get(f"/v1/prices/{created['id']}").text
    assert '"price":12.3456' in raw  # a JSON number, never a string (COMPAT §1.6)


def test_currency_defaults_to_the_organization_default(api: Api) -> None:
    org = api.create_organization(country="USA")
    pl = price_list(api, org["id"])
    assert price(api, pl["id"], item(api, org["id"]), price="1")["currencyId"] == "USD"


def test_currency_is_a_known_code(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    assert price(api, pl["id"], item(api, oid), price="1", currencyId="usd")["currencyId"] == "USD"
    response = api.post(
        f"/v1/priceLists/{pl['id']}/prices",
        data={"itemId": item(api, oid, "B"), "price": "1", "currencyId": "XYZ"},
    )
    assert messages(response) == {"currencyId": ["'XYZ' is not a known currency code"]}


def test_item_id_is_required_and_must_be_an_item_of_the_organization(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    url = f"/v1/priceLists/{pl['id']}/prices"
    assert list(messages(api.post(url, data={"price": "1"}))) == ["itemId"]
    assert messages(api.post(url, data={"itemId": "rocket", "price": "1"})) == {
        "itemId": ["'rocket' is not an item id"]
    }
    other = api.create_organization(name="Other")
    foreign = item(api, other["id"])
    assert messages(api.post(url, data={"itemId": foreign, "price": "1"})) == {
        "itemId": [f"{foreign!r} is not an item of this organization"]
    }


def test_price_or_price_gross_is_required(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    response = api.post(f"/v1/priceLists/{pl['id']}/prices", data={"itemId": item(api, oid)})
    assert messages(response) == {"price": ["price or priceGross is required"]}
    gross_only = price(api, pl["id"], item(api, oid, "B"), priceGross="121")
    assert gross_only["price"] is None and gross_only["priceGross"] == 121
    cleared = api.patch(f"/v1/prices/{gross_only['id']}", json={"priceGross": None})
    assert list(messages(cleared)) == ["price"]


def test_amounts_are_bounded(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    response = api.post(
        f"/v1/priceLists/{pl['id']}/prices", data={"itemId": item(api, oid), "price": "1e20"}
    )
    assert list(messages(response)) == ["price"]


def test_one_price_per_item_in_a_list(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    first, second = price_list(api, oid), price_list(api, oid, name="Other")
    rocket, fuel = item(api, oid), item(api, oid, "Fuel")
    old = price(api, first["id"], rocket, price="10")
    duplicate = api.post(
        f"/v1/priceLists/{first['id']}/prices", data={"itemId": rocket, "price": "9"}
    )
    assert messages(duplicate) == {"itemId": ["The price list already has a price for this item"]}
    assert price(api, second["id"], rocket, price="9")["price"] == 9  # another list may
    fuel_price = price(api, first["id"], fuel, price="5")
    moved = api.patch(f"/v1/prices/{fuel_price['id']}", data={"itemId": rocket})
    assert list(messages(moved)) == ["itemId"]
    api.delete(f"/v1/prices/{old['id']}")
    assert price(api, first["id"], rocket, price="11")["price"] == 11  # the old one is gone


def test_prices_are_listed_and_counted_in_their_list(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    pl, other = price_list(api, oid), price_list(api, oid, name="Other")
    cheap = price(api, pl["id"], item(api, oid, "A"), price="5")
    dear = price(api, pl["id"], item(api, oid, "B"), price="50")
    price(api, other["id"], item(api, oid, "C"), price="500")
    url = f"/v1/priceLists/{pl['id']}/prices"
    assert [p["id"] for p in api.get(url).json()] == [cheap["id"], dear["id"]]
    above = api.get(url, params={"filter[where][price][gt]": "10"}).json()
    assert [p["id"] for p in above] == [dear["id"]]
    ordered = api.get(url, params={"filter[order]": "price DESC"}).json()
    assert [p["id"] for p in ordered] == [dear["id"], cheap["id"]]
    assert api.get(f"{url}/count").json() == {"count": 2}
    assert api.get(f"{url}/count", params={"where[price][lt]": "10"}).json() == {"count": 1}


def test_price_update_and_soft_delete(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    created = price(api, pl["id"], item(api, oid), price="10")
    url = f"/v1/prices/{created['id']}"
    put = api.put(url, json={"price": 12.5, "currencyId": "GBP"}).json()
    assert put["price"] == 12.5 and put["currencyId"] == "GBP"
    assert api.patch(url, data={"priceGross": "15"}).json()["priceGross"] == 15
    assert api.delete(url).json() == {"count": 1}
    assert api.get(url).status_code == 404
    list_url = f"/v1/priceLists/{pl['id']}/prices"
    assert api.get(list_url).json() == []
    assert api.get(f"{list_url}/count").json() == {"count": 0}
    deleted = api.get(list_url, params={"filter[deleted]": "true"}).json()
    assert deleted[0]["_isDeleted"] is True and deleted[0]["deletedId"] == created["id"]


def test_prices_are_created_in_a_list_only(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    response = api.post(f"/v1/organizations/{oid}/prices", data={"itemId": item(api, oid)})
    assert response.status_code == 404
    pl = price_list(api, oid)
    created = price(api, pl["id"], item(api, oid, "B"), price="1")
    related = api.get(f"/v1/organizations/{oid}/prices/{created['id']}")
    assert related.status_code == 200 and related.json()["id"] == created["id"]


def test_someone_else_cannot_reach_a_price_list(
    client: TestClient, api: Api, organization: dict[str, Any]
) -> None:
    pl = price_list(api, organization["id"])
    stranger = Api(client)
    assert stranger.get(f"/v1/priceLists/{pl['id']}/prices").status_code == 401
    assert stranger.get("/v1/priceLists/0123456789abcdef01234567/prices").status_code == 404


def test_readonly_access_may_read_but_not_write(client: TestClient) -> None:
    admin, reader = Api(client), Api(client)
    oid = admin.create_organization()["id"]
    invite = {"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"}
    admin.post(f"/v1/organizations/{oid}/invite", data=invite)
    pl = price_list(admin, oid)
    existing = price(admin, pl["id"], item(admin, oid), price="1")
    assert reader.get(f"/v1/priceLists/{pl['id']}/prices").status_code == 200
    refused = reader.post(
        f"/v1/priceLists/{pl['id']}/prices", data={"itemId": item(admin, oid, "B"), "price": "1"}
    )
    assert refused.status_code == 403
    assert reader.patch(f"/v1/prices/{existing['id']}", data={"price": "2"}).status_code == 403
    assert reader.post(f"/v1/organizations/{oid}/priceLists", data={"name": "R"}).status_code == 403
    assert reader.delete(f"/v1/priceLists/{pl['id']}").status_code == 403


def test_every_change_records_its_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    pl = price_list(api, oid)
    created = price(api, pl["id"], item(api, oid), price="1")
    api.patch(f"/v1/prices/{created['id']}", data={"price": "2"})
    api.delete(f"/v1/prices/{created['id']}")
    api.patch(f"/v1/priceLists/{pl['id']}", data={"name": "Renamed"})
    api.delete(f"/v1/priceLists/{pl['id']}")
    with database.transaction(write=False) as session:
        rows = session.scalars(
            select(Event)
            .where(Event.organization_id == oid, Event.event.regexp_match("^price"))
            .order_by(Event.id)
        ).all()
    assert [e.event for e in rows] == [
        "pricelist/create",
        "price/create",
        "price/update",
        "price/delete",
        "pricelist/update",
        "pricelist/delete",
    ]
    assert Decimal(str(rows[2].data["price"])) == 2
