"""The organizations page and invitations (WEB §W3.1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.conftest import Api, Inbox
from tests.web.conftest import browser_log_in, form_post, h1_of, screenshot, signed_in


def test_the_organizations_by_name_with_country_and_role(client: TestClient, app: Any) -> None:
    admin, member = Api(client), Api(client)
    zulu = admin.create_organization(name="Zulu Rockets", country="Slovenia")
    admin.create_organization(name="alpha Launches", country="Germany")
    invited = admin.post(
        f"/v1/organizations/{zulu['id']}/invite",
        data={"accountId": member.account_id, "role": "readonly", "requireConfirmation": "false"},
    )
    assert invited.status_code == 200, invited.text
    page = signed_in(app, admin).get("/app/").text
    assert h1_of(page) == "Organizations"
    assert page.index("alpha Launches") < page.index("Zulu Rockets")
    assert f'<a href="/app/o/{zulu["id"]}">Zulu Rockets</a>' in page
    assert "<td>Slovenia</td>" in page and "<td>Germany</td>" in page
    assert page.count("<td>Admin</td>") == 2
    member_page = signed_in(app, member).get("/app/?lang=sl").text
    assert "<td>Slovenija</td>" in member_page and "<td>Samo branje</td>" in member_page
    assert h1_of(member_page) == "Organizacije"


def test_an_invitation_is_accepted_with_the_access_service(
    client: TestClient, app: Any, inbox: Inbox
) -> None:
    admin, colleague = Api(client), Api(client)
    colleague.verify(inbox)
    org = admin.create_organization(name="Orbital Freight")
    admin.post(f"/v1/organizations/{org['id']}/invite", data={"email": colleague.email})
    web = signed_in(app, colleague)
    page = web.get("/app/").text
    assert "Invitations" in page and "Orbital Freight" in page
    assert colleague.get(f"/v1/organizations/{org['id']}").status_code == 401
    access_id = admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()[-1]["id"]
    accepted = form_post(web, "/app/", f"/app/invitations/{access_id}/accept", {})
    assert accepted.status_code == 303
    assert colleague.get(f"/v1/organizations/{org['id']}").status_code == 200
    assert f'href="/app/o/{org["id"]}"' in web.get("/app/").text


def test_an_invitation_is_rejected(client: TestClient, app: Any) -> None:
    admin, colleague = Api(client), Api(client)
    org = admin.create_organization(name="Rejected Ventures")
    invited = admin.post(
        f"/v1/organizations/{org['id']}/invite", data={"accountId": colleague.account_id}
    ).json()
    web = signed_in(app, colleague)
    rejected = form_post(web, "/app/", f"/app/invitations/{invited['id']}/reject", {})
    assert rejected.status_code == 303
    assert "Rejected Ventures" not in web.get("/app/").text
    access = admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()
    assert [a["rejected"] for a in access if a["id"] == invited["id"]] == [True]


def test_someone_elses_invitation_is_the_404_page(client: TestClient, app: Any) -> None:
    admin, colleague, stranger = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    invited = admin.post(
        f"/v1/organizations/{org['id']}/invite", data={"accountId": colleague.account_id}
    ).json()
    web = signed_in(app, stranger)
    answer = form_post(web, "/app/", f"/app/invitations/{invited['id']}/accept", {})
    assert answer.status_code == 404 and h1_of(answer.text) == "Not found"


def test_the_organizations_page_in_a_browser(
    browser_page: Page, client: TestClient, inbox: Inbox
) -> None:
    admin, member = Api(client), Api(client)
    member.verify(inbox)
    mine = member.create_organization(name="Rocket Works", country="Slovenia")
    theirs = admin.create_organization(name="Moon Base")
    admin.post(f"/v1/organizations/{theirs['id']}/invite", data={"email": member.email})
    page = browser_page
    browser_log_in(page, member)
    table = page.get_by_role("table").first
    expect(table.get_by_role("columnheader")).to_have_text(["Name", "Country", "Role"])
    expect(table.get_by_role("row").nth(1)).to_contain_text("Rocket Works")
    expect(page.get_by_role("region", name="Invitations")).to_contain_text("Moon Base")
    screenshot(page, "organizations")
    page.get_by_role("button", name="Accept Moon Base").click()
    expect(page.get_by_role("link", name="Moon Base")).to_be_visible()
    page.get_by_role("link", name="Slovenščina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizacije")
    screenshot(page, "organizations-sl")
    page.get_by_role("link", name="Rocket Works").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadzorna plošča")
    assert mine["id"] in page.url
