"""Access through HTTP (reference "The access object"; COMPAT §3.6, COMPAT §2.2), and who may
take an invitation by email (issue 16 point 4)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Api, Inbox


def invite(admin: Api, org_id: str, **data: str) -> Any:
    return admin.post(f"/v1/organizations/{org_id}/invite", data=data)


def test_invite_by_email_as_in_the_reference(client: TestClient, inbox: Inbox) -> None:
    """An account that verified its address is named by the invitation and accepts it."""
    admin, colleague = Api(client), Api(client)
    colleague.verify(inbox)
    org = admin.create_organization()
    response = invite(admin, org["id"], email=colleague.email)
    assert response.status_code == 200
    access = response.json()
    assert access["accountId"] == colleague.account_id
    assert access["role"] == "default" and access["active"] is False  # requireConfirmation
    assert access["rejected"] is False and access["disabled"] is False
    assert "invitationHash" not in access
    assert "Invitation" in inbox.to(colleague.email)[-1]["Subject"]
    assert colleague.get(f"/v1/organizations/{org['id']}").status_code == 401
    assert colleague.get(f"/v1/accountorganizations/{access['id']}/accept").json() == {
        "success": True
    }
    assert colleague.get(f"/v1/organizations/{org['id']}").status_code == 200


def test_an_unverified_address_does_not_take_an_invitation(
    client: TestClient, inbox: Inbox
) -> None:
    """Issue 16 point 4: signing up with the invited address (unverified) gives nothing, even
    for an invitation without confirmation; the token of the invitation's email does, once."""
    admin = Api(client)
    org = admin.create_organization()
    email = f"invited-{org['id']}@example.com"
    access = invite(admin, org["id"], email=email, requireConfirmation="false").json()
    squatter = Api(client, email)
    assert squatter.get(f"/v1/organizations/{org['id']}").status_code == 401
    url = f"/v1/accountorganizations/{access['id']}"
    assert squatter.post(f"{url}/accept").status_code == 401
    assert squatter.post(f"{url}/reject").status_code == 401
    assert squatter.post(f"{url}/accept", params={"token": "guessed"}).status_code == 401
    link = inbox.link(email, "/v1/accountorganizations/")
    assert "token=" in link
    recipient = Api(client)  # whoever received the email, with any account
    assert recipient.get(link).json() == {"success": True}
    assert recipient.get(f"/v1/organizations/{org['id']}").status_code == 200
    assert Api(client).get(link).status_code == 401  # single-use
    assert squatter.get(f"/v1/organizations/{org['id']}").status_code == 401


def test_an_email_changed_to_an_invited_address_takes_nothing(
    client: TestClient, inbox: Inbox
) -> None:
    admin, taker = Api(client), Api(client)
    taker.verify(inbox)
    org = admin.create_organization()
    email = f"invited-{org['id']}@example.com"
    access = invite(admin, org["id"], email=email, requireConfirmation="false").json()
    changed = taker.patch(f"/v1/accounts/{taker.account_id}", json={"email": email})
    assert changed.status_code == 200 and changed.json()["email"] == taker.email
    assert taker.post(f"/v1/accountorganizations/{access['id']}/accept").status_code == 401
    assert taker.get(f"/v1/organizations/{org['id']}").status_code == 401


def test_silent_add_without_confirmation(client: TestClient, inbox: Inbox) -> None:
    admin, colleague = Api(client), Api(client)
    org = admin.create_organization()
    before = len(inbox.to(colleague.email))
    access = invite(
        admin,
        org["id"],
        accountId=colleague.account_id,
        requireConfirmation="false",
        sendEmail="false",
    ).json()
    assert access["active"] is True
    assert len(inbox.to(colleague.email)) == before
    assert colleague.get(f"/v1/organizations/{org['id']}").status_code == 200


def test_an_invitation_by_email_waits_for_the_address_to_be_verified(
    client: TestClient, inbox: Inbox
) -> None:
    """Issue 16 point 4: an invitation to an email without an account names the account that
    signs up with it once that account has verified the address, not before."""
    admin = Api(client)
    org = admin.create_organization()
    email = f"future-{org['id']}@example.com"
    access = invite(admin, org["id"], email=email, requireConfirmation="false").json()
    assert access["accountId"] is None
    invitee = Api(client, email)
    assert invitee.get(f"/v1/organizations/{org['id']}").status_code == 401
    invitee.verify(inbox)
    assert invitee.get(f"/v1/organizations/{org['id']}").status_code == 200


def test_readonly_may_read_but_not_write(client: TestClient) -> None:
    admin, reader = Api(client), Api(client)
    org = admin.create_organization()
    invite(
        admin, org["id"], accountId=reader.account_id, role="readonly", requireConfirmation="false"
    )
    assert reader.get(f"/v1/organizations/{org['id']}/defaults").status_code == 200
    refused = reader.post(
        f"/v1/organizations/{org['id']}/defaults", data={"name": "a", "value": "b"}
    )
    assert refused.status_code == 403 and refused.json()["error"]["statusCode"] == 403


def test_default_role_may_not_manage_access_or_deactivate(client: TestClient) -> None:
    admin, member, third = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    invite(admin, org["id"], accountId=member.account_id, requireConfirmation="false")
    assert invite(member, org["id"], accountId=third.account_id).status_code == 403
    assert member.post(f"/v1/organizations/{org['id']}/deactivate").status_code == 403
    assert (
        member.post(
            f"/v1/organizations/{org['id']}/defaults", data={"name": "a", "value": "b"}
        ).status_code
        == 200
    )


def test_list_disable_enable_change_role_remove(client: TestClient) -> None:
    admin, member = Api(client), Api(client)
    org = admin.create_organization()
    access = invite(
        admin, org["id"], accountId=member.account_id, requireConfirmation="false"
    ).json()
    listed = admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()
    assert {a["accountId"]: a["role"] for a in listed} == {
        admin.account_id: "admin",
        member.account_id: "default",
    }
    url = f"/v1/accountorganizations/{access['id']}"
    assert admin.post(f"{url}/disable").json() == {"success": True}
    assert member.get(f"/v1/organizations/{org['id']}").status_code == 401
    assert admin.post(f"{url}/enable").json() == {"success": True}
    assert member.get(f"/v1/organizations/{org['id']}").status_code == 200
    assert admin.post(f"{url}/change-role", data={"role": "readonly"}).json() == {"success": True}
    assert member.patch(f"/v1/organizations/{org['id']}", data={"name": "x"}).status_code == 403
    assert admin.post(f"{url}/change-role", data={"role": "captain"}).status_code == 422
    assert admin.delete(url).json()["count"] == 1
    assert member.get(f"/v1/organizations/{org['id']}").status_code == 401


def test_reject_an_invitation(client: TestClient, inbox: Inbox) -> None:
    admin, invitee = Api(client), Api(client)
    invitee.verify(inbox)
    org = admin.create_organization()
    access = invite(admin, org["id"], email=invitee.email).json()
    assert invitee.post(f"/v1/accountorganizations/{access['id']}/reject").json() == {
        "success": True
    }
    listed = admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()
    assert [a["rejected"] for a in listed if a["id"] == access["id"]] == [True]
    stranger = Api(client)
    assert stranger.post(f"/v1/accountorganizations/{access['id']}/accept").status_code == 401


def test_the_last_admin_stays(client: TestClient) -> None:
    admin = Api(client)
    org = admin.create_organization()
    own = admin.get(f"/v1/organizations/{org['id']}/accountorganizations").json()[0]
    assert (
        admin.post(
            f"/v1/accountorganizations/{own['id']}/change-role", data={"role": "default"}
        ).status_code
        == 422
    )
    assert admin.delete(f"/v1/accountorganizations/{own['id']}").status_code == 422
