"""Orders (COMPAT §7.6, COMPAT §1.10, COMPAT §5.1, COMPAT §8.1): the shared resource routes and the
conversion."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from spaceport.access.authorization import Scope, organization_scope
from spaceport.config import SettingsDep
from spaceport.documents import service as documents
from spaceport.fiscal import hooks as fiscal
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import body_of
from spaceport.orders import service
from spaceport.orders.models import Order
from spaceport.orders.schemas import OrderConversion

router = service.orders.router()
by_id = organization_scope(via=Order)


@router.post(
    "/orders/{id}/documents/create",
    name="create_order_document",
    response_model=documents.documents.answer_type,
)
def create_document(
    session: Db,
    request: Request,
    server: SettingsDep,
    scope: Scope = by_id,
    data: OrderConversion = body_of(OrderConversion),
) -> Any:
    """`POST /v1/orders/:id/documents/create {type}`: the answer is the new document; a
    fiscalized one answers after the commit and FURS's one send (FISCAL §S12.1)."""
    order = service.orders.live(scope.instance)
    document = service.convert(
        session, scope.organization, scope.caller.account.id, order, data.type, server, data.furs
    )
    records = fiscal.issued(session)
    if not records:
        return ApiResponse(documents.answer(document))
    document_id = document.id

    def read(reading: Session) -> Any:
        found = documents.documents.repo(reading).get(document_id)
        return documents.answer(found) if found is not None else None

    return fiscal.answer_after_send(request, records, read)
