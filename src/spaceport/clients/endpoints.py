"""Clients (reference "Clients"; COMPAT §1.10, COMPAT §1.11, COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.clients.service import clients, search
from spaceport.kit.answers import many
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query

router = clients.router()


def search_term(query: dict[str, Any]) -> str:
    term = query.get("term")
    if term is None:
        raise BadRequest("term is a required argument")  # as LoopBack answers it
    if not isinstance(term, str):
        raise BadRequest("term must be one text")
    return term


# COMPAT §1.11: the reference's `/clients/search` and the SDKs' `/search-clients`
Clients = many(clients.answer_type)


@router.get("/organizations/{id}/search-clients", name="search_clients", response_model=Clients)
@router.get(
    "/organizations/{id}/clients/search", name="search_clients_nested", response_model=Clients
)
def search_clients(
    session: Db, scope: Scope = organization_scope(), query: dict[str, Any] = Query
) -> Any:
    flt = parse_filter(query)
    rows = search(session, scope.organization_id, search_term(query), flt)
    return ApiResponse(clients.answer_many(session, rows, flt))
