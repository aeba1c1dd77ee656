"""`contextual.ingestDocument` (flows/ingest.py; FLOWS §F6.4): a Spaceport document's PDF, the
one `GET /v1/documents/:id/pdf` answers, sent as multipart to the loopback Contextual AI server,
named by its number (a draft by its id), with its id in the custom metadata."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader

from spaceport.config import Settings
from spaceport.flows.actions import StepError
from spaceport.kit.db import Database
from tests.conftest import Api
from tests.flows.contextual_server import API_KEY, ContextualServer
from tests.flows.test_contextual import context, run


def document(api: Api, oid: str, **extra: Any) -> dict[str, Any]:
    body = {
        "_documentClient": {"name": "Rocket Man"},
        "_documentItems": [{"name": "Space suit", "quantity": 1, "price": 1234.5}],
        **extra,
    }
    response = api.post(f"/v1/organizations/{oid}/documents", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_ingest_sends_the_document_pdf_named_by_its_number(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    private_allowed: Settings,
    contextual: ContextualServer,
) -> None:
    oid = organization["id"]
    invoice = document(api, oid)
    datastore = contextual.add_datastore("Invoices")
    ctx = context(database, private_allowed, contextual.base_url, organization_id=oid)
    output = run(ctx, "ingestDocument", {"datastoreId": datastore, "documentId": invoice["id"]})

    call = contextual.last()
    assert (call.method, call.path, call.key) == (
        "POST",
        f"/v1/datastores/{datastore}/documents",
        API_KEY,
    )
    assert call.headers["content-type"].startswith("multipart/form-data")
    name, kind, pdf = call.files["file"]
    assert (name, kind) == (f"{invoice['number']}.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF")
    assert pdf == api.get(f"/v1/documents/{invoice['id']}/pdf").content
    assert invoice["number"] in text_of(pdf)
    metadata = json.loads(call.form["metadata"])
    assert metadata == {"custom_metadata": {"spaceportDocumentId": invoice["id"]}}
    assert output == {"id": output["id"]}
    stored = contextual.documents[datastore][output["id"]]
    assert stored["custom_metadata"] == {"spaceportDocumentId": invoice["id"]}


def test_a_draft_is_named_by_its_id(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    private_allowed: Settings,
    contextual: ContextualServer,
) -> None:
    oid = organization["id"]
    draft = document(api, oid, draft=True)
    datastore = contextual.add_datastore("Drafts")
    ctx = context(database, private_allowed, contextual.base_url, organization_id=oid)
    run(ctx, "ingestDocument", {"datastoreId": datastore, "documentId": draft["id"]})
    assert contextual.last().files["file"][0] == f"{draft['id']}.pdf"


def test_a_document_of_another_organization_or_deleted_is_not_sent(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    private_allowed: Settings,
    contextual: ContextualServer,
) -> None:
    oid = organization["id"]
    invoice = document(api, oid)
    datastore = contextual.add_datastore("Invoices")
    stranger = context(database, private_allowed, contextual.base_url, organization_id="x" * 24)
    with pytest.raises(StepError, match="No document") as raised:
        run(stranger, "ingestDocument", {"datastoreId": datastore, "documentId": invoice["id"]})
    assert raised.value.status_code == 422 and raised.value.retryable is False
    draft = document(api, oid, draft=True)
    assert api.delete(f"/v1/documents/{draft['id']}").status_code == 200
    ctx = context(database, private_allowed, contextual.base_url, organization_id=oid)
    with pytest.raises(StepError, match="No document"):
        run(ctx, "ingestDocument", {"datastoreId": datastore, "documentId": draft["id"]})
    assert contextual.received == []


def test_a_provider_error_on_ingest_fails_the_step(
    api: Api,
    organization: dict[str, Any],
    database: Database,
    private_allowed: Settings,
    contextual: ContextualServer,
) -> None:
    oid = organization["id"]
    invoice = document(api, oid)
    ctx = context(database, private_allowed, contextual.base_url, organization_id=oid)
    with pytest.raises(StepError) as raised:
        run(ctx, "ingestDocument", {"datastoreId": "missing", "documentId": invoice["id"]})
    assert raised.value.record() == {
        "statusCode": 404,
        "message": "Contextual AI answered 404: Datastore not found",
    }
