"""Organization-scoped resources: the routes every model of the reference shares.

`/v1/organizations/:id/<collection>` (POST, GET, `/count`) and `/v1/<collection>/:id` (GET, PUT
and PATCH as partial update — COMPAT §1.10 — and DELETE, soft where the model is soft deleted,
COMPAT §5). Every create, update and delete records its event in the same transaction
(COMPAT §8.1). A domain supplies its schemas and, where it has rules, a `prepare` hook."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import APIRouter
from sqlalchemy.orm import Session

from spaceport.access.authorization import Scope, organization_scope
from spaceport.events import service as events
from spaceport.kit import listing
from spaceport.kit.db import Model, SoftDeleted
from spaceport.kit.errors import NotFound
from spaceport.kit.json import ApiResponse
from spaceport.kit.schemas import ApiModel
from spaceport.kit.serialize import to_api
from spaceport.kit.transaction import Db
from spaceport.kit.wire import Query, body_of

M = TypeVar("M", bound=Model)
Values = dict[str, Any]
# prepare(session, organization_id, values, instance or None) -> values to set
Prepare = Callable[[Session, str, Values, Any], Values]
# include(session, instances) -> {instance id: value of the included relation}
Include = Callable[[Session, list[Any]], Mapping[str, Any]]


T = TypeVar("T")


def live(instance: T | None, what: str) -> T:
    """COMPAT §5: a soft-deleted instance is gone for every route by id."""
    if instance is None or getattr(instance, "is_deleted", False):
        raise NotFound(f"Unknown {what} id")
    return instance


def keep(_session: Session, _organization_id: str, values: Values, _instance: Any) -> Values:
    return values


def deletable(_session: Session, _instance: Any) -> None:
    """A delete guard that allows every delete."""


@dataclass
class Resource(Generic[M]):
    model: type[M]
    event: str  # model name in events: "client" → client/create
    collection: str  # URL name: "clients"
    create_schema: type[ApiModel]
    update_schema: type[ApiModel]
    prepare: Prepare = keep
    serialize: Callable[[M], Values] = to_api
    includes: dict[str, Include] = field(default_factory=dict)
    # guard(session, instance) raises when the instance may not be deleted
    guard_delete: Callable[[Session, Any], None] = deletable

    # -- the use cases ---------------------------------------------------------------
    def create(self, session: Session, organization_id: str, values: Values) -> M:
        values = self.prepare(session, organization_id, values, None)
        instance = self.model(organization_id=organization_id, **values)
        session.add(instance)
        session.flush()
        events.record(session, self.event, "create", organization_id, self.serialize(instance))
        return instance

    def update(self, session: Session, instance: M, values: Values) -> M:
        organization_id: str = getattr(instance, "organization_id")  # noqa: B009
        values = self.prepare(session, organization_id, values, instance)
        for name, value in values.items():
            setattr(instance, name, value)
        session.flush()
        events.record(session, self.event, "update", organization_id, self.serialize(instance))
        return instance

    def delete(self, session: Session, instance: M) -> None:
        organization_id: str = getattr(instance, "organization_id")  # noqa: B009
        self.guard_delete(session, instance)
        if isinstance(instance, SoftDeleted):
            instance.soft_delete()
        else:
            session.delete(instance)
        session.flush()
        events.record(session, self.event, "delete", organization_id, self.serialize(instance))

    def live(self, instance: M | None) -> M:
        return live(instance, self.event)

    def answer_many(self, session: Session, rows: list[M], flt: listing.Filter) -> list[Values]:
        answers = [self.serialize(row) for row in rows]
        for relation in flt.include:
            name = relation if isinstance(relation, str) else next(iter(relation), "")
            include = self.includes.get(name)
            if include is None:
                continue  # LoopBack ignores relations a model does not have
            values = include(session, rows)
            for answer in answers:
                answer[name] = values.get(answer["id"])
        return [listing.project(answer, flt.fields) for answer in answers]

    # -- the routes --------------------------------------------------------------------
    def router(self) -> APIRouter:
        router = APIRouter(prefix="/v1", tags=[self.collection])
        in_organization = organization_scope()
        by_id = organization_scope(via=self.model)
        create_body = body_of(self.create_schema)
        update_body = body_of(self.update_schema)
        collection = self.collection

        @router.post(f"/organizations/{{id}}/{collection}", name=f"create_{self.event}")
        def create(session: Db, scope: Scope = in_organization, data: Any = create_body) -> Any:
            instance = self.create(session, scope.organization_id, data.given_with_defaults())
            return ApiResponse(self.serialize(instance))

        @router.get(f"/organizations/{{id}}/{collection}", name=f"list_{collection}")
        def find(session: Db, scope: Scope = in_organization, query: Values = Query) -> Any:
            flt = listing.parse_filter(query)
            condition = self.model.organization_id == scope.organization_id  # type: ignore[attr-defined]
            rows = listing.find_all(session, self.model, [condition], flt)
            return ApiResponse(self.answer_many(session, rows, flt))

        @router.get(f"/organizations/{{id}}/{collection}/count", name=f"count_{collection}")
        def count(session: Db, scope: Scope = in_organization, query: Values = Query) -> Any:
            condition = self.model.organization_id == scope.organization_id  # type: ignore[attr-defined]
            return ApiResponse({"count": listing.count(session, self.model, [condition], query)})

        @router.get(f"/{collection}/{{id}}", name=f"get_{self.event}")
        def get(session: Db, scope: Scope = by_id, query: Values = Query) -> Any:
            flt = listing.parse_filter(query)
            return ApiResponse(self.answer_many(session, [self.live(scope.instance)], flt)[0])

        @router.patch(f"/{collection}/{{id}}", name=f"patch_{self.event}")
        @router.put(f"/{collection}/{{id}}", name=f"put_{self.event}")
        def update(session: Db, scope: Scope = by_id, data: Any = update_body) -> Any:
            instance = self.update(session, self.live(scope.instance), data.given())
            return ApiResponse(self.serialize(instance))

        @router.delete(f"/{collection}/{{id}}", name=f"delete_{self.event}")
        def delete(session: Db, scope: Scope = by_id) -> Any:
            self.delete(session, self.live(scope.instance))
            return ApiResponse({"count": 1})

        return router
