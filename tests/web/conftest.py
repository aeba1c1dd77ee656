"""What tests of the web app share (WEB.md).

HTTP-level tests log in through the login form with a `TestClient` (`signed_in`), then read
pages and post forms with `form_post` (which adds the page's CSRF token). Browser tests take
`browser_page`: a fresh context of the headless Chromium of the test module (Debian's
`/usr/bin/chromium` driven by playwright, never a downloaded browser), pointed at the live
server on loopback, refusing (and recording) every request that would leave loopback; they save
a screenshot of each main page with `screenshot(page, name)` under `artifacts/screens/`."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright

from tests.conftest import Api, LiveServer

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF.search(html)
    assert found, html
    return found.group(1)


def log_in(client: TestClient, email: str, password: str, **extra: str) -> Any:
    """The login form, filled and sent as a browser does (its token, its pre-session cookie)."""
    form = client.get("/app/login")
    assert form.status_code == 200, form.text
    data = {"email": email, "password": password, "csrf_token": csrf_of(form.text), **extra}
    return client.post("/app/login", data=data, follow_redirects=False)


def signed_in(app: Any, api: Api) -> TestClient:
    """A client of its own (its own cookies) with a session of `api`'s account."""
    client = TestClient(app, raise_server_exceptions=False)
    answer = log_in(client, api.email, api.password)
    assert answer.status_code == 303, answer.text
    return client


def form_post(client: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    """Posts `data` to `action` with the CSRF token of the form on `page`, as its button does."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def h1_of(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, html
    return found.group(1).strip()


def assert_too_large_to_store(
    answer: Any, saved: int, postgres: bool, h1: str, typed: list[str]
) -> None:
    """A form's save of a value PostgreSQL cannot index (WEB §W4.3): there the API's 422 in
    the alert, the form again with what was `typed`, nothing `saved`; SQLite stores it (303)."""
    if not postgres:
        assert answer.status_code == 303 and saved == 1
        return
    assert answer.status_code == 422 and h1_of(answer.text) == h1
    alert = '<div role="alert" class="alert"><p>body: holds a value too large to store</p>'
    assert alert in answer.text
    assert all(f'value="{value}"' in answer.text for value in typed)
    assert saved == 0


# -- browser ------------------------------------------------------------------------------------


# Module scope, not session: while playwright's sync API is started, its event loop counts as
# running in this thread, and tests of other folders that call `asyncio.run` would fail.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """One headless Chromium per test module, reused by its browser tests."""
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True)
    yield chromium
    chromium.close()


class Outbound:
    """The requests a page tried to send off loopback (each is aborted)."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def route(self, route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()


@pytest.fixture
def outbound() -> Outbound:
    return Outbound()


@pytest.fixture
def browser_page(browser: Browser, live_server: LiveServer, outbound: Outbound) -> Iterator[Page]:
    """A page in a fresh context (no cookies) whose relative URLs go to the live server; no
    request leaves loopback, and the test fails if one tried."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.route("**/*", outbound.route)
    page = context.new_page()
    yield page
    context.close()
    assert outbound.refused == [], f"requests off loopback: {outbound.refused}"


def browser_log_in(page: Page, api: Api) -> None:
    """Logs in through the login page, as a person does (by the fields' labels)."""
    page.goto("/app/login")
    page.get_by_label("Email").fill(api.email)
    page.get_by_label("Password").fill(api.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app/")


def screenshot(page: Page, name: str) -> Path:
    """A PNG of the whole page under `artifacts/screens/<name>.png`, for a person to look at."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# -- what several test modules share: the API's data and the pages' tables ----------------


def add_client(api: Api, org_id: str, **fields: Any) -> dict[str, Any]:
    answer = api.post(f"/v1/organizations/{org_id}/clients", json=fields)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def invite(admin: Api, org_id: str, member: Api, role: str) -> None:
    answer = admin.post(
        f"/v1/organizations/{org_id}/invite",
        data={"accountId": member.account_id, "role": role, "requireConfirmation": "false"},
    )
    assert answer.status_code == 200, answer.text


def headers_of(html: str) -> list[str]:
    return re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)


def cells(html: str) -> list[list[str]]:
    """The data rows of the page's first table, each cell's text."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def in_thread(work: Callable[..., None], *args: Any) -> None:
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work(*args)
        except BaseException as error:  # handed to the test's thread
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not failed, failed


def taxes_of(api: Api, org_id: str) -> dict[tuple[str, float], str]:
    """The organization's taxes by (classification, rate in force now)."""
    found = api.get(f"/v1/organizations/{org_id}/taxes").json()
    return {(tax["classification"], tax["_taxRates"][0]["rate"]): tax["id"] for tax in found}


ROW = re.compile(r"<tr>\s*<td><a href=\"[^\"]*/documents/(\w+)\">(.*?)</a></td>(.*?)</tr>", re.S)


def create(api: Api, org_id: str, **data: Any) -> dict[str, Any]:
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": "Fuel", "quantity": 1, "price": "1000"}],
        **data,
    }
    answer = api.post(f"/v1/organizations/{org_id}/documents", json=body)
    assert answer.status_code == 200, answer.text
    created: dict[str, Any] = answer.json()
    return created


def pay(api: Api, document_id: str, amount: str) -> None:
    answer = api.post(
        f"/v1/documents/{document_id}/payments", json={"type": "bank", "amount": amount}
    )
    assert answer.status_code == 200, answer.text


def rows(html: str) -> list[tuple[str, str, list[str]]]:
    """Each row of the documents table: the document's id, the Number cell, the other cells."""
    found = []
    for document_id, number, rest in ROW.findall(html):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)
        ]
        found.append((document_id, number, cells))
    return found


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def organization_in(api: Api, **fields: str) -> dict[str, Any]:
    org = api.create_organization(**fields)
    api.patch(f"/v1/organizations/{org['id']}", json={"locale": "en"})
    return org


# -- New invoice (WEB §W4.3): the form's page, its fields and Totals, and saving it --------------

INVOICE_DAY = "2025-03-03"  # any day: the organizations of these tests do not fiscalize


def new_of(org_id: str) -> str:
    return f"/app/o/{org_id}/documents/new"


def slovenian_org(api: Api, **fields: str) -> dict[str, Any]:
    """An organization in Slovenia: DDV 22 % (standard), 9,5 % and 5 %; amounts in `sl`."""
    return api.create_organization(country="Slovenia", **fields)


def set_default(api: Api, org_id: str, name: str, value: Any) -> None:
    answer = api.post(f"/v1/organizations/{org_id}/defaults", json={"name": name, "value": value})
    assert answer.status_code == 200, answer.text


def tag_of(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    found = re.search(rf'<(?:input|select|button)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


def value_of(html: str, element_id: str) -> str:
    found = re.search(r'value="([^"]*)"', tag_of(html, element_id))
    assert found, element_id
    return found.group(1)


def chosen(html: str, element_id: str) -> tuple[str, str]:
    """The selected option of a select: its value and label."""
    select = html.split(f'<select id="{element_id}"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="([^"]*)" selected>(.*?)</option>', select)
    assert found, select
    return found.group(1), found.group(2)


def totals_in(html: str) -> list[tuple[str, str]]:
    """The Totals section's figures: each label and its amount."""
    figures = html.split('<dl id="invoice-totals"', 1)[1].split("</dl>", 1)[0]
    return re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", figures)


def line(n: int, name: str, quantity: str, price: str, tax: str, unit: str = "") -> dict[str, str]:
    fields = {"name": name, "quantity": quantity, "unit": unit, "price": price, "tax": tax}
    return {f"line-{n}-{key}": value for key, value in fields.items()}


def api_document(api: Api, org_id: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.post(f"/v1/organizations/{org_id}/documents", json=body)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


VARYING = {"id", "createdAt", "updatedAt", "number", "clientId"}


def comparable(value: Any) -> Any:
    """A document's answer without what differs between two documents made alike."""
    if isinstance(value, dict):
        return {key: comparable(child) for key, child in value.items() if key not in VARYING}
    if isinstance(value, list):
        return [comparable(child) for child in value]
    return value


def count(api: Api, org_id: str, collection: str) -> int:
    found: int = api.get(f"/v1/organizations/{org_id}/{collection}/count").json()["count"]
    return found
