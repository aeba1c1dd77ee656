"""Saving a new invoice (WEB §W4.3; WEB §W8 `…/documents/new`): Client (a saved client's name
in any case picks it; another name saves a new client as `_documentClient` does, COMPAT §6.4);
Save as draft and Issue create the invoice with the use case of
`POST /v1/organizations/:id/documents`, from the body the form makes, in a savepoint (a refusal
halfway leaves nothing). The form itself, its lines and its Totals are `invoice_form.py`; it
posts to itself to save."""

from __future__ import annotations

from typing import Any, Final

from fastapi import Request, Response
from sqlalchemy.orm import Session

from spaceport.clients.models import Client
from spaceport.documents import service
from spaceport.documents.models import Document
from spaceport.documents.schemas import DocumentCreate
from spaceport.kit import bounds
from spaceport.kit.db import within_limits
from spaceport.kit.errors import ValidationFailed
from spaceport.kit.routing import Router
from spaceport.kit.transaction import Db
from spaceport.kit.wire import validate
from spaceport.organizations.models import Organization
from spaceport.web.document_actions import moved_on, server_settings
from spaceport.web.forms import REQUIRED, messages_of
from spaceport.web.guard import FormDep, Place, WritingPlaceDep
from spaceport.web.invoice_form import NEW, Typed, form_page, item_of, offered, typed_of
from spaceport.web.pages import PageRoute, page_of
from spaceport.web.repository import CatalogRepository

router = Router(route_class=PageRoute, include_in_schema=False)
# the API's property of a line, as the form names its field
LINE_PROPERTIES: Final = {
    "name": "name",
    "quantity": "quantity",
    "unit": "unit",
    "price": "price",
    "_documentItemTaxes": "tax",
}
HEAD_PROPERTIES: Final = {
    "date": "date",
    "dateDue": "dateDue",
    "clientId": "client",
    "_documentClient": "client",
    "_documentClient.name": "client",
}


# -- from the form to the API's body --------------------------------------------------------------


def saved_client(session: Session, organization: Organization, name: str) -> Client | None:
    """WEB §W4.3: the saved client a name picks in any case; a name the API refuses (a NUL,
    which PostgreSQL takes in no query) picks none, and the API's check says why."""
    if bounds.string_problem(name) is not None:
        return None
    return CatalogRepository(session).client_named(organization.id, name)


def body_of(
    session: Session, organization: Organization, typed: Typed, draft: bool, t: Any
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The body `POST /v1/organizations/:id/documents` would be sent for this form, and the
    problems of its fields (the form's own checks; the API's come when it is validated)."""
    errors: dict[str, list[str]] = {}
    for name, value in (("client", typed.client), ("date", typed.date)):
        if not value:
            errors[name] = [t(REQUIRED)]
    taxes = {option.tax_id for option in offered(session, organization, typed)}
    items = []
    for index, line in enumerate(typed.lines):
        item, problems = item_of(line, taxes, t)
        items.append(item)
        errors.update({f"line-{index}-{name}": found for name, found in problems.items()})
    body: dict[str, Any] = {"type": "invoice", "draft": draft, "date": typed.date}
    if typed.due:
        body["dateDue"] = typed.due
    client = saved_client(session, organization, typed.client)
    if client is not None:
        body["clientId"] = client.id
    else:
        body["_documentClient"] = {"name": typed.client}
    body["_documentItems"] = items
    return body, errors


def fields_of(messages: dict[str, list[str]]) -> dict[str, list[str]]:
    """The API's 422 messages at the form's fields (`_documentItems.1.price` at line 2's
    Price); those of no field stay under the API's property, for the form's alert."""
    found: dict[str, list[str]] = {}
    for key, texts in messages.items():
        field = HEAD_PROPERTIES.get(key)
        parts = key.split(".")
        if field is None and len(parts) >= 3 and parts[0] == "_documentItems":
            name = LINE_PROPERTIES.get(parts[2])
            field = f"line-{parts[1]}-{name}" if name and parts[1].isdigit() else None
        found.setdefault(field or key, []).extend(texts)
    return found


def validated(body: dict[str, Any]) -> DocumentCreate:
    """The body as the API's create takes it: within kit.bounds, then its schema (a 422)."""
    bounds.check(body)
    return validate(DocumentCreate, body)


def create(session: Session, place: Place, data: DocumentCreate, request: Request) -> Document:
    """As the API's create: the invoice made by `documents.service` (numbered, fiscalized while
    on) in a savepoint, so a refusal halfway (a total beyond what is stored, found after the
    new client was saved and the number taken) leaves nothing."""
    server, account_id = server_settings(request), place.visitor.account.id
    with within_limits(session):
        return service.create(session, place.organization, account_id, data, server)


# -- saving ---------------------------------------------------------------------------------------


@router.post(NEW)
def save_invoice(request: Request, session: Db, place: WritingPlaceDep, form: FormDep) -> Response:
    """Save as draft or Issue; the document's page once it is saved (after FURS's answer when
    it was fiscalized, as the API answers), else the form with the errors at their fields."""
    organization, typed = place.organization, typed_of(form)
    action = form.get("action")
    if action not in ("draft", "issue"):
        return form_page(request, session, organization, typed, {})
    body, errors = body_of(session, organization, typed, action == "draft", page_of(request).t)
    try:
        data = validated(body)
    except ValidationFailed as failed:  # shown with the form's own, which come first
        errors = {**fields_of(messages_of(failed)), **errors}
    if not errors:
        try:
            document = create(session, place, data, request)
        except ValidationFailed as failed:
            errors = fields_of(messages_of(failed))
        else:
            return moved_on(request, session, f"{page_of(request).base}/documents/{document.id}")
    return form_page(request, session, organization, typed, errors, status=422)
