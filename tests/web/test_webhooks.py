"""Webhooks (WEB §W6.2): the list (URL, Events, Enabled), a webhook's last 50 delivery attempts
newest first (Delivered for a 2xx answer, else Failed) and Redeliver, with a real receiver on
loopback and the worker that delivers."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.config import Settings
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.web.conftest import (
    browser_log_in,
    cells,
    csrf_of,
    h1_of,
    headers_of,
    in_thread,
    invite,
    screenshot,
    signed_in,
)
from tests.webhooks.conftest import (  # noqa: F401 - fixtures
    Receiver,
    create_client,
    create_hook,
    hook_settings,
    receiver,
    settle,
    worker,
)


def redeliver_actions(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+/redeliver)">', html)


def test_the_webhooks_list(app: Any, api: Api, hook_settings: Settings) -> None:  # noqa: F811
    org = api.create_organization()
    first = create_hook(api, org["id"], "http://127.0.0.1:9/a", "client/create", "delete")
    create_hook(api, org["id"], "http://127.0.0.1:9/b", "*", enabled=False)
    web = signed_in(app, api)
    page = web.get(f"/app/o/{org['id']}/webhooks").text
    assert h1_of(page) == "Webhooks"
    assert headers_of(page) == ["URL", "Events", "Enabled"]
    assert cells(page) == [
        ["http://127.0.0.1:9/a", ", ".join(first["events"]), "Yes"],
        ["http://127.0.0.1:9/b", "*", "No"],
    ]
    assert f'href="/app/o/{org["id"]}/webhooks/{first["id"]}">http://127.0.0.1:9/a</a>' in page
    assert h1_of(web.get(f"/app/o/{org['id']}/webhooks?lang=sl").text) == "Spletni kavlji"


def test_deliveries_newest_first_and_redeliver(
    app: Any,
    api: Api,
    receiver: Receiver,  # noqa: F811 - the fixture
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
) -> None:
    org = api.create_organization()
    receiver.statuses = [500, 204]  # the first attempt fails, its retry is delivered
    hook = create_hook(api, org["id"], receiver.url(), "client/create")
    create_client(api, org["id"], "Rocket Man")
    settle(worker, database, hook["id"])
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/webhooks/{hook['id']}"
    page = web.get(url).text
    assert h1_of(page) == receiver.url()
    assert re.search(r'<h2 id="deliveries">Deliveries</h2>', page)
    assert headers_of(page)[:4] == ["Time", "Event", "Attempt", "Result"]
    rows = cells(page)
    assert [row[1:4] for row in rows] == [
        ["client/create", "2", "Delivered (204)"],
        ["client/create", "1", "Failed (500)"],
    ]
    actions = redeliver_actions(page)
    assert len(actions) == 2
    answer = web.post(actions[0], data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == url
    assert '<p role="status" class="notice">Redelivery queued.</p>' in web.get(url).text
    settle(worker, database, hook["id"])
    assert len(receiver.at("/hook")) == 3
    again = cells(web.get(url).text)
    assert len(again) == 3 and again[0][1:4] == ["client/create", "1", "Delivered (204)"]
    unknown = web.post(
        f"{url}/deliveries/00000000-0000-0000-0000-000000000000/redeliver",
        data={"csrf_token": csrf_of(page)},
    )
    assert unknown.status_code == 404 and h1_of(unknown.text) == "Not found"


def test_the_last_fifty_attempts(
    app: Any,
    api: Api,
    receiver: Receiver,  # noqa: F811 - the fixture
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
) -> None:
    org = api.create_organization()
    hook = create_hook(api, org["id"], receiver.url(), "client/create")
    for n in range(52):
        create_client(api, org["id"], f"Client {n}")
    settle(worker, database, hook["id"], timeout=60)
    page = signed_in(app, api).get(f"/app/o/{org['id']}/webhooks/{hook['id']}").text
    assert len(cells(page)) == 50 and len(receiver.at("/hook")) == 52


def test_readonly_members_may_not_redeliver(
    app: Any,
    client: TestClient,
    receiver: Receiver,  # noqa: F811 - the fixture
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
) -> None:
    admin, reader, stranger = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    hook = create_hook(admin, org["id"], receiver.url(), "client/create")
    create_client(admin, org["id"], "Rocket Man")
    settle(worker, database, hook["id"])
    invite(admin, org["id"], reader, "readonly")
    web = signed_in(app, reader)
    url = f"/app/o/{org['id']}/webhooks/{hook['id']}"
    page = web.get(url).text
    assert len(cells(page)) == 1 and redeliver_actions(page) == [] and "Redeliver" not in page
    (action,) = redeliver_actions(signed_in(app, admin).get(url).text)
    answer = web.post(action, data={"csrf_token": csrf_of(page)})
    assert answer.status_code == 403 and h1_of(answer.text) == "Forbidden"
    settle(worker, database, hook["id"])
    assert len(receiver.at("/hook")) == 1  # nothing queued
    outsider = signed_in(app, stranger)
    assert outsider.get(url).status_code == 404
    own = stranger.create_organization()
    assert outsider.get(f"/app/o/{own['id']}/webhooks/{hook['id']}").status_code == 404


def test_redeliver_in_a_browser(
    browser_page: Page,
    client: TestClient,
    receiver: Receiver,  # noqa: F811 - the fixture
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
) -> None:
    api = Api(client)
    org = api.create_organization(name="Browser Rockets")
    receiver.statuses = [503, 200]
    hook = create_hook(api, org["id"], receiver.url(), "client/create", "client/update")
    create_client(api, org["id"], "Rocket Man")
    in_thread(settle, worker, database, hook["id"])
    page = browser_page
    browser_log_in(page, api)
    page.get_by_role("link", name="Browser Rockets").click()
    page.get_by_role("navigation", name="Navigation").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    screenshot(page, "webhooks")
    page.get_by_role("link", name=receiver.url()).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(receiver.url())
    deliveries = page.get_by_role("region", name="Deliveries")
    expect(deliveries.get_by_role("row")).to_have_count(3)
    expect(deliveries.get_by_role("row").nth(1)).to_contain_text("Delivered")
    expect(deliveries.get_by_role("row").nth(2)).to_contain_text("Failed")
    deliveries.get_by_role("row").nth(2).get_by_role("button", name="Redeliver").click()
    expect(page.get_by_role("status")).to_have_text("Redelivery queued.")
    in_thread(settle, worker, database, hook["id"])
    assert len(receiver.at("/hook")) == 3
    page.reload()
    expect(deliveries.get_by_role("row")).to_have_count(4)
    expect(deliveries.get_by_role("row").nth(1)).to_contain_text("Delivered")
    screenshot(page, "webhook")


def test_a_webhooks_list_without_any_says_so(app: Any, api: Api) -> None:
    """WEB §W6.2: no table and no pages, the list's own words."""
    org = api.create_organization()
    page = signed_in(app, api).get(f"/app/o/{org['id']}/webhooks").text
    assert "<p>No webhooks yet.</p>" in page
    assert "<table>" not in page and "Page 1 of 1" not in page
