"""The routes of a declared resource (`kit.crud.Crud`), opted into by name.

`router(resource, only=...)` serves, for the names in `only`:

- `create`: `POST /v1/organizations/:id/<collection>`
- `find`, `count`: `GET /v1/organizations/:id/<collection>` and `/count` (COMPAT §4.1, COMPAT §4.5)
  (also under each other spelling of `organizations` given in `organization_paths`)
- `get`: `GET /v1/<collection>/:id` (`filter[include]`, `filter[fields]`)
- `update`: `PUT` and `PATCH /v1/<collection>/:id`, both a partial update (COMPAT §1.10)
- `delete`: `DELETE /v1/<collection>/:id`, soft where the model is (COMPAT §5.1)

`children(resource, parent, ...)` serves a resource that belongs to another under the parent's
path (`/v1/pricelists/:id/prices`, `/v1/documents/:id/recurrences`): `create` sets the parent's
id, `find` and `count` narrow to the parent's children. `searches(routes, resource, ...)` adds a
search (COMPAT §1.11) run as the lists run. A domain adds its own routes (actions, a replacing
PUT) to the router it gets back. Each route declares its answer's type
(`resource.answer_type`, `Count`) for the OpenAPI document (COMPAT §1.13)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Literal

from fastapi import APIRouter, BackgroundTasks, Request
from sqlalchemy.orm import Session

from spaceport.kit.answers import Count, many
from spaceport.kit.crud import Crud, Scoped, ScopedRead, Values, authorizing
from spaceport.kit.db import Model
from spaceport.kit.errors import BadRequest
from spaceport.kit.filters import parse_filter
from spaceport.kit.json import ApiResponse
from spaceport.kit.openapi import search_term
from spaceport.kit.repository import live
from spaceport.kit.routing import Router
from spaceport.kit.wire import Given, QueryBody, given_body, query_of

Route = Literal["create", "find", "count", "get", "update", "delete"]
ALL: tuple[Route, ...] = ("create", "find", "count", "get", "update", "delete")
IN_PARENT: tuple[Route, ...] = ("create", "find", "count")


ORGANIZATIONS: tuple[str, ...] = ("organizations",)


def router(
    resource: Crud[Any],
    only: Collection[Route] = ALL,
    organization_paths: Collection[str] = ORGANIZATIONS,
) -> APIRouter:
    routes = Router(prefix="/v1", tags=[resource.collection])
    for organizations in organization_paths:
        if {"create", "find", "count"} & set(only):
            _in_organization(routes, resource, only, organizations)
    if {"get", "update", "delete"} & set(only):
        _by_id(routes, resource, only)
    return routes


def _in_organization(
    routes: APIRouter, resource: Crud[Any], only: Collection[Route], organizations: str
) -> None:
    path = f"/{organizations}/{{id}}/{resource.collection}"
    create_body = given_body(resource.create_schema)
    answer = resource.answer_type

    if "create" in only:

        @routes.post(path, name=f"create_{resource.event}", response_model=answer)
        @authorizing
        async def create(
            request: Request, background: BackgroundTasks, given: Given[Any] = create_body
        ) -> Any:
            def created(session: Session, scope: Scoped) -> ApiResponse:
                values = given().given_with_defaults()
                instance = resource.create(session, scope.organization_id, values)
                return ApiResponse(resource.serialize(instance))

            return await resource.binding.write(request, background, None, created)

    if "find" in only:

        def found(session: Session, scope: Scoped, query: Values) -> Any:
            flt = parse_filter(query)
            rows = resource.repo(session).find_in(scope.organization_id, flt)
            return resource.answer_many(session, rows, flt, resource.serializer(query))

        @routes.get(path, name=f"list_{resource.collection}", response_model=many(answer))
        @authorizing
        async def find(request: Request, body: bytes = QueryBody) -> Any:
            return await scoped_answer(resource.binding.read, None, request, body, found)

    if "count" in only:

        def counted(session: Session, scope: Scoped, query: Values) -> Any:
            return {"count": resource.repo(session).count_in(scope.organization_id, query)}

        @routes.get(f"{path}/count", name=f"count_{resource.collection}", response_model=Count)
        @authorizing
        async def count(request: Request, body: bytes = QueryBody) -> Any:
            return await scoped_answer(resource.binding.read, None, request, body, counted)


def _by_id(routes: APIRouter, resource: Crud[Any], only: Collection[Route]) -> None:
    path = f"/{resource.collection}/{{id}}"
    update_body = given_body(resource.update_schema)
    answer = resource.answer_type

    if "get" in only:

        def got(session: Session, scope: Scoped, query: Values) -> Any:
            instance = resource.live(scope.instance)
            flt, serialize = parse_filter(query), resource.serializer(query)
            return resource.answer(session, instance, flt, serialize)

        @routes.get(path, name=f"get_{resource.event}", response_model=answer)
        @authorizing
        async def get(request: Request, body: bytes = QueryBody) -> Any:
            return await scoped_answer(resource.binding.read, resource.model, request, body, got)

    if "update" in only:

        @routes.patch(path, name=f"patch_{resource.event}", response_model=answer)
        @routes.put(path, name=f"put_{resource.event}", response_model=answer)
        @authorizing
        async def update(
            request: Request, background: BackgroundTasks, given: Given[Any] = update_body
        ) -> Any:
            def updated(session: Session, scope: Scoped) -> ApiResponse:
                instance = resource.update(session, resource.live(scope.instance), given().given())
                return ApiResponse(resource.serialize(instance))

            return await resource.binding.write(request, background, resource.model, updated)

    if "delete" in only:

        def deleted(session: Session, scope: Scoped) -> ApiResponse:
            resource.delete(session, resource.live(scope.instance))
            return ApiResponse({"count": 1})

        @routes.delete(path, name=f"delete_{resource.event}", response_model=Count)
        @authorizing
        async def delete(request: Request, background: BackgroundTasks) -> Any:
            return await resource.binding.write(request, background, resource.model, deleted)


def children(
    resource: Crud[Any],
    parent: type[Model],
    *,
    parent_collection: str,
    key: str,
    paths: Collection[str],
    only: Collection[Route] = IN_PARENT,
) -> APIRouter:
    """`resource`'s instances under a `parent` instance, whose id they keep in `key`, at
    `/v1/<parent_collection>/:id/<path>` for each of `paths` (a model may have two spellings,
    COMPAT §7.5)."""
    routes = Router(prefix="/v1", tags=[resource.collection])
    create_body = given_body(resource.create_schema)
    column = getattr(resource.model, key)
    what = parent.__name__.lower()
    answer = resource.answer_type

    def parent_of(scoped: Scoped) -> Any:
        return live(scoped.instance, what)

    def found(session: Session, scope: Scoped, query: Values) -> Any:
        flt = parse_filter(query)
        rows = resource.repo(session).find(flt, column == parent_of(scope).id)
        return resource.answer_many(session, rows, flt, resource.serializer(query))

    def counted(session: Session, scope: Scoped, query: Values) -> Any:
        return {"count": resource.repo(session).count(query, column == parent_of(scope).id)}

    for path in paths:
        base = f"/{parent_collection}/{{id}}/{path}"
        name = f"{parent_collection}_{path}"
        if "create" in only:

            @routes.post(base, name=f"create_{name}", response_model=answer)
            @authorizing
            async def create(
                request: Request, background: BackgroundTasks, given: Given[Any] = create_body
            ) -> Any:
                def created(session: Session, scope: Scoped) -> ApiResponse:
                    owner = parent_of(scope)
                    values = {**given().given_with_defaults(), key: owner.id}
                    instance = resource.create(session, owner.organization_id, values)
                    return ApiResponse(resource.serialize(instance))

                return await resource.binding.write(request, background, parent, created)

        if "find" in only:

            @routes.get(base, name=f"list_{name}", response_model=many(answer))
            @authorizing
            async def find(request: Request, body: bytes = QueryBody) -> Any:
                return await scoped_answer(resource.binding.read, parent, request, body, found)

        if "count" in only:

            @routes.get(f"{base}/count", name=f"count_{name}", response_model=Count)
            @authorizing
            async def count(request: Request, body: bytes = QueryBody) -> Any:
                return await scoped_answer(resource.binding.read, parent, request, body, counted)

    return routes


async def scoped_answer(
    read: ScopedRead,
    via: type[Model] | None,
    request: Request,
    body: bytes,
    work: Callable[[Session, Scoped, Values], Any],
) -> Any:
    """`work(session, scope, query)` and its answer's rendering in one phase (`read`: the
    application's `Binding.read`); the query is decoded once the caller is known (a bad one is
    a 400 after the 401). For a domain's own reads too (its search, the events list): one
    thread, not one per dependency (issue 13)."""

    def answered(session: Session, scope: Scoped) -> ApiResponse:
        return ApiResponse(work(session, scope, query_of(request, body)))

    return await read(request, via, answered)


Searched = Callable[[Session, Scoped, Values, str], Any]


def searches(
    routes: APIRouter,
    resource: Crud[Any],
    paths: Mapping[str, str],
    work: Searched,
    *,
    answer: Any = None,
    term_required: bool = True,
) -> None:
    """COMPAT §1.11: a search of the organization's `resource` at each of `paths` (path ->
    route name), run as its lists run (`scoped_answer`): `work(session, scope, query, term)`
    answers the organization's rows for the query's `term`. Its answer is typed `answer` (a
    list of `resource.answer_type` unless given); the OpenAPI document names the term."""
    typed = answer if answer is not None else many(resource.answer_type)
    extra = search_term(required=term_required)

    def searched(session: Session, scope: Scoped, query: Values) -> Any:
        return work(session, scope, query, term_of(query, required=term_required))

    for path, name in paths.items():

        @routes.get(path, name=name, response_model=typed, openapi_extra=extra)
        @authorizing
        async def search(request: Request, body: bytes = QueryBody) -> Any:
            return await scoped_answer(resource.binding.read, None, request, body, searched)


def term_of(query: Values, *, required: bool) -> str:
    """A search's `term`: one text, as LoopBack reads it (a 400 otherwise, or when missing
    where the search needs one)."""
    term = query.get("term")
    if term is None and not required:
        return ""
    if term is None:
        raise BadRequest("term is a required argument")
    if not isinstance(term, str):
        raise BadRequest("term must be one text")
    return term
