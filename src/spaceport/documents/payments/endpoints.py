"""Payments (reference "Payments"; COMPAT §6.9): under a document, an organization (the
reference's singular `/organization/` too) and by id. Listed, counted and got through the
resource's routes; every change settles the document."""

from __future__ import annotations

from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.documents.answers import PaymentAnswer
from spaceport.documents.models import Document
from spaceport.documents.payments import service
from spaceport.documents.payments.models import Payment
from spaceport.documents.payments.schemas import PaymentCreate, PaymentUpdate
from spaceport.documents.payments.service import payments
from spaceport.kit.answers import Count
from spaceport.kit.errors import invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import body_of
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
of_document = organization_scope(via=Document)
in_organization = organization_scope()
by_id = organization_scope(via=Payment)


def live_document(document: Document | None) -> Document:
    return live(document, "document")


def live_payment(scope: Scope) -> Payment:
    return payments.live(scope.instance)


def pay(session: Db, document: Document, data: PaymentCreate) -> Any:
    return ApiResponse(to_api(service.pay(session, document, data.given())))


@router.post("/documents/{id}/payments", response_model=PaymentAnswer)
def create_for_document(
    session: Db, scope: Scope = of_document, data: PaymentCreate = body_of(PaymentCreate)
) -> Any:
    return pay(session, live_document(scope.instance), data)


@router.post("/organizations/{id}/payments", response_model=PaymentAnswer)
@router.post("/organization/{id}/payments", response_model=PaymentAnswer)
def create_in_organization(
    session: Db, scope: Scope = in_organization, data: PaymentCreate = body_of(PaymentCreate)
) -> Any:
    if not data.document_id:
        raise invalid("documentId", "is required")
    document = service.document_in(session, scope.organization_id, data.document_id)
    return pay(session, live_document(document), data)


@router.patch("/payments/{id}", response_model=PaymentAnswer)
@router.put("/payments/{id}", response_model=PaymentAnswer)
def update_payment(
    session: Db, scope: Scope = by_id, data: PaymentUpdate = body_of(PaymentUpdate)
) -> Any:
    payment = live_payment(scope)
    document = live_document(service.document_of(session, payment))
    service.update(session, payment, document, data.given())
    return ApiResponse(to_api(payment))


@router.delete("/payments/{id}", response_model=Count)
def delete_payment(session: Db, scope: Scope = by_id) -> Any:
    payment = live_payment(scope)
    document = live_document(service.document_of(session, payment))
    service.delete(session, payment, document)
    return ApiResponse({"count": 1})
