"""Items (reference "Items"; COMPAT §7.3, COMPAT §1.10 relation routes, COMPAT §1.11 search
aliases)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.items import service
from spaceport.items.service import items
from spaceport.kit.crud import Scoped, Values
from spaceport.kit.filters import parse_filter
from spaceport.kit.routes import searches

router = items.router()


# Added after the resource's routes: none of them can match these paths (`/items/{id}` has no
# organization before it; `/organizations/{id}/items/count` is a fixed word).
def searched(session: Session, scope: Scoped, query: Values, term: str) -> Any:
    flt = parse_filter(query)
    rows = service.search(session, scope.organization_id, term, flt)
    return items.answer_many(session, rows, flt)


SEARCHES = {
    "/organizations/{id}/search-items": "search_items",
    "/organizations/{id}/items/search": "search_items_nested",
}
searches(router, items, SEARCHES, searched)
