"""Logging in to the web app and out of it (WEB §W2.1 through WEB §W2.4)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.app import create_app
from spaceport.kit.db import Database
from spaceport.web.login import safe_next
from tests.accounts.test_endpoints import reset_token
from tests.conftest import Api, Inbox
from tests.web.conftest import (
    browser_log_in,
    csrf_of,
    form_post,
    h1_of,
    log_in,
    screenshot,
    signed_in,
)


def session_cookie(answer: Any) -> str:
    cookies: list[str] = answer.headers.get_list("set-cookie")
    return next(c for c in cookies if c.startswith("spaceport_session="))


def test_login_answers_303_to_the_organizations_with_the_cookie_flags(app: Any, api: Api) -> None:
    """WEB §W2.1, WEB §W2.3: Path /app, HttpOnly, SameSite=Lax; not Secure over plain http."""
    client = TestClient(app)
    answer = log_in(client, api.email, api.password)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/"
    cookie = session_cookie(answer)
    assert "HttpOnly" in cookie and "Path=/app" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert client.get("/app/").status_code == 200


def test_the_cookie_is_secure_over_https(app: Any, api: Api) -> None:
    client = TestClient(app, base_url="https://spaceport.example")
    cookie = session_cookie(log_in(client, api.email, api.password))
    assert "Secure" in cookie


def test_wrong_credentials_give_the_form_again_without_a_session(app: Any, api: Api) -> None:
    client = TestClient(app)
    for email, password in ((api.email, "not-the-password"), ("nobody@example.com", "x" * 10)):
        answer = log_in(client, email, password)
        assert answer.status_code == 401
        assert "Wrong email or password" in answer.text
        assert h1_of(answer.text) == "Log in"
        assert "spaceport_session=" not in " ".join(answer.headers.get_list("set-cookie"))
        assert client.get("/app/", follow_redirects=False).status_code == 303


def test_next_leads_back_but_only_under_app(app: Any, api: Api) -> None:
    """WEB §W2.1: without a session a page sends to the login page with `next`."""
    client = TestClient(app)
    path = "/app/o/0123456789abcdef01234567"
    answer = client.get(f"{path}?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/app/login?next={quote(path, safe='')}%3Fx%3D1"
    logged = log_in(client, api.email, api.password, next=path)
    assert logged.headers["location"] == path
    for elsewhere in ("https://evil.example/app/", "//evil.example/app/", "/v1/x", "/app\\x"):
        assert safe_next(elsewhere) == "/app/"


def test_ten_failures_for_an_email_answer_429_unchecked(app: Any, api: Api) -> None:
    """WEB §W2.2: 10 failed logins for an email in 15 minutes; then even the right password
    is refused."""
    client = TestClient(app)
    for _ in range(10):
        assert log_in(client, api.email, "wrong-password").status_code == 401
    refused = log_in(client, api.email, api.password)
    assert refused.status_code == 429
    assert "Too many attempts. Try again later." in refused.text
    assert "spaceport_session=" not in " ".join(refused.headers.get_list("set-cookie"))


def test_fifty_failures_from_an_address_answer_429(settings: Any, database: Database) -> None:
    """WEB §W2.2 per address, with a budget of 3 to keep the test short."""
    budget = {"web_login_failures_address": "3 per 15 minutes"}
    app = create_app(settings.model_copy(update=budget), database)
    client = TestClient(app)
    api = Api(client)
    for n in range(3):
        assert log_in(client, f"someone-{n}@example.com", "wrong-password").status_code == 401
    assert log_in(client, api.email, api.password).status_code == 429


def test_a_login_post_without_its_token_or_from_elsewhere_is_403(app: Any, api: Api) -> None:
    """WEB §W2.4: the login form's token is bound to its pre-session cookie."""
    client = TestClient(app)
    token = csrf_of(client.get("/app/login").text)
    data = {"email": api.email, "password": api.password}
    assert client.post("/app/login", data=data).status_code == 403
    foreign = {"Origin": "https://evil.example"}
    forged = client.post("/app/login", data={**data, "csrf_token": token}, headers=foreign)
    assert forged.status_code == 403
    assert h1_of(forged.text) == "Forbidden"
    other = TestClient(app)  # a token of another visitor's cookie
    assert other.post("/app/login", data={**data, "csrf_token": token}).status_code == 403


def test_log_out_ends_the_session_on_the_server(app: Any, api: Api) -> None:
    """WEB §W2.3: the old cookie opens nothing once logged out."""
    client = signed_in(app, api)
    cookie = client.cookies.get("spaceport_session")
    answer = form_post(client, "/app/", "/app/logout", {})
    assert answer.status_code == 303 and answer.headers["location"] == "/app/login"
    replay = TestClient(app)
    replay.cookies.set("spaceport_session", cookie or "", path="/app")
    assert replay.get("/app/", follow_redirects=False).status_code == 303


def test_a_forged_log_out_is_403_and_changes_nothing(app: Any, api: Api) -> None:
    client = signed_in(app, api)
    assert client.post("/app/logout", data={}).status_code == 403
    token = csrf_of(client.get("/app/").text)
    foreign = client.post(
        "/app/logout", data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    referer = client.post(
        "/app/logout", data={"csrf_token": token}, headers={"Referer": "https://evil.example/x"}
    )
    assert referer.status_code == 403
    assert client.get("/app/", follow_redirects=False).status_code == 200


def test_the_session_token_is_no_launch_code(app: Any, api: Api) -> None:
    """WEB §W2.3: `/v1` refuses the session's token; no page holds a launch code."""
    client = signed_in(app, api)
    token = client.cookies.get("spaceport_session") or ""
    assert len(token) == 64
    refused = client.get("/v1/accounts/authorized", headers={"Authorization": token})
    assert refused.status_code == 401
    assert api.code not in client.get("/app/").text


def test_a_password_change_ends_the_sessions(app: Any, api: Api) -> None:
    """WEB §W2.3, through the API's change-password."""
    client = signed_in(app, api)
    changed = api.post(
        "/v1/accounts/change-password",
        data={"oldPassword": api.password, "newPassword": "another-long-secret"},
    )
    assert changed.status_code == 204, changed.text
    assert client.get("/app/", follow_redirects=False).status_code == 303


def test_a_password_reset_ends_the_sessions(app: Any, api: Api, inbox: Inbox) -> None:
    """WEB §W2.3 and issue 15 point 3, through the API's emailed reset (COMPAT §3.4)."""
    client = signed_in(app, api)
    assert api.client.post("/v1/accounts/reset", data={"email": api.email}).status_code == 204
    token = reset_token(api.client, inbox, api.email)
    reset = api.client.post(
        "/v1/accounts/reset-password",
        headers={"Authorization": token},
        data={"password": "a-reset-long-secret"},
    )
    assert reset.status_code == 204, reset.text
    assert client.get("/app/", follow_redirects=False).status_code == 303


def test_logging_in_with_a_browser(browser_page: Page, api: Api) -> None:
    """WEB §W2.1 in Chromium: the wrong password's message, then the session's cookie."""
    page = browser_page
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Email").fill(api.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password")
    screenshot(page, "login")
    browser_log_in(page, api)
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizations")
    cookie = next(c for c in page.context.cookies() if c["name"] == "spaceport_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/app"
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert re.search(r"/app/login$", page.url)
