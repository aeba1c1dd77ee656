"""Clients (WEB §W5.1): the list by name, 50 a page, its search; New client; a client's page
with its documents as the documents list shows them (WEB §W4.1, WEB §W4.2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.kit.db import Database
from tests.conftest import Api, incompressible
from tests.web.conftest import (
    add_client,
    assert_too_large_to_store,
    browser_log_in,
    cells,
    form_post,
    h1_of,
    headers_of,
    invite,
    screenshot,
    signed_in,
)


def names_in(html: str) -> list[str]:
    """The Name column of the clients table."""
    return re.findall(r'<td><a href="/app/o/[0-9a-f]+/clients/[0-9a-f]+">(.*?)</a></td>', html)


def test_clients_by_name_fifty_a_page(app: Any, api: Api) -> None:
    org = api.create_organization()
    for n in range(52):
        add_client(api, org["id"], name=f"Client {n:02d}")
    add_client(api, org["id"], name="aardvark Ltd")  # any case: first by name
    web = signed_in(app, api)
    base = f"/app/o/{org['id']}/clients"
    first = web.get(base).text
    assert h1_of(first) == "Clients"
    assert headers_of(first) == [
        "Name",
        "Email",
        "City",
        "Country",
    ]
    names = names_in(first)
    assert len(names) == 50 and names[0] == "aardvark Ltd" and names[-1] == "Client 48"
    assert "Page 1 of 2" in first and ">Next</a>" in first and ">Previous</a>" not in first
    second = web.get(f"{base}?page=2").text
    assert names_in(second) == ["Client 49", "Client 50", "Client 51"]
    assert "Page 2 of 2" in second and ">Previous</a>" in second and ">Next</a>" not in second


def test_search_in_name_email_or_tax_number(app: Any, api: Api) -> None:
    org = api.create_organization()
    add_client(api, org["id"], name="Rocket Man", email="elton@example.com", city="Pinner")
    add_client(api, org["id"], name="Moon Shop", taxNumber="SI10000003", country="Slovenia")
    add_client(api, org["id"], name="Žiga Čebelar", email="ziga@example.si")
    web = signed_in(app, api)
    base = f"/app/o/{org['id']}/clients"

    def found(term: str) -> list[str]:
        page = web.get(base, params={"search": term}).text
        assert f'value="{term}"' in page  # the search stays in its field
        return names_in(page)

    assert found("ROCKET") == ["Rocket Man"]
    assert found("elton@") == ["Rocket Man"]
    assert found("si1000") == ["Moon Shop"]
    assert found("žiga") == ["Žiga Čebelar"]
    assert found("Pinner") == []  # the city is not searched
    assert "No clients found." in web.get(base, params={"search": "nobody"}).text
    moon = cells(web.get(base, params={"search": "moon"}).text)
    assert moon == [["Moon Shop", "", "", "Slovenia"]]
    in_slovenian = web.get(base, params={"search": "rocket", "lang": "sl"}).text
    assert h1_of(in_slovenian) == "Stranke" and ">Iskanje</label>" in in_slovenian


def test_new_client_through_the_form(app: Any, api: Api) -> None:
    org = api.create_organization()
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/clients/new"
    page = web.get(form).text
    assert h1_of(page) == "New client" and ">Save client</button>" in page
    for name, label in (
        ("name", "Name"),
        ("email", "Email"),
        ("address", "Address"),
        ("city", "City"),
        ("zip", "Post code"),
        ("country", "Country"),
        ("taxNumber", "Tax number"),
    ):
        assert f'<label for="client-{name}">{label}</label>' in page
        assert f'<input id="client-{name}" name="{name}" type="text"' in page
    data = {
        "name": "Rocket Man",
        "email": "elton@example.com",
        "address": "Kolodvorska 1",
        "city": "Ljubljana",
        "zip": "1000",
        "country": "Slovenia",
        "taxNumber": "SI10000001",
    }
    saved = form_post(web, form, form, {**data, "taxNumber": ""})
    assert saved.status_code == 303
    client_id = saved.headers["location"].rsplit("/", 1)[1]
    assert saved.headers["location"] == f"/app/o/{org['id']}/clients/{client_id}"
    shown = web.get(saved.headers["location"]).text
    assert h1_of(shown) == "Rocket Man"
    assert re.search(r'<h2 id="documents">Documents</h2>', shown)
    stored = api.get(f"/v1/clients/{client_id}").json()
    assert {k: stored[k] for k in ("name", "email", "address", "city", "zip", "country")} == {
        k: v for k, v in data.items() if k != "taxNumber"
    }
    assert stored["taxNumber"] is None and stored["organizationId"] == org["id"]


def test_a_refused_client_keeps_what_was_typed_and_saves_nothing(app: Any, api: Api) -> None:
    org = api.create_organization(country="Slovenia")
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/clients/new"
    empty = form_post(web, form, form, {"name": "", "city": "Maribor"})
    assert empty.status_code == 422 and h1_of(empty.text) == "New client"
    assert (
        'id="client-name" name="name" type="text" value=""'
        ' aria-invalid="true" aria-describedby="client-name-error"' in empty.text
    )
    assert 'id="client-name-error" class="field-error">This field is required.</span>' in empty.text
    assert 'value="Maribor"' in empty.text
    typed = {
        "name": "Bad Mail",
        "email": "not-an-email",
        "country": "Belgium",
        "taxNumber": "BE123",
    }
    refused = form_post(web, form, form, typed)
    assert refused.status_code == 422
    api_answer = api.post(f"/v1/organizations/{org['id']}/clients", json=typed).json()
    for field in ("email", "taxNumber"):
        message = api_answer["error"]["details"]["messages"][field][0]
        shown = f'id="client-{field}-error" class="field-error">{message}</span>'
        assert shown in refused.text.replace("&#39;", "'")
        assert f'aria-describedby="client-{field}-error"' in refused.text
    assert 'value="not-an-email"' in refused.text and 'value="BE123"' in refused.text
    assert api.get(f"/v1/organizations/{org['id']}/clients/count").json()["count"] == 0


def test_a_client_too_large_to_store_keeps_what_was_typed(
    app: Any, api: Api, database: Database
) -> None:
    """A name and city that PostgreSQL cannot index: the API's 422 in the alert, the form as
    typed and nothing saved (WEB §W4.3), never the API's JSON; SQLite stores them."""
    org = api.create_organization(country="Slovenia")
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/clients/new"
    name = incompressible(9000)
    answer = form_post(web, form, form, {"name": name, "city": name, "email": "a@b.si"})
    count = api.get(f"/v1/organizations/{org['id']}/clients/count").json()["count"]
    postgres = database.dialect == "postgresql"
    assert_too_large_to_store(answer, count, postgres, "New client", [name, "a@b.si"])


def invoice(api: Api, org_id: str, client_id: str, **fields: Any) -> dict[str, Any]:
    data = {
        "clientId": client_id,
        "_documentItems": [
            {"name": "Fuel", "quantity": 1, "price": "100", "_documentItemTaxes": [{"rate": 22}]}
        ],
        **fields,
    }
    answer = api.post(f"/v1/organizations/{org_id}/documents", json=data)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_clients_page_lists_its_documents_with_their_statuses(app: Any, api: Api) -> None:
    """WEB §W4.1 columns and order, WEB §W4.2 statuses, WEB §W1.4 formats (locale `sl`)."""
    org = api.create_organization(country="Slovenia")
    client = add_client(api, org["id"], name="Rocket Man", email="elton@example.com")
    other = add_client(api, org["id"], name="Someone Else")
    today = datetime.now(UTC).date()
    long_ago = today - timedelta(days=40)

    def day(offset: int) -> str:
        return (long_ago + timedelta(days=offset)).isoformat()

    issued = invoice(
        api, org["id"], client["id"], date=day(1), dateDue=(today + timedelta(days=30)).isoformat()
    )
    paid = invoice(api, org["id"], client["id"], date=day(2))
    partly = invoice(
        api, org["id"], client["id"], date=day(3), dateDue=(today + timedelta(days=9)).isoformat()
    )
    overdue = invoice(api, org["id"], client["id"], date=day(4), dateDue=day(5))
    canceled = invoice(api, org["id"], client["id"], date=day(6))
    draft = invoice(api, org["id"], client["id"], date=day(7), draft=True)
    estimate = invoice(api, org["id"], client["id"], date=day(8), type="estimate")
    invoice(api, org["id"], other["id"], date=day(9))  # another client's
    for document, amount in ((paid, "122"), (partly, "22")):
        answer = api.post(
            f"/v1/documents/{document['id']}/payments",
            data={"type": "bank", "amount": amount, "date": today.isoformat()},
        )
        assert answer.status_code == 200, answer.text
    assert api.post(f"/v1/documents/{canceled['id']}/cancel").status_code == 200
    page = signed_in(app, api).get(f"/app/o/{org['id']}/clients/{client['id']}").text
    assert h1_of(page) == "Rocket Man" and "elton@example.com" in page
    headers = headers_of(page)
    assert headers == ["Number", "Type", "Client", "Date", "Due", "Total", "Status"]
    rows = cells(page)
    assert [row[0] for row in rows] == [
        estimate["number"],
        "Draft",
        canceled["number"],
        overdue["number"],
        partly["number"],
        paid["number"],
        issued["number"],
    ]
    assert [row[6] for row in rows] == [
        "Issued",
        "Draft",
        "Canceled",
        "Overdue",
        "Partly paid",
        "Paid",
        "Issued",
    ]
    shown_estimate, _, _, shown_overdue, _, shown_paid, shown_issued = rows
    assert shown_estimate[1] == "Estimate"
    assert shown_issued[1:3] == ["Invoice", "Rocket Man"]
    assert shown_issued[5] == "122,00\xa0€"  # 100 + 22 % DDV, Babel in `sl`
    assert estimate.get("dateDue") is None and shown_estimate[4] == ""  # no dateDue: Due is empty
    assert shown_paid[4] == formats_day(paid["dateDue"][:10])
    assert shown_overdue[3] == formats_day(day(4))
    assert f'href="/app/o/{org["id"]}/documents/{draft["id"]}">Draft</a>' in page


def formats_day(iso: str) -> str:
    from spaceport.web.formats import day

    return day(datetime.fromisoformat(iso), "sl")


def test_readonly_members_see_no_new_client_and_may_not_add_one(
    app: Any, client: TestClient
) -> None:
    """WEB §W2.5: no "New …" link; the form page and its POST answer 403; another
    organization's pages and clients are the 404 page."""
    admin, reader, stranger = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    theirs = add_client(admin, org["id"], name="Rocket Man")
    invite(admin, org["id"], reader, "readonly")
    web = signed_in(app, reader)
    base = f"/app/o/{org['id']}/clients"
    listed = web.get(base).text
    assert "Rocket Man" in listed and "New client" not in listed
    assert web.get(f"{base}/new").status_code == 403
    answer = form_post(web, base, f"{base}/new", {"name": "Sneaky"})
    assert answer.status_code == 403 and h1_of(answer.text) == "Forbidden"
    assert admin.get(f"/v1/organizations/{org['id']}/clients/count").json()["count"] == 1
    assert ">New client</a>" in signed_in(app, admin).get(base).text
    outsider = signed_in(app, stranger)
    own = stranger.create_organization()
    for path in (base, f"{base}/{theirs['id']}", f"{base}/new"):
        assert outsider.get(path).status_code == 404, path
    # a client of another organization, under one's own
    answer = outsider.get(f"/app/o/{own['id']}/clients/{theirs['id']}")
    assert answer.status_code == 404 and h1_of(answer.text) == "Not found"


def test_a_new_client_in_a_browser(browser_page: Page, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization(name="Browser Rockets", country="Slovenia")
    for name, city in (("Moon Shop", "Koper"), ("Mars Garage", "Celje"), ("Orbit Café", "Kranj")):
        add_client(api, org["id"], name=name, city=city, country="Slovenia")
    page = browser_page
    browser_log_in(page, api)
    page.get_by_role("link", name="Browser Rockets").click()
    page.get_by_role("navigation", name="Navigation").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(4)
    screenshot(page, "clients")
    page.get_by_role("link", name="New client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New client")
    page.get_by_label("Name").fill("Rocket Man")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save client").click()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_have_value("Rocket Man")
    screenshot(page, "client-new-refused")
    page.get_by_label("Email").fill("elton@example.com")
    page.get_by_label("Address").fill("Kolodvorska 1")
    page.get_by_label("City").fill("Ljubljana")
    page.get_by_label("Post code").fill("1000")
    page.get_by_label("Country").fill("Slovenia")
    page.get_by_role("button", name="Save client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rocket Man")
    expect(page.get_by_role("region", name="Documents")).to_be_visible()
    screenshot(page, "client")
    page.get_by_role("navigation", name="Navigation").get_by_role("link", name="Clients").click()
    page.get_by_label("Search").fill("rocket")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(page.get_by_role("cell", name="Slovenija")).to_have_count(0)  # the page is English
    expect(page.get_by_role("cell", name="Slovenia")).to_be_visible()


def test_a_clients_list_without_any_says_so(app: Any, api: Api) -> None:
    """WEB §W5.1: no table and no pages, the list's own words."""
    org = api.create_organization()
    page = signed_in(app, api).get(f"/app/o/{org['id']}/clients").text
    assert "<p>No clients yet.</p>" in page
    assert "<table>" not in page and "Page 1 of 1" not in page


def test_a_deleted_client_leaves_the_list_and_its_search(app: Any, api: Api) -> None:
    """COMPAT §5.1 in WEB §W5.1: a soft-deleted client is in no list, found by no search."""
    org = api.create_organization()
    add_client(api, org["id"], name="Moon Shop")
    gone = add_client(api, org["id"], name="Mars Garage")
    assert api.delete(f"/v1/clients/{gone['id']}").status_code == 200
    web = signed_in(app, api)
    base = f"/app/o/{org['id']}/clients"
    assert names_in(web.get(base).text) == ["Moon Shop"]
    assert names_in(web.get(base, params={"search": "mars"}).text) == []
