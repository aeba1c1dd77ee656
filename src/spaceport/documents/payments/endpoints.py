"""Payments (reference "Payments"; COMPAT §6.9): under a document, an organization (the
reference's singular `/organization/` too) and by id. Listed, counted and got through the
resource's routes; every change settles the document."""

from __future__ import annotations

from typing import Any

from fastapi import BackgroundTasks, Request
from sqlalchemy.orm import Session

from spaceport.access.authorization import Scope, scoped_write
from spaceport.documents.answers import PaymentAnswer
from spaceport.documents.models import Document
from spaceport.documents.payments import service
from spaceport.documents.payments.models import Payment
from spaceport.documents.payments.schemas import PaymentCreate, PaymentUpdate
from spaceport.documents.payments.service import payments
from spaceport.kit.answers import Count
from spaceport.kit.crud import authorizing
from spaceport.kit.errors import invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.serialize import to_api
from spaceport.kit.wire import Given, given_body
from spaceport.resources import live

router = payments.router(
    only=("find", "count", "get"), organization_paths=("organizations", "organization")
)
router.routes.extend(
    payments.children(
        Document,
        parent_collection="documents",
        key="document_id",
        paths=("payments",),
        only=("find", "count"),
    ).routes
)


def live_document(document: Document | None) -> Document:
    return live(document, "document")


def live_payment(scope: Scope) -> Payment:
    return payments.live(scope.instance)


def pay(session: Session, document: Document, data: PaymentCreate) -> Any:
    return ApiResponse(to_api(service.pay(session, document, data.given())))


@router.post("/documents/{id}/payments", response_model=PaymentAnswer)
@authorizing
async def create_for_document(
    request: Request,
    background: BackgroundTasks,
    given: Given[PaymentCreate] = given_body(PaymentCreate),
) -> Any:
    def paid(session: Session, scope: Scope) -> Any:
        return pay(session, live_document(scope.instance), given())

    return await scoped_write(request, background, Document, paid)


@router.post("/organizations/{id}/payments", response_model=PaymentAnswer)
@router.post("/organization/{id}/payments", response_model=PaymentAnswer)
@authorizing
async def create_in_organization(
    request: Request,
    background: BackgroundTasks,
    given: Given[PaymentCreate] = given_body(PaymentCreate),
) -> Any:
    def paid(session: Session, scope: Scope) -> Any:
        data = given()
        if not data.document_id:
            raise invalid("documentId", "is required")
        document = service.document_in(session, scope.organization_id, data.document_id)
        return pay(session, live_document(document), data)

    return await scoped_write(request, background, None, paid)


@router.patch("/payments/{id}", response_model=PaymentAnswer)
@router.put("/payments/{id}", response_model=PaymentAnswer)
@authorizing
async def update_payment(
    request: Request,
    background: BackgroundTasks,
    given: Given[PaymentUpdate] = given_body(PaymentUpdate),
) -> Any:
    def updated(session: Session, scope: Scope) -> Any:
        payment = live_payment(scope)
        document = live_document(service.document_of(session, payment))
        service.update(session, payment, document, given().given())
        return ApiResponse(to_api(payment))

    return await scoped_write(request, background, Payment, updated)


def _deleted(session: Session, scope: Scope) -> Any:
    payment = live_payment(scope)
    document = live_document(service.document_of(session, payment))
    service.delete(session, payment, document)
    return ApiResponse({"count": 1})


@router.delete("/payments/{id}", response_model=Count)
@authorizing
async def delete_payment(request: Request, background: BackgroundTasks) -> Any:
    return await scoped_write(request, background, Payment, _deleted)
