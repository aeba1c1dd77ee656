"""The New invoice form (WEB §W4.3, WEB §W8 `…/documents/new`): its fields by label and their
defaults (Date today in the organization's timezone, Due date Date + `invoice_dueDays`), the
Client's suggestions; Totals the server computes as the API does (COMPAT §6.8), in a reading
transaction; Add line and Remove line without JavaScript; and a person doing it in a browser.
Saving it is `test_new_invoice.py`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.kit.db import Database
from tests.conftest import Api
from tests.kit.test_transaction import transactions_begun
from tests.web.conftest import INVOICE_DAY as DAY
from tests.web.conftest import (
    add_client,
    api_document,
    browser_log_in,
    chosen,
    count,
    csrf_of,
    form_post,
    h1_of,
    invite,
    line,
    new_of,
    screenshot,
    set_default,
    signed_in,
    slovenian_org,
    tag_of,
    taxes_of,
    totals_in,
    value_of,
)

# -- the form ------------------------------------------------------------------------------------


def test_the_form_its_fields_by_label_and_their_defaults(app: Any, api: Api) -> None:
    east = slovenian_org(api)
    api.patch(f"/v1/organizations/{east['id']}", json={"timezone": "Pacific/Kiritimati"})
    set_default(api, east["id"], "invoice_dueDays", 14)
    add_client(api, east["id"], name="Moon Base")
    add_client(api, east["id"], name="Čebelica d.o.o.")
    ids = taxes_of(api, east["id"])
    web = signed_in(app, api)
    page = web.get(new_of(east["id"])).text
    assert h1_of(page) == "New invoice"
    for element_id, label in (
        ("invoice-client", "Client"),
        ("invoice-date", "Date"),
        ("invoice-dateDue", "Due date"),
        ("invoice-line-0-name", "Item name"),
        ("invoice-line-0-quantity", "Quantity"),
        ("invoice-line-0-unit", "Unit"),
        ("invoice-line-0-price", "Price"),
        ("invoice-line-0-tax", "Tax"),
    ):
        assert f'<label for="{element_id}">{label}</label>' in page, label
        tag_of(page, element_id)
    assert 'type="date"' in tag_of(page, "invoice-date")
    assert 'type="date"' in tag_of(page, "invoice-dateDue")
    assert 'list="invoice-clients"' in tag_of(page, "invoice-client")
    suggested = page.split('<datalist id="invoice-clients">', 1)[1].split("</datalist>", 1)[0]
    names = re.findall(r'<option value="([^"]*)">', suggested)
    assert sorted(names) == ["Moon Base", "Čebelica d.o.o."]  # by name, as the engine collates
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert value_of(page, "invoice-date") == today.isoformat()
    assert value_of(page, "invoice-dateDue") == (today + timedelta(days=14)).isoformat()
    assert value_of(page, "invoice-line-0-quantity") == "1"
    assert chosen(page, "invoice-line-0-tax") == (ids[("standard", 22)], "DDV 22 %")
    options = re.findall(r"<option value=\"[^\"]*\"(?: selected)?>(.*?)</option>", page)
    assert options[-4:] == ["No tax", "DDV 22 %", "DDV 9,5 %", "DDV 5 %"]
    assert page.count("<fieldset") == 1  # one line to start
    for button in ("Add line", "Remove line", "Save as draft", "Issue"):
        assert f">{button}</button>" in page, button
    assert '<h2 id="invoice-totals-heading">Totals</h2>' in page
    assert totals_in(page) == [
        ("Total", "0,00\xa0€"),
        ("DDV 22 %", "0,00\xa0€"),
        ("Total with VAT", "0,00\xa0€"),
    ]
    # without the Default: 30 days; today in the organization's own timezone
    west = api.create_organization(name="West Ltd")
    api.patch(f"/v1/organizations/{west['id']}", json={"timezone": "Pacific/Pago_Pago"})
    other = web.get(new_of(west["id"])).text
    today = datetime.now(ZoneInfo("Pacific/Pago_Pago")).date()
    assert value_of(other, "invoice-date") == today.isoformat()
    assert value_of(other, "invoice-dateDue") == (today + timedelta(days=30)).isoformat()


def test_the_form_in_slovenian(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    page = signed_in(app, api).get(f"{new_of(org['id'])}?lang=sl").text
    assert h1_of(page) == "Nov račun"
    for label in ("Stranka", "Datum", "Rok plačila", "Ime artikla", "Količina", "Enota", "Cena"):
        assert f">{label}</label>" in page, label
    for button in ("Dodaj vrstico", "Odstrani vrstico", "Shrani kot osnutek", "Izdaj"):
        assert f">{button}</button>" in page, button
    assert ">Zneski</h2>" in page and ">Brez davka</option>" in page
    assert [label for label, _ in totals_in(page)] == ["Skupaj", "DDV 22 %", "Skupaj z DDV"]


def test_the_documents_list_links_to_it_for_writers_only(app: Any, client: TestClient) -> None:
    admin, member, reader = Api(client), Api(client), Api(client)
    org = slovenian_org(admin)
    invite(admin, org["id"], member, "default")
    invite(admin, org["id"], reader, "readonly")
    link = f'<a class="button" href="{new_of(org["id"])}">New invoice</a>'
    for api in (admin, member):
        web = signed_in(app, api)
        assert link in web.get(f"/app/o/{org['id']}/documents").text
        assert web.get(new_of(org["id"])).status_code == 200
    listing = signed_in(app, reader).get(f"/app/o/{org['id']}/documents?lang=sl").text
    assert "New invoice" not in listing and "Nov račun" not in listing


# -- totals (COMPAT §6.8) ------------------------------------------------------------------------


def test_the_totals_are_the_apis_for_the_same_lines(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    ids = taxes_of(api, org["id"])
    web = signed_in(app, api)
    url = new_of(org["id"])
    typed = {
        **line(0, "Fuel", "2,5", "1234,56", ids[("standard", 22)]),
        **line(1, "Advice", "3", "80.10", ids[("reduced", 9.5)], unit="h"),
        **line(2, "Stamp", "1", "19.99", ""),
    }
    answer = form_post(web, url, f"{url}/totals", {"date": DAY, **typed})
    assert answer.status_code == 200, answer.text
    same = api_document(
        api,
        org["id"],
        {
            "date": DAY,
            "_documentClient": {"name": "Anyone"},
            "_documentItems": [
                {"name": "Fuel", "quantity": "2.5", "price": "1234.56",
                 "_documentItemTaxes": [{"taxId": ids[("standard", 22)]}]},
                {"name": "Advice", "quantity": "3", "price": "80.10", "unit": "h",
                 "_documentItemTaxes": [{"taxId": ids[("reduced", 9.5)]}]},
                {"name": "Stamp", "quantity": "1", "price": "19.99"},
            ],
        },
    )  # fmt: skip
    assert same["total"] == 3346.69 and same["totalWithTax"] == 4048.53
    assert [t["totalTax"] for t in same["_documentTaxes"]] == [679.01, 22.83]
    assert totals_in(answer.text) == [
        ("Total", "3.346,69\xa0€"),
        ("DDV 22 %", "679,01\xa0€"),
        ("DDV 9,5 %", "22,83\xa0€"),
        ("Total with VAT", "4.048,53\xa0€"),
    ]


def test_the_totals_round_tax_as_the_organization_does(app: Any, api: Api) -> None:
    """`tax_rounding` per document (EN 16931 BR-CO-17): 3 × 0,03 € at 9,5 % is 0,01 € of tax,
    not the 0,00 € the lines round to one by one, on the page as in the API."""
    web = signed_in(app, api)
    expected = {"line": "0,00\xa0€", "document": "0,01\xa0€"}
    for rounding, tax in expected.items():
        org = slovenian_org(api)
        reduced = taxes_of(api, org["id"])[("reduced", 9.5)]
        set_default(api, org["id"], "tax_rounding", rounding)
        url = new_of(org["id"])
        typed = {**line(0, "a", "1", "0,03", reduced), **line(1, "b", "1", "0,03", reduced)}
        typed.update(line(2, "c", "1", "0,03", reduced))
        shown = totals_in(form_post(web, url, f"{url}/totals", typed).text)
        price = {"price": "0.03", "_documentItemTaxes": [{"taxId": reduced}]}
        items = [{"name": name, **price} for name in "abc"]
        same = api_document(
            api, org["id"], {"_documentClient": {"name": "x"}, "_documentItems": items}
        )
        assert shown == [
            ("Total", "0,09\xa0€"),
            ("DDV 9,5 %", tax),
            ("Total with VAT", f"0,{9 + int(tax[2:4]):02d}\xa0€"),
        ]
        assert f"{same['_documentTaxes'][0]['totalTax']:.2f}".replace(".", ",") == tax[:4]


def test_the_totals_take_a_reading_transaction(app: Any, api: Api, database: Database) -> None:
    """They are asked on every keyup: they never wait for a write turn."""
    org = slovenian_org(api)
    web = signed_in(app, api)
    url = new_of(org["id"])
    token = csrf_of(web.get(url).text)
    data = {"csrf_token": token, **line(0, "Fuel", "1", "10", "")}
    with transactions_begun(database) as begun:
        assert web.post(f"{url}/totals", data=data).status_code == 200
        assert web.post(f"{url}/lines", data={**data, "action": "add"}).status_code == 200
    assert begun == [False, False]


def test_htmx_sends_the_token_in_its_header(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    web = signed_in(app, api)
    url = new_of(org["id"])
    page = web.get(url).text
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf_of(page)}"}}\'' in page
    assert f'hx-post="{url}/totals"' in page
    headers = {"X-CSRF-Token": csrf_of(page), "HX-Request": "true"}
    answer = web.post(f"{url}/totals", data=line(0, "Fuel", "2", "10", ""), headers=headers)
    assert answer.status_code == 200
    assert totals_in(answer.text)[-1] == ("Total with VAT", "20,00\xa0€")
    assert "<h1>" not in answer.text  # only the figures, for htmx to swap in


# -- Add line, Remove line (no JavaScript) ---------------------------------------------------------


def test_add_and_remove_line_show_the_form_again_with_what_was_typed(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    ids = taxes_of(api, org["id"])
    set_default(api, org["id"], "invoice_dueDays", 10)
    web = signed_in(app, api)
    url = new_of(org["id"])
    typed = {
        "client": "Moon Base",
        "date": DAY,
        "dateDue": "2025-03-13",
        **line(0, "Fuel", "2", "10", ids[("reduced", 9.5)], unit="l"),
    }
    added = form_post(web, url, f"{url}/lines", {**typed, "action": "add"})
    assert added.status_code == 200 and h1_of(added.text) == "New invoice"
    page = added.text
    assert page.count("<fieldset") == 2 and "<legend>Line 2</legend>" in page
    assert value_of(page, "invoice-client") == "Moon Base"
    assert value_of(page, "invoice-line-0-name") == "Fuel"
    assert chosen(page, "invoice-line-0-tax") == (ids[("reduced", 9.5)], "DDV 9,5 %")
    assert value_of(page, "invoice-line-1-quantity") == "1"
    assert chosen(page, "invoice-line-1-tax") == (ids[("standard", 22)], "DDV 22 %")
    assert " autofocus" in tag_of(page, "invoice-line-1-name")
    assert totals_in(page)[-1] == ("Total with VAT", "21,90\xa0€")
    both = {**typed, **line(1, "Oil", "1", "5", ids[("standard", 22)])}
    removed = form_post(web, url, f"{url}/lines", {**both, "action": "remove-0"}).text
    assert removed.count("<fieldset") == 1 and value_of(removed, "invoice-line-0-name") == "Oil"
    assert totals_in(removed) == [
        ("Total", "5,00\xa0€"),
        ("DDV 22 %", "1,10\xa0€"),
        ("Total with VAT", "6,10\xa0€"),
    ]
    last = form_post(web, url, f"{url}/lines", {**typed, "action": "remove-0"}).text
    assert last.count("<fieldset") == 1 and value_of(last, "invoice-line-0-name") == ""
    assert value_of(last, "invoice-line-0-quantity") == "1"
    # Enter in a field: the form again, its totals new, nothing saved
    entered = form_post(web, url, f"{url}/lines", {**both, "action": "update"}).text
    assert entered.count("<fieldset") == 2 and totals_in(entered)[-1][1] == "28,00\xa0€"
    # a new Date moves the Due date by the Default (htmx asks it when the Date is left)
    redated = form_post(web, url, f"{url}/lines", {**typed, "date": "2025-06-25", "action": "date"})
    assert value_of(redated.text, "invoice-dateDue") == "2025-07-05"
    assert count(api, org["id"], "documents") == 0 and count(api, org["id"], "clients") == 0


# -- in a browser ---------------------------------------------------------------------------------


def test_a_new_invoice_in_a_browser(browser_page: Page, client: TestClient) -> None:
    """A person types a line and sees the server's totals follow, adds a second line, issues
    the invoice and lands on its page."""
    api = Api(client)
    org = slovenian_org(api, name="Browser Rockets")
    add_client(api, org["id"], name="Mars Colony")
    page = browser_page
    browser_log_in(page, api)
    page.goto(f"/app/o/{org['id']}/documents")
    page.get_by_role("link", name="New invoice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New invoice")
    page.get_by_role("button", name="Issue").click()  # nothing typed: the errors at their fields
    expect(page.get_by_label("Client")).to_be_focused()
    expect(page.get_by_label("Client")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#invoice-client-error")).to_have_text("This field is required.")
    expect(page.locator("#invoice-line-0-name-error")).to_have_text("This field is required.")
    screenshot(page, "new_invoice-errors")
    date = page.get_by_label("Date", exact=True)
    year = date.input_value()[:4]
    date.fill(f"{year}-06-25")
    page.get_by_label("Client").click()  # the Date is left: htmx brings its Due date
    expect(page.get_by_label("Due date")).to_have_value(f"{year}-07-25")
    expect(page.get_by_label("Client")).to_be_focused()
    page.get_by_label("Client").fill("mars colony")
    totals = page.get_by_role("region", name="Totals")
    first = page.get_by_role("group", name="Line 1")
    first.get_by_label("Item name").fill("Launch slot")
    first.get_by_label("Quantity").fill("2")
    first.get_by_label("Price").press_sequentially("1000,5")
    expect(totals).to_contain_text("2.001,00\xa0€", timeout=10_000)
    expect(totals).to_contain_text("DDV 22 %")
    expect(totals).to_contain_text("2.441,22\xa0€")
    page.get_by_role("button", name="Add line").click()
    second = page.get_by_role("group", name="Line 2")
    expect(second.get_by_label("Item name")).to_be_focused()
    second.get_by_label("Item name").fill("Insurance")
    second.get_by_label("Price").fill("99,5")
    second.get_by_label("Tax").select_option(label="DDV 9,5 %")
    expect(totals).to_contain_text("DDV 9,5 %", timeout=10_000)
    expect(totals).to_contain_text("2.550,17\xa0€")
    expect(first.get_by_label("Price")).to_have_value("1000,5")
    second.get_by_label("Item name").press("Enter")  # the form again, nothing lost or saved
    expect(page.get_by_role("group", name="Line 2").get_by_label("Item name")).to_have_value(
        "Insurance"
    )
    expect(totals).to_contain_text("2.550,17\xa0€")
    expect(page.get_by_label("Due date")).to_have_value(f"{year}-07-25")
    screenshot(page, "new_invoice")
    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Invoice \d{4}-00001"))
    expect(page.get_by_role("region", name="Client")).to_contain_text("Mars Colony")
    expect(page.get_by_role("region", name="Totals")).to_contain_text("2.550,17\xa0€")
    screenshot(page, "new_invoice-issued")
    documents = api.get(f"/v1/organizations/{org['id']}/documents").json()
    assert len(documents) == 1 and count(api, org["id"], "clients") == 1
