"""Spaceport's own actions (FLOWS §F6.2): they act with `createdBy`'s rights, record their
events, output the instance as answered, and commit with their step (FLOWS §F8.5); the
send-document flow's mail reaches a real SMTP server (aiosmtpd) with the PDF."""

from __future__ import annotations

from typing import Any

from spaceport.jobs.worker import Worker
from spaceport.kit.db import Database
from tests.conftest import Api, Inbox
from tests.flows.conftest import create_flow, manual_run, run_of, settle


def action(key: str, which: str, **input_: Any) -> dict[str, Any]:
    return {"key": key, "type": "action", "action": f"spaceport.{which}", "input": input_}


INVOICE = {
    "type": "invoice",
    "_documentClient": {"name": "{{ trigger.data.name }}", "email": "{{ trigger.data.email }}"},
    "_documentItems": [{"name": "Space suit", "quantity": 2, "price": "{{ trigger.data.price }}"}],
}


def test_create_document_pay_and_send_it(
    api: Api,
    organization: dict[str, Any],
    worker: Worker,
    database: Database,
    inbox: Inbox,
) -> None:
    oid = organization["id"]
    steps = [
        action("invoice", "createDocument", **INVOICE),
        action("paid", "createPayment", documentId="{{ steps.invoice.id }}", type="bank", amount=5),
        action("mail", "sendDocument", documentId="{{ steps.invoice.id }}", message="Thanks"),
    ]
    flow = create_flow(api, oid, steps)
    email = "flows-customer@example.com"
    run_id = manual_run(api, flow["id"], {"name": "Buzz", "email": email, "price": 100})
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "succeeded", run
    invoice, paid, mail = (s["output"] for s in run["steps"])
    assert invoice["_documentClient"]["name"] == "Buzz" and invoice["number"]
    assert paid["amount"] == 5 and paid["documentId"] == invoice["id"]
    assert mail == {"success": True, "recipients": [email]}
    document = api.get(f"/v1/documents/{invoice['id']}").json()
    assert document["totalPaid"] == 5
    settle(worker, database)
    worker.run_once()  # the send job queued by the step
    message = inbox.to(email)[-1]
    assert message["Subject"] == f"Invoice {invoice['number']}"
    pdfs = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    payload = pdfs[0].get_payload(decode=True)
    assert isinstance(payload, bytes) and payload.startswith(b"%PDF")
    events = api.get(
        f"/v1/organizations/{oid}/events", params={"filter[where][event]": "document/create"}
    )
    assert [e["data"]["id"] for e in events.json()] == [invoice["id"]]


def test_update_client_and_send_without_address(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    oid = organization["id"]
    client = api.post(f"/v1/organizations/{oid}/clients", json={"name": "Old"}).json()
    steps = [action("rename", "updateClient", id="{{ trigger.data.id }}", city="Bled")]
    flow = create_flow(api, oid, steps)
    run_id = manual_run(api, flow["id"], {"id": client["id"]})
    missing = manual_run(api, flow["id"], {"id": "0" * 24})
    settle(worker, database)
    assert run_of(api, run_id)["steps"][0]["output"]["city"] == "Bled"
    assert api.get(f"/v1/clients/{client['id']}").json()["city"] == "Bled"
    assert run_of(api, missing)["error"]["statusCode"] == 404
    document = api.post(
        f"/v1/organizations/{oid}/documents",
        json={
            "_documentClient": {"name": "No mail"},
            "_documentItems": [{"name": "x", "quantity": 1, "price": 1}],
        },
    ).json()
    sender = create_flow(
        api, oid, [action("mail", "sendDocument", documentId="{{ trigger.data.id }}")]
    )
    no_address = manual_run(api, sender["id"], {"id": document["id"]})
    settle(worker, database)
    run = run_of(api, no_address)
    assert run["status"] == "failed" and run["error"]["statusCode"] == 422


def test_a_refused_action_changes_nothing(
    api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F8.5: a document the service refuses leaves no client, no event, a failed step."""
    oid = organization["id"]
    steps = [action("invoice", "createDocument", type="invoice", _documentClient={"name": "x"})]
    flow = create_flow(api, oid, steps)
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed" and run["error"]["statusCode"] == 422
    assert api.get(f"/v1/organizations/{oid}/documents/count").json()["count"] == 0


def test_lost_write_access_is_403(
    client: Any, api: Api, organization: dict[str, Any], worker: Worker, database: Database
) -> None:
    """FLOWS §F6.2: the actions act with `createdBy`'s rights."""
    oid = organization["id"]
    colleague = Api(client)
    invited = api.post(
        f"/v1/organizations/{oid}/invite",
        data={"accountId": colleague.account_id, "requireConfirmation": "false"},
    ).json()
    flow = create_flow(colleague, oid, [action("c", "createClient", name="By colleague")])
    api.post(f"/v1/accountorganizations/{invited['id']}/change-role", data={"role": "readonly"})
    run_id = manual_run(api, flow["id"])
    settle(worker, database)
    run = run_of(api, run_id)
    assert run["status"] == "failed" and run["error"]["statusCode"] == 403
