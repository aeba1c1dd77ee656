"""Payments (reference "Payments"; COMPAT §6.9): under a document, an organization (the
reference's singular `/organization/` too) and by id. Every change settles the document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spaceport.access.authorization import Scope, organization_scope
from spaceport.documents.models import Document
from spaceport.documents.payments import service
from spaceport.documents.payments.models import Payment
from spaceport.documents.payments.schemas import PaymentCreate, PaymentUpdate
from spaceport.kit import listing
from spaceport.kit.errors import invalid
from spaceport.kit.json import ApiResponse
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of
from spaceport.resources import live

router = APIRouter(prefix="/v1", tags=["payments"])
of_document = organization_scope(via=Document)
in_organization = organization_scope()
by_id = organization_scope(via=Payment)


def live_document(document: Document | None) -> Document:
    return live(document, "document")


def live_payment(scope: Scope) -> Payment:
    payment: Payment = live(scope.instance, "payment")
    return payment


def pay(session: Db, document: Document, data: PaymentCreate) -> Any:
    return ApiResponse(to_api(service.pay(session, document, data.given())))


@router.post("/documents/{id}/payments")
def create_for_document(
    session: Db, scope: Scope = of_document, data: PaymentCreate = body_of(PaymentCreate)
) -> Any:
    return pay(session, live_document(scope.instance), data)


@router.post("/organizations/{id}/payments")
@router.post("/organization/{id}/payments")
def create_in_organization(
    session: Db, scope: Scope = in_organization, data: PaymentCreate = body_of(PaymentCreate)
) -> Any:
    if not data.document_id:
        raise invalid("documentId", "is required")
    document = service.document_in(session, scope.organization_id, data.document_id)
    return pay(session, live_document(document), data)


@router.get("/documents/{id}/payments")
def list_for_document(
    session: Db, scope: Scope = of_document, query: dict[str, Any] = Query
) -> Any:
    flt = listing.parse_filter(query)
    condition = Payment.document_id == live_document(scope.instance).id
    return ApiResponse(
        listing.answer_list(listing.find_all(session, Payment, [condition], flt), flt, to_api)
    )


@router.get("/documents/{id}/payments/count")
def count_for_document(
    session: Db, scope: Scope = of_document, query: dict[str, Any] = Query
) -> Any:
    condition = Payment.document_id == live_document(scope.instance).id
    return ApiResponse({"count": listing.count(session, Payment, [condition], query)})


@router.get("/organizations/{id}/payments")
@router.get("/organization/{id}/payments")
def list_in_organization(
    session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query
) -> Any:
    flt = listing.parse_filter(query)
    condition = Payment.organization_id == scope.organization_id
    return ApiResponse(
        listing.answer_list(listing.find_all(session, Payment, [condition], flt), flt, to_api)
    )


@router.get("/organizations/{id}/payments/count")
@router.get("/organization/{id}/payments/count")
def count_in_organization(
    session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query
) -> Any:
    condition = Payment.organization_id == scope.organization_id
    return ApiResponse({"count": listing.count(session, Payment, [condition], query)})


@router.get("/payments/{id}")
def get_payment(scope: Scope = by_id) -> Any:
    return ApiResponse(to_api(live_payment(scope)))


@router.patch("/payments/{id}")
@router.put("/payments/{id}")
def update_payment(
    session: Db, scope: Scope = by_id, data: PaymentUpdate = body_of(PaymentUpdate)
) -> Any:
    payment = live_payment(scope)
    document = live_document(service.document_of(session, payment))
    service.update(session, payment, document, data.given())
    return ApiResponse(to_api(payment))


@router.delete("/payments/{id}")
def delete_payment(session: Db, scope: Scope = by_id) -> Any:
    payment = live_payment(scope)
    document = live_document(service.document_of(session, payment))
    service.delete(session, payment, document)
    return ApiResponse({"count": 1})
