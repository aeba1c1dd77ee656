"""The fiscalization wizard (WEB §W7.2, FISCAL.md) against the loopback FURS server with mutual
TLS and the test certificates of tests/fiscal (its fixtures, imported here): each step's Done
and Not done, FISCAL.md's refusals in the API's words, Slovenia only, readonly refusals."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from spaceport.config import Settings
from tests.conftest import Api
from tests.fiscal import conftest as fiscal
from tests.fiscal.conftest import PASSPHRASE, REAL_ESTATE, readonly_member, upload_certificate
from tests.fiscal.furs import FursServer
from tests.web.conftest import browser_log_in, csrf_of, form_post, h1_of, screenshot, signed_in

# the fixtures of the fiscal tests: the loopback FURS server, its CA's organization certificate
furs_server, furs, fiscal_settings = fiscal.furs_server, fiscal.furs, fiscal.fiscal_settings
org_identity, org_p12 = fiscal.org_identity, fiscal.org_p12

PREMISE_FORM = {
    "businessPremiseId": "P1",
    "type": "realestate",
    "cadastralNumber": "365",
    "buildingNumber": "12",
    "buildingSectionNumber": "3",
    "street": "Trg republike",
    "houseNumber": "3",
    "community": "Ljubljana",
    "city": "Ljubljana",
    "postalCode": "1000",
}

REAL_ESTATE_LABELS = (
    ("Cadastral number", "cadastralNumber"),
    ("Building number", "buildingNumber"),
    ("Building section number", "buildingSectionNumber"),
    ("Street", "street"),
    ("House number", "houseNumber"),
    ("Community", "community"),
    ("City", "city"),
    ("Postal code", "postalCode"),
)


def cafe(api: Api) -> dict[str, Any]:
    return api.create_organization(
        name="Kavarna Pri Vodnjaku", country="Slovenia", taxNumber="SI10000001"
    )


def states(page: str) -> list[str]:
    """Done / Not done of the four steps, in order."""
    return re.findall(r'<p class="state [a-z-]+">(.*?)</p>', page)


def step(page: str, heading: str) -> str:
    """The section of a step, by its h2."""
    found = re.search(rf"<section [^>]*>\s*<h2 [^>]*>{re.escape(heading)}</h2>(.*?)</section>",
                      page, re.S)  # fmt: skip
    assert found, page
    return found.group(1)


def upload(web: TestClient, url: str, data: bytes, passphrase: str = PASSPHRASE) -> Any:
    token = csrf_of(web.get(url).text)
    return web.post(
        f"{url}/certificate",
        data={"csrf_token": token, "passphrase": passphrase},
        files={"certificate": ("furs.p12", data, "application/x-pkcs12")},
        follow_redirects=False,
    )


def test_only_organizations_in_slovenia_have_the_wizard(app: Any, client: TestClient) -> None:
    api = Api(client)
    belgian = api.create_organization(country="Belgium")
    web = signed_in(app, api)
    url = f"/app/o/{belgian['id']}/settings/fiscalization"
    assert web.get(url).status_code == 404 and h1_of(web.get(url).text) == "Not found"
    assert form_post(web, f"/app/o/{belgian['id']}/settings", f"{url}/enable",
                     {"furs_env": "test", "furs_strategy": "C"}).status_code == 404  # fmt: skip
    assert upload(web, f"/app/o/{belgian['id']}/settings", b"x").status_code == 404
    slovenian = cafe(api)
    page = web.get(f"/app/o/{slovenian['id']}/settings/fiscalization")
    assert page.status_code == 200 and h1_of(page.text) == "Fiscalization"
    assert states(page.text) == ["Not done"] * 4
    for heading in ("1. Certificate", "2. Business premises", "3. Electronic devices", "4. Enable"):
        step(page.text, heading)


def test_the_certificate_step(
    app: Any, client: TestClient, org_p12: bytes, fiscal_settings: Settings
) -> None:
    """FISCAL §S4: the refusals of the API, nothing stored; then what is stored, never the key."""
    api = Api(client)
    org = cafe(api)
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings/fiscalization"
    wrong = upload(web, url, org_p12, "not-the-passphrase")
    assert wrong.status_code == 422
    api_answer = upload_certificate(api, org["id"], org_p12, "not-the-passphrase").json()
    api_message = api_answer["error"]["details"]["messages"]["certificate"][0]
    section = step(wrong.text, "1. Certificate")
    assert api_message in section and 'aria-invalid="true"' in section
    assert "Not done" in section
    garbage = upload(web, url, b"not a pkcs12 file")
    assert garbage.status_code == 422 and "PKCS#12" in step(garbage.text, "1. Certificate")
    assert api.get(f"/v1/organizations/{org['id']}/certificate?type=furs").status_code == 404
    uploaded = upload(web, url, org_p12)
    assert uploaded.status_code == 303 and uploaded.headers["location"] == url
    page = web.get(url).text
    assert "Certificate uploaded." in page
    info = api.get(f"/v1/organizations/{org['id']}/certificate?type=furs").json()
    section = step(page, "1. Certificate")
    assert states(page)[0] == "Done"
    assert info["subject"] in section.replace("&#39;", "'") and info["serial"] in section
    assert "PRIVATE KEY" not in page and PASSPHRASE not in page


def test_premises_register_with_furs_as_they_are_added(
    app: Any, client: TestClient, org_p12: bytes, furs: FursServer, fiscal_settings: Settings
) -> None:
    """FISCAL §S5.4: registered at once in the current `furs_env`; a refusal shows FURS's code
    and message verbatim and saves nothing; unreachable saves nothing."""
    api = Api(client)
    org = cafe(api)
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings/fiscalization"
    assert "Upload a certificate first" in step(web.get(url).text, "2. Business premises")
    assert upload(web, url, org_p12).status_code == 303
    missing = form_post(web, url, f"{url}/premises", {**PREMISE_FORM, "street": ""})
    assert missing.status_code == 422
    section = step(missing.text, "2. Business premises")
    assert re.search(r'<input [^>]*name="street"[^>]*aria-invalid="true"', section)
    assert "can&#39;t be blank" in section  # the API's message (FISCAL §S5.2)
    assert 'value="Ljubljana"' in section and 'value="365"' in section  # kept
    short = form_post(web, url, f"{url}/premises", {**PREMISE_FORM, "postalCode": "10"})
    assert short.status_code == 422
    pattern = r'<input [^>]*name="postalCode"[^>]*value="10"[^>]*aria-invalid="true"'
    assert re.search(pattern, step(short.text, "2. Business premises"))
    assert furs.premises() == []
    furs.mode = "refuse"
    refused = form_post(web, url, f"{url}/premises", PREMISE_FORM)
    assert refused.status_code == 422
    alert = re.search(r'<div role="alert" class="alert"><p>(.*?)</p>', refused.text)
    assert alert and alert.group(1) == "FURS refused: S002 Davčna številka zavezanca ni pravilna"
    furs.mode = "accept"
    furs.down()
    unreachable = form_post(web, url, f"{url}/premises", PREMISE_FORM)
    assert unreachable.status_code == 502 and 'role="alert"' in unreachable.text
    furs.up()
    listed = api.get(f"/v1/organizations/{org['id']}/businesspremises").json()
    assert listed == []
    added = form_post(web, url, f"{url}/premises", PREMISE_FORM)
    assert added.status_code == 303
    page = web.get(url).text
    assert "Premise added." in page and states(page)[:3] == ["Done", "Done", "Not done"]
    [premise] = api.get(f"/v1/organizations/{org['id']}/businesspremises").json()
    assert premise["env"] == "production" and premise["registeredAt"]
    assert premise["cadastralNumber"] == 365 and premise["type"] == "realestate"
    sent = furs.premises()[-1].premise
    assert sent["BusinessPremiseID"] == "P1" and sent["TaxNumber"] == 10000001
    row = step(page, "2. Business premises")
    assert "<td>P1</td>" in row and "Trg republike 3, 1000 Ljubljana" in row
    taken = form_post(web, url, f"{url}/premises", PREMISE_FORM)
    assert taken.status_code == 422 and "&#39;P1&#39; is already used" in taken.text
    bad_env = form_post(web, url, f"{url}/premises", {**PREMISE_FORM, "businessPremiseId": "M1",
                        "furs_env": "staging"})  # fmt: skip
    assert bad_env.status_code == 422
    assert re.search(r'<select [^>]*name="furs_env"[^>]*aria-invalid="true"', bad_env.text)
    movable = form_post(web, url, f"{url}/premises", {**PREMISE_FORM, "businessPremiseId": "M1",
                        "type": "movable", "premiseType": "C", "furs_env": "test"})  # fmt: skip
    assert movable.status_code == 303
    premises = api.get(f"/v1/organizations/{org['id']}/businesspremises").json()
    assert [p["businessPremiseId"] for p in premises] == ["P1", "M1"]
    assert premises[1]["premiseType"] == "C" and premises[1]["street"] is None
    assert premises[1]["env"] == "test"  # registered in Test, now the current furs_env
    stored = {
        d["name"]: d["value"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()
    }
    assert stored["furs_env"] == "test"
    page = web.get(url).text
    assert "Current environment: Test" in page and states(page)[1] == "Done"
    assert "<td>Test, " in page and "<td>Production, " in page


def test_devices_and_enabling(
    app: Any, client: TestClient, org_p12: bytes, furs: FursServer, fiscal_settings: Settings
) -> None:
    """FISCAL §S6 devices; FISCAL §S7: Enable writes furs_env, furs_strategy, furs_verifying,
    refused (nothing changed) until a premise registered in that environment has a device."""
    api = Api(client)
    org = cafe(api)
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings/fiscalization"
    assert upload(web, url, org_p12).status_code == 303
    created = api.post(f"/v1/organizations/{org['id']}/businesspremises", json=REAL_ESTATE)
    assert created.status_code == 200, created.text  # registered: the certificate is stored
    premise = created.json()
    page = web.get(url).text
    assert states(page) == ["Done", "Done", "Not done", "Not done"]
    refused = form_post(web, url, f"{url}/enable", {"furs_env": "production", "furs_strategy": "B"})
    assert refused.status_code == 422
    needs = "Fiscal verification needs a business premise registered in production with an"
    assert f"{needs} electronic device" in step(refused.text, "4. Enable")
    assert '<option value="B" selected>' in step(refused.text, "4. Enable")
    names = [d["name"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()]
    assert not {"furs_env", "furs_strategy", "furs_verifying"} & set(names)  # nothing changed
    bad = form_post(
        web, url, f"{url}/devices", {"premise": premise["id"], "electronicDeviceId": "D 1"}
    )
    assert bad.status_code == 422
    assert re.search(
        r'<input [^>]*name="electronicDeviceId"[^>]*value="D 1"[^>]*aria-invalid', bad.text
    )
    added = form_post(
        web, url, f"{url}/devices", {"premise": premise["id"], "electronicDeviceId": "D1"}
    )
    assert added.status_code == 303
    page = web.get(url).text
    assert "Device added." in page and states(page) == ["Done", "Done", "Done", "Not done"]
    assert "<td>P1</td><td>D1</td>" in step(page, "3. Electronic devices")
    in_test = form_post(web, url, f"{url}/enable", {"furs_env": "test", "furs_strategy": "C"})
    assert in_test.status_code == 422 and "registered in test" in in_test.text
    enabled = form_post(web, url, f"{url}/enable", {"furs_env": "production", "furs_strategy": "B"})
    assert enabled.status_code == 303
    page = web.get(url).text
    assert "Fiscalization enabled." in page and states(page) == ["Done"] * 4
    assert ">Disable fiscalization</button>" in page and "Per electronic device (B)" in page
    stored = {
        d["name"]: d["value"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()
    }
    assert (stored["furs_env"], stored["furs_strategy"], stored["furs_verifying"]) == (
        "production",
        "B",
        True,
    )
    disabled = form_post(web, url, f"{url}/disable", {})
    assert disabled.status_code == 303
    page = web.get(url).text
    assert "Fiscalization disabled." in page and states(page)[3] == "Not done"
    stored = {
        d["name"]: d["value"] for d in api.get(f"/v1/organizations/{org['id']}/defaults").json()
    }
    assert stored["furs_verifying"] is False


def test_a_readonly_member_sees_the_steps_and_may_change_nothing(
    app: Any, client: TestClient, org_p12: bytes, fiscal_settings: Settings
) -> None:
    api = Api(client)
    org = cafe(api)
    assert upload_certificate(api, org["id"], org_p12).status_code == 200
    reader = readonly_member(api, org["id"])
    web = signed_in(app, reader)
    url = f"/app/o/{org['id']}/settings/fiscalization"
    page = web.get(url)
    assert page.status_code == 200 and states(page.text)[0] == "Done"
    assert page.text.count("<form") == 1  # Log out only
    for action in ("certificate", "premises", "devices", "enable", "disable"):
        answer = form_post(web, url, f"{url}/{action}", {**PREMISE_FORM, "furs_env": "test"})
        assert answer.status_code == 403 and h1_of(answer.text) == "Forbidden", action
    assert upload(web, url, org_p12).status_code == 403
    assert api.get(f"/v1/organizations/{org['id']}/businesspremises").json() == []


def test_a_forged_post_changes_nothing(
    app: Any, client: TestClient, org_p12: bytes, fiscal_settings: Settings
) -> None:
    api = Api(client)
    org = cafe(api)
    web = signed_in(app, api)
    url = f"/app/o/{org['id']}/settings/fiscalization"
    forged = web.post(f"{url}/certificate", data={"passphrase": PASSPHRASE},
                      files={"certificate": ("furs.p12", org_p12)})  # fmt: skip
    assert forged.status_code == 403
    token = csrf_of(web.get(url).text)
    other_origin = web.post(f"{url}/premises", data={**PREMISE_FORM, "csrf_token": token},
                            headers={"Origin": "https://evil.example"})  # fmt: skip
    assert other_origin.status_code == 403
    assert api.get(f"/v1/organizations/{org['id']}/certificate?type=furs").status_code == 404


def test_the_wizard_in_a_browser(
    browser_page: Page,
    client: TestClient,
    org_p12: bytes,
    furs: FursServer,
    fiscal_settings: Settings,
    tmp_path: Any,
) -> None:
    api = Api(client)
    org = cafe(api)
    certificate = tmp_path / "furs.p12"
    certificate.write_bytes(org_p12)
    page = browser_page
    browser_log_in(page, api)
    page.goto(f"/app/o/{org['id']}/settings")
    page.get_by_role("link", name="Fiscalization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiscalization")
    screenshot(page, "fiscalization-start")
    one = page.get_by_role("region", name="1. Certificate")
    one.get_by_label("Certificate").set_input_files(str(certificate))
    one.get_by_label("Passphrase").fill(PASSPHRASE)
    one.get_by_role("button", name="Upload certificate").click()
    expect(page.get_by_role("status")).to_have_text("Certificate uploaded.")
    expect(page.get_by_role("region", name="1. Certificate")).to_contain_text("Done")
    two = page.get_by_role("region", name="2. Business premises")
    two.get_by_label("Premise ID").fill("P1")
    two.get_by_label("Type", exact=True).select_option(label="Real estate")
    for label, key in REAL_ESTATE_LABELS:
        two.get_by_label(label, exact=True).fill(PREMISE_FORM[key])
    two.get_by_role("button", name="Add premise").click()
    expect(page.get_by_role("status")).to_have_text("Premise added.")
    assert furs.premises()[-1].premise["BusinessPremiseID"] == "P1"
    three = page.get_by_role("region", name="3. Electronic devices")
    three.get_by_label("Premise").select_option(label="P1")
    three.get_by_label("Device ID").fill("D1")
    three.get_by_role("button", name="Add device").click()
    expect(page.get_by_role("status")).to_have_text("Device added.")
    four = page.get_by_role("region", name="4. Enable")
    four.get_by_label("Environment").select_option(label="Production")
    four.get_by_label("Numbering strategy").select_option(label="Per business premise (C)")
    four.get_by_role("button", name="Enable fiscalization").click()
    expect(page.get_by_role("status")).to_have_text("Fiscalization enabled.")
    for name in ("1. Certificate", "2. Business premises", "3. Electronic devices", "4. Enable"):
        expect(page.get_by_role("region", name=name).locator("p.state")).to_have_text("Done")
    expect(page.get_by_role("button", name="Disable fiscalization")).to_be_visible()
    screenshot(page, "fiscalization")
    page.get_by_role("link", name="Slovenščina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Davčno potrjevanje")
    screenshot(page, "fiscalization-sl")
