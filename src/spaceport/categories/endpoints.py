"""Categories (COMPAT §7.6, §1.10, §5, §8.1) and the categories a document is booked to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from spaceport.access.authorization import Scope, organization_scope
from spaceport.categories import service
from spaceport.categories.models import DocumentCategory
from spaceport.categories.schemas import DocumentCategoryCreate, DocumentCategoryUpdate
from spaceport.categories.service import categories
from spaceport.documents.models import Document
from spaceport.kit.json import ApiResponse
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import body_of
from spaceport.resources import live

router = categories.router()
of_document = organization_scope(via=Document)
booking_by_id = organization_scope(via=DocumentCategory)


def live_document(scope: Scope) -> Document:
    document: Document = live(scope.instance, "document")
    return document


@router.post("/documents/{id}/documentcategories")
def book(
    session: Db,
    scope: Scope = of_document,
    data: DocumentCategoryCreate = body_of(DocumentCategoryCreate),
) -> Any:
    return ApiResponse(to_api(service.book(session, live_document(scope), data.given())))


@router.get("/documents/{id}/documentcategories")
def bookings(session: Db, scope: Scope = of_document) -> Any:
    rows = session.scalars(
        select(DocumentCategory)
        .where(DocumentCategory.document_id == live_document(scope).id)
        .order_by(DocumentCategory.created_at, DocumentCategory.id)
    )
    return ApiResponse([to_api(row) for row in rows])


@router.get("/documentcategories/{id}")
def get_booking(scope: Scope = booking_by_id) -> Any:
    return ApiResponse(to_api(scope.instance))


@router.patch("/documentcategories/{id}")
@router.put("/documentcategories/{id}")
def update_booking(
    session: Db,
    scope: Scope = booking_by_id,
    data: DocumentCategoryUpdate = body_of(DocumentCategoryUpdate),
) -> Any:
    return ApiResponse(to_api(service.rebook(session, scope.instance, data.given())))


@router.delete("/documentcategories/{id}")
def delete_booking(session: Db, scope: Scope = booking_by_id) -> Any:
    service.unbook(session, scope.instance)
    return ApiResponse({"count": 1})
