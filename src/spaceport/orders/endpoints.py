"""Orders (COMPAT §7.6, COMPAT §1.10, COMPAT §5.1, COMPAT §8.1): the shared resource routes and the
conversion."""

from __future__ import annotations

from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.documents import service as documents
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import body_of
from spaceport.orders import service
from spaceport.orders.models import Order
from spaceport.orders.schemas import OrderConversion

router = service.orders.router()
by_id = organization_scope(via=Order)


@router.post("/orders/{id}/documents/create", name="create_order_document")
def create_document(
    session: Db, scope: Scope = by_id, data: OrderConversion = body_of(OrderConversion)
) -> Any:
    """`POST /v1/orders/:id/documents/create {type}`: the answer is the new document."""
    order = service.orders.live(scope.instance)
    document = service.convert(
        session, scope.organization, scope.caller.account.id, order, data.type
    )
    return ApiResponse(documents.answer(document))
