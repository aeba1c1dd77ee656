"""Clients (reference "Clients"; COMPAT §1.10, COMPAT §1.11, COMPAT §5.1, COMPAT §8.1)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from spaceport.clients.service import clients, search
from spaceport.kit.answers import many
from spaceport.kit.crud import Scoped, Values, authorizing
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import parse_filter
from spaceport.kit.openapi import search_term
from spaceport.kit.routes import scoped_answer
from spaceport.kit.wire import QueryBody

SEARCH_TERM = search_term(required=True)
router = clients.router()


def term_of(query: dict[str, Any]) -> str:
    term = query.get("term")
    if term is None:
        raise BadRequest("term is a required argument")  # as LoopBack answers it
    if not isinstance(term, str):
        raise BadRequest("term must be one text")
    return term


# COMPAT §1.11: the reference's `/clients/search` and the SDKs' `/search-clients`
Clients = many(clients.answer_type)


def searched(session: Session, scope: Scoped, query: Values) -> Any:
    flt = parse_filter(query)
    rows = search(session, scope.organization_id, term_of(query), flt)
    return clients.answer_many(session, rows, flt)


@router.get(
    "/organizations/{id}/search-clients",
    name="search_clients",
    response_model=Clients,
    openapi_extra=SEARCH_TERM,
)
@router.get(
    "/organizations/{id}/clients/search",
    name="search_clients_nested",
    response_model=Clients,
    openapi_extra=SEARCH_TERM,
)
@authorizing
async def search_clients(request: Request, body: bytes = QueryBody) -> Any:
    return await scoped_answer(clients, None, request, body, searched)
