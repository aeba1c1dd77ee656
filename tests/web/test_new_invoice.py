"""Saving a new invoice (WEB §W4.3, WEB §W8 `…/documents/new`): the Client's pick of a saved
client in any case; Save as draft and Issue make the document `POST /v1/.../documents` makes
from the same body (fiscalized as it is); errors at their fields with nothing saved, even when
the create fails halfway; readonly members and forged posts (WEB §W2.4, §W2.5); hostile values
(never a 500). The form, its lines and Totals are `test_invoice_form.py`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_from_bytes

from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.fiscal import conftest as fiscal
from tests.fiscal.furs import FursServer
from tests.web.conftest import INVOICE_DAY as DAY
from tests.web.conftest import (
    add_client,
    api_document,
    chosen,
    comparable,
    count,
    csrf_of,
    form_post,
    h1_of,
    invite,
    line,
    new_of,
    signed_in,
    slovenian_org,
    tag_of,
    taxes_of,
    value_of,
)

# the fixtures of the fiscal tests: the loopback FURS server, a café that verifies
furs_server, furs, fiscal_settings = fiscal.furs_server, fiscal.furs, fiscal.fiscal_settings
org_identity, org_p12 = fiscal.org_identity, fiscal.org_p12
slovenian, certified, verifying = fiscal.slovenian, fiscal.certified, fiscal.verifying


# -- saving ---------------------------------------------------------------------------------------


def test_save_as_draft_and_issue_make_what_the_api_makes(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    ids = taxes_of(api, org["id"])
    web = signed_in(app, api)
    url = new_of(org["id"])
    typed = {
        "client": "Moon Base",
        "date": DAY,
        "dateDue": "2025-03-20",
        **line(0, "Launch slot", "2", "1000", ids[("standard", 22)], unit="kos"),
        **line(1, "Insurance", "1", "99,5", ids[("reduced", 9.5)]),
    }
    items = [
        {"name": "Launch slot", "quantity": "2", "price": "1000", "unit": "kos",
         "_documentItemTaxes": [{"taxId": ids[("standard", 22)]}]},
        {"name": "Insurance", "quantity": "1", "price": "99.5",
         "_documentItemTaxes": [{"taxId": ids[("reduced", 9.5)]}]},
    ]  # fmt: skip
    body = {"type": "invoice", "date": DAY, "dateDue": "2025-03-20", "_documentItems": items}
    issued = form_post(web, url, url, {**typed, "action": "issue"})
    assert issued.status_code == 303, issued.text
    location = issued.headers["location"]
    assert re.fullmatch(rf"/app/o/{org['id']}/documents/[0-9a-f]{{24}}", location)
    mine = api.get(f"/v1/documents/{location.rsplit('/', 1)[1]}").json()
    theirs = api_document(api, org["id"], {**body, "_documentClient": {"name": "Moon Base"}})
    assert comparable(mine) == comparable(theirs)
    assert (mine["number"], theirs["number"]) == ("2025-00001", "2025-00002")
    assert mine["totalWithTax"] == 2548.95 and mine["draft"] is False
    saved = api.get(f"/v1/clients/{mine['clientId']}").json()
    assert saved["name"] == "Moon Base" and count(api, org["id"], "clients") == 2
    assert h1_of(web.get(location).text) == "Invoice 2025-00001"
    # a saved client's name in another case picks that client (the oldest of that name)
    draft = form_post(web, url, url, {**typed, "client": "MOON base", "action": "draft"})
    assert draft.status_code == 303, draft.text
    mine = api.get(f"/v1/documents/{draft.headers['location'].rsplit('/', 1)[1]}").json()
    theirs = api_document(api, org["id"], {**body, "draft": True, "clientId": saved["id"]})
    assert comparable(mine) == comparable(theirs)
    assert mine["clientId"] == theirs["clientId"] == saved["id"] and mine["number"] is None
    assert mine["_documentClient"]["name"] == "Moon Base" and count(api, org["id"], "clients") == 2
    assert h1_of(web.get(draft.headers["location"]).text) == "Invoice (draft)"
    # any case beyond ASCII alike, on both engines
    cebelica = add_client(api, org["id"], name="Čebelica d.o.o.")
    picked = form_post(web, url, url, {**typed, "client": "ČEBELICA D.O.O.", "action": "draft"})
    mine = api.get(f"/v1/documents/{picked.headers['location'].rsplit('/', 1)[1]}").json()
    assert mine["clientId"] == cebelica["id"] and count(api, org["id"], "clients") == 3


def test_issue_is_fiscalized_as_the_apis_create(
    app: Any, api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S8.1 through the page: numbered by premise and device, verified by FURS before
    the document's page is shown (FISCAL §S12.1), as the API's create does it."""
    org_id = verifying["id"]
    api.patch(f"/v1/organizations/{org_id}", json={"timezone": "Europe/Ljubljana"})
    standard = taxes_of(api, org_id)[("standard", 22)]
    web = signed_in(app, api)
    url = new_of(org_id)
    today = value_of(web.get(url).text, "invoice-date")  # the page's own: today in Ljubljana
    typed = {"client": "Janez Kranjski", "date": today, "dateDue": "", "action": "issue"}
    issued = form_post(web, url, url, {**typed, **line(0, "Kava", "2", "1,5", standard)})
    assert issued.status_code == 303, issued.text
    mine = api.get(f"/v1/documents/{issued.headers['location'].rsplit('/', 1)[1]}").json()
    assert mine["number"] == "P1-D1-1"
    assert mine["_furs"]["status"] == "verified" and mine["_furs"]["eor"] == furs.eors[-1]
    body = {
        "date": today,
        "_documentClient": {"name": "Janez Kranjski"},
        "_documentItems": [
            {"name": "Kava", "quantity": "2", "price": "1.5",
             "_documentItemTaxes": [{"taxId": standard}]},
        ],
    }  # fmt: skip
    theirs = api_document(api, org_id, body)
    assert theirs["number"] == "P1-D1-2" and theirs["_furs"]["status"] == "verified"
    mine_furs, theirs_furs = mine.pop("_furs"), theirs.pop("_furs")
    assert mine_furs.keys() == theirs_furs.keys()
    for moment in ("date", "dateService"):  # FISCAL §S8.4: the moment each was issued
        assert mine.pop(moment)[:10] == theirs.pop(moment)[:10]
    assert comparable(mine) == comparable(theirs)
    assert len(furs.invoices()) == 2
    page = web.get(issued.headers["location"]).text
    assert h1_of(page) == "Invoice P1-D1-1"


def test_an_empty_quantity_or_price_is_what_the_api_defaults(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    web = signed_in(app, api)
    url = new_of(org["id"])
    typed = {"client": "Luna", "date": DAY, "dateDue": "", **line(0, "Gift", "", "", "")}
    saved = form_post(web, url, url, {**typed, "action": "issue"})
    assert saved.status_code == 303, saved.text
    mine = api.get(f"/v1/documents/{saved.headers['location'].rsplit('/', 1)[1]}").json()
    body = {"date": DAY, "_documentClient": {"name": "Luna"}, "_documentItems": [{"name": "Gift"}]}
    assert comparable(mine) == comparable(api_document(api, org["id"], body))
    assert mine["dateDue"] == "2025-04-02T00:00:00.000Z"  # the API's 30 days


def test_invalid_input_shows_at_its_field_keeps_it_and_saves_nothing(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    ids = taxes_of(api, org["id"])
    web = signed_in(app, api)
    url = new_of(org["id"])
    typed = {
        "client": "",
        "date": DAY,
        "dateDue": "2025-03-20",
        **line(0, "Fuel", "two", "1,2,3", ids[("reduced", 5)], unit="l"),
        **line(1, "", "1", "10", ""),
    }
    refused = form_post(web, url, url, {**typed, "action": "issue"})
    assert refused.status_code == 422
    page = refused.text
    for element_id, message in (
        ("invoice-client", "This field is required."),
        ("invoice-line-0-quantity", "Enter a number."),
        ("invoice-line-0-price", "Enter a number."),
        ("invoice-line-1-name", "This field is required."),
    ):
        assert f'<span id="{element_id}-error" class="field-error">{message}</span>' in page
        tag = tag_of(page, element_id)
        assert f'aria-invalid="true" aria-describedby="{element_id}-error"' in tag, tag
    assert 'aria-invalid="true"' not in tag_of(page, "invoice-line-1-price")
    assert 'id="invoice-client" name="client" type="text" value="" ' in page
    assert 'value="autofocus"' not in page and " autofocus" in tag_of(page, "invoice-client")
    for element_id, kept in (
        ("invoice-date", DAY),
        ("invoice-dateDue", "2025-03-20"),
        ("invoice-line-0-name", "Fuel"),
        ("invoice-line-0-quantity", "two"),
        ("invoice-line-0-price", "1,2,3"),
        ("invoice-line-0-unit", "l"),
        ("invoice-line-1-price", "10"),
    ):
        assert value_of(page, element_id) == kept, element_id
    assert chosen(page, "invoice-line-0-tax") == (ids[("reduced", 5)], "DDV 5 %")
    in_slovenian = form_post(web, f"{url}?lang=sl", url, {**typed, "action": "draft"}).text
    assert "To polje je obvezno." in in_slovenian and "Vnesite število." in in_slovenian
    # the API's own messages, at their fields
    hostile = {"date": "0001-01-01", **line(0, "Fuel", "1e308", "-1e30", "")}
    api_refused = form_post(
        web, url, url, {**typed, **hostile, "client": "Moon", "action": "issue"}
    ).text
    body = {
        "date": "0001-01-01",
        "_documentClient": {"name": "Moon"},
        "_documentItems": [{"name": "Fuel", "quantity": "1e308", "price": "-1e30"}],
    }
    answer = api.post(f"/v1/organizations/{org['id']}/documents", json=body)
    assert answer.status_code == 422, answer.text
    messages = answer.json()["error"]["details"]["messages"]
    for element_id, prop in (
        ("invoice-date", "date"),
        ("invoice-line-0-quantity", "_documentItems.0.quantity"),
        ("invoice-line-0-price", "_documentItems.0.price"),
    ):
        message = "; ".join(messages[prop])
        assert f'<span id="{element_id}-error" class="field-error">{message}</span>' in api_refused
    assert count(api, org["id"], "documents") == 0 and count(api, org["id"], "clients") == 0


def test_a_create_refused_halfway_leaves_nothing(app: Any, api: Api) -> None:
    """The new client is saved and the number taken before the totals are found beyond what is
    stored: the savepoint takes both back; the API's message is in the alert."""
    org = slovenian_org(api)
    web = signed_in(app, api)
    url = new_of(org["id"])
    huge = line(0, "Planet", "9999999999999", "9999999999999", "")
    typed = {"client": "Halfway Ltd", "date": DAY, "dateDue": "", **huge}
    refused = form_post(web, url, url, {**typed, "action": "issue"})
    assert refused.status_code == 422
    alert = refused.text.split('<div role="alert" class="alert">', 1)[1].split("</div>", 1)[0]
    assert "is beyond the amounts this server stores" in alert
    assert value_of(refused.text, "invoice-client") == "Halfway Ltd"
    assert count(api, org["id"], "documents") == 0 and count(api, org["id"], "clients") == 0
    body = {"date": DAY, "_documentClient": {"name": "Next"}, "_documentItems": [{"name": "a"}]}
    assert api_document(api, org["id"], body)["number"] == "2025-00001"  # no number was used


# -- who may --------------------------------------------------------------------------------------


def test_readonly_members_get_403_before_the_form_is_read(app: Any, client: TestClient) -> None:
    admin, reader, stranger = Api(client), Api(client), Api(client)
    org = slovenian_org(admin)
    invite(admin, org["id"], reader, "readonly")
    web = signed_in(app, reader)
    url = new_of(org["id"])
    page = web.get(url)
    assert page.status_code == 403 and h1_of(page.text) == "Forbidden"
    token = csrf_of(web.get(f"/app/o/{org['id']}/documents").text)
    typed = {"csrf_token": token, "client": "Sneaky", "date": DAY, **line(0, "x", "1", "1", "")}
    # more fields than the form parser takes (it would answer 400): the form is never read
    unreadable = "&".join(f"f{n}=1" for n in range(1100))
    for path in (url, f"{url}/lines", f"{url}/totals"):
        answer = web.post(path, data={**typed, "action": "issue"})
        assert answer.status_code == 403 and h1_of(answer.text) == "Forbidden", path
        raw = web.post(
            path,
            content=f"csrf_token={token}&{unreadable}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert raw.status_code == 403, path
    assert count(admin, org["id"], "documents") == 0
    assert signed_in(app, stranger).get(url).status_code == 404


def test_a_post_without_the_token_or_from_elsewhere_changes_nothing(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    web = signed_in(app, api)
    url = new_of(org["id"])
    token = csrf_of(web.get(url).text)
    typed = {"client": "Moon", "date": DAY, "action": "issue", **line(0, "x", "1", "1", "")}
    for path in (url, f"{url}/lines", f"{url}/totals"):
        assert web.post(path, data=typed).status_code == 403, path
        assert web.post(path, data={**typed, "csrf_token": "0" * 64}).status_code == 403, path
        forged = web.post(
            path, data={**typed, "csrf_token": token}, headers={"Origin": "http://evil.example"}
        )
        assert forged.status_code == 403 and h1_of(forged.text) == "Forbidden", path
    assert count(api, org["id"], "documents") == 0 and count(api, org["id"], "clients") == 0
    saved = web.post(url, data={**typed, "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303


# -- hostile values -------------------------------------------------------------------------------

HOSTILE = [
    "",
    "1e308",
    "-1e308",
    "1" + "0" * 30,
    "-5",
    "0,0000001",
    "NaN",
    "Infinity",
    "1e-999999999",
    "9" * 5000,
    "x" * 100_000,
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "remove-" + "9" * 5000,
    "%00",
    "%ED%A0%80",  # a lone surrogate, as CESU-8 escapes write it (no valid UTF-8)
    "%FF%FE",
    "%F0%9F%9A%80",
    "<script>alert(1)</script>",
]
FIELDS = ["client", "date", "dateDue", "action", "line-0-name", "line-0-quantity", "line-0-unit"]
FIELDS += ["line-0-price", "line-0-tax", "line-9999-name", "line-1-price"]


def raw_form(fields: dict[str, str]) -> bytes:
    """A form body whose values are written as given (`%ED%A0%80` stays those bytes)."""
    parts = []
    for name, value in fields.items():
        escaped = value if value.startswith("%") else quote_from_bytes(value.encode())
        parts.append(f"{name}={escaped}")
    return "&".join(parts).encode()


def test_hostile_form_values_are_never_a_500(app: Any, api: Api) -> None:
    org = slovenian_org(api)
    standard = taxes_of(api, org["id"])[("standard", 22)]
    web = signed_in(app, api)
    url = new_of(org["id"])
    token = csrf_of(web.get(url).text)
    good = {"client": "Moon", "date": DAY, "dateDue": "", **line(0, "Fuel", "1", "10", standard)}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    seen: set[int] = set()
    for path, action in ((url, "issue"), (url, "draft"), (f"{url}/lines", "add")):
        for name in FIELDS:
            for value in HOSTILE:
                fields = {"csrf_token": token, **good, "action": action, name: value}
                answer = web.post(
                    path, content=raw_form(fields), headers=headers, follow_redirects=False
                )
                assert answer.status_code < 500, (path, name, value[:40], answer.text[-500:])
                page = answer.headers.get("content-type", "").startswith("text/html")
                assert page or answer.status_code == 303, (path, name, value[:40], answer.text)
                seen.add(answer.status_code)
    for value in HOSTILE:
        fields = {"csrf_token": token, **line(0, value, value, value, value)}
        answer = web.post(f"{url}/totals", content=raw_form(fields), headers=headers)
        assert answer.status_code == 200, (value[:40], answer.text[-500:])
    only_token = web.post(url, data={"csrf_token": token, "action": "issue"})
    assert only_token.status_code == 422 and "This field is required." in only_token.text
    assert seen <= {200, 303, 422}, seen
    assert 422 in seen and 303 in seen
