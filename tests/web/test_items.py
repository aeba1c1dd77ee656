"""Items (WEB §W5.2): the list (Name, Price, Unit, Tax) and New item: Price net, Tax No tax or
a tax at its rate in force today with the standard one preselected (WEB §W4.3); saving
returns to the list."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.kit.db import Database
from tests.conftest import Api, incompressible
from tests.web.conftest import (
    assert_too_large_to_store,
    browser_log_in,
    cells,
    form_post,
    h1_of,
    headers_of,
    invite,
    screenshot,
    signed_in,
    taxes_of,
)


def options(html: str) -> list[tuple[str, str, bool]]:
    select = html.split('<select id="item-taxIds" name="taxIds"', 1)[1].split("</select>", 1)[0]
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', select
        )
    ]


def test_the_new_item_form_offers_the_taxes_in_force_today(app: Any, api: Api) -> None:
    org = api.create_organization(country="Slovenia")  # DDV 22 % standard, 9,5 % and 5 %
    ids = taxes_of(api, org["id"])
    expired = api.post(
        f"/v1/organizations/{org['id']}/taxes",
        json={
            "name": "Later",
            "abbreviation": "NEW",
            "_taxRates": [{"rate": 8, "dateValidFrom": "2999-01-01"}],
        },
    )
    assert expired.status_code == 200, expired.text  # in force from 2999 only: not offered
    page = signed_in(app, api).get(f"/app/o/{org['id']}/items/new").text
    assert h1_of(page) == "New item" and ">Save item</button>" in page
    for name, label in (("name", "Name"), ("price", "Price"), ("unit", "Unit"), ("taxIds", "Tax")):
        assert f'<label for="item-{name}">{label}</label>' in page
    assert options(page) == [
        ("", "No tax", False),
        (ids[("standard", 22)], "DDV 22 %", True),
        (ids[("reduced", 9.5)], "DDV 9,5 %", False),
        (ids[("reduced", 5)], "DDV 5 %", False),
    ]


def test_a_new_item_is_saved_as_the_api_saves_it_and_listed(app: Any, api: Api) -> None:
    org = api.create_organization(country="Slovenia")
    ids = taxes_of(api, org["id"])
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/items/new"
    data = {"name": "Rocket fuel", "price": "1234,5", "unit": "l", "taxIds": ids[("reduced", 9.5)]}
    saved = form_post(web, form, form, data)
    assert saved.status_code == 303 and saved.headers["location"] == f"/app/o/{org['id']}/items"
    same = api.post(
        f"/v1/organizations/{org['id']}/items",
        json={"name": "Rocket fuel", "price": "1234.5", "unit": "l", "taxIds": [data["taxIds"]]},
    ).json()
    stored = api.get(f"/v1/organizations/{org['id']}/items").json()
    assert len(stored) == 2
    web_item = next(item for item in stored if item["id"] != same["id"])
    for prop in ("name", "price", "priceGross", "unit", "taxIds"):
        assert web_item[prop] == same[prop], prop
    untaxed = form_post(
        web, form, form, {"name": "advice", "price": "80", "unit": "", "taxIds": ""}
    )
    assert untaxed.status_code == 303
    listed = web.get(saved.headers["location"]).text
    assert h1_of(listed) == "Items" and ">New item</a>" in listed
    assert headers_of(listed) == ["Name", "Price", "Unit", "Tax"]
    assert cells(listed) == [
        ["advice", "80,00\xa0€", "", ""],
        ["Rocket fuel", "1.234,50\xa0€", "l", "DDV 9,5 %"],
        ["Rocket fuel", "1.234,50\xa0€", "l", "DDV 9,5 %"],
    ]
    assert h1_of(web.get(f"/app/o/{org['id']}/items?lang=sl").text) == "Artikli"


def test_a_refused_item_keeps_what_was_typed(app: Any, api: Api) -> None:
    org = api.create_organization(country="Slovenia")
    ids = taxes_of(api, org["id"])
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/items/new"
    typed = {"name": "", "price": "twelve", "unit": "kg", "taxIds": ids[("reduced", 5)]}
    refused = form_post(web, form, form, typed)
    assert refused.status_code == 422
    assert 'id="item-name-error" class="field-error">This field is required.</span>' in refused.text
    assert 'id="item-price-error" class="field-error">Enter a number.</span>' in refused.text
    assert (
        'value="twelve" inputmode="decimal" aria-invalid="true" aria-describedby="item-price-error"'
        in refused.text
    )
    assert 'value="kg"' in refused.text
    assert [selected for _, _, selected in options(refused.text)] == [False, False, False, True]
    too_big = form_post(web, form, form, {**typed, "name": "Moon", "price": "1e30"})
    assert (
        too_big.status_code == 422 and 'id="item-price-error" class="field-error">' in too_big.text
    )
    assert api.get(f"/v1/organizations/{org['id']}/items/count").json()["count"] == 0
    in_slovenian = form_post(web, f"{form}?lang=sl", form, typed)
    assert "To polje je obvezno." in in_slovenian.text and "Vnesite število." in in_slovenian.text


def test_a_name_too_large_to_store_keeps_what_was_typed(
    app: Any, api: Api, database: Database
) -> None:
    """500 four-byte ideographs: within Name's length, past what PostgreSQL indexes (name and
    folded name, one index entry) — there the API's 422 in the alert, the form as typed and
    nothing saved (WEB §W4.3), never the API's JSON; SQLite stores it."""
    org = api.create_organization(country="Slovenia")
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/items/new"
    name = incompressible(500, wide=True)
    answer = form_post(web, form, form, {"name": name, "price": "3", "unit": "kg"})
    count = api.get(f"/v1/organizations/{org['id']}/items/count").json()["count"]
    postgres = database.dialect == "postgresql"
    assert_too_large_to_store(answer, count, postgres, "New item", [name, "kg"])


def test_readonly_members_see_no_new_item_and_may_not_add_one(app: Any, client: TestClient) -> None:
    admin, reader, stranger = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    invite(admin, org["id"], reader, "readonly")
    web = signed_in(app, reader)
    base = f"/app/o/{org['id']}/items"
    assert web.get(base).status_code == 200 and "New item" not in web.get(base).text
    assert web.get(f"{base}/new").status_code == 403
    answer = form_post(web, base, f"{base}/new", {"name": "Sneaky", "price": "1", "taxIds": ""})
    assert answer.status_code == 403 and h1_of(answer.text) == "Forbidden"
    assert admin.get(f"/v1/organizations/{org['id']}/items/count").json()["count"] == 0
    assert signed_in(app, stranger).get(base).status_code == 404


def test_a_new_item_in_a_browser(browser_page: Page, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization(name="Browser Rockets", country="Slovenia")
    page = browser_page
    browser_log_in(page, api)
    page.goto(f"/app/o/{org['id']}/items")
    expect(page.get_by_role("heading", level=1)).to_have_text("Items")
    page.get_by_role("link", name="New item").click()
    expect(page.get_by_label("Tax")).to_have_value(taxes_of(api, org["id"])[("standard", 22)])
    page.get_by_label("Name").fill("Rocket fuel")
    page.get_by_label("Price").fill("12,5")
    page.get_by_label("Unit").fill("l")
    page.get_by_label("Tax").select_option(label="DDV 9,5 %")
    screenshot(page, "item-new")
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Items")
    row = page.get_by_role("row", name="Rocket fuel")
    expect(row).to_contain_text("12,50\xa0€")
    expect(row).to_contain_text("DDV 9,5 %")
    screenshot(page, "items")


def test_an_items_list_without_any_says_so(app: Any, api: Api) -> None:
    """WEB §W5.2: no table and no pages, the list's own words."""
    org = api.create_organization()
    page = signed_in(app, api).get(f"/app/o/{org['id']}/items").text
    assert "<p>No items yet.</p>" in page
    assert "<table>" not in page and "Page 1 of 1" not in page


def test_a_deleted_item_leaves_the_list(app: Any, api: Api) -> None:
    """COMPAT §5.1 in WEB §W5.2: a soft-deleted item is listed no more."""
    org = api.create_organization()
    for name in ("Rocket fuel", "Launch slot"):
        answer = api.post(f"/v1/organizations/{org['id']}/items", json={"name": name, "price": 1})
        assert answer.status_code == 200, answer.text
        item_id = answer.json()["id"]
    assert api.delete(f"/v1/items/{item_id}").status_code == 200
    page = signed_in(app, api).get(f"/app/o/{org['id']}/items").text
    assert [row[0] for row in cells(page)] == ["Rocket fuel"]
