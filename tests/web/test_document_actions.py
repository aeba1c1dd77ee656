"""A document's actions in the web app (WEB §W4.4): Issue, Cancel document, Record payment,
Send by email; readonly members see none and may not post them (WEB §W2.5)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api, Inbox
from tests.web.conftest import (
    create,
    csrf_of,
    day,
    form_post,
    h1_of,
    organization_in,
    signed_in,
)


def test_a_draft_is_issued_and_a_document_canceled(app: Any, client: TestClient) -> None:
    api = Api(client)
    org_id = organization_in(api)["id"]
    draft = create(api, org_id, draft=True)
    web = signed_in(app, api)
    url = f"/app/o/{org_id}/documents/{draft['id']}"
    page = web.get(url).text
    assert h1_of(page) == "Invoice (draft)"
    assert ">Issue</button>" in page and ">Cancel document</button>" in page
    pdf = web.get(f"{url}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="draft.pdf"'
    issued = form_post(web, url, f"{url}/issue", {})
    assert issued.status_code == 303 and issued.headers["location"] == url
    number = api.get(f"/v1/documents/{draft['id']}").json()["number"]
    assert number and api.get(f"/v1/documents/{draft['id']}").json()["draft"] is False
    page = web.get(url).text
    assert h1_of(page) == f"Invoice {number}" and ">Issue</button>" not in page
    assert (
        web.get(f"{url}/pdf").headers["content-disposition"]
        == f'attachment; filename="{number}.pdf"'
    )
    canceled = form_post(web, url, f"{url}/cancel", {})
    assert canceled.status_code == 303
    assert api.get(f"/v1/documents/{draft['id']}").json()["canceled"] is True
    page = web.get(url).text
    assert '<strong class="status status-canceled">Canceled</strong>' in page
    assert ">Cancel document</button>" not in page


def test_record_payment_makes_it_paid(app: Any, client: TestClient) -> None:
    """WEB §W4.4: Amount the amount due (`2440.00`), Date today, Type Bank transfer."""
    api = Api(client)
    organization = organization_in(api, country="Slovenia")
    org_id = organization["id"]
    taxes = api.get(f"/v1/organizations/{org_id}/taxes").json()
    vat = next(t for t in taxes if str(t["_taxRates"][0]["rate"]) == "22")
    document = create(
        api,
        org_id,
        _documentItems=[
            {
                "name": "Suit",
                "quantity": 2,
                "price": "1000",
                "_documentItemTaxes": [{"taxId": vat["id"]}],
            }
        ],
    )
    web = signed_in(app, api)
    url = f"/app/o/{org_id}/documents/{document['id']}"
    assert f'href="{url}/payments/new">Record payment</a>' in web.get(url).text
    form = web.get(f"{url}/payments/new").text
    assert h1_of(form) == "Record payment"
    assert (
        'id="payment-amount" name="amount" type="text" value="2440.00" inputmode="decimal"' in form
    )
    today = datetime.now(ZoneInfo(organization["timezone"])).date()  # its day (COMPAT §6.3)
    assert f'type="date" value="{today.isoformat()}"' in form
    assert '<option value="bank" selected>Bank transfer</option>' in form
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', form)
    assert [name for _v, name in options] == [
        "Bank transfer",
        "Cash",
        "Card",
        "Online",
        "PayPal",
        "Crypto",
        "Coupon",
        "Other",
    ]
    bad = form_post(web, url, f"{url}/payments/new", {"amount": "lots", "date": "", "type": "bank"})
    assert bad.status_code == 422
    assert 'value="lots" inputmode="decimal" aria-invalid="true"' in bad.text
    assert 'aria-describedby="payment-amount-error"' in bad.text
    assert '<span id="payment-amount-error" class="field-error">Enter a number.</span>' in bad.text
    assert '<span id="payment-date-error" class="field-error">This field is required.' in bad.text
    assert api.get(f"/v1/documents/{document['id']}").json()["totalPaid"] == 0
    half = form_post(
        web, url, f"{url}/payments/new", {"amount": "1220,00", "date": day(0), "type": "cash"}
    )
    assert half.status_code == 303 and half.headers["location"] == url
    assert "Partly paid" in web.get(url).text
    rest = form_post(
        web, url, f"{url}/payments/new", {"amount": "1220.00", "date": day(0), "type": "bank"}
    )
    assert rest.status_code == 303
    page = web.get(rest.headers["location"]).text
    assert '<p role="status" class="notice">Payment saved.</p>' in page
    assert '<strong class="status status-paid">Paid</strong>' in page
    assert ">Record payment</a>" not in page
    answer = api.get(f"/v1/documents/{document['id']}").json()
    assert answer["paidInFull"] is True and answer["totalDue"] == 0
    payments = api.get(f"/v1/documents/{document['id']}/payments").json()
    assert sorted((p["type"], p["amount"]) for p in payments) == [("bank", 1220), ("cash", 1220)]
    assert web.get(f"{url}/payments/new").status_code == 404  # nothing due


def test_send_by_email_queues_the_apis_mail(
    app: Any, client: TestClient, database: Database, settings: Settings, inbox: Inbox
) -> None:
    """WEB §W4.4: To the client's email, Subject "<type> <number>"; queued as
    `POST /documents/:id/send`: the worker mails it; notice "Email queued."."""
    api = Api(client)
    org_id = organization_in(api, name="Mailing Rockets")["id"]
    document = create(
        api, org_id, _documentClient={"name": "Rocket Man", "email": "rocket@example.com"}
    )
    web = signed_in(app, api)
    url = f"/app/o/{org_id}/documents/{document['id']}"
    assert f'href="{url}/send">Send by email</a>' in web.get(url).text
    form = web.get(f"{url}/send").text
    assert h1_of(form) == "Send by email"
    assert 'name="recipients" type="text" value="rocket@example.com" inputmode="email"' in form
    assert f'value="Invoice {document["number"]}"' in form
    for label in ("To", "Subject", "Message"):
        assert f">{label}</label>" in form
    bad = form_post(web, url, f"{url}/send", {"recipients": "nope", "subject": "", "message": "Hi"})
    assert bad.status_code == 422 and 'value="nope"' in bad.text
    assert "is not a valid email address" in bad.text and 'id="send-subject-error"' in bad.text
    sent = form_post(
        web,
        url,
        f"{url}/send",
        {
            "recipients": "rocket@example.com",
            "subject": "Invoice [document number]",
            "message": "Yours, [document number].",
        },
    )
    assert sent.status_code == 303 and sent.headers["location"] == url
    assert (
        '<p role="status" class="notice">Email queued.</p>'
        in web.get(sent.headers["location"]).text
    )
    before = len(inbox.to("rocket@example.com"))
    Worker(database, settings, TASKS, kinds={"document.send"}).run_once()
    messages = inbox.to("rocket@example.com")
    assert len(messages) == before + 1
    assert messages[-1]["Subject"] == f"Invoice {document['number']}"
    assert messages[-1]["Reply-To"] == api.email
    kinds = [a["type"] for a in api.get(f"/v1/documents/{document['id']}/activities").json()]
    assert kinds == ["sent", "delivered"]


def test_a_readonly_member_sees_no_write_control_and_may_not_post(
    app: Any, client: TestClient
) -> None:
    """WEB §W2.5: no "New …" link, form or action but downloads; form pages and POSTs 403."""
    admin, reader = Api(client), Api(client)
    org_id = organization_in(admin)["id"]
    admin.post(
        f"/v1/organizations/{org_id}/invite",
        data={"accountId": reader.account_id, "role": "readonly", "requireConfirmation": "false"},
    )
    draft = create(admin, org_id, draft=True)
    web = signed_in(app, reader)
    listing = web.get(f"/app/o/{org_id}/documents").text
    assert "New invoice</a>" not in listing
    url = f"/app/o/{org_id}/documents/{draft['id']}"
    page = web.get(url).text
    assert 'method="post" action="/app/o' not in page
    for control in (">Issue<", ">Cancel document<", ">Send by email<", ">Record payment<"):
        assert control not in page
    assert ">Download PDF</a>" in page and web.get(f"{url}/pdf").status_code == 200
    assert web.get(f"{url}/einvoice?format=ubl").status_code in (200, 422)
    token = csrf_of(listing)  # the logout form's: a real session token
    for path in (f"{url}/send", f"{url}/payments/new"):
        assert web.get(path).status_code == 403 and h1_of(web.get(path).text) == "Forbidden"
    for action in ("issue", "cancel", "send", "payments/new"):
        answer = web.post(f"{url}/{action}", data={"csrf_token": token, "recipients": "a@b.c"})
        assert answer.status_code == 403, action
    assert admin.get(f"/v1/documents/{draft['id']}").json()["draft"] is True
    # a forged POST of a writer: no token, or another Origin
    writer = signed_in(app, admin)
    assert writer.post(f"{url}/issue").status_code == 403
    forged = writer.post(
        f"{url}/issue", data={"csrf_token": token}, headers={"Origin": "http://evil.example"}
    )
    assert forged.status_code == 403
    assert admin.get(f"/v1/documents/{draft['id']}").json()["draft"] is True
