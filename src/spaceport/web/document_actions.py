"""A document's actions (WEB §W4.4): Cancel document and Issue, Send by email and Record
payment. Every change goes through the documents services the API's routes use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from spaceport.config import Settings
from spaceport.documents import cancelling, sending, service
from spaceport.documents.models import Document
from spaceport.documents.payments import service as payments
from spaceport.documents.payments.schemas import PaymentCreate
from spaceport.documents.schemas import DocumentUpdate
from spaceport.fiscal import hooks as fiscal
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import validate
from spaceport.organizations.calendar import today as today_of
from spaceport.organizations.models import Organization
from spaceport.web.document import document_in, heading_of, may_pay
from spaceport.web.documents import PAYMENT_TYPES
from spaceport.web.forms import NOT_A_NUMBER, REQUIRED, decimal_of, messages_of
from spaceport.web.guard import FormDep, WritingPlaceDep
from spaceport.web.pages import PageNotFound, PageRoute, SeeOther, page_of, render, see_other

router = Router(route_class=PageRoute, include_in_schema=False)


class SeeOtherAfterSend(SeeOther):
    """FISCAL §S12.1 as the API's `answered` does it: a document fiscalized by this request is
    sent to FURS once, after the commit and in no transaction, before the browser is sent on."""

    def __init__(self, location: str, send_first: Callable[[], Any]) -> None:
        super().__init__(location)
        self.send_first = send_first

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.send_first()
        await super().__call__(scope, receive, send)


def moved_on(request: Request, session: Session, location: str) -> Response:
    """303 to `location`, after FURS's send when this transaction fiscalized a document."""
    records = fiscal.issued(session)
    if not records:
        return see_other(location)
    after = fiscal.answer_after_send(request, records, lambda _reading: None)
    return SeeOtherAfterSend(location, after.compute)


def server_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.post("/app/o/{organization_id}/documents/{document_id}/cancel")
def cancel_document(
    request: Request, session: Db, place: WritingPlaceDep, _form: FormDep, document_id: str
) -> Response:
    """As `POST /documents/:id/cancel` (COMPAT §6.13; FISCAL §S14.2's credit note too)."""
    document = document_in(session, place.organization, document_id)
    account_id = place.visitor.account.id
    server = server_settings(request)
    cancelling.cancel(session, place.organization, document, server, account_id)
    return moved_on(request, session, f"{page_of(request).base}/documents/{document.id}")


@router.post("/app/o/{organization_id}/documents/{document_id}/issue")
def issue_document(
    request: Request, session: Db, place: WritingPlaceDep, _form: FormDep, document_id: str
) -> Response:
    """A draft issued as `PATCH /documents/:id {"draft": false}` does (numbered, fiscalized)."""
    document = document_in(session, place.organization, document_id)
    data = validate(DocumentUpdate, {"draft": False})
    server, account_id = server_settings(request), place.visitor.account.id
    service.update(session, place.organization, document, data, server, account_id)
    return moved_on(request, session, f"{page_of(request).base}/documents/{document.id}")


# -- Send by email (WEB §W4.4) ------------------------------------------------------------------


def document_form(
    request: Request,
    template: str,
    document: Document,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
    **extra: Any,
) -> Response:
    """A form of one document's (Send by email, Record payment): its heading, a link back."""
    page = page_of(request)
    return render(
        request,
        template,
        status=status,
        heading=heading_of(document, page.t),
        url=f"{page.base}/documents/{document.id}",
        values=values,
        errors=errors,
        **extra,
    )


def send_form(
    request: Request,
    document: Document,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    return document_form(request, "document_send.html", document, values, errors, status)


@router.get("/app/o/{organization_id}/documents/{document_id}/send")
def show_send(request: Request, session: Db, place: WritingPlaceDep, document_id: str) -> Response:
    """To the client's email, Subject "<type> <number>"."""
    document = document_in(session, place.organization, document_id)
    page = page_of(request)
    values = {
        "recipients": str((document.document_client or {}).get("email") or ""),
        "subject": heading_of(document, page.t),
        "message": page.t("Please find the document attached."),
    }
    return send_form(request, document, values, {})


@router.post("/app/o/{organization_id}/documents/{document_id}/send")
def send_document(
    request: Request, session: Db, place: WritingPlaceDep, form: FormDep, document_id: str
) -> Response:
    """Queued as `POST /documents/:id/send` queues it: the worker mails it after the commit."""
    document = document_in(session, place.organization, document_id)
    values = {name: str(form.get(name) or "") for name in ("recipients", "subject", "message")}
    t = page_of(request).t
    errors = {name: [t(REQUIRED)] for name, value in values.items() if not value.strip()}
    if values["recipients"].strip():
        try:
            sending.recipients_of(values["recipients"])  # the API's 422 at To
        except ValidationFailed as failed:
            errors.update(messages_of(failed))
    if errors:
        return send_form(request, document, values, errors, status=422)
    sending.queue(session, document, place.visitor.account.email, None, values)
    return see_other(f"{page_of(request).base}/documents/{document.id}", "Email queued.")


# -- Record payment (WEB §W4.4) -------------------------------------------------------------------


def payment_form(
    request: Request,
    document: Document,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
) -> Response:
    template = "document_payment.html"
    return document_form(
        request, template, document, values, errors, status, payment_types=PAYMENT_TYPES
    )


def payable(session: Session, organization: Organization, document_id: str) -> Document:
    document = document_in(session, organization, document_id)
    if not may_pay(document):
        raise PageNotFound()
    return document


@router.get("/app/o/{organization_id}/documents/{document_id}/payments/new")
def show_payment(
    request: Request, session: Db, place: WritingPlaceDep, document_id: str
) -> Response:
    """Amount the amount due (`2440.00`), Date today, Type Bank transfer."""
    document = payable(session, place.organization, document_id)
    values = {
        "amount": f"{document.total_due:.2f}",
        "date": today_of(place.organization).isoformat(),
        "type": "bank",
    }
    return payment_form(request, document, values, {})


@router.post("/app/o/{organization_id}/documents/{document_id}/payments/new")
def record_payment(
    request: Request, session: Db, place: WritingPlaceDep, form: FormDep, document_id: str
) -> Response:
    """Saved as `POST /documents/:id/payments` saves it (COMPAT §6.9)."""
    document = payable(session, place.organization, document_id)
    values = {name: str(form.get(name) or "").strip() for name in ("amount", "date", "type")}
    errors = payment_errors(values, page_of(request).t)
    if not errors:
        body = {**values, "amount": str(decimal_of(values["amount"]))}
        try:
            with session.begin_nested():
                payments.pay(session, document, validate(PaymentCreate, body).given())
        except ValidationFailed as failed:
            errors = messages_of(failed)
    if errors:
        return payment_form(request, document, values, errors, status=422)
    return see_other(f"{page_of(request).base}/documents/{document.id}", "Payment saved.")


def payment_errors(values: dict[str, str], t: Callable[[str], str]) -> dict[str, list[str]]:
    errors = {name: [t(REQUIRED)] for name, value in values.items() if not value}
    if values["amount"] and decimal_of(values["amount"]) is None:
        errors["amount"] = [t(NOT_A_NUMBER)]
    if values["type"] and values["type"] not in PAYMENT_TYPES:
        errors["type"] = [t("Choose one of the options.")]
    return errors
