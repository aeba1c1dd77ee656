"""Recurrence routes (reference "Recurrence"; COMPAT §7.5): under a document (singular and
plural), by id (PUT replaces, COMPAT §1.10's one exception; PATCH is partial) and listed or
counted in an organization. Events recurrence/create|update|delete come from the Resource.

`GET /documents/:id/recurrence?refresh=true` answers `_recurrenceDates` re-planned from the
recurrence's current settings (generated iterations keep their `documentId`). It is a read:
copies are created by the worker's `recurrence.tick` (tasks.py), never by a GET."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from spaceport.access.authorization import Scope, organization_scope
from spaceport.documents.models import Document
from spaceport.kit import listing
from spaceport.kit.errors import NotFound
from spaceport.kit.json import ApiResponse
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of
from spaceport.recurrences import service
from spaceport.recurrences.models import Recurrence
from spaceport.recurrences.schemas import RecurrenceCreate, RecurrenceUpdate
from spaceport.resources import Resource

resource: Resource[Recurrence] = Resource(
    model=Recurrence,
    event="recurrence",
    collection="recurrences",
    create_schema=RecurrenceCreate,
    update_schema=RecurrenceUpdate,
    prepare=service.prepare,
)

router = APIRouter(prefix="/v1", tags=["recurrences"])
of_document = organization_scope(via=Document)
in_organization = organization_scope()
by_id = organization_scope(via=Recurrence)
create_body = body_of(RecurrenceCreate)
update_body = body_of(RecurrenceUpdate)


def live_document(document: Document | None) -> Document:
    if document is None or document.is_deleted:
        raise NotFound("Unknown document id")
    return document


def refreshed(recurrence: Recurrence) -> dict[str, Any]:
    answer = to_api(recurrence)
    answer["_recurrenceDates"] = service.plan(
        recurrence.date_first,
        recurrence.type,
        recurrence.num_recurrences,
        list(recurrence.recurrence_dates),
    )
    return answer


@router.post("/documents/{id}/recurrence")
@router.post("/documents/{id}/recurrences")
def create(session: Db, scope: Scope = of_document, data: Any = create_body) -> Any:
    document = live_document(scope.instance)
    values = data.given_with_defaults()
    values.update(document_id=document.id, account_id=scope.caller.account.id)
    return ApiResponse(to_api(resource.create(session, scope.organization_id, values)))


@router.get("/documents/{id}/recurrence")
@router.get("/documents/{id}/recurrences")
def list_for_document(session: Db, scope: Scope = of_document, query: Any = Query) -> Any:
    document = live_document(scope.instance)
    flt = listing.parse_filter(query)
    rows = listing.find_all(session, Recurrence, [Recurrence.document_id == document.id], flt)
    if str(query.get("refresh", "")).lower() in ("true", "1"):
        return ApiResponse(listing.answer_list(rows, flt, refreshed))
    return ApiResponse(resource.answer_many(session, rows, flt))


@router.get("/organizations/{id}/recurrences")
def find(session: Db, scope: Scope = in_organization, query: Any = Query) -> Any:
    flt = listing.parse_filter(query)
    condition = Recurrence.organization_id == scope.organization_id
    rows = listing.find_all(session, Recurrence, [condition], flt)
    return ApiResponse(resource.answer_many(session, rows, flt))


@router.get("/organizations/{id}/recurrences/count")
def count(session: Db, scope: Scope = in_organization, query: Any = Query) -> Any:
    condition = Recurrence.organization_id == scope.organization_id
    return ApiResponse({"count": listing.count(session, Recurrence, [condition], query)})


@router.get("/recurrences/{id}")
def get(session: Db, scope: Scope = by_id, query: Any = Query) -> Any:
    flt = listing.parse_filter(query)
    return ApiResponse(resource.answer_many(session, [resource.live(scope.instance)], flt)[0])


@router.put("/recurrences/{id}")
def replace(session: Db, scope: Scope = by_id, data: Any = create_body) -> Any:
    """A replace: name, type, dateFirst and numRecurrences required (422), the optional ones
    not given go back to their defaults."""
    instance = resource.update(session, resource.live(scope.instance), data.given_with_defaults())
    return ApiResponse(to_api(instance))


@router.patch("/recurrences/{id}")
def update(session: Db, scope: Scope = by_id, data: Any = update_body) -> Any:
    given = {k: v for k, v in data.given().items() if v is not None}
    instance = resource.update(session, resource.live(scope.instance), given)
    return ApiResponse(to_api(instance))


@router.delete("/recurrences/{id}")
def delete(session: Db, scope: Scope = by_id) -> Any:
    resource.delete(session, resource.live(scope.instance))
    return ApiResponse({"count": 1})
