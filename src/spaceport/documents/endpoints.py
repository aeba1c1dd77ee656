"""Documents (reference "Documents"; COMPAT §6.1 through COMPAT §6.14)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Query as QueryParam
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport import resources
from spaceport.access.authorization import Scope, authorize, current_caller, organization_scope
from spaceport.documents import numbering, printing, repository, sending, service, statistics
from spaceport.documents.models import TYPES, Document
from spaceport.documents.schemas import DocumentCreate, DocumentUpdate, SendRequest
from spaceport.kit import listing
from spaceport.kit.db import Database, utcnow
from spaceport.kit.errors import invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db, write_gate
from spaceport.kit.wire import Query, body_of
from spaceport.organizations.calendar import local_date
from spaceport.pdf.labels import LANGUAGES
from spaceport.pdf.render import Source, cached_render

router = APIRouter(prefix="/v1", tags=["documents"])
in_organization = organization_scope()
by_id = organization_scope(via=Document)
SEARCH_LIMIT = 50
Language = Annotated[str | None, QueryParam(alias="l")]


def live(scope: Scope) -> Document:
    document: Document = resources.live(scope.instance, "document")
    return document


def parse_smartcodes(query: dict[str, Any]) -> bool:
    return str(query.get("parseSmartcodes", "true")).lower() not in ("false", "0")


def answers(session: Session, rows: list[Document], query: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents with the relations asked for in `filter[include]` (COMPAT §4.3)."""
    flt = listing.parse_filter(query)
    parse = parse_smartcodes(query)
    bodies = [service.answer(row, parse) for row in rows]
    names = {r if isinstance(r, str) else next(iter(r), "") for r in flt.include}
    for name, found in repository.included(session, rows, names).items():
        for body in bodies:
            body[name] = found.get(body["id"])
    return [listing.project(body, flt.fields) for body in bodies]


@router.post("/organizations/{id}/documents")
def create_document(
    session: Db, scope: Scope = in_organization, data: DocumentCreate = body_of(DocumentCreate)
) -> Any:
    document = service.create(session, scope.organization, scope.caller.account.id, data)
    return ApiResponse(service.answer(document))


@router.get("/organizations/{id}/documents")
def list_documents(
    session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query
) -> Any:
    flt = listing.parse_filter(query)
    rows = listing.find_all(
        session, Document, [Document.organization_id == scope.organization_id], flt
    )
    return ApiResponse(answers(session, rows, query))


@router.get("/organizations/{id}/documents/count")
def count_documents(
    session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query
) -> Any:
    condition = Document.organization_id == scope.organization_id
    return ApiResponse({"count": listing.count(session, Document, [condition], query)})


@router.get("/organizations/{id}/search-documents")
def search_documents(
    session: Db, scope: Scope = in_organization, term: str = "", query: dict[str, Any] = Query
) -> Any:
    limit = listing.parse_filter(query).limit or SEARCH_LIMIT
    rows = repository.search(session, scope.organization_id, term, limit)
    return ApiResponse(answers(session, rows, query))


def document_type(value: str | None) -> str:
    kind = value or "invoice"
    if kind not in TYPES:
        raise invalid("type", f"must be one of {', '.join(TYPES)}")
    return kind


@router.get("/organizations/{id}/next-doc-number")
def next_doc_number(
    session: Db, scope: Scope = in_organization, type: str | None = None, unitId: str | None = None
) -> Any:
    year = local_date(utcnow(), scope.organization).year
    last = numbering.last_sequence(
        session, scope.organization_id, document_type(type), year, unitId
    )
    return ApiResponse({"number": numbering.format_number(year, last + 1)})


@router.get("/organizations/{id}/last-doc-number")
def last_doc_number(
    session: Db, scope: Scope = in_organization, type: str | None = None, unitId: str | None = None
) -> Any:
    number = repository.last_number(session, scope.organization_id, document_type(type), unitId)
    return ApiResponse({"number": number})


@router.get("/organizations/{id}/is-unique-doc-number")
def is_unique_doc_number(
    session: Db,
    scope: Scope = in_organization,
    number: str = "",
    type: str | None = None,
    unitId: str | None = None,
) -> Any:
    if not number:
        raise invalid("number", "is required")
    kind = document_type(type)
    unique = service.is_unique_number(session, scope.organization_id, kind, number, unitId)
    return ApiResponse({"isUnique": unique})


@router.get("/organizations/{id}/stats")
def stats(
    session: Db,
    scope: Scope = in_organization,
    dateFrom: date | None = None,
    dateTo: date | None = None,
) -> Any:
    return ApiResponse(
        statistics.by_type_and_currency(session, scope.organization, dateFrom, dateTo)
    )


@router.get("/documents/{id}")
def get_document(session: Db, scope: Scope = by_id, query: dict[str, Any] = Query) -> Any:
    return ApiResponse(answers(session, [live(scope)], query)[0])


@router.patch("/documents/{id}")
@router.put("/documents/{id}")
def update_document(
    session: Db, scope: Scope = by_id, data: DocumentUpdate = body_of(DocumentUpdate)
) -> Any:
    document = service.update(session, scope.organization, live(scope), data)
    return ApiResponse(service.answer(document))


@router.post("/documents/{id}/replace")
def replace_document(
    session: Db, scope: Scope = by_id, data: DocumentCreate = body_of(DocumentCreate)
) -> Any:
    document = service.replace(session, scope.organization, live(scope), data)
    return ApiResponse(service.answer(document))


@router.delete("/documents/{id}")
def delete_document(session: Db, scope: Scope = by_id) -> Any:
    service.delete(session, live(scope))
    return ApiResponse({"count": 1})


@router.post("/documents/{id}/cancel")
def cancel(session: Db, scope: Scope = by_id) -> Any:
    service.set_flag(session, live(scope), "canceled", True)
    return ApiResponse({"success": True})


@router.post("/documents/{id}/uncancel")
def uncancel(session: Db, scope: Scope = by_id) -> Any:
    service.set_flag(session, live(scope), "canceled", False)
    return ApiResponse({"success": True})


@router.post("/documents/{id}/mark-sent")
def mark_sent(session: Db, scope: Scope = by_id) -> Any:
    service.set_flag(session, live(scope), "sent_snail_mail", True)
    return ApiResponse({"success": True})


@router.post("/documents/{id}/send")
def send(
    session: Db,
    scope: Scope = by_id,
    lang: Language = None,
    data: SendRequest = body_of(SendRequest),
) -> Any:
    """Queued in this transaction; the worker sends it after the commit."""
    if lang is not None and lang.lower() not in LANGUAGES:
        raise invalid("l", f"must be one of {', '.join(LANGUAGES)}")
    language = lang.lower() if lang else None
    sending.queue(session, live(scope), scope.caller.account, language, data.model_dump())
    return ApiResponse({"success": True})


@router.get("/documents/{id}/activities")
def activities(session: Db, scope: Scope = by_id) -> Any:
    return ApiResponse([to_api(a) for a in sending.activities_of(session, live(scope))])


@router.get("/t/{token}.gif", include_in_schema=False)
async def tracking_pixel(request: Request, token: str) -> Response:
    """Opened: the pixel of a sent mail was fetched. Unknown tokens get the pixel too."""
    database: Database = request.app.state.database

    def record() -> None:
        with database.transaction() as session:
            sending.opened(session, token)

    async with write_gate(request):  # a writer like any other (kit.transaction)
        await run_in_threadpool(record)
    return Response(sending.PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


# -- PDF (reference "Retrieve a Document PDF") --------------------------------------------------


def source_of(
    session: Session, request: Request, document_id: str, requested: str | None
) -> Source:
    caller = current_caller(request, session)
    document = printing.printable(session, document_id)
    organization, _access = authorize(session, caller, document.organization_id, "GET")
    return printing.document_source(session, document, organization, requested)


def render_pdf(database: Database, request: Request, document_id: str, lang: str | None) -> bytes:
    # DESIGN: slow work never runs while a transaction is open; the read ends before rendering.
    with database.transaction(write=False) as session:
        source = source_of(session, request, document_id, lang)
    return cached_render(source)


@router.get("/documents/{id}/pdf", response_class=Response)
async def document_pdf(request: Request, id: str, lang: Language = None) -> Response:
    """Reference: "Supported language flags en, sl, de, it, es, fr, cz. Defaults to
    Organization's locale"; `access_token` in the query works (COMPAT §3.1)."""
    lang = lang.lower() if lang else None
    if lang is not None and lang not in LANGUAGES:
        raise invalid("l", f"must be one of {', '.join(LANGUAGES)}")
    database: Database = request.app.state.database
    pdf = await run_in_threadpool(render_pdf, database, request, id, lang)
    headers = {"Content-Disposition": f'inline; filename="{id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
