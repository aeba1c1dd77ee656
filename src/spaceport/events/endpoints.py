"""Polling the outbox (COMPAT §8.1): scheduled triggers (viaSocket, Zapier, n8n) list an
organization's events, newest first, and deduplicate by `uid` (COMPAT §8.2)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.events.models import Event
from spaceport.kit.answers import answer_model, many
from spaceport.kit.crud import relations_asked
from spaceport.kit.filters import parse_filter, project
from spaceport.kit.json import ApiResponse
from spaceport.kit.repository import repository_of
from spaceport.kit.routing import Router
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query

router = Router(prefix="/v1", tags=["events"])
in_organization = organization_scope()
NEWEST_FIRST = [("createdAt", True)]


@router.get("/organizations/{id}/events", response_model=many(answer_model(Event)))
def list_events(session: Db, scope: Scope = in_organization, query: dict[str, Any] = Query) -> Any:
    """`uid`, `event`, `organizationId`, `data`, `createdAt`; `filter` as on every list."""
    flt = parse_filter(query)
    relations_asked(flt.include, (), "Event")  # COMPAT §4.3: an event has no relations
    if not flt.order:
        flt = replace(flt, order=NEWEST_FIRST)
    rows = repository_of(Event)(session).find_in(scope.organization_id, flt)
    return ApiResponse([project(to_api(row), flt.fields) for row in rows])
