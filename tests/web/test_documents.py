"""Documents in the web app (WEB §W4): the list with its statuses, filter and pages (§W4.1,
§W4.2), and a person's way through it in a browser to a document, its payment and its email."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api, Inbox
from tests.einvoices import parties
from tests.web.conftest import (
    browser_log_in,
    create,
    day,
    h1_of,
    organization_in,
    pay,
    rows,
    screenshot,
    signed_in,
)


def test_each_status_in_the_list_and_as_its_filter(app: Any, client: TestClient) -> None:
    """WEB §W4.2, the first that holds; the Status filter finds the same documents."""
    api = Api(client)
    org_id = organization_in(api)["id"]
    expected: dict[str, str] = {}
    expected[create(api, org_id, draft=True)["id"]] = "Draft"
    expected[create(api, org_id, dateDue=day(10))["id"]] = "Issued"
    paid = create(api, org_id, dateDue=day(-5))
    pay(api, paid["id"], "1000")
    expected[paid["id"]] = "Paid"
    partly = create(api, org_id, dateDue=day(5))
    pay(api, partly["id"], "100")
    expected[partly["id"]] = "Partly paid"
    late = create(api, org_id, date=day(-40), dateDue=day(-1))
    pay(api, late["id"], "100")
    expected[late["id"]] = "Overdue"  # before Partly paid
    canceled = create(api, org_id, dateDue=day(-1))
    assert api.post(f"/v1/documents/{canceled['id']}/cancel").status_code == 200
    expected[canceled["id"]] = "Canceled"
    expected[create(api, org_id, type="estimate")["id"]] = "Issued"
    web = signed_in(app, api)
    page = web.get(f"/app/o/{org_id}/documents")
    assert page.status_code == 200 and h1_of(page.text) == "Documents"
    shown = {document_id: cells[-1] for document_id, _number, cells in rows(page.text)}
    assert shown == expected
    for value, name in (
        ("draft", "Draft"),
        ("issued", "Issued"),
        ("paid", "Paid"),
        ("partly-paid", "Partly paid"),
        ("overdue", "Overdue"),
        ("canceled", "Canceled"),
    ):
        filtered = web.get(f"/app/o/{org_id}/documents", params={"status": value}).text
        found = {document_id for document_id, _n, _c in rows(filtered)}
        assert found == {i for i, status in expected.items() if status == name}, value
    sl = web.get(f"/app/o/{org_id}/documents?lang=sl").text
    assert h1_of(sl) == "Dokumenti"
    assert {cells[-1] for _i, _n, cells in rows(sl)} == {
        "Osnutek",
        "Izdan",
        "Plačan",
        "Delno plačan",
        "Zapadel",
        "Preklican",
    }


def test_the_columns_of_a_row(app: Any, client: TestClient) -> None:
    """WEB §W4.1: Number links to the document ("Draft" for a draft); Total is totalWithTax;
    Due is empty without dateDue; amounts and dates in the organization's locale (§W1.4)."""
    api = Api(client)
    org_id = organization_in(api, name="Columns Ltd")["id"]
    api.patch(f"/v1/organizations/{org_id}", json={"locale": "sl"})
    invoice = create(api, org_id, date="2025-03-01", dateDue="2025-03-31")
    create(api, org_id, type="estimate", date="2025-02-01", _documentClient={"name": "Luna"})
    create(api, org_id, draft=True, date="2025-01-01")
    table = rows(signed_in(app, api).get(f"/app/o/{org_id}/documents").text)
    assert [(n, cells) for _i, n, cells in table] == [
        (
            invoice["number"],
            ["Invoice", "Rocket Man", "1. mar. 2025", "31. mar. 2025", "1.000,00\xa0€", "Overdue"],
        ),
        (table[1][1], ["Estimate", "Luna", "1. feb. 2025", "", "1.000,00\xa0€", "Issued"]),
        (
            "Draft",
            ["Invoice", "Rocket Man", "1. jan. 2025", table[2][2][3], "1.000,00\xa0€", "Draft"],
        ),
    ]
    assert table[0][0] == invoice["id"]


def test_fifty_a_page_newest_first_with_previous_and_next(app: Any, client: TestClient) -> None:
    api = Api(client)
    org_id = organization_in(api)["id"]
    created = [create(api, org_id, date=day(-n))["id"] for n in range(51)]
    web = signed_in(app, api)
    first = web.get(f"/app/o/{org_id}/documents").text
    assert [i for i, _n, _c in rows(first)] == created[:50]
    assert "Page 1 of 2" in first and ">Next</a>" in first and ">Previous</a>" not in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_url
    second = web.get(next_url.group(1).replace("&amp;", "&")).text
    assert [i for i, _n, _c in rows(second)] == created[50:]
    assert "Page 2 of 2" in second and ">Previous</a>" in second and ">Next</a>" not in second
    # the same day: the later creation first
    same_day = [create(api, org_id, date=day(1))["id"] for _ in range(2)]
    assert [i for i, _n, _c in rows(web.get(f"/app/o/{org_id}/documents").text)][:2] == same_day[
        ::-1
    ]


def test_search_and_type_filter(app: Any, client: TestClient) -> None:
    """WEB §W4.1: Search in the number or client name, any case; Type; a GET form."""
    api = Api(client)
    org_id = organization_in(api)["id"]
    moon = create(api, org_id, _documentClient={"name": "Moon Base Alpha"})
    mars = create(api, org_id, _documentClient={"name": "Mars Colony"})
    estimate = create(api, org_id, type="estimate", _documentClient={"name": "Mars Colony"})
    web = signed_in(app, api)
    url = f"/app/o/{org_id}/documents"
    page = web.get(url).text
    assert '<form method="get"' in page
    for label in ("Search", "Type", "Status"):
        assert f">{label}</label>" in page
    assert ">All types</option>" in page and ">All statuses</option>" in page
    assert ">Apply</button>" in page

    def found(**params: str) -> set[str]:
        return {i for i, _n, _c in rows(web.get(url, params=params).text)}

    assert found(q="moon base") == {moon["id"]}
    assert found(q="MARS") == {mars["id"], estimate["id"]}
    assert found(q=mars["number"]) == {mars["id"]}
    assert found(q="mars", type="estimate") == {estimate["id"]}
    assert found(type="invoice") == {moon["id"], mars["id"]}
    assert found(q="100%_") == set()
    kept = web.get(url, params={"q": "Mars", "type": "estimate"}).text
    assert 'value="Mars"' in kept and '<option value="estimate" selected>' in kept


def test_documents_in_a_browser(
    browser_page: Page, client: TestClient, database: Database, settings: Settings, inbox: Inbox
) -> None:
    """Search, open, download the PDF, record a payment (→ Paid), send by email (the SMTP
    server receives it once the worker runs), as a person does it, by labels and names."""
    api = Api(client)
    org_id = parties.issuer(api, name="Browser Rockets", country="Slovenia", taxNumber="50223054")[
        "id"
    ]
    create(api, org_id, _documentClient={"name": "Mars Colony"}, date=day(-3), dateDue=day(-1))
    create(api, org_id, draft=True, _documentClient={"name": "Mars Colony"})
    moon = create(
        api,
        org_id,
        _documentClient={**parties.BUYER, "name": "Moon Base", "email": "moon@example.com"},
        _documentItems=[
            {
                "name": "Launch slot",
                "quantity": 2,
                "price": "1000",
                "_documentItemTaxes": [{"rate": 22}],
            }
        ],
    )
    page = browser_page
    browser_log_in(page, api)
    page.goto(f"/app/o/{org_id}/documents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)
    screenshot(page, "documents")
    page.get_by_label("Search").fill("moon")
    page.get_by_role("button", name="Apply").click()
    expect(table.get_by_role("row")).to_have_count(2)
    page.get_by_role("link", name=moon["number"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {moon['number']}")
    expect(page.get_by_role("region", name="Totals")).to_contain_text("Amount due")
    screenshot(page, "document")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"{moon['number']}.pdf"
    page.get_by_role("link", name="Record payment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record payment")
    expect(page.get_by_label("Amount")).to_have_value("2440.00")
    expect(page.get_by_label("Type")).to_have_value("bank")
    screenshot(page, "record-payment")
    page.get_by_role("button", name="Save payment").click()
    expect(page.get_by_role("status")).to_have_text("Payment saved.")
    expect(page.locator(".document-status")).to_contain_text("Paid")
    expect(page.get_by_role("region", name="Payments").get_by_role("row")).to_have_count(2)
    page.get_by_role("link", name="Send by email").click()
    expect(page.get_by_label("To")).to_have_value("moon@example.com")
    expect(page.get_by_label("Subject")).to_have_value(f"Invoice {moon['number']}")
    screenshot(page, "send-by-email")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Email queued.")
    screenshot(page, "document-paid")
    Worker(database, settings, TASKS, kinds={"document.send"}).run_once()
    assert inbox.to("moon@example.com")[-1]["Subject"] == f"Invoice {moon['number']}"
