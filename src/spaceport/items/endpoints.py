"""Items (reference "Items"; COMPAT §7.3, COMPAT §1.10 relation routes, COMPAT §1.11 search
aliases)."""

from __future__ import annotations

from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.items import service
from spaceport.items.service import items
from spaceport.kit.answers import many
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query

router = items.router()
in_organization = organization_scope()


# Added after the resource's routes: none of them can match these paths (`/items/{id}` has no
# organization before it; `/organizations/{id}/items/count` is a fixed word).
Items = many(items.answer_type)


@router.get("/organizations/{id}/search-items", name="search_items", response_model=Items)
@router.get("/organizations/{id}/items/search", name="search_items_nested", response_model=Items)
def search(session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query) -> Any:
    term = query.get("term")
    if not isinstance(term, str):
        raise BadRequest("`term` is required")
    flt = parse_filter(query)
    rows = service.search(session, scope.organization_id, term, flt)
    return ApiResponse(items.answer_many(session, rows, flt))
