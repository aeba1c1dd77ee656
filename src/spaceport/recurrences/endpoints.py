"""Recurrence routes (reference "Recurrence"; COMPAT §7.5): under a document (singular and
plural), by id (PUT replaces, COMPAT §1.10's one exception; PATCH is partial) and listed or
counted in an organization. Events recurrence/create|update|delete come from the Resource.

`GET /documents/:id/recurrences` (003) lists the document's recurrences; `GET
/documents/:id/recurrence` (004, singular) answers its one live recurrence (COMPAT §7.5).
`?refresh=true` answers `_recurrenceDates` re-planned from the recurrence's current settings
(generated iterations keep their `documentId`). It is a read: copies are created by the
worker's `recurrence.tick` (tasks.py), never by a GET."""

from __future__ import annotations

from typing import Any

from spaceport.access.authorization import Scope, organization_scope
from spaceport.documents.models import Document
from spaceport.kit.answers import many
from spaceport.kit.errors import NotFound
from spaceport.kit.filters import Filter, parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.repository import live
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of
from spaceport.recurrences import service
from spaceport.recurrences.models import Recurrence
from spaceport.recurrences.repository import RecurrenceRepository
from spaceport.recurrences.schemas import RecurrenceCreate, RecurrenceUpdate
from spaceport.recurrences.service import recurrences

router = recurrences.router(only=("find", "count", "get", "delete"))
of_document = organization_scope(via=Document)
by_id = organization_scope(via=Recurrence)
create_body = body_of(RecurrenceCreate)
update_body = body_of(RecurrenceUpdate)
answer = recurrences.answer_type


def refreshed(recurrence: Recurrence) -> dict[str, Any]:
    answer = to_api(recurrence)
    answer["_recurrenceDates"] = service.plan(
        recurrence.date_first,
        recurrence.type,
        recurrence.num_recurrences,
        list(recurrence.recurrence_dates),
    )
    return answer


def refresh_asked(query: dict[str, Any]) -> bool:
    return str(query.get("refresh", "")).lower() in ("true", "1")


def answers(session: Db, rows: list[Recurrence], flt: Filter, query: dict[str, Any]) -> Any:
    serialize = refreshed if refresh_asked(query) else None
    return recurrences.answer_many(session, rows, flt, serialize=serialize)


@router.post("/documents/{id}/recurrence", response_model=answer)
@router.post("/documents/{id}/recurrences", response_model=answer)
def create(session: Db, scope: Scope = of_document, data: Any = create_body) -> Any:
    document = live(scope.instance, "document")
    values = data.given_with_defaults()
    values.update(document_id=document.id, account_id=scope.caller.account.id)
    return ApiResponse(to_api(recurrences.create(session, scope.organization_id, values)))


@router.get("/documents/{id}/recurrences", response_model=many(answer))
def list_for_document(session: Db, scope: Scope = of_document, query: Any = Query) -> Any:
    """COMPAT §7.5 (003): the document's recurrences, with the filter language."""
    document = live(scope.instance, "document")
    flt = parse_filter(query)
    rows = RecurrenceRepository(session).find(flt, Recurrence.document_id == document.id)
    return ApiResponse(answers(session, rows, flt, query))


@router.get("/documents/{id}/recurrence", response_model=answer)
def get_for_document(session: Db, scope: Scope = of_document, query: Any = Query) -> Any:
    """COMPAT §7.5 (004, singular): the document's one live recurrence object — the newest
    when several were created — and 404 when it has none."""
    document = live(scope.instance, "document")
    flt = parse_filter(query)
    found = RecurrenceRepository(session).newest_of(document.id)
    if found is None:
        raise NotFound("The document has no recurrence")
    return ApiResponse(answers(session, [found], flt, query)[0])


@router.put("/recurrences/{id}", response_model=answer)
def replace(session: Db, scope: Scope = by_id, data: Any = create_body) -> Any:
    """A replace: name, type, dateFirst and numRecurrences required (422), the optional ones
    not given go back to their defaults."""
    instance = recurrences.live(scope.instance)
    return ApiResponse(to_api(recurrences.update(session, instance, data.given_with_defaults())))


@router.patch("/recurrences/{id}", response_model=answer)
def update(session: Db, scope: Scope = by_id, data: Any = update_body) -> Any:
    given = {k: v for k, v in data.given().items() if v is not None}
    instance = recurrences.update(session, recurrences.live(scope.instance), given)
    return ApiResponse(to_api(instance))
