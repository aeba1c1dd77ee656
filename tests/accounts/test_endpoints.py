"""Accounts through HTTP: the reference's curl examples sent form-encoded, and COMPAT §3."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from fastapi.testclient import TestClient

from spaceport.accounts import resets
from spaceport.background import TASKS
from spaceport.jobs.worker import Worker
from tests.conftest import Api, Inbox


def unique_email() -> str:
    return f"rocketman-{uuid.uuid4().hex[:10]}@example.com"


# COMPAT §1.7 (24-hex ids), COMPAT §1.9 (`custom`, ms ISO timestamps), COMPAT §3.3.
def test_create_account_as_in_the_reference(client: TestClient) -> None:
    email = unique_email()
    response = client.post("/v1/accounts", data={"email": email, "password": "supersecret"})
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{24}", body["id"])
    assert body["email"] == email
    assert "password" not in body and "passwordHash" not in body
    assert body["firstname"] == "" and body["lastname"] == "" and body["custom"] == {}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["createdAt"])


def test_duplicate_email_is_a_422(client: TestClient) -> None:
    email = unique_email()
    client.post("/v1/accounts", data={"email": email, "password": "launchpad-42"})
    response = client.post(
        "/v1/accounts", data={"email": email.upper(), "password": "launchpad-42"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"]["messages"]["email"] == ["Email already exists"]


def test_invalid_email_is_a_422_in_the_loopback_envelope(client: TestClient) -> None:
    response = client.post(
        "/v1/accounts", data={"email": "not-an-email", "password": "launchpad-42"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["statusCode"] == 422 and error["name"] == "ValidationError"
    assert "email" in error["details"]["messages"]


def test_login_answers_an_access_token(client: TestClient) -> None:
    api = Api(client)
    response = client.post(
        "/v1/accounts/login", data={"email": api.email, "password": "supersecret"}
    )
    token = response.json()
    assert response.status_code == 200
    assert len(token["id"]) == 64 and token["ttl"] == 5184000 and token["userId"] == api.account_id
    assert token["created"].endswith("Z")


def test_login_with_a_wrong_password_is_401(client: TestClient) -> None:
    api = Api(client)
    response = client.post("/v1/accounts/login", data={"email": api.email, "password": "nope"})
    assert response.status_code == 401
    assert response.json()["error"]["statusCode"] == 401


def test_ttl_minus_one_never_expires_and_one_second_expires(client: TestClient) -> None:
    api = Api(client)
    forever = client.post(
        "/v1/accounts/login", data={"email": api.email, "password": "supersecret", "ttl": "-1"}
    ).json()
    assert forever["ttl"] == -1
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": forever["id"]}).status_code
        == 200
    )
    brief = client.post(
        "/v1/accounts/login", data={"email": api.email, "password": "supersecret", "ttl": "1"}
    ).json()
    time.sleep(1.1)
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": brief["id"]}).status_code
        == 401
    )


TEN_YEARS = 3653 * 24 * 3600


def test_ttl_between_one_second_and_ten_years_or_never(client: TestClient) -> None:
    """Issue 15 item 2: anything else is a 422 naming `ttl`; the longest still authorizes."""
    api = Api(client)
    login = {"email": api.email, "password": "supersecret"}
    for ttl in ("0", "-2", str(TEN_YEARS + 1), str(2**31), str(10**12), str(2**64), "1.5"):
        for url, data in (
            ("/v1/accounts/login", {**login, "ttl": ttl}),
            (f"/v1/accounts/{api.account_id}/accessTokens", {"ttl": ttl}),
            ("/v1/accounts/impersonate", {"id": api.account_id, "ttl": ttl}),
        ):
            response = client.post(url, data=data, headers={"Authorization": api.code})
            assert response.status_code == 422, (url, ttl, response.text)
            assert "ttl" in response.json()["error"]["details"]["messages"]
    longest = client.post("/v1/accounts/login", data={**login, "ttl": str(TEN_YEARS)}).json()
    assert longest["ttl"] == TEN_YEARS
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": longest["id"]}).status_code
        == 200
    )


# COMPAT §3.1: raw `Authorization`, `Bearer`, or `?access_token=`.
def test_launch_code_raw_bearer_or_query(client: TestClient) -> None:
    api = Api(client)
    for kwargs in (
        {"headers": {"Authorization": api.code}},
        {"headers": {"Authorization": f"Bearer {api.code}"}},
        {"params": {"access_token": api.code}},
    ):
        response = client.get("/v1/accounts/authorized", **kwargs)
        assert response.status_code == 200 and response.json()["id"] == api.account_id
    assert client.get("/v1/accounts/authorized").status_code == 401
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": "bogus"}).status_code == 401
    )


def test_get_and_patch_own_account(api: Api) -> None:
    assert api.get(f"/v1/accounts/{api.account_id}").json()["email"] == api.email
    response = api.patch(
        f"/v1/accounts/{api.account_id}", data={"firstname": "Rocket", "label": "CEO"}
    )
    assert response.status_code == 200
    assert response.json()["firstname"] == "Rocket" and response.json()["label"] == "CEO"


def test_locale_is_english_until_set_to_en_or_sl(api: Api) -> None:
    """WEB §W1.3: the web app's language, a property of the account."""
    url = f"/v1/accounts/{api.account_id}"
    assert api.get(url).json()["locale"] == "en"
    assert api.patch(url, data={"locale": "sl"}).json()["locale"] == "sl"
    refused = api.patch(url, data={"locale": "de"})
    assert refused.status_code == 422 and "locale" in refused.json()["error"]["details"]["messages"]
    assert api.get(url).json()["locale"] == "sl"


def test_another_accounts_data_is_401(client: TestClient) -> None:
    first, second = Api(client), Api(client)
    assert first.get(f"/v1/accounts/{second.account_id}").status_code == 401
    assert first.get("/v1/accounts/ffffffffffffffffffffffff").status_code == 404


def test_is_unique(client: TestClient) -> None:
    api = Api(client)
    assert client.get(f"/v1/accounts/is-unique?email={api.email}").json() == {"isUnique": False}
    assert client.get("/v1/accounts/is-unique", params={"email": unique_email()}).json() == {
        "isUnique": True
    }


def test_child_account_and_impersonation(client: TestClient) -> None:
    root = Api(client)
    child_email = unique_email()
    child = root.post("/v1/accounts", data={"email": child_email, "password": "childsecret"}).json()
    grandchild_email = unique_email()
    child_code = client.post(
        "/v1/accounts/login", data={"email": child_email, "password": "childsecret"}
    ).json()["id"]
    client.post(
        "/v1/accounts",
        headers={"Authorization": child_code},
        data={"email": grandchild_email, "password": "launchpad-42"},
    )
    # A child creating an account makes a child of the same root (COMPAT §3.3).
    by_email = root.post("/v1/accounts/impersonate", data={"email": grandchild_email})
    assert by_email.status_code == 200
    by_id = root.post("/v1/accounts/impersonate", data={"id": child["id"]}).json()
    assert by_id["userId"] == child["id"]
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": by_id["id"]}).json()[
            "email"
        ]
        == child_email
    )
    # Only a root impersonates, and only its own children.
    assert (
        client.post(
            "/v1/accounts/impersonate",
            headers={"Authorization": child_code},
            data={"email": root.email},
        ).status_code
        == 403
    )
    stranger = Api(client)
    assert stranger.post("/v1/accounts/impersonate", data={"email": child_email}).status_code == 404


def test_change_password(client: TestClient) -> None:
    api = Api(client)
    wrong = api.post(
        "/v1/accounts/change-password",
        data={"oldPassword": "nope", "newPassword": "ultimatesecret"},
    )
    assert wrong.status_code == 422
    response = api.post(
        "/v1/accounts/change-password",
        data={"oldPassword": "supersecret", "newPassword": "ultimatesecret"},
    )
    assert response.status_code == 204
    login = client.post(
        "/v1/accounts/login", data={"email": api.email, "password": "ultimatesecret"}
    )
    assert login.status_code == 200


def reset_token(client: TestClient, inbox: Inbox, email: str) -> str:
    """The code the worker mailed for the reset asked for `email` (COMPAT §3.4)."""
    work_resets(client)
    body = inbox.to(email)[-1].get_payload(decode=True)
    assert isinstance(body, bytes)
    match = re.search(r"token:\s+(\S+)", body.decode())
    assert match
    return match.group(1)


def test_reset_emails_a_single_use_token(client: TestClient, inbox: Inbox) -> None:
    api = Api(client)
    assert client.post("/v1/accounts/reset", data={"email": api.email}).status_code == 204
    token = reset_token(client, inbox, api.email)
    # The reset token is not a launch code.
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": token}).status_code == 401
    )
    reset = client.post(
        "/v1/accounts/reset-password",
        headers={"Authorization": token},
        data={"password": "brandnew"},
    )
    assert reset.status_code == 204
    again = client.post(
        "/v1/accounts/reset-password",
        headers={"Authorization": token},
        data={"password": "launchpad-43"},
    )
    assert again.status_code == 401
    assert (
        client.post(
            "/v1/accounts/login", data={"email": api.email, "password": "brandnew"}
        ).status_code
        == 200
    )


def work_resets(client: TestClient) -> None:
    state = client.app.state  # type: ignore[attr-defined]
    Worker(state.database, state.settings, TASKS, kinds={resets.RESET}).run_once()


def test_reset_of_an_unknown_email_is_also_204(client: TestClient, inbox: Inbox) -> None:
    email = unique_email()
    assert client.post("/v1/accounts/reset", data={"email": email}).status_code == 204
    work_resets(client)
    assert inbox.to(email) == []


def test_verification(client: TestClient, inbox: Inbox) -> None:
    api = Api(client)
    assert api.get(f"/v1/accounts/{api.account_id}/is-verified").json() == {"isVerified": False}
    assert api.post(f"/v1/accounts/{api.account_id}/send-verification").json() == {"success": True}
    message = inbox.to(api.email)[-1]
    plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    text = plain.get_payload(decode=True)
    assert isinstance(text, bytes)
    link = re.search(r"(/v1/accounts/confirm\?\S+)", text.decode())
    assert link
    assert client.get(link.group(1)).json() == {"success": True}
    assert api.get(f"/v1/accounts/{api.account_id}/is-verified").json() == {"isVerified": True}


def test_an_email_change_waits_for_the_new_address(client: TestClient, inbox: Inbox) -> None:
    """Issue 16 point 4: the account keeps its email until the link sent to the new address is
    followed; the link is single-use and verifies the address."""
    api = Api(client)
    new = unique_email()
    url = f"/v1/accounts/{api.account_id}"
    changed = api.patch(url, json={"email": new, "firstname": "Rocket"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] == api.email and changed.json()["firstname"] == "Rocket"
    assert "pendingEmail" not in changed.json()
    assert api.get(url).json()["email"] == api.email
    login = {"email": api.email, "password": api.password}
    assert client.post("/v1/accounts/login", data=login).status_code == 200
    assert client.post("/v1/accounts/login", data={**login, "email": new}).status_code == 401
    link = inbox.link(new, "/v1/accounts/confirm")
    assert client.get(link).json() == {"success": True}
    assert api.get(url).json()["email"] == new
    assert api.get(f"{url}/is-verified").json() == {"isVerified": True}
    assert client.get(link).status_code == 401  # single-use
    assert client.post("/v1/accounts/login", data={**login, "email": new}).status_code == 200
    assert client.post("/v1/accounts/login", data=login).status_code == 401


def test_a_later_email_change_voids_the_earlier_link(client: TestClient, inbox: Inbox) -> None:
    api = Api(client)
    first, second = unique_email(), unique_email()
    url = f"/v1/accounts/{api.account_id}"
    assert api.patch(url, json={"email": first}).status_code == 200
    first_link = inbox.link(first, "/v1/accounts/confirm")
    assert api.put(url, json={"email": second}).status_code == 200
    assert client.get(first_link).status_code == 401
    assert client.get(inbox.link(second, "/v1/accounts/confirm")).json() == {"success": True}
    assert api.get(url).json()["email"] == second


def test_an_email_change_to_a_taken_address_is_a_422(client: TestClient, inbox: Inbox) -> None:
    api, other = Api(client), Api(client)
    url = f"/v1/accounts/{api.account_id}"
    taken = api.patch(url, json={"email": other.email.upper()})
    assert taken.status_code == 422 and "email" in taken.json()["error"]["details"]["messages"]
    free = unique_email()
    assert api.patch(url, json={"email": free}).status_code == 200
    Api(client, free)  # someone signs up with it before the link is followed
    refused = client.get(inbox.link(free, "/v1/accounts/confirm"))
    assert refused.status_code == 422, refused.text
    assert api.get(url).json()["email"] == api.email


def test_access_tokens(client: TestClient) -> None:
    api = Api(client)
    created = api.post(f"/v1/accounts/{api.account_id}/accessTokens", data={"ttl": "-1"}).json()
    assert created["ttl"] == -1 and len(created["id"]) == 64
    listed: list[dict[str, Any]] = api.get(f"/v1/accounts/{api.account_id}/accessTokens").json()
    assert len(listed) == 2 and all(
        created["id"] != t["id"] for t in listed
    )  # secrets never listed
    deleted = api.delete(f"/v1/accounts/{api.account_id}/accessTokens/{created['id']}")
    assert deleted.json() == {"count": 1}
    assert (
        client.get("/v1/accounts/authorized", headers={"Authorization": created["id"]}).status_code
        == 401
    )


def test_closed_signup(client: TestClient, app: Any) -> None:
    app.state.settings = app.state.settings.model_copy(update={"open_signup": False})
    try:
        response = client.post(
            "/v1/accounts", data={"email": unique_email(), "password": "launchpad-42"}
        )
        assert response.status_code == 403
    finally:
        app.state.settings = app.state.settings.model_copy(update={"open_signup": True})
