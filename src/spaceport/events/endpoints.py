"""Polling the outbox (COMPAT §8.1): scheduled triggers (viaSocket, Zapier, n8n) list an
organization's events, newest first, and deduplicate by `uid` (COMPAT §8.2)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from spaceport.access.authorization import scoped_read
from spaceport.events.models import Event
from spaceport.kit.answers import answer_model, many
from spaceport.kit.crud import Scoped, Values, authorizing, relations_asked
from spaceport.kit.filters import parse_filter, project
from spaceport.kit.repository import repository_of
from spaceport.kit.routes import scoped_answer
from spaceport.kit.routing import Router
from spaceport.kit.serialize import to_api
from spaceport.kit.wire import QueryBody

router = Router(prefix="/v1", tags=["events"])
NEWEST_FIRST = [("createdAt", True)]


def listed(session: Session, scope: Scoped, query: Values) -> list[dict[str, Any]]:
    """`uid`, `event`, `organizationId`, `data`, `createdAt`; `filter` as on every list."""
    flt = parse_filter(query)
    relations_asked(flt.include, (), "Event")  # COMPAT §4.3: an event has no relations
    if not flt.order:
        flt = replace(flt, order=NEWEST_FIRST)
    rows = repository_of(Event)(session).find_in(scope.organization_id, flt)
    return [project(to_api(row), flt.fields) for row in rows]


@router.get("/organizations/{id}/events", response_model=many(answer_model(Event)))
@authorizing
async def list_events(request: Request, body: bytes = QueryBody) -> Any:
    """One phase, as the lists (issue 13): polled by every scheduled trigger."""
    return await scoped_answer(scoped_read, None, request, body, listed)
