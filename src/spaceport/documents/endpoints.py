"""Documents (reference "Documents"; COMPAT §6.1 through COMPAT §6.14)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import BackgroundTasks, Request, Response
from fastapi import Query as QueryParam
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from spaceport.access.authorization import (
    Scope,
    authorize,
    caller_of,
    organization_scope,
    scoped_prepare,
    scoped_write,
)
from spaceport.config import SettingsDep
from spaceport.documents import cancelling, numbering, printing, sending, service, statistics
from spaceport.documents.answers import ActivityAnswer
from spaceport.documents.models import TYPES, Document
from spaceport.documents.schemas import DocumentCreate, DocumentUpdate, SendRequest
from spaceport.documents.service import documents
from spaceport.einvoices import facturx
from spaceport.fiscal import hooks as fiscal
from spaceport.kit.answers import Count, Number, Success, many
from spaceport.kit.crud import Scoped, Values, authorizing
from spaceport.kit.db import Database, utcnow
from spaceport.kit.errors import invalid
from spaceport.kit.filters import parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.openapi import LAUNCH_CODE
from spaceport.kit.routes import searches
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db, write_gate, write_phase
from spaceport.kit.wire import Given, body_of, given_body
from spaceport.organizations.calendar import local_date
from spaceport.organizations.models import Organization
from spaceport.pdf.labels import LANGUAGES
from spaceport.pdf.render import Source, cached_render

# Added after the resource's routes: none of them can match these paths.
router = documents.router(only=("find", "count", "get"))
in_organization = organization_scope()
by_id = organization_scope(via=Document)
SEARCH_LIMIT = 50
LARGE_ANSWER = 100  # lines: an answer of more is rendered in a thread (issue 15 item 6)
Language = Annotated[str | None, QueryParam(alias="l")]
DocumentAnswer = documents.answer_type
Documents = many(DocumentAnswer)


class DocumentNumber(BaseModel):
    number: str | None


class NumberUniqueness(BaseModel):
    isUnique: bool


class Totals(BaseModel):
    """`/stats`: issued documents of one type and currency."""

    type: str
    currencyId: str
    count: int
    total: Number
    totalWithTax: Number
    totalPaid: Number
    totalDue: Number


def live(scope: Scope) -> Document:
    return documents.live(scope.instance)


@router.post("/organizations/{id}/documents", response_model=DocumentAnswer)
@authorizing
async def create_document(
    request: Request,
    background: BackgroundTasks,
    server: SettingsDep,
    given: Given[DocumentCreate] = given_body(DocumentCreate),
) -> Any:
    """Authorized and built in a reading transaction, then numbered and saved in a short write
    of its own (issue 15 item 6); a fiscalized one is created whole in the write."""

    def prepare(
        session: Session, scope: Scope
    ) -> tuple[Organization, str, DocumentCreate, service.Prepared | None]:
        organization, account_id, data = scope.organization, scope.caller.account.id, given()
        prepared = service.prepare(session, organization, account_id, data, server)
        return organization, account_id, data, prepared

    organization, account_id, data, prepared = await scoped_prepare(request, None, prepare)

    def write(writing: Session) -> tuple[str, dict[str, Any], list[str]]:
        if prepared is None:
            document = service.create(writing, organization, account_id, data, server)
            body = service.answer(document)
        else:
            document, body = service.store(
                writing, organization, prepared.document, data, server=server, prepared=prepared
            )
        return document.id, body, fiscal.issued(writing)

    document_id, body, records = await write_phase(request, background, write)
    if len(body["_documentItems"]) > LARGE_ANSWER:  # rendered off the event loop
        return await run_in_threadpool(answer_issued, request, records, document_id, body)
    return answer_issued(request, records, document_id, body)


def answered(request: Request, session: Session, document_id: str, body: Any) -> Any:
    """The answer; once a document was fiscalized in this transaction, the answer after the
    commit and FURS's one send (FISCAL §S12.1), the document read again."""
    return answer_issued(request, fiscal.issued(session), document_id, body)


def answer_issued(request: Request, records: list[str], document_id: str, body: Any) -> Any:
    """`answered`, given the fiscal records the transaction issued."""
    if not records:
        return ApiResponse(body)

    def read(reading: Session) -> Any:
        found = documents.repo(reading).get(document_id)
        return service.answer(found) if isinstance(body, dict) and "id" in body and found else body

    return fiscal.answer_after_send(request, records, read)


def searched(session: Session, scope: Scoped, query: Values, term: str) -> Any:
    flt = parse_filter(query)
    rows = service.search(session, scope.organization_id, term, flt.limit or SEARCH_LIMIT)
    return documents.answer_many(session, rows, flt, documents.serializer(query))


SEARCHES = {"/organizations/{id}/search-documents": "search_documents"}
searches(router, documents, SEARCHES, searched, answer=Documents, term_required=False)


def document_type(value: str | None) -> str:
    kind = value or "invoice"
    if kind not in TYPES:
        raise invalid("type", f"must be one of {', '.join(TYPES)}")
    return kind


@router.get("/organizations/{id}/next-doc-number", response_model=DocumentNumber)
def next_doc_number(
    session: Db, scope: Scope = in_organization, type: str | None = None, unitId: str | None = None
) -> Any:
    year = local_date(utcnow(), scope.organization).year
    last = numbering.last_sequence(
        session, scope.organization_id, document_type(type), year, unitId
    )
    return ApiResponse({"number": numbering.format_number(year, last + 1)})


@router.get("/organizations/{id}/last-doc-number", response_model=DocumentNumber)
def last_doc_number(
    session: Db, scope: Scope = in_organization, type: str | None = None, unitId: str | None = None
) -> Any:
    number = numbering.last_number(session, scope.organization_id, document_type(type), unitId)
    return ApiResponse({"number": number})


@router.get("/organizations/{id}/is-unique-doc-number", response_model=NumberUniqueness)
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
    unique = numbering.is_unique_number(session, scope.organization_id, kind, number, unitId)
    return ApiResponse({"isUnique": unique})


@router.get("/organizations/{id}/stats", response_model=list[Totals])
def stats(
    session: Db,
    scope: Scope = in_organization,
    dateFrom: date | None = None,
    dateTo: date | None = None,
) -> Any:
    return ApiResponse(
        statistics.by_type_and_currency(session, scope.organization, dateFrom, dateTo)
    )


@router.patch("/documents/{id}", response_model=DocumentAnswer)
@router.put("/documents/{id}", response_model=DocumentAnswer)
@authorizing
async def update_document(
    request: Request,
    background: BackgroundTasks,
    server: SettingsDep,
    given: Given[DocumentUpdate] = given_body(DocumentUpdate),
) -> Any:
    def updated(session: Session, scope: Scope) -> Any:
        account_id = scope.caller.account.id
        document = service.update(
            session, scope.organization, live(scope), given(), server, account_id
        )
        return answered(request, session, document.id, service.answer(document))

    return await scoped_write(request, background, Document, updated)


@router.post("/documents/{id}/replace", response_model=DocumentAnswer)
@authorizing
async def replace_document(
    request: Request,
    background: BackgroundTasks,
    given: Given[DocumentCreate] = given_body(DocumentCreate),
) -> Any:
    def replaced(session: Session, scope: Scope) -> Any:
        document = service.replace(session, scope.organization, live(scope), given())
        return ApiResponse(service.answer(document))

    return await scoped_write(request, background, Document, replaced)


def _deleted(session: Session, scope: Scope) -> Any:
    cancelling.delete(session, live(scope))
    return ApiResponse({"count": 1})


@router.delete("/documents/{id}", response_model=Count)
@authorizing
async def delete_document(request: Request, background: BackgroundTasks) -> Any:
    return await scoped_write(request, background, Document, _deleted)


class Canceled(Success):
    """FISCAL §S14.2: the cancel of a fiscalized invoice or advance also answers the id of the
    credit note it made (absent otherwise), typed for the OpenAPI document (COMPAT §1.13)."""

    credit_note_id: str | None = Field(default=None, alias="creditNoteId")


@router.post("/documents/{id}/cancel", response_model=Canceled)
@authorizing
async def cancel(request: Request, background: BackgroundTasks, server: SettingsDep) -> Any:
    """FISCAL §S14.2: a fiscalized one answers the credit note it gets too."""

    def canceled(session: Session, scope: Scope) -> Any:
        account_id = scope.caller.account.id
        credit = cancelling.cancel(session, scope.organization, live(scope), server, account_id)
        body = {"success": True, **({"creditNoteId": credit} if credit else {})}
        return answered(request, session, credit or "", body)

    return await scoped_write(request, background, Document, canceled)


def _uncanceled(session: Session, scope: Scope) -> Any:
    cancelling.uncancel(session, live(scope))
    return ApiResponse({"success": True})


@router.post("/documents/{id}/uncancel", response_model=Success)
@authorizing
async def uncancel(request: Request, background: BackgroundTasks) -> Any:
    return await scoped_write(request, background, Document, _uncanceled)


def _marked_sent(session: Session, scope: Scope) -> Any:
    cancelling.set_flag(session, live(scope), "sent_snail_mail", True)
    return ApiResponse({"success": True})


@router.post("/documents/{id}/mark-sent", response_model=Success)
@authorizing
async def mark_sent(request: Request, background: BackgroundTasks) -> Any:
    return await scoped_write(request, background, Document, _marked_sent)


@router.post("/documents/{id}/send", response_model=Success)
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
    reply_to = scope.caller.account.email
    sending.queue(session, live(scope), reply_to, language, data.model_dump())
    return ApiResponse({"success": True})


@router.get("/documents/{id}/activities", response_model=many(ActivityAnswer))
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
    caller = caller_of(session, request)
    document = printing.printable(session, document_id)
    organization, _access = authorize(session, caller, document.organization_id, "GET")
    return printing.document_source(session, document, organization, requested)


def render_pdf(database: Database, request: Request, document_id: str, lang: str | None) -> bytes:
    # DESIGN: slow work never runs while a transaction is open; the read ends before rendering.
    with database.transaction(write=False) as session:
        source = source_of(session, request, document_id, lang)
    return cached_render(source)


@router.get(
    "/documents/{id}/pdf",
    response_class=Response,
    openapi_extra=LAUNCH_CODE,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def document_pdf(
    request: Request, id: str, lang: Language = None, einvoice: str | None = None
) -> Response:
    """Reference: "Supported language flags en, sl, de, it, es, fr, cz. Defaults to
    Organization's locale"; `access_token` in the query works (COMPAT §3.1). `einvoice=facturx`
    is the same PDF as a Factur-X PDF/A-3, made by einvoices (EINV §E1.3)."""
    lang = lang.lower() if lang else None
    if lang is not None and lang not in LANGUAGES:
        raise invalid("l", f"must be one of {', '.join(LANGUAGES)}")
    database: Database = request.app.state.database
    if einvoice is not None:
        pdf = await run_in_threadpool(facturx.document_pdf, database, request, id, lang, einvoice)
    else:
        pdf = await run_in_threadpool(render_pdf, database, request, id, lang)
    headers = {"Content-Disposition": f'inline; filename="{id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
