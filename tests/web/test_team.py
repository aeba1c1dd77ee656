"""Team (WEB §W7.3): admins only; the accesses with role and status; Invite sends the API's
invitation email, and the invited accepts it."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.conftest import Api, Inbox
from tests.web.conftest import browser_log_in, form_post, h1_of, screenshot, signed_in


def rows_of(page: str) -> list[list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def invite(admin: Api, organization_id: str, **data: str) -> dict[str, Any]:
    answer = admin.post(f"/v1/organizations/{organization_id}/invite", data=data)
    assert answer.status_code == 200, answer.text
    invited: dict[str, Any] = answer.json()
    return invited


def test_the_team_with_roles_and_statuses(app: Any, client: TestClient) -> None:
    admin, member, disabled = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    invite(admin, org["id"], accountId=member.account_id, requireConfirmation="false")
    gone = invite(admin, org["id"], accountId=disabled.account_id, role="readonly",
                  requireConfirmation="false")  # fmt: skip
    admin.post(f"/v1/accountorganizations/{gone['id']}/disable")
    invite(admin, org["id"], email="newcomer@example.com", role="admin", sendEmail="false")
    page = signed_in(app, admin).get(f"/app/o/{org['id']}/settings/team")
    assert page.status_code == 200 and h1_of(page.text) == "Team"
    assert re.findall(r'<th scope="col">(.*?)</th>', page.text) == ["Email", "Role", "Status"]
    assert rows_of(page.text) == [
        [admin.email, "Admin", "Active"],
        [member.email, "Member", "Active"],
        [disabled.email, "Read only", "Disabled"],
        ["newcomer@example.com", "Admin", "Invited"],
    ]
    slovenian = signed_in(app, admin).get(f"/app/o/{org['id']}/settings/team?lang=sl").text
    assert h1_of(slovenian) == "Ekipa"
    assert rows_of(slovenian)[3] == ["newcomer@example.com", "Skrbnik", "Povabljen"]


def test_invite_sends_the_apis_invitation_email(app: Any, client: TestClient, inbox: Inbox) -> None:
    admin, colleague = Api(client), Api(client)
    colleague.verify(inbox)
    org = admin.create_organization(name="Invite Rockets")
    web = signed_in(app, admin)
    url = f"/app/o/{org['id']}/settings/team"
    sent = form_post(web, url, url, {"email": colleague.email.upper(), "role": "readonly"})
    assert sent.status_code == 303 and sent.headers["location"] == url
    page = web.get(url).text
    assert '<p role="status" class="notice">Invitation sent.</p>' in page
    assert [colleague.email, "Read only", "Invited"] in rows_of(page)
    mail = inbox.to(colleague.email)[-1]
    assert mail["Subject"] == "Invitation to Invite Rockets"
    accept = inbox.link(colleague.email, "/v1/accountorganizations/")
    assert "/accept?token=" in accept
    assert colleague.post(accept).status_code == 200
    assert colleague.get(f"/v1/organizations/{org['id']}").status_code == 200
    assert [colleague.email, "Read only", "Active"] in rows_of(web.get(url).text)


def test_a_bad_invitation_is_shown_at_its_field(app: Any, client: TestClient) -> None:
    admin = Api(client)
    org = admin.create_organization()
    web = signed_in(app, admin)
    url = f"/app/o/{org['id']}/settings/team"
    answer = form_post(web, url, url, {"email": "not an email", "role": "default"})
    assert answer.status_code == 422
    field = re.search(r'<input [^>]*name="email"[^>]*>', answer.text)
    assert field and 'aria-invalid="true"' in field.group(0)
    assert 'value="not an email"' in field.group(0)
    assert "not a valid email address" in answer.text  # the API's own message
    assert (
        form_post(web, url, url, {"email": "twice@example.com", "role": "default"}).status_code
        == 303
    )
    again = form_post(web, url, url, {"email": "twice@example.com", "role": "default"})
    assert again.status_code == 422
    assert "This account already has access to the organization" in again.text
    unknown_role = form_post(web, url, url, {"email": "x@example.com", "role": "owner"})
    assert unknown_role.status_code == 422 and 'id="invite-role-error"' in unknown_role.text
    accesses = admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()
    assert len(accesses) == 2


def test_only_admins_see_and_use_team(app: Any, client: TestClient) -> None:
    admin, member, reader = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    invite(admin, org["id"], accountId=member.account_id, requireConfirmation="false")
    invite(admin, org["id"], accountId=reader.account_id, role="readonly",
           requireConfirmation="false")  # fmt: skip
    url = f"/app/o/{org['id']}/settings/team"
    settings = f"/app/o/{org['id']}/settings"
    for other in (member, reader):
        web = signed_in(app, other)
        assert web.get(url).status_code == 403 and h1_of(web.get(url).text) == "Forbidden"
        assert "/settings/team" not in web.get(settings).text
        data = {"email": "sneaky@example.com", "role": "admin"}
        assert form_post(web, settings, url, data).status_code == 403  # their own valid token
    emails = [
        a["email"] for a in admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()
    ]
    assert "sneaky@example.com" not in emails


def test_a_deactivated_organization_shows_its_team_without_invite(
    app: Any, client: TestClient
) -> None:
    admin = Api(client)
    org = admin.create_organization()
    assert admin.post(f"/v1/organizations/{org['id']}/deactivate").status_code == 200
    web = signed_in(app, admin)
    url = f"/app/o/{org['id']}/settings/team"
    page = web.get(url)
    assert page.status_code == 200 and ">Invite</button>" not in page.text
    refused = form_post(web, url, url, {"email": "late@example.com", "role": "default"})
    assert refused.status_code == 403


def test_team_invite_in_a_browser(browser_page: Page, client: TestClient, inbox: Inbox) -> None:
    admin = Api(client)
    org = admin.create_organization(name="Crew Quarters")
    page = browser_page
    browser_log_in(page, admin)
    page.goto(f"/app/o/{org['id']}/settings")
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team")
    page.get_by_label("Email").fill("first-mate@example.com")
    page.get_by_label("Role").select_option(label="Read only")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("status")).to_have_text("Invitation sent.")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Email", "Role", "Status"])
    row = table.get_by_role("row", name=re.compile("first-mate@example.com"))
    expect(row.get_by_role("cell")).to_have_text(["first-mate@example.com", "Read only", "Invited"])
    for _ in range(100):  # the email leaves once the answer is sent
        if inbox.to("first-mate@example.com"):
            break
        time.sleep(0.05)
    assert inbox.to("first-mate@example.com")[-1]["Subject"] == "Invitation to Crew Quarters"
    screenshot(page, "team")
    page.get_by_label("Email").fill("nobody")
    page.get_by_role("button", name="Invite").click()
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("nobody")
    screenshot(page, "team-error")
