"""`GET /v1/documents/:id/einvoice?format=ubl|cii|eslog` (EINV §E1.1, EINV §E1.2)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.access.authorization import authorize, caller_of
from spaceport.documents import printing
from spaceport.einvoices import cii, eslog, service, ubl
from spaceport.einvoices.model import EInvoice
from spaceport.kit.db import Database
from spaceport.kit.routing import Router

router = Router(prefix="/v1", tags=["einvoices"])
WRITERS: dict[str, Callable[[EInvoice], bytes]] = {
    "ubl": ubl.to_xml,
    "cii": cii.to_xml,
    "eslog": eslog.to_xml,
}
FORMATS = ("ubl", "cii", "eslog")
FORMAT_MESSAGE = f"must be one of {', '.join(FORMATS)}"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
MEDIA_TYPE = "application/xml; charset=utf-8"


def gather(
    session: Session, request: Request, document_id: str, refused: dict[str, list[str]]
) -> EInvoice:
    """Access as for the PDF (EINV §E1.1): launch code or `access_token`, any role."""
    caller = caller_of(session, request)
    document = printing.printable(session, document_id)
    organization, _access = authorize(session, caller, document.organization_id, "GET")
    return service.einvoice_of(session, document, organization, refused)


def produce(
    database: Database, request: Request, document_id: str, kind: str | None
) -> tuple[EInvoice, bytes]:
    """A read (EINV §E1.4): the view is gathered in one short transaction, written after."""
    refused = {} if kind in WRITERS else {"format": [FORMAT_MESSAGE]}
    with database.transaction(write=False) as session:
        invoice = gather(session, request, document_id, refused)
    assert kind is not None  # else `gather` refused
    return invoice, WRITERS[kind](invoice)


def filename(number: str, kind: str) -> str:
    """EINV §E1.1: other characters than letters, digits and `-_.` become `_`."""
    return f"{UNSAFE.sub('_', number)}.{kind}.xml"


@router.get("/documents/{id}/einvoice", response_class=Response)
async def document_einvoice(request: Request, id: str, format: str | None = None) -> Response:
    kind = format.strip().lower() if format else None
    database: Database = request.app.state.database
    invoice, body = await run_in_threadpool(produce, database, request, id, kind)
    assert kind is not None
    disposition = f'attachment; filename="{filename(invoice.number, kind)}"'
    return Response(body, media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition})
