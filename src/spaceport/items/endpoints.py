"""Items (reference "Items"; COMPAT §7.3, COMPAT §1.10 relation routes, COMPAT §1.11 search
aliases)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from spaceport.items import service
from spaceport.items.service import items
from spaceport.kit.answers import many
from spaceport.kit.crud import Scoped, Values, authorizing
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import parse_filter
from spaceport.kit.openapi import search_term
from spaceport.kit.routes import scoped_answer
from spaceport.kit.wire import QueryBody

router = items.router()
SEARCH_TERM = search_term(required=True)


# Added after the resource's routes: none of them can match these paths (`/items/{id}` has no
# organization before it; `/organizations/{id}/items/count` is a fixed word).
Items = many(items.answer_type)


def searched(session: Session, scope: Scoped, query: Values) -> Any:
    term = query.get("term")
    if not isinstance(term, str):
        raise BadRequest("`term` is required")
    flt = parse_filter(query)
    rows = service.search(session, scope.organization_id, term, flt)
    return items.answer_many(session, rows, flt)


@router.get(
    "/organizations/{id}/search-items",
    name="search_items",
    response_model=Items,
    openapi_extra=SEARCH_TERM,
)
@router.get(
    "/organizations/{id}/items/search",
    name="search_items_nested",
    response_model=Items,
    openapi_extra=SEARCH_TERM,
)
@authorizing
async def search(request: Request, body: bytes = QueryBody) -> Any:
    return await scoped_answer(items, None, request, body, searched)
