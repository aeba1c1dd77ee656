"""Items through HTTP (reference "Items"; COMPAT §7.3, COMPAT §6.7, COMPAT §4.3, COMPAT §1.11,
COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from spaceport.events.models import Event
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.items.conftest import ISO_MS, SPACE_SUIT, create, messages, vat


def test_create_item_as_in_the_reference(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    tax_id = vat(api, oid, 21)
    response = api.post(f"/v1/organizations/{oid}/items", data={**SPACE_SUIT, "taxIds[]": tax_id})
    assert response.status_code == 200, response.text
    item = response.json()
    assert len(item["id"]) == 24 and item["organizationId"] == oid
    assert item["name"] == "Space suit"
    assert item["description"] == "Best in class suit made from durable composites."
    assert item["unit"] == "item" and item["price"] == 1000 and item["priceGross"] == 1210
    assert item["taxIds"] == [tax_id] and item["SKU"] is None and item["custom"] == {}
    assert ISO_MS.match(item["createdAt"]) and ISO_MS.match(item["updatedAt"])
    assert api.get(f"/v1/items/{item['id']}").json() == item


def test_name_is_required(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/items"
    assert "name" in messages(api.post(url, data={"price": "1"}))
    assert "name" in messages(api.post(url, data={"name": ""}))
    item = create(api, organization["id"], name="Space suit")
    assert item["price"] is None and item["priceGross"] is None and item["taxIds"] == []
    assert "name" in messages(api.put(f"/v1/items/{item['id']}", json={"name": None}))


def test_sku_cannot_contain_spaces(api: Api, organization: dict[str, Any]) -> None:
    url = f"/v1/organizations/{organization['id']}/items"
    assert messages(api.post(url, data={"name": "Suit", "SKU": "SUIT 1"})).keys() == {"SKU"}
    item = create(api, organization["id"], name="Suit", SKU="SUIT-1")
    assert item["SKU"] == "SUIT-1"
    assert "SKU" in messages(api.patch(f"/v1/items/{item['id']}", data={"SKU": "SUIT\t2"}))


def test_sku_is_unique_per_organization(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    first = create(api, oid, name="Suit", SKU="SUIT-1")
    again = api.post(f"/v1/organizations/{oid}/items", data={"name": "Other", "SKU": "SUIT-1"})
    assert messages(again).keys() == {"SKU"}
    other = create(api, oid, name="Other", SKU="SUIT-2")
    taken = api.patch(f"/v1/items/{other['id']}", data={"SKU": "SUIT-1"})
    assert "SKU" in messages(taken)
    kept = api.put(f"/v1/items/{first['id']}", data={"SKU": "SUIT-1", "name": "Suit!"})
    assert kept.status_code == 200 and kept.json()["SKU"] == "SUIT-1"
    elsewhere = api.create_organization(name="Other agency")
    assert create(api, elsewhere["id"], name="Suit", SKU="SUIT-1")["SKU"] == "SUIT-1"
    api.delete(f"/v1/items/{first['id']}")
    assert create(api, oid, name="New suit", SKU="SUIT-1")["SKU"] == "SUIT-1"


def test_empty_sku_means_none(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    assert create(api, oid, name="A", SKU="")["SKU"] is None
    assert create(api, oid, name="B", SKU="")["SKU"] is None


def test_tax_ids_must_name_taxes_of_the_organization(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    elsewhere = api.create_organization(name="Other agency")
    foreign = vat(api, elsewhere["id"], 21)
    url = f"/v1/organizations/{oid}/items"
    assert messages(api.post(url, json={"name": "Suit", "taxIds": [foreign]})).keys() == {"taxIds"}
    assert "taxIds" in messages(api.post(url, json={"name": "Suit", "taxIds": ["nope"]}))
    deleted = api.post(
        f"/v1/organizations/{oid}/taxes", data={"name": "Gone", "_taxRates[0][rate]": "3"}
    ).json()
    api.delete(f"/v1/taxes/{deleted['id']}")
    assert "taxIds" in messages(api.post(url, json={"name": "Suit", "taxIds": [deleted["id"]]}))


def test_a_single_form_tax_id_is_a_list_of_one(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    tax_id = vat(api, oid, 6)
    item = api.post(f"/v1/organizations/{oid}/items", data={"name": "Suit", "taxIds": tax_id})
    assert item.json()["taxIds"] == [tax_id]


def test_item_taxes_by_rate_classification_or_id(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    data = {
        "name": "Suit",
        "price": "100",
        "_itemTaxes[0][rate]": "21",
        "_itemTaxes[1][classification]": "zero",
        "_itemTaxes[2][taxId]": vat(api, oid, 21),  # already there: listed once
    }
    item = api.post(f"/v1/organizations/{oid}/items", data=data).json()
    assert item["taxIds"] == [vat(api, oid, 21), vat(api, oid, 0)]
    assert item["priceGross"] == 121 and "_itemTaxes" not in item
    with_ids = create(api, oid, name="Suit", taxIds=[vat(api, oid, 6)], _itemTaxes=[{"rate": 12}])
    assert with_ids["taxIds"] == [vat(api, oid, 6), vat(api, oid, 12)]


def test_item_taxes_matching_nothing_is_422_naming_the_entry(
    api: Api, organization: dict[str, Any]
) -> None:
    url = f"/v1/organizations/{organization['id']}/items"
    body = {"name": "Suit", "_itemTaxes": [{"rate": 21}, {"rate": 13}]}
    found = messages(api.post(url, json=body))
    assert list(found) == ["_itemTaxes.1"] and "rate 13" in found["_itemTaxes.1"][0]
    assert "_itemTaxes.0" in messages(api.post(url, json={"name": "S", "_itemTaxes": [{}]}))
    unknown = {"name": "S", "_itemTaxes": [{"taxId": "5a3683ea12d5a67dd0ef2f4e"}]}
    assert "_itemTaxes.0" in messages(api.post(url, json=unknown))
    luxury = {"name": "S", "_itemTaxes": [{"classification": "luxury"}]}
    assert "_itemTaxes.0" in messages(api.post(url, json=luxury))


def test_price_gross_takes_precedence(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit", price=1, priceGross=121, taxIds=[vat(api, oid, 21)])
    assert (item["price"], item["priceGross"]) == (100, 121)


def test_derived_prices_round_half_up_to_4_decimals(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    standard = [vat(api, oid, 21)]
    from_gross = create(api, oid, name="A", priceGross=10, taxIds=standard)
    assert (from_gross["price"], from_gross["priceGross"]) == (8.2645, 10)  # 8.26446…
    from_net = create(api, oid, name="B", price="9.99999", taxIds=standard)
    assert (from_net["price"], from_net["priceGross"]) == (9.9999, 12.0999)  # cut, 12.099879
    untaxed = create(api, oid, name="C", price="19.5")
    assert (untaxed["price"], untaxed["priceGross"]) == (19.5, 19.5)


def test_compound_and_reverse_charged_taxes_in_the_gross_price(
    api: Api, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    url = f"/v1/organizations/{oid}/taxes"
    compound = api.post(
        url, data={"name": "Luxury", "compound": "true", "_taxRates[0][rate]": "10"}
    ).json()
    reverse = api.post(
        url, data={"name": "Reverse", "reverseCharged": "true", "_taxRates[0][rate]": "5"}
    ).json()
    ids = [vat(api, oid, 21), compound["id"], reverse["id"]]
    item = create(api, oid, name="Yacht", price=1000, taxIds=ids)
    assert item["priceGross"] == 1331  # 1000 × 1.21 × 1.10; reverse charge left out
    back = create(api, oid, name="Yacht", priceGross=1331, taxIds=ids)
    assert back["price"] == 1000


def test_changing_the_taxes_keeps_the_net_price(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit", price=1000, taxIds=[vat(api, oid, 21)])
    patched = api.patch(f"/v1/items/{item['id']}", json={"taxIds": [vat(api, oid, 6)]}).json()
    assert (patched["price"], patched["priceGross"]) == (1000, 1060)
    regrossed = api.put(f"/v1/items/{item['id']}", data={"priceGross": "212"}).json()
    assert (regrossed["price"], regrossed["priceGross"]) == (200, 212)
    cleared = api.patch(f"/v1/items/{item['id']}", json={"price": None}).json()
    assert (cleared["price"], cleared["priceGross"]) == (None, None)


def test_put_and_patch_are_partial_updates(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit", unit="item", SKU="S-1", custom={"color": "white"})
    put = api.put(f"/v1/items/{item['id']}", data={"description": "Durable"}).json()
    assert put["name"] == "Suit" and put["unit"] == "item" and put["SKU"] == "S-1"
    assert put["description"] == "Durable" and put["custom"] == {"color": "white"}
    patched = api.patch(f"/v1/items/{item['id']}", json={"custom": {"color": "red"}}).json()
    assert patched["custom"] == {"color": "red"} and patched["description"] == "Durable"


def test_include_taxes(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    ids = [vat(api, oid, 21), vat(api, oid, 6)]
    item = create(api, oid, name="Suit", price=1, taxIds=ids)
    create(api, oid, name="Untaxed")
    expected = [api.get(f"/v1/taxes/{tax_id}").json() for tax_id in ids]
    got = api.get(f"/v1/items/{item['id']}", params={"filter[include]": "taxes"}).json()
    assert got["taxes"] == expected
    listed = api.get(
        f"/v1/organizations/{oid}/items",
        params={"filter": '{"include": "taxes", "order": "name ASC"}'},
    ).json()
    assert [(i["name"], i["taxes"]) for i in listed] == [("Suit", expected), ("Untaxed", [])]
    assert "taxes" not in api.get(f"/v1/items/{item['id']}").json()


def test_list_count_and_where(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    tax_id = vat(api, oid, 21)
    create(api, oid, name="Suit", price=1000, taxIds=[tax_id])
    create(api, oid, name="Helmet", price=300)
    assert api.get(f"/v1/organizations/{oid}/items/count").json() == {"count": 2}
    by_tax = api.get(f"/v1/organizations/{oid}/items", params={"filter[where][taxIds]": tax_id})
    assert [i["name"] for i in by_tax.json()] == ["Suit"]
    cheap = api.get(
        f"/v1/organizations/{oid}/items/count", params={"where[price][lt]": "500"}
    ).json()
    assert cheap == {"count": 1}


def test_soft_delete(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit")
    assert api.delete(f"/v1/items/{item['id']}").json() == {"count": 1}
    assert api.get(f"/v1/items/{item['id']}").status_code == 404
    assert api.get(f"/v1/organizations/{oid}/items").json() == []
    assert api.get(f"/v1/organizations/{oid}/items/count").json() == {"count": 0}
    [deleted] = api.get(f"/v1/organizations/{oid}/items", params={"filter[deleted]": "true"}).json()
    assert deleted["_isDeleted"] is True and deleted["deletedId"] == item["id"]
    assert ISO_MS.match(deleted["deletedAt"])


def test_relation_route(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit")
    updated = api.put(f"/v1/organizations/{oid}/items/{item['id']}", json={"name": "Suit 2"})
    assert updated.json()["name"] == "Suit 2"
    assert api.get(f"/v1/organizations/{oid}/items/{item['id']}").json()["name"] == "Suit 2"


def test_every_change_records_its_event(
    api: Api, database: Database, organization: dict[str, Any]
) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit")
    api.put(f"/v1/items/{item['id']}", data={"price": "5"})
    api.delete(f"/v1/items/{item['id']}")
    api.post(f"/v1/organizations/{oid}/items", data={"name": "Bad", "SKU": "A B"})  # 422
    with database.transaction(write=False) as session:
        rows = list(
            session.scalars(
                select(Event)
                .where(Event.organization_id == oid, Event.event.like("item/%"))
                .order_by(Event.id)
            )
        )
    assert [e.event for e in rows] == ["item/create", "item/update", "item/delete"]
    assert rows[1].data["price"] == 5 and rows[1].data["id"] == item["id"]


# --- search (COMPAT §1.11) --------------------------------------------------------------------


def test_an_empty_form_tax_list_clears_the_taxes(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    item = create(api, oid, name="Suit", price=100, taxIds=[vat(api, oid, 21)])
    cleared = api.put(f"/v1/items/{item['id']}", data={"taxIds[]": ""}).json()
    assert (cleared["taxIds"], cleared["price"], cleared["priceGross"]) == ([], 100, 100)


def test_a_gross_price_too_large_to_store_is_422(api: Api, organization: dict[str, Any]) -> None:
    oid = organization["id"]
    url = f"/v1/organizations/{oid}/taxes"
    luxury = [
        api.post(url, data={"name": f"L{n}", "compound": "true", "_taxRates[0][rate]": "100"})
        for n in range(2)
    ]
    ids = [tax.json()["id"] for tax in luxury]
    too_large = {"name": "Yacht", "price": "9000000000000", "taxIds": ids}  # gross 3.6e13
    response = api.post(f"/v1/organizations/{oid}/items", json=too_large)
    assert "priceGross" in messages(response)
    assert "price" in messages(
        api.post(f"/v1/organizations/{oid}/items", json={"name": "X", "price": "1e17"})
    )
