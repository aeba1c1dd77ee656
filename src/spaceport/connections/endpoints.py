"""Connections (FLOWS §F2.1): the shared CRUD routes, with create and update checking the base
URL and sealing the key (FLOWS §F2.3, FLOWS §F2.5), and `POST /connections/:id/test`
(FLOWS §F2.4), whose call to the provider runs outside any transaction."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from spaceport.access.authorization import Scope, authorize, caller_of, organization_scope
from spaceport.config import SettingsDep
from spaceport.connections import service
from spaceport.connections.errors import ConnectionTestFailed
from spaceport.connections.models import Connection
from spaceport.connections.repository import ConnectionRepository
from spaceport.connections.schemas import ConnectionCreate, ConnectionUpdate
from spaceport.connections.service import connections
from spaceport.kit.answers import Success
from spaceport.kit.errors import NotFound
from spaceport.kit.json import ApiResponse
from spaceport.kit.transaction import Db, read_phase
from spaceport.kit.wire import body_of


def build_router() -> APIRouter:
    router = connections.router(only=("find", "count", "get", "delete"))
    in_organization = organization_scope()
    by_id = organization_scope(via=Connection)
    answer = connections.answer_type

    @router.post("/organizations/{id}/connections", name="create_connection", response_model=answer)
    def create(
        session: Db,
        settings: SettingsDep,
        scope: Scope = in_organization,
        data: Any = body_of(ConnectionCreate),
    ) -> Any:
        values = data.given_with_defaults()
        connection = service.create(session, settings, scope.organization_id, values)
        return ApiResponse(connections.serialize(connection))

    @router.patch("/connections/{id}", name="patch_connection", response_model=answer)
    @router.put("/connections/{id}", name="put_connection", response_model=answer)
    def update(
        session: Db,
        settings: SettingsDep,
        scope: Scope = by_id,
        data: Any = body_of(ConnectionUpdate),
    ) -> Any:
        found = connections.live(scope.instance)
        connection = service.update(session, settings, found, data.given())
        return ApiResponse(connections.serialize(connection))

    @router.post("/connections/{id}/test", name="test_connection", response_model=Success)
    async def test(request: Request, id: str, settings: SettingsDep) -> Any:  # noqa: A002
        def read(session: Session) -> service.Opened:
            caller = caller_of(session, request)
            connection = ConnectionRepository(session).get(id, include_deleted=True)
            if connection is None:
                raise NotFound(f"Unknown connection id {id!r}")
            authorize(session, caller, connection.organization_id, request.method)
            try:
                return service.opened(connections.live(connection), settings)
            except service.KeyUnreadable as exc:
                raise ConnectionTestFailed(None, str(exc)) from None

        opened = await read_phase(request, read)
        await service.test(opened, settings)
        return ApiResponse({"success": True})

    return router


router = build_router()
