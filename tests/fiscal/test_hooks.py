"""FISCAL §S8, FISCAL §S9, FISCAL §S10, FISCAL §S13, FISCAL §S14 through HTTP against the
loopback FURS server: what FURS received field by field, the ZOI recomputed here from the key,
the printed code, numbering, the rules of changing, deleting and canceling."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from spaceport.background import TASKS
from spaceport.config import Settings
from spaceport.fiscal.sending import RESUBMIT
from spaceport.fiscal.zoi import LJUBLJANA, printed_code, protected_id, zoi_input
from spaceport.jobs.models import Job
from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from spaceport.recurrences import service as recurrences
from tests.answered import as_documented
from tests.conftest import Api
from tests.fiscal.certificates import Issued
from tests.fiscal.conftest import INVOICE, register_premise, set_operator
from tests.fiscal.furs import FursServer


def documents_url(oid: str) -> str:
    return f"/v1/organizations/{oid}/documents"


def issue(api: Api, oid: str, **fields: Any) -> Any:
    return api.post(documents_url(oid), json={**INVOICE, **fields})


def test_an_issued_invoice_is_verified_with_its_zoi_eor_and_code(
    api: Api, verifying: dict[str, Any], furs: FursServer, org_identity: Issued
) -> None:
    """FISCAL §S8.1, FISCAL §S9 (`P1-D1-1`), FISCAL §S10 field by field, FISCAL §S12.2,
    FISCAL §S13; the ZOI recomputed from the private key (FISCAL §S1.1), FISCAL §S11."""
    response = issue(api, verifying["id"])
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["number"] == "P1-D1-1"
    assert document["date"].endswith(".000Z")  # FISCAL §S8.4: the moment, whole seconds
    furs_field = document["_furs"]
    (received,) = furs.invoices()
    invoice = received.invoice
    issued = datetime.fromisoformat(document["date"].replace("Z", "+00:00"))
    text = zoi_input(10000001, issued, "1", "P1", "D1", Decimal(str(document["totalWithTax"])))
    zoi = protected_id(org_identity.key, text)
    assert furs_field == {
        "businessPremiseId": "P1",
        "electronicDeviceId": "D1",
        "operatorTaxNumber": "12345678",
        "zoi": zoi,
        "eor": furs.eors[-1],
        "qr": printed_code(zoi, 10000001, issued),
        "status": "verified",
        "env": "production",
        "messageId": received.message_id,
        "verifiedAt": furs_field["verifiedAt"],
        "error": None,
    }
    assert invoice == {
        "TaxNumber": 10000001,
        "IssueDateTime": issued.astimezone(LJUBLJANA).strftime("%Y-%m-%dT%H:%M:%S"),
        "NumberingStructure": "C",
        "InvoiceIdentifier": {
            "BusinessPremiseID": "P1", "ElectronicDeviceID": "D1", "InvoiceNumber": "1"
        },
        "CustomerVATNumber": "SI87654321",
        "InvoiceAmount": Decimal("5.47"),
        "PaymentAmount": Decimal("5.47"),
        "TaxesPerSeller": [{
            "VAT": [
                {"TaxRate": Decimal("22.00"), "TaxableAmount": Decimal("3.00"),
                 "TaxAmount": Decimal("0.66")},
                {"TaxRate": Decimal("9.50"), "TaxableAmount": Decimal("1.20"),
                 "TaxAmount": Decimal("0.11")},
            ],
            "ExemptVATTaxableAmount": Decimal("0.50"),
        }],
        "OperatorTaxNumber": 12345678,
        "ProtectedID": zoi,
        "SubsequentSubmit": False,
    }  # fmt: skip
    assert document["totalWithTax"] == 5.47


def test_the_operator_must_be_named_and_a_refused_create_takes_no_number(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S8.3 (a `details.messages` key per missing one), FISCAL §S8.5."""
    set_operator(api, firstname="", taxNumber="123")
    refused = issue(api, verifying["id"])
    assert refused.status_code == 422
    assert {"firstname", "taxNumber"} <= set(refused.json()["error"]["details"]["messages"])
    assert furs.invoices() == []
    set_operator(api)
    assert issue(api, verifying["id"]).json()["number"] == "P1-D1-1"


def test_date_number_and_currency_rules(api: Api, verifying: dict[str, Any]) -> None:
    """FISCAL §S8.4: a body `date` of today is replaced by the moment, another is 422; a body
    `number` is 422; a currency but EUR is 422."""
    oid = verifying["id"]
    today = datetime.now(LJUBLJANA).date().isoformat()
    assert issue(api, oid, date=today).status_code == 200
    for bad in ({"date": "2020-01-01"}, {"number": "7"}, {"currencyId": "USD"}):
        refused = issue(api, oid, **bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert set(bad) <= set(refused.json()["error"]["details"]["messages"])
    assert issue(api, oid).json()["number"] == "P1-D1-2"


def test_skipped_and_other_documents(api: Api, verifying: dict[str, Any]) -> None:
    """FISCAL §S8.6 a skipped document is numbered as without fiscalization; FISCAL §S8.1
    other documents answer `_furs: null`, a draft too until finalized."""
    oid = verifying["id"]
    year = datetime.now(UTC).year
    skipped = issue(api, oid, _furs={"skip": True}).json()
    assert skipped["number"] == f"{year}-00001"
    assert skipped["_furs"]["status"] == "skipped" and skipped["_furs"]["zoi"] is None
    estimate = issue(api, oid, type="estimate").json()
    assert estimate["_furs"] is None
    draft = issue(api, oid, draft=True).json()
    assert draft["_furs"] is None and draft["number"] is None
    final = api.patch(f"/v1/documents/{draft['id']}", json={"draft": False}).json()
    assert final["number"] == "P1-D1-1" and final["_furs"]["status"] == "verified"
    for answer in (skipped, estimate, final):  # FISCAL §S13 as the OpenAPI document types it
        as_documented(api.client, answer, "Document")


def test_furs_is_filterable(api: Api, verifying: dict[str, Any]) -> None:
    """FISCAL §S13: filterable."""
    oid = verifying["id"]
    issue(api, oid)
    issue(api, oid, _furs={"skip": True})
    found = api.get(documents_url(oid), params={"filter[where][_furs.status]": "verified"})
    assert [d["number"] for d in found.json()] == ["P1-D1-1"]


def test_a_fiscalized_document_never_changes_what_was_verified(
    api: Api, verifying: dict[str, Any]
) -> None:
    """FISCAL §S14.1 (403 "cancel it instead"), COMPAT §6.13: never deleted or replaced."""
    document = issue(api, verifying["id"]).json()
    url = f"/v1/documents/{document['id']}"
    for change in ({"_documentItems": [{"name": "x", "price": 1}]}, {"date": "2026-01-01"},
                   {"_documentClient": {"name": "Other"}}, {"currencyId": "EUR"}):  # fmt: skip
        refused = api.patch(url, json=change)
        assert refused.status_code == 403, change
        assert "cancel it instead" in refused.json()["error"]["message"]
    assert api.patch(url, json={"note": "Hvala!"}).json()["note"] == "Hvala!"
    assert api.delete(url).status_code == 403
    assert api.post(f"{url}/replace", json=INVOICE).status_code == 403


def test_cancel_issues_a_fiscalized_negative_credit_note(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S14.2: the original kept, canceled; a credit note with negated lines referring
    to it (`ReferenceInvoice`); FISCAL §S14.3: a second cancel 422, uncancel and cancel of the
    credit note 403."""
    original = issue(api, verifying["id"]).json()
    answer = api.post(f"/v1/documents/{original['id']}/cancel")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] is True
    credit = api.get(f"/v1/documents/{body['creditNoteId']}").json()
    assert credit["type"] == "credit-note" and credit["number"] == "P1-D1-2"
    assert credit["totalWithTax"] == -original["totalWithTax"]
    assert credit["documentIds"] == [original["id"]]
    assert credit["_furs"]["status"] == "verified"
    sent = furs.invoices()[-1].invoice
    assert sent["InvoiceAmount"] == -Decimal(str(original["totalWithTax"]))
    assert sent["ReferenceInvoice"] == [{
        "ReferenceInvoiceIdentifier": {
            "BusinessPremiseID": "P1", "ElectronicDeviceID": "D1", "InvoiceNumber": "1"
        },
        "ReferenceInvoiceIssueDateTime": furs.invoices()[0].invoice["IssueDateTime"],
    }]  # fmt: skip
    assert api.get(f"/v1/documents/{original['id']}").json()["canceled"] is True
    assert api.post(f"/v1/documents/{original['id']}/cancel").status_code == 422
    assert api.post(f"/v1/documents/{original['id']}/uncancel").status_code == 403
    assert api.post(f"/v1/documents/{credit['id']}/cancel").status_code == 403


def test_a_cancel_after_a_rate_change_negates_the_rates_the_invoice_had(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S14.2: the credit note negates the invoice exactly, even when another rate of
    its tax is in force on the credit note's date."""
    oid = verifying["id"]
    made = api.post(
        f"/v1/organizations/{oid}/taxes",
        json={"name": "Testni DDV", "_taxRates": [{"rate": 20, "dateValidFrom": "2020-01-01"}]},
    )
    assert made.status_code == 200, made.text
    tax = made.json()
    line = {
        "name": "Kava",
        "price": 10,
        "quantity": 1,
        "_documentItemTaxes": [{"taxId": tax["id"]}],
    }
    original = issue(api, oid, _documentItems=[line]).json()
    assert original["totalWithTax"] == 12
    later = {"rate": 25, "dateValidFrom": original["date"][:10]}
    assert api.post(f"/v1/taxes/{tax['id']}/taxRates", json=later).status_code == 200
    answer = api.post(f"/v1/documents/{original['id']}/cancel")
    assert answer.status_code == 200, answer.text
    credit = api.get(f"/v1/documents/{answer.json()['creditNoteId']}").json()
    assert credit["totalWithTax"] == -12
    [credited] = credit["_documentItems"]
    assert [(t["taxId"], t["rate"]) for t in credited["_documentItemTaxes"]] == [(tax["id"], 20)]
    assert furs.invoices()[-1].invoice["InvoiceAmount"] == Decimal(-12)


def test_advances_and_credit_notes_are_fiscalized_and_a_credit_note_refers(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S8.1: advances and credit notes are fiscalized too, numbered with invoices
    (FISCAL §S9); FISCAL §S14.2: a credit note made directly refers to the fiscalized
    documents in its `documentIds` (`ReferenceInvoice`)."""
    oid = verifying["id"]
    advance = issue(api, oid, type="advance").json()
    assert (advance["number"], advance["_furs"]["status"]) == ("P1-D1-1", "verified")
    credit = issue(api, oid, type="credit-note", documentIds=[advance["id"]]).json()
    assert (credit["number"], credit["_furs"]["status"]) == ("P1-D1-2", "verified")
    by_zoi = {received.invoice["ProtectedID"]: received.invoice for received in furs.invoices()}
    first, second = by_zoi[advance["_furs"]["zoi"]], by_zoi[credit["_furs"]["zoi"]]
    assert "ReferenceInvoice" not in first
    assert second["ReferenceInvoice"] == [{
        "ReferenceInvoiceIdentifier": first["InvoiceIdentifier"],
        "ReferenceInvoiceIssueDateTime": first["IssueDateTime"],
    }]  # fmt: skip


# -- documents created by recurrences and orders (FISCAL §S8.1: every issued invoice) --------
def recurring(database: Database, settings: Settings, api: Api, document_id: str,
              **fields: Any) -> list[dict[str, Any]]:  # fmt: skip
    """A monthly recurrence of the document, its due iterations made by the worker's tick."""
    body = {"name": "Mesečno", "type": "month", "dateFirst": "2020-03-10", "numRecurrences": 2}
    made = api.post(f"/v1/documents/{document_id}/recurrence", json={**body, **fields})
    assert made.status_code == 200, made.text
    with database.transaction() as session:
        recurrences.ensure_tick(session)
    worker = Worker(database, settings, TASKS, kinds={recurrences.TICK})
    try:
        worker.run_once()
    finally:  # the tick renews itself: not other tests' business
        with database.transaction() as session:
            session.execute(
                update(Job).where(Job.kind == recurrences.TICK, Job.status == "pending")
                .values(status="done")
            )  # fmt: skip
    dates = api.get(f"/v1/recurrences/{made.json()['id']}").json()["_recurrenceDates"]
    return [api.get(f"/v1/documents/{d['documentId']}").json() for d in dates]


def test_a_recurrence_issues_fiscalized_copies_after_the_original(
    api: Api, verifying: dict[str, Any], furs: FursServer, org_identity: Issued,
    database: Database, fiscal_settings: Settings,
) -> None:  # fmt: skip
    """FISCAL §S8.1: the worker's copies are fiscalized like a create through the API: the
    original's place (FISCAL §S8.2), dated the moment of issue (FISCAL §S8.4), the next numbers
    (FISCAL §S9), the ZOI from the stored key (FISCAL §S1.1), one send after the commit
    (FISCAL §S12.1) and the EOR stored (FISCAL §S12.2)."""
    oid = verifying["id"]
    register_premise(api, oid, "P2", "D7")
    named = {"businessPremiseId": "P2", "electronicDeviceId": "D7"}
    original = issue(api, oid, _furs=named).json()
    assert original["number"] == "P2-D7-1"
    copies = recurring(database, fiscal_settings, api, original["id"])
    assert [c["number"] for c in copies] == ["P2-D7-2", "P2-D7-3"]
    today = datetime.now(LJUBLJANA).date()
    sent = {r.invoice["ProtectedID"]: r.invoice for r in furs.invoices()}
    for copy in copies:
        furs_field = copy["_furs"]
        assert furs_field["status"] == "verified" and furs_field["eor"] in furs.eors
        issued = datetime.fromisoformat(copy["date"].replace("Z", "+00:00"))
        assert issued.astimezone(LJUBLJANA).date() == today
        sequence = copy["number"].rsplit("-", 1)[-1]
        text = zoi_input(10000001, issued, sequence, "P2", "D7",
                         Decimal(str(copy["totalWithTax"])))  # fmt: skip
        assert furs_field["zoi"] == protected_id(org_identity.key, text)
        invoice = sent[furs_field["zoi"]]
        assert invoice["InvoiceIdentifier"] == {
            "BusinessPremiseID": "P2", "ElectronicDeviceID": "D7", "InvoiceNumber": sequence
        }  # fmt: skip
        assert invoice["InvoiceAmount"] == Decimal(str(original["totalWithTax"]))
        assert invoice["OperatorTaxNumber"] == 12345678
        assert invoice["SubsequentSubmit"] is False


def test_a_recurrence_copy_stays_pending_while_furs_is_down_then_is_resubmitted(
    api: Api, verifying: dict[str, Any], furs: FursServer, database: Database,
    fiscal_settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """FISCAL §S12.2: unreachable → pending with its ZOI, the copy still issued; FISCAL §S12.3:
    the worker resubmits it with `SubsequentSubmit` until verified."""
    monkeypatch.setattr(fiscal_settings, "furs_retry_delays", (timedelta(seconds=0.2),))
    monkeypatch.setattr(fiscal_settings, "furs_timeout_seconds", 1.0)
    original = issue(api, verifying["id"]).json()
    furs.down()
    [copy] = recurring(database, fiscal_settings, api, original["id"], numRecurrences=1)
    assert copy["number"] == "P1-D1-2"
    assert copy["_furs"]["status"] == "pending" and copy["_furs"]["eor"] is None
    furs.up()
    worker = Worker(database, fiscal_settings, TASKS, kinds={RESUBMIT})
    deadline = time.monotonic() + 20
    while api.get(f"/v1/documents/{copy['id']}").json()["_furs"]["status"] != "verified":
        assert time.monotonic() < deadline, "the copy was not resubmitted"
        worker.run_once()
        time.sleep(0.05)
    [resent] = [
        r.invoice for r in furs.invoices() if r.invoice["ProtectedID"] == copy["_furs"]["zoi"]
    ]
    assert resent["SubsequentSubmit"] is True


def test_a_recurrence_copy_of_a_skipped_invoice_is_skipped(
    api: Api, verifying: dict[str, Any], furs: FursServer, database: Database,
    fiscal_settings: Settings,
) -> None:  # fmt: skip
    """FISCAL §S8.6: the copy of a skipped invoice (a bank transfer) is skipped too."""
    original = issue(api, verifying["id"], _furs={"skip": True}).json()
    [copy] = recurring(database, fiscal_settings, api, original["id"], numRecurrences=1)
    assert copy["_furs"]["status"] == "skipped" and copy["date"].startswith("2020-03-10")
    assert copy["number"] == "2020-00001"
    assert furs.invoices() == []


ORDER = {
    "orderId": "shop-7",
    "currencyId": "EUR",
    "_billingAddress": {"name": "Janez Kranjski", "city": "Ljubljana", "country": "Slovenia"},
    "_items": [
        {"name": "Kava", "quantity": 2, "price": 1.5, "taxRate": 22},
        {"name": "Rogljiček", "quantity": 1, "price": 1.2, "taxRate": 9.5},
    ],
}


def test_an_order_becomes_a_fiscalized_invoice(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S8.1 for COMPAT §7.6's conversion: numbered per premise, sent after the commit
    and answered with its EOR; `_furs` in the conversion names the place or skips it
    (FISCAL §S8.2, FISCAL §S8.6); an estimate is not fiscalized."""
    oid = verifying["id"]
    order = api.post(f"/v1/organizations/{oid}/orders", json=ORDER).json()
    converted = api.post(f"/v1/orders/{order['id']}/documents/create", json={"type": "invoice"})
    assert converted.status_code == 200, converted.text
    invoice = converted.json()
    assert invoice["number"] == "P1-D1-1"
    (received,) = furs.invoices()
    assert invoice["_furs"]["status"] == "verified" and invoice["_furs"]["eor"] == furs.eors[-1]
    assert received.invoice["ProtectedID"] == invoice["_furs"]["zoi"]
    assert (
        received.invoice["InvoiceAmount"]
        == Decimal(str(invoice["totalWithTax"]))
        == Decimal("4.97")
    )
    estimate = api.post(f"/v1/orders/{order['id']}/documents/create", json={"type": "estimate"})
    assert estimate.json()["_furs"] is None
    other = api.post(f"/v1/organizations/{oid}/orders", json={**ORDER, "orderId": "shop-8"}).json()
    skipped = api.post(f"/v1/orders/{other['id']}/documents/create",
                       json={"type": "invoice", "_furs": {"skip": True}}).json()  # fmt: skip
    assert skipped["_furs"]["status"] == "skipped" and len(furs.invoices()) == 1


def test_an_order_invoice_is_pending_while_furs_is_down(
    api: Api, verifying: dict[str, Any], furs: FursServer
) -> None:
    """FISCAL §S12.2: unreachable never loses the invoice: 200, pending, its ZOI."""
    order = api.post(f"/v1/organizations/{verifying['id']}/orders", json=ORDER).json()
    furs.down()
    converted = api.post(f"/v1/orders/{order['id']}/documents/create", json={})
    assert converted.status_code == 200, converted.text
    furs_field = converted.json()["_furs"]
    assert furs_field["status"] == "pending" and len(furs_field["zoi"]) == 32
    refused = api.post(f"/v1/orders/{order['id']}/documents/create", json={})
    assert refused.status_code == 422  # converted once (COMPAT §7.6)
