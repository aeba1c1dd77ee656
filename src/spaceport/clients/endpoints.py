"""Clients (reference "Clients"; COMPAT §1.10, COMPAT §1.11, COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from spaceport.clients.service import clients, search
from spaceport.kit.crud import Scoped, Values
from spaceport.kit.filters import parse_filter
from spaceport.kit.routes import searches

router = clients.router()


def searched(session: Session, scope: Scoped, query: Values, term: str) -> Any:
    flt = parse_filter(query)
    return clients.answer_many(session, search(session, scope.organization_id, term, flt), flt)


# COMPAT §1.11: the reference's `/clients/search` and the SDKs' `/search-clients`
SEARCHES = {
    "/organizations/{id}/search-clients": "search_clients",
    "/organizations/{id}/clients/search": "search_clients_nested",
}
searches(router, clients, SEARCHES, searched)
