"""Flows (WEB §W6.1): the list, New flow, a flow's page (Definition, Save flow with FLOWS
§F3.3's errors, Disable/Enable, runs) and a run's steps (FLOWS §F7.2)."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.flows.conftest import (  # noqa: F401 - fixtures
    Answer,
    create_flow,
    flow_settings,
    http_step,
    manual_run,
    passing,
    run_of,
    server,
    settle,
    worker,
)
from tests.web.conftest import (
    browser_log_in,
    cells,
    form_post,
    h1_of,
    headers_of,
    in_thread,
    invite,
    screenshot,
    signed_in,
)

TRIGGER = {"type": "event", "events": ["client/create", "document/update"]}


def definition_in(html: str) -> Any:
    found = re.search(r'<textarea id="flow-definition"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, html
    return found.group(1).replace("&#34;", '"').replace("&quot;", '"')


def alert_of(html: str) -> list[str]:
    found = re.search(r'<div role="alert" class="alert"><ul>(.*?)</ul></div>', html, re.S)
    assert found, html
    return [
        item.replace("&#39;", "'").replace("&#34;", '"')
        for item in re.findall(r"<li>(.*?)</li>", found.group(1))
    ]


def test_the_flows_list(
    app: Any,
    api: Api,
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
) -> None:
    org = api.create_organization()
    oid = org["id"]
    events = create_flow(api, oid, [passing()], TRIGGER, name="Welcome")
    create_flow(
        api, oid, [passing()], {"type": "schedule", "every": 5}, name="every five", enabled=False
    )
    create_flow(
        api,
        oid,
        [passing()],
        {"type": "schedule", "cron": "0 9 * * 1", "timezone": "Europe/Ljubljana"},
        name="Mondays",
    )
    manual_run(api, events["id"])
    in_thread(
        settle, worker, database, 120
    )  # the browser's loop holds this thread; slow, never wrong
    web = signed_in(app, api)
    page = web.get(f"/app/o/{oid}/flows").text
    assert h1_of(page) == "Flows" and ">New flow</a>" in page
    assert headers_of(page) == ["Name", "Trigger", "Enabled", "Last run status"]
    assert cells(page) == [
        ["every five", "every 5 min", "No", "—"],
        ["Mondays", "cron 0 9 * * 1 (Europe/Ljubljana)", "Yes", "—"],
        ["Welcome", "client/create, document/update", "Yes", "Succeeded"],
    ]
    slovenian = web.get(f"/app/o/{oid}/flows?lang=sl").text
    assert h1_of(slovenian) == "Tokovi" and cells(slovenian)[2][2:] == ["Da", "Uspešen"]


def test_a_new_flow_through_the_form(app: Any, api: Api) -> None:
    org = api.create_organization()
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/flows/new"
    page = web.get(form).text
    assert h1_of(page) == "New flow" and ">Save flow</button>" in page
    assert '<label for="flow-name">Name</label>' in page
    assert '<label for="flow-definition">Definition</label>' in page
    example = definition_in(page)
    definition = {"trigger": TRIGGER, "steps": [passing("ok")]}
    saved = form_post(web, form, form, {"name": "Welcome", "definition": json.dumps(definition)})
    assert saved.status_code == 303
    flow_id = saved.headers["location"].rsplit("/", 1)[1]
    stored = api.get(f"/v1/flows/{flow_id}").json()
    assert stored["name"] == "Welcome" and stored["enabled"] is True
    assert {"trigger": stored["trigger"], "steps": stored["steps"]} == definition
    assert stored["createdBy"] == api.account_id
    shown = web.get(saved.headers["location"]).text
    assert h1_of(shown) == "Welcome"
    assert definition_in(shown) == json.dumps(definition, indent=2, ensure_ascii=False)
    # the example the form starts with is a flow the service saves
    again = form_post(web, form, form, {"name": "Example", "definition": example})
    assert again.status_code == 303, again.text


def test_a_refused_flow_shows_every_problem_and_saves_nothing(app: Any, api: Api) -> None:
    org = api.create_organization()
    web = signed_in(app, api)
    form = f"/app/o/{org['id']}/flows/new"
    bad = {
        "trigger": {"type": "event", "events": ["client/create", "rocket/launch"]},
        "steps": [passing("ok"), {"key": "Bad Key", "type": "filter", "where": {}}],
    }
    refused = form_post(web, form, form, {"name": "Broken", "definition": json.dumps(bad)})
    assert refused.status_code == 422
    api_answer = api.post(f"/v1/organizations/{org['id']}/flows", json={"name": "x", **bad}).json()
    messages = api_answer["error"]["details"]["messages"]
    assert "trigger.events[1]" in messages and "steps[1].key" in messages
    expected = [f"{path}: {message}" for path, found in messages.items() for message in found]
    assert alert_of(refused.text) == expected
    assert 'value="Broken"' in refused.text and "rocket/launch" in definition_in(refused.text)
    not_json = form_post(web, form, form, {"name": "Broken", "definition": "{trigger"})
    assert not_json.status_code == 422
    assert alert_of(not_json.text)[0].startswith("Definition is not valid JSON: ")
    no_steps = form_post(web, form, form, {"name": "x", "definition": '{"trigger": {}}'})
    assert alert_of(no_steps.text) == [
        'Definition must be a JSON object with "trigger" and "steps".'
    ]
    nameless = form_post(web, form, form, {"name": "", "definition": json.dumps(bad)})
    assert (
        'id="flow-name-error" class="field-error">This field is required.</span>' in nameless.text
    )
    assert api.get(f"/v1/organizations/{org['id']}/flows/count").json()["count"] == 0


def test_save_flow_and_disable_enable(app: Any, api: Api) -> None:
    org = api.create_organization()
    flow = create_flow(api, org["id"], [passing()], TRIGGER, name="Welcome")
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/flows/{flow['id']}"
    page = web.get(url).text
    assert json.loads(definition_in(page)) == {"trigger": TRIGGER, "steps": [passing()]}
    assert ">Disable</button>" in page and "Enabled: Yes" in page
    broken = {"trigger": {"type": "schedule", "every": 20}, "steps": [passing()]}
    refused = form_post(web, url, url, {"definition": json.dumps(broken)})
    assert refused.status_code == 422
    assert alert_of(refused.text)[0].startswith("trigger.every: ")
    assert '"every": 20' in definition_in(refused.text)  # what was typed stays
    assert api.get(f"/v1/flows/{flow['id']}").json()["trigger"] == TRIGGER
    changed = {"trigger": {"type": "event", "events": ["item/create"]}, "steps": [passing("p2")]}
    saved = form_post(web, url, url, {"definition": json.dumps(changed)})
    assert saved.status_code == 303 and saved.headers["location"] == url
    after = web.get(url).text
    assert '<p role="status" class="notice">Flow saved.</p>' in after
    stored = api.get(f"/v1/flows/{flow['id']}").json()
    assert stored["trigger"] == changed["trigger"] and stored["steps"] == changed["steps"]
    disabled = form_post(web, url, f"{url}/enabled", {})
    assert disabled.status_code == 303
    assert api.get(f"/v1/flows/{flow['id']}").json()["enabled"] is False
    page = web.get(url).text
    assert "Flow disabled." in page and ">Enable</button>" in page and "Enabled: No" in page
    form_post(web, url, f"{url}/enabled", {})
    assert api.get(f"/v1/flows/{flow['id']}").json()["enabled"] is True


def test_runs_newest_first_and_a_failed_runs_steps(
    app: Any,
    api: Api,
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
    server: Any,  # noqa: F811 - the fixture
) -> None:
    org = api.create_organization()
    server.answers = [Answer(500, {"detail": "the moon is closed"})]
    steps = [passing("check"), http_step(server.url("/launch"), body={"rocket": "Ž-1"})]
    flow = create_flow(api, org["id"], steps, TRIGGER, name="Launch")
    first = manual_run(api, flow["id"], {"n": 1})
    in_thread(
        settle, worker, database, 120
    )  # the browser's loop holds this thread; slow, never wrong
    second = manual_run(api, flow["id"], {"n": 2})
    in_thread(
        settle, worker, database, 120
    )  # the browser's loop holds this thread; slow, never wrong
    web = signed_in(app, api)
    base = f"/app/o/{org['id']}/flows/{flow['id']}"
    page = web.get(base).text
    assert re.search(r'<h2 id="runs">Runs</h2>', page)
    assert headers_of(page.split('id="runs"')[1]) == ["Status", "Started", "Duration"]
    links = re.findall(rf'<a href="{base}/runs/([0-9a-f]+)">', page)
    assert links == [second, first]
    run = run_of(api, second)
    assert run["status"] == "failed"
    shown = web.get(f"{base}/runs/{second}").text
    assert h1_of(shown) == "Run"
    assert headers_of(shown) == ["Step", "Status", "Input", "Output", "Error"]
    rows = cells(shown)
    assert [row[:2] for row in rows] == [["check", "Succeeded"], ["call", "Failed"]]
    unescaped = shown.replace("&#34;", '"').replace("&#39;", "'")
    call = run["steps"][1]
    assert json.dumps(call["input"], indent=2, ensure_ascii=False) in unescaped
    assert json.dumps(call["error"], indent=2, ensure_ascii=False) in unescaped
    assert "Ž-1" in unescaped and "the moon is closed" in unescaped
    assert web.get(f"/app/o/{org['id']}/flows/{flow['id']}/runs/{'0' * 24}").status_code == 404


def test_readonly_members_see_no_write_controls(app: Any, client: TestClient) -> None:
    admin, reader, stranger = Api(client), Api(client), Api(client)
    org = admin.create_organization()
    flow = create_flow(admin, org["id"], [passing()], TRIGGER, name="Welcome")
    invite(admin, org["id"], reader, "readonly")
    web = signed_in(app, reader)
    base = f"/app/o/{org['id']}/flows"
    listed = web.get(base).text
    assert "Welcome" in listed and "New flow" not in listed
    page = web.get(f"{base}/{flow['id']}").text
    assert h1_of(page) == "Welcome" and "<button" not in page.split("</header>")[1]
    assert "client/create" in page  # the definition, as text
    assert web.get(f"{base}/new").status_code == 403
    definition = json.dumps({"trigger": TRIGGER, "steps": []})
    for action, data in (
        (f"{base}/new", {"name": "x", "definition": definition}),
        (f"{base}/{flow['id']}", {"definition": definition}),
        (f"{base}/{flow['id']}/enabled", {}),
    ):
        answer = form_post(web, base, action, data)
        assert answer.status_code == 403 and h1_of(answer.text) == "Forbidden", action
    stored = admin.get(f"/v1/flows/{flow['id']}").json()
    assert stored["enabled"] is True and stored["steps"] == [passing()]
    outsider = signed_in(app, stranger)
    for path in (base, f"{base}/{flow['id']}"):
        assert outsider.get(path).status_code == 404
    own = stranger.create_organization()
    assert outsider.get(f"/app/o/{own['id']}/flows/{flow['id']}").status_code == 404


def test_a_failing_run_step_by_step_in_a_browser(
    browser_page: Page,
    client: TestClient,
    worker: Worker,  # noqa: F811 - the fixture
    database: Database,
    server: Any,  # noqa: F811 - the fixture
) -> None:
    api = Api(client)
    org = api.create_organization(name="Browser Rockets")
    server.answers = [Answer(503, {"detail": "launch window closed"})]
    page = browser_page
    browser_log_in(page, api)
    page.goto(f"/app/o/{org['id']}/flows")
    page.get_by_role("link", name="New flow").click()
    page.get_by_label("Name").fill("Launch on new client")
    definition = {
        "trigger": {"type": "event", "events": ["client/create"]},
        "steps": [
            passing("check"),
            http_step(server.url("/launch"), body={"client": "{{ trigger.data.name }}"}),
            {"key": "after", "type": "filter", "where": {"steps.call.status": 200}},
        ],
    }
    page.get_by_label("Definition").fill(json.dumps(definition, indent=2))
    page.get_by_role("button", name="Save flow").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Launch on new client")
    created = api.post(f"/v1/organizations/{org['id']}/clients", data={"name": "Rocket Man"})
    assert created.status_code == 200
    # the run's HTTP call uses asyncio.run: not in this thread, where playwright's loop runs
    in_thread(settle, worker, database)
    page.reload()
    runs = page.get_by_role("region", name="Runs")
    expect(runs.get_by_role("row")).to_have_count(2)
    expect(runs.get_by_role("cell", name="Failed")).to_be_visible()
    screenshot(page, "flow")
    runs.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Run")
    steps = page.get_by_role("region", name="Steps")
    expect(steps.get_by_role("row")).to_have_count(4)
    expect(steps.get_by_role("row").nth(1)).to_contain_text("Succeeded")
    expect(steps.get_by_role("row").nth(2)).to_contain_text("Failed")
    expect(steps.get_by_role("row").nth(2)).to_contain_text("launch window closed")
    expect(steps.get_by_role("row").nth(3)).to_contain_text("Skipped")
    screenshot(page, "flow-run")
    page.goto(f"/app/o/{org['id']}/flows")
    expect(page.get_by_role("row", name=re.compile("Launch on new client"))).to_contain_text(
        "Failed"
    )
    screenshot(page, "flows")


def test_a_flows_list_without_any_says_so(app: Any, api: Api) -> None:
    """WEB §W6.1: no table and no pages, the list's own words."""
    org = api.create_organization()
    page = signed_in(app, api).get(f"/app/o/{org['id']}/flows").text
    assert "<p>No flows yet.</p>" in page
    assert "<table>" not in page and "Page 1 of 1" not in page
