"""`contextual.ingestDocument` (FLOWS §F6.4): a Spaceport document's PDF, rendered as
`GET /v1/documents/:id/pdf` renders it (documents/printing.py gathers it in one short read,
pdf/ renders it outside the transaction), sent to a datastore as `multipart/form-data`: `file`
named `<number>.pdf` (a draft `<id>.pdf`), `metadata` `{"custom_metadata":
{"spaceportDocumentId": id}}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import orjson
from contextual import AsyncContextualAI

from spaceport.documents import printing
from spaceport.documents.repository import DocumentRepository
from spaceport.flows.actions import ActionContext, StepError
from spaceport.organizations.models import Organization
from spaceport.pdf.render import Source, cached_render

Caller = Callable[[ActionContext, Callable[[AsyncContextualAI], Any]], Awaitable[Any]]


def pdf_source(ctx: ActionContext, document_id: str) -> tuple[str, Source]:
    """The file name and what the PDF shows, read in one short reading transaction."""
    with ctx.database.transaction(write=False) as session:
        document = DocumentRepository(session).get(document_id)  # live only (COMPAT §5.1)
        if document is None or document.organization_id != ctx.organization_id:
            raise StepError(f"No document {document_id!r} in this organization", status_code=422)
        organization = session.get(Organization, document.organization_id)
        assert organization is not None
        source = printing.document_source(session, document, organization, None)
        name = document.id if document.draft or not document.number else document.number
    return f"{name}.pdf", source


async def ingest_document(ctx: ActionContext, values: dict[str, Any], call: Caller) -> Any:
    document_id = values["documentId"]
    name, source = await anyio.to_thread.run_sync(pdf_source, ctx, document_id)
    pdf = await anyio.to_thread.run_sync(cached_render, source)
    metadata = orjson.dumps({"custom_metadata": {"spaceportDocumentId": document_id}}).decode()

    def request(client: AsyncContextualAI) -> Any:
        return client.datastores.documents.with_raw_response.ingest(
            values["datastoreId"], file=(name, pdf, "application/pdf"), metadata=metadata
        )

    return await call(ctx, request)
