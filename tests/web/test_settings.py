"""Settings and Defaults (WEB §W7.1): the organization through the organizations service, four
Defaults through the defaults service, "Saved.", errors at their fields, readonly refusals."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.conftest import Api
from tests.web.conftest import browser_log_in, form_post, h1_of, screenshot, signed_in

FIELDS = {
    "name": "Orbital Freight d.o.o.",
    "address": "Trg republike 3",
    "city": "Ljubljana",
    "zip": "1000",
    "country": "Slovenia",
    "taxNumber": "SI10000001",
    "IBAN": "SI56 1910 0000 0123 438",
    "bank": "Banka Slovenije",
    "email": "billing@orbital.example",
}


def reader_of(admin: Api, organization_id: str) -> Api:
    reader = Api(admin.client)
    data = {"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"}
    assert admin.post(f"/v1/organizations/{organization_id}/invite", data=data).status_code == 200
    return reader


def field_of(page: str, name: str) -> str:
    """The `<input>` (or `<select>`/`<textarea>`) named `name`, as the page has it."""
    found = re.search(rf'<(input|select|textarea) [^>]*name="{name}"[^>]*>', page)
    assert found, page
    return found.group(0)


def test_the_settings_page_edits_the_organization_as_the_api_does(
    app: Any, client: TestClient
) -> None:
    api = Api(client)
    org = api.create_organization(name="Orbital Freight", country="Germany")
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings"
    page = web.get(url)
    assert page.status_code == 200 and h1_of(page.text) == "Settings"
    assert 'value="Orbital Freight"' in field_of(page.text, "name")
    for label in ("Name", "Address", "City", "Post code", "Country", "Tax number", "IBAN", "Bank"):
        assert f">{label}</label>" in page.text
    saved = form_post(web, url, url, FIELDS)
    assert saved.status_code == 303 and saved.headers["location"] == url
    shown = web.get(url).text
    assert '<p role="status" class="notice">Saved.</p>' in shown
    assert "Saved." not in web.get(url).text  # shown once
    stored = api.get(f"/v1/organizations/{org['id']}").json()
    assert {key: stored[key] for key in FIELDS} == FIELDS
    assert stored["countryAlpha2Code"] == "SI"  # the service matched the country, as PATCH does


def test_a_bad_name_is_shown_at_its_field_and_nothing_is_saved(
    app: Any, client: TestClient
) -> None:
    api = Api(client)
    org = api.create_organization(name="Keep Me")
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings"
    answer = form_post(web, url, url, {**FIELDS, "name": "  ", "city": "Maribor"})
    assert answer.status_code == 422
    name = field_of(answer.text, "name")
    assert 'aria-invalid="true"' in name and 'aria-describedby="organization-name-error"' in name
    error = re.search(
        r'<span id="organization-name-error" class="field-error">(.*?)</span>', answer.text
    )
    assert error and "at least 1 character" in error.group(1)  # the API's own 422 message
    assert 'value="Maribor"' in field_of(answer.text, "city")  # what was typed is kept
    assert api.get(f"/v1/organizations/{org['id']}").json()["name"] == "Keep Me"
    assert api.get(f"/v1/organizations/{org['id']}").json()["city"] is None


def test_links_to_defaults_team_and_fiscalization_only_in_slovenia(
    app: Any, client: TestClient
) -> None:
    api = Api(client)
    belgian = api.create_organization(country="Belgium")
    slovenian = api.create_organization(country="Slovenia")
    web = signed_in(app, api)
    page = web.get(f"/app/o/{belgian['id']}/settings").text
    assert f'href="/app/o/{belgian["id"]}/settings/defaults">Defaults</a>' in page
    assert f'href="/app/o/{belgian["id"]}/settings/team">Team</a>' in page
    assert "Fiscalization" not in page
    page = web.get(f"/app/o/{slovenian['id']}/settings").text
    assert f'href="/app/o/{slovenian["id"]}/settings/fiscalization">Fiscalization</a>' in page


def test_a_readonly_member_sees_the_settings_and_may_not_save(app: Any, client: TestClient) -> None:
    admin = Api(client)
    org = admin.create_organization(name="Read Me", country="Slovenia")
    reader = reader_of(admin, org["id"])
    web = signed_in(app, reader)
    for path in ("settings", "settings/defaults"):
        url = f"/app/o/{org['id']}/{path}"
        page = web.get(url)
        assert page.status_code == 200
        assert "<form" not in page.text.replace('<form method="post" action="/app/logout"', "")
        assert ">Save</button>" not in page.text
        refused = form_post(web, url, url, {"name": "Changed", "invoice_dueDays": "5"})
        assert refused.status_code == 403 and h1_of(refused.text) == "Forbidden"
    assert "Read Me" in web.get(f"/app/o/{org['id']}/settings").text
    assert "Team" not in web.get(f"/app/o/{org['id']}/settings").text.split("<main")[1]
    assert admin.get(f"/v1/organizations/{org['id']}").json()["name"] == "Read Me"
    assert admin.get(f"/v1/organizations/{org['id']}/defaults").json()[-1]["name"] == "currencyId"


def test_the_defaults_are_stored_as_the_api_reads_them(app: Any, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization()
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings/defaults"
    page = web.get(url)
    assert h1_of(page.text) == "Defaults"
    assert 'type="number"' in field_of(page.text, "invoice_dueDays")
    assert '<option value="modern" selected>Modern</option>' in page.text
    assert '<option value="line" selected>Per line</option>' in page.text
    data = {
        "invoice_dueDays": "14",
        "invoice_note": "Thank you for flying with us.",
        "pdf_template": "classic",
        "tax_rounding": "document",
    }
    saved = form_post(web, url, url, data)
    assert saved.status_code == 303
    assert "Saved." in web.get(url).text
    stored = {
        d["name"]: d["value"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()
    }
    assert stored["invoice_dueDays"] == 14 and stored["invoice_note"] == data["invoice_note"]
    assert stored["pdf_template"] == "classic" and stored["tax_rounding"] == "document"
    again = web.get(url).text
    assert 'value="14"' in field_of(again, "invoice_dueDays")
    assert '<option value="classic" selected>Classic</option>' in again
    # an invoice of the API uses them: due in 14 days
    invoice = api.post(
        f"/v1/organizations/{org['id']}/documents",
        json={"date": "2026-03-01", "_documentClient": {"name": "C"},
              "_documentItems": [{"name": "Fuel", "quantity": 1, "price": 10}]},
    ).json()  # fmt: skip
    assert invoice["dateDue"].startswith("2026-03-15")
    cleared = form_post(web, url, url, {**data, "invoice_dueDays": "", "invoice_note": ""})
    assert cleared.status_code == 303
    names = [d["name"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()]
    assert "invoice_dueDays" not in names and "invoice_note" not in names


def test_bad_defaults_are_shown_at_their_fields_and_nothing_is_saved(
    app: Any, client: TestClient
) -> None:
    api = Api(client)
    org = api.create_organization()
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings/defaults"
    data = {"invoice_dueDays": "1.5", "invoice_note": "Keep this", "pdf_template": "gothic",
            "tax_rounding": "line"}  # fmt: skip
    answer = form_post(web, url, url, data)
    assert answer.status_code == 422
    days = field_of(answer.text, "invoice_dueDays")
    assert 'aria-invalid="true"' in days and 'value="1.5"' in days
    assert "invoice_dueDays must be a whole number of days" in answer.text  # the service's
    assert 'aria-invalid="true"' in field_of(answer.text, "pdf_template")
    assert "Choose one of the options." in answer.text
    assert ">Keep this</textarea>" in answer.text
    names = [d["name"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()]
    assert names == ["currencyId"]


def test_the_pages_in_slovenian(app: Any, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization()
    web = signed_in(app, api)
    page = web.get(f"/app/o/{org['id']}/settings?lang=sl").text
    assert h1_of(page) == "Nastavitve" and ">Poštna številka</label>" in page
    page = web.get(f"/app/o/{org['id']}/settings/defaults").text
    assert h1_of(page) == "Privzete vrednosti" and ">Po dokumentu</option>" in page


def test_settings_and_defaults_in_a_browser(browser_page: Page, client: TestClient) -> None:
    api = Api(client)
    org = api.create_organization(name="Launch Pad", country="Slovenia")
    page = browser_page
    browser_log_in(page, api)
    page.goto(f"/app/o/{org['id']}")
    page.get_by_role("navigation", name="Navigation").get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    page.get_by_label("City").fill("Ljubljana")
    page.get_by_label("Tax number").fill("SI10000001")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_label("City")).to_have_value("Ljubljana")
    expect(page.get_by_role("link", name="Fiscalization")).to_be_visible()
    screenshot(page, "settings")
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "settings-error")
    page.get_by_role("link", name="Defaults").click()
    page.get_by_label("Invoice due days").fill("21")
    page.get_by_label("PDF template").select_option(label="Classic")
    page.get_by_label("Tax rounding").select_option(label="Per document")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_label("Invoice due days")).to_have_value("21")
    screenshot(page, "settings-defaults")
